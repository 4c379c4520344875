"""Each e-mail goes once: repeated events, repeated tasks, failures, crashes and the sweep."""

import datetime
import smtplib
import threading

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, transaction
from django.utils import timezone

from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from collaborative.tasks import deliver_messages, retry_unsent_messages
from tests.factories import BookingFactory, UserFactory, WorkshopFactory
from workshops.booking import rules
from workshops.messages import notify
from workshops.messages.content import about_workshop
from workshops.models import BookingStatus, Workshop
from workshops.tasks import expire_waiting_list_offers, send_reminders

State = OutgoingEmail.State


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def addressees(mailoutbox):
    return sorted(message.to[0] for message in mailoutbox)


def record_invitations(workshop, on_commit):
    with on_commit():
        notify.invite(workshop)
    return list(OutgoingEmail.objects.order_by("pk").values_list("pk", flat=True))


class FlakyConnection(EmailBackend):
    """Django's test backend, failing the sends whose numbers are in ``fail`` with ``error``."""

    def __init__(self, fail=(), error=None, **kwargs):
        super().__init__(alias="default", **kwargs)
        self.fail, self.error, self.calls = set(fail), error, 0

    def send_messages(self, messages):
        self.calls += 1
        if self.calls in self.fail:
            raise self.error
        return super().send_messages(messages)


# Repeated events and tasks ----------------------------------------------------------


@pytest.mark.django_db
def test_opening_a_workshop_again_invites_no_one_twice(
    director_a, director_b, operations_manager, mailoutbox, on_commit
):
    workshop = WorkshopFactory(status=Workshop.Status.AGENDA_AGREED)
    for status in (Workshop.Status.CLOSED, None):
        with on_commit():
            rules.open_for_booking(workshop=workshop, opened_by=operations_manager)
        if status:
            Workshop.objects.filter(pk=workshop.pk).update(status=status)

    assert addressees(mailoutbox) == [director_a.email, director_b.email]


@pytest.mark.django_db
def test_delivering_the_invitations_twice_sends_each_once(
    director_a, director_b, mailoutbox, on_commit
):
    ids = record_invitations(WorkshopFactory(), on_commit)

    deliver_messages.delay(ids)
    deliver_messages.delay(ids)

    assert addressees(mailoutbox) == [director_a.email, director_b.email]


@pytest.mark.django_db
def test_the_reminder_task_run_twice_reminds_once(settings, director_a, mailoutbox, on_commit):
    settings.WORKSHOP_REMINDER_DAYS = (7, 1)
    workshop = WorkshopFactory(date=timezone.localdate() + datetime.timedelta(days=7))
    BookingFactory(
        workshop=workshop,
        person=director_a,
        requested_at=timezone.now() - datetime.timedelta(days=20),
    )

    for _ in range(2):
        with on_commit():
            send_reminders.delay()

    assert addressees(mailoutbox) == [director_a.email]


@pytest.mark.django_db
def test_the_offer_expiry_task_run_twice_tells_each_person_once(
    director_a, director_b, trust_a, mailoutbox, on_commit
):
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(
        workshop=workshop,
        person=director_a,
        status=BookingStatus.OFFERED,
        offer_expires_at=timezone.now() - datetime.timedelta(hours=1),
    )
    BookingFactory(workshop=workshop, person=director_b, status=BookingStatus.WAITING)

    for _ in range(2):
        with on_commit():
            expire_waiting_list_offers.delay()

    subjects = sorted((message.to[0], message.subject.split(":")[0]) for message in mailoutbox)
    assert subjects == [
        (director_a.email, "Your offer of a place has expired"),
        (director_b.email, "A place is free for you"),
    ]


@pytest.mark.django_db
def test_offering_the_free_places_again_offers_no_one_twice(
    director_a, director_b, mailoutbox, on_commit
):
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(workshop=workshop, person=director_b, status=BookingStatus.WAITING)

    for _ in range(2):
        with on_commit(), transaction.atomic():
            rules.offer_free_places(Workshop.objects.select_for_update().get(pk=workshop.pk))

    assert addressees(mailoutbox) == [director_b.email]


@pytest.mark.django_db
def test_cancelling_twice_acknowledges_once(director_a, mailoutbox, on_commit):
    booking = BookingFactory(person=director_a)

    for _ in range(2):
        with on_commit():
            rules.cancel_booking(booking=booking, by=booking.person)

    assert len(mailoutbox) == 1


# Failures and crashes -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_connection_lost_mid_batch_is_retried_for_the_rest_only(
    director_a, director_b, steering_member, mailoutbox, on_commit, monkeypatch
):
    monkeypatch.setattr(mail, "schedule", lambda ids: None)
    ids = record_invitations(WorkshopFactory(), on_commit)
    lost = FlakyConnection(fail={2}, error=smtplib.SMTPServerDisconnected("gone"))

    with pytest.raises(smtplib.SMTPServerDisconnected):
        mail.deliver(ids, connection=lost)
    mail.deliver(ids, connection=FlakyConnection())

    assert len(mailoutbox) == 3
    assert len(set(addressees(mailoutbox))) == 3
    assert sorted(OutgoingEmail.objects.values_list("state", "attempts")) == [
        (State.SENT, 1),
        (State.SENT, 1),
        (State.SENT, 2),
    ]


