"""The engagement dashboard's figures: which Trusts take part, in what, and where.

Each figure is one aggregate query, so the dashboard costs the same number of
queries for ten bookings as for ten thousand. Charts are laid out here as plain
numbers, for the template to draw as SVG.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import formats, timezone

from collaborative.people.models import FunctionalArea
from trusts.models import Region, Trust
from workshops.models import PLACE_HOLDING_STATUSES, Booking, Workshop

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

ATTENDED, BOOKED, NONE = "attended", "booked", "none"
STATE_LABELS = {ATTENDED: "Attended", BOOKED: "Booked", NONE: "Not booked"}

HOLDS_A_PLACE = Q(status__in=PLACE_HOLDING_STATUSES)
CAME = Q(attended=True)


def years() -> list[int]:
    """Years with a workshop past the draft stage, latest first."""
    return [day.year for day in Workshop.objects.public().dates("date", "year", order="DESC")]


def chosen_year(
    requested: str | None, available: Sequence[int], today: datetime.date | None = None
) -> int:
    """The year asked for if it has workshops; else this year, or the latest that has some."""
    today = today or timezone.localdate()
    # ASCII digits only: "²".isdigit() is true, and int("²") fails.
    if requested and re.fullmatch(r"[0-9]{1,4}", requested) and int(requested) in available:
        return int(requested)
    if not available or today.year in available:
        return today.year
    return available[0]


class Counted(TypedDict):
    """What ``workshops_of`` counts on each workshop."""

    places_taken: int
    came: int


def workshops_of(year: int) -> list[WithAnnotations[Workshop, Counted]]:
    """The year's workshops that went ahead or are going ahead, with their places booked
    and attendances."""
    return list(
        Workshop.objects.public()
        .filter(date__year=year)
        .exclude(status=Workshop.Status.CANCELLED)
        .with_places_taken()
        .annotate(came=Count("bookings", filter=Q(bookings__attended=True)))
        .order_by("date", "start_time")
    )


@dataclasses.dataclass
class MatrixRow:
    trust: Trust
    states: list[str]

    @property
    def cells(self) -> list[tuple[str, str]]:
        return [(state, STATE_LABELS[state]) for state in self.states]


def _state(figures: Mapping[str, object]) -> str:
    if figures["came"]:
        return ATTENDED
    return BOOKED if figures["booked"] else NONE


def matrix(workshops: Sequence[Workshop]) -> list[MatrixRow]:
    """A row per active member Trust, and per other Trust that booked: for each workshop,
    whether the Trust attended, booked (holds a place) or neither."""
    trust_bookings = Booking.objects.filter(workshop__in=workshops, trust__isnull=False)
    taking_part = {
        (figures["trust_id"], figures["workshop_id"]): _state(figures)
        for figures in trust_bookings.order_by()
        .values("trust_id", "workshop_id")
        .annotate(booked=Count("pk", filter=HOLDS_A_PLACE), came=Count("pk", filter=CAME))
    }
    trusts = Trust.objects.filter(
        Q(membership__is_active=True) | Q(pk__in=trust_bookings.values("trust_id"))
    ).order_by("name")
    return [
        MatrixRow(trust, [taking_part.get((trust.pk, w.pk), NONE) for w in workshops])
        for trust in trusts
    ]


class AreaCoverage(TypedDict):
    area: str
    trusts_booked: int
    trusts_attended: int
    people_attended: int


def coverage(workshops: Sequence[Workshop]) -> list[AreaCoverage]:
    """For each functional area: how many Trusts booked and attended, and how many people came."""
    figures = {
        row["functional_area"]: (
            row["trusts_booked"],
            row["trusts_attended"],
            row["people_attended"],
        )
        for row in Booking.objects.filter(workshop__in=workshops, trust__isnull=False)
        .order_by()
        .values("functional_area")
        .annotate(
            trusts_booked=Count("trust", distinct=True, filter=HOLDS_A_PLACE),
            trusts_attended=Count("trust", distinct=True, filter=CAME),
            people_attended=Count("pk", filter=CAME),
        )
    }
    covered = []
    for area in FunctionalArea:
        booked, attended, people = figures.get(area.value, (0, 0, 0))
        covered.append(
            AreaCoverage(
                area=area.label,
                trusts_booked=booked,
                trusts_attended=attended,
                people_attended=people,
            )
        )
    return covered


class RegionAttendance(TypedDict):
    region: str
    people: int
    trusts: int


def attendance_by_region(workshops: Sequence[Workshop]) -> list[RegionAttendance]:
    """People who came and Trusts that came, per NHS England region, every region listed."""
    figures = {
        row["trust__region"]: (row["people"], row["trusts"])
        for row in Booking.objects.filter(workshop__in=workshops, attended=True)
        .exclude(trust=None)
        .order_by()
        .values("trust__region")
        .annotate(people=Count("pk"), trusts=Count("trust", distinct=True))
    }
    regions = []
    for region in Region:
        people, trusts = figures.get(region.value, (0, 0))
        regions.append(RegionAttendance(region=region.label, people=people, trusts=trusts))
    return regions


def not_attended_since(today: datetime.date | None = None) -> tuple[datetime.date, list[Trust]]:
    """Active member Trusts nobody from which has come to a workshop in the last 12 months,
    with the date they last came (None for never)."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=365)
    recently = Booking.objects.filter(
        trust=OuterRef("pk"), attended=True, workshop__date__gte=since
    )
    trusts = (
        Trust.objects.members()
        .exclude(Exists(recently))
        .annotate(last_attended=Max("bookings__workshop__date", filter=Q(bookings__attended=True)))
        .order_by("name")
    )
    return since, list(trusts)


