"""Booking rules: the one place that decides who gets a place at a workshop.

Every function that changes bookings locks the workshop row first
(``SELECT ... FOR UPDATE``), then counts the bookings, decides and writes in
the same transaction. Concurrent requests for one workshop therefore queue
on that row and each sees the bookings the previous one wrote; places are
counted from bookings, never kept as a counter. The unique constraints on
Booking back the same rules up. On SQLite, the lock is a no-op, and the
``IMMEDIATE`` transactions set in settings serialise writers instead.
"""

import datetime

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from collaborative.models import FunctionalArea, Seniority
from trusts.models import AffiliationRequest
from workshops import errors, history, messaging
from workshops.models import (
    WAITING_LIST_ORDER,
    Booking,
    BookingStatus,
    CancellationReason,
    Invitation,
    Workshop,
)

SENIOR = {Seniority.DIRECTOR, Seniority.EXECUTIVE_DIRECTOR}


def _lock(workshop):
    return Workshop.objects.select_for_update().get(pk=workshop.pk)


def _lock_booking(booking):
    """Lock the booking's workshop, then reload the booking inside the lock."""
    workshop = _lock(booking.workshop)
    booking = Booking.objects.select_related("person", "trust").get(pk=booking.pk)
    booking.workshop = workshop
    return workshop, booking


def has_verified_email(person):
    return EmailAddress.objects.filter(
        user=person, email__iexact=person.email, verified=True
    ).exists()


def manages_trust_bookings(person):
    """Verified people of a Trust see and manage its bookings: directors book for colleagues."""
    return bool(person.trust_id) and has_verified_email(person)


def bookings_visible_to(person):
    """The bookings a person may see and change: their own, and their Trust's if they manage it.

    Staff are not special here: they work in the admin.
    """
    visible = Q(person=person)
    if manages_trust_bookings(person):
        visible |= Q(trust_id=person.trust_id)
    return Booking.objects.filter(visible)


def check_may_book_for_trust(person):
    """Refuse people who may not book Trust places: unverified, unaffiliated, or non-member."""
    if not person.is_authenticated or not person.is_active:
        raise errors.NotAffiliated("Sign in to book a place.")
    if person.stakeholder_body_id:
        raise errors.NotAffiliated(
            "Stakeholder representatives book through the personal invitation the programme "
            "operations manager sends them."
        )
    if not person.trust_id:
        pending = AffiliationRequest.Status.PENDING
        if person.affiliation_requests.filter(status=pending).exists():
            raise errors.NotAffiliated(
                "Your request to represent your organisation is waiting for the programme "
                "operations manager's approval. You can book once it is approved."
            )
        raise errors.NotAffiliated(
            "Your account is not linked to a member Trust yet, so you cannot book. "
            "Ask to be linked to your Trust from your profile page."
        )
    if not has_verified_email(person):
        raise errors.NotVerified()
    membership = getattr(person.trust, "membership", None)
    if membership is None or not membership.is_active:
        raise errors.NotAffiliated(
            f"{person.trust} is not an active member of the Collaborative, "
            "so it cannot book places."
        )


def _check_open(workshop, today):
    if not workshop.is_open_for_booking:
        raise errors.BookingNotOpen.for_workshop(workshop, today)


def _check_functional_area(functional_area):
    if functional_area not in FunctionalArea.values:
        raise errors.InvalidChoice("Choose the functional area this person represents.")


def _check_not_booked(workshop, person, *, for_self):
    existing = workshop.bookings.active().filter(person=person).select_related("person").first()
    if existing:
        raise errors.AlreadyBooked(existing, for_self=for_self)


def _check_trust_caps(workshop, trust_id, functional_area, *, ignoring=None):
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
                raise errors.FunctionalAreaTaken(holder)
    if len(holders) >= workshop.places_per_trust:
        raise errors.TrustPlacesFull(workshop, holders)


def _fits_trust_caps(workshop, booking):
    try:
        _check_trust_caps(workshop, booking.trust_id, booking.functional_area, ignoring=booking)
    except errors.BookingError:
        return False
    return True


def _places_left(workshop):
    return workshop.capacity - workshop.bookings.holding_a_place().count()


