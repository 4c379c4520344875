"""A director books their own place and then a colleague's with the keyboard alone.

Every control is reached with Tab and worked with Enter, Space or the arrow keys, as a
keyboard or switch user would, and found by its role and accessible name. The form
reveals a colleague's fields when that choice is made (NHS.UK conditional radios), and
still works with JavaScript off, when both choices' fields show.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from collaborative.people.models import User
from workshops.models import Booking, BookingStatus, Workshop

pytestmark = pytest.mark.browser

COLLEAGUE = {"name": "Lee Chan", "email": "lee.chan@slam.nhs.test"}


def open_workshop():
    return Workshop.objects.public().upcoming().get(status=Workshop.Status.OPEN)


def tab_to(page, target, limit=80):
    """Press Tab until ``target`` has the focus, as a keyboard user moves through a page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {target}")


def fill_in_the_colleague_by_keyboard(page):
    tab_to(page, page.get_by_label("Full name"))
    page.keyboard.type(COLLEAGUE["name"])
    tab_to(page, page.get_by_label("Work e-mail address"))
    page.keyboard.type(COLLEAGUE["email"])
    # In a radio group none of which is chosen, Tab stops on the first; Space chooses it.
    tab_to(page, page.get_by_role("group", name="Their seniority").get_by_role("radio").first)
    page.keyboard.press("Space")
    areas = page.get_by_role("group", name="Functional area your colleague will represent")
    tab_to(page, areas.get_by_role("radio", name="Nursing"))
    page.keyboard.press("ArrowDown")  # HR / Workforce
    expect(areas.get_by_role("radio", name="HR / Workforce")).to_be_checked()


def test_a_director_books_their_own_place_then_a_colleagues_by_keyboard_alone(
    page, demo_data, sign_in, director
):
    workshop = open_workshop()
    sign_in(page, director)
    page.goto(workshop.get_absolute_url())

    tab_to(page, page.get_by_role("button", name="Book a place", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("radio", name="Myself")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Book a place", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("You have a confirmed place at")

    tab_to(page, page.get_by_role("link", name=workshop.title, exact=True))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Book a place for a colleague"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Book a place for a colleague")
    fill_in_the_colleague_by_keyboard(page)
    tab_to(page, page.get_by_role("button", name="Book a place for them"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Lee Chan has a confirmed place at")

    grace = User.objects.get(email=director.email)
    places = Booking.objects.filter(workshop=workshop, booked_by=grace)
    assert sorted((b.person.email, b.status, b.functional_area) for b in places) == [
        (director.email, BookingStatus.CONFIRMED, "nursing"),
        (COLLEAGUE["email"], BookingStatus.CONFIRMED, "hr_workforce"),
    ]


def test_choosing_a_colleague_by_keyboard_reveals_their_fields(page, demo_data, sign_in, director):
    workshop = open_workshop()
    sign_in(page, director)
    page.goto(reverse("workshops:book", args=[workshop.slug]))
    expect(page.get_by_label("Full name")).to_be_hidden()

    tab_to(page, page.get_by_role("radio", name="Myself"))
    page.keyboard.press("ArrowDown")

    expect(page.get_by_role("radio", name="A colleague at my Trust")).to_be_checked()
    expect(page.get_by_label("Full name")).to_be_visible()
    expect(page.get_by_role("group", name="Functional area you will represent")).to_be_hidden()
    fill_in_the_colleague_by_keyboard(page)
    tab_to(page, page.get_by_role("button", name="Book a place", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Lee Chan has a confirmed place at")


def test_without_javascript_both_choices_show_and_a_colleague_is_booked(
    browser, live_server, demo_data, sign_in, director
):
    workshop = open_workshop()
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="en-GB"
    )
    try:
        page = context.new_page()
        sign_in(page, director)
        page.goto(reverse("workshops:book", args=[workshop.slug]))
        expect(page.get_by_role("radio", name="Myself")).to_be_checked()
        expect(page.get_by_label("Full name")).to_be_visible()
        expect(page.get_by_role("group", name="Functional area you will represent")).to_be_visible()

        page.get_by_role("radio", name="A colleague at my Trust").check()
        page.get_by_label("Full name").fill(COLLEAGUE["name"])
        page.get_by_label("Work e-mail address").fill(COLLEAGUE["email"])
        page.get_by_role("group", name="Their seniority").get_by_role(
            "radio", name="Director", exact=True
        ).check()
        page.get_by_role("group", name="Functional area your colleague will represent").get_by_role(
            "radio", name="HR / Workforce"
        ).check()
        page.get_by_role("button", name="Book a place", exact=True).click()

        expect(page.get_by_role("alert")).to_contain_text("Lee Chan has a confirmed place at")
        assert Booking.objects.get(workshop=workshop).person.email == COLLEAGUE["email"]
    finally:
        context.close()


def test_an_error_summary_link_takes_the_keyboard_to_the_field(page, demo_data, sign_in, director):
    workshop = open_workshop()
    sign_in(page, director)
    page.goto(f"{reverse('workshops:book', args=[workshop.slug])}?for=colleague")
    page.get_by_role("button", name="Book a place", exact=True).click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")

    tab_to(page, summary.get_by_role("link", name="Choose your colleague's seniority"))
    page.keyboard.press("Enter")

    first_seniority = page.get_by_role("group", name="Their seniority").get_by_role("radio").first
    expect(first_seniority).to_be_focused()
