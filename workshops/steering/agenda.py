"""The steering group's rules for a workshop once planned: details, agenda, agreement, outcome.

Every function that changes a workshop or its agenda locks the workshop row first, so
two steering members editing one agenda take turns, and records a WorkshopChange saying
who changed what. Once the agenda is public (agreed, or further on), changes are still
allowed; they are marked as made after agreement, and the rule records the message to the
people booked (``workshops.messages.notify``) in the same transaction, so a change that rolls
back tells no one.

An agenda item has a start time and no end: it runs until the next item starts, and the
last one until the workshop ends. So an item starts while the workshop runs, no two
items start together, and items with times run in time order. Adding or editing an item
puts it where its time says; moving an item up or down swaps the two items' slots and
keeps how long each lasts. Items without a time (a list of presentations, say) go
wherever they are moved.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import formats, timezone

from collaborative.people.models import User
from collaborative.people.roles import sits_on_steering_group
from workshops.messages import notify
from workshops.models import (
    AgendaComment,
    AgendaItem,
    Outcome,
    SignOffRequest,
    Workshop,
    WorkshopChange,
)
from workshops.steering import decisions
from workshops.steering.history import differences, record_change

# What a steering member may set on a workshop; capacity, booking dates and the video
# link are the programme operations manager's, in the admin.
WORKSHOP_FIELDS = (
    "title",
    "theme",
    "kind",
    "format",
    "date",
    "start_time",
    "end_time",
    "venue",
    "description",
)
# The programme operations manager also changes the video link (in the admin), which only
# people with a confirmed place are told.
DETAIL_FIELDS = (*WORKSHOP_FIELDS, "video_link")
AGENDA_ITEM_FIELDS = ("start_time", "title", "description", "speakers", "presenting_organisation")
NOT_TAKEN_PLACE = "You can record the outcome once the workshop has taken place."
# One changed field as the workshop's history shows it: "field", "label", "before", "after"
# (``workshops.steering.history.differences``).
FieldChanges = list[dict[str, str]]


class AgendaError(Exception):
    """A refusal whose message a page can show as it is; ``field`` is the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# Who may do what -------------------------------------------------------------


def may_record_outcomes(person: User | AnonymousUser) -> bool:
    """Steering members and the programme operations manager record what a workshop agreed."""
    return bool(person.is_authenticated and person.is_active and person.is_staff) or (
        sits_on_steering_group(person)
    )


# Workshops -----------------------------------------------------------------------


def why_unchangeable(workshop: Workshop, today: datetime.date | None = None) -> str | None:
    """Why the workshop's details and agenda can no longer change, or None if they can."""
    if workshop.status == Workshop.Status.CANCELLED:
        return "This workshop has been cancelled, so it can no longer change."
    if workshop.status == Workshop.Status.HELD or workshop.date < (today or timezone.localdate()):
        return (
            "This workshop has already taken place, so its details and agenda can no longer "
            "change. Record what it agreed as its outcome instead."
        )
    return None


def _check_changeable(workshop: Workshop) -> None:
    if refusal := why_unchangeable(workshop):
        raise AgendaError(refusal)


def _hhmm(time: datetime.time) -> str:
    return time.strftime("%H:%M")


def _workshop_times(workshop: Workshop) -> tuple[datetime.time, datetime.time]:
    """The workshop's start and end, which every agenda item with a time falls between."""
    if workshop.start_time is None or workshop.end_time is None:
        raise AgendaError(
            "Agenda items with a time need the workshop's start and end times: enter them first.",
            field="start_time",
        )
    return workshop.start_time, workshop.end_time


def _check_agenda_fits(workshop: Workshop) -> None:
    for item in workshop.agenda_items.all():
        if item.start_time is None:
            continue
        start, end = _workshop_times(workshop)
        if not start <= item.start_time < end:
            raise AgendaError(
                f"The agenda has “{item.title}” at {_hhmm(item.start_time)}, outside the new "
                f"times. Change that item first, or choose times that include it.",
                field="start_time" if item.start_time < start else "end_time",
            )


def _record(
    workshop: Workshop,
    changed_by: User,
    summary: str,
    fields: FieldChanges,
    after_agreement: bool | None = None,
) -> WorkshopChange:
    """Write the change into the workshop's history and, once the agenda is public, tell the
    people booked."""
    change = record_change(
        workshop=workshop,
        changed_by=changed_by,
        summary=summary,
        fields=fields,
        after_agreement=after_agreement,
    )
    if change.after_agreement:
        notify.agenda_changed(workshop, change)
    _reopen_sign_off(workshop, changed_by)
    return change


