"""Templates ask the model what state a thing is in (``booking.is_confirmed``,
``workshop.is_cancelled``) or compare with its choices, never with a status spelled as a
string: a renamed or new status would otherwise silently change what a page says."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from workshops.models import Booking, BookingStatus, Workshop

TEMPLATES = Path(settings.BASE_DIR) / "templates"
STRING = r"""(?:"[^"]*"|'[^']*')"""
STATUS = r"\.status\b"
# `x.status == "held"`, `"held" != x.status`, `x.status in "held open"`.
STATUS_AGAINST_A_STRING = re.compile(
    rf"{STATUS}\s*(?:==|!=|(?:not\s+)?in)\s*{STRING}|{STRING}\s*(?:==|!=)\s*[\w.]*{STATUS}"
)
TAG = re.compile(r"{%.*?%}", re.DOTALL)


def status_literals(text):
    return [tag for tag in TAG.findall(text) if STATUS_AGAINST_A_STRING.search(tag)]


@pytest.mark.parametrize(
    "tag",
    [
        '{% if booking.status == "confirmed" %}',
        "{% elif workshop.status != 'draft' and x %}",
        '{% if "held" == workshop.status %}',
        '{% if own_booking.status in "offered waiting" %}',
    ],
)
def test_the_check_finds_a_status_spelled_as_a_string(tag):
    assert status_literals(tag) == [tag]


@pytest.mark.parametrize(
    "tag",
    [
        "{% if booking.is_confirmed %}",
        "{% if request.status == request.Status.PENDING %}",
        '{% if workshop.status_note == "x" %}',
    ],
)
def test_the_check_lets_properties_and_choices_through(tag):
    assert status_literals(tag) == []


def test_no_template_compares_a_status_with_a_string():
    found = {
        str(path.relative_to(TEMPLATES)): tags
        for path in sorted(TEMPLATES.rglob("*"))
        if path.suffix in (".html", ".txt") and (tags := status_literals(path.read_text()))
    }
    assert found == {}


@pytest.mark.parametrize(
    ("model", "choices"), [(Booking, BookingStatus), (Workshop, Workshop.Status)]
)
def test_each_status_has_a_property_true_for_it_alone(model, choices):
    for status in choices:
        instance = model(status=status)
        assert [other for other in choices if getattr(instance, f"is_{other}")] == [status]
