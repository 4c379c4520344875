"""Every page, in each state a person meets it, passes axe-core in headless Chromium.

The forms are also checked after a failed submission, since the error summary
and error messages are where accessibility most often breaks.
"""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from collaborative.demo_data import DEMO_ACCOUNTS
from collaborative.people.models import User
from workshops.booking.rules import book_place
from workshops.models import Booking, BookingStatus, Invitation, Workshop

pytestmark = pytest.mark.browser

AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# best-practice stays in: the NHS.UK design system's markup passes its rules as it is.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    }
}
PAST_WORKSHOP_WITH_AGENDA = "2020-03-05-strategic-workforce-planning-in-mental-health-settings"
# A past event known by its month only, with its time, format and places not recorded.
PAST_EVENT_NOT_RECORDED = "2018-02-thriving-at-work"


def axe_violations(page):
    page.add_script_tag(path=str(AXE_SCRIPT))
    violations = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]
    for violation in violations:
        violation["nodes"] = [
            node for node in violation["nodes"] if not design_system_exception(violation, node)
        ]
    return [violation for violation in violations if violation["nodes"]]


def design_system_exception(violation, node):
    """The one finding let through: ``aria-expanded`` on a radio that reveals content.

    NHS.UK conditional radios (like GOV.UK's) set it on purpose: research with screen
    reader users found it helps, and no harm, although ARIA 1.2 allows it on checkboxes
    but not yet on radios (w3c/aria#1404, alphagov/govuk-frontend#979 and #2823). Only
    that attribute, on a radio that controls a conditional reveal, passes: any other
    attribute, or any other element, still fails.
    """
    if violation["id"] != "aria-allowed-attr":
        return False
    html = node["html"]
    if not html.startswith('<input type="radio"') or 'class="nhsuk-radios__input"' not in html:
        return False
    if "aria-controls=" not in html:
        return False
    found = [
        value
        for check in node["all"] + node["any"] + node["none"]
        for value in (check.get("data") or {}).get("values", [None])
    ]
    return bool(found) and all(str(value).startswith("aria-expanded=") for value in found)


def test_only_aria_expanded_on_a_radio_revealing_content_is_let_through():
    def node(html, *values):
        check = {"id": "aria-allowed-attr", "data": {"values": list(values)}}
        return {"html": html, "all": [check], "any": [], "none": []}

    revealing = '<input type="radio" class="nhsuk-radios__input" aria-controls="conditional-x"'
    allowed = {"id": "aria-allowed-attr"}
    assert design_system_exception(allowed, node(revealing, 'aria-expanded="true"'))
    assert not design_system_exception(
        allowed, node(revealing, 'aria-expanded="true"', 'aria-pressed="true"')
    )
    assert not design_system_exception(
        allowed, node('<input type="radio" class="nhsuk-radios__input">', 'aria-expanded="true"')
    )
    assert not design_system_exception(
        allowed, node('<a class="nhsuk-radios__input" aria-controls="x">', 'aria-expanded="true"')
    )
    assert not design_system_exception({"id": "label"}, node(revealing, 'aria-expanded="true"'))


