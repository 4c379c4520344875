"""The people and bookings the booking pages are shown to."""

import pytest

from tests.booking_pages.pages import HR, colleague
from tests.factories import BookingFactory, StakeholderBodyFactory, UserFactory, WorkshopFactory


@pytest.fixture
def workshop(db):
    return WorkshopFactory(capacity=10, title="How to grow a support workforce?")


@pytest.fixture
def unaffiliated(db):
    return UserFactory(email="someone@example.org", full_name="Una Linked")


@pytest.fixture
def unverified(trust_a):
    return UserFactory(email="new@ta1.nhs.uk", full_name="Ned New", trust=trust_a, verified=False)


@pytest.fixture
def stakeholder(db):
    return UserFactory(
        email="rep@hee.nhs.uk",
        full_name="Sally Stake",
        stakeholder_body=StakeholderBodyFactory(name="Health Education England"),
        functional_area="",
    )


@pytest.fixture
def booking_a(workshop, director_a):
    """Jane Smith's confirmed place for Trust A."""
    return BookingFactory(workshop=workshop, person=director_a, booked_by=director_a)


@pytest.fixture
def role(request, director_a, director_b, unaffiliated, unverified, stakeholder, trust_a):
    """A person of the cast, by name; "colleague_a" is a verified director of Trust A."""
    if request.param == "colleague_a":
        return colleague(trust_a, HR, email="hr@ta1.nhs.uk")
    return {
        "director_a": director_a,
        "director_b": director_b,
        "unaffiliated": unaffiliated,
        "unverified": unverified,
        "stakeholder": stakeholder,
    }[request.param]
