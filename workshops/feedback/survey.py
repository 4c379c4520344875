"""Feedback after a held workshop: who is asked, answering once, and the results.

Once a workshop is marked held and has ended, each attendee (a confirmed place whose
attendance is not recorded as "did not come") gets one e-mail through the outbox with a
link to a short form. ``services.mark_held`` asks in its own transaction; the periodic
task ``request_due_feedback`` asks for held workshops that ended since (marked held in
the morning, say), and is safe to repeat. A workshop marked held more than
``ASK_WITHIN_DAYS`` after its day asks no one: feedback so late says little.

The answer is stored apart from the person (``workshops.models.feedback``). The steering
group and the operations manager see the results once ``MIN_ANSWERS_SHOWN`` people have
answered, so that no one's answers can be picked out of one or two.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats, timezone

from collaborative.people.models import User
from workshops.engagement import Chart, bar_chart
from workshops.messages import notify
from workshops.models import (
    LONDON,
    Booking,
    BookingStatus,
    FeedbackAnswer,
    FeedbackRequest,
    Workshop,
)
from workshops.models.feedback import MIN_ANSWERS_SHOWN, Rating, closes_on

ASK_WITHIN_DAYS = 14
QUESTIONS = {
    "usefulness": "Overall, how useful was the workshop?",
    "relevance": "How relevant was it to your organisation's work?",
    "comments": "What worked well, and what could be better?",
    "future_topics": "What should a future workshop take up?",
}
ALREADY_ANSWERED = "You have already given your feedback on this workshop. Thank you."


class FeedbackError(Exception):
    """A refusal whose message a page can show as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def may_see_results(person: User | AnonymousUser) -> bool:
    """Steering group members and the programme operations manager."""
    from workshops.steering.agenda import may_record_outcomes

    return may_record_outcomes(person)


# Asking ------------------------------------------------------------------------------


def attendees(workshop: Workshop) -> QuerySet[Booking]:
    """The places whose holders are asked: confirmed, and not recorded as absent."""
    return Booking.objects.filter(workshop=workshop, status=BookingStatus.CONFIRMED).exclude(
        attended=False
    )


def _has_ended(workshop: Workshop, now: datetime.datetime) -> bool:
    ends = workshop.ends_at or datetime.datetime.combine(
        workshop.date + datetime.timedelta(days=1), datetime.time.min, tzinfo=LONDON
    )
    return ends <= now


def request_feedback(workshop: Workshop, *, now: datetime.datetime | None = None) -> int:
    """Ask each attendee of a held workshop that has ended for their feedback, once each.

    Call inside the transaction of the change (``services.mark_held``) or of the periodic
    task. Returns how many people were asked this time.
    """
    now = now or timezone.now()
    if workshop.status != Workshop.Status.HELD or not _has_ended(workshop, now):
        return 0
    if (timezone.localdate(now) - workshop.date).days > ASK_WITHIN_DAYS:
        return 0
    new = list(
        attendees(workshop).filter(feedback_request__isnull=True).values_list("pk", flat=True)
    )
    if not new:
        return 0
    FeedbackRequest.objects.bulk_create(
        [FeedbackRequest(booking_id=pk) for pk in new], ignore_conflicts=True
    )
    requests = FeedbackRequest.objects.filter(booking_id__in=new).select_related("booking")
    notify.feedback_requested(requests)
    return len(new)


