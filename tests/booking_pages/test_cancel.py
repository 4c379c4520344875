"""Cancelling a place."""

import datetime

import pytest
from django.urls import reverse

from tests.booking_pages.pages import HR, colleague, messages_of, text_of
from tests.factories import BookingFactory, WorkshopFactory
from workshops.models import BookingStatus

pytestmark = pytest.mark.django_db


def test_the_cancel_page_asks_first_and_changes_nothing(client, booking_a, director_a):
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:cancel", args=[booking_a.pk])))

    booking_a.refresh_from_db()
    assert "Are you sure you want to cancel your booking?" in page
    assert booking_a.status == BookingStatus.CONFIRMED


def test_cancelling_frees_the_place_for_the_first_person_waiting(client, director_a, director_b):
    workshop = WorkshopFactory(capacity=1)
    mine = BookingFactory(workshop=workshop, person=director_a)
    waiting = BookingFactory(workshop=workshop, person=director_b, status=BookingStatus.WAITING)
    client.force_login(director_a)

    response = client.post(reverse("workshops:cancel", args=[mine.pk]))

    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert response.url == reverse("workshops:booking", args=[mine.pk])
    assert mine.status == BookingStatus.CANCELLED
    assert waiting.status == BookingStatus.OFFERED
    assert messages_of(response) == ["The booking for Jane Smith is cancelled."]


def test_a_trust_director_cancels_a_colleagues_booking(client, booking_a, trust_a):
    client.force_login(colleague(trust_a, HR))

    client.post(reverse("workshops:cancel", args=[booking_a.pk]))

    booking_a.refresh_from_db()
    assert booking_a.status == BookingStatus.CANCELLED


def test_a_cancel_post_without_the_csrf_token_is_refused(booking_a, director_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(director_a)

    response = client.post(reverse("workshops:cancel", args=[booking_a.pk]))

    booking_a.refresh_from_db()
    assert response.status_code == 403
    assert booking_a.status == BookingStatus.CONFIRMED


def test_cancelling_a_past_workshops_booking_says_why_and_changes_nothing(client, director_a):
    booking = BookingFactory(person=director_a, workshop__date=datetime.date(2022, 2, 28))
    client.force_login(director_a)
    response = client.post(reverse("workshops:cancel", args=[booking.pk]), follow=True)
    assert "already taken place" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
