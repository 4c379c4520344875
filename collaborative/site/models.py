"""Messages sent through the contact page."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from collaborative.inputs.validators import OneLineFields


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
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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
