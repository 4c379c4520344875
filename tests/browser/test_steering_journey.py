"""The demo steering member drafts an agenda and signs it off; a visitor then reads it.

Every step finds its control by role and accessible name, as the booking journey does.
The steering group's pages and the News and events page also pass axe-core.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from collaborative.demo_data import DEMO_ACCOUNTS
from tests.browser.test_accessibility import axe_violations, describe
from tests.browser.test_security_journey import set_up_two_step_verification
from workshops.models import Workshop

pytestmark = pytest.mark.browser


@pytest.fixture
def steering_member():
    return next(account for account in DEMO_ACCOUNTS if account.is_steering_member)


def first_draft():
    return Workshop.objects.filter(status=Workshop.Status.DRAFT).order_by("date").first()


def test_the_steering_member_agrees_an_agenda_that_a_visitor_then_reads(
    page, browser, live_server, demo_data, sign_in, steering_member
):
    workshop = first_draft()
    sign_in(page, steering_member)

    page.get_by_role("navigation", name="Account").get_by_role(
        "link", name="Steering group"
    ).click()
    # The demo steering member has not set up two-step verification yet: first visit.
    set_up_two_step_verification(page, steering_member)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Programme planner")
    page.goto(reverse("workshops:steering:planner_year", args=[workshop.date.year]))
    page.get_by_role("link", name=workshop.title).click()
    page.get_by_role("link", name="Edit the agenda").click()

    page.get_by_label("Start time (UK)").fill("10:15")
    page.get_by_label("Title", exact=True).fill("What the national workforce plan asks of us")
    page.get_by_label("Speakers").fill("Dr Amira Shah, Director of Workforce, NHS England")
    page.get_by_label("Presented by").fill("NHS England")
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "“What the national workforce plan asks of us” is on the agenda."
    )
    expect(
        page.get_by_role("row").filter(has_text="What the national workforce plan")
    ).to_contain_text("10:15")

    # The demo steering member is the whole steering group, so under the default rule
    # (a majority) their sign-off agrees the agenda.
    page.get_by_role("link", name="ask the steering group to sign it off").click()
    page.get_by_role("link", name="Sign off or ask for changes").click()
    page.get_by_role("radio", name="I sign off this agenda").check()
    page.get_by_role("button", name="Send your decision").click()
    expect(page.get_by_role("alert")).to_contain_text("it is agreed and now public")

    visitor = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        public = visitor.new_page()
        public.goto(workshop.get_absolute_url())
        expect(public.get_by_role("heading", level=1)).to_contain_text(workshop.title)
        expect(public.get_by_text("Agenda agreed")).to_be_visible()
        agenda_item = public.get_by_role("heading", name="What the national workforce plan")
        expect(agenda_item).to_contain_text("10:15")
        expect(public.get_by_text("Presented by NHS England")).to_be_visible()
    finally:
        visitor.close()

    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.AGENDA_AGREED
    assert [
        (change.changed_by.email, change.summary.split(":")[0]) for change in workshop.changes.all()
    ] == [
        (steering_member.email, "Agreed the agenda"),
        (steering_member.email, "Signed off the agenda."),
        (
            steering_member.email,
            "Added “What the national workforce plan asks of us” to the agenda.",
        ),
    ]


def test_the_steering_pages_and_the_news_pass_axe(page, demo_data, sign_in, steering_member):
    workshop = first_draft()
    held = Workshop.objects.get(slug="2020-05-14-covid-19-workforce-issues")
    sign_in(page, steering_member)
    page.goto(reverse("workshops:steering:planner"))
    set_up_two_step_verification(page, steering_member)
    agenda = reverse("workshops:steering:agenda", args=[workshop.slug])
    pages = [
        reverse("workshops:steering:planner"),
        reverse("workshops:steering:proposals"),
        reverse("workshops:steering:workshop", args=[workshop.slug]),
        agenda,
        reverse("workshops:steering:sign_off", args=[workshop.slug]),
        reverse("workshops:steering:plan_event"),
        reverse("workshops:steering:outcome", args=[held.slug]),
        reverse("news"),
        held.get_absolute_url(),
    ]
    found = {}
    for path in pages:
        assert page.goto(path).status == 200, path
        if violations := axe_violations(page):
            found[path] = describe(violations)
    # And the agenda editor after a refused item, with its error summary.
    page.goto(agenda)
    page.get_by_label("Start time (UK)").fill("07:00")
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    if violations := axe_violations(page):
        found[f"{agenda} (refused item)"] = describe(violations)

    assert not found, "\n\n".join(f"{path}\n{text}" for path, text in found.items())