@transaction.atomic
def change_workshop(
    *, workshop: Workshop, changed_by: User, **details: object
) -> WorkshopChange | None:
    """Change a workshop's details (``DETAIL_FIELDS``), keeping its agenda inside its times.

    People booked hear of a new title, date, time, format, venue or video link with a new
    calendar entry, and of other changes once the agenda is public. Returns the change.
    """
    if unknown := set(details) - set(DETAIL_FIELDS):
        raise TypeError(f"change_workshop() does not change {', '.join(sorted(unknown))}")
    workshop = Workshop.objects.locked(workshop.pk)
    _check_changeable(workshop)
    before = Workshop(**{name: getattr(workshop, name) for name in DETAIL_FIELDS})
    for name, value in details.items():
        setattr(workshop, name, value)
    if workshop.date < timezone.localdate():
        raise AgendaError("Choose a date in the future.", field="date")
    if workshop.booking_closes_on and workshop.date < workshop.booking_closes_on:
        closes = formats.date_format(workshop.booking_closes_on)
        raise AgendaError(
            f"Booking for this workshop closes on {closes}, after this date. Ask the programme "
            "operations manager to change the booking dates first.",
            field="date",
        )
    _check_agenda_fits(workshop)
    fields = differences(before, workshop, WORKSHOP_FIELDS)
    if before.video_link != workshop.video_link:
        # Not the link itself: the history is read by people who hold no place.
        fields.append(
            {"field": "video_link", "label": "Video link", "before": "", "after": "changed"}
        )
    if not fields:
        return None
    workshop.save()
    names = ", ".join(field["label"].lower() for field in fields)
    change = record_change(
        workshop=workshop, changed_by=changed_by, summary=f"Changed the {names}.", fields=fields
    )
    stored = {name: getattr(before, name) for name in (*notify.NOTIFIED_FIELDS, "video_link")}
    if not notify.workshop_changed(workshop, stored) and change.after_agreement:
        notify.agenda_changed(workshop, change)
    _reopen_sign_off(workshop, changed_by)
    return change


# Sign-off and agreement ------------------------------------------------------------
#
# Steering members comment on a draft and each signs it off or asks for changes. The
# agenda is agreed when the sign-offs meet the rule the operations manager set
# (``SignOffRule``, worked out in ``workshops.steering.decisions``), in the transaction of the
# sign-off that meets it. Any change to the draft after that means its earlier decisions
# no longer count: members signed off what they read, not what it became.

Decision = AgendaComment.Decision


def _check_draft(workshop: Workshop, *, needs_items: bool = True) -> None:
    if workshop.status != Workshop.Status.DRAFT:
        raise AgendaError("The agenda of this workshop has already been agreed.")
    _check_changeable(workshop)
    if needs_items and not workshop.agenda_items.exists():
        raise AgendaError("Add at least one item to the agenda first.")


def _reopen_sign_off(workshop: Workshop, changed_by: User) -> None:
    """The draft changed: the decisions given on it stop counting, and members are asked
    again (``ask_for_sign_off``)."""
    if workshop.status != Workshop.Status.DRAFT:
        return
    withdrawn = AgendaComment.objects.filter(workshop=workshop, counts=True).update(counts=False)
    asked = SignOffRequest.objects.filter(workshop=workshop, is_open=True).update(is_open=False)
    if withdrawn or asked:
        record_change(
            workshop=workshop,
            changed_by=changed_by,
            summary="The draft changed, so the sign-offs and requests for changes given on "
            "it no longer count: members sign off the draft as it is now.",
            after_agreement=False,
        )


def _comment_fields(text: str) -> FieldChanges:
    return [{"field": "comment", "label": "Comment", "before": "", "after": text}] if text else []


@transaction.atomic
def ask_for_sign_off(*, workshop: Workshop, asked_by: User) -> SignOffRequest:
    """A steering member or the operations manager says the draft is ready: every other
    member of the steering group is e-mailed, once for each time the draft is ready."""
    workshop = Workshop.objects.locked(workshop.pk)
    _check_draft(workshop)
    if SignOffRequest.objects.filter(workshop=workshop, is_open=True).exists():
        raise AgendaError(
            "The steering group has already been asked to sign off this draft, and it has "
            "not changed since."
        )
    request = SignOffRequest.objects.create(workshop=workshop, asked_by=asked_by)
    record_change(
        workshop=workshop,
        changed_by=asked_by,
        summary="Asked the steering group to sign off the agenda.",
        after_agreement=False,
    )
    notify.sign_off_requested(workshop, request)
    return request


