"""Each person's calendar feed: a secret .ics address their calendar program subscribes to.

The token in the address is the only key (calendar programs cannot sign in),
so it is long and random, and the person can replace or revoke it from their
profile; a revoked one answers 404. The feed lists the person's confirmed
places at workshops of the past year and to come, with the same event UIDs
as the files attached to their e-mails, so each workshop is one entry
wherever it came from. A cancelled booking drops out; a cancelled workshop
stays, marked cancelled. Calendar programs poll the feed, so it answers
conditional GETs and costs two queries whatever the number of bookings.
"""

import datetime
import hashlib

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import condition
from icalendar import vDuration

from collaborative.people.models import User
from workshops.messages.calendar import booking_event, ics
from workshops.models import Booking, BookingStatus, CancellationReason, Workshop

HISTORY = datetime.timedelta(days=365)
REFRESH = datetime.timedelta(hours=6)


def _feed(request, token):
    """The person and the bookings in their feed, loaded once for the checks and the view."""
    if not hasattr(request, "_calendar_feed"):
        person = get_object_or_404(User.objects.only("pk"), calendar_token=token)
        bookings = (
            Booking.objects.filter(
                person=person, workshop__date__gte=timezone.localdate() - HISTORY
            )
            .filter(
                Q(status=BookingStatus.CONFIRMED)
                | Q(
                    status=BookingStatus.CANCELLED,
                    cancellation_reason=CancellationReason.WORKSHOP_CANCELLED,
                    workshop__status=Workshop.Status.CANCELLED,
                )
            )
            .select_related("workshop")
            .order_by("workshop__date", "workshop__start_time", "requested_at", "pk")
        )
        # One entry per workshop (one UID): the latest booking for it.
        request._calendar_feed = list({b.workshop_id: b for b in bookings}.values())
        for booking in request._calendar_feed:
            booking.person = person
    return request._calendar_feed


def _etag(request, token):
    """Changes whenever an entry would: a booking's or a workshop's change, or the set of them."""
    state = [
        (b.pk, b.status, b.updated_at.isoformat(), b.workshop.updated_at.isoformat())
        for b in _feed(request, token)
    ]
    return hashlib.sha256(f"{token}{state}".encode()).hexdigest()[:32]


def _last_modified(request, token):
    bookings = _feed(request, token)
    return max(
        (max(b.updated_at, b.workshop.updated_at) for b in bookings),
        default=None,
    )


@condition(etag_func=_etag, last_modified_func=_last_modified)
def personal_calendar(request, token):
    # How often calendar programs should ask again (Outlook reads the second).
    refresh = vDuration(REFRESH)
    refresh.params["VALUE"] = "DURATION"
    events = [
        booking_event(booking, video_link=booking.video_link_for(booking.person))
        for booking in _feed(request, token)
    ]
    content = ics(
        events,
        x_wr_calname="NMHWDC workshops",
        refresh_interval=refresh,
        x_published_ttl=vDuration(REFRESH).to_ical().decode(),
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="nmhwdc-workshops.ics"'
    # Always ask again, with the ETag: a changed workshop must reach the calendar.
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response
