"""Which messages each workshop and booking event sends, and to whom.

The rule functions (``workshops.booking.rules``, ``workshops.steering.agenda``) call these,
one line per event, inside their transaction; nothing here runs from
``save()`` or a signal. Every function only records outbox rows
(``collaborative.outbox.mail.record``) under a key naming the event and the
recipient, so that an event told twice sends nothing twice; delivery follows
the commit.

Messages about a booking carry the calendar SEQUENCE the booking had at the
event, so that calendars apply a confirmation, a cancellation and a new
confirmation in the order they happened, whenever each is delivered. Whoever
booked a place for someone else gets a copy of what the attendee is told.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from collaborative.outbox.reserved_domains import is_reserved
from collaborative.people.models import DIRECTOR_LEVEL, User
from workshops.messages.content import about_booking, about_workshop
from workshops.models import (
    WAITING_LIST_ORDER,
    Booking,
    BookingStatus,
    CancellationReason,
    FeedbackRequest,
    SignOffRequest,
    Workshop,
    WorkshopChange,
)
from workshops.wording import as_read

Kind = OutgoingEmail.Kind

# What people booked are told about when it changes, with a new calendar entry.
NOTIFIED_FIELDS = ("title", "date", "start_time", "end_time", "format", "venue")


def _about(
    booking: Booking, kind: Kind, event: str, *, person: User | None = None, **context: object
) -> OutgoingEmail:
    """One message about a booking to its attendee (or ``person``, someone it concerns).

    The key names the event, the booking at its current calendar step, and the
    recipient: a place given back to someone who had it before is a new event.
    """
    person = person or booking.person
    return OutgoingEmail(
        kind=kind,
        key=f"{event}:b{booking.pk}.{booking.calendar_sequence}:p{person.pk}",
        # The person itself, not only the id: the outbox reads the address without a query.
        recipient=person,
        about=about_booking(booking.pk),
        context={"sequence": booking.sequence, "attendee": str(booking.person), **context},
    )


def _booker_copy(booking: Booking, message: OutgoingEmail) -> OutgoingEmail | None:
    """A copy for whoever booked the place, if that is someone else of the portal's members.

    The operations manager books in the admin and sees everything there, so gets none.
    """
    booker = booking.booked_by
    if booker is None or booker.pk == message.recipient_id or booker.is_staff:
        return None
    return OutgoingEmail(
        kind=Kind.BOOKER_COPY,
        key=f"copy:{message.key}:p{booker.pk}",
        recipient=booker,
        about=message.about,
        context={**message.context, "copy_of": message.kind, "copy_to": message.recipient_id},
    )


def _record_with_copies(told: Sequence[tuple[Booking, OutgoingEmail]]) -> None:
    """Record the (booking, message) pairs' messages, then each one's copy for its booker."""
    messages = [message for _, message in told]
    copies = [copy for booking, message in told if (copy := _booker_copy(booking, message))]
    mail.record([*messages, *copies])


def _to_everyone_booked(workshop: Workshop, kind: Kind, event: str, **context: object) -> None:
    """The same message to every attendee and waiting person of the workshop."""
    mail.record(
        [
            _about(
                booking,
                kind,
                event,
                had_place=booking.status == BookingStatus.CONFIRMED,
                # The events' words (agenda_changed's summary), never a ``person``.
                **context,  # type: ignore[arg-type]
            )
            for booking in workshop.bookings.active().select_related("person")
        ]
    )


# Bookings ----------------------------------------------------------------------


def booking_made(booking: Booking) -> None:
    """A booking made, accepted or given to a colleague: confirmed, for approval, or waiting."""
    if booking.status == BookingStatus.CONFIRMED:
        message = _about(booking, Kind.BOOKING_CONFIRMED, "confirmed")
    elif booking.status == BookingStatus.AWAITING_APPROVAL:
        message = _about(booking, Kind.AWAITING_APPROVAL, "awaiting-approval")
    elif booking.status == BookingStatus.WAITING:
        # The rule that made it may have counted the position already, inside its lock.
        position = getattr(booking, "position", None) or booking.waiting_position()
        message = _about(booking, Kind.WAITING_LIST, "waiting", position=position)
    else:
        return
    _record_with_copies([(booking, message)])


def booking_approved(booking: Booking) -> None:
    _record_with_copies([(booking, _about(booking, Kind.BOOKING_APPROVED, "approved"))])


def _who(by: User | None, person: User) -> str:
    """The name to give as whoever made a change, unless it was the person themselves."""
    if by is None or by.pk == person.pk:
        return ""
    if by.is_staff:
        return "the programme operations manager"
    return str(by)


def booking_ended(
    booking: Booking, reason: CancellationReason, *, by: User | None, had_place: bool
) -> None:
    """A booking cancelled (saying by whom) or not approved; ``had_place`` if it was confirmed,
    so that the calendar entry is taken away."""
    if reason == CancellationReason.CANCELLED:
        message = _about(
            booking,
            Kind.BOOKING_CANCELLED,
            "cancelled",
            had_place=had_place,
            cancelled_by=_who(by, booking.person),
        )
    elif reason == CancellationReason.NOT_APPROVED:
        message = _about(booking, Kind.BOOKING_NOT_APPROVED, "not-approved")
    else:
        return
    _record_with_copies([(booking, message)])


def place_given_away(booking: Booking, *, replaced: User, by: User, had_place: bool) -> None:
    """Tell the person replaced that the place went to someone else, taking the calendar
    entry (and with it the video link) out of their calendar. Call after the change."""
    message = _about(
        booking,
        Kind.PLACE_GIVEN_AWAY,
        "given-away",
        person=replaced,
        had_place=had_place,
        changed_by=_who(by, replaced),
    )
    mail.record([message])


def places_offered(bookings: Iterable[Booking]) -> None:
    _record_with_copies(
        [
            (
                booking,
                _about(
                    booking,
                    Kind.PLACE_OFFERED,
                    "offer",
                    # An offered booking has its deadline (booking_offer_has_deadline).
                    offer_expires_at=booking.offer_expires_at.isoformat(),  # type: ignore[union-attr]
                ),
            )
            for booking in bookings
        ]
    )


def offer_expired(booking: Booking) -> None:
    _record_with_copies([(booking, _about(booking, Kind.OFFER_EXPIRED, "offer-expired"))])


def record_reminders(*, today: datetime.date | None = None) -> int:
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
        .select_related("workshop", "person")
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
#
# Called by the workshop rules (workshops.booking.rules, workshops.steering.agenda) inside the
# change's transaction, never from ``save()`` or a signal: a change rolled back has told no one.


def invite(workshop: Workshop, *, people: Sequence[User] | None = None) -> None:
    """One invitation per person per workshop, ever: the directors of every active member
    Trust, at director level as they say and as confirmed, with a confirmed address; and the
    stakeholder representatives invited to this workshop.

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
        seniority__in=DIRECTOR_LEVEL,
        confirmed_seniority__in=DIRECTOR_LEVEL,
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
                about=about_workshop(workshop.pk),
                context={"book_path": path},
            )
            for person_id, path in recipients.items()
        ]
    )


