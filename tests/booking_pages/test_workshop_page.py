"""The workshop page's booking panel: what each role is shown, and at what cost."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.booking_pages.pages import HR, OD, book_url, colleague, text_of
from tests.factories import (
    BookingFactory,
    InvitationFactory,
    StakeholderBodyFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.queries import queries_to_get
from trusts.models import AffiliationRequest
from workshops.models import Booking, BookingStatus, Workshop

pytestmark = pytest.mark.django_db


def test_visitors_see_no_booking_panel_and_are_asked_to_sign_in(client, workshop):
    page = text_of(client.get(workshop.get_absolute_url()))

    assert "Places left" not in page
    assert f'href="{reverse("account_login")}?next={workshop.get_absolute_url()}">sign in</a>' in (
        page
    )


def test_a_director_sees_the_places_left_and_is_offered_a_place(client, workshop, director_b):
    BookingFactory(workshop=workshop, person=colleague(director_b.trust))
    client.force_login(director_b)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert 'Places left</dt> <dd class="nhsuk-summary-list__value"> 9 of 10' in page
    assert f'href="{book_url(workshop)}" role="button" draggable="false">Book a place</a>' in page


def test_waiting_and_cancelled_bookings_leave_places_free(client, workshop, director_b):
    trust = director_b.trust
    BookingFactory(workshop=workshop, person=colleague(trust), status=BookingStatus.WAITING)
    BookingFactory(
        workshop=workshop,
        person=colleague(trust),
        status=BookingStatus.CANCELLED,
        cancelled_at=timezone.now(),
    )
    client.force_login(director_b)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "10 of 10" in page


def test_a_full_workshop_offers_the_waiting_list(client, director_a, director_b):
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(workshop=workshop, person=director_b)
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "None: new bookings join the waiting list" in page
    assert 'draggable="false">Join the waiting list</a>' in page


def test_a_person_holding_an_offer_is_asked_to_accept_or_decline_by_the_deadline(
    client, workshop, booking_a, director_a
):
    booking_a.status = BookingStatus.OFFERED
    booking_a.offer_expires_at = datetime.datetime(2030, 3, 5, 14, 0, tzinfo=datetime.UTC)
    booking_a.save()
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "Accept it by 5 March 2030, 14:00" in page
    assert (
        f'href="{reverse("workshops:offer", args=[booking_a.pk])}" role="button" '
        'draggable="false">Accept or decline your offer</a>'
    ) in page


def test_a_person_with_a_booking_is_linked_to_it(client, workshop, booking_a, director_a):
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert f'<a href="{reverse("workshops:booking", args=[booking_a.pk])}">View your booking' in (
        page
    )
    assert "Book a place</a>" not in page


def test_a_waiting_person_sees_their_position(client, director_a, director_b, trust_b):
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(workshop=workshop, person=colleague(trust_b))
    BookingFactory(workshop=workshop, person=director_b, status=BookingStatus.WAITING)
    BookingFactory(workshop=workshop, person=director_a, status=BookingStatus.WAITING)
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert 'On the waiting list</strong> <span class="nhsuk-body-s">Position 2</span>' in page


@pytest.mark.parametrize(
    ("role", "reason"),
    [
        ("unaffiliated", "Your account is not linked to a member Trust yet"),
        ("unverified", "Confirm your e-mail address before you book"),
    ],
    indirect=["role"],
)
def test_people_who_cannot_book_are_told_why_with_a_link_to_their_profile(
    client, workshop, role, reason
):
    client.force_login(role)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert reason in page
    assert f'<a href="{reverse("profile")}">Go to your profile</a>' in page
    assert "Book a place</a>" not in page


def test_people_awaiting_affiliation_are_told_so_on_the_workshop_page(
    client, workshop, unaffiliated, trust_a
):
    AffiliationRequest.objects.create(person=unaffiliated, trust=trust_a)
    client.force_login(unaffiliated)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "waiting for the programme operations manager&#x27;s approval" in page


def test_stakeholders_are_told_to_book_through_their_invitation(client, workshop, stakeholder):
    client.force_login(stakeholder)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "Stakeholder representatives book through the personal invitation" in page


def test_a_stakeholder_with_an_invitation_is_linked_to_it(client, workshop, stakeholder):
    invitation = InvitationFactory(workshop=workshop, person=stakeholder)
    client.force_login(stakeholder)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert f'<a href="{invitation.get_absolute_url()}">Book your place with your invitation' in (
        page
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"status": Workshop.Status.CLOSED}, "Booking for this workshop has closed."),
        ({"status": Workshop.Status.CANCELLED}, "This workshop has been cancelled"),
        ({"date": datetime.date(2020, 7, 2)}, "This workshop has already taken place."),
    ],
)
def test_a_workshop_not_open_for_booking_says_why(client, director_a, changes, reason):
    workshop = WorkshopFactory(**changes)
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert reason in page
    assert "Book a place</a>" not in page
    assert "Go to your profile" not in page


def test_the_trusts_places_show_who_holds_each_functional_area(
    client, workshop, booking_a, director_a, trust_a
):
    BookingFactory(
        workshop=workshop,
        person=colleague(trust_a, HR, full_name="Lee Chan"),
        status=BookingStatus.AWAITING_APPROVAL,
    )
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "Avon Test NHS Trust's places" in page
    nursing = re.search(r"Nursing</th>(.*?)</tr>", page).group(1)
    hr = re.search(r"HR / Workforce</th>(.*?)</tr>", page).group(1)
    od = re.search(r"Organisational Development / Training &amp; Education</th>(.*?)</tr>", page)
    assert "Jane Smith" in nursing and "Confirmed" in nursing
    assert "Lee Chan" in hr and "Awaiting approval" in hr
    assert "Free" in od.group(1)
    assert "1 of your Trust's 3 places is free" in page


def test_the_trusts_places_list_its_waiting_colleagues(client, director_a, trust_a, trust_b):
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(workshop=workshop, person=colleague(trust_b))
    BookingFactory(
        workshop=workshop,
        person=colleague(trust_a, OD, full_name="Olu Waiting"),
        status=BookingStatus.WAITING,
    )
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert re.search(r"Olu Waiting</a> <strong[^>]*>On the waiting list", page)


def test_another_trusts_places_are_not_shown(client, workshop, booking_a, director_b):
    client.force_login(director_b)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "Bristol Test NHS Trust's places" in page
    assert "Jane Smith" not in page


def test_unverified_people_of_a_trust_do_not_see_its_places(
    client, workshop, booking_a, unverified
):
    client.force_login(unverified)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "Jane Smith" not in page
    assert "places</caption>" not in page


def test_the_video_link_is_shown_to_a_confirmed_attendee(client, booking_a, director_a):
    client.force_login(director_a)

    page = client.get(booking_a.workshop.get_absolute_url()).content.decode()

    assert '<a href="https://meet.example.org/nmhwdc">Join the workshop by video</a>' in page


@pytest.mark.parametrize(
    "status", [BookingStatus.WAITING, BookingStatus.AWAITING_APPROVAL, BookingStatus.OFFERED]
)
def test_the_video_link_is_hidden_until_the_place_is_confirmed(
    client, booking_a, director_a, status
):
    booking_a.status = status
    booking_a.offer_expires_at = timezone.now() + datetime.timedelta(hours=1)
    booking_a.save()
    client.force_login(director_a)

    page = client.get(booking_a.workshop.get_absolute_url()).content.decode()

    assert "meet.example.org" not in page


def test_the_video_link_is_hidden_from_the_attendees_trust_colleagues(client, booking_a, trust_a):
    client.force_login(colleague(trust_a, HR))

    page = client.get(booking_a.workshop.get_absolute_url()).content.decode()

    assert "meet.example.org" not in page


def test_an_in_person_workshop_shows_its_venue_to_signed_in_people(client, director_a):
    workshop = WorkshopFactory(
        format=Workshop.Format.IN_PERSON, venue="Skipton House\n80 London Road", video_link=""
    )
    client.force_login(director_a)

    page = client.get(workshop.get_absolute_url()).content.decode()

    assert "Skipton House<br>80 London Road" in page


def _bookings_at(workshop, count, trust_a, director_a):
    """``count`` bookings: Jane waiting, two Trust A places, Trust A waiting and stakeholders."""
    BookingFactory(workshop=workshop, person=director_a, status=BookingStatus.WAITING)
    for index in range(1, count):
        if index <= 2:
            BookingFactory(workshop=workshop, person=colleague(trust_a, (HR, OD)[index - 1]))
        elif index % 2:
            person = colleague(trust_a, full_name=f"Waiting Colleague {index}")
            BookingFactory(workshop=workshop, person=person, status=BookingStatus.WAITING)
        else:
            person = UserFactory(stakeholder_body=StakeholderBodyFactory(), functional_area="")
            BookingFactory(
                workshop=workshop,
                person=person,
                trust=None,
                stakeholder_body=person.stakeholder_body,
            )


def test_the_workshop_page_takes_as_many_queries_for_100_bookings_as_for_1(
    client, trust_a, director_a
):
    workshop = WorkshopFactory(capacity=50)
    client.force_login(director_a)
    _bookings_at(workshop, 1, trust_a, director_a)
    with_one, _ = queries_to_get(client, workshop.get_absolute_url())

    Booking.objects.all().delete()
    _bookings_at(workshop, 100, trust_a, director_a)
    with_a_hundred, response = queries_to_get(client, workshop.get_absolute_url())

    assert workshop.bookings.count() == 100
    assert response.content.decode().count("Waiting Colleague") == 49
    assert with_a_hundred == with_one