@transaction.atomic
def comment_on_agenda(*, workshop: Workshop, author: User, text: str) -> AgendaComment:
    """A steering member's comment on a draft agenda, for the others to read."""
    workshop = Workshop.objects.locked(workshop.pk)
    if not sits_on_steering_group(author):
        raise AgendaError("Only members of the steering group comment on a draft agenda.")
    _check_draft(workshop, needs_items=False)
    if not text.strip():
        raise AgendaError("Enter your comment", field="text")
    comment = AgendaComment.objects.create(workshop=workshop, author=author, text=text.strip())
    record_change(
        workshop=workshop,
        changed_by=author,
        summary="Commented on the draft agenda.",
        fields=_comment_fields(comment.text),
        after_agreement=False,
    )
    return comment


@transaction.atomic
def sign_off_agenda(
    *, workshop: Workshop, member: User, decision: str, comment: str = ""
) -> AgendaComment:
    """A steering member signs off the draft, or asks for changes (saying which).

    Their decision replaces any earlier one of theirs. If the sign-offs then meet the
    rule, the agenda is agreed here, in the same transaction. Returns the decision.
    """
    workshop = Workshop.objects.locked(workshop.pk)
    if not sits_on_steering_group(member):
        raise AgendaError("Only members of the steering group sign off an agenda.")
    _check_draft(workshop)
    comment = comment.strip()
    if decision not in (Decision.SIGNED_OFF, Decision.CHANGES_REQUESTED):
        raise AgendaError(
            "Choose whether you sign off the agenda or ask for changes", field="decision"
        )
    if decision == Decision.CHANGES_REQUESTED and not comment:
        raise AgendaError("Say what should change", field="comment")
    earlier = AgendaComment.objects.filter(workshop=workshop, author=member, counts=True)
    if (
        decision == Decision.SIGNED_OFF
        and not comment
        and earlier.filter(decision=decision).exists()
    ):
        raise AgendaError("You have already signed off this draft.")
    earlier.update(counts=False)
    entry = AgendaComment.objects.create(
        workshop=workshop, author=member, decision=decision, text=comment, counts=True
    )
    record_change(
        workshop=workshop,
        changed_by=member,
        summary="Signed off the agenda."
        if decision == Decision.SIGNED_OFF
        else "Asked for changes to the agenda.",
        fields=_comment_fields(comment),
        after_agreement=False,
    )
    if decision == Decision.SIGNED_OFF:
        result = decisions.state(workshop)
        if result.met:
            names = ", ".join(str(person) for person in result.signed_off)
            _agree(
                workshop,
                member,
                f"Agreed the agenda: {result.rule.describe()} signed it off ({names}). The "
                "workshop and its agenda are now public.",
            )
    return entry


@transaction.atomic
def agree_agenda(*, workshop: Workshop, agreed_by: User, override_reason: str = "") -> Workshop:
    """Agree the agenda: the workshop is announced and its agenda public.

    Once the sign-offs meet the rule (say the rule changed since the last one), any
    steering member may agree it. Without them, only the programme operations manager
    can, as an override with a reason, written as such in the workshop's history.
    """
    workshop = Workshop.objects.locked(workshop.pk)
    _check_draft(workshop)
    result = decisions.state(workshop)
    override_reason = override_reason.strip()
    if result.met and not override_reason:
        names = ", ".join(str(person) for person in result.signed_off)
        summary = (
            f"Agreed the agenda: {result.rule.describe()} signed it off ({names}). The "
            "workshop and its agenda are now public."
        )
    elif not (agreed_by.is_active and agreed_by.is_staff):
        raise AgendaError(
            f"The agenda is agreed once {result.rule.describe()} has signed it off. "
            f"{result.progress}"
        )
    elif not override_reason:
        raise AgendaError(
            "The steering group's sign-offs do not meet the rule yet "
            f"({result.progress.rstrip('.')}). To agree the agenda without them, give the "
            "reason for the override.",
            field="override_reason",
        )
    else:
        summary = (
            "Agreed the agenda by the programme operations manager's override, without the "
            f"steering group's sign-off ({result.progress.rstrip('.')}). Reason: "
            f"{override_reason}"
        )
    return _agree(workshop, agreed_by, summary)


def _agree(workshop: Workshop, agreed_by: User, summary: str) -> Workshop:
    before = Workshop(status=workshop.status)
    workshop.status = Workshop.Status.AGENDA_AGREED
    workshop.save(update_fields=["status", "updated_at"])
    SignOffRequest.objects.filter(workshop=workshop, is_open=True).update(is_open=False)
    record_change(
        workshop=workshop,
        changed_by=agreed_by,
        summary=summary,
        fields=differences(before, workshop, ["status"]),
        after_agreement=False,
    )
    notify.agenda_agreed(workshop)
    return workshop