def _shown(name: str, value: object) -> str:
    """As the e-mail about a change reads a workshop's old or new value."""
    return as_read(
        # NOTIFIED_FIELDS are the workshop's own fields, never a relation.
        Workshop._meta.get_field(name),  # type: ignore[arg-type]
        value,
        date=mail.long_date,
        time=mail.clock,
        empty="none",
    )


# The video link is told only to people with a confirmed place, and never in the text.
NEW_VIDEO_LINK = {
    "label": "Video link",
    "before": "the link you had",
    "after": "a new link, in the attached calendar entry and on your booking page",
}


def workshop_changed(workshop: Workshop, before: Mapping[str, object]) -> bool:
    """Call once a change of the workshop's details is saved; ``before`` holds the values
    it had (``NOTIFIED_FIELDS``, and ``video_link``).

    Everyone booked hears of a new title, date, time, format or venue, under the new
    calendar SEQUENCE; the confirmed attendees also of a new video link. Returns whether
    the change was one people are told of.
    """
    changes = [
        {
            # NOTIFIED_FIELDS are the workshop's own fields, never a relation.
            "label": capfirst(Workshop._meta.get_field(name).verbose_name),  # type: ignore[union-attr]
            "before": _shown(name, before[name]),
            "after": _shown(name, getattr(workshop, name)),
        }
        for name in NOTIFIED_FIELDS
        if name in before and before[name] != getattr(workshop, name)
    ]
    new_link = "video_link" in before and before["video_link"] != workshop.video_link
    if not changes and not new_link:
        return False
    event = f"workshop-changed:s{workshop.calendar_sequence}"
    messages = []
    for booking in workshop.bookings.active().select_related("person"):
        confirmed = booking.status == BookingStatus.CONFIRMED
        told = [*changes, *([NEW_VIDEO_LINK] if new_link and confirmed else [])]
        if told:
            messages.append(
                _about(booking, Kind.WORKSHOP_CHANGED, event, had_place=confirmed, changes=told)
            )
    mail.record(messages)
    return True


