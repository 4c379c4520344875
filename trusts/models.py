from django.conf import settings
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils import timezone

from collaborative.inputs.validators import OneLineFields


class Region(models.TextChoices):
    """NHS England's seven regions."""

    NORTH_EAST_YORKSHIRE = "north_east_yorkshire", "North East and Yorkshire"
    NORTH_WEST = "north_west", "North West"
    MIDLANDS = "midlands", "Midlands"
    EAST_OF_ENGLAND = "east_of_england", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"


class TrustKind(models.TextChoices):
    """What kind of NHS Trust provides the mental health services."""

    MENTAL_HEALTH = "mental_health", "Mental health Trust"
    CHILDRENS = "childrens", "Children's Trust that runs CAMHS"
    INTEGRATED = "integrated", "Trust running mental health, community and acute services"


class TrustQuerySet(models.QuerySet):
    def founding(self):
        return self.filter(membership__kind=Membership.Kind.FOUNDING)

    def members(self):
        """Trusts whose membership of the Collaborative is active, founding ones included."""
        return self.filter(membership__is_active=True)

    def for_email(self, email):
        """The Trust whose e-mail domain the address is on, or None."""
        domain = email.rsplit("@", 1)[-1].strip().lower()
        return self.filter(email_domains__domain=domain).first()


class Trust(OneLineFields, models.Model):
    """An NHS Trust in England that provides mental health services."""

    one_line_fields = ("name",)

    name = models.CharField(max_length=200)
    ods_code = models.CharField(
        "ODS code",
        max_length=5,
        unique=True,
        help_text="The organisation's NHS Organisation Data Service code, e.g. RNU.",
    )
    region = models.CharField(max_length=30, choices=Region)
    kind = models.CharField(
        "type of Trust",
        max_length=20,
        choices=TrustKind,
        default=TrustKind.MENTAL_HEALTH,
        help_text="What kind of NHS Trust it is; all of them provide mental health services.",
    )
    website = models.URLField(blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text="The Trust this one merged into or was renamed as.",
    )

    objects = TrustQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ods_code=Upper("ods_code")),
                name="trust_ods_code_upper_case",
                violation_error_message="ODS codes are written in capitals.",
            ),
            models.CheckConstraint(
                condition=~models.Q(successor=models.F("id")),
                name="trust_not_own_successor",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.ods_code = self.ods_code.strip().upper()
        super().save(*args, **kwargs)

    @property
    def is_founding(self):
        membership = getattr(self, "membership", None)
        return membership is not None and membership.kind == Membership.Kind.FOUNDING

    @property
    def successor_change(self):
        """How and when the successor took this Trust in (a ``TrustChange``), or None.

        Read from the successor's changes, which a list should prefetch.
        """
        if self.successor is None:
            return None
        return next((c for c in self.successor.changes.all() if c.former_trust_id == self.pk), None)


class EmailDomain(models.Model):
    """An e-mail domain of a Trust; a verified address on it affiliates the person."""

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="email_domains")
    domain = models.CharField(max_length=100, help_text="For example oxfordhealth.nhs.uk")

    class Meta:
        ordering = ["domain"]
        verbose_name = "e-mail domain"
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="email_domain_unique_ignoring_case"),
            models.CheckConstraint(
                condition=models.Q(domain=Lower("domain")), name="email_domain_lower_case"
            ),
        ]

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().lstrip("@")
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A Trust's membership of the Collaborative."""

    class Kind(models.TextChoices):
        FOUNDING = "founding", "Founding Trust"
        MEMBER = "member", "Member Trust"

    trust = models.OneToOneField(Trust, on_delete=models.CASCADE, related_name="membership")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.MEMBER)
    joined_on = models.DateField()
    joined_as = models.CharField(
        "name when it joined",
        max_length=200,
        blank=True,
        help_text="The Trust's name when it joined, if it has since changed "
        "(e.g. Lancashire Care NHS Foundation Trust).",
    )
    is_active = models.BooleanField("active", default=True)

    class Meta:
        ordering = ["trust__name"]

    def __str__(self):
        return f"{self.trust} ({self.get_kind_display()})"