def _status_for_place(workshop, person):
    if workshop.director_level_only and person.trust_id and person.seniority not in SENIOR:
        return BookingStatus.AWAITING_APPROVAL
    return BookingStatus.CONFIRMED


def _save_new(booking):
    """Insert, turning a constraint violation (a rule the lock missed) into a refusal."""
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        raise errors.BookingError(
            "Someone else changed this workshop's bookings at the same moment. Please try again."
        ) from error
    return booking


@transaction.atomic
def book_place(*, workshop, person, booked_by, functional_area=None, now=None):
    """Book a Trust place for ``person`` (the booker or a colleague of the booker's Trust).

    Returns the booking: confirmed, awaiting approval, or on the waiting list when full.
    """
    now = now or timezone.now()
    # Who may book depends on the people alone: checked before the lock, to keep it short.
    check_may_book_for_trust(booked_by)
    if person.pk != booked_by.pk and person.trust_id != booked_by.trust_id:
        raise errors.NotAColleague(
            f"{person.email} is not a colleague at {booked_by.trust}: you can only book for "
            "people of your own Trust."
        )
    functional_area = functional_area or person.functional_area
    _check_functional_area(functional_area)
    workshop = _lock(workshop)
    _check_open(workshop, timezone.localdate(now))
    _check_not_booked(workshop, person, for_self=person.pk == booked_by.pk)
    _check_trust_caps(workshop, booked_by.trust_id, functional_area)
    status = (
        _status_for_place(workshop, person) if _places_left(workshop) > 0 else BookingStatus.WAITING
    )
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
        )
    )
    messaging.booking_made(booking)
    return booking


@transaction.atomic
def book_with_invitation(*, token, person, now=None):
    """Book a stakeholder representative's place through their single-use invitation."""
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("workshop")
        .filter(token=token)
        .first()
    )
    if invitation is None or invitation.person_id != person.pk:
        raise errors.InvitationNotUsable(
            "This invitation link is not valid for your account. Sign in with the e-mail address "
            "the invitation was sent to."
        )
    if invitation.used_at:
        raise errors.InvitationNotUsable("This invitation has already been used.")
    if invitation.expires_at <= now:
        raise errors.InvitationNotUsable(
            "This invitation has expired. Contact the programme operations manager for a new one."
        )
    if not person.stakeholder_body_id:
        raise errors.NotAffiliated(
            "Your account is not linked to a stakeholder body. Contact the programme operations "
            "manager."
        )
    workshop = _lock(invitation.workshop)
    _check_open(workshop, timezone.localdate(now))
    _check_not_booked(workshop, person, for_self=True)
    status = BookingStatus.CONFIRMED if _places_left(workshop) > 0 else BookingStatus.WAITING
    booking = _save_new(
        Booking(
            workshop=workshop,
            person=person,
            booked_by=person,
            stakeholder_body_id=person.stakeholder_body_id,
            status=status,
            requested_at=now,
        )
    )
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    messaging.booking_made(booking)
    return booking


def _end(booking, reason, now):
    booking.status = BookingStatus.CANCELLED
    booking.cancellation_reason = reason
    booking.cancelled_at = now
    booking.offer_expires_at = None
    booking.save(
        update_fields=[
            "status",
            "cancellation_reason",
            "cancelled_at",
            "offer_expires_at",
            "updated_at",
        ]
    )


def offer_free_places(workshop, *, now=None):
    """Offer free places to the first waiting people whose Trust caps still allow them.

    Call while holding the workshop's lock. Returns the bookings offered a place.
    """
    now = now or timezone.now()
    if not workshop.is_open_for_booking:
        return []
    free = _places_left(workshop)
    offered = []
    waiting = workshop.bookings.filter(status=BookingStatus.WAITING).order_by(*WAITING_LIST_ORDER)
    for booking in waiting.select_related("person"):
        if free <= 0:
            break
        if booking.trust_id and not _fits_trust_caps(workshop, booking):
            continue
        deadline = min(now + datetime.timedelta(hours=workshop.offer_hours), workshop.starts_at)
        booking.status = BookingStatus.OFFERED
        booking.offer_expires_at = deadline
        booking.save(update_fields=["status", "offer_expires_at", "updated_at"])
        offered.append(booking)
        free -= 1
    messaging.places_offered(offered)
    return offered


