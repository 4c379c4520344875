"""The benchmark harness (``make bench``) at a tiny scale, so that it cannot rot unnoticed."""

import pytest

from bench import dataset, report
from collaborative.people.models import User
from resources.models import Resource
from trusts.models import Trust
from workshops.models import Booking, Workshop

pytestmark = pytest.mark.slow


@pytest.mark.django_db
def test_the_data_set_generator_makes_what_it_is_asked_for():
    added, _ = dataset.generate(**dataset.SIZES["tiny"])

    assert added == {"trusts": 5, "people": 20, "workshops": 6, "bookings": 30, "resources": 10}
    assert Trust.objects.count() == 5
    assert User.objects.filter(email__endswith="@bench.example.test").count() == 20
    held = Workshop.objects.filter(status=Workshop.Status.HELD).count()
    assert 0 < held < 6, "some workshops held in the past, some open ahead"
    assert Booking.objects.count() == 30
    assert Resource.objects.published().count() == 10


def test_the_table_has_a_row_per_figure_with_its_verdict(tmp_path):
    figures = [
        report.Figure("page: home", "0.612 of bare", ">= 0.5", True),
        report.Figure("booking: decisions per second", "19/s", ">= 200/s", False),
        report.Figure("bare view", "3100/s", "reference", None),
    ]

    lines = report.table(figures).splitlines()

    assert lines[0].split("|")[1:-1] == [
        " figure                        ",
        " value         ",
        " target    ",
        " pass/fail ",
    ]
    assert [line.split("|")[4].strip() for line in lines[2:]] == ["pass", "FAIL", "-"]
    results = tmp_path / "RESULTS.md"
    report.write(figures, {"CPU": "test CPU, 2 cores"}, ["a note"], path=results)
    text = results.read_text()
    assert "- CPU: test CPU, 2 cores" in text
    assert lines[3] in text
    assert "- a note" in text
