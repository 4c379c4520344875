"""Booking rules: the one place that decides who gets a place at a workshop.

Every function that changes bookings locks the workshop row first
(``SELECT ... FOR UPDATE``), then counts the bookings, decides and writes in
the same transaction, with the messages it owes people (``workshops.messages.notify``)
and a line of the booking's audit trail (``Booking.log``). Concurrent requests
for one workshop therefore queue on that row and each sees the bookings the
previous one wrote; places are counted from bookings, never kept as a counter.
The unique constraints on Booking back the same rules up. On SQLite, the lock
is a no-op, and the ``IMMEDIATE`` transactions set in settings serialise
writers instead.

``by`` is the person acting: the attendee, a colleague, or the operations
manager; ``None`` is the portal's own scheduled work.
"""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from collaborative.people.models import FunctionalArea, User, has_verified_email
from trusts.models import AffiliationRequest, Trust
from workshops import refusals, wording
from workshops.audit import current_door
from workshops.feedback import survey
from workshops.messages import notify
from workshops.models import (
    WAITING_LIST_ORDER,
    Booking,
    BookingEvent,
    BookingStatus,
    CancellationReason,
    Invitation,
    Workshop,
    WorkshopChange,
)
from workshops.steering import history

Action = BookingEvent.Action
# Bookings may change hands, be cancelled and be offered until the workshop starts.
CHANGEABLE_STATUSES = (Workshop.Status.OPEN, Workshop.Status.CLOSED)


def _lock_booking(booking: Booking) -> tuple[Workshop, Booking]:
    """Lock the booking's workshop, then reload the booking inside the lock."""
    workshop = Workshop.objects.locked(booking.workshop_id)
    booking = Booking.objects.select_related("person", "trust", "booked_by").get(pk=booking.pk)
    booking.workshop = workshop
    return workshop, booking


def manages_trust_bookings(person: User | AnonymousUser) -> bool:
    """A Trust's confirmed director-level people see all its bookings and book for colleagues;
    a claim of seniority alone does not open them."""
    return (
        person.is_authenticated
        and person.is_active
        and bool(person.trust_id)
        and person.is_director_level
        and has_verified_email(person)
    )


def bookings_visible_to(person: User) -> QuerySet[Booking]:
    """The bookings a person may see: their own, those they made for others, and all of their
    Trust's if they manage its bookings.

    Staff are not special here: they work in the admin.
    """
    visible = Q(person=person) | Q(booked_by=person)
    if manages_trust_bookings(person):
        visible |= Q(trust_id=person.trust_id)
    return Booking.objects.filter(visible)


def check_may_book_colleagues(person: User) -> None:
    if not manages_trust_bookings(person):
        raise refusals.NotAllowed(
            "Only your Trust's directors, once their director-level role is confirmed, book "
            "places for colleagues. You can book your own place."
        )


def is_operations(person: User | AnonymousUser) -> bool:
    """The programme operations manager (or a superuser), who changes any booking in the admin."""
    return person.is_active and person.is_staff and person.has_perm("workshops.change_booking")


def may_manage_booking(person: User | AnonymousUser | None, booking: Booking) -> bool:
    """Who may cancel a place, give it away or answer its offer: the attendee, whoever booked
    it, a confirmed director-level person of its Trust, and the operations manager."""
    if person is None or not person.is_authenticated or not person.is_active:
        return False
    if is_operations(person):
        return True
    if person.pk in (booking.person_id, booking.booked_by_id):
        return True
    return (
        bool(booking.trust_id)
        and person.trust_id == booking.trust_id
        and person.is_director_level
        and has_verified_email(person)
    )


def check_may_manage(person: User | AnonymousUser | None, booking: Booking) -> None:
    if not may_manage_booking(person, booking):
        raise refusals.NotAllowed(
            f"Only {booking.person}, the person who booked the place, or a confirmed director "
            f"of {booking.organisation} can change or cancel this booking."
        )


def check_may_book_for_trust(person: User | AnonymousUser) -> None:
    """Refuse people who may not book Trust places: unverified, unaffiliated, or non-member."""
    if not person.is_authenticated or not person.is_active:
        raise refusals.NotAffiliated("Sign in to book a place.")
    if person.stakeholder_body_id:
        raise refusals.NotAffiliated(
            "Stakeholder representatives book through the personal invitation the programme "
            "operations manager sends them."
        )
    if not person.trust_id:
        pending = AffiliationRequest.Status.PENDING
        if person.affiliation_requests.filter(status=pending).exists():
            raise refusals.NotAffiliated(
                "Your request to represent your organisation is waiting for the programme "
                "operations manager's approval. You can book once it is approved."
            )
        raise refusals.NotAffiliated(
            "Your account is not linked to a member Trust yet, so you cannot book. "
            "Ask to be linked to your Trust from your profile page."
        )
    if not has_verified_email(person):
        raise refusals.NotVerified()
    if not User.trust.is_cached(person):
        # The Trust and its membership in one query, kept for the words of refusals.
        person.trust = Trust.objects.select_related("membership").get(pk=person.trust_id)
    _check_member(person.trust)


def _check_member(trust: Trust | None) -> None:
    membership = getattr(trust, "membership", None)
    if membership is None or not membership.is_active:
        raise refusals.NotAffiliated(
            f"{trust} is not an active member of the Collaborative, so it cannot book places."
        )


def _check_open(workshop: Workshop, today: datetime.date) -> None:
    if not workshop.is_open_for_booking:
        raise refusals.BookingNotOpen.for_workshop(workshop, today)


def _check_not_started(workshop: Workshop, now: datetime.datetime) -> None:
    """Places change hands, and freed ones are offered, after booking closes, until the start."""
    if workshop.status not in CHANGEABLE_STATUSES or workshop.starts_at <= now:
        raise refusals.BookingNotOpen.for_workshop(workshop, timezone.localdate(now))


def _check_functional_area(functional_area: str) -> None:
    if functional_area not in FunctionalArea.values:
        raise refusals.InvalidChoice("Choose the functional area this person represents.")


def _check_not_booked(workshop: Workshop, person: User, *, for_self: bool) -> None:
    existing = workshop.bookings.active().filter(person=person).select_related("person").first()
    if existing:
        raise refusals.AlreadyBooked(existing, for_self=for_self)


