"""Closing an account and erasure (UK GDPR Art. 17): every personal field of every table
goes, bookings stay anonymous, and the engagement figures do not move."""

import datetime
import json

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user
from django.contrib.auth.models import Group
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from collaborative import privacy
from collaborative.outbox.models import OutgoingEmail
from collaborative.people import calendar_tokens
from collaborative.people.models import FunctionalArea, User
from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from collaborative.site import contact_messages
from collaborative.site.models import ContactMessage
from tests.factories import (
    AgendaItemFactory,
    BookingFactory,
    InvitationFactory,
    UserFactory,
    WorkshopFactory,
)
from trusts.models import AffiliationRequest, MembershipRequest
from workshops import engagement
from workshops.booking import rules as booking_services
from workshops.models import Booking, BookingEvent, BookingStatus, TopicProposal, Workshop
from workshops.steering.planning import propose_topic

pytestmark = pytest.mark.django_db

NAME = "Priya Erasable"
EMAIL = "priya.erasable@ta1.nhs.uk"
HOME_EMAIL = "priya.at.home@example.net"
PASSWORD = "a-test-password-1"  # the factory's
PAST_YEAR = 2022


def holding(needle):
    """Every text field of every model, in the database, that holds ``needle``: written
    here over all models, not with the code under test."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            rows = model._default_manager.all()
            if isinstance(field, models.JSONField):
                rows = rows.annotate(_text=Cast(field.name, models.TextField()))
                lookup = "_text__icontains"
            elif isinstance(field, (models.CharField, models.TextField)):
                lookup = f"{field.name}__icontains"
            else:
                continue
            if rows.filter(**{lookup: needle}).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return sorted(found)


@pytest.fixture
def person(trust_a):
    priya = UserFactory(email=EMAIL, full_name=NAME, job_title="Director of Nursing", trust=trust_a)
    EmailAddress.objects.create(user=priya, email=HOME_EMAIL, verified=False)
    return priya


@pytest.fixture
def colleague(trust_a):
    return UserFactory(
        email="colin@ta1.nhs.uk",
        full_name="Colin Colleague",
        trust=trust_a,
        functional_area=FunctionalArea.HR_WORKFORCE,
    )


@pytest.fixture
def ops(operations_manager):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    return operations_manager


@pytest.fixture
def past_year(person, colleague, trust_b):
    """Two held workshops of 2022 with attendance from both Trusts, Priya's among it."""
    february = WorkshopFactory(date=datetime.date(PAST_YEAR, 2, 8), status=Workshop.Status.HELD)
    may = WorkshopFactory(date=datetime.date(PAST_YEAR, 5, 10), status=Workshop.Status.HELD)
    BookingFactory(workshop=february, person=person, attended=True, booked_by=colleague)
    BookingFactory(workshop=may, person=person, attended=False)
    BookingFactory(workshop=february, person=colleague, attended=True)
    BookingFactory(workshop=may, person=UserFactory(trust=trust_b), attended=True)
    return [february, may]


def figures(year):
    """What the engagement dashboard shows for a year, as plain values."""
    shown = engagement.engagement(year)
    return {
        "matrix": [(row.trust.pk, row.states) for row in shown["matrix"]],
        "coverage": shown["coverage"],
        "regions": shown["regions"],
        "workshops": [(w.pk, w.places_taken, w.came) for w in shown["workshops"]],
        "lapsed": [(trust.pk, trust.last_attended) for trust in shown["lapsed"]],
    }


@pytest.fixture
def everywhere(person, colleague, ops, past_year, trust_b, client):
    """Priya's data in every place the portal puts a person's: her bookings and their
    messages and audit lines, places she booked, cancelled or gave away, contact messages,
    a request to join, a request to be linked, steering work, an invitation, the admin's
    log, her calendar feed and a session."""
    ahead = [WorkshopFactory(title=f"Workshop ahead {n}") for n in range(4)]
    booking_services.book_place(workshop=ahead[0], person=person, booked_by=person)
    booking_services.book_place(workshop=ahead[1], person=person, booked_by=colleague)
    theirs = booking_services.book_place(workshop=ahead[2], person=colleague, booked_by=person)
    booking_services.cancel_booking(booking=theirs, by=person)
    given = booking_services.book_place(workshop=ahead[3], person=person, booked_by=person)
    booking_services.change_attendee(booking=given, person=colleague, changed_by=person)

    contact_messages.receive_contact_message(
        ContactMessage(name=NAME, email=EMAIL, subject="About my places", message=f"I am {NAME}"),
        sent_by=person,
    )
    contact_messages.receive_contact_message(
        ContactMessage(name=NAME, email=HOME_EMAIL, subject="From home", message="Hello")
    )
    MembershipRequest.objects.create(
        trust_name="Avon Test NHS Trust", contact_name=NAME, job_title="Director", email=EMAIL
    )
    AffiliationRequest.objects.create(person=person, trust=trust_b, status="rejected")
    proposal = propose_topic(proposed_by=colleague, title="Rostering", rationale="Why not")
    proposal.supports.create(person=person)
    TopicProposal.objects.create(title="Retention", rationale="It matters", proposed_by=person)
    InvitationFactory(person=person)
    LogEntry.objects.log_actions(ops.pk, User.objects.filter(pk=person.pk), CHANGE, "Changed")
    calendar_tokens.issue_calendar_token(person)
    client.force_login(person)
    return person


