"""Access and dietary needs at in-person workshops.

Asked when booking (optional, explained), kept on the booking through the booking rules,
seen only by the attendee and the operations manager (the admin, and the attendee list for
the venue); whoever booked a colleague's place learns only that some were given. Removed
after the workshop, and once the place or the workshop is cancelled.
"""

import csv
import datetime
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from collaborative.people.models import FunctionalArea, Seniority
from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from tests.factories import (
    BookingFactory,
    InvitationFactory,
    StakeholderBodyFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops import refusals, tasks
from workshops.booking import rules
from workshops.models import Booking, BookingEvent, BookingStatus, Workshop

pytestmark = pytest.mark.django_db

NEEDS = "Step-free access, and a vegan lunch"
HR = FunctionalArea.HR_WORKFORCE


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def workshop(db):
    return WorkshopFactory(
        format=Workshop.Format.IN_PERSON,
        venue="Skipton House\n80 London Road",
        video_link="",
        title="How to grow a support workforce?",
    )


@pytest.fixture
def lee(trust_a):
    return UserFactory(
        email="lee.chan@ta1.nhs.uk", full_name="Lee Chan", trust=trust_a, functional_area=HR
    )


@pytest.fixture
def lees_booking(workshop, lee, director_a):
    """Jane Smith, a director, booked Lee's place and gave Lee's needs."""
    return rules.book_place(workshop=workshop, person=lee, booked_by=director_a, access_needs=NEEDS)


@pytest.fixture
def ops_client(client, operations_manager):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    client.force_login(operations_manager)
    return client


# Asked when booking -----------------------------------------------------------------


def test_the_booking_form_asks_for_access_needs_at_an_in_person_workshop(
    client, workshop, director_a
):
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:book", args=[workshop.slug])))

    assert "Access and dietary needs of the person attending (optional)" in page
    assert (
        "Only the person attending and the programme operations manager see this, and the "
        "operations manager passes it on to the venue. It is removed after the workshop."
    ) in page


def test_a_virtual_workshop_does_not_ask_for_access_needs(client, director_a):
    virtual = WorkshopFactory()
    client.force_login(director_a)

    page = client.get(reverse("workshops:book", args=[virtual.slug])).content.decode()

    assert 'name="access_needs"' not in page


def test_booking_ones_own_place_keeps_the_access_needs_given(client, workshop, director_a):
    client.force_login(director_a)

    client.post(
        reverse("workshops:book", args=[workshop.slug]),
        {"attendee": "myself", "access_needs": f"  {NEEDS}  "},
    )

    assert Booking.objects.get().access_needs == NEEDS


def test_a_director_gives_a_colleagues_access_needs_when_booking_for_them(
    client, workshop, director_a, lee
):
    client.force_login(director_a)

    client.post(
        reverse("workshops:book", args=[workshop.slug]),
        {
            "attendee": "colleague",
            "full_name": "Lee Chan",
            "email": lee.email,
            "seniority": Seniority.DIRECTOR,
            "functional_area": HR,
            "access_needs": NEEDS,
        },
    )

    assert Booking.objects.get(person=lee).access_needs == NEEDS


def test_access_needs_longer_than_the_limit_are_an_error_on_the_field(client, workshop, director_a):
    client.force_login(director_a)

    response = client.post(
        reverse("workshops:book", args=[workshop.slug]),
        {"attendee": "myself", "access_needs": "x" * 1001},
    )

    assert (
        '<a href="#id_access_needs">Access and dietary needs must be 1000 characters or fewer</a>'
        in response.content.decode()
    )
    assert not Booking.objects.exists()


def test_the_audit_trail_says_access_needs_were_given_never_what_they_are(lees_booking):
    event = lees_booking.events.get()

    assert event.data["access_needs_given"] is True
    assert NEEDS not in str(event.data)


def test_the_e_mails_about_the_place_never_carry_the_access_needs(
    workshop, lee, director_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rules.book_place(workshop=workshop, person=lee, booked_by=director_a, access_needs=NEEDS)

    assert len(mailoutbox) == 2  # Lee's confirmation and Jane's copy of it
    for email in mailoutbox:
        assert "vegan" not in email.body + email.alternatives[0][0]


def test_a_stakeholder_gives_access_needs_with_their_invitation(client, workshop):
    stakeholder = UserFactory(stakeholder_body=StakeholderBodyFactory(), functional_area="")
    invitation = InvitationFactory(workshop=workshop, person=stakeholder)
    client.force_login(stakeholder)

    page = client.get(invitation.get_absolute_url()).content.decode()
    client.post(invitation.get_absolute_url(), {"access_needs": NEEDS})

    assert 'name="access_needs"' in page
    assert Booking.objects.get(person=stakeholder).access_needs == NEEDS


# Who sees them ----------------------------------------------------------------------


def test_the_attendee_sees_their_access_needs_and_can_change_them(client, lees_booking, lee):
    client.force_login(lee)

    page = text_of(client.get(reverse("workshops:booking", args=[lees_booking.pk])))

    assert f'Access and dietary needs</dt> <dd class="nhsuk-summary-list__value">{NEEDS}' in page
    assert reverse("workshops:access_needs", args=[lees_booking.pk]) in page


def test_the_director_who_booked_sees_only_that_needs_were_given(client, lees_booking, director_a):
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:booking", args=[lees_booking.pk])))

    assert "vegan" not in page
    assert "Given: only Lee Chan and the programme operations manager can see them" in page


def test_another_director_of_the_trust_sees_only_that_needs_were_given(
    client, lees_booking, trust_a
):
    other = UserFactory(trust=trust_a, functional_area=FunctionalArea.NURSING)
    client.force_login(other)

    page = text_of(client.get(reverse("workshops:booking", args=[lees_booking.pk])))

    assert "vegan" not in page
    assert "Given: only Lee Chan" in page


def test_nothing_is_said_of_needs_to_the_booker_when_none_were_given(
    client, workshop, lee, director_a
):
    booking = rules.book_place(workshop=workshop, person=lee, booked_by=director_a)
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:booking", args=[booking.pk])))

    assert "Access and dietary needs" not in page


def test_the_trusts_bookings_page_never_shows_them(client, lees_booking, director_a):
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:trust_bookings")))

    assert "Lee Chan" in page
    assert "vegan" not in page


def test_the_operations_manager_sees_them_on_the_booking_in_the_admin(ops_client, lees_booking):
    page = text_of(
        ops_client.get(reverse("admin:workshops_booking_change", args=[lees_booking.pk]))
    )

    assert NEEDS in page


def test_the_attendee_list_for_the_venue_has_them(ops_client, lees_booking):
    response = ops_client.post(
        reverse("admin:workshops_booking_changelist"),
        {"action": "export_attendees", "_selected_action": [lees_booking.pk]},
    )

    header, row = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert row[header.index("Access and dietary needs")] == NEEDS
    assert row[0] == "Lee Chan"


# Changing them ----------------------------------------------------------------------


def test_the_attendee_changes_their_needs_on_their_booking(client, lees_booking, lee):
    client.force_login(lee)

    response = client.post(
        reverse("workshops:access_needs", args=[lees_booking.pk]),
        {"access_needs": "A hearing loop"},
    )

    lees_booking.refresh_from_db()
    assert response.url == reverse("workshops:booking", args=[lees_booking.pk])
    assert lees_booking.access_needs == "A hearing loop"
    assert lees_booking.events.last().action == BookingEvent.Action.ACCESS_NEEDS


def test_the_director_who_booked_cannot_open_the_access_needs_page(
    client, lees_booking, director_a
):
    client.force_login(director_a)

    url = reverse("workshops:access_needs", args=[lees_booking.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"access_needs": ""}).status_code == 404
    lees_booking.refresh_from_db()
    assert lees_booking.access_needs == NEEDS


def test_only_the_attendee_and_the_operations_manager_may_change_them(
    lees_booking, director_a, operations_manager
):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))

    with pytest.raises(refusals.NotAllowed, match="Only Lee Chan and the programme operations"):
        rules.record_access_needs(booking=lees_booking, by=director_a, text="")
    rules.record_access_needs(booking=lees_booking, by=operations_manager, text="None now")

    lees_booking.refresh_from_db()
    assert lees_booking.access_needs == "None now"


