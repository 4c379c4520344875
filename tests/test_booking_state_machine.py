"""Random sequences of booking changes, through the rule functions and the admin, with the
booking rules checked after every step (hypothesis stateful testing, on PostgreSQL).

Each example sets up one virtual workshop with a small capacity and two or three member
Trusts of three or four people (confirmed directors, directors not yet confirmed, and
others, in varied functional areas), then runs up to ``BOOKING_MACHINE_STEPS`` steps:
booking for oneself or a colleague, booking on someone's behalf in the admin (sometimes
beyond a Trust's places, with a reason), cancelling, giving a place to a colleague,
approving and not approving, offering free places, accepting, declining, accepting too
late, letting offers expire, closing and reopening booking, and changing the capacity or
the places per Trust. Some steps go through the admin as the operations manager (its
actions and forms, over the test client), the others call ``workshops.booking.rules``.

After every step, whether it was done or refused:

- no workshop holds more places than its capacity, no Trust more than its places (plus
  the places given beyond them by an override recorded in the audit trail), and no Trust
  two places in one functional area;
- each person has at most one active booking;
- the calendar files people were sent, applied in the order sent as a strict calendar
  program applies them (a PUBLISH or CANCEL of a UID counts only with a SEQUENCE higher
  than the last one applied), leave the confirmed attendees, and no one else, with an
  entry holding the video link: one entry each, their booking's. The messages are
  rendered right after each step, as a worker delivering after the commit would; at the
  end of an example, all of them again, as if delivered late;
- the video link is in no message but the confirmed attendee's own;
- each booking that changed tells the people concerned once each (the attendee, the
  person replaced, a copy to whoever booked it), and no one else hears anything, except
  the people waiting when booking closes and the directors invited when it reopens;
- each booking that changed has a new line in its audit trail, naming who did it, and
  whoever booked a place stays recorded as its booker;
- no place is left free while someone waiting could take it, until the workshop starts;
- a refused step changes nothing, writes no audit line and sends nothing;
- where the outcome follows from the rules alone (booking, cancelling, approving, not
  approving, offering, accepting, declining, expiring, giving a place to a colleague or
  to oneself in another functional area, capacity, places per Trust), it is the one the
  rules give.

Each example runs in a savepoint rolled back at its end, so every example starts from
the same empty database, at the cost of a rollback rather than a flush. Messages are not
delivered (``on_commit`` never fires inside the test's transaction): the outbox rows are
rendered with ``collaborative.outbox.mail.render`` as a worker would.

Under CI (``CI`` set) it runs 200 examples of 20 steps, with a fixed seed so that every
run tries the same sequences; elsewhere 25 examples, with a random seed, so that each run
tries new ones. ``BOOKING_MACHINE_EXAMPLES`` and ``BOOKING_MACHINE_STEPS`` set the number
of examples and of steps per example, ``BOOKING_MACHINE_SHRINK=0`` reports a failure as
found (shrinking it can take minutes), and ``BOOKING_MACHINE_STATS=1`` prints how often
each step was done or refused and each change of status the run went through.
"""

import collections
import dataclasses
import datetime
import os
import sys

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import WARNING, get_messages
from django.db import transaction
from django.db.models import Subquery
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from icalendar import Calendar

