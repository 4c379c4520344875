"""The News and events page with the demo data: the Collaborative's own past events, from
its record (the seeds), the latest first, after the workshops ahead."""

import html
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

# The mark makes the run set up the test database, which the module's fixture uses.
pytestmark = pytest.mark.django_db

# The seeds' events, the latest first (news-and-events-2018-2020.txt, collaborative-about-2022.txt).
PAST_EVENTS = [
    "How to grow a support workforce to meet NHS ambitions?",  # 28 November 2022
    "Diversity and inclusion",  # 16 November 2020
    "Health Education England's National Mental Health programme of work",  # 15 September 2020
    "Psychological support for NHS staff",  # 2 July 2020
    "What we agreed: Workforce issues arising from the COVID-19",  # 14 May 2020
    "Strategic workforce planning in mental health settings",  # 5 March 2020
    "Adopting the Thriving at Work recommendations",  # February 2018
]


def _text(response):
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


@pytest.fixture(scope="module")
def news_page(demo_database, django_db_blocker):
    """The page, followed by the past events of each earlier year, as the year links give them."""
    with django_db_blocker.unblock(), transaction.atomic():
        client = Client()
        first = client.get(reverse("news"))
        pages = [_text(first)] + [
            _text(client.get(reverse("news"), {"year": year})).split(
                "Past events and what they agreed", 1
            )[1]
            for year in first.context["past_years"][1:]
        ]
        transaction.set_rollback(True)
    return " ".join(pages)


def test_the_past_events_of_the_record_are_news_the_latest_first(news_page):
    past = news_page[news_page.index("Past events and what they agreed") :]

    positions = [past.index(title) for title in PAST_EVENTS]

    assert positions == sorted(positions)


def test_the_workshops_ahead_come_first(news_page):
    assert news_page.index("Coming up") < news_page.index("Past events and what they agreed")