@pytest.mark.django_db
def test_a_failed_send_records_the_error(director_a, on_commit, monkeypatch):
    monkeypatch.setattr(mail, "schedule", lambda ids: None)
    ids = record_invitations(WorkshopFactory(), on_commit)
    refused = FlakyConnection(fail={1}, error=ConnectionRefusedError(111, "Connection refused"))

    with pytest.raises(ConnectionRefusedError):
        mail.deliver(ids, connection=refused)

    row = OutgoingEmail.objects.get()
    assert (row.state, row.attempts, row.sent_at) == (State.FAILED, 1, None)
    assert row.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"


@pytest.mark.django_db
def test_a_recipient_refused_for_good_does_not_hold_up_the_batch(
    director_a, director_b, mailoutbox, on_commit, monkeypatch
):
    monkeypatch.setattr(mail, "schedule", lambda ids: None)
    ids = record_invitations(WorkshopFactory(), on_commit)
    refusal = smtplib.SMTPRecipientsRefused({director_a.email: (550, b"No such user")})

    sent = mail.deliver(ids, connection=FlakyConnection(fail={1}, error=refusal))

    assert (sent, len(mailoutbox)) == (1, 1)
    assert sorted(OutgoingEmail.objects.values_list("state", flat=True)) == [
        State.FAILED,
        State.SENT,
    ]


@pytest.mark.django_db
def test_a_recipient_refused_for_good_is_not_tried_again_by_the_sweep(
    settings, director_a, on_commit, monkeypatch
):
    scheduled = []
    monkeypatch.setattr(mail, "schedule", scheduled.extend)
    ids = record_invitations(WorkshopFactory(), on_commit)
    refusal = smtplib.SMTPRecipientsRefused({director_a.email: (550, b"No such user")})
    mail.deliver(ids, connection=FlakyConnection(fail={1}, error=refusal))
    scheduled.clear()

    mail.retry_unsent(now=timezone.now() + datetime.timedelta(hours=1))

    assert scheduled == []
    assert OutgoingEmail.objects.get().attempts == settings.MESSAGE_MAX_ATTEMPTS


@pytest.mark.django_db
def test_a_crash_between_claim_and_commit_leaves_the_message_for_the_sweep(
    director_a, mailoutbox, on_commit, monkeypatch
):
    monkeypatch.setattr(mail, "schedule", lambda ids: None)
    ids = record_invitations(WorkshopFactory(), on_commit)
    crash = FlakyConnection(fail={1}, error=SystemExit("the worker died"))

    with pytest.raises(SystemExit):
        mail.deliver(ids, connection=crash)
    monkeypatch.undo()
    row = OutgoingEmail.objects.get()
    assert (row.state, row.attempts) == (State.PENDING, 0)

    later = timezone.now() + datetime.timedelta(minutes=10)
    assert mail.retry_unsent(now=later) == 1

    assert addressees(mailoutbox) == [director_a.email]
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.SENT, 1)


@pytest.mark.django_db
def test_the_sweep_leaves_recent_sent_and_given_up_messages_alone(
    settings, director_a, monkeypatch
):
    settings.MESSAGE_MAX_ATTEMPTS = 3
    long_ago = timezone.now() - datetime.timedelta(hours=1)

    def row(key, **fields):
        return OutgoingEmail.objects.create(
            kind=OutgoingEmail.Kind.INVITATION, key=key, recipient=director_a, **fields
        )

    row("recent")
    row("sent", state=State.SENT, sent_at=long_ago, created_at=long_ago)
    row("given-up", state=State.FAILED, attempts=3, created_at=long_ago)
    row(
        "just-tried",
        state=State.FAILED,
        attempts=1,
        created_at=long_ago,
        last_attempt_at=timezone.now(),
    )
    row("stuck", created_at=long_ago)
    row("failed", state=State.FAILED, attempts=2, created_at=long_ago, last_attempt_at=long_ago)
    scheduled = []
    monkeypatch.setattr(mail, "schedule", scheduled.extend)

    retry_unsent_messages.delay()

    keys = OutgoingEmail.objects.filter(pk__in=scheduled).values_list("key", flat=True)
    assert sorted(keys) == ["failed", "stuck"]


@pytest.mark.django_db(transaction=True)
def test_a_message_another_worker_holds_is_skipped_not_sent_twice(on_postgres, mailoutbox):
    person = UserFactory()
    message = OutgoingEmail.objects.create(
        kind=OutgoingEmail.Kind.INVITATION,
        key="invitation:held",
        recipient=person,
        about=about_workshop(WorkshopFactory().pk),
        context={"book_path": "/workshops/"},
    )
    held, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            OutgoingEmail.objects.select_for_update().get(pk=message.pk)
            held.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert held.wait(10)
        assert mail.deliver([message.pk], connection=FlakyConnection()) == 0
    finally:
        release.set()
        thread.join()

    assert mail.deliver([message.pk], connection=FlakyConnection()) == 1
    assert len(mailoutbox) == 1