# Agenda items --------------------------------------------------------------------


def _check_time(workshop: Workshop, item: AgendaItem, others: Sequence[AgendaItem]) -> None:
    if item.start_time is None:
        return
    start, end = _workshop_times(workshop)
    if not start <= item.start_time < end:
        raise AgendaError(
            f"Start time must be while the workshop runs: from {_hhmm(start)} "
            f"and before it ends at {_hhmm(end)}.",
            field="start_time",
        )
    clash = next((other for other in others if other.start_time == item.start_time), None)
    if clash:
        raise AgendaError(
            f"“{clash.title}” already starts at {_hhmm(item.start_time)}. Each item runs until "
            "the next one starts, so choose a different time.",
            field="start_time",
        )


def _fits_at(others: Sequence[AgendaItem], index: int, time: datetime.time) -> bool:
    before = [other.start_time for other in others[:index] if other.start_time]
    after = [other.start_time for other in others[index:] if other.start_time]
    return all(t < time for t in before) and all(t > time for t in after)


def _place(others: Sequence[AgendaItem], item: AgendaItem, index: int) -> list[AgendaItem]:
    """Insert the item at ``index``, or where its start time says if it does not fit there."""
    if item.start_time and not _fits_at(others, index, item.start_time):
        index = next(
            (
                i
                for i, other in enumerate(others)
                if other.start_time and other.start_time > item.start_time
            ),
            len(others),
        )
    return [*others[:index], item, *others[index:]]


def _renumber(items: list[AgendaItem]) -> None:
    """Save the items' new order in two passes: the order is unique, and the database checks
    that row by row, so the first pass moves every item clear of the numbers in use."""
    clear = max(len(items), *(item.order for item in items)) + 1
    for position, item in enumerate(items):
        item.order = clear + position
    AgendaItem.objects.bulk_update(items, ["order"])
    for position, item in enumerate(items, start=1):
        item.order = position
    AgendaItem.objects.bulk_update(items, ["order"])


def _agenda(workshop: Workshop) -> list[AgendaItem]:
    return list(workshop.agenda_items.order_by("order", "pk"))


def _save_item(item: AgendaItem) -> None:
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as error:
        raise AgendaError(
            "Someone else changed this agenda at the same moment. Please check it and try again."
        ) from error


@transaction.atomic
def add_agenda_item(*, workshop: Workshop, added_by: User, **details: object) -> AgendaItem:
    """Add an item: at the end, or where its start time puts it."""
    workshop = Workshop.objects.locked(workshop.pk)
    _check_changeable(workshop)
    items = _agenda(workshop)
    item = AgendaItem(workshop=workshop, **details)
    _check_time(workshop, item, items)
    item.order = max((other.order for other in items), default=0) + 1
    _save_item(item)
    agenda = _place(items, item, len(items))
    if agenda[-1] is not item:
        _renumber(agenda)
    _record(
        workshop,
        added_by,
        f"Added “{item.title}” to the agenda.",
        differences(None, item, AGENDA_ITEM_FIELDS),
    )
    return item


@transaction.atomic
def change_agenda_item(
    *, item: AgendaItem, changed_by: User, **details: object
) -> WorkshopChange | None:
    """Change an item; a new start time moves it to its place in time. Returns the change."""
    workshop = Workshop.objects.locked(item.workshop_id)
    _check_changeable(workshop)
    items = _agenda(workshop)
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    stored = items.pop(index)
    item = AgendaItem(pk=stored.pk, workshop=workshop, order=stored.order)
    for name in AGENDA_ITEM_FIELDS:
        setattr(item, name, details.get(name, getattr(stored, name)))
    _check_time(workshop, item, items)
    fields = differences(stored, item, AGENDA_ITEM_FIELDS)
    if not fields:
        return None
    _save_item(item)
    agenda = _place(items, item, index)
    if agenda.index(item) != index:
        _renumber(agenda)
    return _record(workshop, changed_by, f"Changed “{item.title}” on the agenda.", fields)


