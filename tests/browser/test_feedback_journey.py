"""Feedback from end to end: the operations manager marks a workshop held; each attendee's
e-mail links to the form, answered once, with the keyboard; the steering group then reads
the results, as a chart and a table, and downloads them as a CSV.

Every page on the way passes axe-core, the form also with its errors.
"""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from collaborative.demo_data import DEMO_ACCOUNTS
from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from tests.browser.test_accessibility import assert_no_violations
from tests.browser.test_admin_accessibility import signed_in_as
from tests.factories import BookingFactory, UserFactory, WorkshopFactory
from trusts.models import Trust
from workshops.models import FeedbackAnswer, Workshop

pytestmark = pytest.mark.browser

ANSWERS = [
    # usefulness, relevance, comments
    ("5", "4", "The group work on new roles was the most useful part."),
    ("4", "4", ""),
    ("3", "2", "=cmd|' /C calc'!A0"),
]


def feedback_link(person):
    """The link in the person's feedback e-mail, as the e-mail is sent."""
    message = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.FEEDBACK_REQUEST, recipient=person)
    body = mail.render(message).body
    return re.search(r"https?://[^/\s]+(/workshops/bookings/feedback/[^\s]+/)", body).group(1)


def answer_with_the_keyboard(page, usefulness, relevance, comments):
    """Tab to each answer and choose it with the arrow keys and the space bar."""
    page.get_by_role("group", name="Overall, how useful was the workshop?").get_by_label(
        "1", exact=True
    ).focus()
    for _ in range(int(usefulness) - 1):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    for _ in range(int(relevance) - 1):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type(comments)
    page.get_by_role("button", name="Send your feedback").focus()
    page.keyboard.press("Enter")


def test_feedback_from_the_e_mail_link_to_the_results_and_the_csv(
    page, live_server, demo_data, as_someone
):
    workshop = WorkshopFactory(
        title="How do we keep experienced staff?",
        slug="keeping-experienced-staff",
        date=timezone.localdate() - datetime.timedelta(days=1),
        status=Workshop.Status.CLOSED,
    )
    trusts = list(Trust.objects.filter(membership__is_active=True).order_by("name")[:4])
    attendees = [UserFactory(trust=trust) for trust in trusts]
    for person in attendees:
        BookingFactory(workshop=workshop, person=person)

    # The operations manager marks it held, through the admin's action.
    operations = next(account for account in DEMO_ACCOUNTS if account.is_staff)
    signed_in_as(page, live_server.url, operations.email)
    page.goto(reverse("admin:workshops_workshop_changelist") + "?q=keep+experienced")
    page.locator(f'input[name="_selected_action"][value="{workshop.pk}"]').check()
    page.get_by_label("Action:").select_option("mark_held")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist .success")).to_contain_text("1 workshop(s) marked as held")

    # The first attendee sends the form empty first, then answers.
    first = as_someone()
    link = feedback_link(attendees[0])
    first.goto(link)
    expect(first.get_by_role("heading", level=1)).to_contain_text("Your feedback on the workshop")
    assert_no_violations(first)
    first.get_by_role("button", name="Send your feedback").click()
    expect(first.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_no_violations(first)
    first.get_by_role("link", name="Choose how useful the workshop was, from 1 to 5").click()
    expect(first.get_by_label("1", exact=True).first).to_be_focused()

    for person, (usefulness, relevance, comments) in zip(attendees, ANSWERS, strict=False):
        visitor = first if person == attendees[0] else as_someone()
        if visitor is not first:
            visitor.goto(feedback_link(person))
        answer_with_the_keyboard(visitor, usefulness, relevance, comments)
        expect(visitor.get_by_role("heading", level=1)).to_contain_text(
            "Thank you for your feedback"
        )

    # Answered once: the link now only says thank you.
    first.goto(link)
    expect(first.get_by_role("heading", level=1)).to_contain_text("Thank you for your feedback")
    expect(first.get_by_role("button", name="Send your feedback")).to_have_count(0)
    assert_no_violations(first)
    assert FeedbackAnswer.objects.count() == 3

    # The steering group reads the results, and downloads the CSV.
    member = next(account for account in DEMO_ACCOUNTS if account.is_steering_member)
    steering = as_someone(member.email)
    steering.goto(reverse("workshops:steering:workshop", args=[workshop.slug]))
    steering.get_by_role("link", name="See the attendees' feedback").click()
    expect(steering.get_by_text("3 of the 4 attendees asked have answered")).to_be_visible()
    expect(steering.get_by_role("img", name="How many attendees gave each rating")).to_be_visible()
    # Rating 4: one attendee gave it for usefulness, two for relevance.
    rating_4 = steering.locator("#feedback-ratings tbody tr").nth(3).locator("th, td")
    expect(rating_4).to_have_text(["4", "1", "2"])
    expect(
        steering.get_by_text("The group work on new roles was the most useful part.")
    ).to_be_visible()
    assert_no_violations(steering)

    with steering.expect_download() as download:
        steering.get_by_role("link", name="Download the answers as a CSV file").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 4
    assert sorted(row[2] for row in rows[1:]) == ["3", "4", "5"]
    # The answer that would run as a formula in a spreadsheet is text.
    assert "'=cmd|' /C calc'!A0" in [row[4] for row in rows]
