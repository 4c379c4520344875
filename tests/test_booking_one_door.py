"""The booking rules at their edges: approval re-checks, who may change a place, what
everyone concerned is told (with calendar files), places after booking closes, and the
audit trail. Messages are delivered eagerly into ``mailoutbox``, in the order sent."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from collaborative.outbox.models import OutgoingEmail
from collaborative.people.models import Seniority
from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from tests.factories import UserFactory, WorkshopFactory
from workshops import refusals
from workshops.booking import rules
from workshops.models import BookingEvent, BookingStatus, Workshop

pytestmark = pytest.mark.django_db
LINK = "https://meet.example.org/one-door"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def workshop(db):
    return WorkshopFactory(
        date=timezone.localdate() + datetime.timedelta(days=30), video_link=LINK, capacity=2
    )


@pytest.fixture
def operations(operations_manager):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    return operations_manager


@pytest.fixture
def colleague(trust_a):
    return UserFactory(
        email="lee@ta1.nhs.uk",
        full_name="Lee Chan",
        trust=trust_a,
        functional_area="hr_workforce",
        seniority=Seniority.OTHER,
    )


def calendar_of(message):
    parts = [part for part in message.attachments if part.mimetype == "text/calendar"]
    return Calendar.from_ical(parts[0].content) if parts else None


def to(mailoutbox, person):
    return [message for message in mailoutbox if message.to == [person.email]]


def book(workshop, person, booked_by, on_commit):
    with on_commit():
        return rules.book_place(workshop=workshop, person=person, booked_by=booked_by)


# Approval re-checks every rule ---------------------------------------------------


@pytest.fixture
def awaiting(workshop, trust_a, on_commit):
    junior = UserFactory(
        trust=trust_a,
        seniority=Seniority.OTHER,
        email="junior@ta1.nhs.uk",
        functional_area="hr_workforce",
    )
    booking = book(workshop, junior, junior, on_commit)
    assert booking.status == BookingStatus.AWAITING_APPROVAL
    return booking


def test_approval_is_refused_once_the_person_has_left_the_trust(awaiting, trust_b, mailoutbox):
    awaiting.person.trust = trust_b
    awaiting.person.save()
    mailoutbox.clear()

    with pytest.raises(refusals.NotAffiliated, match="no longer represents"):
        rules.approve_booking(booking=awaiting)

    awaiting.refresh_from_db()
    assert (awaiting.status, mailoutbox) == (BookingStatus.AWAITING_APPROVAL, [])


def test_approval_is_refused_when_capacity_was_cut_below_the_places_held(
    awaiting, workshop, director_a, on_commit
):
    book(workshop, director_a, director_a, on_commit)
    Workshop.objects.filter(pk=workshop.pk).update(capacity=1)

    with pytest.raises(refusals.NotAllowed, match="all held by others"):
        rules.approve_booking(booking=awaiting)


def test_approval_is_refused_for_a_cancelled_workshop(awaiting, workshop):
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CANCELLED)

    with pytest.raises(refusals.NotAllowed, match="cancelled"):
        rules.approve_booking(booking=awaiting)


def test_approval_is_refused_when_the_trust_is_no_longer_a_member(awaiting, trust_a):
    trust_a.membership.is_active = False
    trust_a.membership.save()

    with pytest.raises(refusals.NotAffiliated, match="not an active member"):
        rules.approve_booking(booking=awaiting)


def test_approval_is_refused_when_the_account_was_deactivated(awaiting):
    awaiting.person.is_active = False
    awaiting.person.save()

    with pytest.raises(refusals.NotAllowed, match="no longer active"):
        rules.approve_booking(booking=awaiting)


def test_a_self_declared_director_is_held_for_approval(workshop, trust_a, on_commit):
    claimed = UserFactory(trust=trust_a, seniority=Seniority.DIRECTOR, confirmed_seniority="")

    booking = book(workshop, claimed, claimed, on_commit)

    assert booking.status == BookingStatus.AWAITING_APPROVAL


# Who may change or cancel a place ----------------------------------------------------


def test_a_junior_colleague_cannot_cancel_the_directors_place(
    workshop, director_a, colleague, on_commit
):
    booking = book(workshop, director_a, director_a, on_commit)

    with pytest.raises(refusals.NotAllowed, match="Only Jane Smith, the person who booked"):
        rules.cancel_booking(booking=booking, by=colleague)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_junior_colleague_cannot_even_open_the_directors_booking(
    client, workshop, director_a, colleague, on_commit
):
    booking = book(workshop, director_a, director_a, on_commit)
    client.force_login(colleague)

    for name in ("workshops:booking", "workshops:cancel", "workshops:change_attendee"):
        assert client.post(reverse(name, args=[booking.pk])).status_code == 404

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_junior_colleague_sees_no_trust_bookings_but_is_told_why(
    client, workshop, director_a, colleague, on_commit
):
    book(workshop, director_a, director_a, on_commit)
    client.force_login(colleague)

    page = client.get(reverse("workshops:trust_bookings")).content.decode()

    assert "once their director-level role is confirmed, see all of its bookings" in page
    assert "Jane Smith" not in page


def test_a_non_director_cannot_book_a_colleague(workshop, colleague, director_a):
    with pytest.raises(refusals.NotAllowed, match="Only your Trust's directors"):
        rules.book_place(workshop=workshop, person=director_a, booked_by=colleague)


def test_nobody_can_be_booked_for_once_their_account_is_closed(workshop, director_a, colleague):
    colleague.is_active = False
    colleague.save()

    with pytest.raises(refusals.NotAColleague, match="account is closed"):
        rules.book_place(workshop=workshop, person=colleague, booked_by=director_a)


def test_a_confirmed_director_of_the_trust_may_cancel_a_colleagues_place(
    workshop, director_a, colleague, trust_a, on_commit
):
    booking = book(workshop, colleague, colleague, on_commit)

    rules.cancel_booking(booking=booking, by=director_a)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_an_unconfirmed_director_may_not_cancel_a_colleagues_place(
    workshop, colleague, trust_a, on_commit
):
    booking = book(workshop, colleague, colleague, on_commit)
    claimed = UserFactory(trust=trust_a, seniority=Seniority.DIRECTOR, confirmed_seniority="")

    with pytest.raises(refusals.NotAllowed):
        rules.cancel_booking(booking=booking, by=claimed)


# What everyone concerned is told ------------------------------------------------------


def test_a_cancellation_by_someone_else_says_who_cancelled(
    workshop, director_a, colleague, on_commit, mailoutbox
):
    workshop.director_level_only = False
    workshop.save()
    booking = book(workshop, colleague, colleague, on_commit)
    mailoutbox.clear()

    with on_commit():
        rules.cancel_booking(booking=booking, by=director_a)

    (message,) = to(mailoutbox, colleague)
    assert "Jane Smith has cancelled your booking" in message.body
    assert "If you did not mean to cancel" not in message.body
    assert str(calendar_of(message)["method"]) == "CANCEL"


def test_cancelling_ones_own_place_is_acknowledged_as_ones_own(
    workshop, director_a, on_commit, mailoutbox
):
    booking = book(workshop, director_a, director_a, on_commit)
    mailoutbox.clear()

    with on_commit():
        rules.cancel_booking(booking=booking, by=director_a)

    (message,) = to(mailoutbox, director_a)
    assert "You have cancelled your booking" in message.body
    assert "If you did not mean to cancel" in message.body


def test_giving_a_place_away_cancels_it_in_the_replaced_persons_calendar(
    workshop, director_a, colleague, on_commit, mailoutbox
):
    booking = book(workshop, director_a, director_a, on_commit)
    mailoutbox.clear()

    with on_commit():
        rules.change_attendee(booking=booking, person=colleague, changed_by=director_a)

    (replaced,) = [m for m in to(mailoutbox, director_a) if "gone to a colleague" in m.subject]
    calendar = calendar_of(replaced)
    (event,) = calendar.walk("VEVENT")
    assert replaced.subject.startswith("Your place has gone to a colleague")
    assert (str(calendar["method"]), str(event["status"])) == ("CANCEL", "CANCELLED")
    assert LINK not in replaced.body
    assert LINK.encode() not in calendar.to_ical()


def test_the_new_attendee_gets_a_confirmation_with_the_video_link(
    workshop, director_a, colleague, on_commit, mailoutbox
):
    workshop.director_level_only = False
    workshop.save()
    booking = book(workshop, director_a, director_a, on_commit)
    mailoutbox.clear()

    with on_commit():
        rules.change_attendee(booking=booking, person=colleague, changed_by=director_a)

    (confirmation,) = to(mailoutbox, colleague)
    calendar = calendar_of(confirmation)
    assert confirmation.subject.startswith("Your place is confirmed")
    assert str(calendar["method"]) == "PUBLISH"
    assert str(calendar.walk("VEVENT")[0]["location"]) == LINK


def test_the_booker_gets_a_copy_without_the_video_link_or_calendar_file(
    workshop, director_a, colleague, on_commit, mailoutbox
):
    workshop.director_level_only = False
    workshop.save()

    book(workshop, colleague, director_a, on_commit)

    (copy,) = to(mailoutbox, director_a)
    assert copy.subject.startswith("Copy for you: Your place is confirmed")
    assert "Lee Chan" in copy.body
    assert LINK not in copy.body
    assert calendar_of(copy) is None


def test_the_booker_hears_when_a_colleagues_place_is_not_approved(
    workshop, director_a, colleague, operations, on_commit, mailoutbox
):
    booking = book(workshop, colleague, director_a, on_commit)
    mailoutbox.clear()

    with on_commit():
        rules.reject_booking(booking=booking, by=operations)

    (copy,) = to(mailoutbox, director_a)
    assert copy.subject.startswith("Copy for you: Your place was not approved")


def test_a_place_can_change_hands_after_booking_closes_until_the_start(
    workshop, director_a, colleague, on_commit
):
    booking = book(workshop, director_a, director_a, on_commit)
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CLOSED)

    booking = rules.change_attendee(booking=booking, person=colleague, changed_by=director_a)
    assert booking.person == colleague

    started = workshop.starts_at + datetime.timedelta(minutes=1)
    with pytest.raises(refusals.BookingNotOpen):
        rules.change_attendee(
            booking=booking, person=director_a, changed_by=director_a, now=started
        )


def test_changing_the_attendee_keeps_who_booked_it(
    workshop, director_a, colleague, trust_a, on_commit
):
    booking = book(workshop, director_a, director_a, on_commit)
    other_director = UserFactory(trust=trust_a, functional_area="hr_workforce")

    rules.change_attendee(booking=booking, person=colleague, changed_by=other_director)

    booking.refresh_from_db()
    assert booking.booked_by == director_a


# After booking closes, freed places still go to the waiting list -------------------------


def test_a_place_freed_after_booking_closes_is_offered_until_the_start(
    workshop, director_a, director_b, trust_a, on_commit, mailoutbox
):
    workshop.capacity = 1
    workshop.save()
    booking = book(workshop, director_a, director_a, on_commit)
    waiting = book(workshop, director_b, director_b, on_commit)
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CLOSED)
    now = workshop.starts_at - datetime.timedelta(hours=3)

    with on_commit():
        rules.cancel_booking(booking=booking, by=director_a, now=now)

    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.OFFERED
    assert waiting.offer_expires_at == workshop.starts_at
    assert to(mailoutbox, director_b)[-1].subject.startswith("A place is free for you")


# Calendars across cancel and re-book ----------------------------------------------------


def events_in_send_order(mailoutbox, person):
    """(method, uid, sequence) of each calendar file the person was sent, in order."""
    found = []
    for message in to(mailoutbox, person):
        if calendar := calendar_of(message):
            (event,) = calendar.walk("VEVENT")
            found.append((str(calendar["method"]), str(event["uid"]), int(event["sequence"])))
    return found


def applies(events):
    """What a strict calendar holds after applying the files in order: an update counts only
    with a higher SEQUENCE than the last one for its UID."""
    held, last = {}, {}
    for method, uid, sequence in events:
        if uid in last and sequence <= last[uid]:
            continue
        last[uid] = sequence
        if method == "PUBLISH":
            held[uid] = True
        else:
            held.pop(uid, None)
    return held


def test_a_rebooking_after_a_cancellation_reaches_the_calendar(
    workshop, director_a, on_commit, mailoutbox
):
    first = book(workshop, director_a, director_a, on_commit)
    with on_commit():
        rules.cancel_booking(booking=first, by=director_a)
    book(workshop, director_a, director_a, on_commit)

    events = events_in_send_order(mailoutbox, director_a)
    assert [method for method, _, _ in events] == ["PUBLISH", "CANCEL", "PUBLISH"]
    assert len(applies(events)) == 1


def test_a_place_given_back_reaches_the_calendar_again(
    workshop, director_a, colleague, on_commit, mailoutbox
):
    booking = book(workshop, director_a, director_a, on_commit)
    with on_commit():
        rules.change_attendee(booking=booking, person=colleague, changed_by=director_a)
    with on_commit():
        rules.change_attendee(booking=booking, person=director_a, changed_by=director_a)

    events = events_in_send_order(mailoutbox, director_a)
    assert [method for method, _, _ in events] == ["PUBLISH", "CANCEL", "PUBLISH"]
    assert len(applies(events)) == 1


# The audit trail ------------------------------------------------------------------------


def test_the_trail_records_who_did_what_through_which_page(
    client, workshop, director_a, colleague, on_commit
):
    booking = book(workshop, colleague, director_a, on_commit)
    client.force_login(director_a)

    client.post(reverse("workshops:cancel", args=[booking.pk]))

    trail = list(booking.events.values_list("action", "actor__email", "door"))
    assert trail[0][:2] == (BookingEvent.Action.BOOKED, director_a.email)
    assert trail[-1] == (
        BookingEvent.Action.CANCELLED,
        director_a.email,
        "page workshops:cancel",
    )


def test_changing_the_attendee_is_recorded_with_both_people(
    workshop, director_a, colleague, on_commit
):
    booking = book(workshop, director_a, director_a, on_commit)

    rules.change_attendee(booking=booking, person=colleague, changed_by=director_a)

    event = booking.events.get(action=BookingEvent.Action.ATTENDEE_CHANGED)
    assert event.actor == director_a
    assert (event.data["replaced"], event.data["attendee"]) == (director_a.email, colleague.email)


# Found by the state machine (tests/test_booking_state_machine.py) ------------------------


def test_only_a_booking_awaiting_approval_can_be_refused_approval(
    workshop, director_a, operations, on_commit
):
    booking = book(workshop, director_a, director_a, on_commit)

    with pytest.raises(refusals.NotAllowed, match="awaiting approval"):
        rules.reject_booking(booking=booking, by=operations)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_moving_ones_own_place_to_another_area_keeps_its_approval(awaiting, workshop, on_commit):
    rules.approve_booking(booking=awaiting)

    booking = rules.change_attendee(
        booking=awaiting,
        person=awaiting.person,
        functional_area="od_training_education",
        changed_by=awaiting.person,
    )

    assert (booking.status, booking.functional_area) == (
        BookingStatus.CONFIRMED,
        "od_training_education",
    )


def test_moving_ones_own_place_to_another_area_tells_nobody_again(awaiting, workshop, on_commit):
    """Found by the state machine: after an approval the move sent a second "confirmed"
    e-mail, after a direct confirmation none; the place is unchanged, so none at all."""
    rules.approve_booking(booking=awaiting)
    told = set(OutgoingEmail.objects.values_list("pk", flat=True))

    rules.change_attendee(
        booking=awaiting,
        person=awaiting.person,
        functional_area="od_training_education",
        changed_by=awaiting.person,
    )

    assert list(OutgoingEmail.objects.exclude(pk__in=told)) == []


def test_capacity_can_change_after_places_were_given_beyond_a_trusts_cap(
    workshop, director_a, colleague, operations, on_commit
):
    workshop.places_per_trust = 1
    workshop.director_level_only = False
    workshop.save()
    book(workshop, director_a, director_a, on_commit)
    rules.book_on_behalf(
        workshop=workshop,
        person=colleague,
        booked_by=operations,
        override_reason="Second speaker from the Trust",
    )

    rules.change_places(workshop=workshop, changed_by=operations, capacity=4)

    workshop.refresh_from_db()
    assert workshop.capacity == 4
