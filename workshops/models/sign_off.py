"""The steering group's sign-off of a draft agenda: the rule, the requests and the decisions.

Imported at the bottom of ``workshops.models``, where Django looks for the app's models.
The rules that write them are in ``workshops.steering.agenda``; what a set of decisions amounts
to under the rule is worked out in ``workshops.steering.decisions``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class SignOffRule(models.Model):
    """How many of the steering group must sign off a draft agenda before it is agreed.

    One row, which the programme operations manager changes in the admin.
    """

    class Rule(models.TextChoices):
        MAJORITY = "majority", "A majority of the steering group (more than half)"
        ALL = "all", "Every member of the steering group"
        CHAIR = "chair", "The chair of the steering group"
        NUMBER = "number", "A set number of steering group members"

    rule = models.CharField(max_length=10, choices=Rule, default=Rule.MAJORITY)
    number = models.PositiveSmallIntegerField(
        "number of members",
        null=True,
        blank=True,
        help_text="For “a set number”: how many members must sign off.",
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        # Not a constraint: a chair whose account goes leaves the rule unmet, not broken.
        related_name="+",
        limit_choices_to={"is_steering_member": True, "is_active": True},
        help_text="For “the chair”: the steering group member who chairs it.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "agenda sign-off rule"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="sign_off_rule_is_one_row"),
            models.CheckConstraint(
                condition=~models.Q(rule="number") | models.Q(number__gte=1),
                name="sign_off_rule_number_given",
                violation_error_message="Enter how many members must sign off.",
            ),
        ]

    def __str__(self):
        return self.describe()

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls):
        rule, _ = cls.objects.select_related("chair").get_or_create(pk=1)
        return rule

    def clean(self):
        super().clean()
        if self.rule == self.Rule.NUMBER and not self.number:
            raise ValidationError({"number": "Enter how many members must sign off."})
        if self.rule == self.Rule.CHAIR:
            if self.chair is None:
                raise ValidationError({"chair": "Choose the chair of the steering group."})
            from collaborative.people.models import User

            if not User.objects.steering_group().filter(pk=self.chair.pk).exists():
                raise ValidationError(
                    {"chair": "The chair must be a member of the steering group now."}
                )

    def describe(self):
        """The rule as a sentence's subject: "a majority of the steering group"."""
        if self.rule == self.Rule.NUMBER:
            count = self.number or 0
            return f"{count} member{'s' if count != 1 else ''} of the steering group"
        if self.rule == self.Rule.CHAIR:
            return f"the chair of the steering group ({self.chair})" if self.chair else "the chair"
        return {
            self.Rule.MAJORITY: "a majority of the steering group",
            self.Rule.ALL: "every member of the steering group",
        }[self.rule]


class SignOffRequest(models.Model):
    """A steering member or the operations manager asked the group to sign off a draft.

    At most one is open per workshop; a change to the draft closes it, and the members
    are asked again.
    """

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="sign_off_requests"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    asked_at = models.DateTimeField(default=timezone.now)
    is_open = models.BooleanField(
        default=True, help_text="Closed when the draft changes or its agenda is agreed."
    )

    class Meta:
        ordering = ["-asked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop"],
                condition=models.Q(is_open=True),
                name="sign_off_request_one_open_per_workshop",
            )
        ]

    def __str__(self):
        return f"Sign-off of {self.workshop.title} asked for"


class AgendaComment(models.Model):
    """A steering member's comment on a draft agenda, or their decision on it.

    A decision (signed off, or changes asked for) counts towards the rule until the
    member gives another, or the draft changes: then it stays in the discussion, no
    longer counting.
    """

    class Decision(models.TextChoices):
        COMMENT = "comment", "Comment"
        SIGNED_OFF = "signed_off", "Signed off"
        CHANGES_REQUESTED = "changes_requested", "Asked for changes"

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="agenda_comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_comments",
    )
    decision = models.CharField(max_length=20, choices=Decision, default=Decision.COMMENT)
    text = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    counts = models.BooleanField(
        default=False,
        help_text="A decision that still counts: the member's latest, on the draft as it is.",
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["workshop", "at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "author"],
                condition=models.Q(counts=True),
                name="agenda_decision_one_counting_per_member",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="comment") | models.Q(counts=False),
                name="agenda_comment_is_not_a_decision",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision__in=("comment", "changes_requested"))
                | ~models.Q(text=""),
                name="agenda_comment_and_change_request_have_text",
            ),
        ]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.author} on {self.workshop.title}"