class TrustChange(models.Model):
    """A change that made a Trust what it is today: a rename, a merger, an acquisition.

    ``former_name`` is the earlier name, or the earlier organisation that joined it.
    Where that organisation has a record of its own (a founding Trust, named in the
    Collaborative's record), ``former_trust`` points to it and its ``successor`` is this
    Trust. ``source`` says where the fact comes from.
    """

    class Kind(models.TextChoices):
        RENAMED = "renamed", "Renamed"
        MERGED = "merged", "Merged to form it"
        ACQUIRED = "acquired", "Acquired by it"
        SERVICES = "services", "Services transferred to it"

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind)
    former_name = models.CharField(max_length=200)
    former_trust = models.ForeignKey(
        Trust,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The earlier organisation's own record, if the portal keeps one.",
    )
    changed_on = models.DateField(
        null=True, blank=True, help_text="Leave blank if the date is not recorded."
    )
    month_only = models.BooleanField(
        default=False, help_text="Only the month and year of the change are recorded."
    )
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(
        max_length=500, help_text="Where the fact comes from: an address, or the document."
    )

    class Meta:
        ordering = ["trust", "changed_on", "former_name"]
        verbose_name = "change in a Trust's history"
        verbose_name_plural = "changes in Trusts' histories"
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "former_name", "kind"], name="trust_change_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(former_trust=models.F("trust")),
                name="trust_change_not_from_itself",
            ),
        ]

    def __str__(self):
        return f"{self.trust}: {self.get_kind_display().lower()} ({self.former_name})"

    @property
    def when(self):
        """The date as recorded: a day, a month, or "date not recorded"."""
        if self.changed_on is None:
            return "date not recorded"
        if self.month_only:
            return self.changed_on.strftime("%B %Y")
        return f"{self.changed_on.day} {self.changed_on:%B %Y}"

    @property
    def sentence(self):
        """The change told from the Trust's side, e.g. "Renamed from X on 13 October 2025"."""
        on = "" if self.changed_on is None else (" in " if self.month_only else " on ") + self.when
        wording = {
            self.Kind.RENAMED: f"Renamed from {self.former_name}{on}",
            self.Kind.MERGED: f"Merger with {self.former_name}{on}",
            self.Kind.ACQUIRED: f"Took over {self.former_name}{on}",
            self.Kind.SERVICES: f"Took on services from {self.former_name}{on}",
        }[self.kind]
        if self.changed_on is None:
            wording += " (date not recorded)"
        return wording


class MembershipRequest(OneLineFields, models.Model):
    """A Trust's request to join the Collaborative, for the operations manager to answer."""

    one_line_fields = ("trust_name", "contact_name", "job_title")

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_HAND = "in_hand", "Being answered"
        JOINED = "joined", "Joined"
        DECLINED = "declined", "Not taken forward"

    trust_name = models.CharField("name of the Trust", max_length=200)
    ods_code = models.CharField("ODS code", max_length=5, blank=True)
    contact_name = models.CharField("your full name", max_length=200)
    job_title = models.CharField("your job title", max_length=200)
    email = models.EmailField("your work e-mail address")
    message = models.TextField("anything you would like us to know", blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.NEW)
    received_at = models.DateTimeField(default=timezone.now)
    notes = models.TextField(
        blank=True, help_text="The operations manager's notes; not shown to the Trust."
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "request to join"
        verbose_name_plural = "requests to join"

    def __str__(self):
        return f"{self.trust_name} ({self.received_at:%-d %B %Y})"


class StakeholderBody(OneLineFields, models.Model):
    """A national or regional organisation that takes part without being a member."""

    one_line_fields = ("name",)

    class Scope(models.TextChoices):
        NATIONAL = "national", "National"
        REGIONAL = "regional", "Regional"
        LOCAL = "local", "Local system (STP / ICS)"

    name = models.CharField(max_length=200, unique=True)
    scope = models.CharField(max_length=10, choices=Scope, default=Scope.NATIONAL)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "stakeholder bodies"

    def __str__(self):
        return self.name


class AffiliationRequest(models.Model):
    """A person's request to represent an organisation, for the operations manager to decide.

    People whose verified address is on a Trust's domain never need one.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliation_requests"
    )
    trust = models.ForeignKey(
        Trust, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    stakeholder_body = models.ForeignKey(
        StakeholderBody, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trust__isnull=False, stakeholder_body__isnull=True)
                | models.Q(trust__isnull=True, stakeholder_body__isnull=False),
                name="affiliation_request_for_one_organisation",
                violation_error_message="Choose a Trust or a stakeholder body.",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="pending"),
                name="affiliation_request_one_pending_per_person",
                violation_error_message="You already have a request waiting for a decision.",
            ),
        ]

    def __str__(self):
        return f"{self.person} for {self.trust or self.stakeholder_body}"
