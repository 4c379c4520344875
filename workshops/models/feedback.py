"""Feedback after a workshop: one request per attendee, and anonymous answers.

Imported at the bottom of ``workshops.models``, where Django looks for the app's models.
The rules that write them are in ``workshops.feedback.survey``.

The two are kept apart on purpose. A ``FeedbackRequest`` belongs to a booking and says
only whether it has been answered, so that nobody answers twice; a ``FeedbackAnswer``
belongs to the workshop alone: no person, no booking, no time, and a random key, so
that neither its order nor its moment can be matched against the requests. The steering
group reads the answers without knowing whose they are.
"""

import datetime
import secrets
import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

OPEN_FOR_DAYS = 60
# Results show once this many have answered, so that no one's answers can be picked out.
MIN_ANSWERS_SHOWN = 3


def closes_on(workshop) -> datetime.date:
    """The last day a feedback link about this workshop takes an answer."""
    return workshop.date + datetime.timedelta(days=OPEN_FOR_DAYS)


def new_feedback_token():
    return secrets.token_urlsafe(32)


class FeedbackRequest(models.Model):
    """The e-mailed link to the feedback form of one attendee's place, usable once."""

    booking = models.OneToOneField(
        "workshops.Booking", on_delete=models.CASCADE, related_name="feedback_request"
    )
    token = models.CharField(max_length=64, unique=True, editable=False, default=new_feedback_token)
    created_at = models.DateTimeField(default=timezone.now)
    # No time: when it was answered would tell which answer is whose.
    answered = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"Feedback on {self.booking}"

    def get_absolute_url(self):
        return reverse("workshops:feedback", args=[self.token])


class Rating(models.IntegerChoices):
    ONE = 1, "1: not at all"
    TWO = 2, "2"
    THREE = 3, "3"
    FOUR = 4, "4"
    FIVE = 5, "5: very"


RATING_RANGE = [MinValueValidator(1), MaxValueValidator(5)]


class FeedbackAnswer(models.Model):
    """One attendee's answers, with nothing that says whose they are."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="feedback_answers"
    )
    usefulness = models.PositiveSmallIntegerField(
        "how useful the workshop was", choices=Rating, validators=RATING_RANGE
    )
    relevance = models.PositiveSmallIntegerField(
        "how relevant it was to the attendee's organisation",
        choices=Rating,
        validators=RATING_RANGE,
    )
    comments = models.TextField("what worked and what could be better", blank=True)
    future_topics = models.TextField("topics for a future workshop", blank=True)

    class Meta:
        # The key is random: answers come out in no telling order.
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(usefulness__gte=1, usefulness__lte=5),
                name="feedback_usefulness_from_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(relevance__gte=1, relevance__lte=5),
                name="feedback_relevance_from_1_to_5",
            ),
        ]

    def __str__(self):
        return f"Feedback on {self.workshop.title}"
