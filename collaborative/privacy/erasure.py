"""Closing an account (UK GDPR Art. 17): the one door, whoever closes it.

``erase_person`` cancels the person's places still to come through the booking rules,
then removes or anonymises every personal field. Bookings are kept, pointing to the
anonymised account (``Booking.person`` is PROTECT), so attendance counts and the
engagement dashboard do not change.

An e-mail address names one person, so every copy of it anywhere in the database is
replaced. A name does not, so it is removed where the portal itself put it (the person's
record, and the messages, audit lines and admin log entries about them or their
bookings); names typed into published text (agenda speakers, outcomes, reports) are
listed for the operations manager by ``remaining_mentions`` rather than changed blindly.
"""

import dataclasses
import datetime
import json
import logging
import re
from collections.abc import Collection, Iterable
from importlib import import_module

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from collaborative.outbox.models import OutgoingEmail
from collaborative.people.models import User
from collaborative.security.events import log_event
from collaborative.site.models import ContactMessage
from trusts.models import AffiliationRequest, MembershipRequest
from workshops import audit, refusals
from workshops.messages.content import about_any_of
from workshops.models import (
    Booking,
    BookingEvent,
    Invitation,
    TopicProposal,
    TopicSupport,
    Workshop,
)

ERASED_DOMAIN = "erased.invalid"
# What a removed name becomes in the messages and records that named the person.
FORMER_MEMBER = "a former member"

# A JSONField's value, as the database gives it back.
type JSONValue = dict[str, JSONValue] | list[JSONValue] | str | int | float | bool | None


class ErasureRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def erased_email(person_id: int) -> str:
    return f"erased-{person_id}@{ERASED_DOMAIN}"


def is_erased(person: User) -> bool:
    return person.email.endswith("@" + ERASED_DOMAIN)


def not_erased(people: QuerySet[User]) -> QuerySet[User]:
    return people.exclude(email__endswith="@" + ERASED_DOMAIN)


@dataclasses.dataclass
class Erasure:
    person_id: int
    cancelled: list[int] = dataclasses.field(default_factory=list)
    kept_bookings: int = 0


class _Needles:
    """The person's name and e-mail addresses, and how to take them out of text and data."""

    def __init__(self, person: User, addresses: Iterable[str]) -> None:
        self.name = person.full_name.strip()
        self.emails = sorted({address.lower() for address in addresses if address})
        self.replacement_email = erased_email(person.pk)
        # Whole addresses and whole names only: jo@x.org is not in anjo@x.org or jo@x.org.uk.
        self._emails = (
            re.compile(
                r"(?<![\w.%+-])(?:"
                + "|".join(re.escape(email) for email in self.emails)
                + r")(?![\w-]|\.\w)",
                re.IGNORECASE,
            )
            if self.emails
            else None
        )
        self._name = (
            re.compile(rf"(?<!\w){re.escape(self.name)}(?!\w)", re.IGNORECASE)
            if self.name
            else None
        )

    def text(self, value: str, *, names: bool) -> str:
        if self._emails:
            value = self._emails.sub(self.replacement_email, value)
        if names and self._name:
            value = self._name.sub(FORMER_MEMBER, value)
        return value

    def data(self, value: JSONValue, *, names: bool) -> JSONValue:
        """JSON data: with ``names``, a value that is the person's name becomes
        ``FORMER_MEMBER``; e-mail addresses are replaced wherever they are."""
        if isinstance(value, dict):
            return {key: self.data(item, names=names) for key, item in value.items()}
        if isinstance(value, list):
            return [self.data(item, names=names) for item in value]
        if isinstance(value, str):
            if names and self.name and value.strip().casefold() == self.name.casefold():
                return FORMER_MEMBER
            return self.text(value, names=False)
        return value

    def searched(self, *, names: bool) -> set[str]:
        """Strings to look for in the database, as stored in text and in JSON."""
        words = [*self.emails, *([self.name] if names and self.name else [])]
        return {form for word in words for form in (word, json.dumps(word)[1:-1])}


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField, models.JSONField))
    ]


def _containing(
    queryset: QuerySet[models.Model], field: models.Field, words: Collection[str]
) -> QuerySet[models.Model]:
    """Rows whose ``field`` contains one of ``words`` (JSON searched as its text)."""
    if not words:
        return queryset.none()
    if isinstance(field, models.JSONField):
        queryset = queryset.annotate(_privacy_text=Cast(field.name, models.TextField()))
        lookup = "_privacy_text__icontains"
    else:
        lookup = f"{field.name}__icontains"
    found = Q()
    for word in words:
        found |= Q(**{lookup: word})
    return queryset.filter(found)


