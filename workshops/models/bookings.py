"""Places at workshops, and each booking's audit trail."""

import itertools
import operator

from django.conf import settings
from django.db import models
from django.utils import timezone

from collaborative.people.models import FunctionalArea
from workshops.models.status import StatusIs


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    OFFERED = "offered", "Place offered"
    WAITING = "waiting", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"


class CancellationReason(models.TextChoices):
    CANCELLED = "cancelled", "Cancelled"
    OFFER_DECLINED = "offer_declined", "Offer declined"
    OFFER_EXPIRED = "offer_expired", "Offer expired"
    NOT_APPROVED = "not_approved", "Not approved"
    WORKSHOP_CANCELLED = "workshop_cancelled", "Workshop cancelled"


# Statuses that take one of the workshop's places (and one of a Trust's).
PLACE_HOLDING_STATUSES = (
    BookingStatus.CONFIRMED,
    BookingStatus.AWAITING_APPROVAL,
    BookingStatus.OFFERED,
)
# Statuses that count as the person's one booking for the workshop.
ACTIVE_STATUSES = (*PLACE_HOLDING_STATUSES, BookingStatus.WAITING)
# First come, first served; the id breaks ties between requests in the same microsecond.
WAITING_LIST_ORDER = ("requested_at", "pk")


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def holding_a_place(self):
        return self.filter(status__in=PLACE_HOLDING_STATUSES)


class Booking(models.Model):
    """A named person's place, or request for one, at a workshop."""

    Status = BookingStatus
    PLACE_HOLDING_STATUSES = PLACE_HOLDING_STATUSES
    ACTIVE_STATUSES = ACTIVE_STATUSES

    is_confirmed = StatusIs(BookingStatus.CONFIRMED)
    is_awaiting_approval = StatusIs(BookingStatus.AWAITING_APPROVAL)
    is_offered = StatusIs(BookingStatus.OFFERED)
    is_waiting = StatusIs(BookingStatus.WAITING)
    is_cancelled = StatusIs(BookingStatus.CANCELLED)

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.PROTECT, related_name="bookings"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings_made",
        help_text="Who made the booking: the person, a colleague, or the operations manager.",
    )
    trust = models.ForeignKey(
        "trusts.Trust", on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    stakeholder_body = models.ForeignKey(
        "trusts.StakeholderBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
    )
    functional_area = models.CharField(max_length=30, choices=FunctionalArea, blank=True)
    one_per_functional_area = models.BooleanField(
        default=True,
        editable=False,
        help_text="The workshop's rule when the booking was made, kept here so that "
        "the database can enforce it.",
    )
    status = models.CharField(max_length=20, choices=BookingStatus, default=BookingStatus.CONFIRMED)
    requested_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=20, choices=CancellationReason, blank=True)
    attended = models.BooleanField(
        null=True,
        blank=True,
        help_text="Whether the person came: unknown until the operations manager records it "
        "for a confirmed place at a workshop that has taken place.",
    )
    access_needs = models.TextField(
        "access and dietary needs",
        blank=True,
        help_text="What the attendee needs at an in-person workshop. Seen only by the attendee "
        "and the operations manager (and the venue, through the attendee list); removed after "
        "the workshop, or once the booking or the workshop is cancelled.",
    )
    calendar_sequence = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised when the place is cancelled or given to someone else; added to the "
        "workshop's sequence, so that each calendar message outranks the one before it.",
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["workshop", "requested_at", "pk"]
        indexes = [models.Index(fields=["workshop", "status", "requested_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "person"],
                condition=models.Q(status__in=ACTIVE_STATUSES),
                name="booking_one_active_per_person_per_workshop",
                violation_error_message="This person already has a booking for this workshop.",
            ),
            models.UniqueConstraint(
                fields=["workshop", "trust", "functional_area"],
                condition=models.Q(
                    status__in=PLACE_HOLDING_STATUSES,
                    one_per_functional_area=True,
                    trust__isnull=False,
                ),
                name="booking_one_place_per_trust_functional_area",
                violation_error_message="The Trust already has a place in this functional area.",
            ),
            models.CheckConstraint(
                condition=models.Q(trust__isnull=False, stakeholder_body__isnull=True)
                | models.Q(trust__isnull=True, stakeholder_body__isnull=False),
                name="booking_for_a_trust_or_a_stakeholder_body",
                violation_error_message="A booking is for a Trust or a stakeholder body.",
            ),
            models.CheckConstraint(
                condition=models.Q(trust__isnull=True) | ~models.Q(functional_area=""),
                name="booking_trust_place_has_functional_area",
                violation_error_message="A Trust place needs a functional area.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=BookingStatus.OFFERED)
                | models.Q(offer_expires_at__isnull=False),
                name="booking_offer_has_deadline",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=BookingStatus.CANCELLED)
                | models.Q(cancelled_at__isnull=False),
                name="booking_cancellation_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(attended__isnull=True)
                | models.Q(status=BookingStatus.CONFIRMED),
                name="booking_attendance_only_for_confirmed_places",
                violation_error_message="Attendance is recorded only for confirmed places.",
            ),
        ]

    def __str__(self):
        return f"{self.person} at {self.workshop.title}"

    @property
    def organisation(self):
        return self.trust or self.stakeholder_body

    @property
    def holds_a_place(self):
        return self.status in PLACE_HOLDING_STATUSES

    @property
    def approval_reason(self):
        """Why this booking awaits approval, naming the attendee; "" if it does not."""
        return self._approval_reason(f"{self.person}'s", f"{self.person} is")

    @property
    def approval_reason_to_attendee(self):
        """The same, told to the attendee (their booking page, their e-mail)."""
        return self._approval_reason("your", "you are")

    def _approval_reason(self, whose, who_is):
        if self.status != BookingStatus.AWAITING_APPROVAL:
            return ""
        person = self.person
        if not self.workshop.director_level_only:
            return "The programme operations manager is checking this place."
        if person.is_director_level:
            return (
                f"This workshop is for directors; {whose} director-level role is confirmed, and "
                "the programme operations manager is checking the place."
            )
        if person.seniority_awaits_confirmation:
            confirmers = "the programme operations manager" + (
                f" or a director of {person.trust}" if person.trust_id else ""
            )
            return (
                f"This workshop is for directors, and {whose} director-level role has not been "
                f"confirmed yet by {confirmers}."
            )
        return f"This workshop is for directors, and {who_is} not at director level."

    def video_link_for(self, person):
        """The workshop's video link if ``person`` may see it through this booking, else "".

        Who may see the video link, in one place: the attendee themselves, once the
        place is confirmed, at a virtual workshop; not whoever booked it for them, a
        colleague, someone waiting, or a cancelled booking. The booking page and
        summary, the calendar file and feed, and the e-mails all ask here.
        """
        shown = (
            self.status == BookingStatus.CONFIRMED
            and person is not None
            and self.person_id == person.pk
            and self.workshop.is_virtual
        )
        return self.workshop.video_link if shown else ""

    @property
    def calendar_uid(self):
        """One calendar entry per booking: a new booking after a cancellation is a new entry."""
        return f"booking-{self.pk}@nmhwdc.nhs.uk"

    @property
    def sequence(self):
        """The calendar SEQUENCE now: it only ever grows, for the workshop and the booking."""
        return self.workshop.calendar_sequence + self.calendar_sequence

    def log(self, action, *, by, **data):
        """Write a line of the booking's audit trail; the door comes from ``workshops.audit``."""
        from workshops.audit import current_door

        return BookingEvent.objects.create(
            booking=self, action=action, actor=by, door=current_door(), data=data
        )

    def waiting_position(self):
        """1 for the first person waiting, and so on; None if not waiting."""
        if self.status != BookingStatus.WAITING:
            return None
        earlier = Booking.objects.filter(
            workshop_id=self.workshop_id, status=BookingStatus.WAITING
        ).filter(
            models.Q(requested_at__lt=self.requested_at)
            | models.Q(requested_at=self.requested_at, pk__lt=self.pk)
        )
        return earlier.count() + 1

    @staticmethod
    def set_waiting_positions(bookings):
        """Give each waiting booking its ``position``, with one query for a whole page.

        The order is the waiting list's: per workshop, by request time, then id.
        """
        waiting = [booking for booking in bookings if booking.status == BookingStatus.WAITING]
        if not waiting:
            return
        queue = (
            Booking.objects.filter(
                status=BookingStatus.WAITING,
                workshop_id__in={booking.workshop_id for booking in waiting},
            )
            .order_by("workshop_id", *WAITING_LIST_ORDER)
            .values_list("workshop_id", "pk")
        )
        positions = {}
        for _, places in itertools.groupby(queue, key=operator.itemgetter(0)):
            for position, (_, pk) in enumerate(places, start=1):
                positions[pk] = position
        for booking in waiting:
            booking.position = positions[booking.pk]


