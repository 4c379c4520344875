"""The booking rules in workshops/booking/rules.py, one behaviour per test."""

import datetime

import pytest
from django.utils import timezone

from collaborative.people.models import FunctionalArea, Seniority
from tests.factories import (
    BookingFactory,
    InvitationFactory,
    StakeholderBodyFactory,
    UserFactory,
    WorkshopFactory,
)
from trusts.models import AffiliationRequest
from workshops import refusals
from workshops.booking import rules
from workshops.models import Booking, BookingStatus, CancellationReason, Workshop

pytestmark = pytest.mark.django_db

NURSING = FunctionalArea.NURSING
HR = FunctionalArea.HR_WORKFORCE
OD = FunctionalArea.OD_TRAINING_EDUCATION


def colleague(trust, area=NURSING, **fields):
    return UserFactory(trust=trust, functional_area=area, **fields)


def book(workshop, person, booked_by=None, area=None):
    return rules.book_place(
        workshop=workshop, person=person, booked_by=booked_by or person, functional_area=area
    )


@pytest.fixture
def workshop():
    return WorkshopFactory(capacity=10)


def test_director_books_a_confirmed_place(workshop, director_a):
    booking = book(workshop, director_a)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.trust == director_a.trust
    assert booking.functional_area == NURSING
    assert booking.booked_by == director_a


def test_director_books_for_a_colleague_of_their_trust(workshop, director_a, trust_a):
    hr_director = colleague(trust_a, HR)
    booking = book(workshop, hr_director, booked_by=director_a)
    assert booking.person == hr_director
    assert booking.booked_by == director_a


def test_booking_for_another_trusts_person_is_refused(workshop, director_a, director_b):
    with pytest.raises(refusals.NotAColleague, match="not a colleague at Avon Test NHS Trust"):
        book(workshop, director_b, booked_by=director_a)
    assert not Booking.objects.exists()


def test_second_place_in_the_same_functional_area_is_refused_with_the_holders_name(
    workshop, director_a, trust_a
):
    book(workshop, director_a)
    with pytest.raises(refusals.FunctionalAreaTaken) as refusal:
        book(workshop, colleague(trust_a, NURSING))
    assert refusal.value.message == (
        "Your Trust already has its Nursing representative for this workshop: Jane Smith. "
        "Choose another functional area, or ask Jane to cancel."
    )


def test_same_functional_area_is_allowed_when_the_workshop_rule_is_off(director_a, trust_a):
    workshop = WorkshopFactory(one_per_functional_area=False)
    book(workshop, director_a)
    assert book(workshop, colleague(trust_a, NURSING)).status == BookingStatus.CONFIRMED


def test_a_trust_holds_at_most_its_places_per_workshop(trust_a):
    workshop = WorkshopFactory(one_per_functional_area=False, places_per_trust=2)
    book(workshop, colleague(trust_a, full_name="Ann One"))
    book(workshop, colleague(trust_a, full_name="Ben Two"))
    with pytest.raises(refusals.TrustPlacesFull) as refusal:
        book(workshop, colleague(trust_a))
    assert refusal.value.message == (
        "Your Trust already has all 2 of its places for this workshop (Ann One, Ben Two). "
        "One of them must cancel before anyone else can book."
    )


def test_three_functional_areas_fill_a_trusts_three_places(workshop, trust_a):
    for area in (NURSING, HR, OD):
        book(workshop, colleague(trust_a, area))
    with pytest.raises(refusals.FunctionalAreaTaken):
        book(workshop, colleague(trust_a, HR))


def test_other_trusts_are_not_limited_by_one_trusts_places(workshop, director_a, director_b):
    book(workshop, director_a)
    assert book(workshop, director_b).status == BookingStatus.CONFIRMED


def test_a_full_workshop_puts_bookings_on_the_waiting_list_in_order(trust_a, trust_b):
    workshop = WorkshopFactory(capacity=1)
    book(workshop, colleague(trust_a))
    first = book(workshop, colleague(trust_b, NURSING))
    second = book(workshop, colleague(trust_b, HR))
    assert [first.status, second.status] == [BookingStatus.WAITING, BookingStatus.WAITING]
    assert [first.waiting_position(), second.waiting_position()] == [1, 2]


