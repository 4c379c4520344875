"""The operations manager sets the sign-off rule in the admin; the steering group signs off
a draft agenda, which is agreed only when the rule is met.

The steering group here is the demo steering member and two colleagues. The rule is the
chair's sign-off: the two others sign off first and the agenda stays a draft; the chair's
sign-off agrees it, and a visitor can read it. Each person is a browser of their own,
signed in by a session made on the server (two-step verification set up).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from collaborative.demo_data import DEMO_ACCOUNTS
from collaborative.outbox.models import OutgoingEmail
from collaborative.people.models import User
from tests.browser.test_accessibility import assert_no_violations
from tests.browser.test_admin_accessibility import signed_in_as
from tests.factories import UserFactory
from workshops.models import Workshop
from workshops.steering import agenda

pytestmark = pytest.mark.browser


def sign_off(page, workshop):
    page.goto(reverse("workshops:steering:workshop", args=[workshop.slug]))
    page.get_by_role("link", name="Sign off or ask for changes").click()
    page.get_by_role("radio", name="I sign off this agenda").check()
    page.get_by_role("button", name="Send your decision").click()


def test_the_agenda_is_agreed_only_when_the_rule_set_in_the_admin_is_met(
    page, live_server, demo_data, as_someone
):
    member = next(account for account in DEMO_ACCOUNTS if account.is_steering_member)
    alex = User.objects.get(email=member.email)
    bea = UserFactory(full_name="Bea Khan", trust=alex.trust, is_steering_member=True)
    chris = UserFactory(full_name="Chris Lee", trust=alex.trust, is_steering_member=True)
    draft = Workshop.objects.filter(status=Workshop.Status.DRAFT).order_by("date").first()
    agenda.add_agenda_item(workshop=draft, added_by=alex, title="Welcome and purpose")

    # The operations manager makes the chair's sign-off the rule.
    operations = next(account for account in DEMO_ACCOUNTS if account.is_staff)
    signed_in_as(page, live_server.url, operations.email)
    page.goto(reverse("admin:workshops_signoffrule_changelist"))
    page.get_by_role("link", name="a majority of the steering group").click()
    page.get_by_label("The chair of the steering group").check()
    page.get_by_label("Chair:").select_option(label=str(chris))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")

    # Alex asks the group, and signs off: not the chair, so the agenda stays a draft.
    steering = as_someone(member.email)
    steering.goto(reverse("workshops:steering:workshop", args=[draft.slug]))
    steering.get_by_role("button", name="Ask the steering group to sign off").click()
    expect(steering.get_by_role("alert")).to_contain_text("are e-mailed")
    sign_off(steering, draft)
    expect(steering.get_by_role("alert")).to_contain_text("You signed off the agenda.")
    expect(
        steering.get_by_text("The chair, Chris Lee, has not signed it off yet.", exact=True)
    ).to_be_visible()
    assert_no_violations(steering)

    # Bea asks for a change first, then signs off: still a draft.
    second = as_someone(bea.email)
    second.goto(reverse("workshops:steering:sign_off", args=[draft.slug]))
    second.get_by_role("radio", name="I ask for changes").check()
    second.get_by_role("button", name="Send your decision").click()
    expect(second.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_no_violations(second)
    second.get_by_label("Comment").fill("Could the welcome say who the workshop is for?")
    second.get_by_role("button", name="Send your decision").click()
    expect(second.get_by_role("alert")).to_contain_text("You asked for changes.")
    sign_off(second, draft)
    draft.refresh_from_db()
    assert draft.status == Workshop.Status.DRAFT

    # The chair signs off: the rule is met, and the agenda is agreed there and then.
    chair = as_someone(chris.email)
    sign_off(chair, draft)
    expect(chair.get_by_role("alert")).to_contain_text("it is agreed and now public")
    draft.refresh_from_db()
    assert draft.status == Workshop.Status.AGENDA_AGREED

    visitor = as_someone()
    visitor.goto(draft.get_absolute_url())
    expect(visitor.get_by_role("heading", name="Welcome and purpose")).to_be_visible()

    steering.goto(reverse("workshops:steering:workshop", args=[draft.slug]))
    history = steering.locator("h2:has-text('History') + ol")
    expect(history).to_contain_text(
        "Agreed the agenda: the chair of the steering group (Chris Lee) signed it off"
    )
    expect(history).to_contain_text("Asked the steering group to sign off the agenda.")
    assert_no_violations(steering)
    asked = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.SIGN_OFF_REQUESTED)
    assert sorted(asked.values_list("recipient__full_name", flat=True)) == ["Bea Khan", "Chris Lee"]
