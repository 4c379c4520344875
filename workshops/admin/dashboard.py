"""The engagement dashboard: which Trusts take part in a year's workshops, as tables,
SVG charts drawn on the server, and a CSV of the Trusts-by-workshops matrix.

Mounted by WorkshopAdmin.get_urls behind ``admin_site.admin_view``; seeing it needs
permission to view bookings.
"""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse

from workshops import engagement as figures

PERMISSION = "workshops.view_booking"
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_download(filename, rows):
    """A CSV attachment that spreadsheets open as UTF-8 and never read as formulas."""
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    response.write("\ufeff")  # the byte order mark that tells spreadsheets it is UTF-8
    csv.writer(response).writerows([_cell(value) for value in row] for row in rows)
    return response


def _year(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    years = figures.years()
    return figures.chosen_year(request.GET.get("year"), years), years


def engagement(request):
    year, years = _year(request)
    return TemplateResponse(
        request,
        "admin/workshops/engagement.html",
        {
            **admin.site.each_context(request),
            "title": f"Engagement in {year}",
            "year": year,
            "years": years,
            "outline": figures.OUTLINE,
            **figures.engagement(year),
        },
    )


def engagement_csv(request):
    year, _ = _year(request)
    return csv_download(f"engagement-{year}.csv", figures.matrix_csv_rows(year))
