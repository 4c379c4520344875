"""Who may see a workshop's video link: ``Booking.video_link_for``, the one rule that the
booking page and summary, the calendar file and feed, and the e-mails all ask."""

import pytest
from django.urls import reverse

from tests.factories import BookingFactory, UserFactory, WorkshopFactory
from workshops.messages.calendar import booking_calendar
from workshops.models import BookingStatus, Workshop

pytestmark = pytest.mark.django_db
LINK = "https://meet.example.org/nmhwdc"


@pytest.fixture
def booked_for_a_colleague(trust_a):
    booker = UserFactory(trust=trust_a)
    attendee = UserFactory(trust=trust_a)
    booking = BookingFactory(
        workshop=WorkshopFactory(video_link=LINK), person=attendee, booked_by=booker
    )
    return booking, attendee, booker, UserFactory(trust=trust_a)


@pytest.mark.parametrize(
    ("status", "who", "sees_it"),
    [
        (BookingStatus.CONFIRMED, "attendee", True),
        (BookingStatus.CONFIRMED, "booker", False),
        (BookingStatus.CONFIRMED, "colleague", False),
        (BookingStatus.CONFIRMED, "nobody", False),
        (BookingStatus.AWAITING_APPROVAL, "attendee", False),
        (BookingStatus.OFFERED, "attendee", False),
        (BookingStatus.WAITING, "attendee", False),
        (BookingStatus.CANCELLED, "attendee", False),
    ],
)
def test_only_the_confirmed_attendee_sees_the_video_link(
    booked_for_a_colleague, status, who, sees_it
):
    booking, attendee, booker, colleague = booked_for_a_colleague
    booking.status = status
    person = {"attendee": attendee, "booker": booker, "colleague": colleague, "nobody": None}[who]

    assert booking.video_link_for(person) == (LINK if sees_it else "")
    # The calendar file asks the same rule.
    assert (LINK.encode() in booking_calendar(booking, viewer=person)) is sees_it


def test_an_in_person_workshop_has_no_video_link_to_show(director_a):
    workshop = WorkshopFactory(format=Workshop.Format.IN_PERSON, venue="Leeds", video_link=LINK)
    booking = BookingFactory(workshop=workshop, person=director_a)

    assert booking.video_link_for(director_a) == ""


def test_the_booking_page_shows_the_link_to_the_attendee_and_not_to_the_booker(
    client, booked_for_a_colleague
):
    booking, attendee, booker, _ = booked_for_a_colleague
    page = reverse("workshops:booking", args=[booking.pk])
    client.force_login(attendee)
    assert LINK in client.get(page).text
    client.force_login(booker)
    response = client.get(page)
    assert response.status_code == 200
    assert LINK not in response.text
