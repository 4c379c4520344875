"""What each admin action and admin form does, run by the operations manager of the group."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from collaborative.outbox.models import OutgoingEmail
from collaborative.people.models import Seniority
from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from tests.factories import (
    AgendaItemFactory,
    BookingFactory,
    InvitationFactory,
    ResourceFactory,
    StakeholderBodyFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops.booking import rules
from workshops.models import (
    Booking,
    BookingStatus,
    CancellationReason,
    Outcome,
    TopicProposal,
    TopicSupport,
    Workshop,
    WorkshopChange,
)
from workshops.steering import agenda

pytestmark = pytest.mark.django_db

LAST_WEEK = timezone.localdate() - datetime.timedelta(days=7)


@pytest.fixture
def ops_client(client, operations_manager):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    client.force_login(operations_manager)
    return client


@pytest.fixture
def held(db):
    return WorkshopFactory(date=LAST_WEEK, status=Workshop.Status.HELD)


def act(client, model, action, objects, **data):
    return client.post(
        reverse(f"admin:{model}_changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects], **data},
        follow=True,
    )


def form_data(response):
    """What the change form shown in ``response`` posts back unchanged, inlines included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    return data


def post_change_form(client, obj, **changes):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    data = form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


# Workshops -------------------------------------------------------------------------


def test_close_booking_action_closes_an_open_workshop(ops_client):
    workshop = WorkshopFactory()

    act(ops_client, "workshops_workshop", "close_booking", [workshop])

    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CLOSED


def test_close_booking_action_says_why_it_leaves_a_draft_alone(ops_client):
    draft = WorkshopFactory(status=Workshop.Status.DRAFT)

    response = act(ops_client, "workshops_workshop", "close_booking", [draft])

    draft.refresh_from_db()
    assert draft.status == Workshop.Status.DRAFT
    assert "is “Draft”, not “Open for booking”" in response.content.decode()


def test_close_booking_is_written_in_the_workshops_history(ops_client, operations_manager):
    workshop = WorkshopFactory()

    act(ops_client, "workshops_workshop", "close_booking", [workshop])

    change = WorkshopChange.objects.get(workshop=workshop)
    assert (change.summary, change.changed_by) == ("Closed booking.", operations_manager)


def test_mark_held_action_marks_a_past_workshop_as_held(ops_client):
    workshop = WorkshopFactory(date=LAST_WEEK, status=Workshop.Status.CLOSED)

    act(ops_client, "workshops_workshop", "mark_held", [workshop])

    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.HELD


def test_mark_held_action_leaves_a_workshop_still_to_come(ops_client):
    workshop = WorkshopFactory()

    response = act(ops_client, "workshops_workshop", "mark_held", [workshop])

    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.OPEN
    assert "day has not come yet" in response.content.decode()


def test_open_for_booking_action_opens_a_closed_workshop_again(ops_client):
    workshop = WorkshopFactory(status=Workshop.Status.CLOSED)

    act(ops_client, "workshops_workshop", "open_for_booking", [workshop])

    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.OPEN


def test_confirmed_cancel_action_ends_every_booking_of_the_workshop(ops_client, director_a):
    booking = BookingFactory(person=director_a)

    act(ops_client, "workshops_workshop", "cancel_workshop", [booking.workshop], confirmed="yes")

    booking.refresh_from_db()
    assert booking.cancellation_reason == CancellationReason.WORKSHOP_CANCELLED


def test_agree_agenda_action_asks_for_the_reason_of_the_override_first(ops_client):
    draft = WorkshopFactory(status=Workshop.Status.DRAFT)
    AgendaItemFactory(workshop=draft)

    response = act(ops_client, "workshops_workshop", "agree_agenda", [draft])

    assert "Reason for agreeing without the steering group" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Workshop.Status.DRAFT


def test_agree_agenda_action_with_a_reason_agrees_it_as_an_override_in_the_history(
    ops_client, operations_manager
):
    draft = WorkshopFactory(status=Workshop.Status.DRAFT)
    AgendaItemFactory(workshop=draft)

    act(
        ops_client,
        "workshops_workshop",
        "agree_agenda",
        [draft],
        override_reason="The chair is on leave until after the workshop.",
    )

    draft.refresh_from_db()
    assert draft.status == Workshop.Status.AGENDA_AGREED
    change = draft.changes.first()
    assert change.changed_by == operations_manager
    assert change.summary.startswith(
        "Agreed the agenda by the programme operations manager's override"
    )
    assert change.summary.endswith("Reason: The chair is on leave until after the workshop.")


def test_the_workshop_form_leaves_the_status_to_the_actions(ops_client, director_a):
    workshop = WorkshopFactory()
    BookingFactory(workshop=workshop, person=director_a)

    post_change_form(ops_client, workshop, status=Workshop.Status.CANCELLED)

    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.OPEN


