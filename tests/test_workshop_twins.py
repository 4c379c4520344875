"""Where a rule is asked both of one workshop and of a query, the two answers agree:
``has_taken_place`` and ``taken_place()``, and ``places_left`` counted now or counted in
the query (``with_places_taken``)."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import BookingFactory, UserFactory, WorkshopFactory
from workshops.models import Booking, Workshop

pytestmark = pytest.mark.django_db


def test_has_taken_place_and_taken_place_agree_for_every_status_and_day():
    today = timezone.localdate()
    for status in Workshop.Status:
        for days in (-30, 0, 30):
            WorkshopFactory(status=status, date=today + datetime.timedelta(days=days))
    taken_place = set(Workshop.objects.taken_place().values_list("pk", flat=True))
    answers = {workshop.pk: workshop.has_taken_place for workshop in Workshop.objects.all()}
    assert {pk for pk, yes in answers.items() if yes} == taken_place
    # Held ones whatever the day, and the past ones that were announced.
    assert len(taken_place) == 3 + 3


def test_places_left_counted_now_or_in_the_query_agree(trust_a):
    workshop = WorkshopFactory(capacity=4, one_per_functional_area=False)
    now = timezone.now()
    what_each_status_needs = {
        Booking.Status.OFFERED: {"offer_expires_at": now + datetime.timedelta(days=1)},
        Booking.Status.CANCELLED: {"cancelled_at": now},
    }
    for status in Booking.Status:
        BookingFactory(
            workshop=workshop,
            status=status,
            person=UserFactory(trust=trust_a),
            one_per_functional_area=False,
            **what_each_status_needs.get(status, {}),
        )
    counted_in_query = Workshop.objects.with_places_taken().get(pk=workshop.pk)
    # Confirmed, awaiting approval and offered hold a place; waiting and cancelled do not.
    assert workshop.places_left() == counted_in_query.places_left() == 1
    over = WorkshopFactory(
        capacity=1, one_per_functional_area=False
    )  # more places held than it has, after an override
    for _ in range(2):
        BookingFactory(
            workshop=over, person=UserFactory(trust=trust_a), one_per_functional_area=False
        )
    assert over.places_left() == 0


def test_a_past_event_without_a_recorded_capacity_has_no_places_left_to_tell():
    assert WorkshopFactory.build(capacity=None).places_left() is None
