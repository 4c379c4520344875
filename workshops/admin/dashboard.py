"""The engagement dashboard: which Trusts take part in a year's workshops, as tables,
SVG charts drawn on the server, and a CSV of the Trusts-by-workshops matrix.

Mounted by WorkshopAdmin.get_urls behind ``admin_site.admin_view``; seeing it needs
permission to view bookings.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from collaborative.inputs.spreadsheets import csv_download
from workshops import engagement as figures

PERMISSION = "workshops.view_booking"


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