from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from collaborative.people.models import FunctionalArea, Seniority
from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from tests.factories import MembershipFactory, UserFactory, WorkshopFactory
from workshops import refusals
from workshops.booking import rules
from workshops.messages import content
from workshops.models import (
    PLACE_HOLDING_STATUSES,
    Booking,
    BookingEvent,
    BookingStatus,
    CancellationReason,
    Workshop,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

IN_CI = bool(os.environ.get("CI"))
EXAMPLES = int(os.environ.get("BOOKING_MACHINE_EXAMPLES") or (200 if IN_CI else 25))
STEPS = int(os.environ.get("BOOKING_MACHINE_STEPS") or 20)
SHRINK = os.environ.get("BOOKING_MACHINE_SHRINK", "1") != "0"

LINK = "https://meet.example.org/state-machine"
Kind = OutgoingEmail.Kind
Action = BookingEvent.Action
CONFIRMED = BookingStatus.CONFIRMED
AWAITING = BookingStatus.AWAITING_APPROVAL
OFFERED = BookingStatus.OFFERED
WAITING = BookingStatus.WAITING
CANCELLED = BookingStatus.CANCELLED
ACTIVE = (*PLACE_HOLDING_STATUSES, WAITING)

# What the attendee is told when a booking reaches a status (a new booking, a place given
# to them, an offer accepted).
TOLD_OF_STATUS = {
    CONFIRMED: Kind.BOOKING_CONFIRMED,
    AWAITING: Kind.AWAITING_APPROVAL,
    OFFERED: Kind.PLACE_OFFERED,
    WAITING: Kind.WAITING_LIST,
}
TOLD_OF_END = {
    CancellationReason.CANCELLED: Kind.BOOKING_CANCELLED,
    CancellationReason.NOT_APPROVED: Kind.BOOKING_NOT_APPROVED,
    CancellationReason.OFFER_EXPIRED: Kind.OFFER_EXPIRED,
    # Whoever declines an offer has just said so on the page: no e-mail.
    CancellationReason.OFFER_DECLINED: None,
}
CALENDAR_KINDS = content.PUBLISHES_CALENDAR | content.CANCELS_CALENDAR

# How people of the Trusts are set up: (stated seniority, confirmed seniority).
SENIORITIES = {
    "director": (Seniority.DIRECTOR, Seniority.DIRECTOR),
    "unconfirmed director": (Seniority.DIRECTOR, ""),
    "other": (Seniority.OTHER, Seniority.OTHER),
}
people_of_a_trust = st.lists(
    st.tuples(st.sampled_from(sorted(SENIORITIES)), st.sampled_from(FunctionalArea.values)),
    min_size=3,
    max_size=4,
)
areas = st.none() | st.sampled_from(FunctionalArea.values)
# Who acts: 0 the attendee (half the time), 1 whoever booked, 2 the operations manager,
# then anyone of the Trusts.
actors = st.just(0) | st.integers(min_value=0, max_value=14)
picks = st.integers(min_value=0, max_value=15)
doors = st.sampled_from(["rules", "admin"])
# The workshop's change form is a page to load and post back: a quarter of the changes.
form_doors = st.sampled_from(["rules", "rules", "rules", "admin"])


@dataclasses.dataclass(frozen=True)
class Row:
    """A booking as the checks see it."""

    status: str
    person: int
    trust: int
    area: str
    reason: str
    booked_by: int | None
    requested_at: datetime.datetime
    offer_expires_at: datetime.datetime | None

    def changed_from(self, before):
        return before is None or (self.status, self.person, self.area, self.reason) != (
            before.status,
            before.person,
            before.area,
            before.reason,
        )


@dataclasses.dataclass(frozen=True)
class State:
    bookings: dict
    workshop: dict
    last_message: int
    last_event: int

    def holders(self):
        return [row for row in self.bookings.values() if row.status in PLACE_HOLDING_STATUSES]

    def active_booking_of(self, person_id):
        return next(
            (
                pk
                for pk, row in self.bookings.items()
                if row.person == person_id and row.status in ACTIVE
            ),
            None,
        )


@dataclasses.dataclass(frozen=True)
class Entry:
    """A calendar program's entry for one UID: the last SEQUENCE applied, and what it holds."""

    sequence: int
    active: bool
    link: bool


def booking_id_of(message):
    name, _, pk = message.about.partition(":")
    return int(pk) if name == "booking" else None


def apply_calendar(calendars, message):
    """Apply the calendar file ``message`` carries, rendered now, as a strict program would."""
    if message.kind not in CALENDAR_KINDS:
        return
    ics = content.calendar_file(message)
    if ics is None:
        return
    calendar = Calendar.from_ical(ics)
    method = str(calendar["method"])
    entries = calendars[message.recipient_id]
    for event in calendar.walk("VEVENT"):
        uid, sequence = str(event["uid"]), int(event["sequence"])
        last = entries.get(uid)
        if last is not None and sequence <= last.sequence:
            continue
        entries[uid] = Entry(
            sequence=sequence,
            active=method != "CANCEL" and str(event.get("status")) != "CANCELLED",
            link=any(LINK in str(value) for value in event.values()),
        )


def calendar_uid(booking_pk):
    return Booking(pk=booking_pk).calendar_uid


class BookingMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Everything an example writes is rolled back in teardown.
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.workshop = None
        self._clean = False

    def teardown(self):
        try:
            # Only after a run whose last step passed: a failure is reported as it was.
            if self.workshop is not None and self._clean:
                self._check_late_delivery()
        finally:
            transaction.set_rollback(True)
            self._savepoint.__exit__(None, None, None)

    # Setting up --------------------------------------------------------------------

    @initialize(
        capacity=st.integers(min_value=2, max_value=4),
        places_per_trust=st.integers(min_value=2, max_value=3),
        director_level_only=st.booleans(),
        trusts=st.lists(people_of_a_trust, min_size=2, max_size=3),
    )
    def set_up(self, capacity, places_per_trust, director_level_only, trusts):
        self.workshop = WorkshopFactory(
            date=timezone.localdate() + datetime.timedelta(days=30),
            video_link=LINK,
            format=Workshop.Format.VIRTUAL,
            capacity=capacity,
            places_per_trust=places_per_trust,
            one_per_functional_area=True,
            director_level_only=director_level_only,
            status=Workshop.Status.OPEN,
        )
        self.people = []
        for index, people in enumerate(trusts):
            trust = MembershipFactory(
                trust__name=f"Machine Test NHS Trust {index}", trust__ods_code=f"MT{index}"
            ).trust
            for seniority, area in people:
                stated, confirmed = SENIORITIES[seniority]
                self.people.append(
                    UserFactory(
                        trust=trust,
                        seniority=stated,
                        confirmed_seniority=confirmed,
                        functional_area=area,
                        job_title=seniority,
                    )
                )
        self.ops = UserFactory(full_name="Olu Operations", is_staff=True, functional_area="")
        self.ops.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
        self.users = {person.pk: person for person in [*self.people, self.ops]}
        self.client = Client()
        self.client.force_login(self.ops)
        # Calendar entries per person, as their calendar program holds them.
        self.calendars = collections.defaultdict(dict)
        # Bookings given a place beyond their Trust's places, as the audit trail says.
        self.overrides = set()
        # The latest time a step ran at: offers expire at times to come.
        self.clock = timezone.now()
        self.now = self._state()
        self._begin("set up")

    # Steps -------------------------------------------------------------------------

    @rule(person=picks)
    def book_self(self, person):
        person = self._person(person)
        self._begin(f"{person} books a place for themselves", actor=person)
        expected = self._booking_outcome(person, person, person.functional_area)
        booking = self._attempt(
            lambda: rules.book_place(workshop=self.workshop, person=person, booked_by=person)
        )
        self._expect_new_booking(booking, expected)

    @rule(booker=picks, colleague=picks, anyone=st.booleans(), area=areas)
    def book_colleague(self, booker, colleague, anyone, area):
        """A confirmed director books for a colleague; or (``anyone``) anyone for anyone."""
        directors = [person for person in self.people if person.is_director_level]
        bookers = self.people if anyone or not directors else directors
        booker = bookers[booker % len(bookers)]
        if anyone:
            candidates = self.people
        else:
            candidates = [p for p in self.people if p.trust_id == booker.trust_id]
        person = candidates[colleague % len(candidates)]
        self._begin(f"{booker} books a place for {person} ({area or 'their area'})", actor=booker)
        expected = self._booking_outcome(person, booker, area or person.functional_area)
        booking = self._attempt(
            lambda: rules.book_place(
                workshop=self.workshop, person=person, booked_by=booker, functional_area=area
            )
        )
        self._expect_new_booking(booking, expected)

    @rule(person=picks, area=areas, override=st.booleans())
    def book_on_behalf_in_admin(self, person, area, override):
        person = self._person(person)
        self._begin(
            f"the operations manager books {person} in the admin"
            f"{' beyond the Trust places' if override else ''}",
            actor=self.ops,
            admin=True,
        )
        area = area or person.functional_area
        expected = self._booking_outcome(person, None, area, override=override)
        response, _ = self._admin_post(
            reverse("admin:workshops_booking_book_on_behalf"),
            {
                "workshop": self.workshop.pk,
                "person": person.pk,
                "functional_area": area,
                **(
                    {"override": "on", "override_reason": "Agreed by the board"} if override else {}
                ),
            },
        )
        assert response.status_code in (200, 302), response.status_code
        new = self._new_bookings()
        if response.status_code == 200:
            assert not new, "the admin showed the form again, yet made a booking"
            self._refused = "the admin showed the form again"
        self._expect_new_booking(Booking.objects.get(pk=new[0]) if new else None, expected)

    @precondition(lambda self: self.workshop is not None and self.now.bookings)
    @rule(pick=picks, aim=st.booleans(), actor=actors, door=doors)
    def cancel(self, pick, aim, actor, door):
        booking = self._pick(pick, PLACE_HOLDING_STATUSES if aim else None)
        actor = self.ops if door == "admin" else self._actor(actor, booking)
        self._begin(f"{actor} cancels {self._describe(booking)} ({door})", actor, booking, door)
        row = self.now.bookings[booking.pk]
        if door == "admin":
            self._admin_action("workshops_booking", "cancel", booking)
        else:
            self._attempt(lambda: rules.cancel_booking(booking=booking, by=actor))
        if row.status == CANCELLED:
            self._expect_unchanged("cancelling again changes nothing")
        elif self._may_manage(actor, row):
            self._expect(booking, CANCELLED, f"{actor} may cancel it")
        else:
            self._expect_refused(f"{actor} may not cancel it")

    @precondition(lambda self: self.workshop is not None and self.now.bookings)
    @rule(pick=picks, aim=st.booleans(), colleague=picks, area=areas, actor=actors)
    def change_attendee(self, pick, aim, colleague, area, actor):
        booking = self._pick(pick, ACTIVE if aim else None)
        actor = self._actor(actor, booking)
        same_trust = [p for p in self.people if p.trust_id == booking.trust_id]
        person = same_trust[colleague % len(same_trust)]
        self._begin(
            f"{actor} gives {self._describe(booking)} to {person} ({area or 'their area'})",
            actor,
            booking,
        )
        row = self.now.bookings[booking.pk]
        self._attempt(
            lambda: rules.change_attendee(
                booking=booking, person=person, functional_area=area, changed_by=actor
            )
        )
        if self._refused:
            return
        assert self._may_manage(actor, row), f"{actor} changed a place they may not manage"
        booking.refresh_from_db()
        assert booking.person_id == person.pk
        if person.pk == row.person:
            # Their own place, in another functional area: approved stays approved.
            assert booking.status == row.status, (
                f"{person}'s own place went from {row.status} to {booking.status}"
            )
        elif row.status in (CONFIRMED, AWAITING):
            expected = self._status_for_place(person)
            assert booking.status == expected, (
                f"the place went to {person} as {booking.status}, not {expected}"
            )
        else:
            assert booking.status == row.status

    @precondition(lambda self: self.workshop is not None and self.now.bookings)
    @rule(pick=picks, aim=st.booleans(), door=doors)
    def approve(self, pick, aim, door):
        booking = self._pick(pick, [AWAITING] if aim else None)
        self._begin(
            f"the operations manager approves {self._describe(booking)} ({door})",
            self.ops,
            booking,
            door,
        )
        row = self.now.bookings[booking.pk]
        if door == "admin":
            self._admin_action("workshops_booking", "approve", booking)
        else:
            self._attempt(lambda: rules.approve_booking(booking=booking, by=self.ops))
        if why_not := self._why_not_approved(booking.pk, row):
            self._expect_refused(why_not)
        else:
            self._expect(booking, CONFIRMED, "every rule allows the place")

    @precondition(lambda self: self.workshop is not None and self.now.bookings)
    @rule(pick=picks, aim=st.booleans(), door=doors)
    def reject(self, pick, aim, door):
        booking = self._pick(pick, [AWAITING] if aim else None)
        self._begin(
            f"the operations manager does not approve {self._describe(booking)} ({door})",
            self.ops,
            booking,
            door,
        )
        row = self.now.bookings[booking.pk]
        if door == "admin":
            self._admin_action("workshops_booking", "reject", booking)
        else:
            self._attempt(lambda: rules.reject_booking(booking=booking, by=self.ops))
        if row.status == AWAITING:
            self._expect(booking, CANCELLED, "it was awaiting approval")
        elif row.status == CANCELLED or door == "admin":
            # The action leaves out bookings not awaiting approval; ending one twice is a no-op.
            self._expect_unchanged("there is nothing to approve")
        else:
            self._expect_refused("only a booking awaiting approval can be not approved")

    @precondition(lambda self: self.workshop is not None and self._waiting())
    @rule(door=doors)
    def offer_free_places(self, door):
        self._begin(f"free places are offered ({door})", admin=door == "admin")
        expected = self._offers(self.now)
        if door == "admin":
            self._admin_action("workshops_booking", "offer_free_places", self._pick(0, None))
        else:
            with transaction.atomic():
                workshop = Workshop.objects.select_for_update().get(pk=self.workshop.pk)
                rules.offer_free_places(workshop)
        self._expect_offers(expected)

    @precondition(lambda self: self.workshop is not None and self._offered())
    @rule(pick=picks, aim=st.booleans(), actor=actors)
    def accept(self, pick, aim, actor):
        booking = self._pick(pick, [OFFERED] if aim else None)
        actor = self._actor(actor, booking)
        self._begin(f"{actor} accepts the offer of {self._describe(booking)}", actor, booking)
        row = self.now.bookings[booking.pk]
        self._attempt(lambda: rules.accept_offer(booking=booking, by=actor))
        if row.status == CONFIRMED:
            self._expect_unchanged("accepting a confirmed place changes nothing")
        elif not self._may_manage(actor, row):
            self._expect_refused(f"{actor} may not answer this offer", refusals.NotAllowed)
        elif row.status != OFFERED:
            self._expect_refused("there is no offer", refusals.OfferNotOpen)
        else:
            person = self.users[row.person]
            self._expect(booking, self._status_for_place(person), "the offer was open")

    @precondition(lambda self: self.workshop is not None and self._offered())
    @rule(pick=picks)
    def accept_too_late(self, pick):
        booking = self._pick(pick, [OFFERED])
        late = booking.offer_expires_at + datetime.timedelta(seconds=1)
        self._begin(
            f"{booking.person} accepts the offer of {self._describe(booking)} after its deadline",
            booking.person,
            booking,
        )
        self._attempt(lambda: rules.accept_offer(booking=booking, by=booking.person, now=late))
        self._expect_refused("the offer had expired", refusals.OfferNotOpen)

    @precondition(lambda self: self.workshop is not None and self._offered())
    @rule(pick=picks, aim=st.booleans(), actor=actors)
    def decline(self, pick, aim, actor):
        booking = self._pick(pick, [OFFERED] if aim else None)
        actor = self._actor(actor, booking)
        self._begin(f"{actor} declines the offer of {self._describe(booking)}", actor, booking)
        row = self.now.bookings[booking.pk]
        self._attempt(lambda: rules.decline_offer(booking=booking, by=actor))
        if row.status != OFFERED:
            self._expect_refused("there is no offer", refusals.OfferNotOpen)
        elif not self._may_manage(actor, row):
            self._expect_refused(f"{actor} may not answer this offer", refusals.NotAllowed)
        else:
            self._expect(booking, CANCELLED, "the offer was open")

    @precondition(lambda self: self.workshop is not None and self._offered())
    @rule()
    def expire_offers(self):
        offered = self._offered()
        now = max(self.now.bookings[pk].offer_expires_at for pk in offered)
        now += datetime.timedelta(minutes=1)
        self._begin(f"offers expire (at {now:%d %b %H:%M})")
        self.clock = max(self.clock, now)
        rules.expire_offers(now=now)
        for pk in offered:
            booking = Booking.objects.get(pk=pk)
            assert (booking.status, booking.cancellation_reason) == (
                CANCELLED,
                CancellationReason.OFFER_EXPIRED,
            ), f"{self._describe(booking)} outlived its offer's deadline"
        # The places are offered again, in the order of the waiting list.
        after_expiry = dataclasses.replace(
            self.now,
            bookings={
                pk: (dataclasses.replace(row, status=CANCELLED) if pk in offered else row)
                for pk, row in self.now.bookings.items()
            },
        )
        self._expect_offers(self._offers(after_expiry, now=now))

    @precondition(
        lambda self: (
            self.workshop is not None and self.now.workshop["status"] == Workshop.Status.OPEN
        )
    )
    @rule(door=doors)
    def close_booking(self, door):
        self._begin(f"the operations manager closes booking ({door})", admin=door == "admin")
        if door == "admin":
            self._admin_action("workshops_workshop", "close_booking", self.workshop)
        else:
            self._attempt(lambda: rules.close_booking(workshop=self.workshop, closed_by=self.ops))
        status = Workshop.objects.get(pk=self.workshop.pk).status
        assert status == Workshop.Status.CLOSED, f"booking did not close: {status}"

    @precondition(
        lambda self: (
            self.workshop is not None and self.now.workshop["status"] == Workshop.Status.CLOSED
        )
    )
    @rule()
    def reopen_booking(self):
        self._begin("the operations manager opens booking again", invites=True)
        rules.open_for_booking(workshop=self.workshop, opened_by=self.ops)
        status = Workshop.objects.get(pk=self.workshop.pk).status
        assert status == Workshop.Status.OPEN

    @precondition(lambda self: self.workshop is not None)
    @rule(capacity=st.integers(min_value=0, max_value=6), door=form_doors)
    def change_capacity(self, capacity, door):
        self._begin(
            f"the operations manager changes the capacity to {capacity} ({door})",
            admin=door == "admin",
        )
        held, before = len(self.now.holders()), self.now.workshop["capacity"]
        if door == "admin":
            self._change_in_admin(capacity=capacity)
        else:
            self._attempt(
                lambda: rules.change_places(
                    workshop=self.workshop, changed_by=self.ops, capacity=capacity
                )
            )
        now = Workshop.objects.get(pk=self.workshop.pk).capacity
        if capacity == before:
            self._expect_unchanged(f"the capacity is {capacity} already")
        elif capacity < held:
            assert now == before, f"the capacity went to {now}, below the {held} places held"
            self._expect_refused(f"{held} places are held")
        else:
            assert now == capacity, f"the capacity is {now}, not {capacity}"
            self._expect_offers(self._offers(self._with_workshop(capacity=capacity)))

    @precondition(lambda self: self.workshop is not None)
    @rule(places=st.integers(min_value=1, max_value=3), door=form_doors)
    def change_places_per_trust(self, places, door):
        self._begin(
            f"the operations manager changes the places per Trust to {places} ({door})",
            admin=door == "admin",
        )
        held = collections.Counter(row.trust for row in self.now.holders())
        most = max(held.values(), default=0)
        before = self.now.workshop["places_per_trust"]
        if door == "admin":
            self._change_in_admin(places_per_trust=places)
        else:
            self._attempt(
                lambda: rules.change_places(
                    workshop=self.workshop, changed_by=self.ops, places_per_trust=places
                )
            )
        now = Workshop.objects.get(pk=self.workshop.pk).places_per_trust
        if places == before:
            self._expect_unchanged(f"the places per Trust are {places} already")
        elif places < most:
            assert now == before, f"the places per Trust went to {now}, below {most} held"
            self._expect_refused(f"a Trust holds {most} places")
        else:
            assert now == places, f"the places per Trust are {now}, not {places}"
            self._expect_offers(self._offers(self._with_workshop(places_per_trust=places)))

    # After every step --------------------------------------------------------------

    @invariant()
    def the_rules_hold(self):
        if self.workshop is None:
            return
        before, after = self.now, self._state()
        messages = events = []
        if after.last_message != before.last_message:
            messages = list(
                OutgoingEmail.objects.filter(pk__gt=before.last_message)
                .select_related("recipient")
                .order_by("pk")
            )
        if after.last_event != before.last_event:
            events = list(BookingEvent.objects.filter(pk__gt=before.last_event).order_by("pk"))
        self.overrides |= {e.booking_id for e in events if e.action == Action.BOOKED_BEYOND_CAPS}
        self._check_places(after)
        self._check_one_booking_per_person(after)
        self._check_free_places_offered(after)
        if self._refused or self._unchanged:
            self._check_nothing_changed(before, after, messages, events)
        self._check_messages(before, after, messages)
        self._check_audit_trail(before, after, events)
        for message in messages:
            self._check_video_link_in(message)
            apply_calendar(self.calendars, message)
        self._check_calendars(self.calendars, after, "delivered after each step")
        if STATS is not None:
            STATS[(self._rule, "refused" if self._refused else "done")] += 1
            for pk, row in after.bookings.items():
                old = before.bookings.get(pk)
                if row.changed_from(old):
                    STATS[(old and old.status, "→", row.status, row.reason)] += 1
        self.now = after
        self._clean = True

    def _check_places(self, state):
        workshop, holders = state.workshop, state.holders()
        assert len(holders) <= workshop["capacity"], (
            f"{len(holders)} places held at a workshop of capacity {workshop['capacity']}"
        )
        overrides = [
            row
            for pk, row in state.bookings.items()
            if pk in self.overrides and row.status in PLACE_HOLDING_STATUSES
        ]
        by_trust = collections.Counter(row.trust for row in holders)
        beyond = collections.Counter(row.trust for row in overrides)
        for trust, held in by_trust.items():
            assert held <= workshop["places_per_trust"] + beyond[trust], (
                f"a Trust holds {held} places; its places are {workshop['places_per_trust']}"
                f" (and {beyond[trust]} beyond them by an override)"
            )
        if workshop["one_per_functional_area"]:
            by_area = collections.Counter((row.trust, row.area) for row in holders)
            beyond = collections.Counter((row.trust, row.area) for row in overrides)
            for (trust, area), held in by_area.items():
                assert held <= 1 + beyond[(trust, area)], f"a Trust holds {held} places in {area}"

    def _check_free_places_offered(self, state):
        """A free place is offered at once to the first person waiting whose Trust may take
        it, until the workshop starts."""
        if self.clock < self.workshop.starts_at:
            unoffered = self._offers(state)
            assert not unoffered, (
                f"{self._step}: a place is free, yet bookings {unoffered} are still waiting"
            )

    def _check_one_booking_per_person(self, state):
        active = collections.Counter(
            row.person for row in state.bookings.values() if row.status in ACTIVE
        )
        twice = {self.users[person]: count for person, count in active.items() if count > 1}
        assert not twice, f"people with more than one active booking: {twice}"

    def _check_nothing_changed(self, before, after, messages, events):
        why = f"{self._step}: {self._refused or self._unchanged}"
        assert after.bookings == before.bookings, f"{why}, yet bookings changed"
        assert after.workshop == before.workshop, f"{why}, yet the workshop changed"
        assert not messages, f"{why}, yet sent {[message.key for message in messages]}"
        assert not events, f"{why}, yet wrote {[event.action for event in events]}"

    def _check_messages(self, before, after, messages):
        """The people concerned by each change are told once each, and no one else."""
        expected = collections.Counter()
        for pk, row in after.bookings.items():
            for kind, recipient in self._told(before.bookings.get(pk), row):
                expected[(pk, kind, recipient, "")] += 1
                booker = row.booked_by
                if (
                    kind != Kind.PLACE_GIVEN_AWAY
                    and booker not in (None, recipient)
                    and not self.users[booker].is_staff
                ):
                    expected[(pk, Kind.BOOKER_COPY, booker, kind)] += 1
        closed = (before.workshop["status"], after.workshop["status"]) == (
            Workshop.Status.OPEN,
            Workshop.Status.CLOSED,
        )
        told_no_place = collections.Counter()
        sent = collections.Counter()
        for message in messages:
            copy_of = message.context.get("copy_of", "")
            if booking_id_of(message) is None:
                assert message.kind == Kind.INVITATION and self._invites, (
                    f"{self._step}: a {message.kind} to {message.recipient} about no booking"
                )
                assert message.recipient.is_director_level, (
                    f"{self._step}: {message.recipient} invited, not a confirmed director"
                )
                continue
            if Kind.NO_PLACE in (message.kind, copy_of):
                row = after.bookings[booking_id_of(message)]
                assert closed and row.status == WAITING, (
                    f"{self._step}: told {message.recipient} there is no place"
                )
                told_no_place[(booking_id_of(message), message.kind)] += 1
                continue
            sent[(booking_id_of(message), message.kind, message.recipient_id, copy_of)] += 1
        assert sent == expected, (
            f"{self._step}: sent {self._readable(sent)}, expected {self._readable(expected)}"
        )
        assert all(count == 1 for count in told_no_place.values()), told_no_place
        if closed:
            for pk, row in after.bookings.items():
                if row.status == WAITING:
                    assert OutgoingEmail.objects.filter(
                        about=content.about_booking(pk), kind=Kind.NO_PLACE, recipient_id=row.person
                    ).exists(), f"{self.users[row.person]} was never told there is no place"
        if self._invites:
            invited = collections.Counter(
                OutgoingEmail.objects.filter(kind=Kind.INVITATION).values_list(
                    "recipient_id", flat=True
                )
            )
            assert all(count == 1 for count in invited.values()), f"invited twice: {invited}"

    def _told(self, before, row):
        """(kind, recipient) of what a booking's change tells the people concerned."""
        if before is None:
            return [(TOLD_OF_STATUS[row.status], row.person)]
        if before.person != row.person:
            return [
                (Kind.PLACE_GIVEN_AWAY, before.person),
                (TOLD_OF_STATUS[row.status], row.person),
            ]
        if before.status == row.status:
            return []
        if row.status == CANCELLED:
            kind = TOLD_OF_END[row.reason]
            return [(kind, row.person)] if kind else []
        transitions = {
            (AWAITING, CONFIRMED): Kind.BOOKING_APPROVED,
            (WAITING, OFFERED): Kind.PLACE_OFFERED,
            (OFFERED, CONFIRMED): Kind.BOOKING_CONFIRMED,
            (OFFERED, AWAITING): Kind.AWAITING_APPROVAL,
        }
        kind = transitions.get((before.status, row.status))
        assert kind, f"{self._step}: a booking went from {before.status} to {row.status}"
        return [(kind, row.person)]

    def _check_audit_trail(self, before, after, events):
        """Each change is in the booking's audit trail, with who made it."""
        by_booking = collections.defaultdict(list)
        for event in events:
            by_booking[event.booking_id].append(event)
        for pk, row in after.bookings.items():
            old = before.bookings.get(pk)
            if old is not None:
                assert row.booked_by == old.booked_by, f"{self._step}: who booked it changed"
            if not row.changed_from(old):
                continue
            assert by_booking[pk], f"{self._step}: booking {pk} changed ({old} → {row}), unrecorded"
            if old is None:
                booked = [
                    event
                    for event in by_booking[pk]
                    if event.action in (Action.BOOKED, Action.BOOKED_BEYOND_CAPS)
                ]
                assert booked and booked[0].actor_id == row.booked_by, (
                    f"{self._step}: the new booking's audit trail does not say who booked it"
                )
            if pk == self._target and self._actor_pk:
                actors = {event.actor_id for event in by_booking[pk]}
                assert self._actor_pk in actors, (
                    f"{self._step}: the audit trail names {actors}, not {self._actor_pk}"
                )
        if self._admin:
            doors = {event.door for event in events}
            assert all(door.startswith("admin") for door in doors), doors

    def _check_video_link_in(self, message):
        """Rendered as a worker would: the link goes to the confirmed attendee alone."""
        email = mail.render(message)
        parts = [email.body, *(content for content, _ in email.alternatives)]
        parts += [attachment.content for attachment in email.attachments]
        if any(LINK in (p if isinstance(p, str) else p.decode()) for p in parts):
            _, booking = content.workshop_and_booking(message)
            assert (
                booking is not None
                and booking.person_id == message.recipient_id
                and booking.status == CONFIRMED
            ), f"{self._step}: the video link went to {message.recipient} in {message.kind}"

    def _check_calendars(self, calendars, state, how):
        expected = collections.defaultdict(set)
        for pk, row in state.bookings.items():
            if row.status == CONFIRMED:
                expected[row.person].add(calendar_uid(pk))
        held = collections.defaultdict(set)
        for person, entries in calendars.items():
            for uid, entry in entries.items():
                if entry.active:
                    assert entry.link, f"{self.users[person]}'s entry {uid} has no video link"
                    held[person].add(uid)
        assert held == expected, (
            f"{self._step}: calendars ({how}) hold the workshop for "
            f"{self._by_name(held)}; the confirmed attendees are {self._by_name(expected)}"
        )

    def _check_late_delivery(self):
        """Every message delivered only now, in the order sent, gives the same calendars."""
        calendars = collections.defaultdict(dict)
        for message in (
            OutgoingEmail.objects.filter(kind__in=CALENDAR_KINDS)
            .select_related("recipient")
            .order_by("pk")
        ):
            apply_calendar(calendars, message)
        self._check_calendars(calendars, self._state(), "delivered late")

    # The rules, as the checks expect them ---------------------------------------

    def _status_for_place(self, person):
        if self.now.workshop["director_level_only"] and not person.is_director_level:
            return AWAITING
        return CONFIRMED

    def _may_manage(self, actor, row):
        return (
            actor.pk == self.ops.pk
            or actor.pk in (row.person, row.booked_by)
            or (actor.trust_id == row.trust and actor.is_director_level)
        )

    def _booking_outcome(self, person, booker, area, *, override=False):
        """The status a new booking must get, or None if the rules refuse it.

        ``booker`` None is the operations manager in the admin, who may override the
        Trust's places (never the capacity)."""
        state, workshop = self.now, self.now.workshop
        # Only a Trust's confirmed director-level people book for colleagues.
        for_a_colleague = booker is not None and booker.pk != person.pk
        if for_a_colleague and (not booker.is_director_level or booker.trust_id != person.trust_id):
            return None
        if workshop["status"] != Workshop.Status.OPEN:
            return None
        if state.active_booking_of(person.pk):
            return None
        full = len(state.holders()) >= workshop["capacity"]
        trust_holders = [row for row in state.holders() if row.trust == person.trust_id]
        beyond_caps = len(trust_holders) >= workshop["places_per_trust"] or (
            workshop["one_per_functional_area"] and any(r.area == area for r in trust_holders)
        )
        if beyond_caps and (not override or full):
            return None
        return WAITING if full else self._status_for_place(person)

    def _why_not_approved(self, pk, row):
        if row.status != AWAITING:
            return "it is not awaiting approval"
        workshop, others = (
            self.now.workshop,
            [other for other_pk, other in self.now.bookings.items() if other_pk != pk],
        )
        holders = [other for other in others if other.status in PLACE_HOLDING_STATUSES]
        trust_holders = [other for other in holders if other.trust == row.trust]
        if workshop["one_per_functional_area"] and any(o.area == row.area for o in trust_holders):
            return "the Trust holds its functional area"
        if len(trust_holders) >= workshop["places_per_trust"]:
            return "the Trust holds its places"
        if len(holders) >= workshop["capacity"]:
            return "the workshop is full"
        return None

    def _offers(self, state, *, now=None):
        """The waiting bookings the free places must be offered to, in order."""
        now = now or timezone.now()
        workshop = state.workshop
        if workshop["status"] not in rules.CHANGEABLE_STATUSES:
            return []
        if self.workshop.starts_at <= now:
            return []
        holders = state.holders()
        free = workshop["capacity"] - len(holders)
        offered = []
        waiting = sorted(
            (pk for pk, row in state.bookings.items() if row.status == WAITING),
            key=lambda pk: (state.bookings[pk].requested_at, pk),
        )
        for pk in waiting:
            if free <= 0:
                break
            row = state.bookings[pk]
            trust_holders = [h for h in holders if h.trust == row.trust]
            if len(trust_holders) >= workshop["places_per_trust"] or (
                workshop["one_per_functional_area"]
                and any(h.area == row.area for h in trust_holders)
            ):
                continue
            offered.append(pk)
            holders.append(dataclasses.replace(row, status=OFFERED))
            free -= 1
        return offered

    # Harness -----------------------------------------------------------------------

    def _begin(self, step, actor=None, booking=None, door="rules", *, admin=False, invites=False):
        """Start a step: what it is (in the report of a failing example) and who acts."""
        note(step)
        self._step = step
        self._clean = False
        self._refused = None
        self._refusal = None
        self._unchanged = None
        self._invites = invites
        self._target = booking.pk if booking else None
        self._actor_pk = actor.pk if actor else None
        self._admin = admin or door == "admin"
        # The rule's name, for BOOKING_MACHINE_STATS.
        self._rule = f"{sys._getframe(1).f_code.co_name} ({'admin' if self._admin else 'rules'})"

    def _attempt(self, call):
        """Call a rule function; a refusal is a step like any other."""
        try:
            return call()
        except refusals.BookingError as refusal:
            note(f"  refused: {refusal.message}")
            self._refused = refusal.message
            self._refusal = refusal
            return None

    def _expect_refused(self, why, error_class=refusals.BookingError):
        assert self._refused, f"{self._step}: not refused, though {why}"
        if self._refusal is not None:
            assert isinstance(self._refusal, error_class), (
                f"{self._step}: refused with {type(self._refusal).__name__}, "
                f"not {error_class.__name__} ({why})"
            )

    def _expect_unchanged(self, why):
        """A step the rules make a no-op: checked to change nothing, send nothing."""
        assert not self._refused, f"{self._step}: refused ({self._refused}), though {why}"
        self._unchanged = why

    def _expect(self, booking, status, why):
        now = Booking.objects.get(pk=booking.pk).status
        assert now == status, f"{self._step}: the booking is {now}, not {status}: {why}"

    def _expect_new_booking(self, booking, expected):
        new = self._new_bookings()
        if expected is None:
            assert booking is None and not new, (
                f"{self._step}: booked ({booking and booking.status}), though the rules refuse it"
            )
            return
        assert booking is not None, f"{self._step}: refused ({self._refused}), expected {expected}"
        assert new == [booking.pk]
        assert booking.status == expected, (
            f"{self._step}: booked as {booking.status}, not {expected}"
        )

    def _expect_offers(self, expected):
        offered = [
            booking.pk
            for booking in Booking.objects.filter(
                workshop=self.workshop, status=OFFERED, pk__in=self.now.bookings
            )
            if self.now.bookings[booking.pk].status == WAITING
        ]
        assert sorted(offered) == sorted(expected), (
            f"{self._step}: offered {offered}, expected {expected} (first come, within the caps)"
        )

    def _new_bookings(self):
        return list(
            Booking.objects.filter(workshop=self.workshop)
            .exclude(pk__in=self.now.bookings)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def _admin_post(self, url, data):
        """Post as the operations manager; returns the response and what the admin said."""
        # What the admin said after an earlier request, never shown, is not for this one.
        self.client.cookies.pop("messages", None)
        session = self.client.session
        if session.pop("_messages", None) is not None:
            session.save()
        response = self.client.post(url, data)
        said = list(get_messages(response.wsgi_request))
        note(f"  the admin says: {[str(message) for message in said]}")
        return response, said

    def _admin_action(self, model, action, obj):
        response, said = self._admin_post(
            reverse(f"admin:{model}_changelist"), {"action": action, "_selected_action": [obj.pk]}
        )
        assert response.status_code == 302, response.status_code
        assert not any("No action selected" in str(m) or "must be selected" in str(m) for m in said)
        if refusals := [str(m) for m in said if m.level == WARNING]:
            self._refused = " ".join(refusals)

    def _change_in_admin(self, **changes):
        """Post the workshop's change form back with ``changes``, as the manager would."""
        url = reverse("admin:workshops_workshop_change", args=[self.workshop.pk])
        page = self.client.get(url)
        forms = [page.context["adminform"].form]
        for inline in page.context["inline_admin_formsets"]:
            forms += [inline.formset.management_form, *inline.formset.forms]
        data = {}
        for form in forms:
            for field in form:
                value = field.value()
                if value is None or value is False:
                    continue
                data[field.html_name] = "on" if value is True else value
        data.update(changes)
        response, _ = self._admin_post(url, data)
        if response.status_code == 200:
            self._refused = "the admin showed the form again"
        else:
            assert response.status_code == 302, response.status_code

    def _state(self):
        bookings = {
            booking["pk"]: Row(
                status=booking["status"],
                person=booking["person_id"],
                trust=booking["trust_id"],
                area=booking["functional_area"],
                reason=booking["cancellation_reason"],
                booked_by=booking["booked_by_id"],
                requested_at=booking["requested_at"],
                offer_expires_at=booking["offer_expires_at"],
            )
            for booking in Booking.objects.filter(workshop=self.workshop)
            .order_by("pk")
            .values(
                "pk",
                "status",
                "person_id",
                "trust_id",
                "functional_area",
                "cancellation_reason",
                "booked_by_id",
                "requested_at",
                "offer_expires_at",
            )
        }
        workshop = (
            Workshop.objects.annotate(
                last_message=Subquery(OutgoingEmail.objects.order_by("-pk").values("pk")[:1]),
                last_event=Subquery(BookingEvent.objects.order_by("-pk").values("pk")[:1]),
            )
            .values(
                "status",
                "capacity",
                "places_per_trust",
                "one_per_functional_area",
                "director_level_only",
                "last_message",
                "last_event",
            )
            .get(pk=self.workshop.pk)
        )
        return State(
            bookings=bookings,
            last_message=workshop.pop("last_message") or 0,
            last_event=workshop.pop("last_event") or 0,
            workshop=workshop,
        )

    def _with_workshop(self, **values):
        return dataclasses.replace(self.now, workshop={**self.now.workshop, **values})

    def _person(self, index):
        return self.people[index % len(self.people)]

    def _actor(self, index, booking):
        if index == 0:
            return booking.person
        if index == 1 and booking.booked_by_id:
            return self.users[booking.booked_by_id]
        if index == 2:
            return self.ops
        return self.people[(index - 3) % len(self.people)]

    def _pick(self, index, statuses):
        """A booking: of these statuses if there is one (``None``: any), else any."""
        bookings = self.now.bookings
        candidates = [
            pk for pk, row in bookings.items() if statuses is None or row.status in statuses
        ]
        candidates = candidates or list(bookings)
        return Booking.objects.select_related("person", "booked_by", "workshop").get(
            pk=candidates[index % len(candidates)]
        )

    def _waiting(self):
        return [pk for pk, row in self.now.bookings.items() if row.status == WAITING]

    def _offered(self):
        return [pk for pk, row in self.now.bookings.items() if row.status == OFFERED]

    def _describe(self, booking):
        return f"booking {booking.pk} of {booking.person} ({booking.get_status_display()})"

    def _by_name(self, people):
        return {str(self.users[person]): sorted(uids) for person, uids in people.items()}

    def _readable(self, counter):
        return sorted(
            (pk, kind, str(self.users[recipient]), copy_of, count)
            for (pk, kind, recipient, copy_of), count in counter.items()
        )


STATS = collections.Counter() if os.environ.get("BOOKING_MACHINE_STATS") else None


def test_the_booking_rules_hold_through_random_sequences_of_changes(on_postgres):
    run_state_machine_as_test(
        BookingMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            derandomize=IN_CI,
            print_blob=True,
            phases=list(Phase) if SHRINK else [p for p in Phase if p != Phase.shrink],
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.filter_too_much,
                HealthCheck.data_too_large,
            ],
        ),
    )
    if STATS is not None:
        for key, count in sorted(STATS.items(), key=str):
            print(f"{count:6} {' '.join(str(part) for part in key)}")
