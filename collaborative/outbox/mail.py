"""The portal's mailer: the outbox, what each kind of message says, and delivery.

The services record messages as OutgoingEmail rows in the transaction of the
change they tell about (``record``); once it commits, Celery tasks deliver
them in batches (``deliver``), each batch over one SMTP connection. A message
is rendered when it is sent, from ``email/<kind>.subject.txt``, ``.txt`` and
``.html``, so it shows the workshop as it is then; the row's ``context``
keeps what must be told as it was at the event (a waiting-list position).
"""

import contextlib
import datetime
import logging
import smtplib
from email.utils import parseaddr
from functools import partial
from itertools import batched

from allauth.account import app_settings as allauth_settings
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from icalendar import Calendar

from collaborative.outbox.models import OutgoingEmail
from collaborative.outbox.reserved_domains import refuse_reserved
from collaborative.people.models import User
from collaborative.site.models import ContactMessage
from workshops.messages.calendar import PRODUCT_ID, booking_event
from workshops.models import BookingStatus

logger = logging.getLogger(__name__)

Kind = OutgoingEmail.Kind
State = OutgoingEmail.State

# Messages that carry the calendar entry of a confirmed place, and those that take it away.
PUBLISHES_CALENDAR = {Kind.BOOKING_CONFIRMED, Kind.BOOKING_APPROVED, Kind.WORKSHOP_CHANGED}
CANCELS_CALENDAR = {Kind.BOOKING_CANCELLED, Kind.WORKSHOP_CANCELLED, Kind.PLACE_GIVEN_AWAY}


# The outbox ------------------------------------------------------------------


def record(messages):
    """Add messages to the outbox and deliver them once the caller's transaction commits.

    A message whose key is already in the outbox is left out: the unique key
    is what makes each e-mail go once, however often its event is repeated.
    If the broker cannot take the delivery task, the rows wait for the sweep
    (``retry_unsent``), so nothing recorded is lost.
    """
    messages = refuse_reserved(messages)  # none to reserved demo domains (.test and the like)
    if not messages:
        return
    OutgoingEmail.objects.bulk_create(messages, ignore_conflicts=True, batch_size=1000)
    keys = [message.key for message in messages]
    transaction.on_commit(partial(_schedule_keys, keys), robust=True)


