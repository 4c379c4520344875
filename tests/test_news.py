"""The public News and events page, its Atom feed, and outcomes on a workshop's page."""

import datetime
import html
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import WorkshopFactory
from tests.queries import queries_to_get
from workshops.models import Outcome, Workshop

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def text_of(response):
    """The page's text with tags dropped, entities read and runs of white space folded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def days_ahead(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def may_2020(db):
    """The May 2020 videoconference and the forum it agreed, with its outcome."""
    videoconference = WorkshopFactory(
        title="Workforce issues arising from the COVID-19 outbreak",
        slug="2020-05-14-covid-19",
        date=datetime.date(2020, 5, 14),
        kind=Workshop.Kind.VIDEOCONFERENCE,
        status=Workshop.Status.HELD,
    )
    forum = WorkshopFactory(
        title="Psychological support for NHS staff",
        slug="2020-07-02-forum",
        date=datetime.date(2020, 7, 2),
        kind=Workshop.Kind.FORUM,
        status=Workshop.Status.HELD,
    )
    outcome = Outcome.objects.create(
        workshop=videoconference,
        summary="Psychological support for staff is the gap.",
        actions="Hold a one-off forum.",
    )
    outcome.follow_up_events.add(forum)
    return videoconference


@pytest.fixture
def ahead(db):
    return WorkshopFactory(
        title="How do we keep experienced staff?",
        slug="keeping-staff",
        date=days_ahead(30),
        status=Workshop.Status.OPEN,
        description="Why experienced staff leave.",
    )


def feed(client):
    response = client.get(reverse("news_feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


# The page -----------------------------------------------------------------------------


def test_the_page_lists_the_next_workshop_first_then_the_past_latest_first(client, may_2020, ahead):
    later = WorkshopFactory(title="What makes new roles last?", date=days_ahead(120))

    page = text_of(client.get(reverse("news")))

    positions = [
        page.index(title)
        for title in (
            "Coming up",
            ahead.title,
            later.title,
            "Past events and what they agreed",
            "Psychological support for NHS staff",
            "What we agreed: Workforce issues arising from the COVID-19 outbreak",
        )
    ]
    assert positions == sorted(positions)


def test_an_outcome_shows_its_summary_and_the_event_it_agreed(client, may_2020):
    page = text_of(client.get(reverse("news")))

    assert "Outcome · , 14 May 2020" in page
    assert "Psychological support for staff is the gap." in page
    assert "Agreed to hold: Psychological support for NHS staff (2 July 2020)" in page


@pytest.mark.parametrize("status", [Workshop.Status.DRAFT, Workshop.Status.CANCELLED])
def test_drafts_and_cancelled_workshops_are_not_announced(client, status):
    WorkshopFactory(title="Not for the news", status=status)

    assert "Not for the news" not in client.get(reverse("news")).content.decode()


def test_a_past_workshop_without_an_outcome_is_news_as_it_was_announced(client):
    WorkshopFactory(
        title="Strategic workforce planning",
        description="Setting the context for workforce planning.",
        date=datetime.date(2020, 3, 5),
        status="held",
    )

    page = text_of(client.get(reverse("news")))

    assert "Strategic workforce planning" in page
    assert "Thursday 5 March 2020" in page
    assert "Setting the context for workforce planning." in page


def test_a_past_workshop_with_an_outcome_is_told_once_by_its_outcome(client, may_2020):
    page = text_of(client.get(reverse("news")))

    assert page.count("Workforce issues arising from the COVID-19 outbreak") == 1


def test_the_page_points_feed_readers_to_the_atom_feed(client):
    page = client.get(reverse("news")).content.decode()

    assert (
        f'<link rel="alternate" type="application/atom+xml" title="NMHWDC news and events" '
        f'href="{reverse("news_feed")}">'
    ) in page


def test_the_header_links_everyone_to_the_news(client):
    page = client.get(reverse("home")).content.decode()

    assert f'<a class="nhsuk-header__navigation-link" href="{reverse("news")}">' in page


def test_the_page_takes_as_many_queries_for_many_outcomes_as_for_one(client, may_2020):
    def queries():
        return queries_to_get(client, reverse("news"))[0]

    one = queries()
    for number in range(10):
        held = WorkshopFactory(date=datetime.date(2020, 1, 1 + number), status="held")
        Outcome.objects.create(workshop=held, summary="Agreed.").follow_up_events.add(
            may_2020.outcome.follow_up_events.get()
        )

    assert queries() == one


def test_the_page_shows_the_latest_past_year_and_links_to_the_others(client, may_2020, ahead):
    WorkshopFactory(title="The 2018 workshop", date=datetime.date(2018, 2, 1), status="held")

    latest = text_of(client.get(reverse("news")))
    earlier = text_of(client.get(reverse("news"), {"year": 2018}))

    assert "What we agreed: Workforce issues arising from the COVID-19 outbreak" in latest
    assert "The 2018 workshop" not in latest
    assert "The 2018 workshop" in earlier
    assert "COVID-19" not in earlier
    assert "How do we keep experienced staff?" in latest and "How do we keep" in earlier
    assert client.get(reverse("news"), {"year": 2019}).status_code == 404


def test_ten_years_of_workshops_cost_the_page_what_one_year_does(client, may_2020, ahead):
    """One past year on the page, however many years there are, in as many queries."""

    def queries_and_items():
        count, response = queries_to_get(client, reverse("news"))
        return count, len(response.context["items"])

    one_year = queries_and_items()
    for year in range(2010, 2020):
        for month in range(1, 13):
            WorkshopFactory(date=datetime.date(year, month, 10), status="held")

    assert queries_and_items() == one_year


def test_the_feed_reaches_back_over_years_to_its_length(client, may_2020):
    for year in range(1980, 2020):
        WorkshopFactory(title=f"The {year} workshop", date=datetime.date(year, 6, 1), status="held")

    entries = [
        e.findtext("atom:title", namespaces=ATOM) for e in feed(client).findall("atom:entry", ATOM)
    ]

    assert len(entries) == 30
    assert "The 2019 workshop" in entries and "The 1992 workshop" in entries
    assert "The 1991 workshop" not in entries


# The feed --------------------------------------------------------------------------------


def test_the_feed_parses_as_atom_with_the_pages_entries_in_order(client, may_2020, ahead):
    root = feed(client)

    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert root.findtext("atom:title", namespaces=ATOM) == "NMHWDC news and events"
    entries = root.findall("atom:entry", ATOM)
    assert [entry.findtext("atom:title", namespaces=ATOM) for entry in entries] == [
        "How do we keep experienced staff?",
        "Psychological support for NHS staff",
        "What we agreed: Workforce issues arising from the COVID-19 outbreak",
    ]


def test_an_outcome_entry_links_to_the_outcome_on_the_workshop_page(client, may_2020):
    entry = feed(client).findall("atom:entry", ATOM)[-1]

    link = entry.find("atom:link", ATOM).get("href")
    assert link == f"http://testserver{may_2020.get_absolute_url()}#outcome"
    assert entry.findtext("atom:summary", namespaces=ATOM) == (
        "Psychological support for staff is the gap."
    )
    assert entry.find("atom:category", ATOM).get("term") == "Outcome"


def test_every_entry_has_its_own_id_and_an_update_time(client, may_2020):
    Outcome.objects.filter(workshop=may_2020).update(
        updated_at=datetime.datetime(2020, 5, 21, 9, 0, tzinfo=datetime.UTC)
    )
    WorkshopFactory(slug=may_2020.slug + "-again", date=days_ahead(10))

    entries = feed(client).findall("atom:entry", ATOM)

    ids = [entry.findtext("atom:id", namespaces=ATOM) for entry in entries]
    assert len(ids) == len(set(ids)) == 3
    assert entries[2].findtext("atom:updated", namespaces=ATOM) == "2020-05-21T09:00:00+00:00"


def test_a_draft_is_not_in_the_feed(client):
    WorkshopFactory(title="Still a draft", status=Workshop.Status.DRAFT)

    assert feed(client).findall("atom:entry", ATOM) == []


# The outcome on the workshop's page -------------------------------------------------------


def test_the_workshop_page_shows_what_it_agreed(client, may_2020):
    page = text_of(client.get(may_2020.get_absolute_url()))

    assert "What the workshop agreed Psychological support for staff is the gap." in page
    assert "Agreed actions Hold a one-off forum." in page
    assert "Follow-up events Psychological support for NHS staff Forum, 2 July 2020" in page


def test_a_follow_up_still_in_draft_is_not_shown_to_visitors(client, may_2020):
    may_2020.outcome.follow_up_events.update(status=Workshop.Status.DRAFT)

    page = text_of(client.get(may_2020.get_absolute_url()))

    assert "Follow-up events" not in page


def test_visitors_are_not_offered_to_record_an_outcome(client):
    held = WorkshopFactory(date=datetime.date(2020, 3, 5), status="held")

    page = client.get(held.get_absolute_url()).content.decode()

    assert reverse("workshops:steering:outcome", args=[held.slug]) not in page


def test_the_operations_manager_is_offered_to_record_a_missing_outcome(client, operations_manager):
    held = WorkshopFactory(date=datetime.date(2020, 3, 5), status="held")
    client.force_login(operations_manager)

    page = client.get(held.get_absolute_url()).content.decode()

    assert (
        f'<a href="{reverse("workshops:steering:outcome", args=[held.slug])}">'
        "Record what it discussed and agreed</a>"
    ) in page


def test_an_outcome_costs_the_workshop_page_one_query_however_many_follow_ups(client, may_2020):
    """The outcome comes with the workshop's own query; its follow-ups take one more."""

    def queries(workshop):
        return queries_to_get(client, workshop.get_absolute_url())[0]

    without = WorkshopFactory(date=datetime.date(2020, 3, 5), status="held")
    for number in range(5):
        may_2020.outcome.follow_up_events.add(
            WorkshopFactory(date=datetime.date(2020, 8, 1 + number), status="held")
        )

    assert queries(may_2020) == queries(without) + 1
