"""Affiliation (which organisation a person represents) and confirmed seniority."""

import dataclasses
import datetime

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from collaborative.inputs import page_cache
from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from collaborative.people.models import DIRECTOR_LEVEL, User, has_verified_email
from trusts.models import AffiliationRequest, StakeholderBody, Trust
from workshops import refusals
from workshops.booking.rules import approve_booking
from workshops.models import Booking, BookingStatus


def affiliate_by_email_domain(person: User) -> Trust | None:
    """Link a person to the Trust whose e-mail domain their verified address is on.

    Returns the Trust, or None when the domain is no Trust's. People already
    affiliated keep their affiliation.
    """
    if person.trust_id or person.stakeholder_body_id:
        return person.trust
    trust = Trust.objects.for_email(person.email)
    if trust is None:
        return None
    person.trust = trust
    person.save(update_fields=["trust"])
    person.affiliation_requests.filter(status=AffiliationRequest.Status.PENDING).update(
        status=AffiliationRequest.Status.APPROVED, decided_at=timezone.now()
    )
    return trust


def request_affiliation(
    *, person: User, trust: Trust | None = None, stakeholder_body: StakeholderBody | None = None
) -> AffiliationRequest:
    """Ask the operations manager to link the person to an organisation (one request at a time)."""
    pending = AffiliationRequest.Status.PENDING
    with transaction.atomic():
        person.affiliation_requests.filter(status=pending).delete()
        return AffiliationRequest.objects.create(
            person=person, trust=trust, stakeholder_body=stakeholder_body
        )


@transaction.atomic
def decide_affiliation(
    *, request: AffiliationRequest, approve: bool, decided_by: User
) -> AffiliationRequest:
    """Approve (link the person) or reject a pending request, and e-mail the person the answer.

    Deciding twice changes nothing and e-mails no one again.
    """
    request = (
        # Only the request's row is locked: PostgreSQL cannot lock the nullable side of the
        # outer joins that bring its Trust or body.
        AffiliationRequest.objects.select_for_update(of=("self",))
        .select_related("person", "trust", "stakeholder_body")
        .get(pk=request.pk)
    )
    if request.status != AffiliationRequest.Status.PENDING:
        return request
    request.status = (
        AffiliationRequest.Status.APPROVED if approve else AffiliationRequest.Status.REJECTED
    )
    request.decided_at = timezone.now()
    request.decided_by = decided_by
    request.save(update_fields=["status", "decided_at", "decided_by"])
    person = request.person
    if approve:
        person.trust = request.trust
        person.stakeholder_body = request.stakeholder_body
        person.save(update_fields=["trust", "stakeholder_body"])
        # The founding Trusts' page names the steering group's members with their Trust.
        page_cache.site_changed()
    kind = (
        OutgoingEmail.Kind.AFFILIATION_APPROVED
        if approve
        else OutgoingEmail.Kind.AFFILIATION_NOT_APPROVED
    )
    mail.record(
        [
            OutgoingEmail(
                kind=kind,
                key=f"affiliation-decided:r{request.pk}:p{person.pk}",
                recipient=person,
                context={
                    "organisation": str(request.trust or request.stakeholder_body),
                    "is_trust": request.trust_id is not None,
                },
            )
        ]
    )
    return request


# Seniority ------------------------------------------------------------------------
#
# A person states their seniority on their profile; director level counts only once
# somebody accountable has confirmed it (``User.is_director_level``): the programme
# operations manager, or a confirmed director of the person's own Trust. Lowering one's
# seniority needs no one: it counts at once, since director level needs both.


class SeniorityNotConfirmed(refusals.NotAllowed):
    """A refusal to confirm someone's seniority, in a sentence a page can show."""


@dataclasses.dataclass
class SeniorityConfirmation:
    person: User
    confirmed: bool  # False when it was confirmed already: confirming twice changes nothing
    approved: list[Booking] = dataclasses.field(default_factory=list)
    # Each with ``refusal``, the message of the rule that refused to approve it.
    still_waiting: list[Booking] = dataclasses.field(default_factory=list)


def seniority_awaiting_confirmation(people: QuerySet[User] | None = None) -> QuerySet[User]:
    """The people whose stated director-level seniority no one has confirmed yet
    (the queryset twin of ``User.seniority_awaits_confirmation``)."""
    people = User.objects.all() if people is None else people
    return people.filter(seniority__in=DIRECTOR_LEVEL).exclude(seniority=F("confirmed_seniority"))