@transaction.atomic
def cancel_booking(*, booking, now=None, reason=CancellationReason.CANCELLED):
    """Cancel a booking and offer a freed place to the waiting list. Safe to repeat."""
    now = now or timezone.now()
    workshop, booking = _lock_booking(booking)
    if booking.status == BookingStatus.CANCELLED:
        return booking
    if workshop.date < timezone.localdate(now) or workshop.status == Workshop.Status.HELD:
        raise errors.NotAllowed(
            "This workshop has already taken place, so its bookings can no longer be cancelled."
        )
    messaging.booking_ending(booking, reason)
    _end(booking, reason, now)
    offer_free_places(workshop, now=now)
    return booking


@transaction.atomic
def accept_offer(*, booking, now=None):
    now = now or timezone.now()
    workshop, booking = _lock_booking(booking)
    if booking.status == BookingStatus.CONFIRMED:
        return booking
    if booking.status != BookingStatus.OFFERED or booking.offer_expires_at <= now:
        raise errors.OfferNotOpen(
            "This offer is no longer open: it has expired or been withdrawn. "
            "Check your bookings for the latest position."
        )
    booking.status = _status_for_place(workshop, booking.person)
    booking.offer_expires_at = None
    booking.save(update_fields=["status", "offer_expires_at", "updated_at"])
    messaging.booking_made(booking)
    return booking


@transaction.atomic
def decline_offer(*, booking, now=None):
    now = now or timezone.now()
    workshop, booking = _lock_booking(booking)
    if booking.status != BookingStatus.OFFERED:
        raise errors.OfferNotOpen("There is no open offer to decline.")
    _end(booking, CancellationReason.OFFER_DECLINED, now)
    offer_free_places(workshop, now=now)
    return booking


def expire_offers(*, now=None):
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
            workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
            for booking in workshop.bookings.filter(
                status=BookingStatus.OFFERED, offer_expires_at__lte=now
            ):
                _end(booking, CancellationReason.OFFER_EXPIRED, now)
                messaging.offer_expired(booking)
                expired += 1
            offer_free_places(workshop, now=now)
    return expired


@transaction.atomic
def approve_booking(*, booking):
    """Confirm a booking held for approval (director-level-only workshops)."""
    _, booking = _lock_booking(booking)
    if booking.status != BookingStatus.AWAITING_APPROVAL:
        raise errors.NotAllowed("Only bookings awaiting approval can be approved.")
    booking.status = BookingStatus.CONFIRMED
    booking.save(update_fields=["status", "updated_at"])
    messaging.booking_approved(booking)
    return booking


def reject_booking(*, booking, now=None):
    return cancel_booking(booking=booking, now=now, reason=CancellationReason.NOT_APPROVED)


@transaction.atomic
def change_attendee(*, booking, person, functional_area=None, changed_by):
    """Give a Trust's place to another colleague of the same Trust, under the same rules."""
    workshop, booking = _lock_booking(booking)
    if booking.status == BookingStatus.CANCELLED:
        raise errors.NotAllowed("This booking has been cancelled; make a new booking instead.")
    check_may_book_for_trust(changed_by)
    if not booking.trust_id or changed_by.trust_id != booking.trust_id:
        raise errors.NotAllowed("Only people of the booking's Trust can change its attendee.")
    if person.trust_id != booking.trust_id:
        raise errors.NotAColleague(
            f"{person.email} is not a colleague at {booking.trust}: the place can only go to "
            "someone of the same Trust."
        )
    _check_open(workshop, timezone.localdate())
    functional_area = functional_area or person.functional_area
    _check_functional_area(functional_area)
    if person.pk != booking.person_id:
        _check_not_booked(workshop, person, for_self=person.pk == changed_by.pk)
    if booking.holds_a_place:
        _check_trust_caps(workshop, booking.trust_id, functional_area, ignoring=booking)
        if booking.status != BookingStatus.OFFERED:
            booking.status = _status_for_place(workshop, person)
    booking.person = person
    booking.functional_area = functional_area
    booking.booked_by = changed_by
    booking.save(update_fields=["person", "functional_area", "booked_by", "status", "updated_at"])
    messaging.booking_made(booking)
    return booking


