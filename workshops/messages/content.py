"""What each workshop and booking e-mail says when it goes, and the calendar file it carries.

``notify`` records the messages, each ``about`` a workshop ("workshop:12") or a
booking ("booking:34"); the outbox renders them when they are sent and asks
here (``register_messages``, from the app's ``ready()``) for the workshop as it
is then, the links, and the calendar entry. Who may see the video link is
``Booking.video_link_for``: the booker's copy never holds it, nor a calendar
file that is not the attendee's own.
"""

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from django.db.models import CharField, Q, Value, prefetch_related_objects
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from collaborative.people.adapters import confirm_address_url, set_password_url
from collaborative.people.models import User
from workshops.messages.calendar import booking_event, ics
from workshops.models import Booking, BookingStatus, SignOffRule, Workshop, feedback

Kind = OutgoingEmail.Kind

# Messages that carry the calendar entry of a confirmed place, and those that take it away.
PUBLISHES_CALENDAR = {Kind.BOOKING_CONFIRMED, Kind.BOOKING_APPROVED, Kind.WORKSHOP_CHANGED}
CANCELS_CALENDAR = {Kind.BOOKING_CANCELLED, Kind.WORKSHOP_CANCELLED, Kind.PLACE_GIVEN_AWAY}

# Messages about a workshop or one of its bookings, rendered with the workshop as it is.
ABOUT_WORKSHOPS = {
    Kind.INVITATION,
    Kind.BOOKING_CONFIRMED,
    Kind.AWAITING_APPROVAL,
    Kind.WAITING_LIST,
    Kind.PLACE_OFFERED,
    Kind.OFFER_EXPIRED,
    Kind.BOOKING_APPROVED,
    Kind.BOOKING_NOT_APPROVED,
    Kind.BOOKING_CANCELLED,
    Kind.WORKSHOP_CHANGED,
    Kind.WORKSHOP_CANCELLED,
    Kind.REMINDER,
    Kind.AGENDA_AGREED,
    Kind.AGENDA_CHANGED,
    Kind.PLACE_GIVEN_AWAY,
    Kind.BOOKER_COPY,
    Kind.NO_PLACE,
    Kind.FEEDBACK_REQUEST,
    Kind.SIGN_OFF_REQUESTED,
    Kind.CONFIRM_ADDRESS_REMINDER,
}


# What a message is about --------------------------------------------------------------


def about_workshop(workshop_id):
    return f"workshop:{workshop_id}"


def about_booking(booking_id):
    return f"booking:{booking_id}"


def about_any_of(bookings):
    """A filter for the outbox: every message about one of these bookings (a queryset)."""
    return Q(
        about__in=bookings.annotate(
            message_about=Concat(Value("booking:"), Cast("pk", CharField()))
        ).values("message_about")
    )


def about_workshop_or_its_bookings(workshop):
    """A filter for the outbox: every message about the workshop or one of its bookings."""
    return Q(about=about_workshop(workshop.pk)) | about_any_of(workshop.bookings.all())


def workshop_titles(messages):
    """The title of the workshop each message is about, by ``about``, in two queries."""
    ids = {"workshop": set(), "booking": set()}
    for message in messages:
        name, _, pk = message.about.partition(":")
        if name in ids:
            ids[name].add(int(pk))
    workshops = Workshop.objects.filter(pk__in=ids["workshop"]).values_list("pk", "title")
    bookings = Booking.objects.filter(pk__in=ids["booking"]).values_list("pk", "workshop__title")
    return {about_workshop(pk): title for pk, title in workshops} | {
        about_booking(pk): title for pk, title in bookings
    }


def workshop_and_booking(message):
    """The workshop and booking a message is about, as they are now (booking None if none).

    Read from the message when its batch was prepared (``prepare_batch``), else loaded.
    """
    if prepared := getattr(message, PREPARED, None):
        return prepared
    name, _, pk = message.about.partition(":")
    if name == "booking":
        booking = Booking.objects.select_related("workshop", "person", "booked_by").get(pk=pk)
        return booking.workshop, booking
    if name == "workshop":
        return Workshop.objects.get(pk=pk), None
    return None, None