# Charts ----------------------------------------------------------------------------

CHART_WIDTH = 640
LABEL_WIDTH = 170
VALUE_WIDTH = 40
BAR_HEIGHT = 16
BAR_GAP = 2
GROUP_GAP = 12
LEGEND_HEIGHT = 28
LEGEND_SPACING = 180
# NHS blue and NHS warm yellow, one dark and one light, each bar outlined in NHS black
# so that both stand out from the page; every bar also carries its figure as text.
SERIES_COLOURS = ("#005eb8", "#ffb81c")
OUTLINE = "#212b32"


@dataclasses.dataclass
class Bar:
    x: int
    y: int
    width: float
    height: int
    fill: str
    value: int
    value_x: float
    value_y: int


@dataclasses.dataclass
class Chart:
    width: int
    height: int
    legend: list[dict[str, str | int]]
    labels: list[dict[str, str | float]]
    bars: list[Bar]


def bar_chart(rows: Sequence[tuple[str, Sequence[int]]], series: Sequence[str]) -> Chart:
    """Lay out a horizontal bar chart: ``rows`` are (label, [value per series]),
    ``series`` the names of the values, each drawn in its own colour."""
    longest = max((value for _, values in rows for value in values), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    legend: list[dict[str, str | int]] = [
        {"name": name, "fill": fill, "x": x, "text_x": x + 20}
        for x, name, fill in zip(
            range(LABEL_WIDTH, CHART_WIDTH, LEGEND_SPACING), series, SERIES_COLOURS, strict=False
        )
    ]
    labels: list[dict[str, str | float]] = []
    bars: list[Bar] = []
    y = LEGEND_HEIGHT
    for label, values in rows:
        group_height = len(values) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
        labels.append({"text": label, "x": LABEL_WIDTH - 8, "y": y + group_height / 2 + 4})
        for value, fill in zip(values, SERIES_COLOURS, strict=False):
            width = round(room * value / longest, 1)
            bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=y,
                    width=width,
                    height=BAR_HEIGHT,
                    fill=fill,
                    value=value,
                    value_x=LABEL_WIDTH + width + 4,
                    value_y=y + BAR_HEIGHT - 4,
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    return Chart(width=CHART_WIDTH, height=y, legend=legend, labels=labels, bars=bars)


def engagement(year: int, today: datetime.date | None = None) -> dict[str, object]:
    """Everything the dashboard shows for a year."""
    workshops = workshops_of(year)
    since, lapsed = not_attended_since(today)
    regions = attendance_by_region(workshops)
    return {
        "workshops": workshops,
        "matrix": matrix(workshops),
        "coverage": coverage(workshops),
        "regions": regions,
        "lapsed_since": since,
        "lapsed": lapsed,
        "workshop_chart": bar_chart(
            [(formats.date_format(w.date, "j M Y"), [w.places_taken, w.came]) for w in workshops],
            ["Places booked", "Attended"],
        ),
        "region_chart": bar_chart(
            [(row["region"], [row["people"]]) for row in regions], ["People who attended"]
        ),
    }


def matrix_csv_rows(year: int) -> Iterator[list[str]]:
    """The matrix as rows for a spreadsheet: a header, then one row per Trust."""
    workshops = workshops_of(year)
    yield [
        "Trust",
        "ODS code",
        "Region",
        *(f"{w.title} ({formats.date_format(w.date, 'j M Y')})" for w in workshops),
    ]
    for row in matrix(workshops):
        yield [
            row.trust.name,
            row.trust.ods_code,
            row.trust.get_region_display(),
            *(label for _, label in row.cells),
        ]
