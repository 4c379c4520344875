"""The portal's mailer: the outbox, rendering and delivery, knowing nothing of the parts.

The parts record messages as OutgoingEmail rows in the transaction of the
change they tell about (``record``); once it commits, Celery tasks deliver
them in batches (``deliver``), each batch over one SMTP connection. A message
is rendered when it is sent, from ``email/<kind>.subject.txt``, ``.txt`` and
``.html``, so it shows things as they are then: the row's ``context`` keeps
what must be told as it was at the event (a waiting-list position), and what
else a kind of message says (a workshop, a fresh link, a calendar file) comes
from the part that owns it, registered with ``register`` when the apps load,
each part loading what a whole batch is about at once.
"""

import contextlib
import datetime
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from email.utils import parseaddr
from functools import partial
from itertools import batched

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.utils import formats, timezone

from collaborative.outbox.models import OutgoingEmail
from collaborative.outbox.reserved_domains import refuse_reserved

logger = logging.getLogger(__name__)

Kind = OutgoingEmail.Kind
State = OutgoingEmail.State

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
    from collaborative.outbox.tasks import deliver_messages  # that module imports this one

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
        OutgoingEmail.objects.unsent().filter(pk__in=ids).select_related("recipient").order_by("pk")
    )
    if not messages:
        return 0
    prepare(messages)
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


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


# Per kind (None: every message), what the owning parts add at sending time.
_PREPARE = defaultdict(list)
_CONTEXT = defaultdict(list)
_ATTACHMENTS = defaultdict(list)


def register(*kinds, context=None, attachments=None, prepare=None):
    """Teach the outbox what a kind of message says, from the part that owns it.

    ``context(message)`` returns what the templates need beyond the row's
    stored ``context``: things as they are when the message goes, and links
    signed then, so the row keeps no key. ``attachments(message, context)``
    returns the ``Attachment``s it carries. ``prepare(messages)`` is called once
    a batch, before any of it is rendered, with the batch's messages of these
    kinds: the part loads what they are about in a few queries and keeps it on
    them, instead of each message asking again. With no kinds, a provider serves
    every message. Called from an AppConfig's ``ready()``; registering the same
    function twice is harmless.
    """
    for kind in kinds or (None,):
        for providers, provider in (
            (_PREPARE, prepare),
            (_CONTEXT, context),
            (_ATTACHMENTS, attachments),
        ):
            if provider is not None and provider not in providers[kind]:
                providers[kind].append(provider)


def prepare(messages):
    """Let each part load what these messages are about at once: one call per provider."""
    batches = defaultdict(list)
    for message in messages:
        for provider in (*_PREPARE[None], *_PREPARE[message.kind]):
            batches[provider].append(message)
    for provider, its_messages in batches.items():
        provider(its_messages)


def context_for(message):
    """Everything the templates of a message see: the stored context, then the parts'."""
    context = {
        **message.context,
        "person": message.recipient,
        "programme_operations_email": settings.PROGRAMME_OPERATIONS_EMAIL,
    }
    for provider in (*_CONTEXT[None], *_CONTEXT[message.kind]):
        context.update(provider(message))
    return context


def render_text(name, context):
    """A message's subject (on one line) and text part from ``<name>.subject.txt`` and ``.txt``."""
    subject = " ".join(render_to_string(f"{name}.subject.txt", context).split())
    return subject, render_to_string(f"{name}.txt", context)


def render(message):
    """The e-mail for an outbox row: subject, text and HTML parts, and any attachments.

    The template is ``email/<kind>`` unless the context names another
    (``template``: an account e-mail names which of allauth's messages it is).
    """
    context = context_for(message)
    name = context.get("template") or f"email/{message.kind}"
    subject, body = render_text(name, context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[message.address],
        # Answers go to the operations manager, unless the context says whom (a contact
        # message's sender).
        reply_to=[context.get("reply_to") or settings.PROGRAMME_OPERATIONS_EMAIL],
        headers={
            # The same Message-ID on every attempt lets mail programs drop a duplicate.
            "Message-ID": f"<{message.key.replace(':', '.')}@{_mail_domain()}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    email.attach_alternative(render_to_string(f"{name}.html", context), "text/html")
    for provider in _ATTACHMENTS[message.kind]:
        for attachment in provider(message, context):
            email.attach(attachment.filename, attachment.content, attachment.mimetype)
    return email


def clock(value):
    """A time as the NHS writes it: 10am, 10:30am, 2:15pm."""
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{value.hour % 12 or 12}{minutes}{'am' if value.hour < 12 else 'pm'}"


def long_date(value):
    return formats.date_format(value, "l j F Y")


def moment(value):
    """An aware date and time in UK time: 5pm on Thursday 5 March 2026."""
    local = timezone.localtime(value)
    return f"{clock(local.time())} on {long_date(local.date())}"


def portal_url(path):
    """A link into the portal as an e-mail gives it: absolute, on ``PORTAL_BASE_URL``."""
    return f"{settings.PORTAL_BASE_URL}{path}"


def _mail_domain():
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "nmhwdc.nhs.uk"
