"""Messages about whole workshops are recorded by the rule functions, inside the change's
transaction, and by nothing else: not ``save()``, not a save signal, not after commit.
Also what people still waiting are told when booking closes."""

import datetime

import pytest
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from collaborative.inputs import page_cache
from collaborative.outbox.models import OutgoingEmail
from collaborative.people.models import Seniority
from tests.factories import (
    AgendaItemFactory,
    BookingFactory,
    InvitationFactory,
    StakeholderBodyFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops.booking import rules
from workshops.models import AgendaItem, Booking, BookingEvent, BookingStatus, Invitation, Workshop
from workshops.steering import agenda
from workshops.tasks import close_due_bookings

pytestmark = pytest.mark.django_db
Kind = OutgoingEmail.Kind
TODAY = timezone.localdate()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def kinds(**filters):
    return sorted(OutgoingEmail.objects.filter(**filters).values_list("kind", flat=True))


# No other door ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Workshop, Booking, Invitation, AgendaItem])
def test_nothing_listens_to_saves_of_workshops_bookings_invitations_or_agenda_items(model):
    for signal in (pre_save, post_save, pre_delete, post_delete):
        assert not signal.has_listeners(model), (signal, model)


def test_saving_a_workshop_directly_tells_no_one(director_a, mailoutbox, on_commit):
    workshop = WorkshopFactory(status=Workshop.Status.DRAFT)
    BookingFactory(workshop=workshop, person=director_a)

    with on_commit():
        statuses = (Workshop.Status.OPEN, Workshop.Status.CLOSED, Workshop.Status.CANCELLED)
        for hour, status in enumerate(statuses, start=10):
            workshop.status = status
            workshop.start_time = datetime.time(hour)
            workshop.date += datetime.timedelta(days=1)
            workshop.save()

    assert not OutgoingEmail.objects.exists()
    assert mailoutbox == []


def test_saving_bookings_invitations_and_agenda_items_directly_tells_no_one(
    director_a, mailoutbox, on_commit
):
    workshop = WorkshopFactory()
    stakeholder = UserFactory(stakeholder_body=StakeholderBodyFactory(), functional_area="")

    with on_commit():
        booking = BookingFactory(workshop=workshop, person=director_a)
        booking.status = BookingStatus.WAITING
        booking.save()
        InvitationFactory(workshop=workshop, person=stakeholder)
        AgendaItemFactory(workshop=workshop, title="Late addition")

    assert not OutgoingEmail.objects.exists()
    assert mailoutbox == []


def test_saving_a_workshop_still_moves_its_calendar_sequence_on():
    workshop = WorkshopFactory()

    workshop.start_time = datetime.time(11)
    workshop.save()

    assert workshop.calendar_sequence == 1


# Inside the change's transaction ---------------------------------------------------------


def test_cancelling_a_workshop_records_its_messages_before_the_commit(
    director_a, operations_manager, django_capture_on_commit_callbacks
):
    booking = BookingFactory(person=director_a)

    with django_capture_on_commit_callbacks() as callbacks:
        rules.cancel_workshop(workshop=booking.workshop, cancelled_by=operations_manager)
        assert kinds(recipient=director_a) == [Kind.WORKSHOP_CANCELLED]

    # The commit only delivers what was recorded (and has visitors' pages built again).
    assert len([c for c in callbacks if c is not page_cache.new_generation]) == 1


def test_a_cancellation_rolled_back_records_nothing(director_a, operations_manager):
    booking = BookingFactory(person=director_a)

    with pytest.raises(RuntimeError), transaction.atomic():
        rules.cancel_workshop(workshop=booking.workshop, cancelled_by=operations_manager)
        raise RuntimeError("the request failed after the change")

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert not OutgoingEmail.objects.exists()
    assert not BookingEvent.objects.exists()


def test_a_new_time_rolled_back_records_nothing(director_a, django_capture_on_commit_callbacks):
    booking = BookingFactory(person=director_a)

    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        agenda.change_workshop(
            workshop=booking.workshop, changed_by=None, start_time=datetime.time(11)
        )
        assert kinds() == [Kind.WORKSHOP_CHANGED]
        raise RuntimeError("the request failed after the change")

    assert not OutgoingEmail.objects.exists()
    assert callbacks == []


def test_opening_a_workshop_records_its_invitations_in_its_transaction(
    director_a, operations_manager
):
    workshop = WorkshopFactory(status=Workshop.Status.AGENDA_AGREED)

    with pytest.raises(RuntimeError), transaction.atomic():
        rules.open_for_booking(workshop=workshop, opened_by=operations_manager)
        assert kinds() == [Kind.INVITATION]
        raise RuntimeError("the request failed after the change")

    assert not OutgoingEmail.objects.exists()


def test_cancelling_a_workshop_writes_each_bookings_audit_trail(
    director_a, director_b, operations_manager
):
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(workshop=workshop, person=director_a)
    BookingFactory(workshop=workshop, person=director_b, status=BookingStatus.WAITING)

    rules.cancel_workshop(workshop=workshop, cancelled_by=operations_manager)

    events = BookingEvent.objects.order_by("booking__person__email")
    assert [(event.action, event.actor, event.data) for event in events] == [
        (
            BookingEvent.Action.WORKSHOP_CANCELLED,
            operations_manager,
            {"status_before": BookingStatus.CONFIRMED},
        ),
        (
            BookingEvent.Action.WORKSHOP_CANCELLED,
            operations_manager,
            {"status_before": BookingStatus.WAITING},
        ),
    ]


# Who is invited -------------------------------------------------------------------------


def test_a_director_level_not_yet_confirmed_is_not_invited(trust_a, operations_manager):
    UserFactory(trust=trust_a, seniority=Seniority.DIRECTOR, confirmed_seniority="")
    confirmed = UserFactory(trust=trust_a, seniority=Seniority.EXECUTIVE_DIRECTOR)
    workshop = WorkshopFactory(status=Workshop.Status.AGENDA_AGREED)

    rules.open_for_booking(workshop=workshop, opened_by=operations_manager)

    assert list(OutgoingEmail.objects.values_list("recipient", flat=True)) == [confirmed.pk]


def test_someone_confirmed_as_a_director_who_now_says_otherwise_is_not_invited(
    trust_a, operations_manager
):
    UserFactory(trust=trust_a, seniority=Seniority.OTHER, confirmed_seniority=Seniority.DIRECTOR)
    workshop = WorkshopFactory(status=Workshop.Status.AGENDA_AGREED)

    rules.open_for_booking(workshop=workshop, opened_by=operations_manager)

    assert not OutgoingEmail.objects.exists()


# A new video link -------------------------------------------------------------------------


def test_a_new_video_link_is_told_to_confirmed_attendees_only(
    director_a, director_b, mailoutbox, on_commit
):
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(workshop=workshop, person=director_a)
    BookingFactory(workshop=workshop, person=director_b, status=BookingStatus.WAITING)

    with on_commit():
        agenda.change_workshop(
            workshop=workshop, changed_by=None, video_link="https://meet.example.org/new"
        )

    (message,) = mailoutbox
    assert message.to == [director_a.email]
    assert "https://meet.example.org/new" in str(message.attachments[0].content)
    history = workshop.changes.get()
    assert "meet.example.org" not in str(history.fields)


# Booking closes --------------------------------------------------------------------------


@pytest.fixture
def closing(trust_a, trust_b):
    """Capacity 2: a confirmed place, a place offered and two people waiting."""
    workshop = WorkshopFactory(capacity=2, title="Growing the support workforce")
    BookingFactory(workshop=workshop, person=UserFactory(trust=trust_a))
    BookingFactory(
        workshop=workshop,
        person=UserFactory(trust=trust_b, full_name="Offered Person"),
        status=BookingStatus.OFFERED,
        offer_expires_at=timezone.now() + datetime.timedelta(hours=48),
    )
    first = BookingFactory(
        workshop=workshop,
        person=UserFactory(trust=trust_b, functional_area="hr_workforce"),
        status=BookingStatus.WAITING,
    )
    second = BookingFactory(
        workshop=workshop,
        person=UserFactory(trust=trust_a, functional_area="hr_workforce"),
        status=BookingStatus.WAITING,
    )
    return workshop, first, second


def test_closing_booking_tells_the_people_still_waiting_they_have_no_place(
    closing, operations_manager, mailoutbox, on_commit
):
    workshop, first, second = closing

    with on_commit():
        rules.close_booking(workshop=workshop, closed_by=operations_manager)

    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [first.person.email, second.person.email]
    )
    (message,) = [m for m in mailoutbox if m.to == [second.person.email]]
    assert message.subject == (
        "Booking has closed, and you do not have a place yet: Growing the support workforce"
    )
    assert "You stay on the waiting list, at position 2, until the workshop starts." in (
        message.body
    )
    assert message.attachments == []
    first.refresh_from_db()
    assert first.status == BookingStatus.WAITING


