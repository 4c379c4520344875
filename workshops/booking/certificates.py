"""Certificates of attendance: a one-page PDF of a confirmed attendance, for CPD records.

Only a booking whose attendance the operations manager recorded (``Booking.attended is
True``) has one. It names the person, the workshop, its date, its times and hours (or
"not recorded" where the Collaborative's record does not give them) and the Collaborative.

The text is set in DejaVu Sans where the system has it (Debian's ``fonts-dejavu-core``),
so that any name prints as it is written; otherwise in the PDF's built-in Helvetica, which
holds Western European letters only: a letter outside it is printed without its accent,
or as "?".
"""

import datetime
import logging
import unicodedata
from pathlib import Path

from django.utils import formats, timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from workshops.templatetags.workshop_record import NOT_RECORDED, time_range

# fpdf2 subsets the font with fontTools, which logs every glyph it keeps at INFO.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

COLLABORATIVE = "National Mental Health Workforce Development Collaborative"
FONT_FOLDER = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {"": FONT_FOLDER / "DejaVuSans.ttf", "B": FONT_FOLDER / "DejaVuSans-Bold.ttf"}
NHS_BLUE = (0, 94, 184)
TEXT = (33, 43, 50)
GREY = (76, 98, 114)


def hours(workshop):
    """How long the workshop lasted, from its recorded times: "2 hours 30 minutes"."""
    if workshop.start_time is None or workshop.end_time is None:
        return NOT_RECORDED
    day = workshop.date
    length = datetime.datetime.combine(day, workshop.end_time) - datetime.datetime.combine(
        day, workshop.start_time
    )
    whole, minutes = divmod(int(length.total_seconds()) // 60, 60)
    parts = []
    if whole:
        parts.append(f"{whole} hour{'s' if whole != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts) or NOT_RECORDED


def _date(workshop):
    if workshop.date_precision == workshop.DatePrecision.MONTH:
        return f"{workshop.date_display} (day not recorded)"
    return formats.date_format(workshop.date, "l j F Y")


def _times(workshop):
    times = time_range(workshop)
    return times if times == NOT_RECORDED else f"{times} (UK time)"


def _format(workshop):
    if workshop.format == workshop.Format.IN_PERSON:
        venue = workshop.venue.strip().splitlines()
        return f"In person, {venue[0].strip()}" if venue else "In person"
    if workshop.format == workshop.Format.VIRTUAL:
        return "Virtual, by video"
    return NOT_RECORDED


class _Certificate(FPDF):
    def __init__(self):
        super().__init__(orientation="L", format="A4")
        self.unicode = all(path.exists() for path in FONTS.values())
        if self.unicode:
            for style, path in FONTS.items():
                self.add_font("DejaVu", style, str(path))
        else:
            self.core_fonts_encoding = "windows-1252"
        self.set_auto_page_break(False)
        self.set_margins(25, 20, 25)

    def font(self, size, bold=False):
        self.set_font("DejaVu" if self.unicode else "Helvetica", "B" if bold else "", size)

    def write_line(self, text, height, *, align="C"):
        self.multi_cell(
            0, height, self.printable(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def printable(self, text):
        if self.unicode:
            return text
        return "".join(_in_helvetica(character) for character in text)


def _in_helvetica(character):
    try:
        character.encode("windows-1252")
    except UnicodeEncodeError:
        plain = unicodedata.normalize("NFKD", character)
        plain = "".join(part for part in plain if not unicodedata.combining(part))
        try:
            plain.encode("windows-1252")
        except UnicodeEncodeError:
            return "?"
        return plain or "?"
    return character


def certificate_pdf(booking, *, issued_on=None):
    """The certificate of a booking whose person attended, as PDF bytes."""
    if booking.attended is not True:
        raise ValueError("Only a recorded attendance has a certificate.")
    issued_on = issued_on or timezone.localdate()
    workshop, person = booking.workshop, booking.person
    pdf = _Certificate()
    pdf.set_title(f"Certificate of attendance: {workshop.title}")
    pdf.set_author(COLLABORATIVE)
    pdf.set_subject(f"{person} attended {workshop.title} on {workshop.date_display}")
    pdf.set_lang("en-GB")
    pdf.set_creation_date(
        datetime.datetime.combine(issued_on, datetime.time(), tzinfo=datetime.UTC)
    )
    pdf.add_page()

    # The Collaborative's name on an NHS blue band, as on the portal's header.
    pdf.set_fill_color(*NHS_BLUE)
    pdf.rect(0, 0, pdf.w, 24, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_y(8)
    pdf.font(14, bold=True)
    pdf.write_line(COLLABORATIVE, 8)

    pdf.set_text_color(*TEXT)
    pdf.set_y(38)
    pdf.font(30, bold=True)
    pdf.write_line("Certificate of attendance", 14)
    pdf.ln(6)
    pdf.font(13)
    pdf.write_line("This is to certify that", 8)
    pdf.font(22, bold=True)
    pdf.write_line(str(person), 12)
    pdf.font(13)
    if booking.organisation:
        pdf.write_line(f"of {booking.organisation}", 8)
    pdf.write_line(f"attended the {workshop.get_kind_display().lower()}", 8)
    pdf.font(16, bold=True)
    pdf.write_line(workshop.title, 9)
    pdf.font(13)
    pdf.write_line(f"of the {COLLABORATIVE}.", 8)
    pdf.ln(6)

    rows = [
        ("Date", _date(workshop)),
        ("Time", _times(workshop)),
        ("Hours", hours(workshop)),
        ("Format", _format(workshop)),
    ]
    label_width, value_width = 40, 150
    left = (pdf.w - label_width - value_width) / 2
    for label, value in rows:
        pdf.set_x(left)
        pdf.font(12, bold=True)
        pdf.cell(label_width, 8, label)
        pdf.font(12)
        pdf.cell(value_width, 8, pdf.printable(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # At the foot of the page, or below a long title or name that reached it.
    pdf.set_y(max(pdf.h - 38, pdf.get_y() + 6))
    pdf.set_text_color(*GREY)
    pdf.font(10)
    pdf.write_line(
        "For continuing professional development (CPD) records. Attendance as recorded by the "
        f"Collaborative's programme operations manager. Issued on "
        f"{formats.date_format(issued_on, 'j F Y')}; reference NMHWDC-{booking.pk}.",
        5,
    )
    return bytes(pdf.output())
