"""Access needs and attendance, end to end in the browser.

A director gives their access needs when booking an in-person workshop, and the
operations manager finds them in the attendee list for the venue (the admin's CSV). A
director who attended downloads their certificate of attendance; the colleague they booked
for cannot be downloaded by them, only by that colleague and the operations manager.
"""

import csv
import datetime
import io

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from collaborative.demo_data import DEMO_ACCOUNTS
from collaborative.people.models import User
from tests.factories import BookingFactory, UserFactory, WorkshopFactory
from workshops.models import Workshop

pytestmark = pytest.mark.browser

NEEDS = "I use a wheelchair: step-free access, please. Vegan lunch."


def demo_account(email):
    return next(account for account in DEMO_ACCOUNTS if account.email == email)


def signed_in_context(browser, live_server, person):
    """A browser context with the person's session, as after signing in (staff get the
    authenticator app the admin asks of them, where two-step verification is installed)."""
    if person.is_staff and apps.is_installed("allauth.mfa"):
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        TOTP.activate(person, generate_totp_secret())
    client = Client()
    client.force_login(person)
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def operations_manager():
    return User.objects.get(email="demo.operations@nmhwdc.nhs.test")


def test_an_access_need_given_when_booking_reaches_the_attendee_list_for_the_venue(
    page, browser, live_server, demo_data, sign_in, director
):
    workshop = Workshop.objects.public().upcoming().get(status=Workshop.Status.OPEN)
    Workshop.objects.filter(pk=workshop.pk).update(
        format=Workshop.Format.IN_PERSON, venue="Skipton House\n80 London Road", video_link=""
    )
    sign_in(page, director)
    page.goto(reverse("workshops:book", args=[workshop.slug]))
    page.get_by_label("Access and dietary needs of the person attending").fill(NEEDS)
    page.get_by_role("button", name="Book a place", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("You have a confirmed place at")
    expect(page.get_by_text(NEEDS)).to_be_visible()

    context = signed_in_context(browser, live_server, operations_manager())
    try:
        admin = context.new_page()
        admin.goto(
            reverse("admin:workshops_booking_changelist") + f"?workshop__id__exact={workshop.pk}"
        )
        admin.locator("#action-toggle").check()
        admin.locator("select[name=action]").select_option("export_attendees")
        with admin.expect_download() as download_info:
            admin.get_by_role("button", name="Run").click()
        content = download_info.value.path().read_text(encoding="utf-8-sig")
    finally:
        context.close()

    rows = list(csv.DictReader(io.StringIO(content)))
    (grace,) = [row for row in rows if row["Name"] == "Grace Okafor"]
    assert grace["Access and dietary needs"] == NEEDS


def test_a_director_downloads_their_certificate_and_no_one_else_can(
    page, browser, live_server, demo_data, sign_in, director
):
    held = WorkshopFactory(
        title="Growing the support workforce",
        date=datetime.date(2025, 3, 5),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(12, 30),
        status=Workshop.Status.HELD,
    )
    grace = User.objects.get(email=director.email)
    mine = BookingFactory(workshop=held, person=grace, booked_by=grace, attended=True)
    colleague = UserFactory(full_name="Lee Chan", trust=grace.trust, functional_area="hr_workforce")
    theirs = BookingFactory(workshop=held, person=colleague, booked_by=grace, attended=True)
    sign_in(page, director)

    page.get_by_role("navigation", name="Account").get_by_role("link", name="My bookings").click()
    page.get_by_role("link", name="Workshops you attended, and certificates of attendance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workshops you attended")
    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name="Certificate of attendance for Growing the support workforce (PDF)"
        ).click()
    reader = PdfReader(download_info.value.path())
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Certificate of attendance" in text
    assert "Grace Okafor" in text
    assert "Growing the support workforce" in text
    assert "Hours 2 hours 30 minutes" in text
    assert "National Mental Health Workforce Development Collaborative" in text

    # The director booked the colleague's place, yet the colleague's certificate is not theirs.
    theirs_url = reverse("workshops:certificate", args=[theirs.pk])
    assert page.request.get(theirs_url).status == 404
    another_director = demo_account("demo.od@cwp.nhs.test")
    other = signed_in_context(browser, live_server, User.objects.get(email=another_director.email))
    ops = signed_in_context(browser, live_server, operations_manager())
    visitor = browser.new_context(base_url=live_server.url)
    try:
        mine_url = reverse("workshops:certificate", args=[mine.pk])
        assert other.request.get(mine_url).status == 404
        response = ops.request.get(theirs_url)
        assert (response.status, response.headers["content-type"]) == (200, "application/pdf")
        assert "Lee Chan" in PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
        signed_out = visitor.request.get(mine_url, max_redirects=0)
        assert signed_out.status == 302
        assert signed_out.headers["location"].startswith(reverse("account_login"))
    finally:
        for context in (other, ops, visitor):
            context.close()