def describe(violations):
    """Each violation with the elements that fail it, enough to find and fix them."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html']}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def go(page, path, status=200):
    response = page.goto(path)
    assert response.status == status, f"{path} answered {response.status}, not {status}"


def submit_and_see_errors(page, button):
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()


def open_workshop():
    return Workshop.objects.public().upcoming().get(status=Workshop.Status.OPEN)


def contact_with_errors(page):
    go(page, reverse("contact"))
    submit_and_see_errors(page, "Send message")


def sign_in_failed(page):
    go(page, reverse("account_login"))
    page.get_by_label("E-mail address").fill("demo.nursing@slam.nhs.test")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    submit_and_see_errors(page, "Sign in")


def create_account_with_errors(page):
    go(page, reverse("account_signup"))
    submit_and_see_errors(page, "Create account")


def member_trusts_found(page):
    go(page, reverse("trusts:list") + "?q=London")
    expect(page.get_by_text("South London and Maudsley NHS Foundation Trust")).to_be_visible()


def join_with_errors(page):
    go(page, reverse("join"))
    submit_and_see_errors(page, "Send the request")


def member_trusts_not_found(page):
    go(page, reverse("trusts:list") + "?q=Atlantis")
    expect(page.get_by_text("South London and Maudsley NHS Foundation Trust")).to_have_count(0)


PUBLIC_PAGES = {
    "home": lambda page: go(page, reverse("home")),
    "founding-trusts": lambda page: go(page, reverse("trusts:founding")),
    "member-trusts": lambda page: go(page, reverse("trusts:list")),
    "member-trusts-search-found": member_trusts_found,
    "member-trusts-search-not-found": member_trusts_not_found,
    "workshop-programme": lambda page: go(page, reverse("workshops:programme")),
    "resources-library": lambda page: go(page, reverse("resources:library")),
    "past-workshop-with-agenda": lambda page: go(
        page, reverse("workshops:detail", args=[PAST_WORKSHOP_WITH_AGENDA])
    ),
    "past-event-not-recorded": lambda page: go(
        page, reverse("workshops:detail", args=[PAST_EVENT_NOT_RECORDED])
    ),
    "open-workshop": lambda page: go(page, open_workshop().get_absolute_url()),
    "news": lambda page: go(page, reverse("news")),
    "about": lambda page: go(page, reverse("about")),
    "join": lambda page: go(page, reverse("join")),
    "join-with-errors": join_with_errors,
    "accessibility-statement": lambda page: go(page, reverse("accessibility")),
    "privacy-notice": lambda page: go(page, reverse("privacy")),
    "cookies": lambda page: go(page, reverse("cookies")),
    "account-closed": lambda page: go(page, reverse("account_closed")),
    "contact": lambda page: go(page, reverse("contact")),
    "contact-with-errors": contact_with_errors,
    "sign-in": lambda page: go(page, reverse("account_login")),
    "sign-in-failed": sign_in_failed,
    "create-account": lambda page: go(page, reverse("account_signup")),
    "create-account-with-errors": create_account_with_errors,
    "password-reset": lambda page: go(page, reverse("account_reset_password")),
    "page-not-found": lambda page: go(page, "/no-such-page/", status=404),
    "request-not-readable": lambda page: go(page, "/calendar/%00.ics", status=400),
}


def book_for_yourself(person):
    """A confirmed place for the signed-in person, so that their booking pages list one."""
    return book_place(workshop=open_workshop(), person=person, booked_by=person)


def open_workshop_page(page, person):
    go(page, open_workshop().get_absolute_url())


def book_page(page, person):
    go(page, reverse("workshops:book", args=[open_workshop().slug]))


def book_for_a_colleague_with_errors(page, person):
    book_page(page, person)
    page.get_by_role("radio", name="A colleague at my Trust").check()
    submit_and_see_errors(page, "Book a place")


def booking_page(page, person):
    go(page, reverse("workshops:booking", args=[book_for_yourself(person).pk]))


def cancel_booking_page(page, person):
    go(page, reverse("workshops:cancel", args=[book_for_yourself(person).pk]))


def change_attendee_page(page, person):
    go(page, reverse("workshops:change_attendee", args=[book_for_yourself(person).pk]))


def my_bookings(page, person):
    book_for_yourself(person)
    go(page, reverse("workshops:my_bookings"))


def my_trust_bookings(page, person):
    book_for_yourself(person)
    go(page, reverse("workshops:trust_bookings"))


def profile_page(page, person):
    go(page, reverse("profile"))


def trust_people_page(page, person):
    """A confirmed director's page with a colleague whose director-level role awaits them."""
    User.objects.create_user(
        "waiting.director@example.org",
        full_name="Wai Ting",
        job_title="Director of Workforce",
        seniority="director",
        trust=person.trust,
    )
    go(page, reverse("trusts:people"))


