"""The operations manager's rules hold under parallel requests, on PostgreSQL: moving
bookings between workshops, and changing a workshop's capacity while people book."""

import pytest

from tests.factories import BookingFactory, UserFactory, WorkshopFactory
from tests.test_booking_concurrency import booking_call, fill, people_of_many_trusts, run_together
from workshops import refusals
from workshops.booking import rules
from workshops.models import Booking, BookingStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def operations(db):
    return UserFactory(email="ops@nmhwdc.nhs.uk", is_staff=True, is_superuser=True)


def move_call(booking, to_workshop, operations):
    return lambda: rules.move_booking(booking=booking, to_workshop=to_workshop, moved_by=operations)


def test_two_moves_racing_for_the_last_place_move_one(operations):
    target = WorkshopFactory(capacity=5)
    fill(target, 4)
    movers = [
        BookingFactory(workshop=WorkshopFactory(), person=person)
        for person in people_of_many_trusts(2)
    ]

    results = run_together([move_call(booking, target, operations) for booking in movers])

    assert sum(isinstance(result, Booking) for result in results) == 1, results
    assert sum(isinstance(result, refusals.NotAllowed) for result in results) == 1, results
    assert target.bookings.holding_a_place().count() == 5


def test_moves_in_opposite_directions_at_once_both_complete(operations):
    first, second = WorkshopFactory(), WorkshopFactory()
    one, other = people_of_many_trusts(2)
    there = BookingFactory(workshop=first, person=one)
    back = BookingFactory(workshop=second, person=other)

    results = run_together(
        [move_call(there, second, operations), move_call(back, first, operations)]
    )

    assert all(isinstance(result, Booking) for result in results), results
    assert second.bookings.get(status=BookingStatus.CONFIRMED).person == one
    assert first.bookings.get(status=BookingStatus.CONFIRMED).person == other


def test_capacity_cut_while_people_book_never_leaves_more_places_held_than_capacity(
    operations,
):
    workshop = WorkshopFactory(capacity=10)
    fill(workshop, 8)
    racers = people_of_many_trusts(6)

    def cut():
        return rules.change_places(workshop=workshop, changed_by=operations, capacity=8)

    results = run_together([cut, *(booking_call(workshop, person) for person in racers)])

    workshop.refresh_from_db()
    held = workshop.bookings.holding_a_place().count()
    assert held <= workshop.capacity
    if isinstance(results[0], refusals.NotAllowed):
        # Bookings took the two places first, so the cut was refused.
        assert (workshop.capacity, held) == (10, 10)
    else:
        assert (workshop.capacity, held) == (8, 8)