def workshop_cancelled(workshop: Workshop) -> None:
    """Call while the bookings are still active: those with a place get METHOD:CANCEL, and
    whoever booked a place for someone else a copy."""
    _record_with_copies(
        [
            (
                booking,
                _about(
                    booking,
                    Kind.WORKSHOP_CANCELLED,
                    "workshop-cancelled",
                    had_place=booking.status == BookingStatus.CONFIRMED,
                ),
            )
            for booking in workshop.bookings.active().select_related("person", "booked_by")
        ]
    )


def agenda_agreed(workshop: Workshop) -> None:
    _to_everyone_booked(workshop, Kind.AGENDA_AGREED, "agenda-agreed")


def agenda_changed(workshop: Workshop, change: WorkshopChange) -> None:
    """The agenda or details changed once the agenda was public; ``change`` is the line of
    the workshop's history saying what. (A new title, date, time or place is told by
    ``workshop_changed``, with its calendar entry.)"""
    _to_everyone_booked(
        workshop, Kind.AGENDA_CHANGED, f"agenda-changed:c{change.pk}", summary=change.summary
    )


def booking_closed_without_place(workshop: Workshop) -> None:
    """Booking has closed: tell the people still waiting that they have no place, and that
    they stay on the waiting list, since a place freed before the start is offered to them.
    Once each: closing again after reopening tells no one twice."""
    waiting = (
        workshop.bookings.filter(status=BookingStatus.WAITING)
        .order_by(*WAITING_LIST_ORDER)
        .select_related("person", "booked_by")
    )
    _record_with_copies(
        [
            (booking, _about(booking, Kind.NO_PLACE, f"no-place:w{workshop.pk}", position=position))
            for position, booking in enumerate(waiting, start=1)
        ]
    )


def invitation_sent(workshop: Workshop, person: User) -> bool:
    """Whether the person's invitation to the workshop is in the outbox already."""
    return OutgoingEmail.objects.filter(key=f"invitation:w{workshop.pk}:p{person.pk}").exists()


# The steering group ----------------------------------------------------------------


def sign_off_requested(workshop: Workshop, request: SignOffRequest) -> None:
    """Tell every other member of the steering group that a draft agenda is ready for their
    sign-off; once per member for each request (a changed draft is asked for again)."""
    members = User.objects.steering_group()
    if request.asked_by_id:
        members = members.exclude(pk=request.asked_by_id)
    asked_by = request.asked_by
    mail.record(
        [
            OutgoingEmail(
                kind=Kind.SIGN_OFF_REQUESTED,
                key=f"sign-off:w{workshop.pk}.r{request.pk}:p{person_id}",
                recipient_id=person_id,
                about=about_workshop(workshop.pk),
                context={
                    "asked_by": "the programme operations manager"
                    if asked_by is None or asked_by.is_staff
                    else str(asked_by)
                },
            )
            for person_id in members.values_list("pk", flat=True)
        ]
    )


