"""How a workshop's date, times, format and places read on a page: what the record gives,
and "not recorded" for what it does not (a past event known only from its announcement).
"""

from django import template
from django.utils import formats

register = template.Library()

NOT_RECORDED = "Not recorded"


@register.filter
def long_date(workshop):
    """Monday 26 February 2018; February 2018 when only the month is recorded."""
    if workshop.date_precision == workshop.DatePrecision.MONTH:
        return f"{workshop.date_display} (day not recorded)"
    return formats.date_format(workshop.date, "l j F Y")


@register.filter
def short_date(workshop):
    """26 February 2018; February 2018 when only the month is recorded."""
    return workshop.date_display


def _clock(value):
    return formats.time_format(value, "H:i")


@register.filter
def time_range(workshop):
    """10:30 to 12:30, or what of it is recorded."""
    start, end = workshop.start_time, workshop.end_time
    if start and end:
        return f"{_clock(start)} to {_clock(end)}"
    if start:
        return f"From {_clock(start)}; end not recorded"
    if end:
        return f"Start not recorded; until {_clock(end)}"
    return NOT_RECORDED


@register.filter
def format_display(workshop):
    return workshop.get_format_display() if workshop.format else NOT_RECORDED
