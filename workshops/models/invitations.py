"""Personal, single-use booking links for stakeholder representatives."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


def new_invitation_token():
    return secrets.token_urlsafe(32)


def default_invitation_expiry():
    return timezone.now() + datetime.timedelta(days=14)


class Invitation(models.Model):
    """A personal, single-use link to book a place, for stakeholder representatives.

    One per person per workshop, ever: the unique constraint decides.
    """

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    token = models.CharField(
        max_length=64, unique=True, editable=False, default=new_invitation_token
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=default_invitation_expiry)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "person"], name="invitation_one_per_person_per_workshop"
            )
        ]

    def __str__(self):
        return f"Invitation for {self.person} to {self.workshop.title}"

    def get_absolute_url(self):
        return reverse("workshops:invitation", args=[self.token])

    @property
    def is_usable(self):
        return self.used_at is None and timezone.now() < self.expires_at


# The steering group's models live in their own module; Django finds them here.