def request_due_feedback(*, now: datetime.datetime | None = None) -> int:
    """Periodic: ask for feedback on the held workshops that ended in the last
    ``ASK_WITHIN_DAYS`` days. Safe to repeat. Returns how many people were asked."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Workshop.objects.filter(
        status=Workshop.Status.HELD,
        date__gte=today - datetime.timedelta(days=ASK_WITHIN_DAYS),
        date__lte=today,
    )
    asked = 0
    for workshop_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            workshop = Workshop.objects.locked(workshop_id)
            asked += request_feedback(workshop, now=now)
    return asked


# Answering ---------------------------------------------------------------------------


def find_request(token: str) -> FeedbackRequest | None:
    return (
        FeedbackRequest.objects.select_related("booking__workshop", "booking__person")
        .filter(token=token)
        .first()
    )


def why_closed(request: FeedbackRequest, today: datetime.date | None = None) -> str | None:
    """Why this link takes no answer, or None if it does."""
    today = today or timezone.localdate()
    booking = request.booking
    if request.answered:
        return ALREADY_ANSWERED
    if booking.status != BookingStatus.CONFIRMED or booking.attended is False:
        return (
            "The Collaborative's record shows that you did not attend this workshop, so there "
            "is no feedback to give. If that is wrong, contact the programme operations manager."
        )
    if today > closes_on(booking.workshop):
        closed = formats.date_format(closes_on(booking.workshop), "j F Y")
        return f"Feedback on this workshop closed on {closed}."
    return None


@transaction.atomic
def answer_feedback(
    *,
    token: str,
    usefulness: int,
    relevance: int,
    comments: str = "",
    future_topics: str = "",
    today: datetime.date | None = None,
) -> FeedbackAnswer:
    """Store the answers, apart from the person, and mark the link answered: once only."""
    request = (
        FeedbackRequest.objects.select_for_update()
        .select_related("booking__workshop")
        .get(token=token)
    )
    if refusal := why_closed(request, today):
        raise FeedbackError(refusal)
    if {usefulness, relevance} - set(Rating.values):
        raise FeedbackError("Choose a rating from 1 to 5 for each question.")
    # The lock and this conditional update both stand in the way of a second answer.
    if not FeedbackRequest.objects.filter(pk=request.pk, answered=False).update(answered=True):
        raise FeedbackError(ALREADY_ANSWERED)
    return FeedbackAnswer.objects.create(
        workshop=request.booking.workshop,
        usefulness=usefulness,
        relevance=relevance,
        comments=comments.strip(),
        future_topics=future_topics.strip(),
    )


# Results -----------------------------------------------------------------------------


class RatingRow(TypedDict):
    """How many gave one rating to each question."""

    rating: str
    usefulness: int
    relevance: int


@dataclass
class Results:
    workshop: Workshop
    asked: int
    answered: int
    answers: list[FeedbackAnswer]

    @property
    def shown(self) -> bool:
        return self.answered >= MIN_ANSWERS_SHOWN

    def _counts(self, name: str) -> list[int]:
        return [sum(1 for a in self.answers if getattr(a, name) == r) for r in Rating.values]

    def _average(self, name: str) -> float | None:
        if not self.answers:
            return None
        return round(sum(getattr(a, name) for a in self.answers) / len(self.answers), 1)

    @property
    def rows(self) -> list[RatingRow]:
        """For each rating, how many gave it to each question."""
        usefulness, relevance = self._counts("usefulness"), self._counts("relevance")
        return [
            RatingRow(rating=label, usefulness=u, relevance=r)
            for label, u, r in zip(Rating.labels, usefulness, relevance, strict=True)
        ]

    @property
    def average_usefulness(self) -> float | None:
        return self._average("usefulness")

    @property
    def average_relevance(self) -> float | None:
        return self._average("relevance")

    @property
    def chart(self) -> Chart:
        return bar_chart(
            [(row["rating"], [row["usefulness"], row["relevance"]]) for row in self.rows],
            ["Overall usefulness", "Relevance to their organisation"],
        )

    @property
    def comment_texts(self) -> list[str]:
        return [answer.comments for answer in self.answers if answer.comments]

    @property
    def topic_texts(self) -> list[str]:
        return [answer.future_topics for answer in self.answers if answer.future_topics]


def results(workshop: Workshop) -> Results:
    answers = list(FeedbackAnswer.objects.filter(workshop=workshop))
    asked = FeedbackRequest.objects.filter(booking__workshop=workshop).count()
    return Results(workshop=workshop, asked=asked, answered=len(answers), answers=answers)


def csv_rows(results: Results) -> Iterator[list[str | int]]:
    """The answers for a spreadsheet, one row each, in no telling order."""
    yield [
        "Workshop",
        "Date",
        QUESTIONS["usefulness"] + " (1 to 5)",
        QUESTIONS["relevance"] + " (1 to 5)",
        QUESTIONS["comments"],
        QUESTIONS["future_topics"],
    ]
    date = formats.date_format(results.workshop.date, "j M Y")
    for answer in results.answers:
        yield [
            results.workshop.title,
            date,
            answer.usefulness,
            answer.relevance,
            answer.comments,
            answer.future_topics,
        ]