def colleagues_awaiting_confirmation(confirmer: User) -> QuerySet[User]:
    """The other active people of the confirmer's Trust whose director-level role awaits
    confirmation: the ones a confirmed director of that Trust is asked to confirm."""
    colleagues = User.objects.filter(trust_id=confirmer.trust_id, is_active=True)
    return seniority_awaiting_confirmation(colleagues.exclude(pk=confirmer.pk))


def is_programme_operations(person: User | AnonymousUser) -> bool:
    """The programme operations manager: staff who may change people in the admin."""
    return bool(
        person.is_authenticated
        and person.is_active
        and person.is_staff
        and person.has_perm("collaborative.change_user")
    )


def confirms_for_trust(person: User | AnonymousUser) -> bool:
    """Whether the person is a confirmed director-level person who may confirm the
    seniority of their Trust's people: active, with a verified address, of a Trust."""
    return bool(
        person.is_authenticated
        and person.is_active
        and person.trust_id
        and person.is_director_level
        and has_verified_email(person)
    )


def may_confirm_seniority(confirmer: User | AnonymousUser | None, person: User) -> bool:
    """The operations manager, or a confirmed director of the person's own Trust; never
    the person themselves."""
    if confirmer is None or not confirmer.is_authenticated or confirmer.pk == person.pk:
        return False
    if is_programme_operations(confirmer):
        return True
    return confirms_for_trust(confirmer) and confirmer.trust_id == person.trust_id


def _check_may_confirm(confirmer: User, person: User) -> None:
    if confirmer.pk == person.pk:
        raise SeniorityNotConfirmed(
            "You cannot confirm your own seniority: the programme operations manager or a "
            "confirmed director of your Trust confirms it."
        )
    if not may_confirm_seniority(confirmer, person):
        where = f"a confirmed director of {person.trust}" if person.trust_id else None
        who = " or ".join(filter(None, ["the programme operations manager", where]))
        raise SeniorityNotConfirmed(f"Only {who} can confirm {person}'s seniority.")


@transaction.atomic
def confirm_seniority(
    *, person: User, confirmed_by: User, now: datetime.datetime | None = None
) -> SeniorityConfirmation:
    """Confirm the seniority a person states, and approve the places it was holding up.

    Records who confirmed it and when, e-mails the person, and approves their
    bookings awaiting approval at workshops for directors that are still to come,
    each through ``approve_booking``, which re-checks every rule: one it refuses
    stays awaiting approval, for the operations manager to decide. Safe to repeat.
    """
    now = now or timezone.now()
    locked = User.objects.select_for_update(of=("self",)).select_related("trust").get(pk=person.pk)
    _check_may_confirm(confirmed_by, locked)
    if locked.seniority not in DIRECTOR_LEVEL:
        stated = f"“{locked.get_seniority_display()}”" if locked.seniority else "not stated"
        raise SeniorityNotConfirmed(
            f"Only a director-level seniority needs confirming: {locked}'s stated seniority "
            f"is {stated}."
        )
    if locked.seniority == locked.confirmed_seniority:
        return SeniorityConfirmation(person=locked, confirmed=False)
    locked.confirmed_seniority = locked.seniority
    locked.seniority_confirmed_by = confirmed_by
    locked.seniority_confirmed_at = now
    locked.save(
        update_fields=["confirmed_seniority", "seniority_confirmed_by", "seniority_confirmed_at"]
    )
    # The caller's instance sees the confirmation too (a booking made next uses it).
    for name in ("confirmed_seniority", "seniority_confirmed_by", "seniority_confirmed_at"):
        setattr(person, name, getattr(locked, name))
    mail.record(
        [
            OutgoingEmail(
                kind=OutgoingEmail.Kind.SENIORITY_CONFIRMED,
                key=f"seniority-confirmed:p{locked.pk}:{now:%Y%m%dT%H%M%S%f}",
                recipient=locked,
                context={
                    "seniority": locked.get_seniority_display(),
                    "confirmed_by": str(confirmed_by),
                    "by_operations": is_programme_operations(confirmed_by),
                },
            )
        ]
    )
    result = SeniorityConfirmation(person=locked, confirmed=True)
    awaiting = Booking.objects.filter(
        person=locked,
        status=BookingStatus.AWAITING_APPROVAL,
        workshop__director_level_only=True,
        workshop__date__gte=timezone.localdate(now),
    ).select_related("workshop")
    for booking in awaiting.order_by("workshop__date", "pk"):
        try:
            result.approved.append(approve_booking(booking=booking, by=confirmed_by))
        except refusals.BookingError as refusal:
            # Read beside the booking by the page that confirmed the seniority.
            booking.refusal = refusal.message  # type: ignore[attr-defined]
            result.still_waiting.append(booking)
    return result
