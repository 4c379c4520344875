"""No past event shows a time, format, number of places or "Held" that its record lacks.

The Collaborative's pages give some past events' times and formats and not others';
they show two events to have taken place (February 2018, May 2020) and only announce
the rest. The pages say "not recorded" where the data leaves a field empty, and call
an event held only where the data says so.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from resources.models import Resource
from tests.factories import ResourceFactory, WorkshopFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

CLOCK = re.compile(r"\b\d{2}:\d{2}\b")
HELD_TAG = '<strong class="nhsuk-tag nhsuk-tag--grey">Held</strong>'


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def row(page, key):
    """The value of a summary-list row on the page."""
    match = re.search(
        rf'<dt class="nhsuk-summary-list__key">{re.escape(key)}</dt>\s*'
        r'<dd class="nhsuk-summary-list__value">(.*?)</dd>',
        page,
    )
    assert match, f"no {key} row"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def past_events():
    return list(Workshop.objects.public().past())


def test_the_demo_marks_held_only_the_events_the_record_shows_took_place(demo):
    held = Workshop.objects.filter(status=Workshop.Status.HELD)
    assert sorted(w.date for w in held) == [datetime.date(2018, 2, 1), datetime.date(2020, 5, 14)]


def test_no_past_event_of_the_demo_has_a_made_up_number_of_places(demo):
    assert {w.capacity for w in past_events()} == {None}


def test_the_times_of_past_events_are_the_recorded_ones_only(demo):
    times = {w.slug: (w.start_time, w.end_time) for w in past_events()}
    recorded = {slug: value for slug, value in times.items() if value != (None, None)}
    assert recorded == {
        "2020-07-02-psychological-support-for-nhs-staff": (
            datetime.time(10, 30),
            datetime.time(12, 30),
        ),
        "2020-11-16-diversity-and-inclusion": (datetime.time(10, 30), None),
    }


def test_every_past_event_page_says_not_recorded_for_what_its_data_lacks(client, demo):
    for workshop in past_events():
        page = text_of(client.get(workshop.get_absolute_url()))
        time = row(page, "Time (UK)")
        if workshop.start_time is None and workshop.end_time is None:
            assert time == "Not recorded", workshop.slug
        elif workshop.end_time is None:
            assert "end not recorded" in time, workshop.slug
        if not workshop.format:
            assert row(page, "Format") == "Not recorded", workshop.slug
        if workshop.capacity is None:
            assert row(page, "Places") == "Not recorded", workshop.slug
            assert " in all" not in page, workshop.slug
        if workshop.status != Workshop.Status.HELD:
            assert HELD_TAG not in page, workshop.slug
            assert "Announced; not recorded as held" in page, workshop.slug
            assert "does not show whether it took place" in page, workshop.slug


def test_no_past_event_page_shows_a_clock_time_it_lacks(client, demo):
    for workshop in past_events():
        if workshop.start_time or workshop.end_time:
            continue
        page = text_of(client.get(workshop.get_absolute_url()))
        # Agenda items may carry their own recorded times; the summary list carries none.
        summary = page.split('<dl class="nhsuk-summary-list', 1)[1].split("</dl>", 1)[0]
        assert not CLOCK.search(summary), workshop.slug


def test_an_event_known_by_its_month_shows_no_day(client, demo):
    workshop = Workshop.objects.get(slug="2018-02-thriving-at-work")

    page = text_of(client.get(workshop.get_absolute_url()))

    assert row(page, "Date") == "February 2018 (day not recorded)"
    assert "1 February 2018" not in page
    assert "Monday" not in page and "Thursday" not in page


def test_the_programme_never_calls_an_unrecorded_event_held(client, demo):
    # The past comes a year at a time: every year's page, read as one.
    years = sorted({w.date.year for w in Workshop.objects.public().past()})
    past = "".join(
        text_of(client.get(reverse("workshops:programme"), {"year": year})).split(
            "Past workshops", 1
        )[1]
        for year in years
    )

    rows = re.findall(r'<tr class="nhsuk-table__row">(.*?)</tr>', past)
    body_rows = [r for r in rows if "<td" in r]
    held_rows = [r for r in body_rows if HELD_TAG in r]
    assert len(held_rows) == 2
    assert any("February 2018" in r for r in held_rows)
    assert any("14 May 2020" in r for r in held_rows)
    for event in body_rows:
        if HELD_TAG not in event:
            assert "Announced; not recorded as held" in event
    assert "10:00 to 13:00" not in past
    assert "Time not recorded" in past


def test_a_report_whose_date_is_not_recorded_shows_none(client, demo):
    report = Resource.objects.get(slug="thriving-at-work-workshop-report")

    detail = text_of(client.get(report.get_absolute_url()))
    library = text_of(client.get(reverse("resources:library")))

    assert row(detail, "Published") == "Not recorded"
    assert "March 2018" not in detail
    assert "publication date not recorded" in library


def test_a_report_whose_date_is_not_recorded_offers_no_year(client):
    ResourceFactory(published_on=datetime.date(2018, 2, 1), publication_date_not_recorded=True)
    ResourceFactory(published_on=datetime.date(2020, 1, 1))

    response = client.get(reverse("resources:library"), {"year": 2018})

    assert [year for year, _ in response.context["form"].fields["year"].choices] == ["", 2020]


# The model and the pages, whatever the data --------------------------------------


def past(**fields):
    fields.setdefault("status", Workshop.Status.AGENDA_AGREED)
    return WorkshopFactory(
        date=timezone.localdate() - datetime.timedelta(days=400), video_link="", **fields
    )


def test_a_past_workshop_may_leave_times_format_and_capacity_unrecorded(client):
    workshop = past(start_time=None, end_time=None, format="", capacity=None)
    workshop.full_clean()

    page = text_of(client.get(workshop.get_absolute_url()))

    assert row(page, "Time (UK)") == "Not recorded"
    assert row(page, "Format") == "Not recorded"
    assert row(page, "Places") == "Not recorded"
    assert row(page, "Venue") == "Not recorded"


def test_a_workshop_ahead_must_have_its_times_format_and_capacity():
    from django.core.exceptions import ValidationError

    workshop = WorkshopFactory.build(start_time=None, end_time=None, format="", capacity=None)

    with pytest.raises(ValidationError) as refusal:
        workshop.full_clean(exclude=["theme", "slug"])

    assert {"start_time", "end_time", "format", "capacity"} <= set(refusal.value.message_dict)


def test_the_database_refuses_a_bookable_workshop_without_times():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        past(status=Workshop.Status.OPEN, start_time=None, end_time=None)


def test_a_workshop_with_times_keeps_its_calendar_moments():
    workshop = WorkshopFactory()

    assert workshop.starts_at.time() == workshop.start_time
    assert workshop.ends_at.time() == workshop.end_time


def test_a_past_event_without_times_has_no_calendar_moments():
    workshop = past(start_time=None, end_time=None)

    assert (workshop.starts_at, workshop.ends_at) == (None, None)
