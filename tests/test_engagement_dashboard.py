"""The engagement dashboard: which Trusts take part, by workshop, functional area and region."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from collaborative.people.models import FunctionalArea
from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from tests.factories import BookingFactory, MembershipFactory, UserFactory, WorkshopFactory
from tests.queries import queries_to_get
from tests.test_bookings_export import add_bookings
from trusts.models import Region
from workshops import engagement
from workshops.models import Booking, BookingStatus, Workshop

pytestmark = pytest.mark.django_db

YEAR = 2022
HELD = Workshop.Status.HELD


@pytest.fixture
def ops_client(client, operations_manager):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    client.force_login(operations_manager)
    return client


@pytest.fixture
def february(db):
    return WorkshopFactory(
        title="Growing a support workforce", date=datetime.date(YEAR, 2, 8), status=HELD
    )


@pytest.fixture
def may(db):
    return WorkshopFactory(title="Thriving at work", date=datetime.date(YEAR, 5, 10), status=HELD)


def person_of(trust, area=FunctionalArea.NURSING):
    return UserFactory(trust=trust, functional_area=area)


def page_of(client, **query):
    return client.get(reverse("admin:workshops_engagement"), query).content.decode()


def test_matrix_says_for_each_trust_and_workshop_attended_booked_or_none(
    february, may, trust_a, trust_b
):
    BookingFactory(workshop=february, person=person_of(trust_a), attended=True)
    BookingFactory(workshop=february, person=person_of(trust_b))
    BookingFactory(workshop=may, person=person_of(trust_b), status=BookingStatus.WAITING)

    rows = {row.trust: row.states for row in engagement.matrix([february, may])}

    assert rows == {trust_a: ["attended", "none"], trust_b: ["booked", "none"]}


def test_matrix_lists_member_trusts_without_bookings_and_others_that_booked(february, trust_a):
    MembershipFactory(is_active=False, trust__name="Former member NHS Trust")
    visiting = MembershipFactory(is_active=False, trust__name="Visiting NHS Trust").trust
    BookingFactory(workshop=february, person=person_of(visiting))

    trusts = [row.trust for row in engagement.matrix([february])]

    assert trusts == [trust_a, visiting]


def test_the_year_leaves_out_drafts_and_cancelled_workshops(february):
    WorkshopFactory(date=datetime.date(YEAR, 8, 1), status=Workshop.Status.DRAFT)
    WorkshopFactory(date=datetime.date(YEAR, 9, 1), status=Workshop.Status.CANCELLED)
    WorkshopFactory(date=datetime.date(YEAR + 1, 2, 1), status=HELD)

    assert engagement.workshops_of(YEAR) == [february]


def test_coverage_counts_trusts_and_people_per_functional_area(february, may, trust_a, trust_b):
    BookingFactory(workshop=february, person=person_of(trust_a), attended=True)
    BookingFactory(workshop=may, person=person_of(trust_a), attended=True)
    BookingFactory(workshop=may, person=person_of(trust_b))
    BookingFactory(
        workshop=may, person=person_of(trust_b, FunctionalArea.HR_WORKFORCE), attended=True
    )

    coverage = engagement.coverage([february, may])

    assert coverage == [
        {"area": "Nursing", "trusts_booked": 2, "trusts_attended": 1, "people_attended": 2},
        {"area": "HR / Workforce", "trusts_booked": 1, "trusts_attended": 1, "people_attended": 1},
        {
            "area": "Organisational Development / Training & Education",
            "trusts_booked": 0,
            "trusts_attended": 0,
            "people_attended": 0,
        },
    ]


def test_attendance_by_region_lists_every_region(february, trust_a):
    BookingFactory(workshop=february, person=person_of(trust_a), attended=True)
    north_west = MembershipFactory(trust__region=Region.NORTH_WEST).trust
    BookingFactory(workshop=february, person=person_of(north_west), attended=False)

    figures = {row["region"]: row["people"] for row in engagement.attendance_by_region([february])}

    assert figures == {region.label: 1 if region == Region.LONDON else 0 for region in Region}


def test_member_trusts_that_have_not_attended_for_twelve_months_are_listed(trust_a, trust_b):
    today = timezone.localdate()
    long_ago = WorkshopFactory(date=today - datetime.timedelta(days=400), status=HELD)
    lately = WorkshopFactory(date=today - datetime.timedelta(days=30), status=HELD)
    BookingFactory(workshop=long_ago, person=person_of(trust_a), attended=True)
    BookingFactory(workshop=lately, person=person_of(trust_a), attended=False)
    never = MembershipFactory(trust__name="Zeta NHS Trust").trust
    BookingFactory(workshop=long_ago, person=person_of(trust_b), attended=True)
    BookingFactory(workshop=lately, person=person_of(trust_b), attended=True)

    _, lapsed = engagement.not_attended_since()

    assert [(trust, trust.last_attended) for trust in lapsed] == [
        (trust_a, long_ago.date),
        (never, None),
    ]


def test_bar_chart_scales_bars_to_the_longest():
    chart = engagement.bar_chart([("A", [4, 2]), ("B", [0, 1])], ["Booked", "Attended"])

    widths = [bar.width for bar in chart.bars]
    room = engagement.CHART_WIDTH - engagement.LABEL_WIDTH - engagement.VALUE_WIDTH
    assert widths == [room, room / 2, 0, room / 4]
    assert [item["name"] for item in chart.legend] == ["Booked", "Attended"]


def test_bar_chart_of_nothing_draws_empty_bars():
    chart = engagement.bar_chart([("A", [0])], ["Attended"])

    assert [bar.width for bar in chart.bars] == [0]


def test_dashboard_draws_its_charts_as_svg_with_tables_of_the_same_figures(
    ops_client, february, trust_a
):
    BookingFactory(workshop=february, person=person_of(trust_a), attended=True)

    page = page_of(ops_client, year=YEAR)

    for chart in ("per-workshop-chart", "per-region-chart"):
        assert f'role="img" aria-labelledby="{chart}-title {chart}-desc"' in page
    assert (
        '<tr><th scope="row">8 Feb 2022: Growing a support workforce</th><td>1</td><td>1</td>'
        in (page)
    )
    assert '<tr><th scope="row">London</th><td>1</td><td>1</td></tr>' in page


def test_dashboard_needs_no_inline_styles_or_scripts_under_the_csp(ops_client, february):
    response = ops_client.get(reverse("admin:workshops_engagement"), {"year": YEAR})

    assert "style-src 'self'" in response["Content-Security-Policy"]
    content = response.content.decode()
    assert "style=" not in content
    assert "<script>" not in content


def test_dashboard_shows_the_year_asked_for(ops_client, february):
    WorkshopFactory(title="Next year's", date=datetime.date(YEAR + 1, 3, 1), status=HELD)

    page = page_of(ops_client, year=YEAR)

    assert "Growing a support workforce" in page
    assert "Next year&#x27;s" not in page
    assert f'<option value="{YEAR}" selected>' in page


def test_dashboard_falls_back_to_the_latest_year_with_workshops(ops_client, february):
    page = page_of(ops_client, year="not a year")

    assert f"<h1>Engagement in {YEAR}</h1>" in page


def test_matrix_downloads_as_csv(ops_client, february, may, trust_a):
    BookingFactory(workshop=may, person=person_of(trust_a), attended=True)

    response = ops_client.get(reverse("admin:workshops_engagement_csv"), {"year": YEAR})

    assert response["Content-Disposition"] == f'attachment; filename="engagement-{YEAR}.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == [
        [
            "Trust",
            "ODS code",
            "Region",
            "Growing a support workforce (8 Feb 2022)",
            "Thriving at work (10 May 2022)",
        ],
        ["Avon Test NHS Trust", "TA1", "London", "Not booked", "Attended"],
    ]


def dashboard_queries(client):
    return queries_to_get(client, reverse("admin:workshops_engagement"), {"year": YEAR})[0]


def test_dashboard_costs_the_same_queries_for_ten_and_ten_thousand_bookings(
    ops_client, february, may, trust_a, trust_b
):
    add_bookings(3, workshop=february, trust=trust_a, attended=True)
    add_bookings(3, workshop=february, trust=trust_b)
    add_bookings(4, workshop=may, trust=trust_b, attended=False)
    with_ten = dashboard_queries(ops_client)

    add_bookings(5_000, workshop=february, trust=trust_a, attended=True)
    add_bookings(4_990, workshop=may, trust=trust_b)

    assert Booking.objects.count() == 10_000
    assert dashboard_queries(ops_client) == with_ten
