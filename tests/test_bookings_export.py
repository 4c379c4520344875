"""The bookings list in the admin: the attendee list export, and a cost that does not grow
with the number of bookings."""

import csv
import io
import itertools

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from collaborative.people.models import FunctionalArea, User
from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from tests.factories import BookingFactory, StakeholderBodyFactory, UserFactory, WorkshopFactory
from tests.queries import queries_to_get
from workshops.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db

SERIAL = itertools.count()


def add_bookings(count, *, workshop, trust, attended=None):
    """``count`` confirmed bookings of new people of ``trust``, inserted in bulk."""
    people = User.objects.bulk_create(
        User(
            email=f"bulk{number}@example.org",
            full_name=f"Person {number}",
            trust=trust,
            functional_area=FunctionalArea.NURSING,
        )
        for number in itertools.islice(SERIAL, count)
    )
    Booking.objects.bulk_create(
        (
            Booking(
                workshop=workshop,
                person=person,
                trust=trust,
                functional_area=FunctionalArea.NURSING,
                # The one-per-area rule is the workshop's; these bulk places ignore it.
                one_per_functional_area=False,
                attended=attended,
            )
            for person in people
        ),
        batch_size=2000,
    )


@pytest.fixture
def ops_client(client, operations_manager):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    client.force_login(operations_manager)
    return client


def export(client, bookings):
    return client.post(
        reverse("admin:workshops_booking_changelist"),
        {"action": "export_attendees", "_selected_action": [booking.pk for booking in bookings]},
    )


def rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def workshop(db):
    return WorkshopFactory(slug="thriving-at-work")


@pytest.fixture
def attendees(workshop, trust_a, trust_b):
    """Bookings of a Trust director, another Trust's colleague, and a stakeholder."""
    stakeholder = UserFactory(
        full_name="Chris Lee",
        job_title="Mental health workforce lead",
        functional_area="",
        stakeholder_body=StakeholderBodyFactory(name="Health Education England"),
    )
    return [
        BookingFactory(
            workshop=workshop,
            person=UserFactory(
                full_name="Zoe Brown", job_title="Director of Nursing", trust=trust_b
            ),
        ),
        BookingFactory(
            workshop=workshop,
            person=UserFactory(
                full_name="Amir Khan",
                job_title="Director of HR",
                trust=trust_a,
                functional_area=FunctionalArea.HR_WORKFORCE,
            ),
            status=BookingStatus.AWAITING_APPROVAL,
        ),
        BookingFactory(
            workshop=workshop,
            person=stakeholder,
            trust=None,
            stakeholder_body=stakeholder.stakeholder_body,
        ),
    ]


def test_attendee_list_has_a_row_per_booking_by_organisation_then_name(ops_client, attendees):
    response = export(ops_client, attendees)

    assert rows(response) == [
        [
            "Name",
            "Job title",
            "Trust or organisation",
            "ODS code",
            "Functional area",
            "Status",
            "Attended",
            "Access and dietary needs",
        ],
        [
            "Amir Khan",
            "Director of HR",
            "Avon Test NHS Trust",
            "TA1",
            "HR / Workforce",
            "Awaiting approval",
            "",
            "",
        ],
        [
            "Zoe Brown",
            "Director of Nursing",
            "Bristol Test NHS Trust",
            "TB1",
            "Nursing",
            "Confirmed",
            "",
            "",
        ],
        [
            "Chris Lee",
            "Mental health workforce lead",
            "Health Education England",
            "",
            "",
            "Confirmed",
            "",
            "",
        ],
    ]


def test_attendee_list_is_a_csv_download_named_after_the_workshop(ops_client, attendees):
    response = export(ops_client, attendees)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="thriving-at-work-attendees.csv"'
    )
    assert response.content.startswith("\ufeff".encode())


def test_attendee_list_says_who_attended_and_who_did_not(ops_client, director_a, director_b):
    workshop = WorkshopFactory(status="held")
    came = BookingFactory(workshop=workshop, person=director_a, attended=True)
    missed = BookingFactory(workshop=workshop, person=director_b, attended=False)

    attended = {row[0]: row[6] for row in rows(export(ops_client, [came, missed]))[1:]}

    assert attended == {"Jane Smith": "Yes", "Sam Patel": "No"}


def test_attendee_list_never_hands_a_spreadsheet_a_formula(ops_client, trust_a, workshop):
    person = UserFactory(full_name="=HYPERLINK(1)", job_title="+Director", trust=trust_a)
    booking = BookingFactory(workshop=workshop, person=person)

    name, job_title = rows(export(ops_client, [booking]))[1][:2]

    assert (name, job_title) == ("'=HYPERLINK(1)", "'+Director")


def test_attendee_list_of_several_workshops_is_refused(ops_client, director_a, director_b):
    bookings = [BookingFactory(person=director_a), BookingFactory(person=director_b)]

    response = export(ops_client, bookings)

    assert response["Content-Type"].startswith("text/html")
    assert "Choose bookings of one workshop" in ops_client.get(response.url).content.decode()


def changelist_queries(client):
    return queries_to_get(client, reverse("admin:workshops_booking_changelist"))[0]


def test_bookings_list_costs_the_same_queries_for_ten_and_ten_thousand_bookings(
    ops_client, trust_a, trust_b
):
    workshop = WorkshopFactory()
    add_bookings(5, workshop=workshop, trust=trust_a)
    add_bookings(5, workshop=workshop, trust=trust_b)
    with_ten = changelist_queries(ops_client)

    add_bookings(9_990, workshop=workshop, trust=trust_a)

    assert Booking.objects.count() == 10_000
    assert changelist_queries(ops_client) == with_ten