def _scrub_rows(queryset: QuerySet[models.Model], needles: _Needles, *, names: bool) -> None:
    """Take the person's e-mail addresses (and, in rows about them, name) out of every text
    field of these rows."""
    for field in _text_fields(queryset.model):
        for row in _containing(queryset, field, needles.searched(names=names)):
            value = getattr(row, field.attname)
            if isinstance(field, models.JSONField):
                new = needles.data(value, names=names)
            else:
                new = needles.text(value, names=names)
                if field.max_length:
                    new = new[: field.max_length]
            if new != value:
                queryset.model._default_manager.filter(pk=row.pk).update(**{field.attname: new})


def _check_may_erase(person: User, erased_by: User | None) -> None:
    if erased_by is None:
        if person.is_staff or person.is_superuser:
            raise ErasureRefused("Accounts with admin rights are closed by a superuser.")
        return
    if person.pk == erased_by.pk:
        if person.is_staff or person.is_superuser:
            raise ErasureRefused(
                "Your account has admin rights, so a superuser closes it: ask them in the admin."
            )
        return
    if not (
        erased_by.is_active
        and erased_by.is_staff
        and erased_by.has_perm("collaborative.change_user")
    ):
        raise ErasureRefused("Only the programme operations manager erases other people's data.")
    if (person.is_staff or person.is_superuser) and not erased_by.is_superuser:
        raise ErasureRefused(
            f"Person {person.pk} has admin rights: only a superuser can erase their data."
        )


def _cancel_places_to_come(
    person: User, erased_by: User | None, now: datetime.datetime
) -> list[int]:
    """Cancel the person's active places at workshops still to come, through the booking
    rules, so each freed place goes to the waiting list. Past places stay as they are."""
    from workshops.booking.rules import cancel_booking  # it imports from this app's models

    cancelled = []
    for booking in (
        Booking.objects.active()
        .filter(person=person, workshop__date__gte=timezone.localdate(now))
        .exclude(workshop__status=Workshop.Status.HELD)
        .select_related("workshop")
    ):
        try:
            cancel_booking(booking=booking, by=erased_by, now=now)
        except refusals.BookingError:
            # A refusal (a workshop already under way) leaves the place as the record of it.
            continue
        cancelled.append(booking.pk)
    return cancelled


def end_sessions(person: User) -> None:
    if apps.is_installed("allauth.usersessions"):
        from allauth.usersessions.models import UserSession

        for session in UserSession.objects.filter(user=person):
            session.end()
    # Sessions without a row of their own: with an unusable password and an inactive
    # account none of them signs anyone in any more, but the rows go too where they can
    # be found (the database session store).
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        from django.contrib.sessions.models import Session

        store = import_module(settings.SESSION_ENGINE).SessionStore
        ended = [
            session.session_key
            for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
            if store().decode(session.session_data).get("_auth_user_id") == str(person.pk)
        ]
        Session.objects.filter(session_key__in=ended).delete()


def _records_about(
    person: User, bookings: QuerySet[Booking], contact_messages: list[int], needles: _Needles
) -> None:
    """Rows the portal wrote about the person or their doings, where their name may appear
    as the portal put it: messages, audit lines, admin log entries, demonstration notes."""
    acted_on = BookingEvent.objects.filter(actor=person).values("booking_id")
    messages = OutgoingEmail.objects.filter(
        Q(recipient=person)
        | about_any_of(
            Booking.objects.filter(Q(pk__in=bookings) | Q(booked_by=person) | Q(pk__in=acted_on))
        )
    )
    _scrub_rows(messages, needles, names=True)

    user_type = ContentType.objects.get_for_model(User)
    own = Q(content_type=user_type, object_id=str(person.pk))
    for model, ids in (
        (Booking, bookings.values_list("pk", flat=True)),
        (Invitation, person.invitations.values_list("pk", flat=True)),
        (TopicSupport, person.topic_supports.values_list("pk", flat=True)),
        (AffiliationRequest, person.affiliation_requests.values_list("pk", flat=True)),
        (ContactMessage, contact_messages),
    ):
        own |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in ids],
        )
    _scrub_rows(LogEntry.objects.filter(own), needles, names=True)
    if apps.is_installed("demo"):
        from demo.models import DemoRecord

        _scrub_rows(DemoRecord.objects.filter(own), needles, names=True)


def _everywhere(needles: _Needles) -> None:
    """Every other copy of the person's e-mail addresses, in any text field of any model."""
    for model in apps.get_models():
        if model is User or model._meta.app_label == "sessions" or not _text_fields(model):
            continue
        _scrub_rows(model._default_manager.all(), needles, names=False)


