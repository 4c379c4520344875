"""Feedback after a held workshop: asked once through the outbox, answered once, anonymous,
and read by the steering group and the operations manager as a chart, a table and a CSV."""

import csv
import datetime
import html
import io
import re
import zoneinfo

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from tests.factories import BookingFactory, MembershipFactory, UserFactory, WorkshopFactory
from workshops.booking import rules
from workshops.feedback import survey
from workshops.messages.content import about_workshop_or_its_bookings
from workshops.models import BookingStatus, FeedbackAnswer, FeedbackRequest, Workshop
from workshops.tasks import request_feedback

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
Kind = OutgoingEmail.Kind


def text_of(response):
    """The page's text with tags dropped, entities read and runs of white space folded."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


@pytest.fixture
def yesterdays(db):
    """A workshop that took place yesterday, not yet marked held."""
    return WorkshopFactory(
        title="How do we keep experienced staff?",
        date=timezone.localdate() - datetime.timedelta(days=1),
        status=Workshop.Status.CLOSED,
    )


def attendee(workshop, **booking):
    """A place at the workshop for a director of a Trust of their own."""
    person = booking.pop("person", None) or UserFactory(trust=MembershipFactory().trust)
    return BookingFactory(workshop=workshop, person=person, **booking)


def asked(workshop):
    """Who has a feedback e-mail about the workshop in the outbox."""
    return set(
        OutgoingEmail.objects.filter(
            about_workshop_or_its_bookings(workshop), kind=Kind.FEEDBACK_REQUEST
        ).values_list("recipient_id", flat=True)
    )


def held(workshop, by=None):
    return rules.mark_held(workshop=workshop, marked_by=by)


def answer(booking, **answers):
    request = FeedbackRequest.objects.get(booking=booking)
    return survey.answer_feedback(
        token=request.token, **{"usefulness": 4, "relevance": 5, **answers}
    )


# Who is asked, and when ---------------------------------------------------------------


def test_marking_a_workshop_held_asks_each_attendee_once_in_its_transaction(
    yesterdays, django_capture_on_commit_callbacks
):
    came = attendee(yesterdays, attended=True)
    unknown = attendee(yesterdays)

    with django_capture_on_commit_callbacks() as callbacks:
        held(yesterdays)
        # Recorded before the commit; only the delivery waits for it.
        assert asked(yesterdays) == {came.person_id, unknown.person_id}

    assert callbacks


@pytest.mark.parametrize(
    "booking",
    [
        {"attended": False},
        {"status": BookingStatus.CANCELLED, "cancelled_at": timezone.now()},
        {"status": BookingStatus.WAITING},
    ],
    ids=["recorded-absent", "cancelled", "waiting"],
)
def test_people_without_a_place_they_used_are_not_asked(yesterdays, booking):
    attendee(yesterdays, **booking)

    held(yesterdays)

    assert asked(yesterdays) == set()


def test_a_rolled_back_marking_asks_no_one(yesterdays):
    attendee(yesterdays)

    with pytest.raises(RuntimeError), transaction.atomic():
        held(yesterdays)
        raise RuntimeError("the request failed after marking")

    assert asked(yesterdays) == set()
    assert not FeedbackRequest.objects.exists()


def test_the_periodic_task_and_marking_again_ask_no_one_twice(yesterdays):
    attendee(yesterdays)
    held(yesterdays)

    held(yesterdays)
    request_feedback.delay()

    assert OutgoingEmail.objects.filter(kind=Kind.FEEDBACK_REQUEST).count() == 1


def test_a_workshop_marked_held_before_it_ends_is_asked_about_by_the_task_once_it_has(db):
    workshop = WorkshopFactory(
        date=timezone.localdate(),
        start_time=datetime.time(0, 0),
        end_time=datetime.time(23, 59),
        status=Workshop.Status.CLOSED,
    )
    booking = attendee(workshop)
    held(workshop)
    assert asked(workshop) == set()

    ended = datetime.datetime.combine(workshop.date, datetime.time(23, 59), tzinfo=LONDON)
    survey.request_due_feedback(now=ended + datetime.timedelta(minutes=20))

    assert asked(workshop) == {booking.person_id}


def test_a_workshop_marked_held_weeks_after_its_day_asks_no_one(db):
    workshop = WorkshopFactory(
        date=timezone.localdate() - datetime.timedelta(days=survey.ASK_WITHIN_DAYS + 1),
        status=Workshop.Status.CLOSED,
    )
    attendee(workshop)

    held(workshop)

    assert asked(workshop) == set()


def test_the_e_mail_links_to_the_form_made_when_it_is_sent_and_the_outbox_keeps_no_link(
    yesterdays, settings
):
    settings.PORTAL_BASE_URL = "https://portal.test.nhs.uk"
    booking = attendee(yesterdays)
    held(yesterdays)
    message = OutgoingEmail.objects.get(kind=Kind.FEEDBACK_REQUEST)

    email = mail.render(message)

    token = FeedbackRequest.objects.get(booking=booking).token
    link = f"https://portal.test.nhs.uk{reverse('workshops:feedback', args=[token])}"
    assert email.subject == "Your feedback on How do we keep experienced staff?"
    assert link in email.body
    assert link in email.alternatives[0][0]
    assert token not in str(message.context)


# Answering --------------------------------------------------------------------------


def test_an_answer_is_stored_with_nothing_that_says_whose_it_is(yesterdays):
    booking = attendee(yesterdays)
    held(yesterdays)

    stored = answer(booking, comments="More time for the groups.")

    names = {field.name for field in FeedbackAnswer._meta.get_fields()}
    assert names == {
        "id",
        "workshop",
        "usefulness",
        "relevance",
        "comments",
        "future_topics",
    }
    assert (stored.workshop, stored.usefulness, stored.relevance) == (yesterdays, 4, 5)
    assert FeedbackRequest.objects.get(booking=booking).answered is True


def test_a_link_answers_once(yesterdays):
    booking = attendee(yesterdays)
    held(yesterdays)
    answer(booking)

    with pytest.raises(survey.FeedbackError, match="already given your feedback"):
        answer(booking, usefulness=1)

    assert FeedbackAnswer.objects.count() == 1


def test_someone_recorded_absent_after_the_e_mail_cannot_answer(yesterdays):
    booking = attendee(yesterdays)
    held(yesterdays)
    booking.attended = False
    booking.save()

    with pytest.raises(survey.FeedbackError, match="did not attend"):
        answer(booking)


def test_the_form_takes_answers_without_signing_in_and_then_says_thank_you(client, yesterdays):
    booking = attendee(yesterdays)
    held(yesterdays)
    url = FeedbackRequest.objects.get(booking=booking).get_absolute_url()

    response = client.post(
        url, {"usefulness": "3", "relevance": "4", "comments": "Useful.", "future_topics": ""}
    )

    assert response.status_code == 302
    page = text_of(client.get(url))
    assert "Thank you for your feedback" in page
    assert "Send your feedback" not in page
    assert FeedbackAnswer.objects.get().comments == "Useful."


def test_the_form_without_ratings_shows_an_error_summary_linking_to_each_question(
    client, yesterdays
):
    booking = attendee(yesterdays)
    held(yesterdays)

    response = client.post(FeedbackRequest.objects.get(booking=booking).get_absolute_url(), {})

    page = response.content.decode()
    assert page.index("There is a problem") < page.index("<h1>")
    assert '<a href="#id_usefulness_0">Choose how useful the workshop was, from 1 to 5</a>' in page
    assert "Choose how relevant the workshop was, from 1 to 5" in page
    assert page.count("There is a problem") == 1
    assert not FeedbackAnswer.objects.exists()


def test_an_unknown_link_is_not_found(client, db):
    assert client.get(reverse("workshops:feedback", args=["no-such-token"])).status_code == 404


# Results ----------------------------------------------------------------------------


@pytest.fixture
def answered(yesterdays):
    """Three attendees' answers, one comment trying to be a spreadsheet formula."""
    bookings = [attendee(yesterdays) for _ in range(4)]
    held(yesterdays)
    answer(bookings[0], usefulness=5, relevance=4, comments='=HYPERLINK("http://x")')
    answer(bookings[1], usefulness=4, relevance=4, future_topics="Preceptorship")
    answer(bookings[2], usefulness=5, relevance=2)
    return yesterdays


