"""A person's data as a file (UK GDPR Art. 15 and 20): their own records in full, and
nothing of anyone else's."""

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from collaborative.outbox.models import OutgoingEmail
from collaborative.people.models import User
from collaborative.site.models import ContactMessage
from trusts.models import MembershipRequest
from workshops.messages import content
from workshops.models import Booking, Outcome, TopicProposal, TopicSupport, WorkshopChange

EXPORT_FORMAT = "nmhwdc-personal-data/1"

# Every relation from a table to a person is either given its own part of the export...
EXPORTED = {
    "account.EmailAddress.user",
    "collaborative.ContactMessage.sent_by",
    "collaborative.OutgoingEmail.recipient",
    "mfa.Authenticator.user",
    "trusts.AffiliationRequest.person",
    "usersessions.UserSession.user",
    "workshops.Booking.person",
    "workshops.Invitation.person",
    "workshops.Outcome.recorded_by",
    "workshops.TopicProposal.proposed_by",
    "workshops.TopicSupport.person",
    "workshops.WorkshopChange.changed_by",
}
# ...or names the person acting on someone else's record, which is that person's data.
OTHER_PEOPLES = {
    "admin.LogEntry.user": "the admin's log of the changes a staff member made",
    "collaborative.User.seniority_confirmed_by": "the seniority of colleagues one confirmed",
    "trusts.AffiliationRequest.decided_by": "requests the operations manager decided",
    "workshops.Booking.booked_by": "places booked for colleagues",
    "workshops.BookingEvent.actor": "changes made to colleagues' bookings",
    "workshops.Invitation.created_by": "invitations the operations manager sent",
}
# Anything else (a table added later) goes under "other_records", without its secrets.
SECRET_FIELD_WORDS = ("token", "secret", "password", "key")


def _name_of(other, person):
    """How someone who acted on the person's records is named to them: by name, as the
    portal's e-mails name them, never by their e-mail address."""
    if other is None:
        return "the portal"
    if other.pk == person.pk:
        return "you"
    if other.is_staff:
        return "the programme operations manager"
    return other.full_name or "a colleague"


def _value(obj, field, person):
    value = getattr(obj, field.attname)
    if field.is_relation:
        related = getattr(obj, field.name)
        if related is None:
            return None
        if isinstance(related, User):
            return _name_of(related, person)
        return str(related)
    if field.choices and value not in ("", None):
        return getattr(obj, f"get_{field.name}_display")()
    return value


def _fields(obj, person, *, leave_out=()):
    """Every stored field of ``obj``, so a field added later (access needs) is included."""
    return {
        field.name: _value(obj, field, person)
        for field in obj._meta.concrete_fields
        if not field.primary_key and field.name not in leave_out
    }


def _without_others(data, own_addresses):
    """An audit line's details, with other people's e-mail addresses taken out."""
    if isinstance(data, dict):
        return {key: _without_others(value, own_addresses) for key, value in data.items()}
    if isinstance(data, list):
        return [_without_others(value, own_addresses) for value in data]
    if isinstance(data, str) and "@" in data:
        return "you" if data.lower() in own_addresses else "another person"
    return data


def _booking(booking, person, own_addresses):
    workshop = booking.workshop
    return {
        "id": booking.pk,
        "workshop": {
            "title": workshop.title,
            "date": workshop.date,
            "start_time": workshop.start_time,
            "end_time": workshop.end_time,
            "status": workshop.get_status_display(),
        },
        **_fields(
            booking,
            person,
            leave_out=("workshop", "person", "calendar_sequence", "one_per_functional_area"),
        ),
        "history": [
            {
                "action": event.get_action_display(),
                "at": event.at,
                "by": _name_of(event.actor, person),
                "through": event.door,
                "details": _without_others(event.data, own_addresses),
            }
            for event in booking.events.all()
        ],
    }


def _sessions(person):
    if apps.is_installed("allauth.usersessions"):
        from allauth.usersessions.models import UserSession

        return [
            {
                "signed_in_at": session.created_at,
                "last_seen_at": session.last_seen_at,
                "ip_address": session.ip,
                "browser": session.user_agent,
            }
            for session in UserSession.objects.filter(user=person).order_by("-last_seen_at")
        ]
    return (
        "The portal keeps no list of your sign-ins: a session is kept only as a cookie in your "
        "browser and an anonymous row on the server, which ends when you sign out or after "
        "two weeks."
    )


def _authenticators(person):
    if not apps.is_installed("allauth.mfa"):
        return []
    from allauth.mfa.models import Authenticator

    return [
        {
            "type": authenticator.get_type_display(),
            "added_at": authenticator.created_at,
            "last_used_at": authenticator.last_used_at,
        }
        for authenticator in Authenticator.objects.filter(user=person)
    ]


