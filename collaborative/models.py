from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from collaborative.validators import OneLineFields


class FunctionalArea(models.TextChoices):
    """The three areas a member Trust may field a representative from."""

    NURSING = "nursing", "Nursing"
    HR_WORKFORCE = "hr_workforce", "HR / Workforce"
    OD_TRAINING_EDUCATION = (
        "od_training_education",
        "Organisational Development / Training & Education",
    )


class Seniority(models.TextChoices):
    DIRECTOR = "director", "Director"
    EXECUTIVE_DIRECTOR = "executive_director", "Executive Director"
    OTHER = "other", "Other"


# The seniorities that workshops for directors are for, and that invitations go to.
DIRECTOR_LEVEL = frozenset({Seniority.DIRECTOR, Seniority.EXECUTIVE_DIRECTOR})


class UserQuerySet(models.QuerySet):
    def steering_group(self):
        """People of founding Trusts whom the operations manager marked as steering members."""
        from trusts.models import Membership

        return self.filter(
            is_active=True,
            is_steering_member=True,
            trust__membership__kind=Membership.Kind.FOUNDING,
            trust__membership__is_active=True,
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **fields)


class User(OneLineFields, AbstractBaseUser, PermissionsMixin):
    """A person using the portal. The e-mail address is the login."""

    one_line_fields = ("full_name", "job_title")

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    seniority = models.CharField(
        max_length=20,
        choices=Seniority,
        blank=True,
        help_text="As the person states it. Director level counts once someone accountable "
        "has confirmed it (confirmed seniority).",
    )
    confirmed_seniority = models.CharField(
        max_length=20,
        choices=Seniority,
        blank=True,
        editable=False,
        help_text="The seniority the operations manager or a confirmed director of the same "
        "Trust confirmed; a change on the profile waits for a new confirmation.",
    )
    seniority_confirmed_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    seniority_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    functional_area = models.CharField(max_length=30, choices=FunctionalArea, blank=True)
    trust = models.ForeignKey(
        "trusts.Trust",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text="The Trust this person represents, if any.",
    )
    stakeholder_body = models.ForeignKey(
        "trusts.StakeholderBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text="The national or regional body this person represents, if any.",
    )
    is_steering_member = models.BooleanField(
        "steering group member",
        default=False,
        help_text="Only people of founding Trusts can sit on the steering group.",
    )
    wants_invitations = models.BooleanField(
        "e-mail me invitations to workshops",
        default=True,
        help_text="Invitations go to directors of member Trusts when a workshop opens.",
    )
    wants_reminders = models.BooleanField(
        "e-mail me reminders before workshops I am booked on",
        default=True,
    )
    is_staff = models.BooleanField(
        "staff status", default=False, help_text="Can sign in to the admin site."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    calendar_token = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="The secret in the person's calendar feed address; none means no feed.",
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "people"
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
            models.CheckConstraint(
                condition=models.Q(trust__isnull=True) | models.Q(stakeholder_body__isnull=True),
                name="user_one_affiliation_at_most",
                violation_error_message=(
                    "A person represents a Trust or a stakeholder body, not both."
                ),
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if self.is_steering_member and not (self.trust_id and self.trust.is_founding):
            message = "Only people of founding Trusts can sit on the steering group."
            raise ValidationError({"is_steering_member": message})

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def affiliation(self):
        """The Trust or stakeholder body the person represents, or None."""
        return self.trust or self.stakeholder_body

    @property
    def is_director_level(self):
        """Director level as stated and as confirmed: a claim alone does not count, and
        someone who lowers their stated seniority stops counting at once."""
        return self.seniority in DIRECTOR_LEVEL and self.confirmed_seniority in DIRECTOR_LEVEL

    @property
    def seniority_awaits_confirmation(self):
        """A director-level seniority stated on the profile that no one has confirmed yet."""
        return self.seniority in DIRECTOR_LEVEL and self.seniority != self.confirmed_seniority


class ContactMessage(OneLineFields, models.Model):
    """A message to the programme operations manager from the contact page.

    Kept in the database so that nothing is lost if e-mail delivery fails.
    """

    one_line_fields = ("name", "organisation", "subject")

    name = models.CharField(max_length=150)
    email = models.EmailField("e-mail address")
    organisation = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=200)
    message = models.TextField()
    sent_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the programme operations manager was e-mailed."
    )
    is_answered = models.BooleanField("answered", default=False)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.subject} ({self.name})"


class OutgoingEmailQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(state__in=(OutgoingEmail.State.PENDING, OutgoingEmail.State.FAILED))

    def progress(self):
        """Total, sent, pending and failed counts, and how many failed too often to be
        tried again (``MESSAGE_MAX_ATTEMPTS``), in one query."""
        State = OutgoingEmail.State
        failed = models.Q(state=State.FAILED)
        return self.aggregate(
            total=models.Count("pk"),
            sent=models.Count("pk", filter=models.Q(state=State.SENT)),
            pending=models.Count("pk", filter=models.Q(state=State.PENDING)),
            failed=models.Count("pk", filter=failed),
            given_up=models.Count(
                "pk", filter=failed & models.Q(attempts__gte=settings.MESSAGE_MAX_ATTEMPTS)
            ),
        )


class OutgoingEmail(models.Model):
    """One e-mail the portal owes someone: the outbox that makes every message go exactly once.

    A row is written in the same transaction as the change it tells about, under
    a unique ``key`` naming the event and the recipient, so that repeating the
    event records nothing new. Delivery claims the row, sends and marks it sent
    in one transaction (collaborative.mail), so a retried or redelivered task
    finds it sent, and a worker that dies before committing leaves it unsent
    for the next attempt.
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation to a workshop"
        BOOKING_CONFIRMED = "booking_confirmed", "Place confirmed"
        AWAITING_APPROVAL = "awaiting_approval", "Place awaiting approval"
        WAITING_LIST = "waiting_list", "On the waiting list"
        PLACE_OFFERED = "place_offered", "Place offered"
        OFFER_EXPIRED = "offer_expired", "Offer expired"
        BOOKING_APPROVED = "booking_approved", "Place approved"
        BOOKING_NOT_APPROVED = "booking_not_approved", "Place not approved"
        BOOKING_CANCELLED = "booking_cancelled", "Booking cancelled"
        WORKSHOP_CHANGED = "workshop_changed", "Workshop changed"
        WORKSHOP_CANCELLED = "workshop_cancelled", "Workshop cancelled"
        REMINDER = "reminder", "Reminder"
        AGENDA_AGREED = "agenda_agreed", "Agenda agreed"
        AGENDA_CHANGED = "agenda_changed", "Details or agenda changed"
        COLLEAGUE_ACCOUNT = "colleague_account", "Account set up by a colleague"
        PLACE_GIVEN_AWAY = "place_given_away", "Place given to someone else"
        BOOKER_COPY = "booker_copy", "Copy to the person who booked"
        NO_PLACE = "no_place", "Booking closed without a place"
        SENIORITY_CONFIRMED = "seniority_confirmed", "Director level confirmed"
        ACCOUNT = "account", "Account e-mail (address confirmation, password reset)"
        CONTACT_MESSAGE = "contact_message", "Contact form message to the operations manager"
        AFFILIATION_APPROVED = "affiliation_approved", "Request to be linked approved"
        AFFILIATION_NOT_APPROVED = "affiliation_not_approved", "Request to be linked not approved"
        FEEDBACK_REQUEST = "feedback_request", "Feedback asked of an attendee"
        SIGN_OFF_REQUESTED = "sign_off_requested", "Draft agenda ready for sign-off"
        CONFIRM_ADDRESS_REMINDER = "confirm_address", "Reminder to confirm an e-mail address"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, to be tried again"

    kind = models.CharField(max_length=30, choices=Kind)
    key = models.CharField(
        max_length=200,
        unique=True,
        help_text="Names the event and the recipient, e.g. invitation:w12:p34; one e-mail per key.",
    )
    recipient = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outgoing_emails",
        help_text="Who the message is for; none for the operations mailbox.",
    )
    to_address = models.EmailField(
        "to address",
        blank=True,
        help_text="Where it goes when that is not the recipient's login address: an address "
        "being confirmed, or the operations mailbox.",
    )
    workshop = models.ForeignKey(
        "workshops.Workshop",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outgoing_emails",
    )
    booking = models.ForeignKey(
        "workshops.Booking",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outgoing_emails",
    )
    context = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the message must say as it was at the event, e.g. a waiting-list position.",
    )
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outgoing e-mail"
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["workshop", "kind", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="sent") | models.Q(sent_at__isnull=False),
                name="outgoing_email_sent_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(to_address=""),
                name="outgoing_email_has_somewhere_to_go",
            ),
        ]

    def __str__(self):
        return self.key

    @property
    def address(self):
        return self.to_address or self.recipient.email
