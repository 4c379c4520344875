"""A stakeholder's personal invitation to book."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.booking_pages.pages import error_summary, text_of
from tests.factories import InvitationFactory
from workshops.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(workshop, stakeholder):
    return InvitationFactory(workshop=workshop, person=stakeholder)


def test_the_invitation_route_comes_before_workshop_pages(invitation):
    assert invitation.get_absolute_url() == f"/workshops/invitations/{invitation.token}/"


def test_visitors_are_sent_to_sign_in_from_an_invitation(client, invitation):
    response = client.get(invitation.get_absolute_url())

    assert response.url.startswith(reverse("account_login"))


def test_the_invitation_shows_the_workshop_and_a_button_to_book(client, invitation, stakeholder):
    client.force_login(stakeholder)

    page = text_of(client.get(invitation.get_absolute_url()))

    assert "How to grow a support workforce?" in page
    assert "Book my place</button>" in page


def test_booking_with_an_invitation_confirms_the_place(client, invitation, stakeholder):
    client.force_login(stakeholder)

    response = client.post(invitation.get_absolute_url())

    booking = Booking.objects.get()
    invitation.refresh_from_db()
    assert response.url == reverse("workshops:booking", args=[booking.pk])
    assert (booking.person, booking.status) == (stakeholder, BookingStatus.CONFIRMED)
    assert invitation.used_at is not None


def test_an_unknown_invitation_is_not_found(client, stakeholder):
    client.force_login(stakeholder)

    assert client.get("/workshops/invitations/no-such-token/").status_code == 404


def test_someone_elses_invitation_is_refused_clearly(client, invitation, director_a):
    client.force_login(director_a)

    for response in (
        client.get(invitation.get_absolute_url()),
        client.post(invitation.get_absolute_url()),
    ):
        page = response.content.decode()
        assert "This invitation is for someone else" in page
        assert "Book my place" not in page
    assert not invitation.workshop.bookings.exists()
    assert not Booking.objects.exists()


def test_an_expired_invitation_is_refused_clearly(client, workshop, stakeholder):
    invitation = InvitationFactory(
        workshop=workshop,
        person=stakeholder,
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    client.force_login(stakeholder)

    response = client.post(invitation.get_absolute_url())

    assert "This invitation has expired" in error_summary(response)


def test_a_used_invitation_links_to_the_booking(client, invitation, stakeholder):
    client.force_login(stakeholder)
    client.post(invitation.get_absolute_url())

    page = text_of(client.get(invitation.get_absolute_url()))

    assert "View your booking" in page
    assert "Book my place</button>" not in page
