"""The operations manager's booking actions in the admin call the booking services."""

import pytest
from django.urls import reverse

from collaborative.people.models import Seniority
from tests.factories import BookingFactory, UserFactory, WorkshopFactory
from workshops.booking import rules
from workshops.models import BookingStatus, Invitation

pytestmark = pytest.mark.django_db


def run_action(client, action, bookings):
    return client.post(
        reverse("admin:workshops_booking_changelist"),
        {"action": action, "_selected_action": [booking.pk for booking in bookings]},
        follow=True,
    )


def test_approve_action_confirms_bookings_awaiting_approval(admin_client, trust_a):
    person = UserFactory(trust=trust_a, seniority=Seniority.OTHER)
    booking = rules.book_place(workshop=WorkshopFactory(), person=person, booked_by=person)
    run_action(admin_client, "approve", [booking])
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_approve_action_reports_a_refusal_for_other_statuses(admin_client, director_a):
    booking = BookingFactory(person=director_a, status=BookingStatus.WAITING)
    response = run_action(admin_client, "approve", [booking])
    assert "Only bookings awaiting approval can be approved." in response.content.decode()


def test_cancel_action_offers_the_place_to_the_waiting_list(admin_client, director_a, director_b):
    workshop = WorkshopFactory(capacity=1)
    confirmed = rules.book_place(workshop=workshop, person=director_a, booked_by=director_a)
    waiting = rules.book_place(workshop=workshop, person=director_b, booked_by=director_b)
    run_action(admin_client, "cancel", [confirmed])
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.OFFERED


def test_invitation_link_is_shown_once_created(admin_client, operations_manager):
    invitation = Invitation.objects.create(
        workshop=WorkshopFactory(), person=UserFactory(functional_area="")
    )
    page = admin_client.get(reverse("admin:workshops_invitation_change", args=[invitation.pk]))
    assert invitation.get_absolute_url() in page.content.decode()
    assert len(invitation.token) >= 40
