"""Every invariant the database holds: an attempt to break each raises IntegrityError."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from collaborative.people.models import FunctionalArea, User
from tests.factories import (
    BookingFactory,
    ResourceFactory,
    StakeholderBodyFactory,
    TrustFactory,
    UserFactory,
    WorkshopFactory,
)
from trusts.models import EmailDomain, Trust
from workshops.models import AgendaItem, Booking

pytestmark = pytest.mark.django_db


def breaks_constraint(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_ods_code_is_unique():
    TrustFactory(ods_code="RNU")
    breaks_constraint(lambda: Trust.objects.create(name="Copy", ods_code="RNU", region="london"))


def test_ods_code_is_upper_case_in_the_database():
    trust = TrustFactory(ods_code="RXT")
    breaks_constraint(lambda: Trust.objects.filter(pk=trust.pk).update(ods_code="rxt"))


def test_trust_cannot_succeed_itself():
    trust = TrustFactory()
    breaks_constraint(lambda: Trust.objects.filter(pk=trust.pk).update(successor=trust))


def test_email_domain_belongs_to_one_trust():
    first = TrustFactory(domain="oxfordhealth.nhs.uk")
    assert first.email_domains.get().domain == "oxfordhealth.nhs.uk"
    other = TrustFactory()
    breaks_constraint(lambda: EmailDomain.objects.create(trust=other, domain="OxfordHealth.nhs.uk"))


def test_person_email_is_unique_ignoring_case():
    UserFactory(email="jane@example.org")
    breaks_constraint(lambda: UserFactory(email="Jane@Example.org"))


def test_person_represents_a_trust_or_a_stakeholder_body_not_both():
    breaks_constraint(
        lambda: UserFactory(trust=TrustFactory(), stakeholder_body=StakeholderBodyFactory())
    )


def test_workshop_ends_after_it_starts():
    breaks_constraint(
        lambda: WorkshopFactory(start_time=datetime.time(12, 0), end_time=datetime.time(12, 0))
    )


def test_workshop_capacity_is_not_negative():
    workshop = WorkshopFactory()
    breaks_constraint(lambda: type(workshop).objects.filter(pk=workshop.pk).update(capacity=-1))


def test_workshop_has_at_least_one_place_per_trust():
    breaks_constraint(lambda: WorkshopFactory(places_per_trust=0))


def test_booking_closes_after_it_opens_and_by_the_workshop():
    today = timezone.localdate()
    breaks_constraint(
        lambda: WorkshopFactory(
            booking_opens_on=today, booking_closes_on=today - datetime.timedelta(days=1)
        )
    )
    breaks_constraint(
        lambda: WorkshopFactory(
            date=today, booking_opens_on=today, booking_closes_on=today + datetime.timedelta(days=1)
        )
    )


def test_agenda_order_is_unique_within_a_workshop():
    workshop = WorkshopFactory()
    AgendaItem.objects.create(workshop=workshop, order=1, title="Welcome")
    breaks_constraint(lambda: AgendaItem.objects.create(workshop=workshop, order=1, title="Other"))


def test_one_active_booking_per_person_per_workshop(director_a):
    workshop = WorkshopFactory()
    BookingFactory(workshop=workshop, person=director_a)
    breaks_constraint(
        lambda: BookingFactory(
            workshop=workshop,
            person=director_a,
            status=Booking.Status.WAITING,
            functional_area=FunctionalArea.HR_WORKFORCE,
        )
    )


def test_a_cancelled_booking_does_not_stop_booking_again(director_a):
    workshop = WorkshopFactory()
    BookingFactory(
        workshop=workshop,
        person=director_a,
        status=Booking.Status.CANCELLED,
        cancelled_at=timezone.now(),
    )
    BookingFactory(workshop=workshop, person=director_a)
    assert Booking.objects.filter(workshop=workshop, person=director_a).count() == 2


def test_one_place_per_trust_per_functional_area(trust_a):
    workshop = WorkshopFactory()
    first, second = UserFactory.create_batch(
        2, trust=trust_a, functional_area=FunctionalArea.NURSING
    )
    BookingFactory(workshop=workshop, person=first)
    breaks_constraint(lambda: BookingFactory(workshop=workshop, person=second))


def test_functional_area_rule_only_binds_where_the_workshop_has_it(trust_a):
    workshop = WorkshopFactory(one_per_functional_area=False)
    first, second = UserFactory.create_batch(
        2, trust=trust_a, functional_area=FunctionalArea.NURSING
    )
    BookingFactory(workshop=workshop, person=first, one_per_functional_area=False)
    BookingFactory(workshop=workshop, person=second, one_per_functional_area=False)
    assert workshop.bookings.count() == 2


def test_waiting_bookings_do_not_hold_a_functional_area_place(trust_a):
    workshop = WorkshopFactory()
    first, second = UserFactory.create_batch(
        2, trust=trust_a, functional_area=FunctionalArea.NURSING
    )
    BookingFactory(workshop=workshop, person=first)
    BookingFactory(workshop=workshop, person=second, status=Booking.Status.WAITING)
    assert workshop.bookings.count() == 2


def test_booking_is_for_a_trust_or_a_stakeholder_body():
    person = UserFactory(trust=TrustFactory())
    breaks_constraint(lambda: BookingFactory(person=person, trust=None))
    breaks_constraint(
        lambda: BookingFactory(person=person, stakeholder_body=StakeholderBodyFactory())
    )


def test_trust_booking_has_a_functional_area():
    person = UserFactory(trust=TrustFactory())
    breaks_constraint(lambda: BookingFactory(person=person, functional_area=""))


def test_stakeholder_booking_needs_no_functional_area():
    body = StakeholderBodyFactory()
    person = UserFactory(stakeholder_body=body, functional_area="")
    booking = BookingFactory(person=person, trust=None, stakeholder_body=body)
    assert booking.organisation == body


def test_an_offer_has_a_deadline():
    person = UserFactory(trust=TrustFactory())
    breaks_constraint(lambda: BookingFactory(person=person, status=Booking.Status.OFFERED))


def test_a_cancellation_records_when():
    person = UserFactory(trust=TrustFactory())
    breaks_constraint(lambda: BookingFactory(person=person, status=Booking.Status.CANCELLED))


def test_resource_has_a_file_or_a_link_not_both():
    breaks_constraint(
        lambda: ResourceFactory(file="resources/2020/report.pdf", url="https://example.org/r")
    )


def test_steering_members_come_from_founding_trusts(trust_a, founding_trust):
    outsider = UserFactory(trust=trust_a, is_steering_member=True)
    insider = UserFactory(trust=founding_trust, is_steering_member=True)
    assert list(User.objects.steering_group()) == [insider]
    with pytest.raises(Exception, match="founding Trusts"):
        outsider.full_clean()


def test_workshop_slugs_the_portal_uses_for_its_own_pages_are_refused():
    from django.core.exceptions import ValidationError

    workshop = WorkshopFactory.build(slug="bookings")
    with pytest.raises(ValidationError, match="taken by the portal"):
        workshop.full_clean()
