"""Themes, workshops and their agenda items."""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from collaborative.inputs import page_cache
from collaborative.inputs.validators import OneLineFields
from workshops.models.bookings import PLACE_HOLDING_STATUSES
from workshops.models.status import StatusIs

LONDON = zoneinfo.ZoneInfo("Europe/London")


class Theme(OneLineFields, models.Model):
    """One of the Collaborative's priorities, e.g. staff wellbeing."""

    one_line_fields = ("name",)

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_current_priority = models.BooleanField(
        default=False, help_text="Shown on the home page as one of the current priorities."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkshopQuerySet(models.QuerySet):
    def public(self):
        """Workshops visitors may see: everything past the draft stage."""
        return self.exclude(status=Workshop.Status.DRAFT)

    def upcoming(self, today=None):
        return self.filter(date__gte=today or timezone.localdate()).order_by("date", "start_time")

    def with_places_taken(self):
        """Annotate ``places_taken``: the bookings holding a place, counted in the query."""
        return self.annotate(
            places_taken=models.Count(
                "bookings", filter=models.Q(bookings__status__in=PLACE_HOLDING_STATUSES)
            )
        )

    def past(self, today=None):
        return self.filter(date__lt=today or timezone.localdate()).order_by("-date", "-start_time")

    def taken_place(self, today=None):
        """Workshops that have taken place (the queryset twin of ``has_taken_place``)."""
        return self.filter(
            models.Q(status=Workshop.Status.HELD)
            | (
                models.Q(date__lt=today or timezone.localdate())
                & ~models.Q(status__in=Workshop.NEVER_TAKING_PLACE)
            )
        )

    def locked(self, workshop_id):
        """The workshop, reloaded and locked until the transaction ends, so that rules
        changing its bookings or agenda one at a time see each other's changes.

        Every rule that changes a workshop, its agenda or its bookings comes through here,
        so the public pages change when its transaction commits."""
        page_cache.site_changed()
        return self.select_for_update().get(pk=workshop_id)

    def open_for_booking(self, today=None):
        """Workshops taking bookings today (the queryset twin of ``is_open_for_booking``)."""
        today = today or timezone.localdate()
        return self.filter(
            models.Q(booking_opens_on__isnull=True) | models.Q(booking_opens_on__lte=today),
            models.Q(booking_closes_on__isnull=True) | models.Q(booking_closes_on__gte=today),
            status=Workshop.Status.OPEN,
            date__gte=today,
        )


class Workshop(OneLineFields, models.Model):
    """A strategic workshop of the Collaborative, usually one of four a year."""

    one_line_fields = ("title",)

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGENDA_AGREED = "agenda_agreed", "Agenda agreed"
        OPEN = "open", "Open for booking"
        CLOSED = "closed", "Booking closed"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    # A workshop in these never takes place, whatever its date.
    NEVER_TAKING_PLACE = (Status.DRAFT, Status.CANCELLED)

    is_draft = StatusIs(Status.DRAFT)
    is_agenda_agreed = StatusIs(Status.AGENDA_AGREED)
    is_open = StatusIs(Status.OPEN)
    is_closed = StatusIs(Status.CLOSED)
    is_held = StatusIs(Status.HELD)
    is_cancelled = StatusIs(Status.CANCELLED)

    class Format(models.TextChoices):
        VIRTUAL = "virtual", "Virtual (video link)"
        IN_PERSON = "in_person", "In person"

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", "Quarterly workshop"
        FORUM = "forum", "Forum"
        VIDEOCONFERENCE = "videoconference", "Videoconference"

    class DatePrecision(models.TextChoices):
        """How much of a past event's date the Collaborative's record gives."""

        DAY = "day", "The day"
        MONTH = "month", "The month only"

    title = models.CharField(
        max_length=250, help_text="The question the workshop explores, as it will be published."
    )
    slug = models.SlugField(
        max_length=120,
        unique=True,
        validators=[
            RegexValidator(
                r"^(bookings|invitations|steering)$",
                inverse_match=True,
                message="This address is taken by the portal's own pages; choose another.",
            )
        ],
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="workshops"
    )
    kind = models.CharField(
        max_length=20,
        choices=Kind,
        default=Kind.QUARTERLY,
        help_text="Quarterly workshops make the year's programme of four; a forum or a "
        "videoconference is an extra event, booked under the same rules.",
    )
    description = models.TextField(blank=True)
    date = models.DateField()
    date_precision = models.CharField(
        "date recorded",
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text="For a past event whose record gives only the month, choose the month only: "
        "the date is then the first of the month and pages show the month.",
    )
    # Times, format and capacity are blank only for past events whose record does not give
    # them: pages say "not recorded". A workshop ahead always has them (clean), and one open
    # for booking or closed to it cannot be without them (constraint).
    start_time = models.TimeField(
        null=True, blank=True, help_text="UK time. Blank only if a past event's is not recorded."
    )
    end_time = models.TimeField(
        null=True, blank=True, help_text="UK time. Blank only if a past event's is not recorded."
    )
    format = models.CharField(
        max_length=10,
        choices=Format,
        default=Format.VIRTUAL,
        blank=True,
        help_text="Blank only if a past event's is not recorded.",
    )
    video_link = models.URLField(
        blank=True, help_text="Shown only to people with a confirmed place."
    )
    venue = models.TextField(blank=True, help_text="Name and address, for in-person workshops.")
    capacity = models.PositiveIntegerField(
        default=60,
        null=True,
        blank=True,
        help_text="Places in all, Trust and stakeholder places together. Blank only if a past "
        "event's is not recorded.",
    )
    record_note = models.TextField(
        "about the record",
        blank=True,
        help_text="For a past event: what the Collaborative's record says of it and what it "
        "leaves out, shown on its page.",
    )
    places_per_trust = models.PositiveSmallIntegerField(
        default=3, help_text="How many people each member Trust may send."
    )
    one_per_functional_area = models.BooleanField(
        "one place per functional area",
        default=True,
        help_text="At most one representative of each functional area per Trust.",
    )
    director_level_only = models.BooleanField(
        default=True,
        help_text="Bookings for people below Director level wait for the operations "
        "manager's approval.",
    )
    offer_hours = models.PositiveSmallIntegerField(
        default=48, help_text="How long a waiting person has to accept a freed place."
    )
    booking_opens_on = models.DateField(null=True, blank=True)
    booking_closes_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=15, choices=Status, default=Status.DRAFT)
    calendar_sequence = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised whenever the date, time, place or status changes, so that "
        "calendars replace the old entry.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkshopQuerySet.as_manager()

    # Fields that calendar entries carry: a change to any of them is a new SEQUENCE.
    CALENDAR_FIELDS = (
        "title",
        "date",
        "start_time",
        "end_time",
        "format",
        "venue",
        "video_link",
        "status",
    )

    class Meta:
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["status", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_time__isnull=True)
                | models.Q(end_time__isnull=True)
                | models.Q(end_time__gt=models.F("start_time")),
                name="workshop_ends_after_it_starts",
                violation_error_message="The workshop must end after it starts.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=("open", "closed"))
                | (
                    models.Q(
                        start_time__isnull=False, end_time__isnull=False, capacity__isnull=False
                    )
                    & ~models.Q(format="")
                ),
                name="workshop_bookable_has_times_format_and_capacity",
                violation_error_message="A workshop open or closed for booking needs its start "
                "and end times, format and capacity.",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=0), name="workshop_capacity_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(places_per_trust__gte=1),
                name="workshop_at_least_one_place_per_trust",
            ),
            models.CheckConstraint(
                condition=models.Q(booking_opens_on__isnull=True)
                | models.Q(booking_closes_on__isnull=True)
                | models.Q(booking_closes_on__gte=models.F("booking_opens_on")),
                name="workshop_booking_closes_after_it_opens",
                violation_error_message="Booking must close on or after the day it opens.",
            ),
            models.CheckConstraint(
                condition=models.Q(booking_closes_on__isnull=True)
                | models.Q(booking_closes_on__lte=models.F("date")),
                name="workshop_booking_closes_by_the_workshop",
                violation_error_message="Booking must close on or before the workshop's date.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.date_display})"

    def save(self, *args, **kwargs):
        if self.pk:
            before = type(self).objects.filter(pk=self.pk).values(*self.CALENDAR_FIELDS).first()
            if before and any(before[name] != getattr(self, name) for name in self.CALENDAR_FIELDS):
                self.calendar_sequence += 1
                if update_fields := kwargs.get("update_fields"):
                    kwargs["update_fields"] = {*update_fields, "calendar_sequence"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("workshops:detail", args=[self.slug])

    def clean(self):
        super().clean()
        if self.format == self.Format.IN_PERSON and not self.venue.strip():
            raise ValidationError({"venue": "Enter the venue of an in-person workshop."})
        if self.date and self.date >= timezone.localdate():
            missing = {
                "start_time": "Enter the start time of a workshop ahead.",
                "end_time": "Enter the end time of a workshop ahead.",
                "format": "Choose the format of a workshop ahead.",
                "capacity": "Enter how many places a workshop ahead has.",
            }
            errors = {
                name: text for name, text in missing.items() if getattr(self, name) in (None, "")
            }
            if self.date_precision != self.DatePrecision.DAY:
                errors["date_precision"] = "A workshop ahead has its day."
            if errors:
                raise ValidationError(errors)

    # What the record gives: pages say "not recorded" for the rest ----------------------

    @property
    def date_display(self):
        """The date as recorded: 26 February 2018, or February 2018 if only the month is."""
        if self.date_precision == self.DatePrecision.MONTH:
            return f"{self.date:%B %Y}"
        return f"{self.date.day} {self.date:%B %Y}"

    @property
    def held_not_recorded(self):
        """A past event the record announces but does not show to have taken place."""
        return self.date < timezone.localdate() and self.status not in (
            self.Status.HELD,
            self.Status.CANCELLED,
            self.Status.DRAFT,
        )

    @property
    def is_open_for_booking(self):
        today = timezone.localdate()
        return (
            self.status == self.Status.OPEN
            and self.date >= today
            and (self.booking_opens_on is None or self.booking_opens_on <= today)
            and (self.booking_closes_on is None or today <= self.booking_closes_on)
        )

    @property
    def starts_at(self):
        """When it starts, UK time; None for a past event whose time is not recorded."""
        if self.start_time is None:
            return None
        return datetime.datetime.combine(self.date, self.start_time, tzinfo=LONDON)

    @property
    def ends_at(self):
        """When it ends, UK time; None for a past event whose time is not recorded."""
        if self.end_time is None:
            return None
        return datetime.datetime.combine(self.date, self.end_time, tzinfo=LONDON)

    @property
    def agenda_is_public(self):
        return self.status != self.Status.DRAFT

    @property
    def is_virtual(self):
        return self.format == self.Format.VIRTUAL

    @property
    def has_taken_place(self):
        """Held, or its day is past and it was neither a draft nor cancelled."""
        return self.status == self.Status.HELD or (
            self.date < timezone.localdate() and self.status not in self.NEVER_TAKING_PLACE
        )

    def places_left(self):
        """Places no booking holds; None for a past event whose capacity is not recorded.

        Uses ``places_taken`` where the query counted it (``with_places_taken``), else
        counts now: the booking rules call it on the workshop they have just locked.
        """
        if self.capacity is None:
            return None
        taken = getattr(self, "places_taken", None)
        if taken is None:
            taken = self.bookings.holding_a_place().count()
        return max(self.capacity - taken, 0)

    @property
    def quarter(self):
        """The quarter of the year it falls in: the February workshop is the first."""
        return (self.date.month - 1) // 3 + 1


class AgendaItem(OneLineFields, models.Model):
    """One session of a workshop's agenda."""

    one_line_fields = ("title", "speakers", "presenting_organisation")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(default=0)
    start_time = models.TimeField(null=True, blank=True, help_text="UK time.")
    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    speakers = models.CharField(
        max_length=500,
        blank=True,
        help_text="Each speaker as name, role, organisation (role and organisation if known), "
        "speakers separated by semicolons, e.g. Dr A Patel, Director of Nursing, Mersey Care; "
        "Sam Jones.",
    )
    presenting_organisation = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["workshop", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "order"], name="agenda_item_order_unique_per_workshop"
            ),
            # Each item runs until the next one starts, so two cannot start together.
            models.UniqueConstraint(
                fields=["workshop", "start_time"],
                condition=models.Q(start_time__isnull=False),
                name="agenda_item_start_time_unique_per_workshop",
                violation_error_message="Another item of this agenda starts at the same time.",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def speaker_list(self):
        """The speakers as (name, role, organisation); role and organisation may be blank.

        A role may itself hold commas ("Director of Nursing, Quality and Safety"): the
        first part is the name, and with three parts or more the last is the organisation.
        """
        speakers = []
        for entry in self.speakers.split(";"):
            parts = [part.strip() for part in entry.split(",") if part.strip()]
            if not parts:
                continue
            name, rest = parts[0], parts[1:]
            organisation = rest.pop() if len(rest) >= 2 else ""
            speakers.append((name, ", ".join(rest), organisation))
        return speakers