@transaction.atomic
def move_agenda_item(*, item: AgendaItem, direction: str, moved_by: User) -> WorkshopChange:
    """Swap an item with the one before ("up") or after ("down").

    When both have start times they swap slots: the item moved up starts when the
    other did, and each keeps its length, so the rest of the agenda stays as it was.
    """
    if direction not in ("up", "down"):
        raise AgendaError("Choose whether to move the item up or down.")
    workshop = Workshop.objects.locked(item.workshop_id)
    _check_changeable(workshop)
    items = _agenda(workshop)
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    item = items[index]
    neighbour = index - 1 if direction == "up" else index + 1
    if not 0 <= neighbour < len(items):
        where = "first" if direction == "up" else "last"
        raise AgendaError(f"“{item.title}” is already {where} on the agenda.")
    first, second = sorted((index, neighbour))
    earlier, later = items[first], items[second]
    fields = _swap_slots(workshop, items, earlier, later)
    items[first], items[second] = later, earlier
    _renumber(items)
    summary = f"Moved “{item.title}” {direction} the agenda."
    if fields:
        later_now, earlier_now = (change["after"] for change in fields)
        summary += (
            f" “{later.title}” now starts at {later_now} and “{earlier.title}” at {earlier_now}."
        )
    return _record(workshop, moved_by, summary, fields)


def _swap_slots(
    workshop: Workshop, items: list[AgendaItem], earlier: AgendaItem, later: AgendaItem
) -> FieldChanges:
    """Give ``later`` the earlier item's start, and ``earlier`` the time left after it; the
    changes come ``later``'s first. When either has no time there is no slot to swap."""
    earlier_start, later_start = earlier.start_time, later.start_time
    if earlier_start is None or later_start is None:
        return []

    def on_the_day(time: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(workshop.date, time)

    following = items[items.index(later) + 1 :]
    next_start = next(
        (i.start_time for i in following if i.start_time), _workshop_times(workshop)[1]
    )
    later_length = on_the_day(next_start) - on_the_day(later_start)
    earlier_now = (on_the_day(earlier_start) + later_length).time()
    later.start_time, earlier.start_time = earlier_start, earlier_now
    # Start times are unique too: clear the later item's time before the earlier takes it.
    AgendaItem.objects.filter(pk=later.pk).update(start_time=None)
    AgendaItem.objects.filter(pk=earlier.pk).update(start_time=earlier_now)
    AgendaItem.objects.filter(pk=later.pk).update(start_time=earlier_start)
    return [
        {
            "field": "start_time",
            "label": f"Start time of “{moved.title}”",
            "before": _hhmm(before),
            "after": _hhmm(after),
        }
        for moved, before, after in (
            (later, later_start, earlier_start),
            (earlier, earlier_start, earlier_now),
        )
    ]


@transaction.atomic
def remove_agenda_item(*, item: AgendaItem, removed_by: User) -> WorkshopChange:
    workshop = Workshop.objects.locked(item.workshop_id)
    _check_changeable(workshop)
    item = AgendaItem.objects.get(pk=item.pk)
    item.delete()
    return _record(
        workshop,
        removed_by,
        f"Removed “{item.title}” from the agenda.",
        differences(item, None, AGENDA_ITEM_FIELDS),
    )


# Outcomes ------------------------------------------------------------------------


@transaction.atomic
def record_outcome(
    *,
    workshop: Workshop,
    recorded_by: User,
    summary: str,
    actions: str = "",
    follow_up_events: Iterable[Workshop] = (),
) -> Outcome:
    """Record, or correct, what a workshop that has taken place discussed and agreed."""
    workshop = Workshop.objects.locked(workshop.pk)
    if not workshop.has_taken_place:
        raise AgendaError(NOT_TAKEN_PLACE)
    outcome = Outcome.objects.filter(workshop=workshop).first()
    if outcome is None:
        before, events_before = None, ""
        outcome = Outcome(workshop=workshop, recorded_by=recorded_by)
    else:
        before = Outcome(summary=outcome.summary, actions=outcome.actions)
        events_before = _titles(outcome.follow_up_events.all())
    outcome.summary, outcome.actions = summary, actions
    fields = differences(before, outcome, ["summary", "actions"])
    if (events := _titles(follow_up_events)) != events_before:
        fields.append(
            {
                "field": "follow_up_events",
                "label": "Follow-up events",
                "before": events_before,
                "after": events,
            }
        )
    if before is not None and not fields:
        return outcome
    outcome.save()
    outcome.follow_up_events.set(follow_up_events)
    record_change(
        workshop=workshop,
        changed_by=recorded_by,
        summary="Recorded the outcome." if before is None else "Changed the outcome.",
        fields=fields,
        after_agreement=False,
    )
    return outcome


def _titles(workshops: Iterable[Workshop]) -> str:
    return "; ".join(sorted(str(workshop) for workshop in workshops))