def close_account_page(page, person):
    """Closing the account, with a place still to come that it would cancel."""
    book_for_yourself(person)
    go(page, reverse("profile_close"))


def profile_with_errors(page, person):
    profile_page(page, person)
    page.get_by_label("Full name").clear()
    submit_and_see_errors(page, "Save your details")


def sessions_page(page, person):
    go(page, reverse("usersessions_list"))


def two_step_verification_page(page, person):
    go(page, reverse("mfa_index"))


def confirm_it_is_you_page(page, person):
    """Setting up two-step verification first asks for the password again."""
    go(page, reverse("mfa_activate_totp"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")


def in_person(workshop):
    Workshop.objects.filter(pk=workshop.pk).update(
        format=Workshop.Format.IN_PERSON, venue="Skipton House\n80 London Road", video_link=""
    )
    return workshop


def too_long(page, label):
    """Over the limit, past the textarea's own maxlength, to see the server's error."""
    field = page.get_by_label(label)
    field.evaluate(
        "(element, text) => { element.removeAttribute('maxlength'); element.value = text }",
        "x" * 1001,
    )


def book_in_person_page(page, person):
    go(page, reverse("workshops:book", args=[in_person(open_workshop()).slug]))


def book_for_a_colleague_only_with_errors(page, person):
    """A director with a place of their own books a colleague: the form asks only for them."""
    book_for_yourself(person)
    go(page, reverse("workshops:book", args=[open_workshop().slug]))
    submit_and_see_errors(page, "Book a place for them")


def book_with_an_area_taken(page, person):
    """A refusal of the booking rules, shown on the functional area it is about."""
    colleague = User.objects.create_user(
        "nursing.colleague@slam.nhs.test",
        full_name="Nia Nurse",
        trust=person.trust,
        functional_area="nursing",
    )
    book_place(workshop=open_workshop(), person=colleague, booked_by=person)
    book_page(page, person)
    submit_and_see_errors(page, "Book a place")


def booking_with_access_needs_page(page, person):
    booking = book_place(
        workshop=in_person(open_workshop()),
        person=person,
        booked_by=person,
        access_needs="Step-free access, please.",
    )
    go(page, reverse("workshops:booking", args=[booking.pk]))


def access_needs_with_errors(page, person):
    booking = book_place(workshop=in_person(open_workshop()), person=person, booked_by=person)
    go(page, reverse("workshops:access_needs", args=[booking.pk]))
    too_long(page, "Your access and dietary needs")
    submit_and_see_errors(page, "Save your access and dietary needs")


def offered_place(person):
    booking = book_for_yourself(person)
    Booking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.OFFERED,
        offer_expires_at=timezone.now() + datetime.timedelta(hours=24),
    )
    return booking


def offer_page(page, person):
    go(page, reverse("workshops:offer", args=[offered_place(person).pk]))


def offer_no_longer_open(page, person):
    """Accepting an offer that expired meanwhile: the refusal in the error summary."""
    booking = offered_place(person)
    go(page, reverse("workshops:offer", args=[booking.pk]))
    Booking.objects.filter(pk=booking.pk).update(offer_expires_at=timezone.now())
    submit_and_see_errors(page, "Accept the place")


def someone_elses_invitation(page, person):
    stakeholder = User.objects.get(email="demo.stakeholder@hee.nhs.test")
    invitation = Invitation.objects.create(workshop=open_workshop(), person=stakeholder)
    go(page, invitation.get_absolute_url())


def attended_page(page, person):
    held = Workshop.objects.filter(status=Workshop.Status.HELD).order_by("-date").first()
    Booking.objects.create(
        workshop=held,
        person=person,
        trust=person.trust,
        functional_area="nursing",
        attended=True,
    )
    go(page, reverse("workshops:attended"))


def my_trust_bookings_with_attendance(page, person):
    held = Workshop.objects.filter(status=Workshop.Status.HELD).order_by("-date").first()
    for attended, area in (
        (True, "nursing"),
        (False, "hr_workforce"),
        (None, "od_training_education"),
    ):
        colleague = User.objects.create_user(
            f"{area}.colleague@slam.nhs.test",
            full_name=f"Colleague {area}",
            trust=person.trust,
            functional_area=area,
        )
        Booking.objects.create(
            workshop=held,
            person=colleague,
            trust=person.trust,
            functional_area=area,
            attended=attended,
        )
    my_trust_bookings(page, person)


SIGNED_IN_PAGES = {
    "open-workshop-with-booking-panel": open_workshop_page,
    "book": book_page,
    "book-for-a-colleague-with-errors": book_for_a_colleague_with_errors,
    "booking": booking_page,
    "cancel-booking": cancel_booking_page,
    "change-attendee": change_attendee_page,
    "my-bookings": my_bookings,
    "my-trust-bookings": my_trust_bookings,
    "profile": profile_page,
    "profile-with-errors": profile_with_errors,
    "close-account": close_account_page,
    "trust-people-to-confirm": trust_people_page,
    "where-you-are-signed-in": sessions_page,
    "two-step-verification": two_step_verification_page,
    "confirm-it-is-you": confirm_it_is_you_page,
    "book-in-person-asking-access-needs": book_in_person_page,
    "book-for-a-colleague-only-with-errors": book_for_a_colleague_only_with_errors,
    "book-with-a-functional-area-taken": book_with_an_area_taken,
    "booking-with-access-needs": booking_with_access_needs_page,
    "access-needs-with-errors": access_needs_with_errors,
    "offer": offer_page,
    "offer-no-longer-open": offer_no_longer_open,
    "someone-elses-invitation": someone_elses_invitation,
    "workshops-attended": attended_page,
    "my-trust-bookings-with-attendance": my_trust_bookings_with_attendance,
}


def assert_no_violations(page):
    if violations := axe_violations(page):
        pytest.fail(f"axe-core found on {page.url}:\n{describe(violations)}", pytrace=False)


@pytest.mark.parametrize("visit", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_public_page_has_no_accessibility_violations(page, demo_data, visit):
    visit(page)

    assert_no_violations(page)


@pytest.mark.parametrize("visit", SIGNED_IN_PAGES.values(), ids=SIGNED_IN_PAGES.keys())
def test_signed_in_page_has_no_accessibility_violations(page, demo_data, sign_in, director, visit):
    sign_in(page, director)
    visit(page, User.objects.get(email=director.email))

    assert_no_violations(page)


def invitation_page(page, person):
    invitation = Invitation.objects.create(workshop=in_person(open_workshop()), person=person)
    go(page, invitation.get_absolute_url())


def invitation_with_errors(page, person):
    invitation_page(page, person)
    too_long(page, "Your access and dietary needs")
    submit_and_see_errors(page, "Book my place")


def workshop_without_an_invitation(page, person):
    go(page, open_workshop().get_absolute_url())


STAKEHOLDER_PAGES = {
    "invitation-asking-access-needs": invitation_page,
    "invitation-with-errors": invitation_with_errors,
    "open-workshop-without-an-invitation": workshop_without_an_invitation,
}


@pytest.mark.parametrize("visit", STAKEHOLDER_PAGES.values(), ids=STAKEHOLDER_PAGES.keys())
def test_stakeholder_page_has_no_accessibility_violations(page, demo_data, sign_in, visit):
    stakeholder = next(
        account for account in DEMO_ACCOUNTS if account.email == "demo.stakeholder@hee.nhs.test"
    )
    sign_in(page, stakeholder)
    visit(page, User.objects.get(email=stakeholder.email))

    assert_no_violations(page)


def test_rate_limit_page_has_no_accessibility_violations(page, demo_data, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact": (0, 600)}
    go(page, reverse("contact"))
    page.get_by_role("button", name="Send message").click()
    expect(
        page.get_by_role("heading", name="You have sent this form too many times")
    ).to_be_visible()
    assert_no_violations(page)