def test_people_waiting_are_told_once_however_often_booking_closes(
    closing, operations_manager, mailoutbox, on_commit
):
    workshop, _, _ = closing

    for _ in range(2):
        with on_commit():
            rules.close_booking(workshop=workshop, closed_by=operations_manager)
            rules.open_for_booking(workshop=workshop, opened_by=operations_manager)

    assert len([m for m in mailoutbox if m.subject.startswith("Booking has closed")]) == 2


def test_a_colleague_who_booked_the_waiting_place_gets_a_copy(
    trust_a, director_a, operations_manager, mailoutbox, on_commit
):
    workshop = WorkshopFactory(capacity=0)
    colleague = UserFactory(trust=trust_a, functional_area="hr_workforce")
    BookingFactory(
        workshop=workshop, person=colleague, booked_by=director_a, status=BookingStatus.WAITING
    )

    with on_commit():
        rules.close_booking(workshop=workshop, closed_by=operations_manager)

    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [colleague.email, director_a.email]
    )


def test_booking_closes_by_itself_after_its_closing_day(closing, mailoutbox, on_commit):
    workshop, _, _ = closing
    Workshop.objects.filter(pk=workshop.pk).update(
        booking_closes_on=TODAY - datetime.timedelta(days=1)
    )
    still_open = WorkshopFactory(booking_closes_on=TODAY)

    with on_commit():
        assert close_due_bookings.delay().get() == 1

    workshop.refresh_from_db()
    still_open.refresh_from_db()
    assert (workshop.status, still_open.status) == (Workshop.Status.CLOSED, Workshop.Status.OPEN)
    assert workshop.changes.get().changed_by is None
    assert len(mailoutbox) == 2


def test_closing_due_bookings_again_closes_and_tells_nothing_more(closing):
    workshop, _, _ = closing
    Workshop.objects.filter(pk=workshop.pk).update(
        booking_closes_on=TODAY - datetime.timedelta(days=1)
    )

    assert rules.close_due_bookings() == 1
    assert rules.close_due_bookings() == 0
    assert kinds() == [Kind.NO_PLACE, Kind.NO_PLACE]
