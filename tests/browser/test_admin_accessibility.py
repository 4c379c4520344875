"""The admin pages the programme operations manager uses pass axe-core (WCAG 2.2 A and AA).

Each page is opened in headless Chromium as the demo operations manager, in the state the
manager meets it: change lists with their filters, change and add forms (with their
autocomplete boxes and the file upload), an action's confirmation, the invitations'
progress page with the directors not invited, the engagement dashboard, and a form that
failed. The sign-in is a session made on the server for an account with two-step
verification set up, as the admin asks of staff; signing in itself is covered elsewhere.
"""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from collaborative.demo_data import DEMO_ACCOUNTS
from collaborative.people.models import User
from tests.browser.test_accessibility import AXE_SCRIPT, describe
from workshops.models import Booking, SignOffRule, Workshop

pytestmark = pytest.mark.browser

# The WCAG 2.2 A and AA rules, as the issue asks of the admin; axe's best-practice rules
# are left out here, since they judge Django's own admin layout rather than conformance.
ADMIN_AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    }
}


def admin_violations(page):
    page.add_script_tag(path=str(AXE_SCRIPT))
    return page.evaluate("options => axe.run(document, options)", ADMIN_AXE_OPTIONS)["violations"]


def signed_in_as(page, base_url, email):
    """A session for the account, with an authenticator app set up, in the page's browser."""
    person = User.objects.get(email=email)
    if not Authenticator.objects.filter(user=person).exists():
        TOTP.activate(person, generate_totp_secret())
    client = Client()
    client.force_login(person)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
    )
    return person


@pytest.fixture
def operations(page, live_server, demo_data):
    account = next(account for account in DEMO_ACCOUNTS if account.is_staff)
    signed_in_as(page, live_server.url, account.email)
    return page


def go(page, path):
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    expect(page.locator("#content")).to_be_visible()


def open_workshop():
    return Workshop.objects.get(status=Workshop.Status.OPEN)


def changelist(name, query=""):
    return lambda page: go(page, reverse(f"admin:{name}_changelist") + query)


def change_form(name, obj):
    return lambda page: go(page, reverse(f"admin:{name}_change", args=[obj().pk]))


def add_form(name):
    return lambda page: go(page, reverse(f"admin:{name}_add"))


def a_booking():
    return Booking.objects.filter(workshop=open_workshop()).first() or Booking.objects.first()


def cancel_confirmation(page):
    """The cancel action asks first: its confirmation page."""
    go(page, reverse("admin:workshops_workshop_changelist"))
    page.locator(f'input[name="_selected_action"][value="{open_workshop().pk}"]').check()
    page.get_by_label("Action:").select_option("cancel_workshop")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("Cancelling a workshop ends all its bookings")).to_be_visible()


def agree_override(page):
    draft = Workshop.objects.filter(status=Workshop.Status.DRAFT).first()
    go(page, reverse("admin:workshops_workshop_changelist"))
    page.locator(f'input[name="_selected_action"][value="{draft.pk}"]').check()
    page.get_by_label("Action:").select_option("agree_agenda")
    page.get_by_role("button", name="Run").click()
    expect(
        page.get_by_label("Reason for agreeing without the steering group's sign-off")
    ).to_be_visible()


def resource_form_with_errors(page):
    go(page, reverse("admin:resources_resource_add"))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()
    page.wait_for_load_state()


def invitation_progress(page):
    go(page, reverse("admin:collaborative_outgoingemail_invitations", args=[open_workshop().pk]))
    expect(page.get_by_role("heading", name="Directors not invited", exact=False)).to_be_visible()


ADMIN_PAGES = {
    "home": lambda page: go(page, reverse("admin:index")),
    "workshops-with-filters": changelist("workshops_workshop"),
    "workshops-filtered": changelist("workshops_workshop", "?status__exact=open"),
    "bookings-with-filters": changelist("workshops_booking"),
    "people-with-filters": changelist("collaborative_user"),
    "trusts-with-filters": changelist("trusts_trust"),
    "outgoing-emails-with-filters": changelist("collaborative_outgoingemail"),
    "invitations-list": changelist("workshops_invitation"),
    "resources-with-filters": changelist("resources_resource"),
    "affiliation-requests": changelist("trusts_affiliationrequest", "?status__exact=pending"),
    "workshop-change-form": change_form("workshops_workshop", open_workshop),
    "booking-change-form": change_form("workshops_booking", a_booking),
    "book-on-behalf": lambda page: go(page, reverse("admin:workshops_booking_book_on_behalf")),
    "invitation-add-form": add_form("workshops_invitation"),
    "resource-add-form": add_form("resources_resource"),
    "resource-add-form-with-errors": resource_form_with_errors,
    "booking-events": changelist("workshops_bookingevent"),
    "workshop-add-form": add_form("workshops_workshop"),
    "person-change-form": change_form(
        "collaborative_user", lambda: User.objects.get(email="demo.nursing@slam.nhs.test")
    ),
    "trust-change-form": change_form(
        "trusts_trust", lambda: User.objects.get(email="demo.nursing@slam.nhs.test").trust
    ),
    "sign-off-rule-list": changelist("workshops_signoffrule"),
    "sign-off-rule-form": change_form("workshops_signoffrule", SignOffRule.current),
    "cancel-action-confirmation": cancel_confirmation,
    "agree-override-action": agree_override,
    "invitation-progress": invitation_progress,
    "engagement-dashboard": lambda page: go(page, reverse("admin:workshops_engagement")),
}


@pytest.mark.parametrize("visit", ADMIN_PAGES.values(), ids=ADMIN_PAGES.keys())
def test_admin_page_has_no_accessibility_violations(operations, visit):
    visit(operations)

    if violations := admin_violations(operations):
        pytest.fail(f"axe-core found on {operations.url}:\n{describe(violations)}", pytrace=False)
