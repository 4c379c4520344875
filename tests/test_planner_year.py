"""The steering group's planner opens on the first year with something left to plan."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import WorkshopFactory
from workshops.models import Workshop
from workshops.steering import planning

pytestmark = pytest.mark.django_db

# The last Monday of November 2026: the year's last usual workshop day.
LAST_DAY_OF_2026 = datetime.date(2026, 11, 30)


def quarterly(year, status):
    for quarter in planning.QUARTERS:
        WorkshopFactory(date=planning.default_day(year, quarter), status=status)


def test_on_the_years_last_workshop_day_the_planner_opens_on_the_next_year(db):
    assert planning.year_to_plan(LAST_DAY_OF_2026) == 2027


def test_earlier_in_the_year_it_opens_on_this_year(db):
    assert planning.year_to_plan(datetime.date(2026, 11, 29)) == 2026


def test_a_year_with_every_quarter_planned_still_has_its_drafts_to_finish(db):
    quarterly(2027, Workshop.Status.DRAFT)

    assert planning.year_to_plan(LAST_DAY_OF_2026) == 2027


def test_a_year_planned_and_agreed_is_passed_over(db):
    quarterly(2027, Workshop.Status.AGENDA_AGREED)

    assert planning.year_to_plan(LAST_DAY_OF_2026) == 2028


def test_the_planner_page_opens_on_that_year(client, steering_member):
    client.force_login(steering_member)
    year = planning.year_to_plan(timezone.localdate())

    response = client.get(reverse("workshops:steering:planner"))

    assert f"Programme planner {year}" in response.content.decode()
