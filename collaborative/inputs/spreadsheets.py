"""CSV downloads that a spreadsheet never runs: a cell someone typed as ``=HYPERLINK(...)``
comes out as text. The engagement figures, attendee lists and feedback answers use it."""

import csv

from django.http import HttpResponse

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
