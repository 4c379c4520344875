"""Which messages each workshop and booking event sends, and to whom.

The booking services call these functions, one line per event, inside their
transaction. Events of a whole workshop (opened for booking; date, time or
place changed; cancelled) are caught when the Workshop is saved, because the
operations manager also makes them in the admin's workshop form; the steering
group's agenda events arrive as signals. Every function only records outbox
rows (``collaborative.mail.record``) under a key naming the event and the
recipient, so that an event told twice sends nothing twice; delivery follows
the commit.

The receivers below connect when this module is imported, which
``workshops.services`` does, so at start-up through the admin's autodiscovery.
"""

import datetime
import uuid

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from collaborative import mail
from collaborative.models import OutgoingEmail, Seniority, User
from workshops import signals
from workshops.models import (
    Booking,
    BookingStatus,
    CancellationReason,
    Invitation,
    Workshop,
    WorkshopChange,
)

Kind = OutgoingEmail.Kind

INVITED_SENIORITY = (Seniority.DIRECTOR, Seniority.EXECUTIVE_DIRECTOR)
# What people booked are told about when it changes, with a new calendar entry.
NOTIFIED_FIELDS = ("title", "date", "start_time", "end_time", "format", "venue")


def _about(booking, kind, event, **context):
    """One message about a booking to its attendee; the key names the event and the attendee."""
    return OutgoingEmail(
        kind=kind,
        key=f"{event}:b{booking.pk}:p{booking.person_id}",
        recipient_id=booking.person_id,
        workshop_id=booking.workshop_id,
        booking=booking,
        context=context,
    )


def _to_everyone_booked(workshop, kind, event, **context):
    """The same message to every attendee and waiting person of the workshop."""
    mail.record(
        [
            _about(
                booking,
                kind,
                event,
                had_place=booking.status == BookingStatus.CONFIRMED,
                **context,
            )
            for booking in workshop.bookings.active()
        ]
    )


# Bookings ----------------------------------------------------------------------


def booking_made(booking):
    """A booking made, accepted or given to a colleague: confirmed, for approval, or waiting."""
    if booking.status == BookingStatus.CONFIRMED:
        message = _about(booking, Kind.BOOKING_CONFIRMED, "confirmed")
    elif booking.status == BookingStatus.AWAITING_APPROVAL:
        message = _about(booking, Kind.AWAITING_APPROVAL, "awaiting-approval")
    elif booking.status == BookingStatus.WAITING:
        position = booking.waiting_position()
        message = _about(booking, Kind.WAITING_LIST, "waiting", position=position)
    else:
        return
    mail.record([message])


def booking_approved(booking):
    mail.record([_about(booking, Kind.BOOKING_APPROVED, "approved")])


def booking_ending(booking, reason):
    """Call before a booking is cancelled: an acknowledgement, or the approval's refusal."""
    if reason == CancellationReason.CANCELLED:
        had_place = booking.status == BookingStatus.CONFIRMED
        message = _about(booking, Kind.BOOKING_CANCELLED, "cancelled", had_place=had_place)
    elif reason == CancellationReason.NOT_APPROVED:
        message = _about(booking, Kind.BOOKING_NOT_APPROVED, "not-approved")
    else:
        return
    mail.record([message])


def places_offered(bookings):
    mail.record(
        [
            _about(
                booking,
                Kind.PLACE_OFFERED,
                "offer",
                offer_expires_at=booking.offer_expires_at.isoformat(),
            )
            for booking in bookings
        ]
    )


def offer_expired(booking):
    mail.record([_about(booking, Kind.OFFER_EXPIRED, "offer-expired")])


def record_reminders(*, today=None):
    """Reminders for confirmed places, ``WORKSHOP_REMINDER_DAYS`` before each workshop.

    A booking gets the reminder of the nearest point it has reached (7 days
    before, then 1 day before), once each; a reminder is late rather than
    lost if beat was down. Someone who booked after that point has just had
    their confirmation, so that reminder is left out. Returns how many
    reminders the run considered.
    """
    today = today or timezone.localdate()
    points = sorted(set(settings.WORKSHOP_REMINDER_DAYS))
    if not points:
        return 0
    bookings = (
        Booking.objects.filter(
            status=BookingStatus.CONFIRMED,
            person__wants_reminders=True,
            workshop__date__gt=today,
            workshop__date__lte=today + datetime.timedelta(days=points[-1]),
        )
        .exclude(workshop__status__in=(Workshop.Status.CANCELLED, Workshop.Status.HELD))
        .select_related("workshop")
    )
    messages = []
    for booking in bookings:
        days_left = (booking.workshop.date - today).days
        days = next(point for point in points if point >= days_left)
        reminder_day = booking.workshop.date - datetime.timedelta(days=days)
        if timezone.localdate(booking.requested_at) > reminder_day:
            continue
        messages.append(_about(booking, Kind.REMINDER, f"reminder-{days}d", days=days))
    mail.record(messages)
    return len(messages)


# Workshops ---------------------------------------------------------------------


