"""My Trust's bookings: the places of everyone at my Trust."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.booking_pages.pages import HR, OD, colleague, text_of
from tests.factories import BookingFactory, WorkshopFactory
from tests.queries import queries_to_get
from workshops.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db


def test_my_trusts_bookings_lists_colleagues_and_not_other_trusts(
    client, workshop, booking_a, director_b, trust_a
):
    BookingFactory(workshop=workshop, person=colleague(trust_a, HR, full_name="Lee Chan"))
    BookingFactory(workshop=workshop, person=director_b)
    client.force_login(colleague(trust_a, OD))

    page = text_of(client.get(reverse("workshops:trust_bookings")))

    assert "Jane Smith" in page
    assert "Lee Chan" in page
    assert "Sam Patel" not in page


@pytest.mark.parametrize(
    ("role", "reason"),
    [
        ("unaffiliated", "Your account is not linked to a member Trust yet"),
        ("unverified", "Confirm your e-mail address"),
        ("stakeholder", "Stakeholder representatives book through the personal invitation"),
    ],
    indirect=["role"],
)
def test_my_trusts_bookings_tells_others_why_they_see_none(client, booking_a, role, reason):
    client.force_login(role)

    page = text_of(client.get(reverse("workshops:trust_bookings")))

    assert reason in page
    assert "Jane Smith" not in page


def test_visitors_are_sent_to_sign_in_from_my_trusts_bookings(client):
    response = client.get(reverse("workshops:trust_bookings"))

    assert response.url.startswith(reverse("account_login"))


def _trust_bookings(count, trust_a, director_a):
    """``count`` of Trust A's bookings in every status, at upcoming and past workshops."""
    upcoming = WorkshopFactory(capacity=1)
    past = WorkshopFactory(date=datetime.date(2020, 7, 2))
    BookingFactory(workshop=upcoming, person=director_a, status=BookingStatus.WAITING)
    now = timezone.now()
    statuses = [
        {"status": BookingStatus.CONFIRMED},
        {"status": BookingStatus.OFFERED, "offer_expires_at": now},
        {"status": BookingStatus.AWAITING_APPROVAL},
        {"status": BookingStatus.CANCELLED, "cancelled_at": now},
        {"status": BookingStatus.WAITING},
    ]
    for index in range(count - 1):
        BookingFactory(
            workshop=past if index % 2 else upcoming,
            person=colleague(trust_a, HR),
            booked_by=director_a,
            one_per_functional_area=False,
            **statuses[index % len(statuses)],
        )


def test_my_trusts_bookings_takes_as_many_queries_for_100_bookings_as_for_1(
    client, trust_a, director_a
):
    client.force_login(director_a)
    _trust_bookings(1, trust_a, director_a)
    with_one, _ = queries_to_get(client, reverse("workshops:trust_bookings"))

    Booking.objects.all().delete()
    _trust_bookings(100, trust_a, director_a)
    with_a_hundred, response = queries_to_get(client, reverse("workshops:trust_bookings"))

    shown = len(response.context["upcoming"]) + len(response.context["past"])
    assert shown == 80  # all but the cancelled ones
    assert with_a_hundred == with_one