# After a workshop --------------------------------------------------------------------


def feedback_requested(requests: Iterable[FeedbackRequest]) -> None:
    """One e-mail per attendee asking for their feedback, ever: the key names the booking.
    The link is made from the request when the e-mail is sent, so the outbox keeps none."""
    mail.record(
        [
            OutgoingEmail(
                kind=Kind.FEEDBACK_REQUEST,
                key=f"feedback:b{request.booking_id}:p{request.booking.person_id}",
                recipient_id=request.booking.person_id,
                about=about_booking(request.booking_id),
            )
            for request in requests
        ]
    )


# Invitations ---------------------------------------------------------------------------


def confirm_address_reminders(workshop: Workshop, people: Iterable[User]) -> None:
    """A reminder to confirm their e-mail address, to people who were not invited to the
    workshop for want of a confirmed one; once per person per workshop. The confirmation
    link is made when the e-mail is sent."""
    mail.record(
        [
            OutgoingEmail(
                kind=Kind.CONFIRM_ADDRESS_REMINDER,
                key=f"confirm-address:w{workshop.pk}:p{person.pk}",
                recipient_id=person.pk,
                about=about_workshop(workshop.pk),
            )
            for person in people
        ]
    )


# Who was not invited, and why ------------------------------------------------------------

UNCONFIRMED_ADDRESS = "E-mail address not confirmed"
INVITATIONS_OFF = "Invitations turned off in their preferences"
TRUST_NOT_ACTIVE = "Trust not an active member"
LEVEL_NOT_CONFIRMED = "Director level not confirmed"
RESERVED_ADDRESS = "Address on a reserved (demonstration) domain: no e-mail goes there"
LATER = "Could be invited now: became eligible after the invitations went out"


@dataclass
class NotInvited:
    person: User
    reasons: list[str]

    @property
    def may_be_reminded(self) -> bool:
        """Confirming the address is what they lack, and they want invitations."""
        return UNCONFIRMED_ADDRESS in self.reasons and INVITATIONS_OFF not in self.reasons


def not_invited(workshop: Workshop) -> list[NotInvited]:
    """Everyone at a Trust who says they are at director level and has no invitation to the
    workshop, with the reasons ``invite`` left them out, in one query."""
    verified = EmailAddress.objects.filter(
        user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    invited = OutgoingEmail.objects.filter(
        about=about_workshop(workshop.pk), kind=Kind.INVITATION
    ).values("recipient_id")
    people = (
        User.objects.filter(is_active=True, trust__isnull=False, seniority__in=DIRECTOR_LEVEL)
        .exclude(pk__in=invited)
        .annotate(address_confirmed=Exists(verified))
        .select_related("trust__membership")
        .order_by("trust__name", "full_name", "email")
    )
    rows = []
    for person in people:
        membership = getattr(person.trust, "membership", None)
        reasons = [
            text
            for missing, text in (
                (not person.address_confirmed, UNCONFIRMED_ADDRESS),
                (not person.wants_invitations, INVITATIONS_OFF),
                (membership is None or not membership.is_active, TRUST_NOT_ACTIVE),
                (person.confirmed_seniority not in DIRECTOR_LEVEL, LEVEL_NOT_CONFIRMED),
                (is_reserved(person.email), RESERVED_ADDRESS),
            )
            if missing
        ]
        rows.append(NotInvited(person, reasons or [LATER]))
    return rows


@transaction.atomic
def remind_to_confirm_addresses(workshop: Workshop) -> tuple[int, int]:
    """E-mail the people not invited to an open workshop only for want of a confirmed address
    a reminder to confirm it, once per person per workshop. Returns how many are reminded
    now and how many were before."""
    people = [row.person for row in not_invited(workshop) if row.may_be_reminded]
    reminders = OutgoingEmail.objects.filter(
        about=about_workshop(workshop.pk),
        kind=Kind.CONFIRM_ADDRESS_REMINDER,
        recipient__in=people,
    )
    before = reminders.count()
    confirm_address_reminders(workshop, people)
    return reminders.count() - before, before