def results_url(workshop):
    return reverse("workshops:steering:feedback", args=[workshop.slug])


@pytest.mark.parametrize(
    "who, status",
    [
        (None, 404),
        ("director_a", 404),
        ("steering_member", 200),
        ("operations_manager", 200),
    ],
)
def test_results_are_for_the_steering_group_and_the_operations_manager(
    client, answered, who, status, request
):
    if who:
        client.force_login(request.getfixturevalue(who))

    assert client.get(results_url(answered)).status_code == status


def test_results_show_the_ratings_as_a_chart_and_a_table_and_the_comments(
    client, answered, steering_member
):
    client.force_login(steering_member)

    response = client.get(results_url(answered))

    page = text_of(response)
    assert "3 of the 4 attendees asked have answered" in page
    assert "overall usefulness 4.7 , relevance to their organisation 3.3 ." in page
    html = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img"' in html
    assert "5: very 2 0" in page  # two gave usefulness 5, none gave relevance 5
    assert "Preceptorship" in page
    assert "=HYPERLINK" in page


def test_results_wait_for_enough_answers_that_no_one_is_picked_out(
    client, yesterdays, steering_member
):
    bookings = [attendee(yesterdays) for _ in range(2)]
    held(yesterdays)
    answer(bookings[0], comments="Only mine.")
    client.force_login(steering_member)

    page = text_of(client.get(results_url(yesterdays)))

    assert "shown once at least 3 people have answered" in page
    assert "Only mine." not in page
    csv_url = reverse("workshops:steering:feedback_csv", args=[yesterdays.slug])
    assert client.get(csv_url).status_code == 404


