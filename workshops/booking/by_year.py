"""The past a year at a time. The programme, the news and the bookings pages would
otherwise grow by every workshop the Collaborative has held; they show what is ahead in
full, one past year, and a link to each other year."""

import re

from django.http import Http404


def past_year(request, dates):
    """The years with a past entry, latest first, and the one to show: ``?year=`` if it is
    one of them, otherwise the latest. ``dates`` is a ``.dates(field, "year")`` queryset.
    A year with nothing in it answers 404, so no page is made for it."""
    years = sorted({day.year for day in dates}, reverse=True)
    asked = request.GET.get("year")
    if asked is None:
        return years, years[0] if years else None
    if not re.fullmatch(r"[0-9]{4}", asked) or int(asked) not in years:
        raise Http404("Nothing was held that year.")
    return years, int(asked)
