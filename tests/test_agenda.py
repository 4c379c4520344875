"""The steering group's rules: planning, agenda items and their times, agreement, history."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from collaborative.inputs import page_cache
from collaborative.outbox.models import OutgoingEmail
from tests.factories import AgendaItemFactory, BookingFactory, ThemeFactory, WorkshopFactory
from workshops.messages.content import about_workshop_or_its_bookings
from workshops.models import AgendaItem, TopicProposal, Workshop, WorkshopChange
from workshops.steering import agenda, planning
from workshops.steering.agenda import AgendaError
from workshops.steering.forms import AgendaItemForm

pytestmark = pytest.mark.django_db

T = datetime.time


@pytest.fixture
def draft(db):
    """A draft workshop from 10:00 to 13:00, a month ahead."""
    return WorkshopFactory(status=Workshop.Status.DRAFT, start_time=T(10), end_time=T(13))


@pytest.fixture
def agreed(db):
    return WorkshopFactory(status=Workshop.Status.AGENDA_AGREED, start_time=T(10), end_time=T(13))


def add(workshop, by, title, start_time=None, **details):
    return agenda.add_agenda_item(
        workshop=workshop, added_by=by, title=title, start_time=start_time, **details
    )


def titles(workshop):
    return list(workshop.agenda_items.order_by("order").values_list("title", flat=True))


def starts(workshop):
    return [
        (item.title, item.start_time and item.start_time.strftime("%H:%M"))
        for item in workshop.agenda_items.order_by("order")
    ]


def told(workshop):
    """What the people booked on the workshop have been told so far: (kind, context)."""
    return [
        (message.kind, message.context.get("summary"))
        for message in OutgoingEmail.objects.filter(
            about_workshop_or_its_bookings(workshop)
        ).order_by("pk")
    ]


# Times within the workshop, and no two items together ----------------------------------


def test_an_item_before_the_workshop_starts_is_refused_with_the_workshops_hours(
    draft, steering_member
):
    with pytest.raises(AgendaError) as refusal:
        add(draft, steering_member, "Coffee", T(9, 30))

    assert refusal.value.field == "start_time"
    assert refusal.value.message == (
        "Start time must be while the workshop runs: from 10:00 and before it ends at 13:00."
    )
    assert not draft.agenda_items.exists()


def test_an_item_starting_when_the_workshop_ends_is_refused(draft, steering_member):
    with pytest.raises(AgendaError, match="before it ends at 13:00"):
        add(draft, steering_member, "Close", T(13))


def test_an_item_starting_with_another_is_refused_naming_the_other(draft, steering_member):
    add(draft, steering_member, "Welcome", T(10))

    with pytest.raises(AgendaError) as refusal:
        add(draft, steering_member, "Keynote", T(10))

    assert refusal.value.message == (
        "“Welcome” already starts at 10:00. Each item runs until the next one starts, "
        "so choose a different time."
    )


def test_the_database_refuses_two_items_of_one_agenda_at_the_same_time(draft):
    AgendaItemFactory(workshop=draft, start_time=T(10))

    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItemFactory(workshop=draft, start_time=T(10))


def test_items_without_a_time_may_be_many(draft, steering_member):
    add(draft, steering_member, "Presentation one")
    add(draft, steering_member, "Presentation two")

    assert titles(draft) == ["Presentation one", "Presentation two"]


def test_an_item_added_goes_where_its_time_puts_it(draft, steering_member):
    add(draft, steering_member, "Welcome", T(10))
    add(draft, steering_member, "Discussion", T(11, 30))
    add(draft, steering_member, "Keynote", T(10, 15))

    assert titles(draft) == ["Welcome", "Keynote", "Discussion"]


def test_an_item_without_a_time_is_added_at_the_end(draft, steering_member):
    add(draft, steering_member, "Welcome", T(10))
    add(draft, steering_member, "Any other business")

    assert titles(draft) == ["Welcome", "Any other business"]


def test_a_new_start_time_moves_the_item_to_its_place(draft, steering_member):
    add(draft, steering_member, "Welcome", T(10))
    keynote = add(draft, steering_member, "Keynote", T(10, 15))
    add(draft, steering_member, "Discussion", T(11))

    agenda.change_agenda_item(item=keynote, changed_by=steering_member, start_time=T(11, 30))

    assert starts(draft) == [("Welcome", "10:00"), ("Discussion", "11:00"), ("Keynote", "11:30")]


def test_a_change_to_another_items_time_is_refused(draft, steering_member):
    add(draft, steering_member, "Welcome", T(10))
    keynote = add(draft, steering_member, "Keynote", T(10, 15))

    with pytest.raises(AgendaError, match="“Welcome” already starts at 10:00"):
        agenda.change_agenda_item(item=keynote, changed_by=steering_member, start_time=T(10))


def test_changing_nothing_records_nothing(draft, steering_member):
    item = add(draft, steering_member, "Welcome", T(10))
    before = WorkshopChange.objects.count()

    assert agenda.change_agenda_item(item=item, changed_by=steering_member, title="Welcome") is None
    assert WorkshopChange.objects.count() == before


# Moving items ------------------------------------------------------------------------


def test_moving_a_timed_item_up_swaps_the_slots_and_keeps_each_length(draft, steering_member):
    add(draft, steering_member, "Welcome", T(10))
    add(draft, steering_member, "Keynote", T(10, 15))
    discussion = add(draft, steering_member, "Discussion", T(11))
    add(draft, steering_member, "Close", T(12, 30))

    agenda.move_agenda_item(item=discussion, direction="up", moved_by=steering_member)

    # The discussion lasted 90 minutes and the keynote 45: they keep them, the rest stays.
    assert starts(draft) == [
        ("Welcome", "10:00"),
        ("Discussion", "10:15"),
        ("Keynote", "11:45"),
        ("Close", "12:30"),
    ]


def test_moving_the_last_timed_item_up_gives_the_other_the_time_to_the_end(draft, steering_member):
    add(draft, steering_member, "Talk", T(10))
    close = add(draft, steering_member, "Close", T(12, 40))

    agenda.move_agenda_item(item=close, direction="up", moved_by=steering_member)

    assert starts(draft) == [("Close", "10:00"), ("Talk", "10:20")]


def test_moving_items_of_equal_length_swaps_their_times(draft, steering_member):
    first = add(draft, steering_member, "First", T(10))
    add(draft, steering_member, "Second", T(11))
    add(draft, steering_member, "Third", T(12))

    agenda.move_agenda_item(item=first, direction="down", moved_by=steering_member)

    assert starts(draft) == [("Second", "10:00"), ("First", "11:00"), ("Third", "12:00")]


def test_moving_an_item_without_a_time_changes_only_the_order(draft, steering_member):
    add(draft, steering_member, "Public Health England")
    hee = add(draft, steering_member, "Health Education England")

    agenda.move_agenda_item(item=hee, direction="up", moved_by=steering_member)

    assert starts(draft) == [("Health Education England", None), ("Public Health England", None)]


def test_the_first_item_cannot_move_up(draft, steering_member):
    welcome = add(draft, steering_member, "Welcome", T(10))

    with pytest.raises(AgendaError, match="“Welcome” is already first on the agenda"):
        agenda.move_agenda_item(item=welcome, direction="up", moved_by=steering_member)


def test_a_move_records_both_new_times(draft, steering_member):
    add(draft, steering_member, "Welcome", T(10))
    keynote = add(draft, steering_member, "Keynote", T(10, 15))

    change = agenda.move_agenda_item(item=keynote, direction="up", moved_by=steering_member)

    assert change.summary == (
        "Moved “Keynote” up the agenda. “Keynote” now starts at 10:00 and “Welcome” at 12:45."
    )
    assert [(f["label"], f["before"], f["after"]) for f in change.fields] == [
        ("Start time of “Keynote”", "10:15", "10:00"),
        ("Start time of “Welcome”", "10:00", "12:45"),
    ]


def test_removing_an_item_records_what_it_was(draft, steering_member):
    item = add(draft, steering_member, "Keynote", T(10, 15), presenting_organisation="NHS England")

    change = agenda.remove_agenda_item(item=item, removed_by=steering_member)

    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    assert change.summary == "Removed “Keynote” from the agenda."
    assert {f["field"]: (f["before"], f["after"]) for f in change.fields} == {
        "start_time": ("10:15", ""),
        "title": ("Keynote", ""),
        "presenting_organisation": ("NHS England", ""),
    }


# The workshop's own details ------------------------------------------------------------


def test_new_times_that_leave_an_item_outside_are_refused(draft, steering_member):
    add(draft, steering_member, "Close", T(12, 30))

    with pytest.raises(AgendaError) as refusal:
        agenda.change_workshop(workshop=draft, changed_by=steering_member, end_time=T(12))

    assert refusal.value.field == "end_time"
    assert "“Close” at 12:30" in refusal.value.message
    draft.refresh_from_db()
    assert draft.end_time == T(13)


def test_a_date_before_booking_closes_is_refused(agreed, steering_member):
    agreed.booking_closes_on = agreed.date - datetime.timedelta(days=3)
    agreed.save()

    with pytest.raises(AgendaError, match="Ask the programme operations manager"):
        agenda.change_workshop(
            workshop=agreed,
            changed_by=steering_member,
            date=agreed.date - datetime.timedelta(days=7),
        )


def test_a_change_of_details_records_each_field_as_people_read_it(draft, steering_member):
    new_date = draft.date + datetime.timedelta(days=7)

    change = agenda.change_workshop(
        workshop=draft, changed_by=steering_member, date=new_date, kind=Workshop.Kind.FORUM
    )

    assert change.changed_by == steering_member
    assert change.summary == "Changed the kind, date."
    assert [(f["label"], f["after"]) for f in change.fields] == [
        ("Kind", "Forum"),
        ("Date", f"{new_date.day} {new_date:%B %Y}"),
    ]


def test_a_held_workshop_can_no_longer_change(steering_member):
    held = WorkshopFactory(status=Workshop.Status.HELD, date=datetime.date(2020, 5, 14))

    with pytest.raises(AgendaError, match="already taken place"):
        add(held, steering_member, "Late addition")


# Agreeing the agenda ---------------------------------------------------------------------


def sign(workshop, member):
    """The member signs the draft off; alone on the steering group, that agrees it."""
    return agenda.sign_off_agenda(workshop=workshop, member=member, decision="signed_off")


def test_agreeing_the_agenda_moves_the_workshop_to_agenda_agreed(draft, steering_member):
    add(draft, steering_member, "Welcome", T(10))

    sign(draft, steering_member)

    draft.refresh_from_db()
    assert draft.status == Workshop.Status.AGENDA_AGREED
    assert Workshop.objects.public().filter(pk=draft.pk).exists()


def test_agreeing_is_recorded_with_who_and_the_status_change(draft, steering_member):
    add(draft, steering_member, "Welcome", T(10))

    sign(draft, steering_member)

    change = draft.changes.first()
    assert (change.changed_by, change.after_agreement) == (steering_member, False)
    assert change.fields == [
        {"field": "status", "label": "Status", "before": "Draft", "after": "Agenda agreed"}
    ]


def test_agreeing_records_agenda_agreed_for_the_people_booked_in_its_own_transaction(
    draft, steering_member, director_a, django_capture_on_commit_callbacks
):
    add(draft, steering_member, "Welcome", T(10))
    BookingFactory(workshop=draft, person=director_a)

    with django_capture_on_commit_callbacks() as callbacks:
        sign(draft, steering_member)
        # Recorded before the commit; only the delivery waits for it.
        assert told(draft) == [(OutgoingEmail.Kind.AGENDA_AGREED, None)]

    # Besides the delivery, visitors' pages are built again.
    assert len([c for c in callbacks if c is not page_cache.new_generation]) == 1


def test_an_empty_agenda_cannot_be_signed_off(draft, steering_member):
    with pytest.raises(AgendaError, match="Add at least one item"):
        sign(draft, steering_member)


def test_an_agreed_agenda_cannot_be_signed_off_again(agreed, steering_member):
    with pytest.raises(AgendaError, match="already been agreed"):
        sign(agreed, steering_member)


def test_a_change_after_agreement_is_marked_and_told_to_the_people_booked(
    agreed, steering_member, director_a
):
    BookingFactory(workshop=agreed, person=director_a)

    add(agreed, steering_member, "Extra session", T(11))

    assert agreed.changes.get().after_agreement is True
    assert told(agreed) == [
        (OutgoingEmail.Kind.AGENDA_CHANGED, "Added “Extra session” to the agenda.")
    ]


def test_a_change_refused_tells_no_one(agreed, steering_member, director_a):
    BookingFactory(workshop=agreed, person=director_a)

    with pytest.raises(AgendaError):
        add(agreed, steering_member, "Drinks", T(18))

    assert told(agreed) == []


def test_a_change_to_a_draft_is_not_announced(draft, steering_member, director_a):
    BookingFactory(workshop=draft, person=director_a)

    add(draft, steering_member, "Welcome", T(10))

    assert draft.changes.get().after_agreement is False
    assert told(draft) == []


def test_every_change_is_recorded_with_who_made_it(draft, steering_member):
    item = add(draft, steering_member, "Welcome", T(10))
    agenda.change_agenda_item(item=item, changed_by=steering_member, title="Welcome and aims")
    sign(draft, steering_member)

    assert list(draft.changes.values_list("summary", "changed_by")) == [
        (
            "Agreed the agenda: a majority of the steering group signed it off (Alex Morgan). "
            "The workshop and its agenda are now public.",
            steering_member.pk,
        ),
        ("Signed off the agenda.", steering_member.pk),
        ("Changed “Welcome and aims” on the agenda.", steering_member.pk),
        ("Added “Welcome” to the agenda.", steering_member.pk),
    ]


# Planning --------------------------------------------------------------------------------


def test_the_usual_days_are_the_last_mondays_with_may_a_week_early():
    assert [planning.default_day(2027, quarter) for quarter in planning.QUARTERS] == [
        datetime.date(2027, 2, 22),
        datetime.date(2027, 5, 24),
        datetime.date(2027, 9, 27),
        datetime.date(2027, 11, 29),
    ]


def test_the_next_free_quarter_skips_one_already_planned():
    today = datetime.date(2027, 1, 10)
    WorkshopFactory(date=datetime.date(2027, 2, 22), status=Workshop.Status.DRAFT)

    assert planning.next_free_quarter_day(today) == datetime.date(2027, 5, 24)


def test_planning_makes_a_draft_with_its_own_address_and_a_history_line(steering_member):
    day = timezone.localdate() + datetime.timedelta(days=90)
    details = {
        "title": "How do we keep experienced staff?",
        "theme": ThemeFactory(),
        "kind": Workshop.Kind.QUARTERLY,
        "format": Workshop.Format.VIRTUAL,
        "date": day,
        "start_time": T(10),
        "end_time": T(13),
    }

    first = planning.plan_workshop(planned_by=steering_member, **details)
    second = planning.plan_workshop(planned_by=steering_member, **details)

    assert first.status == Workshop.Status.DRAFT
    assert first.slug == f"{day.isoformat()}-how-do-we-keep-experienced-staff"
    assert second.slug == f"{first.slug}-2"
    assert first.changes.get().summary == "Planned the quarterly workshop as a draft."


def test_a_proposal_planned_as_a_workshop_cannot_be_planned_again(steering_member):
    proposal = TopicProposal.objects.create(title="Preceptorship", rationale="Nurses leave.")
    details = {
        "title": "Preceptorship",
        "date": timezone.localdate() + datetime.timedelta(days=60),
        "start_time": T(10),
        "end_time": T(13),
    }
    workshop = planning.plan_workshop(planned_by=steering_member, proposal=proposal, **details)

    proposal.refresh_from_db()
    assert proposal.workshop == workshop
    with pytest.raises(AgendaError, match="already been planned"):
        planning.plan_workshop(planned_by=steering_member, proposal=proposal, **details)


def test_a_past_date_cannot_be_planned(steering_member):
    with pytest.raises(AgendaError, match="Choose a date in the future"):
        planning.plan_workshop(
            planned_by=steering_member,
            title="Too late",
            date=timezone.localdate() - datetime.timedelta(days=1),
            start_time=T(10),
            end_time=T(13),
        )


# Topic proposals -------------------------------------------------------------------------


def test_a_proposer_cannot_support_their_own_topic(steering_member):
    proposal = planning.propose_topic(
        proposed_by=steering_member, title="Preceptorship", rationale="Nurses leave."
    )

    with pytest.raises(AgendaError, match="You proposed this topic"):
        planning.support_topic(proposal=proposal, person=steering_member)


def test_supporting_twice_counts_once(steering_member):
    proposal = TopicProposal.objects.create(title="Preceptorship", rationale="Nurses leave.")

    planning.support_topic(proposal=proposal, person=steering_member)
    planning.support_topic(proposal=proposal, person=steering_member)

    assert list(proposal.supporters.all()) == [steering_member]


def test_support_can_be_withdrawn(steering_member):
    proposal = TopicProposal.objects.create(title="Preceptorship", rationale="Nurses leave.")
    planning.support_topic(proposal=proposal, person=steering_member)

    planning.withdraw_support(proposal=proposal, person=steering_member)

    assert not proposal.supporters.exists()


# Outcomes --------------------------------------------------------------------------------


def test_an_outcome_waits_until_the_workshop_has_taken_place(agreed, steering_member):
    with pytest.raises(AgendaError, match="once the workshop has taken place"):
        agenda.record_outcome(workshop=agreed, recorded_by=steering_member, summary="Too soon")


def test_recording_an_outcome_is_recorded_but_not_announced_to_people_booked(
    steering_member, director_a
):
    held = WorkshopFactory(status=Workshop.Status.HELD, date=datetime.date(2020, 5, 14))
    BookingFactory(workshop=held, person=director_a)
    forum = WorkshopFactory(date=datetime.date(2020, 7, 2), kind=Workshop.Kind.FORUM)

    outcome = agenda.record_outcome(
        workshop=held,
        recorded_by=steering_member,
        summary="Psychological support is the gap.",
        actions="Hold a one-off forum.",
        follow_up_events=[forum],
    )

    assert list(outcome.follow_up_events.all()) == [forum]
    assert held.changes.get().summary == "Recorded the outcome."
    assert told(held) == []


def test_correcting_an_outcome_records_what_changed(steering_member, operations_manager):
    held = WorkshopFactory(status=Workshop.Status.HELD, date=datetime.date(2020, 5, 14))
    agenda.record_outcome(workshop=held, recorded_by=steering_member, summary="First words")

    agenda.record_outcome(workshop=held, recorded_by=operations_manager, summary="Better words")

    change = held.changes.first()
    assert (change.summary, change.changed_by) == ("Changed the outcome.", operations_manager)
    assert change.fields == [
        {"field": "summary", "label": "Summary", "before": "First words", "after": "Better words"}
    ]


# Speakers --------------------------------------------------------------------------------


def test_speakers_read_as_name_role_and_organisation():
    item = AgendaItem(
        speakers="Dr A Patel, Director of Nursing, Quality and Safety, Mersey Care; "
        "Sam Jones, Chair; Dr Jacqui Dyer"
    )

    assert item.speaker_list == [
        ("Dr A Patel", "Director of Nursing, Quality and Safety", "Mersey Care"),
        ("Sam Jones", "Chair", ""),
        ("Dr Jacqui Dyer", "", ""),
    ]


def test_the_form_takes_one_speaker_a_line_and_keeps_them_on_one_line():
    form = AgendaItemForm(
        {"title": "Keynote", "speakers": "Dr A Patel, Director, Mersey Care\r\n\r\nSam Jones\r\n"}
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["speakers"] == "Dr A Patel, Director, Mersey Care; Sam Jones"


def test_the_form_shows_stored_speakers_one_a_line(draft):
    item = AgendaItemFactory(workshop=draft, speakers="Dr A Patel, Director; Sam Jones")

    assert AgendaItemForm(instance=item).initial["speakers"] == "Dr A Patel, Director\nSam Jones"


# Two steering members at once --------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_members_adding_items_at_one_time_together_get_one_item_and_one_refusal(
    on_postgres, steering_member
):
    workshop = WorkshopFactory(status=Workshop.Status.DRAFT, start_time=T(10), end_time=T(13))
    barrier = threading.Barrier(2)
    outcomes = []

    def add_keynote(title):
        try:
            barrier.wait()
            add(workshop, steering_member, title, T(10, 30))
            outcomes.append("added")
        except AgendaError as refusal:
            outcomes.append(refusal.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=add_keynote, args=(t,)) for t in ("First", "Second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes)[0] == "added"
    assert "already starts at 10:30" in sorted(outcomes)[1]
    assert workshop.agenda_items.count() == 1