class BookingEvent(models.Model):
    """One line of a booking's audit trail: who did what, through which door, and when.

    Written by the booking rules (``Booking.log``) in the change's own transaction, so the
    trail and the change commit or fail together; never edited or deleted afterwards.
    """

    class Action(models.TextChoices):
        BOOKED = "booked", "Booked"
        BOOKED_BEYOND_CAPS = "booked_beyond_caps", "Booked beyond the Trust's places"
        APPROVED = "approved", "Approved"
        NOT_APPROVED = "not_approved", "Not approved"
        ATTENDEE_CHANGED = "attendee_changed", "Attendee changed"
        MOVED = "moved", "Moved to another workshop"
        CANCELLED = "cancelled", "Cancelled"
        OFFERED = "offered", "Place offered"
        ACCEPTED = "accepted", "Offer accepted"
        DECLINED = "declined", "Offer declined"
        OFFER_EXPIRED = "offer_expired", "Offer expired"
        WORKSHOP_CANCELLED = "workshop_cancelled", "Workshop cancelled"
        ATTENDANCE = "attendance", "Attendance recorded"
        ACCESS_NEEDS = "access_needs", "Access and dietary needs given or changed"
        ACCESS_NEEDS_REMOVED = "access_needs_removed", "Access and dietary needs removed"

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=30, choices=Action)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who did it; empty for the portal's own scheduled work.",
    )
    door = models.CharField(
        max_length=200, help_text="The page, admin action or task the change came through."
    )
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["booking", "at"])]

    def __str__(self):
        return f"{self.get_action_display()}: {self.booking}"
