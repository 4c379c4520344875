"""Download my data (UK GDPR Art. 15 and 20): exactly the person's data, after the password."""

import json
import logging

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaborative import privacy
from collaborative.people import calendar_tokens
from collaborative.people.models import FunctionalArea
from collaborative.site import contact_messages
from collaborative.site.models import ContactMessage
from tests.factories import InvitationFactory, UserFactory, WorkshopFactory
from trusts.models import AffiliationRequest
from workshops.booking import rules as booking_services

pytestmark = pytest.mark.django_db

PASSWORD = "a-test-password-1"  # the factory's


@pytest.fixture
def colleague(trust_a):
    return UserFactory(
        email="colin.colleague@ta1.nhs.uk",
        full_name="Colin Colleague",
        trust=trust_a,
        functional_area=FunctionalArea.HR_WORKFORCE,
    )


@pytest.fixture
def booked_by_colleague(director_a, colleague):
    """Jane's place, booked for her by Colin."""
    workshop = WorkshopFactory(title="Growing the support workforce")
    return booking_services.book_place(workshop=workshop, person=director_a, booked_by=colleague)


@pytest.fixture
def colleagues_own_booking(colleague):
    workshop = WorkshopFactory(title="Colin's own workshop on rostering")
    return booking_services.book_place(workshop=workshop, person=colleague, booked_by=colleague)


def contact(person, subject):
    contact_messages.receive_contact_message(
        ContactMessage(name=person.full_name, email=person.email, subject=subject, message="Hi"),
        sent_by=person,
    )


def reauthenticate(client):
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def download(client):
    return client.post(reverse("profile_data"))


def test_the_download_asks_for_the_password_first(client, director_a):
    client.force_login(director_a)

    response = download(client)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))


def test_giving_the_password_carries_on_to_the_download(client, director_a):
    client.force_login(director_a)
    download(client)

    response = client.post(
        reverse("account_reauthenticate"), {"password": PASSWORD, "next": reverse("profile_data")}
    )

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.content)["profile"]["email"] == director_a.email


def test_the_download_is_an_attachment_nobody_may_store(client, director_a):
    client.force_login(director_a)
    reauthenticate(client)

    response = download(client)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="nmhwdc-my-data-')
    assert "no-store" in response["Cache-Control"]


def test_the_download_is_a_post_only(client, director_a):
    client.force_login(director_a)
    reauthenticate(client)

    assert client.get(reverse("profile_data")).status_code == 405


def test_visitors_are_sent_to_sign_in(client):
    response = download(client)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_export_holds_the_persons_details_bookings_and_messages(
    director_a, booked_by_colleague, trust_b
):
    EmailAddress.objects.create(user=director_a, email="jane.home@example.net")
    AffiliationRequest.objects.create(person=director_a, trust=trust_b, status="rejected")
    contact(director_a, "Jane's question about places")
    calendar_tokens.issue_calendar_token(director_a)

    data = privacy.export_personal_data(director_a)

    assert data["profile"]["full_name"] == "Jane Smith"
    assert data["profile"]["trust"] == "Avon Test NHS Trust"
    assert {a["email"] for a in data["email_addresses"]} == {
        "director@ta1.nhs.uk",
        "jane.home@example.net",
    }
    assert data["affiliation_requests"][0]["organisation"] == "Bristol Test NHS Trust"
    [booking] = data["bookings"]
    assert booking["workshop"]["title"] == "Growing the support workforce"
    assert booking["status"] == "Confirmed"
    assert [line["action"] for line in booking["history"]] == ["Booked"]
    assert [c["subject"] for c in data["contact_messages"]] == ["Jane's question about places"]
    assert {m["kind"] for m in data["messages_sent_to_you"]} == {"Place confirmed"}
    assert data["calendar_feed"] == {"turned_on": True}
    assert "password" not in data["profile"]
    assert "calendar_token" not in data["profile"]


