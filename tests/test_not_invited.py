"""The invitations' progress page lists the directors not invited and why, and reminds those
whose address is unconfirmed to confirm it, once per person per workshop."""

import html
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from tests.factories import MembershipFactory, UserFactory, WorkshopFactory
from workshops.booking import rules
from workshops.messages import notify
from workshops.models import Workshop

pytestmark = pytest.mark.django_db
Kind = OutgoingEmail.Kind


def text_of(response):
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="How do we keep staff?", status=Workshop.Status.AGENDA_AGREED)


@pytest.fixture
def cast(trust_a):
    """One director for each reason not to be invited, and one who is invited."""
    former = MembershipFactory(trust__name="Lapsed Test NHS Trust", is_active=False).trust
    return {
        "invited": UserFactory(full_name="Ivy Invited", trust=trust_a),
        "unconfirmed": UserFactory(full_name="Una Unconfirmed", trust=trust_a, verified=False),
        "preferences": UserFactory(full_name="Pat Prefers", trust=trust_a, wants_invitations=False),
        "inactive_trust": UserFactory(full_name="Lee Lapsed", trust=former),
        "level": UserFactory(full_name="Lev Level", trust=trust_a, confirmed_seniority=""),
        "several": UserFactory(
            full_name="Sev Several", trust=trust_a, verified=False, confirmed_seniority=""
        ),
        "not_a_director": UserFactory(full_name="Otto Other", trust=trust_a, seniority="other"),
    }


def opened(workshop, by):
    return rules.open_for_booking(workshop=workshop, opened_by=by)


def reasons(workshop):
    return {str(row.person): row.reasons for row in notify.not_invited(workshop)}


def test_every_director_is_either_invited_or_listed_with_why_not(
    workshop, cast, operations_manager
):
    opened(workshop, operations_manager)

    assert reasons(workshop) == {
        "Una Unconfirmed": [notify.UNCONFIRMED_ADDRESS],
        "Pat Prefers": [notify.INVITATIONS_OFF],
        "Lee Lapsed": [notify.TRUST_NOT_ACTIVE],
        "Lev Level": [notify.LEVEL_NOT_CONFIRMED],
        "Sev Several": [notify.UNCONFIRMED_ADDRESS, notify.LEVEL_NOT_CONFIRMED],
    }
    invited = OutgoingEmail.objects.filter(kind=Kind.INVITATION).values_list(
        "recipient__full_name", flat=True
    )
    assert list(invited) == ["Ivy Invited"]


def test_someone_eligible_since_the_invitations_went_is_listed_as_such(
    workshop, trust_a, operations_manager
):
    opened(workshop, operations_manager)
    UserFactory(full_name="Nia New", trust=trust_a)

    assert reasons(workshop) == {"Nia New": [notify.LATER]}


@pytest.fixture
def ops_client(client, operations_manager):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    client.force_login(operations_manager)
    return client


def progress_url(workshop):
    return reverse("admin:collaborative_outgoingemail_invitations", args=[workshop.pk])


def test_the_progress_page_lists_them_with_a_count_for_each_reason(
    ops_client, workshop, cast, operations_manager
):
    opened(workshop, operations_manager)

    response = ops_client.get(progress_url(workshop))

    page = text_of(response)
    assert "Directors not invited (5)" in page
    assert "E-mail address not confirmed 2" in page
    assert (
        "Sev Several" in page
        and "E-mail address not confirmed; Director level not confirmed" in page
    )
    assert "Otto Other" not in page
    assert 'value="E-mail 2 reminders to confirm their address"' in response.content.decode()


def test_the_reminder_goes_once_to_those_with_an_unconfirmed_address_who_want_invitations(
    ops_client, workshop, cast, operations_manager, trust_a
):
    opened(workshop, operations_manager)
    UserFactory(full_name="Quiet", trust=trust_a, verified=False, wants_invitations=False)

    first = ops_client.post(progress_url(workshop), follow=True)
    ops_client.post(progress_url(workshop))

    reminded = OutgoingEmail.objects.filter(kind=Kind.CONFIRM_ADDRESS_REMINDER)
    assert sorted(reminded.values_list("recipient__full_name", flat=True)) == [
        "Sev Several",
        "Una Unconfirmed",
    ]
    assert "2 reminders to confirm an e-mail address recorded." in text_of(first)
    page = ops_client.get(progress_url(workshop))
    assert "Reminded to confirm their address" in text_of(page)
    assert "reminders to confirm their address" not in page.content.decode()


def test_the_second_reminder_run_says_they_were_reminded_already(
    ops_client, workshop, cast, operations_manager
):
    opened(workshop, operations_manager)
    ops_client.post(progress_url(workshop))

    again = ops_client.post(progress_url(workshop), follow=True)

    assert (
        "0 reminders to confirm an e-mail address recorded; 2 had been reminded already"
        in text_of(again)
    )


def test_no_reminder_before_the_workshop_opens(ops_client, workshop, cast):
    ops_client.post(progress_url(workshop))

    assert not OutgoingEmail.objects.filter(kind=Kind.CONFIRM_ADDRESS_REMINDER).exists()


def test_someone_who_may_only_read_the_outbox_cannot_send_reminders(
    client, workshop, cast, operations_manager
):
    opened(workshop, operations_manager)
    reader = UserFactory(is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_outgoingemail"))
    client.force_login(reader)

    assert client.get(progress_url(workshop)).status_code == 200
    assert client.post(progress_url(workshop)).status_code == 403
    assert not OutgoingEmail.objects.filter(kind=Kind.CONFIRM_ADDRESS_REMINDER).exists()


def test_the_reminder_carries_a_confirmation_link_made_when_it_is_sent(
    workshop, cast, operations_manager, settings
):
    settings.PORTAL_BASE_URL = "https://portal.test.nhs.uk"
    opened(workshop, operations_manager)
    notify.remind_to_confirm_addresses(workshop)
    message = OutgoingEmail.objects.get(
        kind=Kind.CONFIRM_ADDRESS_REMINDER, recipient=cast["unconfirmed"]
    )

    email = mail.render(message)

    assert email.subject == (
        "Confirm your e-mail address to be invited to the Collaborative's workshops"
    )
    assert "https://portal.test.nhs.uk/accounts/confirm-email/" in email.body
    assert "How do we keep staff?" in email.body
    assert message.context == {}
