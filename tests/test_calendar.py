"""Calendar files for confirmed places parse back and carry the right times."""

import datetime
import zoneinfo

import pytest
from icalendar import Calendar

from tests.factories import BookingFactory, UserFactory, WorkshopFactory
from workshops.messages.calendar import booking_calendar
from workshops.models import BookingStatus, Workshop

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def event_of(booking):
    calendar = Calendar.from_ical(booking_calendar(booking, viewer=booking.person))
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_event_starts_and_ends_at_london_times_in_summer_and_winter(director_a):
    for date, utc_offset in [(datetime.date(2030, 7, 2), 1), (datetime.date(2030, 11, 25), 0)]:
        workshop = WorkshopFactory(date=date)
        _, event = event_of(BookingFactory(workshop=workshop, person=director_a))
        start = event.decoded("dtstart")
        assert start == datetime.datetime(2030, date.month, date.day, 10, 30, tzinfo=LONDON)
        assert start.utcoffset() == datetime.timedelta(hours=utc_offset)
        assert event.decoded("dtend").astimezone(LONDON).time() == datetime.time(12, 30)


def test_the_uid_is_stable_and_the_sequence_rises_when_the_workshop_changes(director_a):
    booking = BookingFactory(person=director_a)
    _, before = event_of(booking)
    booking.workshop.start_time = datetime.time(11, 0)
    booking.workshop.save()
    _, after = event_of(booking)
    assert before["uid"] == after["uid"]
    assert int(after["sequence"]) == int(before["sequence"]) + 1


def test_an_unchanged_save_keeps_the_sequence(director_a):
    booking = BookingFactory(person=director_a)
    booking.workshop.description = "More detail"
    booking.workshop.save()
    _, event = event_of(booking)
    assert int(event["sequence"]) == 0


def test_a_confirmed_place_at_a_virtual_workshop_carries_the_video_link(director_a):
    booking = BookingFactory(person=director_a, workshop__video_link="https://meet.example.org/x")
    _, event = event_of(booking)
    assert str(event["location"]) == "https://meet.example.org/x"


def test_an_offered_place_does_not_carry_the_video_link(director_a):
    booking = BookingFactory(
        person=director_a,
        status=BookingStatus.OFFERED,
        offer_expires_at=datetime.datetime(2030, 1, 1, tzinfo=LONDON),
        workshop__video_link="https://meet.example.org/secret",
    )
    assert b"meet.example.org/secret" not in booking_calendar(booking, viewer=booking.person)


def test_a_colleagues_copy_of_the_calendar_file_leaves_the_video_link_out(director_a, trust_a):
    booking = BookingFactory(person=director_a, workshop__video_link="https://meet.example.org/x")
    colleague = UserFactory(trust=trust_a)
    assert b"meet.example.org/x" not in booking_calendar(booking, viewer=colleague)


def test_an_in_person_workshop_gives_the_venue_and_the_organiser(director_a):
    workshop = WorkshopFactory(
        format=Workshop.Format.IN_PERSON, venue="Wellcome Collection, London"
    )
    calendar, event = event_of(BookingFactory(workshop=workshop, person=director_a))
    assert str(event["location"]) == "Wellcome Collection, London"
    assert str(event["organizer"]).startswith("mailto:")
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/London"


def test_a_new_video_link_raises_the_sequence(director_a):
    booking = BookingFactory(person=director_a)
    booking.workshop.video_link = "https://meet.example.org/new-room"
    booking.workshop.save()
    _, event = event_of(booking)
    assert int(event["sequence"]) == 1
