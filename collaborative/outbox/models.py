"""The outbox: one row per e-mail, recorded before it is sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone


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
    in one transaction (collaborative.outbox.mail), so a retried or redelivered task
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
        settings.AUTH_USER_MODEL,
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
    about = models.CharField(
        max_length=50,
        blank=True,
        help_text="What the message is about, as the part that sent it names it (e.g. "
        "workshop:12, booking:34); that part reads it when the message is rendered.",
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
            models.Index(fields=["about", "kind", "state"]),
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
