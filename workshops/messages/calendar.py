"""Calendar files (RFC 5545) for confirmed places at workshops."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from workshops.models import Workshop

PRODUCT_ID = "-//National Mental Health Workforce Development Collaborative//Portal//EN"


def booking_event(booking, *, include_video_link, sequence=None):
    """The workshop as a calendar event of this booking.

    The UID is the booking's, stable while the booking lives, so a calendar replaces the
    entry on a change; a new booking after a cancellation is a new entry. ``sequence``
    is the one the booking had at the event being told (``Booking.sequence`` by default).
    """
    return workshop_event(
        booking.workshop,
        uid=booking.calendar_uid,
        sequence=booking.sequence if sequence is None else sequence,
        include_video_link=include_video_link,
    )


def workshop_event(workshop, *, uid, sequence, include_video_link):
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
        if include_video_link and workshop.video_link:
            location = workshop.video_link
            event.add("url", workshop.video_link)
            description.append(f"Join by video: {workshop.video_link}")
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
    """The .ics for one booking; the video link goes only to the confirmed attendee themselves."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    with_link = booking.shows_video_link_to(viewer)
    calendar.add_component(booking_event(booking, include_video_link=with_link))
    calendar.add_missing_timezones()
    return calendar.to_ical()