# Where a prepared message keeps its workshop and booking.
PREPARED = "workshop_and_booking"


def prepare_batch(messages):
    """Load the workshops and bookings of a batch about to go, in a few queries for the batch.

    Each message keeps its workshop and booking as they are now, with the workshop's
    agenda and the recipient's Trust or stakeholder body that the templates show. One
    about something since deleted keeps nothing, and fails alone when it is rendered.
    """
    ids = {"workshop": set(), "booking": set()}
    for message in messages:
        name, _, pk = message.about.partition(":")
        if name in ids:
            ids[name].add(int(pk))
    bookings = Booking.objects.select_related("workshop", "person", "booked_by").in_bulk(
        ids["booking"]
    )
    workshops = Workshop.objects.in_bulk(ids["workshop"])
    # One object per workshop, so its agenda is loaded once, whoever the message is for.
    for booking in bookings.values():
        booking.workshop = workshops.setdefault(booking.workshop_id, booking.workshop)
    prefetch_related_objects(list(workshops.values()), "agenda_items")
    people = [message.recipient for message in messages if message.recipient is not None]
    prefetch_related_objects(people, "trust", "stakeholder_body")
    for message in messages:
        name, _, pk = message.about.partition(":")
        if name == "workshop" and int(pk) in workshops:
            setattr(message, PREPARED, (workshops[int(pk)], None))
        elif name == "booking" and int(pk) in bookings:
            booking = bookings[int(pk)]
            setattr(message, PREPARED, (booking.workshop, booking))


# What it says ---------------------------------------------------------------------------


def register_messages():
    mail.register(*ABOUT_WORKSHOPS, context=workshop_context, prepare=prepare_batch)
    mail.register(*PUBLISHES_CALENDAR, *CANCELS_CALENDAR, attachments=_calendar_attachment)
    mail.register(Kind.COLLEAGUE_ACCOUNT, context=_colleague_account_context)
    # A decision on a request to be linked points to the programme the person may now book.
    mail.register(Kind.AFFILIATION_APPROVED, context=_programme_link)


def when(workshop):
    return (
        f"{mail.long_date(workshop.date)}, {mail.clock(workshop.start_time)} to "
        f"{mail.clock(workshop.end_time)} (UK time)"
    )


def workshop_context(message):
    """The workshop (its details, agenda and page) and booking as they are when the e-mail goes."""
    workshop, booking = workshop_and_booking(message)
    person = message.recipient
    context = {
        "workshop": workshop,
        "booking": booking,
        "workshop_url": mail.portal_url(workshop.get_absolute_url()),
        "when": when(workshop),
        "agenda": _agenda(workshop) if workshop.agenda_is_public else [],
    }
    if booking is not None:
        context.update(
            booking_url=mail.portal_url(reverse("workshops:booking", args=[booking.pk])),
            booked_by=booking.booked_by if booking.booked_by_id != person.pk else None,
            video_link=booking.video_link_for(person),
        )
    if extra := EXTRA_CONTEXT.get(message.kind):
        context.update(extra(message, workshop, booking))
    return context


def _agenda(workshop):
    return [
        {
            "time": mail.clock(item.start_time) if item.start_time else "",
            "title": item.title,
            "by": item.presenting_organisation or item.speakers,
        }
        for item in workshop.agenda_items.all()
    ]


def _invitation_context(message, workshop, booking):
    return {"book_url": mail.portal_url(message.context["book_path"])}


def _offer_context(message, workshop, booking):
    return {
        "offer_url": mail.portal_url(reverse("workshops:offer", args=[booking.pk])),
        "deadline": mail.moment(parse_datetime(message.context["offer_expires_at"])),
    }


