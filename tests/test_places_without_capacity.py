"""A past event whose capacity the record does not give: its other place settings change."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import WorkshopFactory
from workshops.booking import rules
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def test_a_past_event_without_a_recorded_capacity_takes_a_change_of_its_places(
    operations_manager,
):
    event = WorkshopFactory(
        status=Workshop.Status.AGENDA_AGREED,
        date=timezone.localdate() - datetime.timedelta(days=400),
        start_time=None,
        end_time=None,
        format="",
        video_link="",
        capacity=None,
    )

    change = rules.change_places(workshop=event, changed_by=operations_manager, offer_hours=24)

    event.refresh_from_db()
    assert (event.offer_hours, event.capacity) == (24, None)
    assert change is not None and change.summary == "Changed the offer hours."
