"""A director books a place for themselves, end to end, the way a person would.

Every step finds its control by role and accessible name, so the test also
proves the pages can be operated with a screen reader's view of them.
"""

import icalendar
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from workshops.models import Booking, BookingStatus, Workshop

pytestmark = pytest.mark.browser


def test_a_director_books_a_place_and_downloads_the_calendar_entry(
    page, demo_data, sign_in, director
):
    workshop = Workshop.objects.public().upcoming().get(status=Workshop.Status.OPEN)
    sign_in(page, director)

    page.goto(reverse("workshops:programme"))
    page.get_by_role("link", name=workshop.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(workshop.title)
    # The NHS.UK button style: a link that presents itself as a button.
    page.get_by_role("button", name="Book a place", exact=True).click()

    page.get_by_role("radio", name="Myself").check()
    page.get_by_role("button", name="Book a place", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("You have a confirmed place at")

    page.get_by_role("navigation", name="Account").get_by_role("link", name="My bookings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My bookings")
    booking_row = page.get_by_role("row").filter(has_text=workshop.title)
    expect(booking_row).to_contain_text("Confirmed")
    with page.expect_download() as download_info:
        booking_row.get_by_role("link", name=f"Calendar file for {workshop.title}").click()
    ics = download_info.value.path().read_bytes()

    start = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]["DTSTART"]
    assert start.params["TZID"] == "Europe/London"
    assert start.dt == workshop.starts_at
    booking = Booking.objects.get(workshop=workshop, person__email=director.email)
    assert booking.status == BookingStatus.CONFIRMED
