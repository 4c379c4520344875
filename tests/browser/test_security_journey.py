"""Two-step verification as the demo steering member meets it: sent to set it up on the
first visit to the steering area, through each step with an authenticator app (the
code made here from the key the page shows, as the app would), then asked for a code at
the next sign-in. Every page on the way passes axe-core, and so do the pages where
people manage their sessions and two-step verification."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from collaborative.demo_data import DEMO_ACCOUNTS
from tests.browser.test_accessibility import axe_violations, describe
from tests.mfa import security_code

pytestmark = pytest.mark.browser


@pytest.fixture
def steering_member():
    return next(account for account in DEMO_ACCOUNTS if account.is_steering_member)


def passes_axe(page):
    violations = axe_violations(page)
    assert not violations, f"axe-core found on {page.url}:\n{describe(violations)}"


def set_up_two_step_verification(page, account, check=lambda page: None):
    """From the page that asks for it to the page the person was going to; returns the key."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step verification")
    check(page)
    page.get_by_role("button", name="Set up two-step verification").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    check(page)
    page.get_by_label("Password", exact=True).fill(account.password)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    check(page)
    page.get_by_text("I cannot scan the QR code").click()
    key = page.locator("#authenticator-secret").inner_text()
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("Security code").fill(security_code(key))
    page.get_by_role("button", name="Turn on two-step verification").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    check(page)
    page.get_by_role("button", name="I have saved them: carry on").click()
    return key


def test_the_steering_member_sets_up_two_step_verification_and_is_asked_for_it_next_time(
    page, demo_data, sign_in, steering_member
):
    sign_in(page, steering_member)
    page.get_by_role("navigation", name="Account").get_by_role(
        "link", name="Steering group"
    ).click()

    key = set_up_two_step_verification(page, steering_member, check=passes_axe)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Programme planner")
    page.get_by_role("button", name="Sign out").click()
    page.goto(reverse("account_login"))
    page.get_by_label("E-mail address").fill(steering_member.email)
    page.get_by_label("Password", exact=True).fill(steering_member.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    passes_axe(page)
    page.get_by_label("Security code").fill(security_code(key, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.mark.parametrize("page_name", ["usersessions_list", "mfa_index"])
def test_the_pages_people_manage_their_sign_in_on_pass_axe(
    page, demo_data, sign_in, director, page_name
):
    sign_in(page, director)
    page.goto(reverse(page_name))

    passes_axe(page)