def _schedule_keys(keys):
    # Failed ones are left to the sweep, which knows when to stop trying.
    schedule(
        OutgoingEmail.objects.filter(key__in=keys, state=State.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def schedule(ids):
    """Enqueue delivery of these messages, ``MESSAGE_BATCH_SIZE`` to a task and a connection."""
    from collaborative.tasks import deliver_messages  # that module imports this one

    for batch in batched(ids, settings.MESSAGE_BATCH_SIZE):
        deliver_messages.delay(list(batch))


def retry_unsent(*, now=None):
    """Enqueue again the messages left unsent a while: a lost task, a dead worker, a failure.

    Messages that failed ``MESSAGE_MAX_ATTEMPTS`` times stay failed, for the
    operations manager to see in the admin. Returns how many were enqueued.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.MESSAGE_RETRY_AFTER_MINUTES)
    ids = list(
        OutgoingEmail.objects.unsent()
        .filter(attempts__lt=settings.MESSAGE_MAX_ATTEMPTS, created_at__lt=cutoff)
        .exclude(last_attempt_at__gte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    schedule(ids)
    return len(ids)


# Delivery --------------------------------------------------------------------


def deliver_batch(ids):
    """Deliver these messages over one connection of the default mailer."""
    return deliver(ids, connection=mailers.default)


def deliver(ids, *, connection):
    """Send the unsent messages among ``ids`` over ``connection``; returns how many went.

    Each message is claimed, marked sent and sent in one transaction: a
    message another worker holds is skipped, one already sent is not sent
    again, and a crash before the commit leaves it unsent. A message the
    server refuses for good is marked failed and the batch goes on; a
    connection problem marks the message failed and raises, so that the task
    is retried and picks up where this one stopped.

    One window cannot be closed, since SMTP has no two-phase commit (RFC 1047):
    a worker that dies after the server has accepted a message and before the
    commit reaches the database leaves it unsent, and it goes again. Each
    message commits on its own, straight after the server's "250", so that is
    at most the one message on the wire per worker process, never a batch; and
    its Message-ID is the same on every attempt, so mail programs can drop the
    copy. ``tests/test_real_worker.py`` and ``bench/faults.py`` measure it.
    """
    messages = list(
        OutgoingEmail.objects.unsent()
        .filter(pk__in=ids)
        .select_related(
            "recipient__trust", "recipient__stakeholder_body", "workshop", "booking__booked_by"
        )
        .prefetch_related("workshop__agenda_items")
        .order_by("pk")
    )
    if not messages:
        return 0
    try:
        connection.open()
    except OSError as error:
        _failed(messages, error)
        raise
    sent = 0
    try:
        for message in messages:
            sent += _deliver_one(message, connection)
    finally:
        # The messages that went are committed; a failing goodbye changes nothing.
        with contextlib.suppress(OSError):
            connection.close()
    return sent


def _deliver_one(message, connection):
    try:
        email = render(message)
    except Exception as error:
        # A broken template or a message about something since deleted: keep it for the
        # operations manager and go on with the batch.
        logger.exception("Could not render outgoing e-mail %s", message.key)
        _failed([message], error)
        return 0
    try:
        with transaction.atomic():
            if not _claim(message):
                return 0
            connection.send_messages([email])
            # Commit now: from the server's "250" to this commit is the only moment a
            # crash sends the message twice.
    except (smtplib.SMTPException, OSError, ValueError) as error:
        if _refused_for_good(error):
            _failed([message], error, give_up=True)
            return 0
        _failed([message], error)
        raise
    return 1


def _claim(message):
    """Mark the row sent if it is still unsent and no one else holds it; one statement."""
    now = timezone.now()
    free = (
        OutgoingEmail.objects.select_for_update(skip_locked=True)
        .unsent()
        .filter(pk=message.pk)
        .order_by()
        .values("pk")
    )
    return OutgoingEmail.objects.filter(pk__in=free).update(
        state=State.SENT,
        sent_at=now,
        last_attempt_at=now,
        attempts=F("attempts") + 1,
        last_error="",
    )


def _failed(messages, error, *, give_up=False):
    """Record a failed attempt; one the server refused for good is not tried again."""
    attempts = F("attempts") + 1
    if give_up:
        attempts = Greatest(attempts, settings.MESSAGE_MAX_ATTEMPTS)
    OutgoingEmail.objects.filter(pk__in=[message.pk for message in messages]).exclude(
        state=State.SENT
    ).update(
        state=State.FAILED,
        attempts=attempts,
        last_attempt_at=timezone.now(),
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )


def _refused_for_good(error):
    """Whether the server refused this message permanently (5xx), not the connection."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    # An address Django cannot send to.
    return isinstance(error, ValueError)


# What each message says ------------------------------------------------------


def render(message):
    """The e-mail for an outbox row: subject, text and HTML parts, and any calendar file."""
    context = _context(message)
    name = _template_name(message)
    email = EmailMultiAlternatives(
        subject=" ".join(render_to_string(f"{name}.subject.txt", context).split()),
        body=render_to_string(f"{name}.txt", context),
        to=[message.address],
        # Answers go to the operations manager, except a contact message's: to its sender.
        reply_to=[context.get("reply_to") or settings.PROGRAMME_OPERATIONS_EMAIL],
        headers={
            # The same Message-ID on every attempt lets mail programs drop a duplicate.
            "Message-ID": f"<{message.key.replace(':', '.')}@{_mail_domain()}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    email.attach_alternative(render_to_string(f"{name}.html", context), "text/html")
    if ics := calendar_file(message):
        email.attach(f"nmhwdc-{message.workshop.slug}.ics", ics, "text/calendar")
    return email


def _template_name(message):
    """``email/<kind>``; an account e-mail names which of allauth's messages it is."""
    if message.kind == Kind.ACCOUNT:
        return f"email/account/{message.context['message']}"
    return f"email/{message.kind}"


def calendar_file(message):
    """The .ics a message carries: the entry of a confirmed place, or its cancellation.

    Only the attendee's own messages publish the entry (with the video link); the
    SEQUENCE is the booking's at the event, so a later event always outranks it.
    """
    booking, recipient = message.booking, message.recipient
    if booking is None or recipient is None:
        return None
    is_attendee = booking.person_id == recipient.pk
    if (
        message.kind in PUBLISHES_CALENDAR
        and is_attendee
        and booking.status == BookingStatus.CONFIRMED
    ):
        method = "PUBLISH"
    elif message.kind in CANCELS_CALENDAR and message.context.get("had_place"):
        method = "CANCEL"
    else:
        return None
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = booking_event(
        booking,
        include_video_link=method == "PUBLISH" and booking.shows_video_link_to(recipient),
        sequence=message.context.get("sequence"),
    )
    if method == "CANCEL":
        event.pop("status")
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def clock(value):
    """A time as the NHS writes it: 10am, 10:30am, 2:15pm."""
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{value.hour % 12 or 12}{minutes}{'am' if value.hour < 12 else 'pm'}"


def long_date(value):
    return formats.date_format(value, "l j F Y")


def when(workshop):
    return (
        f"{long_date(workshop.date)}, {clock(workshop.start_time)} to "
        f"{clock(workshop.end_time)} (UK time)"
    )


def moment(value):
    """An aware date and time in UK time: 5pm on Thursday 5 March 2026."""
    local = timezone.localtime(value)
    return f"{clock(local.time())} on {long_date(local.date())}"


def _mail_domain():
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "nmhwdc.nhs.uk"


def _url(path):
    return f"{settings.PORTAL_BASE_URL}{path}"


def _context(message):
    person, workshop, booking = message.recipient, message.workshop, message.booking
    context = {
        **message.context,
        "person": person,
        "workshop": workshop,
        "booking": booking,
        "profile_url": _url(reverse("profile")),
        "programme_operations_email": settings.PROGRAMME_OPERATIONS_EMAIL,
    }
    if workshop is not None:
        context.update(
            workshop_url=_url(workshop.get_absolute_url()),
            when=when(workshop),
            agenda=_agenda(workshop),
        )
    if booking is not None:
        context.update(
            booking_url=_url(reverse("workshops:booking", args=[booking.pk])),
            booked_by=booking.booked_by if booking.booked_by_id != person.pk else None,
            video_link=workshop.video_link if booking.shows_video_link_to(person) else "",
        )
    if extra := EXTRA_CONTEXT.get(message.kind):
        context.update(extra(message))
    return context


def _agenda(workshop):
    """The agreed agenda, from the items the batch prefetched; a draft one is not told."""
    if not workshop.agenda_is_public:
        return []
    return [
        {
            "time": clock(item.start_time) if item.start_time else "",
            "title": item.title,
            "by": item.presenting_organisation or item.speakers,
        }
        for item in workshop.agenda_items.all()
    ]


def _invitation_context(message):
    return {"book_url": _url(message.context["book_path"])}


def _offer_context(message):
    return {
        "offer_url": _url(reverse("workshops:offer", args=[message.booking_id])),
        "deadline": moment(parse_datetime(message.context["offer_expires_at"])),
    }


def _colleague_account_context(message):
    """The set-up link is made at sending time, so it is fresh when it arrives."""
    booker = User.objects.select_related("trust").get(pk=message.context["booker_id"])
    return {"booker": booker, "setup_url": _set_password_url(message.recipient)}


def _set_password_url(person):
    """A link to choose a new password: allauth's reset link, with a token made now."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(person),
            "key": default_token_generator.make_token(person),
        },
    )
    return _url(path)


def _account_context(message):
    """The links of an account e-mail (collaborative.people.adapters), made at sending time.

    The outbox row holds no key: the password reset link is made from the
    recipient, and the confirmation link from the address being confirmed,
    both signed now, so they are fresh when they arrive and the row gives
    nobody who reads it a way into an account.
    """
    context = {
        "address": message.address,
        "confirm_days": allauth_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
        "sign_in_url": _url(reverse("account_login")),
        "sign_up_url": _url(reverse("account_signup")),
        "password_reset_url": _url(reverse("account_reset_password")),
        "email_settings_url": _url(reverse("account_email")),
    }
    if timestamp := message.context.get("timestamp"):
        context["changed_at"] = moment(parse_datetime(timestamp))
    if message.context["message"] == "password_reset_key":
        context["set_password_url"] = _set_password_url(message.recipient)
    if address_id := message.context.get("email_address_id"):
        address = EmailAddress.objects.filter(pk=address_id).first()
        if address is None:
            raise LookupError(f"The address {message.address} was removed before the e-mail went.")
        key = EmailConfirmationHMAC(address).key
        context["confirm_url"] = _url(reverse("account_confirm_email", args=[key]))
    return context


def _contact_context(message):
    """The contact message as it was sent; answers go to its sender."""
    contact = ContactMessage.objects.get(pk=message.context["contact_message_id"])
    admin_path = reverse("admin:collaborative_contactmessage_change", args=[contact.pk])
    return {
        "contact": contact,
        "received": moment(contact.received_at),
        "reply_to": contact.email,
        "admin_url": _url(admin_path),
    }


def _affiliation_context(message):
    return {"programme_url": _url(reverse("workshops:programme"))}


def _booker_copy_context(message):
    """What the attendee was told, as they were told it but without their video link."""
    attendee = User.objects.get(pk=message.context["copy_to"])
    original = OutgoingEmail(
        kind=message.context["copy_of"],
        key=message.key,
        recipient=attendee,
        workshop=message.workshop,
        booking=message.booking,
        context=message.context,
    )
    context = {**_context(original), "video_link": ""}
    name = f"email/{original.kind}"
    return {
        "attendee": attendee,
        "original_subject": " ".join(render_to_string(f"{name}.subject.txt", context).split()),
        "original_text": render_to_string(f"{name}.txt", context),
    }


def _feedback_context(message):
    """The feedback link, made from the booking's request when the e-mail is sent."""
    from workshops.feedback import survey

    request = message.booking.feedback_request
    return {
        "feedback_url": _url(request.get_absolute_url()),
        "workshop_date": long_date(message.workshop.date),
        "closes_on": long_date(survey.closes_on(message.workshop)),
        "min_answers": survey.MIN_ANSWERS_SHOWN,
    }


def _sign_off_context(message):
    """The draft agenda as it is when the e-mail goes, and the rule that agrees it."""
    from workshops.models import SignOffRule

    workshop = message.workshop
    return {
        "agenda": [
            {
                "time": clock(item.start_time) if item.start_time else "",
                "title": item.title,
                "by": item.presenting_organisation or item.speakers,
            }
            for item in workshop.agenda_items.all()
        ],
        "rule": SignOffRule.current().describe(),
        "steering_url": _url(reverse("workshops:steering:workshop", args=[workshop.slug])),
    }


def _confirm_address_context(message):
    """A confirmation link for the account's address, signed when the e-mail is sent."""
    person = message.recipient
    address = EmailAddress.objects.filter(user=person, email__iexact=person.email).first()
    confirm_url = ""
    if address is not None and not address.verified:
        key = EmailConfirmationHMAC(address).key
        confirm_url = _url(reverse("account_confirm_email", args=[key]))
    return {
        "address": person.email,
        "confirm_url": confirm_url,
        "confirm_days": allauth_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
        "sign_in_url": _url(reverse("account_login")),
        "workshop_date": long_date(message.workshop.date),
    }


EXTRA_CONTEXT = {
    Kind.FEEDBACK_REQUEST: _feedback_context,
    Kind.SIGN_OFF_REQUESTED: _sign_off_context,
    Kind.CONFIRM_ADDRESS_REMINDER: _confirm_address_context,
    Kind.BOOKER_COPY: _booker_copy_context,
    Kind.INVITATION: _invitation_context,
    Kind.PLACE_OFFERED: _offer_context,
    Kind.COLLEAGUE_ACCOUNT: _colleague_account_context,
    Kind.ACCOUNT: _account_context,
    Kind.CONTACT_MESSAGE: _contact_context,
    Kind.AFFILIATION_APPROVED: _affiliation_context,
}