def _booker_copy_context(message, workshop, booking):
    """What the attendee was told, as they were told it but without their video link."""
    attendee = User.objects.get(pk=message.context["copy_to"])
    original = OutgoingEmail(
        kind=message.context["copy_of"],
        key=message.key,
        recipient=attendee,
        about=message.about,
        context=message.context,
    )
    setattr(original, PREPARED, (workshop, booking))
    subject, text = mail.render_text(
        f"email/{original.kind}", {**mail.context_for(original), "video_link": ""}
    )
    return {"attendee": attendee, "original_subject": subject, "original_text": text}


def _feedback_context(message, workshop, booking):
    """The feedback link, made from the booking's request when the e-mail is sent."""

    return {
        "feedback_url": mail.portal_url(booking.feedback_request.get_absolute_url()),
        "workshop_date": mail.long_date(workshop.date),
        "closes_on": mail.long_date(feedback.closes_on(workshop)),
        "min_answers": feedback.MIN_ANSWERS_SHOWN,
    }


def _sign_off_context(message, workshop, booking):
    """The draft agenda as it is when the e-mail goes, and the rule that agrees it."""
    return {
        "agenda": _agenda(workshop),
        "rule": SignOffRule.current().describe(),
        "steering_url": mail.portal_url(
            reverse("workshops:steering:workshop", args=[workshop.slug])
        ),
    }


def _confirm_address_context(message, workshop, booking):
    """A confirmation link for the account's address, signed when the e-mail is sent."""
    person = message.recipient
    address = EmailAddress.objects.filter(user=person, email__iexact=person.email).first()
    return {
        "address": person.email,
        "confirm_url": confirm_address_url(address)
        if address is not None and not address.verified
        else "",
        "confirm_days": allauth_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
        "sign_in_url": mail.portal_url(reverse("account_login")),
        "workshop_date": mail.long_date(workshop.date),
    }


EXTRA_CONTEXT = {
    Kind.INVITATION: _invitation_context,
    Kind.PLACE_OFFERED: _offer_context,
    Kind.BOOKER_COPY: _booker_copy_context,
    Kind.FEEDBACK_REQUEST: _feedback_context,
    Kind.SIGN_OFF_REQUESTED: _sign_off_context,
    Kind.CONFIRM_ADDRESS_REMINDER: _confirm_address_context,
}


def _colleague_account_context(message):
    """The set-up link is made at sending time, so it is fresh when it arrives."""
    booker = User.objects.select_related("trust").get(pk=message.context["booker_id"])
    return {"booker": booker, "setup_url": set_password_url(message.recipient)}


def _programme_link(message):
    return {"programme_url": mail.portal_url(reverse("workshops:programme"))}


# The calendar file -----------------------------------------------------------------------


def _calendar_attachment(message, context):
    if ics_file := calendar_file(message):
        slug = context["workshop"].slug
        return [mail.Attachment(f"nmhwdc-{slug}.ics", ics_file, "text/calendar")]
    return []


def calendar_file(message):
    """The .ics a message carries: the entry of a confirmed place, or its cancellation.

    Only the attendee's own messages publish the entry (with the video link if
    ``Booking.video_link_for`` gives it); the SEQUENCE is the booking's at the event,
    so a later event always outranks it.
    """
    _, booking = workshop_and_booking(message)
    recipient = message.recipient
    if booking is None or recipient is None:
        return None
    is_attendee = booking.person_id == recipient.pk
    if (
        message.kind in PUBLISHES_CALENDAR
        and is_attendee
        and booking.status == BookingStatus.CONFIRMED
    ):
        method = "PUBLISH"
    elif message.kind in CANCELS_CALENDAR and message.context.get("had_place"):
        method = "CANCEL"
    else:
        return None
    event = booking_event(
        booking,
        video_link=booking.video_link_for(recipient) if method == "PUBLISH" else "",
        sequence=message.context.get("sequence"),
    )
    if method == "CANCEL":
        event.pop("status")
        event.add("status", "CANCELLED")
    return ics([event], method=method)