def test_needs_cannot_be_given_once_the_workshop_has_taken_place(lee, trust_a):
    past = WorkshopFactory(date=timezone.localdate() - datetime.timedelta(days=1))
    booking = BookingFactory(workshop=past, person=lee)

    with pytest.raises(refusals.NotAllowed, match="already taken place"):
        rules.record_access_needs(booking=booking, by=lee, text=NEEDS)


def test_giving_the_place_to_someone_else_takes_the_needs_away_with_the_person_replaced(
    lees_booking, director_a, trust_a
):
    nia = UserFactory(trust=trust_a, functional_area=HR, full_name="Nia Next")

    rules.change_attendee(booking=lees_booking, person=nia, changed_by=director_a)

    lees_booking.refresh_from_db()
    assert (lees_booking.person, lees_booking.access_needs) == (nia, "")


# Removed after the workshop -----------------------------------------------------------


def _booking_at(workshop, person, **fields):
    return BookingFactory(workshop=workshop, person=person, access_needs=NEEDS, **fields)


def test_needs_are_removed_once_the_workshop_has_taken_place(lee, director_a, trust_a):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    past = _booking_at(WorkshopFactory(date=yesterday, status=Workshop.Status.CLOSED), lee)
    ahead = _booking_at(WorkshopFactory(), director_a)

    removed = rules.forget_access_needs()

    past.refresh_from_db()
    ahead.refresh_from_db()
    assert (removed, past.access_needs, ahead.access_needs) == (1, "", NEEDS)