def invite(workshop, *, people=None):
    """One invitation per person per workshop, ever: every active member Trust's directors
    with a confirmed address, and the stakeholder representatives invited to this workshop.

    ``people`` narrows it to some of them (a stakeholder invited later).
    """
    verified = EmailAddress.objects.filter(
        user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    directors = User.objects.filter(
        Exists(verified),
        is_active=True,
        wants_invitations=True,
        trust__membership__is_active=True,
        seniority__in=INVITED_SENIORITY,
    )
    stakeholders = workshop.invitations.filter(
        person__is_active=True, used_at__isnull=True, expires_at__gt=timezone.now()
    )
    if people is not None:
        directors = directors.filter(pk__in=[person.pk for person in people])
        stakeholders = stakeholders.filter(person__in=people)
    book_path = reverse("workshops:book", args=[workshop.slug])
    recipients = dict.fromkeys(directors.values_list("pk", flat=True), book_path)
    for person_id, token in stakeholders.values_list("person_id", "token"):
        recipients[person_id] = reverse("workshops:invitation", args=[token])
    mail.record(
        [
            OutgoingEmail(
                kind=Kind.INVITATION,
                key=f"invitation:w{workshop.pk}:p{person_id}",
                recipient_id=person_id,
                workshop_id=workshop.pk,
                context={"book_path": path},
            )
            for person_id, path in recipients.items()
        ]
    )


def workshop_changed(workshop, changes):
    """Date, time or place changed: everyone booked hears it, under the new calendar SEQUENCE."""
    _to_everyone_booked(
        workshop,
        Kind.WORKSHOP_CHANGED,
        f"workshop-changed:s{workshop.calendar_sequence}",
        changes=changes,
    )


def workshop_cancelled(workshop):
    """Call while the bookings are still active: those with a place get METHOD:CANCEL."""
    _to_everyone_booked(workshop, Kind.WORKSHOP_CANCELLED, "workshop-cancelled")


def agenda_agreed(workshop):
    _to_everyone_booked(workshop, Kind.AGENDA_AGREED, "agenda-agreed")


def agenda_changed(workshop, summary):
    """The steering group changed the agenda or details after agreeing it.

    A change of date, time or place was already told, with its calendar
    entry, when the workshop was saved; this tells the rest. The key is the
    change's line in the workshop's history.
    """
    change = WorkshopChange.objects.filter(workshop=workshop).first()
    if change and any(field.get("field") in NOTIFIED_FIELDS for field in change.fields):
        return
    event = f"c{change.pk}" if change else uuid.uuid4().hex
    _to_everyone_booked(workshop, Kind.AGENDA_CHANGED, f"agenda-changed:{event}", summary=summary)


def _shown(name, value):
    if value in (None, ""):
        return "none"
    if name == "date":
        return mail.long_date(value)
    if name in ("start_time", "end_time"):
        return mail.clock(value)
    if name == "format":
        return Workshop.Format(value).label
    return str(value)


def workshop_saved(workshop, before):
    """What a saved workshop's change tells people: ``before`` holds the stored values."""
    Status = Workshop.Status
    if workshop.status == Status.CANCELLED:
        if before["status"] != Status.CANCELLED:
            workshop_cancelled(workshop)
        return
    if workshop.status == Status.OPEN and before["status"] != Status.OPEN:
        invite(workshop)
    if workshop.status == Status.HELD or before["date"] < timezone.localdate():
        return
    changes = [
        {
            "label": capfirst(Workshop._meta.get_field(name).verbose_name),
            "before": _shown(name, before[name]),
            "after": _shown(name, getattr(workshop, name)),
        }
        for name in NOTIFIED_FIELDS
        if before[name] != getattr(workshop, name)
    ]
    if changes:
        workshop_changed(workshop, changes)


@receiver(pre_save, sender=Workshop, dispatch_uid="workshops.messaging.before")
def _remember_stored_workshop(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        instance._stored_for_messages = (
            Workshop.objects.filter(pk=instance.pk).values("status", *NOTIFIED_FIELDS).first()
        )


@receiver(post_save, sender=Workshop, dispatch_uid="workshops.messaging.after")
def _workshop_saved(sender, instance, created, raw=False, **kwargs):
    before = instance.__dict__.pop("_stored_for_messages", None)
    if before is not None and not created and not raw:
        workshop_saved(instance, before)


@receiver(post_save, sender=Invitation, dispatch_uid="workshops.messaging.invitation")
def _stakeholder_invited(sender, instance, created, raw=False, **kwargs):
    """An invitation made once the workshop is open goes out at once; earlier ones on opening."""
    if created and not raw and instance.workshop.status == Workshop.Status.OPEN:
        invite(instance.workshop, people=[instance.person])


@receiver(signals.agenda_agreed, dispatch_uid="workshops.messaging.agenda_agreed")
def _agenda_agreed(sender, workshop, **kwargs):
    agenda_agreed(workshop)


@receiver(signals.agenda_changed, dispatch_uid="workshops.messaging.agenda_changed")
def _agenda_changed(sender, workshop, summary, **kwargs):
    agenda_changed(workshop, summary)
