"""My bookings: the places booked for me, upcoming and past."""

import datetime

import pytest
from django.urls import reverse

from tests.booking_pages.pages import HR, colleague, text_of
from tests.factories import BookingFactory, WorkshopFactory
from tests.queries import queries_to_get
from workshops.models import BookingStatus

pytestmark = pytest.mark.django_db


def test_my_bookings_lists_upcoming_and_past_with_their_status(client, director_a, director_b):
    full = WorkshopFactory(title="A full workshop", capacity=1)
    BookingFactory(workshop=full, person=director_b)
    BookingFactory(workshop=full, person=director_a, status=BookingStatus.WAITING)
    past = WorkshopFactory(title="Last year's workshop", date=datetime.date(2020, 7, 2))
    BookingFactory(workshop=past, person=director_a)
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:my_bookings")))

    upcoming, past_part = page.split("Past workshops in 2020</caption>")
    assert "A full workshop" in upcoming
    assert 'On the waiting list</strong> <span class="nhsuk-body-s">Position 1' in upcoming
    assert "Last year&#x27;s workshop" in past_part


def test_my_bookings_shows_an_offer_with_its_deadline(client, booking_a, director_a):
    booking_a.status = BookingStatus.OFFERED
    booking_a.offer_expires_at = datetime.datetime(2030, 1, 10, 16, 30, tzinfo=datetime.UTC)
    booking_a.save()
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:my_bookings")))

    assert 'Place offered</strong> <span class="nhsuk-body-s">Accept by 10 January 2030, 16:30' in (
        page
    )


def test_my_bookings_leaves_out_colleagues_bookings(client, workshop, director_a, trust_a):
    BookingFactory(workshop=workshop, person=colleague(trust_a, HR, full_name="Lee Chan"))
    client.force_login(director_a)

    response = client.get(reverse("workshops:my_bookings"))

    assert response.context["upcoming"] == []


def test_visitors_are_sent_to_sign_in_from_my_bookings(client):
    response = client.get(reverse("workshops:my_bookings"))

    assert response.url.startswith(reverse("account_login"))


def test_my_bookings_takes_as_many_queries_for_many_bookings_as_for_1(client, trust_a, director_a):
    client.force_login(director_a)
    BookingFactory(person=director_a, status=BookingStatus.WAITING)
    with_one, _ = queries_to_get(client, reverse("workshops:my_bookings"))

    for _ in range(20):
        BookingFactory(person=director_a, status=BookingStatus.WAITING)
        BookingFactory(person=director_a)
    with_many, _ = queries_to_get(client, reverse("workshops:my_bookings"))

    assert with_many == with_one


def test_my_bookings_shows_one_past_year_and_links_to_the_others(client, director_a):
    for year in (2019, 2020):
        workshop = WorkshopFactory(title=f"The {year} workshop", date=datetime.date(year, 7, 2))
        BookingFactory(workshop=workshop, person=director_a)
    client.force_login(director_a)

    latest = text_of(client.get(reverse("workshops:my_bookings")))
    earlier = text_of(client.get(reverse("workshops:my_bookings"), {"year": 2019}))

    assert "The 2020 workshop" in latest
    assert "The 2019 workshop" not in latest
    assert 'href="?year=2019"' in latest
    assert "Past workshops in 2019</caption>" in earlier
    assert "The 2020 workshop" not in earlier
    assert client.get(reverse("workshops:my_bookings"), {"year": 2018}).status_code == 404