def test_a_tampered_functional_area_is_refused(workshop, director_a):
    with pytest.raises(refusals.InvalidChoice, match="Choose the functional area"):
        book(workshop, director_a, area="chief_executive")


def test_a_person_holds_one_booking_per_workshop(workshop, director_a):
    book(workshop, director_a)
    with pytest.raises(refusals.AlreadyBooked, match="You already have a booking"):
        book(workshop, director_a, area=HR)
    assert workshop.bookings.count() == 1


def test_a_colleague_already_booked_is_named(workshop, director_a, trust_a):
    hr = colleague(trust_a, HR, full_name="Lee Chan")
    book(workshop, hr)
    with pytest.raises(refusals.AlreadyBooked, match="Lee Chan already has a booking"):
        book(workshop, hr, booked_by=director_a)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": Workshop.Status.CANCELLED}, "has been cancelled"),
        ({"status": Workshop.Status.CLOSED}, "has closed"),
        ({"status": Workshop.Status.AGENDA_AGREED}, "not open for booking yet"),
        ({"date": datetime.date(2020, 7, 2)}, "already taken place"),
    ],
)
def test_cancelled_closed_unopened_and_past_workshops_take_no_bookings(
    director_a, changes, message
):
    workshop = WorkshopFactory(**changes)
    with pytest.raises(refusals.BookingNotOpen, match=message):
        book(workshop, director_a)


def test_booking_opens_and_closes_on_the_workshops_dates(director_a):
    today = timezone.localdate()
    later = WorkshopFactory(booking_opens_on=today + datetime.timedelta(days=3))
    with pytest.raises(refusals.BookingNotOpen, match="Booking for this workshop opens on"):
        book(later, director_a)
    closed = WorkshopFactory(booking_closes_on=today - datetime.timedelta(days=1))
    with pytest.raises(refusals.BookingNotOpen, match="Booking for this workshop closed on"):
        book(closed, director_a)


def test_unverified_people_cannot_book(workshop, trust_a):
    person = UserFactory(trust=trust_a, verified=False)
    with pytest.raises(refusals.NotVerified, match="Confirm your e-mail address"):
        book(workshop, person)


def test_unaffiliated_people_are_told_to_ask_for_affiliation(workshop):
    with pytest.raises(refusals.NotAffiliated, match="not linked to a member Trust"):
        book(workshop, UserFactory())


def test_people_awaiting_affiliation_are_told_so(workshop, trust_a):
    person = UserFactory()
    AffiliationRequest.objects.create(person=person, trust=trust_a)
    with pytest.raises(refusals.NotAffiliated, match="waiting for the programme operations"):
        book(workshop, person)


def test_people_of_a_lapsed_member_trust_cannot_book(workshop, director_a):
    director_a.trust.membership.is_active = False
    director_a.trust.membership.save()
    with pytest.raises(refusals.NotAffiliated, match="not an active member"):
        book(workshop, director_a)


def test_stakeholder_people_cannot_book_trust_places(workshop):
    person = UserFactory(stakeholder_body=StakeholderBodyFactory(), functional_area="")
    with pytest.raises(refusals.NotAffiliated, match="personal invitation"):
        book(workshop, person, area=NURSING)


def test_below_director_level_waits_for_approval_at_director_level_workshops(workshop, trust_a):
    manager = colleague(trust_a, HR, seniority=Seniority.OTHER)
    booking = book(workshop, manager)
    assert booking.status == BookingStatus.AWAITING_APPROVAL
    assert rules.approve_booking(booking=booking).status == BookingStatus.CONFIRMED


def test_below_director_level_is_confirmed_when_the_workshop_is_open_to_all(trust_a):
    workshop = WorkshopFactory(director_level_only=False)
    manager = colleague(trust_a, HR, seniority=Seniority.OTHER)
    assert book(workshop, manager).status == BookingStatus.CONFIRMED


def test_a_rejected_approval_frees_the_place_for_the_waiting_list(trust_a, trust_b):
    workshop = WorkshopFactory(capacity=1)
    pending = book(workshop, colleague(trust_a, seniority=Seniority.OTHER))
    waiting = book(workshop, colleague(trust_b))
    rules.reject_booking(booking=pending, by=None)
    pending.refresh_from_db()
    waiting.refresh_from_db()
    assert pending.cancellation_reason == CancellationReason.NOT_APPROVED
    assert waiting.status == BookingStatus.OFFERED


