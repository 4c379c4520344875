"""Calendar files (RFC 5545) for confirmed places at workshops."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from workshops.models import BookingStatus, Workshop

PRODUCT_ID = "-//National Mental Health Workforce Development Collaborative//Portal//EN"


def event_uid(workshop):
    """Stable across changes, so a calendar replaces the entry rather than adding another."""
    return f"workshop-{workshop.pk}@nmhwdc.nhs.uk"


def workshop_event(workshop, *, include_video_link):
    event = Event()
    event.add("uid", event_uid(workshop))
    event.add("sequence", workshop.calendar_sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", workshop.starts_at)
    event.add("dtend", workshop.ends_at)
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


def booking_calendar(booking, *, for_attendee):
    """The .ics for one booking; the video link goes only to the confirmed attendee themselves."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    with_link = for_attendee and booking.status == BookingStatus.CONFIRMED
    calendar.add_component(workshop_event(booking.workshop, include_video_link=with_link))
    calendar.add_missing_timezones()
    return calendar.to_ical()