def test_the_csv_has_one_row_per_answer_and_never_a_formula(client, answered, operations_manager):
    client.force_login(operations_manager)

    response = client.get(reverse("workshops:steering:feedback_csv", args=[answered.slug]))

    assert response["Content-Disposition"] == (
        f'attachment; filename="feedback-{answered.slug}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][2:4] == [
        "Overall, how useful was the workshop? (1 to 5)",
        "How relevant was it to your organisation's work? (1 to 5)",
    ]
    assert len(rows) == 4
    assert '\'=HYPERLINK("http://x")' in [row[4] for row in rows]


def test_the_steering_page_of_a_held_workshop_links_to_its_feedback(
    client, answered, steering_member
):
    client.force_login(steering_member)

    page = client.get(reverse("workshops:steering:workshop", args=[answered.slug]))

    assert f'href="{results_url(answered)}"' in page.content.decode()


def test_an_attendee_recorded_after_the_marking_is_asked_by_the_periodic_task(yesterdays):
    first = attendee(yesterdays)
    held(yesterdays)
    second = attendee(yesterdays)

    survey.request_due_feedback()

    assert asked(yesterdays) == {first.person_id, second.person_id}


def test_the_admin_lists_no_answers_of_a_workshop_with_too_few_to_show(
    client, yesterdays, operations_manager
):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    bookings = [attendee(yesterdays) for _ in range(3)]
    held(yesterdays)
    lone = answer(bookings[0], comments="Only mine so far.")
    client.force_login(operations_manager)
    change = reverse("admin:workshops_feedbackanswer_change", args=[lone.pk])

    assert "Only mine so far." not in client.get(change, follow=True).content.decode()
    answer(bookings[1])
    answer(bookings[2])
    assert "Only mine so far." in client.get(change).content.decode()