def _check_trust_caps(
    workshop: Workshop, trust_id: int, functional_area: str, *, ignoring: Booking | None = None
) -> None:
    """Refuse a place the Trust's caps forbid. Waiting bookings hold no place, so don't count."""
    holders = list(
        workshop.bookings.holding_a_place()
        .filter(trust_id=trust_id)
        .exclude(pk=getattr(ignoring, "pk", None))
        .select_related("person")
    )
    if workshop.one_per_functional_area:
        for holder in holders:
            if holder.functional_area == functional_area:
                raise refusals.FunctionalAreaTaken(holder)
    if len(holders) >= workshop.places_per_trust:
        raise refusals.TrustPlacesFull(workshop, holders)


def _fits_trust_caps(workshop: Workshop, booking: Booking) -> bool:
    try:
        # Asked only of Trust places (offer_free_places checks trust_id), so trust_id is set.
        _check_trust_caps(workshop, booking.trust_id, booking.functional_area, ignoring=booking)  # type: ignore[arg-type]
    except refusals.BookingError:
        return False
    return True


def _status_for_place(workshop: Workshop, person: User) -> BookingStatus:
    """Below confirmed director level, a place at a workshop for directors waits for approval."""
    if workshop.director_level_only and person.trust_id and not person.is_director_level:
        return BookingStatus.AWAITING_APPROVAL
    return BookingStatus.CONFIRMED


def _status_on_arrival(workshop: Workshop, person: User) -> BookingStatus:
    """A new booking's status: the waiting list when no place is left, else the place's."""
    if workshop.places_left() <= 0:
        return BookingStatus.WAITING
    return _status_for_place(workshop, person)


def _save_new(booking: Booking) -> Booking:
    """Insert, turning a constraint violation (a rule the lock missed) into a refusal.

    No savepoint of its own: the refusal ends the rule, whose transaction rolls back.
    """
    try:
        booking.save()
    except IntegrityError as error:
        raise refusals.BookingError(
            "Someone else changed this workshop's bookings at the same moment. Please try again."
        ) from error
    return booking


@transaction.atomic
def book_place(
    *,
    workshop: Workshop,
    person: User,
    booked_by: User,
    functional_area: str | None = None,
    access_needs: str = "",
    now: datetime.datetime | None = None,
) -> Booking:
    """Book a Trust place for ``person`` (the booker or a colleague of the booker's Trust).

    ``access_needs`` are the attendee's access and dietary needs, if any (``Booking.
    access_needs``: only the attendee and the operations manager see them).
    Returns the booking: confirmed, awaiting approval, or on the waiting list when full.
    """
    now = now or timezone.now()
    access_needs = _clean_access_needs(access_needs)
    # Who may book depends on the people alone: checked before the lock, to keep it short.
    check_may_book_for_trust(booked_by)
    if person.pk != booked_by.pk:
        check_may_book_colleagues(booked_by)
        if person.trust_id != booked_by.trust_id:
            raise refusals.NotAColleague(
                f"{person.email} is not a colleague at {booked_by.trust}: you can only book for "
                "people of your own Trust."
            )
        if not person.is_active:
            raise refusals.NotAColleague(
                f"{person}'s account is closed, so no place can be booked for them."
            )
    functional_area = functional_area or person.functional_area
    _check_functional_area(functional_area)
    # Inside the lock, as little as may be: one count of the workshop's bookings decides,
    # and the refusals' words are looked up only when there is a refusal to give.
    workshop = Workshop.objects.locked(workshop.pk)
    _check_open(workshop, timezone.localdate(now))
    # check_may_book_for_trust refused bookers without a Trust, so trust_id is set.
    counted = _count_bookings(workshop, person, booked_by.trust_id, functional_area, now)  # type: ignore[arg-type]
    if counted["booked"]:
        _check_not_booked(workshop, person, for_self=person.pk == booked_by.pk)
    if (workshop.one_per_functional_area and counted["area_held"]) or (
        counted["trust_held"] >= workshop.places_per_trust
    ):
        _check_trust_caps(workshop, booked_by.trust_id, functional_area)  # type: ignore[arg-type]
    # What places_left reads, instead of counting (as with_places_taken annotates it).
    workshop.places_taken = counted["held"]  # type: ignore[attr-defined]
    status = _status_on_arrival(workshop, person)
    booking = _save_new(
        Booking(
            workshop=workshop,
            person=person,
            booked_by=booked_by,
            trust_id=booked_by.trust_id,
            functional_area=functional_area,
            one_per_functional_area=workshop.one_per_functional_area,
            status=status,
            requested_at=now,
            access_needs=access_needs,
        )
    )
    workshop.places_taken += booking.holds_a_place  # type: ignore[attr-defined]
    if status == BookingStatus.WAITING:
        # Those waiting before it, in the waiting list's order: by request time, then id.
        # Read by notify.booking_made, as set_waiting_positions gives it to the pages.
        booking.position = counted["waiting_before"] + 1  # type: ignore[attr-defined]
    booking.log(Action.BOOKED, by=booked_by, status=status, **_access_needs_given(access_needs))
    notify.booking_made(booking)
    return booking


def _count_bookings(
    workshop: Workshop, person: User, trust_id: int, functional_area: str, now: datetime.datetime
) -> dict[str, int]:
    """What ``book_place`` decides on, in one query of the locked workshop's bookings: the
    places held, the person's active booking, the Trust's places and the functional area's
    holder, and how many wait ahead of a booking requested ``now``.

    A separate statement after the lock, so that it sees what the previous holder wrote.
    """
    holding = Q(status__in=Booking.PLACE_HOLDING_STATUSES)
    of_trust = holding & Q(trust_id=trust_id)
    return workshop.bookings.aggregate(
        held=Count("pk", filter=holding),
        booked=Count("pk", filter=Q(person=person, status__in=Booking.ACTIVE_STATUSES)),
        trust_held=Count("pk", filter=of_trust),
        area_held=Count("pk", filter=of_trust & Q(functional_area=functional_area)),
        waiting_before=Count("pk", filter=Q(status=BookingStatus.WAITING, requested_at__lte=now)),
    )


