"""The steering group's records: topic proposals, workshop outcomes and the change history.

Imported at the bottom of ``workshops.models``, where Django looks for the app's models.
The rules that write them are in ``workshops.steering.agenda``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from collaborative.inputs.validators import OneLineFields


class TopicProposal(OneLineFields, models.Model):
    """A topic a steering member puts forward for a workshop, with why it matters now."""

    one_line_fields = ("title",)

    title = models.CharField(
        max_length=250, help_text="The question a workshop on this topic would explore."
    )
    rationale = models.TextField(
        max_length=1500, help_text="Why the Collaborative should take this up now."
    )
    theme = models.ForeignKey(
        "workshops.Theme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="topic_proposals",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topic_proposals",
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    supporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="TopicSupport",
        related_name="supported_topics",
        blank=True,
    )
    workshop = models.OneToOneField(
        "workshops.Workshop",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        help_text="The draft workshop the proposal became.",
    )

    class Meta:
        ordering = ["-proposed_at", "-pk"]

    def __str__(self):
        return self.title


class TopicSupport(models.Model):
    """A steering member's support for someone else's topic proposal."""

    proposal = models.ForeignKey(TopicProposal, on_delete=models.CASCADE, related_name="supports")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_supports"
    )
    supported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["supported_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "person"],
                name="topic_support_once_per_person",
                violation_error_message="This person already supports this topic.",
            )
        ]

    def __str__(self):
        return f"{self.person} supports {self.proposal}"


class Outcome(models.Model):
    """What a held workshop discussed and agreed; published on the News and events page."""

    workshop = models.OneToOneField(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="outcome"
    )
    summary = models.TextField(help_text="What was discussed, for the public page.")
    actions = models.TextField(
        "agreed actions", blank=True, help_text="One agreed action on each line."
    )
    follow_up_events = models.ManyToManyField(
        "workshops.Workshop",
        blank=True,
        related_name="follow_up_of",
        help_text="Events the workshop agreed to hold, such as a one-off forum.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-workshop__date"]

    def __str__(self):
        return f"Outcome of {self.workshop.title}"

    @property
    def action_list(self):
        return [line.strip() for line in self.actions.splitlines() if line.strip()]


class WorkshopChange(models.Model):
    """One change to a workshop, its agenda or its outcome: who made it, when, and what.

    ``fields`` lists what changed as ``{"field", "label", "before", "after"}`` with the
    values as people read them, so the history still reads right after a theme is
    renamed or an agenda item removed.
    """

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(default=timezone.now)
    summary = models.CharField(max_length=500)
    fields = models.JSONField(default=list, blank=True)
    after_agreement = models.BooleanField(
        default=False,
        help_text="Made once the agenda was public, so the people booked are told.",
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["workshop", "-changed_at"])]

    def __str__(self):
        return self.summary
