"""The personal calendar feed, and the profile section that gives its address."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from icalendar import Calendar

from collaborative.outbox.models import OutgoingEmail
from collaborative.people.calendar_tokens import issue_calendar_token, revoke_calendar_token
from tests.factories import BookingFactory
from tests.queries import queries_to_get
from workshops.booking import rules
from workshops.messages import content, notify
from workshops.models import BookingStatus, Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(director_a):
    return issue_calendar_token(director_a)


def feed_url(token):
    return reverse("calendar_feed", args=[token])


def events(client, token):
    response = client.get(feed_url(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return {
        str(event["uid"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")
    }


def test_the_feed_is_at_a_calendar_address_with_the_token(token):
    assert feed_url(token) == f"/calendar/{token}.ics"
    assert len(token) >= 43


def test_the_feed_lists_exactly_the_persons_confirmed_workshops(
    client, token, director_a, director_b
):
    mine = BookingFactory(person=director_a)
    BookingFactory(person=director_a, status=BookingStatus.WAITING)
    BookingFactory(person=director_a, status=BookingStatus.AWAITING_APPROVAL)
    BookingFactory(person=director_b)

    assert list(events(client, token)) == [mine.calendar_uid]


def test_the_feed_has_the_same_uid_as_the_confirmation_attachment(client, token, director_a):
    booking = BookingFactory(person=director_a)
    notify.booking_made(booking)
    message = OutgoingEmail.objects.get()

    attached = Calendar.from_ical(content.calendar_file(message)).walk("VEVENT")[0]

    assert list(events(client, token)) == [str(attached["uid"])]


def test_the_feed_gives_the_video_link_to_its_owner(client, token, director_a):
    BookingFactory(person=director_a, workshop__video_link="https://meet.example.org/feed")

    (event,) = events(client, token).values()

    assert str(event["location"]) == "https://meet.example.org/feed"


def test_the_feed_reflects_a_new_time_with_a_higher_sequence(client, token, director_a):
    booking = BookingFactory(person=director_a)
    workshop = booking.workshop
    workshop.start_time = datetime.time(11, 0)
    workshop.save()

    event = events(client, token)[booking.calendar_uid]

    assert int(event["sequence"]) == 1
    assert event.decoded("dtstart").time() == datetime.time(11, 0)


def test_a_cancelled_booking_drops_out_of_the_feed(client, token, director_a):
    booking = BookingFactory(person=director_a)

    rules.cancel_booking(booking=booking, by=booking.person)

    assert events(client, token) == {}


def test_a_cancelled_workshop_stays_in_the_feed_marked_cancelled(
    client, token, director_a, operations_manager
):
    booking = BookingFactory(person=director_a)
    before = int(events(client, token)[booking.calendar_uid]["sequence"])

    rules.cancel_workshop(workshop=booking.workshop, cancelled_by=operations_manager)

    event = events(client, token)[booking.calendar_uid]
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) > before


def test_a_workshop_over_a_year_ago_is_left_out(client, token, director_a):
    BookingFactory(
        person=director_a,
        workshop__date=timezone.localdate() - datetime.timedelta(days=400),
        workshop__status=Workshop.Status.HELD,
    )

    assert events(client, token) == {}


def test_a_revoked_token_answers_404(client, token, director_a):
    revoke_calendar_token(director_a)

    assert client.get(feed_url(token)).status_code == 404


def test_a_replaced_token_answers_404_and_the_new_one_works(client, token, director_a):
    new = issue_calendar_token(director_a)

    assert client.get(feed_url(token)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200


def test_an_unknown_token_answers_404(client, token):
    assert client.get(feed_url("x" * 43)).status_code == 404


def _queries(client, token):
    return queries_to_get(client, feed_url(token))[0]


def test_the_feed_takes_two_queries_for_one_booking_or_fifty(client, token, director_a):
    BookingFactory(person=director_a)
    with_one = _queries(client, token)

    for _ in range(49):
        BookingFactory(person=director_a)
    with_fifty = _queries(client, token)

    assert len(events(client, token)) == 50
    assert with_one == with_fifty == 2


def test_an_unchanged_feed_answers_304_to_its_etag(client, token, director_a):
    BookingFactory(person=director_a)
    etag = client.get(feed_url(token))["ETag"]

    response = client.get(feed_url(token), headers={"If-None-Match": etag})

    assert response.status_code == 304


def test_a_changed_workshop_changes_the_etag(client, token, director_a):
    workshop = BookingFactory(person=director_a).workshop
    etag = client.get(feed_url(token))["ETag"]
    workshop.venue = "Wellcome Collection, London"
    workshop.format = Workshop.Format.IN_PERSON
    workshop.save()

    response = client.get(feed_url(token), headers={"If-None-Match": etag})

    assert response.status_code == 200


def test_an_unchanged_feed_answers_304_to_if_modified_since(client, token, director_a):
    BookingFactory(person=director_a)
    last_modified = client.get(feed_url(token))["Last-Modified"]

    response = client.get(feed_url(token), headers={"If-Modified-Since": last_modified})

    assert response.status_code == 304


def test_a_feed_modified_since_answers_in_full(client, token, director_a):
    BookingFactory(person=director_a)
    earlier = http_date((timezone.now() - datetime.timedelta(days=1)).timestamp())

    response = client.get(feed_url(token), headers={"If-Modified-Since": earlier})

    assert response.status_code == 200


def test_the_feed_asks_calendars_to_check_for_changes(client, token, director_a):
    response = client.get(feed_url(token))

    # Personal: no browser or proxy keeps it (issue 12), and calendars ask again each time.
    assert {"private", "no-cache", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H" in response.content


# The profile's calendar section ------------------------------------------------------


def profile_text(client):
    return re.sub(r"\s+", " ", client.get(reverse("profile")).content.decode())


def test_the_profile_offers_to_create_a_calendar_address(client, director_a):
    client.force_login(director_a)

    text = profile_text(client)

    assert "Add your workshops to your calendar" in text
    assert 'name="action" value="create"' in text


def test_creating_the_address_shows_it_with_webcal_and_instructions(client, director_a):
    client.force_login(director_a)

    response = client.post(reverse("profile_calendar"), {"action": "create"}, follow=True)

    director_a.refresh_from_db()
    text = re.sub(r"\s+", " ", response.content.decode())
    path = feed_url(director_a.calendar_token)
    assert f'value="http://127.0.0.1:8000{path}"' in text
    assert f'href="webcal://127.0.0.1:8000{path}"' in text
    for program in ("Subscribe in Outlook", "Subscribe in Google Calendar", "Subscribe in Apple"):
        assert program in text
    assert "Your calendar address is ready." in text


def test_replacing_the_address_stops_the_old_one(client, director_a, token):
    client.force_login(director_a)

    client.post(reverse("profile_calendar"), {"action": "replace"})

    director_a.refresh_from_db()
    assert director_a.calendar_token not in (None, token)
    assert client.get(feed_url(token)).status_code == 404


def test_turning_the_address_off_removes_it(client, director_a, token):
    client.force_login(director_a)

    response = client.post(reverse("profile_calendar"), {"action": "revoke"}, follow=True)

    director_a.refresh_from_db()
    assert director_a.calendar_token is None
    assert 'name="action" value="create"' in response.content.decode()


def test_the_calendar_buttons_need_a_post(client, director_a):
    client.force_login(director_a)

    assert client.get(reverse("profile_calendar")).status_code == 405


def test_an_unknown_calendar_action_changes_nothing(client, director_a, token):
    client.force_login(director_a)

    client.post(reverse("profile_calendar"), {"action": "share"})

    director_a.refresh_from_db()
    assert director_a.calendar_token == token
