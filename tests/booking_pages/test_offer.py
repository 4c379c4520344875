"""A place offered from the waiting list: accepting and declining it."""

import datetime

import pytest
from django.urls import reverse

from tests.booking_pages.pages import error_summary, offered, text_of
from tests.factories import BookingFactory, WorkshopFactory
from workshops.models import BookingStatus, CancellationReason

pytestmark = pytest.mark.django_db


def test_the_offer_page_shows_the_deadline(client, booking_a, director_a):
    booking_a.status = BookingStatus.OFFERED
    booking_a.offer_expires_at = datetime.datetime(2030, 7, 1, 9, 0, tzinfo=datetime.UTC)
    booking_a.save()
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:offer", args=[booking_a.pk])))

    assert "until <strong>1 July 2030, 10:00</strong> (UK time)" in page


@pytest.mark.parametrize("url_name", ["accept_offer", "decline_offer"])
def test_answering_an_offer_needs_a_post(client, booking_a, director_a, url_name):
    offered(booking_a)
    client.force_login(director_a)

    response = client.get(reverse(f"workshops:{url_name}", args=[booking_a.pk]))

    booking_a.refresh_from_db()
    assert response.status_code == 405
    assert booking_a.status == BookingStatus.OFFERED


def test_accepting_an_offer_confirms_the_place(client, booking_a, director_a):
    offered(booking_a)
    client.force_login(director_a)

    response = client.post(reverse("workshops:accept_offer", args=[booking_a.pk]))

    booking_a.refresh_from_db()
    assert response.url == reverse("workshops:booking", args=[booking_a.pk])
    assert booking_a.status == BookingStatus.CONFIRMED


def test_declining_an_offer_passes_it_on(client, director_a, director_b):
    workshop = WorkshopFactory(capacity=1)
    mine = offered(BookingFactory(workshop=workshop, person=director_a))
    nxt = BookingFactory(workshop=workshop, person=director_b, status=BookingStatus.WAITING)
    client.force_login(director_a)

    client.post(reverse("workshops:decline_offer", args=[mine.pk]))

    mine.refresh_from_db()
    nxt.refresh_from_db()
    assert mine.cancellation_reason == CancellationReason.OFFER_DECLINED
    assert nxt.status == BookingStatus.OFFERED


def test_an_expired_offer_cannot_be_accepted_and_says_so(client, booking_a, director_a):
    offered(booking_a, hours=-1)
    client.force_login(director_a)

    response = client.post(reverse("workshops:accept_offer", args=[booking_a.pk]))

    booking_a.refresh_from_db()
    assert response.status_code == 200
    assert "This offer is no longer open" in error_summary(response)
    assert booking_a.status == BookingStatus.OFFERED
