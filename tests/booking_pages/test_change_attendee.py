"""Giving a place to someone else of the Trust."""

import pytest
from django.urls import reverse

from collaborative.people.models import Seniority
from tests.booking_pages.pages import HR, colleague, error_summary, messages_of
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def test_a_place_can_be_given_to_a_colleague(client, booking_a, director_a, trust_a):
    lee = colleague(trust_a, HR, email="lee.chan@ta1.nhs.uk", full_name="Lee Chan")
    client.force_login(director_a)

    response = client.post(
        reverse("workshops:change_attendee", args=[booking_a.pk]),
        {
            "full_name": "Lee Chan",
            "email": "lee.chan@ta1.nhs.uk",
            "seniority": Seniority.DIRECTOR,
            "functional_area": HR,
        },
    )

    booking_a.refresh_from_db()
    assert response.url == reverse("workshops:booking", args=[booking_a.pk])
    assert (booking_a.person, booking_a.functional_area) == (lee, HR)
    assert messages_of(response) == ["Lee Chan now has this booking (confirmed)."]


def test_a_place_cannot_be_given_to_another_trusts_person(
    client, booking_a, director_a, director_b
):
    client.force_login(director_a)

    response = client.post(
        reverse("workshops:change_attendee", args=[booking_a.pk]),
        {"full_name": "Sam Patel", "email": director_b.email, "seniority": Seniority.DIRECTOR},
    )

    booking_a.refresh_from_db()
    assert "is not an address at Avon Test NHS Trust" in error_summary(response)
    assert booking_a.person == director_a


def test_changing_the_attendee_keeps_the_functional_area_rule(
    client, workshop, booking_a, director_a, trust_a
):
    BookingFactory(workshop=workshop, person=colleague(trust_a, HR, full_name="Lee Chan"))
    other = colleague(trust_a, HR, email="other@ta1.nhs.uk")
    client.force_login(director_a)

    response = client.post(
        reverse("workshops:change_attendee", args=[booking_a.pk]),
        {
            "full_name": "Other",
            "email": other.email,
            "seniority": Seniority.DIRECTOR,
            "functional_area": HR,
        },
    )

    assert "already has its HR / Workforce representative" in error_summary(response)