@transaction.atomic
def book_with_invitation(
    *, token: str, person: User, access_needs: str = "", now: datetime.datetime | None = None
) -> Booking:
    """Book a stakeholder representative's place through their single-use invitation."""
    now = now or timezone.now()
    access_needs = _clean_access_needs(access_needs)
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("workshop")
        .filter(token=token)
        .first()
    )
    if invitation is None or invitation.person_id != person.pk:
        raise refusals.InvitationNotUsable(
            "This invitation link is not valid for your account. Sign in with the e-mail address "
            "the invitation was sent to."
        )
    if invitation.used_at:
        raise refusals.InvitationNotUsable("This invitation has already been used.")
    if invitation.expires_at <= now:
        raise refusals.InvitationNotUsable(
            "This invitation has expired. Contact the programme operations manager for a new one."
        )
    if not person.stakeholder_body_id:
        raise refusals.NotAffiliated(
            "Your account is not linked to a stakeholder body. Contact the programme operations "
            "manager."
        )
    workshop = Workshop.objects.locked(invitation.workshop_id)
    _check_open(workshop, timezone.localdate(now))
    _check_not_booked(workshop, person, for_self=True)
    status = BookingStatus.CONFIRMED if workshop.places_left() > 0 else BookingStatus.WAITING
    booking = _save_new(
        Booking(
            workshop=workshop,
            person=person,
            booked_by=person,
            stakeholder_body_id=person.stakeholder_body_id,
            status=status,
            requested_at=now,
            access_needs=access_needs,
        )
    )
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    booking.log(
        Action.BOOKED,
        by=person,
        status=status,
        invitation=invitation.pk,
        **_access_needs_given(access_needs),
    )
    notify.booking_made(booking)
    return booking


def _end(booking: Booking, reason: CancellationReason, now: datetime.datetime) -> None:
    """Cancel the booking; its calendar entry moves on a step, so the cancellation counts."""
    booking.status = BookingStatus.CANCELLED
    booking.cancellation_reason = reason
    booking.cancelled_at = now
    booking.offer_expires_at = None
    booking.calendar_sequence += 1
    booking.save(
        update_fields=[
            "status",
            "cancellation_reason",
            "cancelled_at",
            "offer_expires_at",
            "calendar_sequence",
            "updated_at",
        ]
    )


def offer_free_places(workshop: Workshop, *, now: datetime.datetime | None = None) -> list[Booking]:
    """Offer free places to the first waiting people whose Trust caps still allow them.

    Places freed after booking closes are still offered, until the workshop starts; no
    offer runs past the start. Call while holding the workshop's lock. Returns the
    bookings offered a place.
    """
    now = now or timezone.now()
    if workshop.status not in CHANGEABLE_STATUSES or workshop.starts_at <= now:
        return []
    free = workshop.places_left()
    offered = []
    waiting = workshop.bookings.filter(status=BookingStatus.WAITING).order_by(*WAITING_LIST_ORDER)
    for booking in waiting.select_related("person", "booked_by"):
        if free <= 0:
            break
        if booking.trust_id and not _fits_trust_caps(workshop, booking):
            continue
        deadline = min(now + datetime.timedelta(hours=workshop.offer_hours), workshop.starts_at)
        booking.status = BookingStatus.OFFERED
        booking.offer_expires_at = deadline
        booking.save(update_fields=["status", "offer_expires_at", "updated_at"])
        booking.log(Action.OFFERED, by=None, offer_expires_at=deadline.isoformat())
        offered.append(booking)
        free -= 1
    notify.places_offered(offered)
    return offered


@transaction.atomic
def cancel_booking(
    *,
    booking: Booking,
    by: User | None,
    now: datetime.datetime | None = None,
    reason: CancellationReason = CancellationReason.CANCELLED,
) -> Booking:
    """Cancel a booking and offer a freed place to the waiting list. Safe to repeat."""
    now = now or timezone.now()
    workshop, booking = _lock_booking(booking)
    if booking.status == BookingStatus.CANCELLED:
        return booking
    if reason == CancellationReason.NOT_APPROVED and (
        booking.status != BookingStatus.AWAITING_APPROVAL
    ):
        raise refusals.NotAllowed("Only bookings awaiting approval can be refused approval.")
    if by is not None:
        check_may_manage(by, booking)
    if workshop.date < timezone.localdate(now) or workshop.status == Workshop.Status.HELD:
        raise refusals.NotAllowed(
            "This workshop has already taken place, so its bookings can no longer be cancelled."
        )
    had_place = booking.status == BookingStatus.CONFIRMED
    status = booking.status
    _end(booking, reason, now)
    action = Action.NOT_APPROVED if reason == CancellationReason.NOT_APPROVED else Action.CANCELLED
    booking.log(action, by=by, status_before=status)
    notify.booking_ended(booking, reason, by=by, had_place=had_place)
    offer_free_places(workshop, now=now)
    return booking


@transaction.atomic
def accept_offer(
    *, booking: Booking, by: User | None, now: datetime.datetime | None = None
) -> Booking:
    now = now or timezone.now()
    workshop, booking = _lock_booking(booking)
    if booking.status == BookingStatus.CONFIRMED:
        return booking
    if by is not None:
        check_may_manage(by, booking)
    # An offered booking has its deadline (the constraint booking_offer_has_deadline).
    if booking.status != BookingStatus.OFFERED or booking.offer_expires_at <= now:  # type: ignore[operator]
        raise refusals.OfferNotOpen(
            "This offer is no longer open: it has expired or been withdrawn. "
            "Check your bookings for the latest position."
        )
    booking.status = _status_for_place(workshop, booking.person)
    booking.offer_expires_at = None
    booking.save(update_fields=["status", "offer_expires_at", "updated_at"])
    booking.log(Action.ACCEPTED, by=by, status=booking.status)
    notify.booking_made(booking)
    return booking


@transaction.atomic
def decline_offer(
    *, booking: Booking, by: User | None, now: datetime.datetime | None = None
) -> Booking:
    now = now or timezone.now()
    workshop, booking = _lock_booking(booking)
    if booking.status != BookingStatus.OFFERED:
        raise refusals.OfferNotOpen("There is no open offer to decline.")
    if by is not None:
        check_may_manage(by, booking)
    _end(booking, CancellationReason.OFFER_DECLINED, now)
    booking.log(Action.DECLINED, by=by)
    notify.booking_ended(booking, CancellationReason.OFFER_DECLINED, by=by, had_place=False)
    offer_free_places(workshop, now=now)
    return booking