def test_a_capacity_changed_in_the_admin_is_in_the_history_and_tells_nobody(
    ops_client, operations_manager
):
    workshop = WorkshopFactory(capacity=60)

    post_change_form(ops_client, workshop, capacity=80)

    change = WorkshopChange.objects.get(workshop=workshop)
    assert change.summary == "Changed the capacity."
    assert change.fields == [
        {"field": "capacity", "label": "Capacity", "before": "60", "after": "80"}
    ]
    assert (change.changed_by, change.after_agreement) == (operations_manager, False)


def test_a_public_workshops_description_changed_in_the_admin_tells_the_people_booked(
    ops_client,
):
    workshop = WorkshopFactory(description="Before.")

    post_change_form(ops_client, workshop, description="After.")

    assert WorkshopChange.objects.get(workshop=workshop).after_agreement


def test_an_agenda_item_added_in_the_workshop_form_is_in_the_history(ops_client):
    workshop = WorkshopFactory(status=Workshop.Status.DRAFT)
    url = reverse("admin:workshops_workshop_change", args=[workshop.pk])
    data = form_data(ops_client.get(url))
    data.update(
        {
            "agenda_items-TOTAL_FORMS": "1",
            "agenda_items-0-start_time": "10:30",
            "agenda_items-0-title": "Welcome",
        }
    )

    assert ops_client.post(url, data).status_code == 302

    change = WorkshopChange.objects.get(workshop=workshop)
    assert change.summary == "Added “Welcome” to the agenda."


def test_an_agenda_item_changed_on_its_own_page_is_in_the_history(ops_client):
    item = AgendaItemFactory(title="Welcome")

    post_change_form(ops_client, item, title="Welcome and introductions")

    change = WorkshopChange.objects.get(workshop=item.workshop)
    assert change.fields[0] == {
        "field": "title",
        "label": "Title",
        "before": "Welcome",
        "after": "Welcome and introductions",
    }


# Bookings --------------------------------------------------------------------------


def test_reject_action_cancels_a_booking_awaiting_approval(ops_client, trust_a):
    person = UserFactory(trust=trust_a, seniority=Seniority.OTHER)
    booking = rules.book_place(workshop=WorkshopFactory(), person=person, booked_by=person)

    act(ops_client, "workshops_booking", "reject", [booking])

    booking.refresh_from_db()
    assert booking.cancellation_reason == CancellationReason.NOT_APPROVED


def test_offer_free_places_action_offers_a_free_place_to_the_first_waiting(
    ops_client, director_a, director_b
):
    workshop = WorkshopFactory(capacity=1)
    first = BookingFactory(workshop=workshop, person=director_a, status=BookingStatus.WAITING)
    BookingFactory(workshop=workshop, person=director_b, status=BookingStatus.WAITING)

    act(ops_client, "workshops_booking", "offer_free_places", [first])

    assert list(workshop.bookings.filter(status=BookingStatus.OFFERED)) == [first]


def test_mark_attended_action_records_who_came_to_a_held_workshop(ops_client, held, director_a):
    booking = BookingFactory(workshop=held, person=director_a)

    act(ops_client, "workshops_booking", "mark_attended", [booking])

    booking.refresh_from_db()
    assert booking.attended is True


def test_mark_not_attended_action_records_who_did_not_come(ops_client, held, director_a):
    booking = BookingFactory(workshop=held, person=director_a, attended=True)

    act(ops_client, "workshops_booking", "mark_not_attended", [booking])

    booking.refresh_from_db()
    assert booking.attended is False


def test_attendance_waits_until_the_workshop_has_taken_place(ops_client, director_a):
    booking = BookingFactory(person=director_a)

    response = act(ops_client, "workshops_booking", "mark_attended", [booking])

    booking.refresh_from_db()
    assert booking.attended is None
    assert "1 booking(s) left as they were" in response.content.decode()


def test_attendance_is_recorded_only_for_confirmed_places(held, director_a, director_b):
    waiting = BookingFactory(workshop=held, person=director_a, status=BookingStatus.WAITING)
    confirmed = BookingFactory(workshop=held, person=director_b)

    recorded = rules.record_attendance(bookings=Booking.objects.all(), attended=True, by=None)

    assert recorded == 1
    assert list(Booking.objects.filter(attended=True)) == [confirmed]
    waiting.refresh_from_db()
    assert waiting.attended is None


def test_a_workshop_day_in_the_past_counts_as_taken_place_for_attendance(director_a):
    closed = WorkshopFactory(date=LAST_WEEK, status=Workshop.Status.CLOSED)
    booking = BookingFactory(workshop=closed, person=director_a)

    assert rules.record_attendance(bookings=Booking.objects.all(), attended=True, by=None) == 1
    booking.refresh_from_db()
    assert booking.attended is True


def test_the_booking_form_leaves_status_and_attendance_to_the_actions(ops_client, held, director_a):
    booking = BookingFactory(workshop=held, person=director_a)

    post_change_form(ops_client, booking, status=BookingStatus.CANCELLED, attended="true")

    booking.refresh_from_db()
    assert (booking.status, booking.attended) == (BookingStatus.CONFIRMED, None)


