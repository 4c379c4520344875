"""A confirmed booking's calendar file."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from workshops.models import BookingStatus

pytestmark = pytest.mark.django_db


def test_a_confirmed_booking_downloads_as_a_calendar_file(client, booking_a, director_a):
    client.force_login(director_a)

    response = client.get(reverse("workshops:calendar", args=[booking_a.pk]))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="nmhwdc-{booking_a.workshop.slug}.ics"'
    )
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["UID"]) == booking_a.calendar_uid
    assert str(event["URL"]) == "https://meet.example.org/nmhwdc"


@pytest.mark.parametrize(
    "status",
    [
        BookingStatus.WAITING,
        BookingStatus.AWAITING_APPROVAL,
        BookingStatus.OFFERED,
        BookingStatus.CANCELLED,
    ],
)
def test_only_confirmed_bookings_have_a_calendar_file(client, booking_a, director_a, status):
    booking_a.status = status
    booking_a.offer_expires_at = timezone.now() + datetime.timedelta(hours=1)
    booking_a.cancelled_at = timezone.now()
    booking_a.save()
    client.force_login(director_a)

    response = client.get(reverse("workshops:calendar", args=[booking_a.pk]))

    assert response.status_code == 404
