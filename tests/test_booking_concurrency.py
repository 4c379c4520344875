"""The booking rules hold under parallel requests, on PostgreSQL, with real threads.

Each thread has its own database connection; a barrier releases them together.
The last test turns the workshop lock off to show these tests catch overselling.
"""

import threading
import time

import pytest
from django.db import connection

from collaborative.people.models import FunctionalArea
from tests.factories import BookingFactory, MembershipFactory, UserFactory, WorkshopFactory
from workshops import refusals
from workshops.booking import rules
from workshops.models import Booking, BookingStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

AREAS = list(FunctionalArea)


def run_together(calls):
    """Run the calls in parallel threads, started at once; return results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def people_of_many_trusts(count):
    """``count`` directors, three per Trust, one in each functional area."""
    people = []
    while len(people) < count:
        trust = MembershipFactory().trust
        people += [UserFactory(trust=trust, functional_area=area) for area in AREAS]
    return people[:count]


def fill(workshop, places):
    for person in people_of_many_trusts(places):
        BookingFactory(workshop=workshop, person=person)


def booking_call(workshop, person):
    return lambda: rules.book_place(workshop=workshop, person=person, booked_by=person)


def test_thirty_people_racing_for_the_last_two_places_get_two_places():
    workshop = WorkshopFactory(capacity=12)
    fill(workshop, 10)
    racers = people_of_many_trusts(30)
    results = run_together([booking_call(workshop, person) for person in racers])
    statuses = [getattr(result, "status", repr(result)) for result in results]
    assert statuses.count(BookingStatus.CONFIRMED) == 2, statuses
    assert statuses.count(BookingStatus.WAITING) == 28, statuses
    assert workshop.bookings.holding_a_place().count() == 12


def test_ten_people_of_one_trust_racing_for_the_nursing_place_get_one():
    workshop = WorkshopFactory(capacity=50)
    trust = MembershipFactory().trust
    nurses = [UserFactory(trust=trust, functional_area=FunctionalArea.NURSING) for _ in range(10)]
    results = run_together([booking_call(workshop, person) for person in nurses])
    booked = [result for result in results if isinstance(result, Booking)]
    refused = [result for result in results if isinstance(result, refusals.BookingError)]
    assert len(booked) == 1
    assert len(refused) == 9
    assert workshop.bookings.filter(trust=trust).count() == 1


def test_double_submit_of_one_booking_makes_one_booking(director_a):
    workshop = WorkshopFactory()
    results = run_together([booking_call(workshop, director_a) for _ in range(5)])
    assert sum(isinstance(result, Booking) for result in results) == 1
    assert sum(isinstance(result, refusals.AlreadyBooked) for result in results) == 4
    assert workshop.bookings.count() == 1


def test_cancellations_racing_offer_acceptances_never_overfill_the_workshop():
    workshop = WorkshopFactory(capacity=4)
    fill(workshop, 4)
    waiting = [
        rules.book_place(workshop=workshop, person=person, booked_by=person)
        for person in people_of_many_trusts(8)
    ]
    confirmed = list(workshop.bookings.filter(status=BookingStatus.CONFIRMED))
    rules.cancel_booking(booking=confirmed[0], by=confirmed[0].person)
    rules.cancel_booking(booking=confirmed[1], by=confirmed[1].person)
    offered = list(workshop.bookings.filter(status=BookingStatus.OFFERED))
    assert len(offered) == 2
    calls = [lambda b=b: rules.accept_offer(booking=b, by=b.person) for b in offered]
    calls += [lambda b=b: rules.cancel_booking(booking=b, by=b.person) for b in confirmed[2:]]
    calls += [lambda b=b: rules.decline_offer(booking=b, by=b.person) for b in offered[:1]]
    calls += [lambda b=b: rules.accept_offer(booking=b, by=b.person) for b in waiting[-2:]]
    run_together(calls)
    assert workshop.bookings.holding_a_place().count() <= workshop.capacity
    assert workshop.bookings.holding_a_place().count() == 4


def test_without_the_workshop_lock_the_race_oversells(monkeypatch):
    """The tests above can fail: with the lock off, the same race oversells."""
    from workshops.models import Workshop, WorkshopQuerySet

    count_places = Workshop.places_left

    def slow_count(workshop):
        places = count_places(workshop)
        time.sleep(0.2)  # widen the gap between counting and inserting
        return places

    monkeypatch.setattr(WorkshopQuerySet, "locked", lambda self, pk: self.get(pk=pk))
    monkeypatch.setattr(Workshop, "places_left", slow_count)
    workshop = WorkshopFactory(capacity=12)
    fill(workshop, 10)
    racers = people_of_many_trusts(10)
    run_together([booking_call(workshop, person) for person in racers])
    assert workshop.bookings.holding_a_place().count() > workshop.capacity