def test_after_erasure_no_field_of_any_model_holds_the_name_or_an_address(everywhere, ops):
    before = {needle: holding(needle) for needle in (NAME, EMAIL, HOME_EMAIL)}
    # The test can fail: each is in many places to begin with.
    assert len(before[NAME]) >= 5 and len(before[EMAIL]) >= 5 and before[HOME_EMAIL]

    privacy.erase_person(person=everywhere, erased_by=ops)

    assert {needle: holding(needle) for needle in (NAME, EMAIL, HOME_EMAIL)} == {
        NAME: [],
        EMAIL: [],
        HOME_EMAIL: [],
    }


def test_erasure_leaves_the_engagement_figures_as_they_were(everywhere, ops):
    shown = figures(PAST_YEAR)

    privacy.erase_person(person=everywhere, erased_by=ops)

    assert figures(PAST_YEAR) == shown


def test_bookings_stay_with_the_anonymised_account(everywhere, ops):
    kept = set(Booking.objects.filter(person=everywhere).values_list("pk", flat=True))

    privacy.erase_person(person=everywhere, erased_by=ops)

    assert set(Booking.objects.filter(person=everywhere).values_list("pk", flat=True)) == kept
    person = User.objects.get(pk=everywhere.pk)
    assert person.email == f"erased-{person.pk}@erased.invalid"
    assert (person.full_name, person.job_title, person.trust, person.calendar_token) == (
        "",
        "",
        None,
        None,
    )
    assert not person.is_active
    assert not person.has_usable_password()


def test_the_account_is_left_with_no_address_session_request_or_unused_invitation(everywhere, ops):
    privacy.erase_person(person=everywhere, erased_by=ops)

    assert not EmailAddress.objects.filter(user=everywhere).exists()
    assert not AffiliationRequest.objects.filter(person=everywhere).exists()
    assert not everywhere.invitations.exists()
    assert not ContactMessage.objects.exists()
    assert TopicProposal.objects.get(title="Retention").proposed_by is None


def test_erasure_signs_the_person_out_everywhere(everywhere, ops, client):
    privacy.erase_person(person=everywhere, erased_by=ops)

    assert not get_user(client).is_authenticated


def test_places_to_come_are_cancelled_through_the_rules_and_past_ones_kept(everywhere, ops):
    privacy.erase_person(person=everywhere, erased_by=ops)

    statuses = dict(
        Booking.objects.filter(person=everywhere).values_list("workshop__title", "status")
    )
    assert statuses["Workshop ahead 0"] == BookingStatus.CANCELLED
    assert statuses["Workshop ahead 1"] == BookingStatus.CANCELLED
    assert list(
        Booking.objects.filter(person=everywhere, workshop__status=Workshop.Status.HELD)
        .exclude(status=BookingStatus.CANCELLED)
        .values_list("attended", flat=True)
    ) == [True, False]
    cancelled = BookingEvent.objects.filter(
        booking__person=everywhere, action=BookingEvent.Action.CANCELLED, actor=ops
    )
    assert cancelled.count() == 2


