"""The year's programme, and the topics proposed for it.

A year has four quarterly workshops, by default on the last Monday of February, May,
September and November as in the 2022 programme; the steering group may pick another
day. A workshop starts as a draft, planned for a quarter or from a topic proposal, and
workshops.steering.agenda takes it from there. Forums and videoconferences are workshops of
another kind, planned the same way.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from collaborative.people.models import User
from workshops.models import Theme, TopicProposal, TopicSupport, Workshop
from workshops.steering.agenda import WORKSHOP_FIELDS, AgendaError
from workshops.steering.history import differences, record_change

# The months of the four quarterly workshops, as in the 2022 programme.
QUARTER_MONTHS = (2, 5, 9, 11)
QUARTERS = (1, 2, 3, 4)


def default_day(year: int, quarter: int) -> datetime.date:
    """The quarter's usual workshop day: the last Monday of its month.

    The last Monday of May is usually the spring bank holiday, so the May workshop is a
    week earlier, as it was in 2022 (23 May).
    """
    month = QUARTER_MONTHS[quarter - 1]
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    day = last - datetime.timedelta(days=last.weekday())
    return day - datetime.timedelta(weeks=1) if month == 5 else day


def quarter_label(quarter: int) -> str:
    return f"Quarter {quarter} ({calendar.month_name[QUARTER_MONTHS[quarter - 1]]})"


@dataclass
class Quarter:
    number: int
    label: str
    default_day: datetime.date
    workshops: list[Workshop]


def programme_for(year: int) -> tuple[list[Quarter], list[Workshop]]:
    """The year's four quarters with their quarterly workshops, and the year's other events."""
    workshops = list(
        Workshop.objects.filter(date__year=year)
        .select_related("theme")
        .order_by("date", "start_time")
    )
    quarters = [
        Quarter(
            number=number,
            label=quarter_label(number),
            default_day=default_day(year, number),
            workshops=[
                w for w in workshops if w.kind == Workshop.Kind.QUARTERLY and w.quarter == number
            ],
        )
        for number in QUARTERS
    ]
    others = [w for w in workshops if w.kind != Workshop.Kind.QUARTERLY]
    return quarters, others


def next_free_quarter_day(today: datetime.date | None = None) -> datetime.date:
    """The usual day of the next quarter with no quarterly workshop planned."""
    today = today or timezone.localdate()
    planned = set(
        Workshop.objects.filter(kind=Workshop.Kind.QUARTERLY, date__gt=today)
        .exclude(status=Workshop.Status.CANCELLED)
        .values_list("date__year", "date__quarter")
    )
    year = today.year
    while True:
        for quarter in QUARTERS:
            day = default_day(year, quarter)
            if day > today and (year, quarter) not in planned:
                return day
        year += 1


def year_to_plan(today: datetime.date | None = None) -> int:
    """The year the planner opens on: the first with something left to plan, a quarter
    ahead with no quarterly workshop or a workshop ahead still in draft. On the day of a
    year's last workshop, that is the next year."""
    today = today or timezone.localdate()
    first_draft = (
        Workshop.objects.filter(status=Workshop.Status.DRAFT, date__gt=today)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    free = next_free_quarter_day(today)
    return min(free.year, first_draft.year) if first_draft else free.year


def _unique_slug(workshop: Workshop) -> str:
    base = slugify(f"{workshop.date.isoformat()} {workshop.title}")[:110].rstrip("-")
    slug, number = base, 2
    while Workshop.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def plan_workshop(
    *, planned_by: User, proposal: TopicProposal | None = None, **details: object
) -> Workshop:
    """Create a draft workshop; from a topic proposal, the proposal records what it became."""
    workshop = Workshop(status=Workshop.Status.DRAFT, **details)
    if workshop.date < timezone.localdate():
        raise AgendaError("Choose a date in the future.", field="date")
    if proposal is not None:
        proposal = TopicProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.workshop_id:
            raise AgendaError("This topic has already been planned as a workshop.")
    workshop.slug = _unique_slug(workshop)
    workshop.save()
    summary = f"Planned the {workshop.get_kind_display().lower()} as a draft"
    if proposal is not None:
        proposal.workshop = workshop
        proposal.save(update_fields=["workshop"])
        summary += f" from the topic proposal “{proposal.title}”"
    record_change(
        workshop=workshop,
        changed_by=planned_by,
        summary=summary + ".",
        fields=differences(None, workshop, WORKSHOP_FIELDS),
    )
    return workshop


# Topic proposals ------------------------------------------------------------------


def propose_topic(
    *, proposed_by: User, title: str, rationale: str, theme: Theme | None = None
) -> TopicProposal:
    return TopicProposal.objects.create(
        proposed_by=proposed_by, title=title, rationale=rationale, theme=theme
    )


def support_topic(*, proposal: TopicProposal, person: User) -> TopicSupport:
    """Add the person's support for someone else's topic; supporting twice counts once."""
    if proposal.proposed_by_id == person.pk:
        raise AgendaError("You proposed this topic, so you cannot also support it.")
    if proposal.workshop_id:
        raise AgendaError("This topic has already been planned as a workshop.")
    support, _ = TopicSupport.objects.get_or_create(proposal=proposal, person=person)
    return support


def withdraw_support(*, proposal: TopicProposal, person: User) -> None:
    TopicSupport.objects.filter(proposal=proposal, person=person).delete()