def expire_offers(*, now: datetime.datetime | None = None) -> int:
    """End offers past their deadline and pass the places on. Run periodically; safe to repeat."""
    now = now or timezone.now()
    expired = 0
    workshop_ids = (
        Booking.objects.filter(status=BookingStatus.OFFERED, offer_expires_at__lte=now)
        .values_list("workshop_id", flat=True)
        .distinct()
    )
    for workshop_id in list(workshop_ids):
        with transaction.atomic():
            workshop = Workshop.objects.locked(workshop_id)
            for booking in workshop.bookings.filter(
                status=BookingStatus.OFFERED, offer_expires_at__lte=now
            ).select_related("person", "booked_by"):
                _end(booking, CancellationReason.OFFER_EXPIRED, now)
                booking.log(Action.OFFER_EXPIRED, by=None)
                notify.offer_expired(booking)
                expired += 1
            offer_free_places(workshop, now=now)
    return expired


def _check_may_still_have_place(
    workshop: Workshop, booking: Booking, now: datetime.datetime
) -> None:
    """Everything a confirmation depends on, as it stands now, not as it stood at booking."""
    person = booking.person
    if workshop.status not in CHANGEABLE_STATUSES or workshop.starts_at <= now:
        raise refusals.NotAllowed(
            f"The workshop is {workshop.get_status_display().lower()}"
            f"{' and has started' if workshop.starts_at <= now else ''}, so no place can be "
            "confirmed."
        )
    if not person.is_active:
        raise refusals.NotAllowed(f"{person}'s account is no longer active.")
    if booking.trust_id:
        if person.trust_id != booking.trust_id:
            raise refusals.NotAffiliated(
                f"{person} no longer represents {booking.trust}, the Trust this place is for."
            )
        _check_member(booking.trust)
        _check_trust_caps(workshop, booking.trust_id, booking.functional_area, ignoring=booking)
    elif person.stakeholder_body_id != booking.stakeholder_body_id:
        raise refusals.NotAffiliated(
            f"{person} no longer represents {booking.stakeholder_body}, the body this place is for."
        )
    held_by_others = workshop.bookings.holding_a_place().exclude(pk=booking.pk).count()
    if held_by_others >= workshop.capacity:
        raise refusals.NotAllowed(
            # Open or closed for booking, so its capacity is set (a constraint of Workshop).
            f"The workshop has {wording.places(workshop.capacity)}, all held by others, so this "  # type: ignore[arg-type]
            "one cannot be confirmed."
        )


@transaction.atomic
def approve_booking(
    *, booking: Booking, by: User | None = None, now: datetime.datetime | None = None
) -> Booking:
    """Confirm a booking held for approval, re-checking every rule as it stands now."""
    now = now or timezone.now()
    workshop, booking = _lock_booking(booking)
    if booking.status != BookingStatus.AWAITING_APPROVAL:
        raise refusals.NotAllowed("Only bookings awaiting approval can be approved.")
    _check_may_still_have_place(workshop, booking, now)
    booking.status = BookingStatus.CONFIRMED
    booking.save(update_fields=["status", "updated_at"])
    booking.log(Action.APPROVED, by=by)
    notify.booking_approved(booking)
    return booking


def reject_booking(
    *, booking: Booking, by: User | None, now: datetime.datetime | None = None
) -> Booking:
    return cancel_booking(booking=booking, by=by, now=now, reason=CancellationReason.NOT_APPROVED)


@transaction.atomic
def change_attendee(
    *,
    booking: Booking,
    person: User,
    functional_area: str | None = None,
    changed_by: User,
    access_needs: str | None = None,
    now: datetime.datetime | None = None,
) -> Booking:
    """Give a Trust's place to another colleague of the same Trust, under the same rules.

    Possible after booking closes, until the workshop starts: that is when someone falls
    ill. The person replaced loses the place and its calendar entry; the new attendee
    gets their own confirmation (or offer); whoever booked it gets copies. The access
    needs of the person replaced go with them; ``access_needs`` are the new attendee's.
    """
    now = now or timezone.now()
    access_needs = None if access_needs is None else _clean_access_needs(access_needs)
    workshop, booking = _lock_booking(booking)
    if booking.status == BookingStatus.CANCELLED:
        raise refusals.NotAllowed("This booking has been cancelled; make a new booking instead.")
    check_may_manage(changed_by, booking)
    if not booking.trust_id:
        raise refusals.NotAllowed("A stakeholder body's place is personal to its invitation.")
    if person.trust_id != booking.trust_id or not person.is_active:
        raise refusals.NotAColleague(
            f"{person.email} is not a colleague at {booking.trust}: the place can only go to "
            "someone of the same Trust."
        )
    _check_not_started(workshop, now)
    functional_area = functional_area or person.functional_area
    _check_functional_area(functional_area)
    replaced = booking.person
    replaced_had_place = booking.status == BookingStatus.CONFIRMED
    if person.pk != replaced.pk:
        _check_not_booked(workshop, person, for_self=person.pk == changed_by.pk)
    if booking.holds_a_place:
        _check_trust_caps(workshop, booking.trust_id, functional_area, ignoring=booking)
        # A new attendee's place is decided for them; the same attendee in another
        # functional area keeps the place as it was (an approval is not undone).
        if booking.status != BookingStatus.OFFERED and person.pk != replaced.pk:
            booking.status = _status_for_place(workshop, person)
    booking.person = person
    booking.functional_area = functional_area
    if replaced.pk != person.pk:
        booking.calendar_sequence += 1
        booking.access_needs = access_needs or ""
    elif access_needs is not None:
        booking.access_needs = access_needs
    booking.save(
        update_fields=[
            "person",
            "functional_area",
            "status",
            "calendar_sequence",
            "access_needs",
            "updated_at",
        ]
    )
    booking.log(
        Action.ATTENDEE_CHANGED,
        by=changed_by,
        replaced=replaced.email,
        attendee=person.email,
        functional_area=functional_area,
        status=booking.status,
        **_access_needs_given(booking.access_needs),
    )
    if replaced.pk == person.pk:
        # The same attendee in another functional area: their place, its calendar entry
        # and what they were told all stand, so nobody is told again.
        return booking
    notify.place_given_away(booking, replaced=replaced, by=changed_by, had_place=replaced_had_place)
    if booking.status == BookingStatus.OFFERED:
        notify.places_offered([booking])
    else:
        notify.booking_made(booking)
    return booking