def test_the_export_names_whoever_booked_the_place_but_not_their_address(
    director_a, booked_by_colleague
):
    data = privacy.export_personal_data(director_a)

    [booking] = data["bookings"]
    assert booking["booked_by"] == "Colin Colleague"
    assert booking["history"][0]["by"] == "Colin Colleague"
    assert "colin.colleague@ta1.nhs.uk" not in json.dumps(data, default=str)


def test_the_export_holds_nothing_of_a_colleagues_own_data(
    director_a, colleague, booked_by_colleague, colleagues_own_booking
):
    contact(colleague, "Colin's private question")
    AffiliationRequest.objects.create(person=colleague, trust=colleague.trust, status="approved")

    text = json.dumps(privacy.export_personal_data(director_a), default=str)

    assert "Colin's own workshop on rostering" not in text
    assert "Colin's private question" not in text
    assert "colin.colleague@ta1.nhs.uk" not in text
    # Colin's own messages (his booking's confirmation, the copy of Jane's) are his.
    assert "Copy to the person who booked" not in text


def test_another_persons_address_in_an_audit_line_is_not_given(director_a, colleague):
    workshop = WorkshopFactory()
    booking = booking_services.book_place(workshop=workshop, person=colleague, booked_by=colleague)
    booking_services.change_attendee(booking=booking, person=director_a, changed_by=colleague)

    [line] = [
        line
        for line in privacy.export_personal_data(director_a)["bookings"][0]["history"]
        if line["action"] == "Attendee changed"
    ]

    assert line["details"]["replaced"] == "another person"
    assert line["details"]["attendee"] == "you"


def test_the_export_lists_where_the_person_is_signed_in(director_a):
    UserSession.objects.create(
        user=director_a, ip="192.0.2.7", user_agent="Firefox", session_key="k" * 32
    )

    [session] = privacy.export_personal_data(director_a)["sessions"]

    assert (session["ip_address"], session["browser"]) == ("192.0.2.7", "Firefox")


def test_an_export_is_logged_by_account_number_only(client, director_a, caplog):
    client.force_login(director_a)
    reauthenticate(client)

    with caplog.at_level(logging.INFO, logger="nmhwdc.security"):
        download(client)

    [line] = [r.getMessage() for r in caplog.records if "personal_data_exported" in r.getMessage()]
    event = json.loads(line)
    assert (event["event"], event["user_id"], event["view"]) == (
        "personal_data_exported",
        director_a.pk,
        "profile_data",
    )
    assert director_a.email not in line and director_a.full_name not in line


def test_the_profile_offers_the_download_and_closing_the_account(client, director_a):
    client.force_login(director_a)

    page = client.get(reverse("profile")).content.decode()

    assert f'action="{reverse("profile_data")}"' in page
    assert "Download your data" in page
    assert f'href="{reverse("profile_close")}"' in page


def test_the_export_costs_the_same_queries_for_ten_bookings_as_for_one(
    director_a, colleague, django_assert_max_num_queries
):
    def book_on_new_workshop():
        booking_services.book_place(
            workshop=WorkshopFactory(), person=director_a, booked_by=colleague
        )

    book_on_new_workshop()
    with CaptureQueriesContext(connection) as one:
        privacy.export_personal_data(director_a)
    for _ in range(9):
        book_on_new_workshop()

    with django_assert_max_num_queries(len(one)):
        data = privacy.export_personal_data(director_a)
    assert len(data["bookings"]) == 10


def test_a_table_the_export_does_not_name_is_included_by_its_relation(director_a, monkeypatch):
    """A table added later that points to a person is in the file, without its secrets."""
    from collaborative.privacy import export

    monkeypatch.setattr(export, "EXPORTED", export.EXPORTED - {"workshops.Invitation.person"})
    InvitationFactory(person=director_a, workshop__title="Invited to this")

    [invitation] = privacy.export_personal_data(director_a)["other_records"]["invitations"]

    assert invitation["workshop"].startswith("Invited to this")
    assert "token" not in invitation