def test_the_freed_place_goes_to_the_waiting_list_and_nothing_goes_to_the_erased_person(
    person, ops, trust_b, mailoutbox, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(capacity=1)
    booking_services.book_place(workshop=workshop, person=person, booked_by=person)
    waiting = UserFactory(email="waiting@tb1.nhs.uk", trust=trust_b)
    booking_services.book_place(workshop=workshop, person=waiting, booked_by=waiting)
    # The confirmation recorded at booking has not gone yet: it must not go now.

    with django_capture_on_commit_callbacks(execute=True):
        privacy.erase_person(person=person, erased_by=ops)

    assert [message.to for message in mailoutbox] == [["waiting@tb1.nhs.uk"]]
    assert workshop.bookings.get(person=waiting).status == BookingStatus.OFFERED
    assert not OutgoingEmail.objects.filter(recipient=person).unsent().exists()


def test_a_colleague_who_booked_the_place_is_told_without_the_name(
    person, colleague, ops, mailoutbox, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory()
    booking_services.book_place(workshop=workshop, person=person, booked_by=colleague)
    OutgoingEmail.objects.update(state=OutgoingEmail.State.SENT, sent_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        privacy.erase_person(person=person, erased_by=ops)

    [copy] = mailoutbox
    assert copy.to == [colleague.email]
    assert NAME not in copy.body and EMAIL not in copy.body


def test_erasing_again_changes_nothing(everywhere, ops):
    privacy.erase_person(person=everywhere, erased_by=ops)

    again = privacy.erase_person(person=everywhere, erased_by=ops)

    assert (again.cancelled, again.kept_bookings) == ([], 0)


def test_a_colleague_cannot_erase_someone(person, colleague):
    with pytest.raises(privacy.ErasureRefused):
        privacy.erase_person(person=person, erased_by=colleague)

    assert User.objects.get(pk=person.pk).email == EMAIL


def test_the_operations_role_cannot_erase_an_account_with_admin_rights(ops):
    superuser = UserFactory(email="root@nmhwdc.nhs.uk", is_staff=True, is_superuser=True)

    with pytest.raises(privacy.ErasureRefused):
        privacy.erase_person(person=superuser, erased_by=ops)

    assert User.objects.get(pk=superuser.pk).is_superuser


def test_a_name_typed_into_an_agenda_is_reported_not_changed(everywhere, ops):
    AgendaItemFactory(speakers=f"{NAME}, Director of Nursing")

    privacy.erase_person(person=everywhere, erased_by=ops)

    assert [(model, field) for model, _, field in privacy.remaining_mentions(NAME)] == [
        ("agenda item", "speakers")
    ]


# Closing one's own account -------------------------------------------------------------


def reauthenticate(client):
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302


def test_the_close_page_says_what_happens_and_lists_places_to_be_cancelled(client, person):
    booking_services.book_place(
        workshop=WorkshopFactory(title="A workshop ahead"), person=person, booked_by=person
    )
    client.force_login(person)

    page = client.get(reverse("profile_close"))

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert "You cannot undo this" in text
    assert "A workshop ahead" in text
    assert "Close my account" in text


def test_closing_asks_for_the_password_first(client, person):
    client.force_login(person)

    response = client.post(reverse("profile_close"))

    assert response.url.startswith(reverse("account_reauthenticate"))
    assert User.objects.get(pk=person.pk).email == EMAIL


def test_closing_ones_account_signs_out_and_the_address_can_sign_up_again(client, person):
    client.force_login(person)
    reauthenticate(client)

    response = client.post(reverse("profile_close"))

    assert response.url == reverse("account_closed")
    assert not get_user(client).is_authenticated
    assert privacy.is_erased(User.objects.get(pk=person.pk))
    response = client.post(
        reverse("account_signup"),
        {
            "email": EMAIL,
            "password1": "Workforce-planning-2024",
            "password2": "Workforce-planning-2024",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email=EMAIL).pk != person.pk


def test_closing_is_recorded_as_the_persons_own_doing(client, person):
    booking = booking_services.book_place(
        workshop=WorkshopFactory(), person=person, booked_by=person
    )
    client.force_login(person)
    reauthenticate(client)

    client.post(reverse("profile_close"))

    event = booking.events.get(action=BookingEvent.Action.CANCELLED)
    assert (event.actor_id, event.door) == (person.pk, "page profile_close")


def test_staff_cannot_close_their_own_account_here(client, ops):
    client.force_login(ops)
    reauthenticate(client)

    page = client.post(reverse("profile_close"))

    assert "A superuser closes this account" in page.content.decode()
    assert User.objects.get(pk=ops.pk).is_active


def test_an_erasure_is_logged_by_account_number_only(person, ops, caplog):
    with caplog.at_level("INFO", logger="nmhwdc.security"):
        privacy.erase_person(person=person, erased_by=ops, door="test")

    [line] = [r.getMessage() for r in caplog.records if "personal_data_erased" in r.getMessage()]
    assert json.loads(line)["person_id"] == person.pk
    assert json.loads(line)["actor_id"] == ops.pk
    assert NAME not in line and EMAIL not in line


# The admin action --------------------------------------------------------------------


def erase_in_admin(client, people, **data):
    return client.post(
        reverse("admin:collaborative_user_changelist"),
        {"action": "erase_personal_data", "_selected_action": [p.pk for p in people], **data},
        follow=True,
    )


def test_the_operations_manager_is_asked_first_in_the_admin(client, ops, person):
    client.force_login(ops)

    page = erase_in_admin(client, [person])

    assert "Yes, erase their personal data" in page.content.decode()
    assert User.objects.get(pk=person.pk).email == EMAIL


def test_the_operations_manager_erases_a_person_in_the_admin(client, ops, everywhere):
    client.force_login(ops)

    page = erase_in_admin(client, [everywhere], confirmed="yes")

    assert "Erased the personal data of 1 person(s)" in page.content.decode()
    assert privacy.is_erased(User.objects.get(pk=everywhere.pk))
    assert holding(EMAIL) == []


def test_the_admin_action_leaves_accounts_with_admin_rights_to_a_superuser(client, ops):
    other_staff = UserFactory(email="staff2@nmhwdc.nhs.uk", is_staff=True)
    client.force_login(ops)

    erase_in_admin(client, [other_staff], confirmed="yes")

    assert User.objects.get(pk=other_staff.pk).email == "staff2@nmhwdc.nhs.uk"