def _anonymise(person: User) -> None:
    """Blank every personal field of the account; keep what counts and links records."""
    for field in _text_fields(User):
        if field.name not in {"password", "email"}:
            setattr(person, field.attname, field.get_default())
    person.email = erased_email(person.pk)
    person.calendar_token = None
    person.set_unusable_password()
    person.trust = None
    person.stakeholder_body = None
    person.seniority_confirmed_by = None
    person.seniority_confirmed_at = None
    person.is_steering_member = False
    person.wants_invitations = False
    person.wants_reminders = False
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.last_login = None
    person.save()
    person.groups.clear()
    person.user_permissions.clear()


@transaction.atomic
def erase_person(
    *,
    person: User,
    erased_by: User | None,
    door: str | None = None,
    now: datetime.datetime | None = None,
) -> Erasure:
    """Close ``person``'s account and remove or anonymise their personal data everywhere.

    ``erased_by`` is the person themselves, the operations manager, or None for the
    retention command. Places still to come are cancelled first, through the booking
    rules (the waiting list gets them, whoever booked them gets a copy), and then every
    message still owed to the person is dropped, so nothing goes to them afterwards.
    Bookings stay, anonymous, so attendance figures do not change. Returns an
    ``Erasure``; repeating it on an erased account does nothing.
    """
    now = now or timezone.now()
    person = User.objects.select_for_update().get(pk=person.pk)
    if is_erased(person):
        return Erasure(person_id=person.pk)
    _check_may_erase(person, erased_by)
    with audit.through(door or audit.current_door()):
        cancelled = _cancel_places_to_come(person, erased_by, now)

    addresses = EmailAddress.objects.filter(user=person).values_list("email", flat=True)
    needles = _Needles(person, [person.email, *addresses])
    bookings = Booking.objects.filter(person=person)
    # What people write on a booking (access needs, say) is theirs; what it records is not.
    if free_text := {
        field.attname: field.get_default()
        for field in _text_fields(Booking)
        if not field.choices and not isinstance(field, models.JSONField)
    }:
        bookings.update(**free_text)

    # Messages still owed to the person are dropped; those sent keep only what and when.
    OutgoingEmail.objects.filter(recipient=person).unsent().delete()
    OutgoingEmail.objects.filter(recipient=person).update(context={}, to_address="", last_error="")
    by_address, to_address = Q(), Q()
    for email in needles.emails:
        by_address |= Q(email__iexact=email)
        to_address |= Q(to_address__iexact=email)
    OutgoingEmail.objects.unsent().filter(to_address).delete()
    contact_messages = list(
        ContactMessage.objects.filter(Q(sent_by=person) | by_address).values_list("pk", flat=True)
    )
    MembershipRequest.objects.filter(by_address).update(contact_name="", job_title="")
    _scrub_rows(MembershipRequest.objects.filter(by_address), needles, names=True)

    _records_about(person, bookings, contact_messages, needles)
    # Their messages from the contact page go, with any e-mail about them still unsent.
    OutgoingEmail.objects.unsent().filter(
        key__in=[f"contact:m{pk}" for pk in contact_messages]
    ).delete()
    ContactMessage.objects.filter(pk__in=contact_messages).delete()
    person.affiliation_requests.all().delete()
    person.invitations.filter(used_at__isnull=True).delete()
    TopicProposal.objects.filter(proposed_by=person).update(proposed_by=None)
    EmailAddress.objects.filter(user=person).delete()
    if apps.is_installed("allauth.mfa"):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.filter(user=person).delete()
    end_sessions(person)
    _anonymise(person)
    _everywhere(needles)

    erasure = Erasure(person_id=person.pk, cancelled=cancelled, kept_bookings=bookings.count())
    log_event(
        "personal_data_erased",
        level=logging.INFO,
        person_id=person.pk,
        actor_id=erased_by.pk if erased_by else None,
        door=door or audit.current_door(),
        cancelled_bookings=len(cancelled),
        kept_bookings=erasure.kept_bookings,
    )
    return erasure


def remaining_mentions(name: str) -> list[tuple[str, object, str]]:
    """Where a name still appears in free text (agenda speakers, outcomes, reports, others'
    messages): ``[(model's name, pk, field name)]``, for the operations manager to review.
    Names are not unique, so these are not changed automatically; other people's accounts
    with the same name are not listed."""
    name = name.strip()
    if not name:
        return []
    found = []
    for model in apps.get_models():
        if model is User or model._meta.app_label in {
            "sessions",
            "contenttypes",
            "auth",
            "account",
        }:
            continue
        rows = model._default_manager.all()
        for field in _text_fields(model):
            for pk in _containing(rows, field, {name, json.dumps(name)[1:-1]}).values_list(
                "pk", flat=True
            ):
                found.append((str(model._meta.verbose_name), pk, str(field.verbose_name)))
    return found
