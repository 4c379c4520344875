"""Small helpers for sentences: numbers with their plural, so that no page says "1 places",
and a field's value as people read it."""

import datetime
from collections.abc import Callable

from django.db import models
from django.utils import formats


def places(count: int) -> str:
    """1 place, 3 places."""
    return f"{count} place" if count == 1 else f"{count} places"


def held(count: int) -> str:
    """1 place is held, 3 places are held."""
    return f"{places(count)} {'is' if count == 1 else 'are'}"


def as_read(
    field: models.Field,
    value: object,
    *,
    date: Callable[[datetime.date], str] = formats.date_format,
    time: Callable[[datetime.time], str] = "{:%H:%M}".format,
    empty: str = "",
) -> str:
    """A model field's value as people read it: a choice's label, a date or time written
    by ``date`` or ``time`` (an e-mail writes "Tuesday 3 March 2026" and "10:30am"), and
    ``empty`` for nothing."""
    if value is None or value == "":
        return empty
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.time):
        return time(value)
    if isinstance(value, datetime.date):
        return date(value)
    return str(value)