def test_needs_of_cancelled_places_and_workshops_are_removed(lee, director_a):
    cancelled_place = _booking_at(
        WorkshopFactory(), lee, status=BookingStatus.CANCELLED, cancelled_at=timezone.now()
    )
    cancelled_workshop = _booking_at(WorkshopFactory(status=Workshop.Status.CANCELLED), director_a)

    assert rules.forget_access_needs() == 2

    for booking in (cancelled_place, cancelled_workshop):
        booking.refresh_from_db()
        assert booking.access_needs == ""


def test_removing_needs_is_written_in_the_audit_trail_and_safe_to_repeat(lee):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    booking = _booking_at(WorkshopFactory(date=yesterday, status=Workshop.Status.HELD), lee)

    rules.forget_access_needs()
    rules.forget_access_needs()

    (event,) = booking.events.all()
    assert (event.action, event.actor) == (BookingEvent.Action.ACCESS_NEEDS_REMOVED, None)


def test_the_periodic_task_removes_them_through_its_own_door(lee):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    booking = _booking_at(WorkshopFactory(date=yesterday, status=Workshop.Status.HELD), lee)

    assert tasks.forget_access_needs.delay().get() == 1

    assert booking.events.get().door == "task forget_access_needs"


def test_celery_beat_runs_the_removal_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["forget-access-needs"]

    assert entry["task"] == "workshops.tasks.forget_access_needs"
    assert entry["schedule"].hour == {0}


def test_the_privacy_notice_says_who_sees_them_and_when_they_are_removed(client):
    page = text_of(client.get(reverse("privacy")))

    assert "access and dietary needs" in page
    assert "removed the day after the workshop" in page


# With the person's data rights (collaborative.privacy) ----------------------------------


def test_a_persons_data_export_holds_their_access_needs(lees_booking, lee):
    from collaborative.privacy import export_personal_data

    (booking,) = export_personal_data(lee)["bookings"]

    assert booking["access_needs"] == NEEDS


def test_erasing_a_person_removes_their_access_needs_at_once(lees_booking, lee, admin_user):
    from collaborative.privacy import erase_person

    erase_person(person=lee, erased_by=admin_user)

    lees_booking.refresh_from_db()
    assert lees_booking.access_needs == ""


@pytest.mark.postgres
def test_the_nightly_removal_locks_the_bookings_only_not_their_workshops(lee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    _booking_at(WorkshopFactory(date=yesterday, status=Workshop.Status.HELD), lee)

    with CaptureQueriesContext(connection) as queries:
        rules.forget_access_needs()

    (locking,) = [query["sql"] for query in queries if "FOR UPDATE" in query["sql"]]
    assert locking.endswith('FOR UPDATE OF "workshops_booking"')
