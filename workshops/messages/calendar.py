"""Calendar files (RFC 5545) for confirmed places at workshops."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from workshops.models import Workshop

PRODUCT_ID = "-//National Mental Health Workforce Development Collaborative//Portal//EN"


def ics(events, *, method="PUBLISH", **properties):
    """A calendar file of these events: the one place the iCalendar header is written.

    ``method`` is PUBLISH for entries to keep and CANCEL to take them away;
    ``properties`` are any others the calendar carries (a feed's name and refresh).
    """
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    for name, value in properties.items():
        calendar.add(name.replace("_", "-"), value)
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def booking_event(booking, *, video_link, sequence=None):
    """The workshop as a calendar event of this booking.

    The UID is the booking's, stable while the booking lives, so a calendar replaces the
    entry on a change; a new booking after a cancellation is a new entry. ``sequence``
    is the one the booking had at the event being told (``Booking.sequence`` by default).
    ``video_link`` is what ``Booking.video_link_for`` gives the person it is for.
    """
    return workshop_event(
        booking.workshop,
        uid=booking.calendar_uid,
        sequence=booking.sequence if sequence is None else sequence,
        video_link=video_link,
    )


def workshop_event(workshop, *, uid, sequence, video_link):
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now())
    if workshop.starts_at and workshop.ends_at:
        event.add("dtstart", workshop.starts_at)
        event.add("dtend", workshop.ends_at)
    else:
        # A past event whose times the record does not give: the day, as an all-day entry.
        event.add("dtstart", workshop.date)
    event.add("summary", f"NMHWDC workshop: {workshop.title}")
    description = [workshop.description.strip()] if workshop.description.strip() else []
    if workshop.is_virtual:
        location = "Online (video link)"
        if video_link:
            location = video_link
            event.add("url", video_link)
            description.append(f"Join by video: {video_link}")
    else:
        location = workshop.venue
    event.add("location", location)
    description.append(f"Details: {settings.PORTAL_BASE_URL}{workshop.get_absolute_url()}")
    event.add("description", "\n\n".join(description))
    organizer = vCalAddress(f"mailto:{settings.PROGRAMME_OPERATIONS_EMAIL}")
    organizer.params["cn"] = vText("NMHWDC programme operations manager")
    event.add("organizer", organizer)
    if workshop.status == Workshop.Status.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def booking_calendar(booking, *, viewer):
    """The .ics for one booking, with the video link if the viewer may see it."""
    return ics([booking_event(booking, video_link=booking.video_link_for(viewer))])
