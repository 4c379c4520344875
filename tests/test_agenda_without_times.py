"""A workshop whose start and end are not recorded: its agenda items may not have times."""

import datetime

import pytest

from tests.factories import WorkshopFactory
from workshops.models import Workshop
from workshops.steering import agenda
from workshops.steering.agenda import AgendaError

pytestmark = pytest.mark.django_db

T = datetime.time


def test_an_item_with_a_time_on_a_workshop_without_times_is_refused(steering_member):
    draft = WorkshopFactory(status=Workshop.Status.DRAFT, start_time=None, end_time=None)

    with pytest.raises(AgendaError) as refusal:
        agenda.add_agenda_item(
            workshop=draft, added_by=steering_member, title="Welcome", start_time=T(10)
        )

    assert refusal.value.field == "start_time"
    assert "need the workshop's start and end times" in refusal.value.message
    assert not draft.agenda_items.exists()


def test_an_item_without_a_time_is_added_to_a_workshop_without_times(steering_member):
    draft = WorkshopFactory(status=Workshop.Status.DRAFT, start_time=None, end_time=None)

    agenda.add_agenda_item(
        workshop=draft, added_by=steering_member, title="Presentations", start_time=None
    )

    assert list(draft.agenda_items.values_list("title", flat=True)) == ["Presentations"]


def test_blanking_the_times_of_a_workshop_whose_agenda_has_times_is_refused(steering_member):
    draft = WorkshopFactory(status=Workshop.Status.DRAFT, start_time=T(10), end_time=T(13))
    agenda.add_agenda_item(
        workshop=draft, added_by=steering_member, title="Welcome", start_time=T(10)
    )

    with pytest.raises(AgendaError, match="need the workshop's start and end times"):
        agenda.change_workshop(
            workshop=draft, changed_by=steering_member, start_time=None, end_time=None
        )

    draft.refresh_from_db()
    assert (draft.start_time, draft.end_time) == (T(10), T(13))