def test_a_cancellation_offers_the_place_to_the_first_waiting_person(trust_a, trust_b):
    workshop = WorkshopFactory(capacity=1, offer_hours=48)
    confirmed = book(workshop, colleague(trust_a))
    first = book(workshop, colleague(trust_b, NURSING))
    second = book(workshop, colleague(trust_b, HR))
    now = timezone.now()
    rules.cancel_booking(booking=confirmed, by=None, now=now)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == BookingStatus.OFFERED
    assert first.offer_expires_at == min(now + datetime.timedelta(hours=48), workshop.starts_at)
    assert second.status == BookingStatus.WAITING


def test_the_offer_skips_waiting_people_whose_trust_caps_no_longer_fit(trust_a, trust_b):
    workshop = WorkshopFactory(capacity=2)
    holders = [book(workshop, colleague(trust_b, area)) for area in (NURSING, HR)]
    first = book(workshop, colleague(trust_a, NURSING))
    blocked = book(workshop, colleague(trust_a, NURSING))
    fits = book(workshop, colleague(trust_b, OD))
    for holder in holders:
        rules.cancel_booking(booking=holder, by=holder.person)
    first.refresh_from_db()
    blocked.refresh_from_db()
    fits.refresh_from_db()
    assert first.status == BookingStatus.OFFERED
    assert blocked.status == BookingStatus.WAITING
    assert fits.status == BookingStatus.OFFERED


def test_accepting_an_offer_confirms_the_place(trust_a, trust_b):
    workshop = WorkshopFactory(capacity=1)
    confirmed = book(workshop, colleague(trust_a))
    waiting = book(workshop, colleague(trust_b))
    rules.cancel_booking(booking=confirmed, by=confirmed.person)
    accepted = rules.accept_offer(booking=waiting, by=waiting.person)
    assert accepted.status == BookingStatus.CONFIRMED


def test_declining_an_offer_moves_it_to_the_next_person(trust_a, trust_b):
    workshop = WorkshopFactory(capacity=1)
    confirmed = book(workshop, colleague(trust_a))
    first = book(workshop, colleague(trust_b, NURSING))
    second = book(workshop, colleague(trust_b, HR))
    rules.cancel_booking(booking=confirmed, by=confirmed.person)
    rules.decline_offer(booking=first, by=first.person)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.cancellation_reason == CancellationReason.OFFER_DECLINED
    assert second.status == BookingStatus.OFFERED


def test_an_expired_offer_moves_to_the_next_person_and_cannot_be_accepted(trust_a, trust_b):
    workshop = WorkshopFactory(capacity=1, offer_hours=1)
    confirmed = book(workshop, colleague(trust_a))
    first = book(workshop, colleague(trust_b, NURSING))
    second = book(workshop, colleague(trust_b, HR))
    rules.cancel_booking(booking=confirmed, by=confirmed.person)
    later = timezone.now() + datetime.timedelta(hours=2)
    assert rules.expire_offers(now=later) == 1
    assert rules.expire_offers(now=later) == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.cancellation_reason == CancellationReason.OFFER_EXPIRED
    assert second.status == BookingStatus.OFFERED
    with pytest.raises(refusals.OfferNotOpen, match="no longer open"):
        rules.accept_offer(booking=first, by=first.person)


def test_no_offer_leaves_the_workshop_over_capacity(trust_a, trust_b):
    workshop = WorkshopFactory(capacity=1)
    confirmed = book(workshop, colleague(trust_a))
    book(workshop, colleague(trust_b, NURSING))
    book(workshop, colleague(trust_b, HR))
    rules.cancel_booking(booking=confirmed, by=confirmed.person)
    rules.cancel_booking(booking=confirmed, by=confirmed.person)
    assert workshop.bookings.holding_a_place().count() == 1


def test_a_freed_place_with_nobody_waiting_is_open_to_new_bookings(director_a, director_b):
    workshop = WorkshopFactory(capacity=1)
    rules.cancel_booking(booking=book(workshop, director_a), by=director_a)
    assert book(workshop, director_b).status == BookingStatus.CONFIRMED


def test_changing_the_attendee_gives_the_place_to_a_colleague(workshop, director_a, trust_a):
    booking = book(workshop, director_a)
    other = colleague(trust_a, HR)
    changed = rules.change_attendee(booking=booking, person=other, changed_by=director_a)
    assert (changed.person, changed.functional_area) == (other, HR)


