"""A booking's page, and who may open any of a booking's pages."""

import pytest
from django.urls import reverse

from collaborative.people.models import Seniority
from tests.booking_pages.pages import HR, colleague, offered, text_of
from workshops.models import BookingStatus

pytestmark = pytest.mark.django_db


BOOKING_PAGES = ["booking", "change_attendee", "cancel", "offer", "calendar"]


@pytest.mark.parametrize("url_name", BOOKING_PAGES)
def test_visitors_are_sent_to_sign_in_from_booking_pages(client, booking_a, url_name):
    url = reverse(f"workshops:{url_name}", args=[booking_a.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("url_name", BOOKING_PAGES)
@pytest.mark.parametrize("role", ["director_a", "colleague_a"], indirect=True)
def test_the_attendee_and_their_trusts_directors_see_a_booking(client, booking_a, url_name, role):
    client.force_login(role)

    response = client.get(reverse(f"workshops:{url_name}", args=[booking_a.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("url_name", BOOKING_PAGES)
@pytest.mark.parametrize(
    "role", ["director_b", "unaffiliated", "unverified", "stakeholder"], indirect=True
)
def test_anyone_else_is_told_a_booking_does_not_exist(client, booking_a, url_name, role):
    client.force_login(role)

    response = client.get(reverse(f"workshops:{url_name}", args=[booking_a.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["cancel", "accept_offer", "decline_offer", "change_attendee"])
def test_another_trusts_post_changes_nothing(client, booking_a, director_a, director_b, url_name):
    offered(booking_a)
    client.force_login(director_b)

    response = client.post(
        reverse(f"workshops:{url_name}", args=[booking_a.pk]),
        {"full_name": "Sam Patel", "email": director_b.email, "seniority": Seniority.DIRECTOR},
    )

    booking_a.refresh_from_db()
    assert response.status_code == 404
    assert (booking_a.status, booking_a.person) == (BookingStatus.OFFERED, director_a)


def test_staff_see_only_their_own_bookings_here(client, booking_a, operations_manager):
    client.force_login(operations_manager)

    response = client.get(reverse("workshops:booking", args=[booking_a.pk]))

    assert response.status_code == 404


def test_the_booking_page_shows_the_booking(client, booking_a, director_a):
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:booking", args=[booking_a.pk])))

    assert "Your booking" in page
    assert "How to grow a support workforce?" in page
    assert "Avon Test NHS Trust<br>Nursing" in page
    assert '<strong class="nhsuk-tag nhsuk-tag--green">Confirmed</strong>' in page
    assert reverse("workshops:calendar", args=[booking_a.pk]) in page


def test_a_trust_director_sees_a_colleagues_booking_without_its_video_link(
    client, booking_a, trust_a
):
    client.force_login(colleague(trust_a, HR))

    page = text_of(client.get(reverse("workshops:booking", args=[booking_a.pk])))

    assert "Booking for Jane Smith" in page
    assert "meet.example.org" not in page


def test_the_attendee_sees_the_video_link_on_their_confirmed_booking(client, booking_a, director_a):
    client.force_login(director_a)

    page = client.get(reverse("workshops:booking", args=[booking_a.pk])).content.decode()

    assert '<a href="https://meet.example.org/nmhwdc">Join the workshop by video</a>' in page