def _relations_to_people():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                yield model, field, f"{model._meta.label}.{field.name}"


def _other_records(person):
    """Rows of tables the export does not know by name that point to the person."""
    records = {}
    for model, field, label in _relations_to_people():
        if label in EXPORTED or label in OTHER_PEOPLES:
            continue
        secrets = [
            f.name
            for f in model._meta.concrete_fields
            if any(word in f.name for word in SECRET_FIELD_WORDS)
        ]
        rows = model._default_manager.filter(**{field.name: person})
        records.setdefault(str(model._meta.verbose_name_plural), []).extend(
            _fields(row, person, leave_out=secrets) for row in rows
        )
    return records


def export_personal_data(person, *, now=None):
    """What the portal holds about ``person``, as plain data for a JSON file.

    Their own records in full; other people appear only by the name the portal already
    gave them in its e-mails (whoever booked or changed the person's place), never by
    e-mail address. Places the person booked for colleagues are the colleagues' data and
    are left out; the person's part in them is in each colleague's audit trail.
    """
    now = now or timezone.now()
    addresses = list(EmailAddress.objects.filter(user=person).order_by("-primary", "email"))
    own_addresses = {person.email.lower(), *(a.email.lower() for a in addresses)}
    bookings = (
        Booking.objects.filter(person=person)
        .select_related("workshop", "booked_by", "trust", "stakeholder_body")
        .prefetch_related("events__actor")
        .order_by("workshop__date", "pk")
    )
    messages = list(OutgoingEmail.objects.filter(recipient=person).order_by("created_at", "pk"))
    workshop_titles = content.workshop_titles(messages)
    by_address = Q()
    for address in own_addresses:
        by_address |= Q(email__iexact=address)
    return {
        "about_this_file": {
            "format": EXPORT_FORMAT,
            "exported_at": now,
            "portal": settings.PORTAL_BASE_URL,
            "questions_to": settings.PROGRAMME_OPERATIONS_EMAIL,
            "left_out": [
                "your password, which the portal keeps only in a form that cannot be read back",
                "the secret address of your calendar feed, shown on your profile page",
                "places you booked for colleagues, which are their data",
            ],
        },
        "profile": _fields(person, person, leave_out=("password", "calendar_token")),
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary} for a in addresses
        ],
        "affiliation_requests": [
            {
                "organisation": str(request.trust or request.stakeholder_body),
                "status": request.get_status_display(),
                "requested_at": request.requested_at,
                "decided_at": request.decided_at,
            }
            for request in person.affiliation_requests.select_related("trust", "stakeholder_body")
        ],
        "bookings": [_booking(booking, person, own_addresses) for booking in bookings],
        "invitations": [
            {
                "workshop": invitation.workshop.title,
                "sent_at": invitation.created_at,
                "expires_at": invitation.expires_at,
                "used_at": invitation.used_at,
            }
            for invitation in person.invitations.select_related("workshop")
        ],
        "messages_sent_to_you": [
            {
                "kind": message.get_kind_display(),
                "workshop": workshop_titles.get(message.about),
                "to": message.to_address or person.email,
                "state": message.get_state_display(),
                "recorded_at": message.created_at,
                "sent_at": message.sent_at,
            }
            for message in messages
        ],
        "contact_messages": [
            _fields(message, person, leave_out=("sent_by", "notified_at"))
            for message in ContactMessage.objects.filter(Q(sent_by=person) | by_address)
        ],
        "requests_to_join": [
            _fields(request, person, leave_out=("notes",))
            for request in MembershipRequest.objects.filter(by_address)
        ],
        "steering_group": {
            "topics_proposed": [
                _fields(proposal, person, leave_out=("proposed_by",))
                for proposal in TopicProposal.objects.filter(proposed_by=person).select_related(
                    "theme", "workshop"
                )
            ],
            "topics_supported": [
                {"topic": support.proposal.title, "supported_at": support.supported_at}
                for support in TopicSupport.objects.filter(person=person).select_related("proposal")
            ],
            "workshop_changes_made": [
                {"workshop": change.workshop.title, "at": change.changed_at, "what": change.summary}
                for change in WorkshopChange.objects.filter(changed_by=person).select_related(
                    "workshop"
                )
            ],
            "outcomes_recorded": [
                {"workshop": outcome.workshop.title, "at": outcome.recorded_at}
                for outcome in Outcome.objects.filter(recorded_by=person).select_related("workshop")
            ],
        },
        "calendar_feed": {"turned_on": bool(person.calendar_token)},
        "sessions": _sessions(person),
        "two_factor_authentication": _authenticators(person),
        "other_records": _other_records(person),
    }