def _change_status(workshop, status, changed_by, summary):
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
def open_for_booking(*, workshop, opened_by):
    """Open a workshop for booking. Saving the status invites every director of an active
    member Trust and every stakeholder invited to it (workshops.messaging), once each."""
    workshop = _lock(workshop)
    if workshop.status == Workshop.Status.OPEN:
        return workshop
    if workshop.status in (Workshop.Status.CANCELLED, Workshop.Status.HELD):
        raise errors.NotAllowed(
            f"This workshop is {workshop.get_status_display().lower()}, so it cannot open for "
            "booking."
        )
    if workshop.date < timezone.localdate():
        raise errors.NotAllowed("This workshop has already taken place.")
    _change_status(workshop, Workshop.Status.OPEN, opened_by, "Opened for booking.")
    return workshop


@transaction.atomic
def cancel_workshop(*, workshop, cancelled_by, now=None):
    """Cancel a workshop and end its bookings. Safe to repeat.

    Saving the status tells everyone booked, while their bookings are still
    active (workshops.messaging); their calendars get the cancellation.
    """
    now = now or timezone.now()
    workshop = _lock(workshop)
    if workshop.status == Workshop.Status.CANCELLED:
        return workshop
    if workshop.status == Workshop.Status.HELD or workshop.date < timezone.localdate(now):
        raise errors.NotAllowed("This workshop has already taken place, so it cannot be cancelled.")
    _change_status(workshop, Workshop.Status.CANCELLED, cancelled_by, "Cancelled the workshop.")
    for booking in workshop.bookings.active():
        _end(booking, CancellationReason.WORKSHOP_CANCELLED, now)
    return workshop


@transaction.atomic
def close_booking(*, workshop, closed_by):
    """Stop taking bookings before the closing date. Places and the waiting list stay as
    they are; opening it again (``open_for_booking``) is allowed until the day."""
    workshop = _lock(workshop)
    if workshop.status == Workshop.Status.CLOSED:
        return workshop
    if workshop.status != Workshop.Status.OPEN:
        raise errors.NotAllowed(
            f"Booking cannot close: the workshop's status is “{workshop.get_status_display()}”, "
            "not “Open for booking”."
        )
    _change_status(workshop, Workshop.Status.CLOSED, closed_by, "Closed booking.")
    return workshop


@transaction.atomic
def mark_held(*, workshop, marked_by, today=None):
    """Record that a workshop took place, on its day or after; its outcome and attendance
    can then be recorded."""
    today = today or timezone.localdate()
    workshop = _lock(workshop)
    if workshop.status == Workshop.Status.HELD:
        return workshop
    if workshop.status in (Workshop.Status.DRAFT, Workshop.Status.CANCELLED):
        raise errors.NotAllowed(
            f"The workshop's status is “{workshop.get_status_display()}”, so it cannot be "
            "marked as held."
        )
    if workshop.date > today:
        raise errors.NotAllowed(
            "This workshop's day has not come yet, so it cannot be marked as held."
        )
    _change_status(workshop, Workshop.Status.HELD, marked_by, "Marked as held.")
    return workshop


def record_attendance(*, bookings, attended, today=None):
    """Record whether people came (True, False, or None for unknown) on a queryset of bookings.

    Only confirmed places at workshops that have taken place have an attendance; the
    other bookings are left as they are. Returns how many bookings were recorded.
    """
    today = today or timezone.localdate()
    taken_place = Q(workshop__status=Workshop.Status.HELD) | (
        Q(workshop__date__lt=today)
        & ~Q(workshop__status__in=(Workshop.Status.DRAFT, Workshop.Status.CANCELLED))
    )
    return Booking.objects.filter(
        taken_place, pk__in=bookings.values("pk"), status=BookingStatus.CONFIRMED
    ).update(attended=attended, updated_at=timezone.now())
