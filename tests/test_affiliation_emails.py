"""People are e-mailed, through the outbox, when the operations manager decides their request
to be linked to an organisation."""

import pytest
from django.urls import reverse

from collaborative.outbox.models import OutgoingEmail
from tests.factories import StakeholderBodyFactory, TrustFactory, UserFactory
from trusts import services

pytestmark = pytest.mark.django_db

BASE = "https://portal.nmhwdc.test"


@pytest.fixture(autouse=True)
def _portal(settings):
    settings.PORTAL_BASE_URL = BASE


@pytest.fixture
def person(db):
    return UserFactory(email="sam.jones@gmail.com", full_name="Sam Jones")


@pytest.fixture
def trust(db):
    return TrustFactory(name="Avon Test NHS Trust")


def decide(request, approve, by, capture):
    with capture(execute=True):
        services.decide_affiliation(request=request, approve=approve, decided_by=by)


def test_approving_a_request_e_mails_the_person_that_they_are_linked(
    person, trust, operations_manager, mailoutbox, django_capture_on_commit_callbacks
):
    request = services.request_affiliation(person=person, trust=trust)

    decide(request, True, operations_manager, django_capture_on_commit_callbacks)

    (email,) = mailoutbox
    assert email.to == ["sam.jones@gmail.com"]
    assert email.subject == "Your account is linked to Avon Test NHS Trust"
    assert email.body.startswith("Dear Sam Jones,")
    assert "You can now book places at the Collaborative's workshops for Avon Test" in email.body
    assert f"{BASE}{reverse('workshops:programme')}" in email.alternatives[0][0]


def test_a_stakeholder_is_told_they_book_through_invitations(
    person, operations_manager, mailoutbox, django_capture_on_commit_callbacks
):
    body = StakeholderBodyFactory(name="Health Education England")
    request = services.request_affiliation(person=person, stakeholder_body=body)

    decide(request, True, operations_manager, django_capture_on_commit_callbacks)

    (email,) = mailoutbox
    assert email.subject == "Your account is linked to Health Education England"
    assert "a personal link to book your place with" in email.body


def test_rejecting_a_request_e_mails_the_person_how_to_ask_again(
    person, trust, operations_manager, mailoutbox, django_capture_on_commit_callbacks
):
    request = services.request_affiliation(person=person, trust=trust)

    decide(request, False, operations_manager, django_capture_on_commit_callbacks)

    (email,) = mailoutbox
    assert email.subject == "Your request to be linked to Avon Test NHS Trust"
    assert "has not linked your account on the NMHWDC portal to Avon Test NHS Trust" in email.body
    assert f"{BASE}{reverse('profile')}" in email.body


def test_the_decision_is_recorded_in_the_outbox_in_its_own_transaction(
    person, trust, operations_manager, mailoutbox, django_capture_on_commit_callbacks
):
    request = services.request_affiliation(person=person, trust=trust)

    with django_capture_on_commit_callbacks(execute=False):
        services.decide_affiliation(request=request, approve=True, decided_by=operations_manager)

    row = OutgoingEmail.objects.get()
    assert (row.kind, row.recipient, row.state) == (
        OutgoingEmail.Kind.AFFILIATION_APPROVED,
        person,
        OutgoingEmail.State.PENDING,
    )
    assert mailoutbox == []


def test_deciding_twice_e_mails_once(
    person, trust, operations_manager, mailoutbox, django_capture_on_commit_callbacks
):
    request = services.request_affiliation(person=person, trust=trust)

    decide(request, True, operations_manager, django_capture_on_commit_callbacks)
    decide(request, False, operations_manager, django_capture_on_commit_callbacks)

    assert [email.subject for email in mailoutbox] == [
        "Your account is linked to Avon Test NHS Trust"
    ]


def test_the_admins_one_click_approval_e_mails_the_person(
    admin_client, person, trust, mailoutbox, django_capture_on_commit_callbacks
):
    request = services.request_affiliation(person=person, trust=trust)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:trusts_affiliationrequest_decide", args=[request.pk, "approve"])
        )

    assert [email.to for email in mailoutbox] == [["sam.jones@gmail.com"]]


def test_the_admins_reject_action_e_mails_each_person(
    admin_client, trust, mailoutbox, django_capture_on_commit_callbacks
):
    people = [UserFactory(email=f"person{n}@gmail.com") for n in range(2)]
    requests = [services.request_affiliation(person=p, trust=trust) for p in people]

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:trusts_affiliationrequest_changelist") + "?status__exact=pending",
            {"action": "reject", "_selected_action": [r.pk for r in requests]},
        )

    assert sorted(email.to[0] for email in mailoutbox) == [
        "person0@gmail.com",
        "person1@gmail.com",
    ]
    assert {email.subject for email in mailoutbox} == {
        "Your request to be linked to Avon Test NHS Trust"
    }