# Invitations -----------------------------------------------------------------------


@pytest.fixture
def stakeholder(db):
    return UserFactory(functional_area="", stakeholder_body=StakeholderBodyFactory())


@pytest.fixture
def unsent_invitation(stakeholder):
    """An invitation to an open workshop whose e-mail has not gone out: it was made
    before the workshop opened, and expired at the time."""
    workshop = WorkshopFactory(status=Workshop.Status.AGENDA_AGREED)
    invitation = InvitationFactory(workshop=workshop, person=stakeholder)
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.OPEN)
    return invitation


def test_send_invitation_email_action_sends_the_booking_link(
    ops_client, unsent_invitation, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(ops_client, "workshops_invitation", "send_invitation_email", [unsent_invitation])

    (message,) = mailoutbox
    assert message.to == [unsent_invitation.person.email]
    assert unsent_invitation.get_absolute_url() in message.body


def test_send_invitation_email_action_never_sends_one_twice(
    ops_client, unsent_invitation, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = act(
                ops_client, "workshops_invitation", "send_invitation_email", [unsent_invitation]
            )

    assert len(mailoutbox) == 1
    assert "already sent, so not sent again" in response.content.decode()


def test_send_invitation_email_action_waits_for_the_workshop_to_open(ops_client, stakeholder):
    invitation = InvitationFactory(
        workshop=WorkshopFactory(status=Workshop.Status.AGENDA_AGREED), person=stakeholder
    )

    response = act(ops_client, "workshops_invitation", "send_invitation_email", [invitation])

    assert not OutgoingEmail.objects.exists()
    assert "it goes out when it opens" in response.content.decode()


# Resources -------------------------------------------------------------------------


def test_publish_action_publishes_resources(ops_client):
    resource = ResourceFactory(is_published=False)

    act(ops_client, "resources_resource", "publish", [resource])

    resource.refresh_from_db()
    assert resource.is_published


def test_unpublish_action_takes_resources_off_the_library(ops_client):
    resource = ResourceFactory(is_published=True)

    act(ops_client, "resources_resource", "unpublish", [resource])

    resource.refresh_from_db()
    assert not resource.is_published


# The steering group's records ------------------------------------------------------


def test_an_outcome_added_in_the_admin_is_recorded_in_the_history(
    ops_client, held, operations_manager
):
    response = ops_client.post(
        reverse("admin:workshops_outcome_add"),
        {"workshop": held.pk, "summary": "Agreed a network.", "actions": "Meet again"},
    )

    assert response.status_code == 302
    outcome = Outcome.objects.get(workshop=held)
    assert (outcome.summary, outcome.recorded_by) == ("Agreed a network.", operations_manager)
    assert WorkshopChange.objects.get(workshop=held).summary == "Recorded the outcome."


def test_an_outcome_cannot_be_added_for_a_workshop_still_to_come(ops_client):
    workshop = WorkshopFactory()

    response = ops_client.post(
        reverse("admin:workshops_outcome_add"), {"workshop": workshop.pk, "summary": "Too soon."}
    )

    assert agenda.NOT_TAKEN_PLACE in response.content.decode()
    assert not Outcome.objects.exists()


def test_the_workshop_history_cannot_be_changed_in_the_admin(ops_client):
    change = WorkshopChange.objects.create(workshop=WorkshopFactory(), summary="Closed booking.")
    url = reverse("admin:workshops_workshopchange_change", args=[change.pk])

    response = ops_client.post(url, {"summary": "Something else."})

    assert response.status_code == 403
    change.refresh_from_db()
    assert change.summary == "Closed booking."


def test_topic_proposals_list_their_supporters(ops_client, steering_member):
    proposal = TopicProposal.objects.create(
        title="Retaining newly qualified nurses", rationale="Leavers.", proposed_by=steering_member
    )
    for _ in range(2):
        TopicSupport.objects.create(proposal=proposal, person=UserFactory())

    page = ops_client.get(reverse("admin:workshops_topicproposal_changelist"))

    assert '<td class="field-support_count">2</td>' in page.content.decode()


# Trusts ----------------------------------------------------------------------------


def test_trust_list_counts_bookings_to_come_and_attendances(ops_client, trust_a, held):
    for _ in range(2):
        BookingFactory(person=UserFactory(trust=trust_a))
    BookingFactory(workshop=held, person=UserFactory(trust=trust_a), attended=True)

    page = ops_client.get(reverse("admin:trusts_trust_changelist")).content.decode()

    assert '<td class="field-upcoming_bookings">2</td>' in page
    assert '<td class="field-attended_count">1</td>' in page


def test_trust_page_lists_its_steering_group_members(ops_client, founding_trust, steering_member):
    UserFactory(trust=founding_trust, full_name="Not On It")

    page = ops_client.get(
        reverse("admin:trusts_trust_change", args=[founding_trust.pk])
    ).content.decode()

    assert steering_member.full_name in page
    assert "Not On It" not in page