def test_changing_the_attendee_keeps_the_functional_area_rule(workshop, director_a, trust_a):
    book(workshop, colleague(trust_a, HR, full_name="Lee Chan"))
    booking = book(workshop, director_a)
    with pytest.raises(refusals.FunctionalAreaTaken, match="HR / Workforce representative"):
        rules.change_attendee(booking=booking, person=colleague(trust_a, HR), changed_by=director_a)


def test_changing_the_attendee_to_another_trusts_person_is_refused(
    workshop, director_a, director_b
):
    booking = book(workshop, director_a)
    with pytest.raises(refusals.NotAColleague):
        rules.change_attendee(booking=booking, person=director_b, changed_by=director_a)


def test_another_trust_cannot_change_a_booking(workshop, director_a, director_b):
    booking = book(workshop, director_a)
    with pytest.raises(refusals.NotAllowed):
        rules.change_attendee(booking=booking, person=director_b, changed_by=director_b)


def test_stakeholders_book_through_their_invitation_outside_trust_caps():
    workshop = WorkshopFactory(capacity=5)
    body = StakeholderBodyFactory()
    person = UserFactory(stakeholder_body=body, functional_area="")
    invitation = InvitationFactory(workshop=workshop, person=person)
    booking = rules.book_with_invitation(token=invitation.token, person=person)
    invitation.refresh_from_db()
    assert (booking.status, booking.stakeholder_body, booking.trust) == (
        BookingStatus.CONFIRMED,
        body,
        None,
    )
    assert invitation.used_at is not None


def test_an_invitation_is_single_use():
    person = UserFactory(stakeholder_body=StakeholderBodyFactory(), functional_area="")
    invitation = InvitationFactory(person=person)
    booking = rules.book_with_invitation(token=invitation.token, person=person)
    rules.cancel_booking(booking=booking, by=booking.person)
    with pytest.raises(refusals.InvitationNotUsable, match="already been used"):
        rules.book_with_invitation(token=invitation.token, person=person)


def test_an_expired_invitation_is_refused():
    person = UserFactory(stakeholder_body=StakeholderBodyFactory(), functional_area="")
    invitation = InvitationFactory(
        person=person, expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(refusals.InvitationNotUsable, match="expired"):
        rules.book_with_invitation(token=invitation.token, person=person)


def test_someone_elses_invitation_is_refused():
    invitation = InvitationFactory(
        person=UserFactory(stakeholder_body=StakeholderBodyFactory(), functional_area="")
    )
    intruder = UserFactory(stakeholder_body=StakeholderBodyFactory(), functional_area="")
    with pytest.raises(refusals.InvitationNotUsable, match="not valid for your account"):
        rules.book_with_invitation(token=invitation.token, person=intruder)


def test_stakeholder_places_count_toward_capacity(director_a):
    workshop = WorkshopFactory(capacity=1)
    person = UserFactory(stakeholder_body=StakeholderBodyFactory(), functional_area="")
    invitation = InvitationFactory(workshop=workshop, person=person)
    rules.book_with_invitation(token=invitation.token, person=person)
    assert book(workshop, director_a).status == BookingStatus.WAITING


def test_waiting_people_do_not_hold_trust_places(trust_a, trust_b):
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(workshop=workshop, person=colleague(trust_b))
    waiting = book(workshop, colleague(trust_a, NURSING))
    assert waiting.status == BookingStatus.WAITING
    assert book(workshop, colleague(trust_a, NURSING)).status == BookingStatus.WAITING


def test_bookings_of_a_past_workshop_cannot_be_cancelled(director_a):
    booking = BookingFactory(person=director_a, workshop__date=datetime.date(2022, 2, 28))
    with pytest.raises(refusals.NotAllowed, match="already taken place"):
        rules.cancel_booking(booking=booking, by=booking.person)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_page_positions_match_each_bookings_own_waiting_position(trust_a, trust_b):
    workshop = WorkshopFactory(capacity=1)
    book(workshop, colleague(trust_a))
    waiting = [book(workshop, colleague(trust_b, area)) for area in (NURSING, HR, OD)]
    Booking.set_waiting_positions(waiting)
    assert [b.position for b in waiting] == [b.waiting_position() for b in waiting] == [1, 2, 3]
