"""The privacy notice tells people their rights and the portal's retention, as it applies them."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_notice_says_how_to_get_a_copy_close_the_account_and_ask_for_erasure(client):
    response = client.get(reverse("privacy"))
    page = response.content.decode()

    assert re.findall(r"<h2[^>]*>([^<]+)</h2>", page)[3:6] == [
        "Getting a copy of your data",
        "Closing your account",
        "Who to ask",
    ]
    assert f'href="{reverse("profile")}"' in page
    assert "The programme operations manager can also erase your data" in text_of(response)


def test_the_notice_gives_the_retention_periods_the_portal_applies(client, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 730

    text = text_of(client.get(reverse("privacy")))

    assert "deleted after 30 days" in text
    assert "no booking for 2 years" in text


def test_a_retention_period_of_odd_days_is_given_in_days(client, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 500

    assert "no booking for 500 days" in text_of(client.get(reverse("privacy")))