# Access and dietary needs --------------------------------------------------------
#
# The attendee's own words about what they need at an in-person workshop. Only the
# attendee and the operations manager see them (and the venue, through the attendee
# list); whoever booked a colleague's place learns only whether some were given. They
# are removed after the workshop (``forget_access_needs``, daily), as the privacy notice
# says. The audit trail records that they were given or removed, never what they say.

ACCESS_NEEDS_MAX_LENGTH = 1000


def _clean_access_needs(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > ACCESS_NEEDS_MAX_LENGTH:
        raise _refusal(
            refusals.NotAllowed,
            f"Access and dietary needs must be {ACCESS_NEEDS_MAX_LENGTH} characters or fewer.",
            field="access_needs",
        )
    return text


def _access_needs_given(text: str) -> dict[str, bool]:
    return {"access_needs_given": True} if text else {}


def may_see_access_needs(person: User | AnonymousUser | None, booking: Booking) -> bool:
    """The attendee and the operations manager; not whoever booked the place, nor the Trust."""
    if person is None or not person.is_authenticated or not person.is_active:
        return False
    return person.pk == booking.person_id or is_operations(person)


@transaction.atomic
def record_access_needs(
    *, booking: Booking, by: User, text: str, now: datetime.datetime | None = None
) -> Booking:
    """Give, change or take away the attendee's access and dietary needs for a place still
    to come. Only the attendee and the operations manager may."""
    now = now or timezone.now()
    text = _clean_access_needs(text)
    workshop, booking = _lock_booking(booking)
    if not may_see_access_needs(by, booking):
        raise refusals.NotAllowed(
            f"Only {booking.person} and the programme operations manager can give or change "
            f"{booking.person}'s access and dietary needs."
        )
    if booking.status == BookingStatus.CANCELLED:
        raise refusals.NotAllowed("This booking has been cancelled, so it needs no access needs.")
    if workshop.has_taken_place or workshop.date < timezone.localdate(now):
        raise refusals.NotAllowed(
            "This workshop has already taken place, so its access needs are no longer kept."
        )
    if text == booking.access_needs:
        return booking
    booking.access_needs = text
    booking.save(update_fields=["access_needs", "updated_at"])
    booking.log(Action.ACCESS_NEEDS, by=by, access_needs_given=bool(text))
    return booking


@transaction.atomic
def forget_access_needs(*, today: datetime.date | None = None) -> int:
    """Remove the access needs of places at workshops that have taken place, and of cancelled
    places and workshops. Run daily; safe to repeat. Returns how many were removed."""
    today = today or timezone.localdate()
    done = (
        Q(workshop__date__lt=today)
        | Q(workshop__status__in=(Workshop.Status.HELD, Workshop.Status.CANCELLED))
        | Q(status=BookingStatus.CANCELLED)
    )
    due = list(
        Booking.objects.select_for_update(of=("self",))
        .filter(done)
        .exclude(access_needs="")
        .values_list("pk", flat=True)
    )
    Booking.objects.filter(pk__in=due).update(access_needs="", updated_at=timezone.now())
    BookingEvent.objects.bulk_create(
        BookingEvent(
            booking_id=pk,
            action=Action.ACCESS_NEEDS_REMOVED,
            actor=None,
            door=current_door(),
            data={"rule": "removed after the workshop, as the privacy notice says"},
        )
        for pk in due
    )
    return len(due)


# Workshops, and the operations manager's own booking changes -----------------------
#
# The workshop's status, places, caps and booking dates change here; each change locks
# the workshop, writes its history and records the messages it owes people, all in one
# transaction, so a change that fails or rolls back has told no one.

# What the operations manager sets about a workshop's places (``change_places``).
PLACE_FIELDS = (
    "capacity",
    "places_per_trust",
    "one_per_functional_area",
    "director_level_only",
    "offer_hours",
    "booking_opens_on",
    "booking_closes_on",
)


def _refusal[Refusal: refusals.BookingError](
    error_class: type[Refusal], message: str, *, field: str | None = None
) -> Refusal:
    """A refusal that also says which field of a form it is about."""
    refusal = error_class(message)
    refusal.field = field
    return refusal


def _change_status(
    workshop: Workshop, status: Workshop.Status, changed_by: User | None, summary: str
) -> None:
    """Save a new status and write it in the workshop's history (who, when)."""
    before = Workshop(status=workshop.status)
    workshop.status = status
    workshop.save(update_fields=["status", "updated_at"])
    history.record_change(
        workshop=workshop,
        changed_by=changed_by,
        summary=summary,
        fields=history.differences(before, workshop, ["status"]),
        after_agreement=False,
    )


@transaction.atomic
def open_for_booking(*, workshop: Workshop, opened_by: User) -> Workshop:
    """Open a workshop for booking, and invite every confirmed director of an active member
    Trust and every stakeholder invited to it (once each, ever)."""
    workshop = Workshop.objects.locked(workshop.pk)
    if workshop.status == Workshop.Status.OPEN:
        return workshop
    if workshop.status in (Workshop.Status.CANCELLED, Workshop.Status.HELD):
        raise refusals.NotAllowed(
            f"This workshop is {workshop.get_status_display().lower()}, so it cannot open for "
            "booking."
        )
    if workshop.date < timezone.localdate():
        raise refusals.NotAllowed("This workshop has already taken place.")
    _change_status(workshop, Workshop.Status.OPEN, opened_by, "Opened for booking.")
    notify.invite(workshop)
    return workshop


@transaction.atomic
def cancel_workshop(
    *, workshop: Workshop, cancelled_by: User, now: datetime.datetime | None = None
) -> Workshop:
    """Cancel a workshop and end its bookings, telling everyone booked. Safe to repeat.

    People are told while their bookings are still active, so that those with a place get
    the calendar cancellation.
    """
    now = now or timezone.now()
    workshop = Workshop.objects.locked(workshop.pk)
    if workshop.status == Workshop.Status.CANCELLED:
        return workshop
    if workshop.status == Workshop.Status.HELD or workshop.date < timezone.localdate(now):
        raise refusals.NotAllowed(
            "This workshop has already taken place, so it cannot be cancelled."
        )
    _change_status(workshop, Workshop.Status.CANCELLED, cancelled_by, "Cancelled the workshop.")
    notify.workshop_cancelled(workshop)
    for booking in workshop.bookings.active().select_related("person"):
        status = booking.status
        _end(booking, CancellationReason.WORKSHOP_CANCELLED, now)
        booking.log(Action.WORKSHOP_CANCELLED, by=cancelled_by, status_before=status)
    return workshop


def _close(workshop: Workshop, closed_by: User | None, summary: str) -> None:
    _change_status(workshop, Workshop.Status.CLOSED, closed_by, summary)
    notify.booking_closed_without_place(workshop)


@transaction.atomic
def close_booking(*, workshop: Workshop, closed_by: User) -> Workshop:
    """Stop taking bookings, and tell the people still waiting that they have no place yet.

    Places and the waiting list stay as they are: a place freed before the workshop starts
    is still offered to the next person waiting. Opening it again (``open_for_booking``) is
    allowed until the day.
    """
    workshop = Workshop.objects.locked(workshop.pk)
    if workshop.status == Workshop.Status.CLOSED:
        return workshop
    if workshop.status != Workshop.Status.OPEN:
        raise refusals.NotAllowed(
            f"Booking cannot close: the workshop's status is “{workshop.get_status_display()}”, "
            "not “Open for booking”."
        )
    _close(workshop, closed_by, "Closed booking.")
    return workshop


def close_due_bookings(*, today: datetime.date | None = None) -> int:
    """Close booking at open workshops whose closing day has passed, as ``close_booking``
    does. Run daily; safe to repeat. Returns how many workshops it closed."""
    today = today or timezone.localdate()
    due = Workshop.objects.filter(status=Workshop.Status.OPEN, booking_closes_on__lt=today)
    closed = 0
    for workshop_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            workshop = Workshop.objects.locked(workshop_id)
            # Someone may have closed or moved it since the list was read.
            if workshop.status != Workshop.Status.OPEN or not (
                workshop.booking_closes_on and workshop.booking_closes_on < today
            ):
                continue
            _close(workshop, None, "Closed booking: its closing day had passed.")
            closed += 1
    return closed


@transaction.atomic
def mark_held(
    *, workshop: Workshop, marked_by: User, today: datetime.date | None = None
) -> Workshop:
    """Record that a workshop took place, on its day or after; its outcome and attendance
    can then be recorded, and its attendees are asked for their feedback."""
    today = today or timezone.localdate()
    workshop = Workshop.objects.locked(workshop.pk)
    if workshop.status == Workshop.Status.HELD:
        return workshop
    if workshop.status in (Workshop.Status.DRAFT, Workshop.Status.CANCELLED):
        raise refusals.NotAllowed(
            f"The workshop's status is “{workshop.get_status_display()}”, so it cannot be "
            "marked as held."
        )
    if workshop.date > today:
        raise refusals.NotAllowed(
            "This workshop's day has not come yet, so it cannot be marked as held."
        )
    _change_status(workshop, Workshop.Status.HELD, marked_by, "Marked as held.")
    # Once it has ended; the periodic task asks later if it has not yet.
    survey.request_feedback(workshop)
    return workshop


@transaction.atomic
def record_attendance(
    *,
    bookings: QuerySet[Booking],
    attended: bool | None,
    by: User,
    today: datetime.date | None = None,
) -> int:
    """Record whether people came (True, False, or None for unknown) on a queryset of bookings.

    Only confirmed places at workshops that have taken place have an attendance; the
    other bookings are left as they are. Each booking recorded gets a line in its audit
    trail. Returns how many bookings were recorded.
    """
    today = today or timezone.localdate()
    recorded = list(
        Booking.objects.filter(
            workshop__in=Workshop.objects.taken_place(today),
            pk__in=bookings.values("pk"),
            status=BookingStatus.CONFIRMED,
        ).values_list("pk", flat=True)
    )
    Booking.objects.filter(pk__in=recorded).update(attended=attended, updated_at=timezone.now())
    for booking in Booking.objects.filter(pk__in=recorded):
        booking.log(Action.ATTENDANCE, by=by, attended=attended)
    return len(recorded)


@transaction.atomic
def change_places(
    *,
    workshop: Workshop,
    changed_by: User,
    now: datetime.datetime | None = None,
    **values: object,
) -> WorkshopChange | None:
    """Change a workshop's capacity, caps, offer time or booking dates (``PLACE_FIELDS``).

    Never below what people already hold: the capacity stays at or above the places held,
    and the caps at or above what any Trust holds. Places the change frees go to the
    waiting list. Returns the line of the workshop's history, or None if nothing changed.
    """
    if unknown := set(values) - set(PLACE_FIELDS):
        raise TypeError(f"change_places() does not change {', '.join(sorted(unknown))}")
    now = now or timezone.now()
    workshop = Workshop.objects.locked(workshop.pk)
    if workshop.status in (Workshop.Status.CANCELLED, Workshop.Status.HELD):
        raise refusals.NotAllowed(
            f"This workshop is {workshop.get_status_display().lower()}, so its places can no "
            "longer change."
        )
    before = Workshop(**{name: getattr(workshop, name) for name in PLACE_FIELDS})
    for name, value in values.items():
        setattr(workshop, name, value)
    fields = history.differences(before, workshop, PLACE_FIELDS)
    if not fields:
        return None
    _check_places_cover_bookings(
        workshop,
        turning_on_areas=not before.one_per_functional_area,
        # Places given beyond the caps by a recorded override may exceed them: only a
        # lower cap is checked against what Trusts hold.
        lowering_caps=workshop.places_per_trust < before.places_per_trust,
    )
    _check_booking_dates(workshop)
    workshop.save(update_fields=[*values, "updated_at"])
    if workshop.one_per_functional_area != before.one_per_functional_area:
        # Bookings carry the rule so that the database can enforce it.
        workshop.bookings.active().exclude(trust=None).update(
            one_per_functional_area=workshop.one_per_functional_area
        )
    names = ", ".join(field["label"].lower() for field in fields)
    change = history.record_change(
        workshop=workshop,
        changed_by=changed_by,
        summary=f"Changed the {names}.",
        fields=fields,
        after_agreement=False,
    )
    offer_free_places(workshop, now=now)
    return change


def _check_places_cover_bookings(
    workshop: Workshop, *, turning_on_areas: bool, lowering_caps: bool
) -> None:
    holders = list(
        workshop.bookings.holding_a_place().select_related("trust").order_by("trust__name", "pk")
    )
    # A past event's capacity may be unrecorded: then there is none to fall below.
    if workshop.capacity is not None and workshop.capacity < len(holders):
        raise _refusal(
            refusals.NotAllowed,
            f"The capacity cannot be {workshop.capacity}: {wording.held(len(holders))} already "
            "held (confirmed, awaiting approval or offered). Choose "
            f"{len(holders)} or more, or cancel bookings first.",
            field="capacity",
        )
    by_trust: dict[Trust, list[Booking]] = {}
    by_area: dict[tuple[Trust, str], list[Booking]] = {}
    for booking in holders:
        if booking.trust_id:
            by_trust.setdefault(booking.trust, []).append(booking)
            by_area.setdefault((booking.trust, booking.functional_area), []).append(booking)
    if by_trust and lowering_caps:
        trust, held = max(by_trust.items(), key=lambda item: len(item[1]))
        if workshop.places_per_trust < len(held):
            raise _refusal(
                refusals.NotAllowed,
                f"The places per Trust cannot be {workshop.places_per_trust}: {trust} already "
                f"holds {len(held)} places. Choose {len(held)} or more, or cancel its "
                "bookings first.",
                field="places_per_trust",
            )
    if workshop.one_per_functional_area and turning_on_areas:
        for (trust, area), held in by_area.items():
            if len(held) > 1:
                names = " and ".join(str(booking.person) for booking in held)
                raise _refusal(
                    refusals.NotAllowed,
                    f"One place per functional area cannot be turned on: {trust} holds "
                    f"{len(held)} places in {FunctionalArea(area).label} ({names}).",
                    field="one_per_functional_area",
                )


def _check_booking_dates(workshop: Workshop) -> None:
    opens, closes = workshop.booking_opens_on, workshop.booking_closes_on
    if opens and closes and closes < opens:
        raise _refusal(
            refusals.NotAllowed,
            "Booking must close on or after the day it opens.",
            field="booking_closes_on",
        )
    if closes and closes > workshop.date:
        raise _refusal(
            refusals.NotAllowed,
            "Booking must close on or before the workshop's date.",
            field="booking_closes_on",
        )


def _of_trust(refusal: refusals.BookingError, trust: Trust) -> str:
    """A Trust cap refusal said of the Trust, for the operations manager, not to its people."""
    return refusal.message.replace("Your Trust", str(trust), 1)


@transaction.atomic
def book_on_behalf(
    *,
    workshop: Workshop,
    person: User,
    booked_by: User,
    functional_area: str | None = None,
    override_reason: str = "",
    now: datetime.datetime | None = None,
) -> Booking:
    """The operations manager books a place for someone of a member Trust or a stakeholder
    body, under the rules people meet when they book: the workshop open for booking, one
    booking per person, the Trust's places and functional areas, approval below director
    level, and the waiting list once the workshop is full.

    ``override_reason`` gives a Trust a place beyond its places (or a second person in a
    functional area); the reason goes into the booking's audit trail. Capacity is never
    overridden.
    """
    now = now or timezone.now()
    override_reason = override_reason.strip()
    if not is_operations(booked_by):
        raise refusals.NotAllowed(
            "Only the programme operations manager books places on someone's behalf."
        )
    if not person.is_active:
        raise refusals.NotAffiliated(f"{person}'s account is not active, so they cannot book.")
    if person.trust_id:
        _check_member(person.trust)
        functional_area = functional_area or person.functional_area
        _check_functional_area(functional_area)
        organisation = {"trust_id": person.trust_id, "functional_area": functional_area}
    elif person.stakeholder_body_id:
        organisation = {"stakeholder_body_id": person.stakeholder_body_id}
    else:
        raise refusals.NotAffiliated(
            f"{person} is not linked to a member Trust or a stakeholder body, so they cannot "
            "have a place. Link their account to their organisation first."
        )
    workshop = Workshop.objects.locked(workshop.pk)
    _check_open(workshop, timezone.localdate(now))
    _check_not_booked(workshop, person, for_self=False)
    beyond_caps = ""
    if person.trust_id:
        try:
            # A Trust's person: functional_area was checked above, and person.trust is set.
            _check_trust_caps(workshop, person.trust_id, functional_area)  # type: ignore[arg-type]
        except refusals.BookingError as refusal:
            beyond_caps = _of_trust(refusal, person.trust)  # type: ignore[arg-type]
            if not override_reason:
                raise refusals.NotAllowed(
                    f"{beyond_caps} To give a place beyond the Trust's places, choose the "
                    "override and give the reason."
                ) from refusal
    places_left = workshop.places_left()
    if beyond_caps and places_left <= 0:
        raise refusals.NotAllowed(
            # Open for booking, so its capacity is set (a constraint of Workshop).
            f"The workshop is full ({wording.places(workshop.capacity)} held). An override goes "  # type: ignore[arg-type]
            "beyond a Trust's places, never beyond the workshop's capacity."
        )
    status = _status_on_arrival(workshop, person)
    booking = _save_new(
        Booking(
            workshop=workshop,
            person=person,
            booked_by=booked_by,
            # A place given beyond the functional-area rule is outside the database's check.
            one_per_functional_area=workshop.one_per_functional_area and not beyond_caps,
            status=status,
            requested_at=now,
            **organisation,
        )
    )
    if beyond_caps:
        booking.log(
            Action.BOOKED_BEYOND_CAPS,
            by=booked_by,
            status=status,
            reason=override_reason,
            rule=beyond_caps,
        )
    else:
        booking.log(Action.BOOKED, by=booked_by, status=status, on_behalf=True)
    notify.booking_made(booking)
    return booking


@transaction.atomic
def move_booking(
    *,
    booking: Booking,
    to_workshop: Workshop,
    moved_by: User,
    now: datetime.datetime | None = None,
) -> Booking:
    """Move a person's booking to another workshop; returns the new booking.

    The new booking meets every rule of the workshop it goes to, and a place moves only to
    a free place (someone waiting moves to the other waiting list). The old booking is
    cancelled, its calendar entry taken away, and its place offered to the waiting list.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not is_operations(moved_by):
        raise refusals.NotAllowed("Only the programme operations manager moves bookings.")
    if booking.workshop_id == to_workshop.pk:
        raise refusals.NotAllowed("This booking is already for that workshop: choose another one.")
    # Both workshops locked, always in the same order, so that two moves cannot deadlock.
    locked = {
        workshop.pk: workshop
        for workshop in Workshop.objects.select_for_update()
        .filter(pk__in=[booking.workshop_id, to_workshop.pk])
        .order_by("pk")
    }
    source, target = locked[booking.workshop_id], locked[to_workshop.pk]
    booking = Booking.objects.select_related(
        "person", "trust", "stakeholder_body", "booked_by"
    ).get(pk=booking.pk)
    booking.workshop = source
    person = booking.person
    if booking.status == BookingStatus.CANCELLED:
        raise refusals.NotAllowed("This booking has been cancelled, so there is no place to move.")
    if source.status == Workshop.Status.HELD or source.date < today:
        raise refusals.NotAllowed(
            "This booking's workshop has already taken place, so the booking cannot move."
        )
    if booking.trust_id:
        if person.trust_id != booking.trust_id:
            raise refusals.NotAffiliated(
                f"{person} no longer represents {booking.trust}, the Trust this place is for."
            )
        _check_member(booking.trust)
    elif person.stakeholder_body_id != booking.stakeholder_body_id:
        raise refusals.NotAffiliated(
            f"{person} no longer represents {booking.stakeholder_body}, the body this place is for."
        )
    _check_open(target, today)
    _check_not_booked(target, person, for_self=False)
    if booking.trust_id:
        try:
            _check_trust_caps(target, booking.trust_id, booking.functional_area)
        except refusals.BookingError as refusal:
            # A Trust place (booking.trust_id is set), so booking.trust is.
            raise refusals.NotAllowed(_of_trust(refusal, booking.trust)) from refusal  # type: ignore[arg-type]
    places_left = target.places_left()
    if places_left <= 0 and booking.holds_a_place:
        raise refusals.NotAllowed(
            # Open for booking, so its capacity is set (a constraint of Workshop).
            f"“{target.title}” is full ({wording.places(target.capacity)} held): moving {person} "  # type: ignore[arg-type]
            "there would take away their place here for a place on its waiting list. Their "
            "booking has not moved."
        )
    status = _status_on_arrival(target, person)
    moved = _save_new(
        Booking(
            workshop=target,
            person=person,
            booked_by=booking.booked_by,
            trust_id=booking.trust_id,
            stakeholder_body_id=booking.stakeholder_body_id,
            functional_area=booking.functional_area,
            one_per_functional_area=target.one_per_functional_area,
            status=status,
            requested_at=now,
            # The person's needs go with them; the old booking's are removed with it.
            access_needs=booking.access_needs,
        )
    )
    status_before = booking.status
    had_place = status_before == BookingStatus.CONFIRMED
    _end(booking, CancellationReason.CANCELLED, now)
    booking.log(
        Action.MOVED,
        by=moved_by,
        to_workshop=target.pk,
        to_booking=moved.pk,
        status_before=status_before,
    )
    moved.log(
        Action.MOVED, by=moved_by, from_workshop=source.pk, from_booking=booking.pk, status=status
    )
    notify.booking_ended(booking, CancellationReason.CANCELLED, by=moved_by, had_place=had_place)
    notify.booking_made(moved)
    offer_free_places(source, now=now)
    return moved


@transaction.atomic
def invite_stakeholder(
    *,
    workshop: Workshop,
    person: User,
    invited_by: User,
    expires_at: datetime.datetime | None = None,
) -> Invitation:
    """Give a stakeholder body's representative a personal link to book a place.

    The e-mail goes at once if the workshop is open for booking, and otherwise when it opens.
    """
    workshop = Workshop.objects.locked(workshop.pk)
    if workshop.status in (Workshop.Status.CANCELLED, Workshop.Status.HELD) or (
        workshop.date < timezone.localdate()
    ):
        raise refusals.NotAllowed(
            "This workshop is cancelled or has taken place, so no one can be invited to it."
        )
    if not person.stakeholder_body_id:
        raise _refusal(
            refusals.NotAffiliated,
            f"{person} is not linked to a stakeholder body. Invitations are for stakeholder "
            "representatives; people of a member Trust book as their Trust.",
            field="person",
        )
    if Invitation.objects.filter(workshop=workshop, person=person).exists():
        raise _refusal(
            refusals.NotAllowed,
            f"{person} already has an invitation to this workshop: extend that one instead.",
            field="person",
        )
    invitation = Invitation(workshop=workshop, person=person, created_by=invited_by)
    if expires_at is not None:
        invitation.expires_at = expires_at
    invitation.save()
    if workshop.status == Workshop.Status.OPEN:
        notify.invite(workshop, people=[person])
    return invitation


@transaction.atomic
def send_invitation(*, invitation: Invitation) -> bool:
    """Send a stakeholder's invitation e-mail if it has not gone yet, e.g. once an expired
    invitation is extended. Each person gets one per workshop, ever: returns False if it
    had already gone."""
    workshop = Workshop.objects.locked(invitation.workshop_id)
    invitation = Invitation.objects.select_related("person").get(pk=invitation.pk)
    if not invitation.is_usable:
        raise refusals.NotAllowed(
            "Not sent: it has been used or has expired. Extend it, or make a new one."
        )
    if workshop.status != Workshop.Status.OPEN:
        raise refusals.NotAllowed(
            "Not sent: its workshop is not open for booking; it goes out when it opens."
        )
    if notify.invitation_sent(workshop, invitation.person):
        return False
    notify.invite(workshop, people=[invitation.person])
    return True
