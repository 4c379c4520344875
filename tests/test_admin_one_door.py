"""The admin keeps the rules: every form, inline and action that could break one goes
through the rule functions, and shows their refusals. Run as the operations manager."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from collaborative.outbox.models import OutgoingEmail
from collaborative.people.models import FunctionalArea, Seniority
from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from tests.factories import (
    AgendaItemFactory,
    BookingFactory,
    StakeholderBodyFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.test_admin_actions import act, form_data
from workshops.messages.content import about_booking
from workshops.models import (
    AgendaItem,
    Booking,
    BookingEvent,
    BookingStatus,
    CancellationReason,
    Invitation,
    Workshop,
    WorkshopChange,
)

pytestmark = pytest.mark.django_db
T = datetime.time
Kind = OutgoingEmail.Kind
BOOK = reverse("admin:workshops_booking_book_on_behalf")


@pytest.fixture
def ops_client(client, operations_manager):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    client.force_login(operations_manager)
    return client


def people_of(trust, count, **details):
    return [UserFactory(trust=trust, **details) for _ in range(count)]


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def post_form(client, obj, **changes):
    """Post the object's change form back with some changes; the response, not followed."""
    url = change_url(obj)
    data = form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def form_errors(response):
    return response.context["adminform"].form.errors


# Booking on someone's behalf ----------------------------------------------------------


@pytest.fixture
def full_with_waiting(trust_a, trust_b):
    """Capacity 2: two confirmed places and ten people waiting."""
    workshop = WorkshopFactory(capacity=2, places_per_trust=3, one_per_functional_area=False)
    for person in people_of(trust_a, 2):
        BookingFactory(workshop=workshop, person=person, one_per_functional_area=False)
    for person in people_of(trust_b, 10):
        BookingFactory(workshop=workshop, person=person, status=BookingStatus.WAITING)
    return workshop


def test_the_booking_admin_has_no_plain_add_form(ops_client):
    assert ops_client.get(reverse("admin:workshops_booking_add")).status_code == 403


def test_the_booking_list_offers_booking_on_someones_behalf(ops_client):
    page = ops_client.get(reverse("admin:workshops_booking_changelist")).content.decode()

    assert BOOK in page
    assert "Book a place on someone's behalf" in page


def test_a_place_booked_in_the_admin_at_a_full_workshop_goes_to_the_waiting_list(
    ops_client, operations_manager, full_with_waiting, trust_a
):
    person = UserFactory(trust=trust_a, functional_area=FunctionalArea.HR_WORKFORCE)

    response = ops_client.post(
        BOOK, {"workshop": full_with_waiting.pk, "person": person.pk}, follow=True
    )

    booking = Booking.objects.get(workshop=full_with_waiting, person=person)
    assert booking.status == BookingStatus.WAITING
    assert booking.waiting_position() == 11
    assert full_with_waiting.bookings.holding_a_place().count() == 2
    assert "is on its waiting list at position 11" in " ".join(messages_of(response))
    message = OutgoingEmail.objects.get(about=about_booking(booking.pk))
    assert (message.kind, message.recipient) == (Kind.WAITING_LIST, person)
    event = booking.events.get()
    assert (event.action, event.actor) == (BookingEvent.Action.BOOKED, operations_manager)
    assert event.door == "admin view “Book a place on someone's behalf”"


def test_a_place_booked_in_the_admin_is_confirmed_and_e_mailed_when_free(ops_client, director_a):
    workshop = WorkshopFactory()

    ops_client.post(BOOK, {"workshop": workshop.pk, "person": director_a.pk})

    booking = Booking.objects.get(person=director_a)
    assert (booking.status, booking.trust, booking.functional_area) == (
        BookingStatus.CONFIRMED,
        director_a.trust,
        FunctionalArea.NURSING,
    )
    assert OutgoingEmail.objects.get(about=about_booking(booking.pk)).kind == Kind.BOOKING_CONFIRMED


def test_a_place_booked_in_the_admin_below_director_level_waits_for_approval(ops_client, trust_a):
    person = UserFactory(trust=trust_a, seniority=Seniority.OTHER)

    ops_client.post(BOOK, {"workshop": WorkshopFactory().pk, "person": person.pk})

    assert Booking.objects.get(person=person).status == BookingStatus.AWAITING_APPROVAL


def test_a_stakeholder_can_be_booked_in_the_admin(ops_client):
    body = StakeholderBodyFactory()
    person = UserFactory(stakeholder_body=body, functional_area="")

    ops_client.post(BOOK, {"workshop": WorkshopFactory().pk, "person": person.pk})

    booking = Booking.objects.get(person=person)
    assert (booking.status, booking.stakeholder_body) == (BookingStatus.CONFIRMED, body)


def test_booking_beyond_a_trusts_places_is_refused_and_the_form_kept(ops_client, trust_a):
    workshop = WorkshopFactory(places_per_trust=1)
    BookingFactory(workshop=workshop, person=UserFactory(trust=trust_a, full_name="Ann Other"))
    person = UserFactory(trust=trust_a, functional_area=FunctionalArea.HR_WORKFORCE)

    response = ops_client.post(BOOK, {"workshop": workshop.pk, "person": person.pk})

    assert response.status_code == 200
    assert response.context["form"].data["person"] == str(person.pk)
    (message,) = messages_of(response)
    assert "Avon Test NHS Trust already has its only place" in message
    assert "Ann Other" in message
    assert not Booking.objects.filter(person=person).exists()


def test_a_second_place_in_one_functional_area_is_refused_in_the_admin(
    ops_client, trust_a, director_a
):
    workshop = WorkshopFactory()
    BookingFactory(workshop=workshop, person=director_a)
    nurse = UserFactory(trust=trust_a, functional_area=FunctionalArea.NURSING)

    response = ops_client.post(BOOK, {"workshop": workshop.pk, "person": nurse.pk})

    assert "already has its Nursing representative" in messages_of(response)[0]
    assert not Booking.objects.filter(person=nurse).exists()


def test_an_override_needs_a_reason(ops_client, trust_a):
    workshop = WorkshopFactory(places_per_trust=1)
    BookingFactory(workshop=workshop, person=UserFactory(trust=trust_a))
    person = UserFactory(trust=trust_a, functional_area=FunctionalArea.HR_WORKFORCE)

    response = ops_client.post(
        BOOK, {"workshop": workshop.pk, "person": person.pk, "override": "on"}
    )

    assert response.context["form"].errors == {
        "override_reason": ["Give the reason for booking beyond the Trust's places."]
    }
    assert not Booking.objects.filter(person=person).exists()


def test_an_override_with_its_reason_books_beyond_the_caps_and_is_in_the_audit_trail(
    ops_client, operations_manager, trust_a, director_a
):
    workshop = WorkshopFactory(places_per_trust=1)
    BookingFactory(workshop=workshop, person=director_a)
    second_nurse = UserFactory(trust=trust_a, functional_area=FunctionalArea.NURSING)

    ops_client.post(
        BOOK,
        {
            "workshop": workshop.pk,
            "person": second_nurse.pk,
            "override": "on",
            "override_reason": "Agreed by the steering group: host Trust.",
        },
    )

    booking = Booking.objects.get(person=second_nurse)
    assert booking.status == BookingStatus.CONFIRMED
    event = booking.events.get()
    assert (event.action, event.actor) == (
        BookingEvent.Action.BOOKED_BEYOND_CAPS,
        operations_manager,
    )
    assert event.data["reason"] == "Agreed by the steering group: host Trust."
    assert "already has its Nursing representative" in event.data["rule"]


def test_an_override_never_goes_beyond_capacity(ops_client, trust_a):
    workshop = WorkshopFactory(capacity=1, places_per_trust=1)
    BookingFactory(workshop=workshop, person=UserFactory(trust=trust_a))
    person = UserFactory(trust=trust_a, functional_area=FunctionalArea.HR_WORKFORCE)

    response = ops_client.post(
        BOOK,
        {
            "workshop": workshop.pk,
            "person": person.pk,
            "override": "on",
            "override_reason": "Host Trust.",
        },
    )

    assert "never beyond the workshop's capacity" in messages_of(response)[0]
    assert not Booking.objects.filter(person=person).exists()


def test_booking_in_the_admin_needs_permission_to_add_bookings(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(BOOK).status_code == 403


# A booking's own page ------------------------------------------------------------------


def test_the_booking_form_cannot_move_a_booking_to_a_full_workshop(ops_client, director_a):
    booking = BookingFactory(person=director_a)
    full = WorkshopFactory(capacity=0)

    post_form(ops_client, booking, workshop=full.pk, status=BookingStatus.OFFERED)

    booking.refresh_from_db()
    assert booking.workshop_id != full.pk
    assert booking.status == BookingStatus.CONFIRMED


def test_the_booking_page_has_nothing_to_save(ops_client, director_a):
    page = ops_client.get(change_url(BookingFactory(person=director_a))).content.decode()

    assert 'name="_save"' not in page


def test_bookings_cannot_be_deleted_in_the_admin(ops_client, director_a):
    booking = BookingFactory(person=director_a)

    response = ops_client.post(
        reverse("admin:workshops_booking_delete", args=[booking.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Booking.objects.filter(pk=booking.pk).exists()


# Moving a person to another workshop ---------------------------------------------------


def move(client, bookings, to_workshop):
    return act(
        client, "workshops_booking", "move_to_workshop", bookings, to_workshop=to_workshop.pk
    )


def test_the_move_action_asks_which_workshop(ops_client, director_a):
    booking = BookingFactory(person=director_a)
    other = WorkshopFactory(title="Retaining newly qualified nurses")

    page = act(ops_client, "workshops_booking", "move_to_workshop", [booking])

    assert page.templates[0].name == "admin/workshops/booking/move_bookings.html"
    assert "Retaining newly qualified nurses" in page.content.decode()
    assert Booking.objects.get(pk=booking.pk).workshop_id != other.pk


def test_a_move_gives_a_place_at_the_other_workshop_and_frees_this_one(
    ops_client, operations_manager, director_a, director_b
):
    source = WorkshopFactory(capacity=1)
    booking = BookingFactory(workshop=source, person=director_a)
    waiting = BookingFactory(workshop=source, person=director_b, status=BookingStatus.WAITING)
    target = WorkshopFactory()

    response = move(ops_client, [booking], target)

    moved = Booking.objects.get(workshop=target, person=director_a)
    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert (moved.status, booking.status, waiting.status) == (
        BookingStatus.CONFIRMED,
        BookingStatus.CANCELLED,
        BookingStatus.OFFERED,
    )
    assert "1 booking(s) moved to" in " ".join(messages_of(response))
    kinds = OutgoingEmail.objects.filter(recipient=director_a).values_list("kind", "about")
    assert set(kinds) == {
        (Kind.BOOKING_CANCELLED, about_booking(booking.pk)),
        (Kind.BOOKING_CONFIRMED, about_booking(moved.pk)),
    }
    assert [(event.action, event.data.get("to_booking")) for event in booking.events.all()] == [
        (BookingEvent.Action.MOVED, moved.pk)
    ]
    assert moved.events.get().data["from_booking"] == booking.pk


def test_a_move_to_a_full_workshop_is_refused(ops_client, director_a, director_b):
    booking = BookingFactory(person=director_a)
    full = WorkshopFactory(capacity=1, title="Full one")
    BookingFactory(workshop=full, person=director_b)

    response = move(ops_client, [booking], full)

    assert "“Full one” is full (1 place held)" in messages_of(response)[0]
    # Nothing moved, so the question is asked again with the choice kept.
    assert response.context["form"].data["to_workshop"] == str(full.pk)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert not full.bookings.filter(person=director_a).exists()


def test_a_move_beyond_the_trusts_places_is_refused(ops_client, trust_a, director_a):
    booking = BookingFactory(person=director_a)
    target = WorkshopFactory(places_per_trust=1)
    BookingFactory(
        workshop=target,
        person=UserFactory(trust=trust_a, functional_area=FunctionalArea.HR_WORKFORCE),
    )

    response = move(ops_client, [booking], target)

    assert "Avon Test NHS Trust already has its only place" in messages_of(response)[0]
    assert not target.bookings.filter(person=director_a).exists()


# The workshop form ---------------------------------------------------------------------


@pytest.fixture
def two_held(trust_a):
    """A workshop of capacity 4 where Trust A holds two places."""
    workshop = WorkshopFactory(capacity=4, one_per_functional_area=False)
    for person in people_of(trust_a, 2):
        BookingFactory(workshop=workshop, person=person, one_per_functional_area=False)
    return workshop


def test_capacity_below_the_places_held_is_refused_on_the_form(ops_client, two_held):
    response = post_form(ops_client, two_held, capacity=1)

    assert response.status_code == 200
    assert form_errors(response)["capacity"] == [
        "The capacity cannot be 1: 2 places are already held (confirmed, awaiting approval or "
        "offered). Choose 2 or more, or cancel bookings first."
    ]
    two_held.refresh_from_db()
    assert two_held.capacity == 4


def test_places_per_trust_below_what_a_trust_holds_are_refused_on_the_form(ops_client, two_held):
    response = post_form(ops_client, two_held, places_per_trust=1)

    assert form_errors(response)["places_per_trust"] == [
        "The places per Trust cannot be 1: Avon Test NHS Trust already holds 2 places. "
        "Choose 2 or more, or cancel its bookings first."
    ]


def test_one_place_per_area_cannot_be_turned_on_over_two_places_in_one_area(ops_client, two_held):
    response = post_form(ops_client, two_held, one_per_functional_area="on")

    assert "One place per functional area cannot be turned on" in str(form_errors(response))


def test_a_refused_workshop_form_changes_nothing_else(ops_client, two_held):
    post_form(ops_client, two_held, title="A new title", capacity=1)

    two_held.refresh_from_db()
    assert two_held.capacity == 4
    assert two_held.title != "A new title"
    assert not WorkshopChange.objects.filter(workshop=two_held).exists()


def test_more_capacity_offers_the_new_places_to_the_waiting_list(
    ops_client, director_a, director_b
):
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(workshop=workshop, person=director_a)
    waiting = BookingFactory(workshop=workshop, person=director_b, status=BookingStatus.WAITING)

    assert post_form(ops_client, workshop, capacity=2).status_code == 302

    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.OFFERED
    assert OutgoingEmail.objects.get(recipient=director_b).kind == Kind.PLACE_OFFERED


def test_a_new_time_in_the_workshop_form_tells_the_people_booked(ops_client, director_a):
    workshop = WorkshopFactory()
    BookingFactory(workshop=workshop, person=director_a)

    assert post_form(ops_client, workshop, start_time="11:00").status_code == 302

    message = OutgoingEmail.objects.get(recipient=director_a)
    assert message.kind == Kind.WORKSHOP_CHANGED
    assert message.context["changes"] == [
        {"label": "Start time", "before": "10:30am", "after": "11am"}
    ]


def test_a_workshop_that_has_taken_place_cannot_change_in_the_form(ops_client):
    held = WorkshopFactory(
        date=timezone.localdate() - datetime.timedelta(days=7), status=Workshop.Status.HELD
    )

    response = post_form(ops_client, held, title="Renamed afterwards")

    assert "already taken place" in str(form_errors(response))
    held.refresh_from_db()
    assert held.title != "Renamed afterwards"


def test_the_workshops_address_is_kept_once_made(ops_client):
    workshop = WorkshopFactory(slug="kept")

    post_form(ops_client, workshop, slug="changed")

    workshop.refresh_from_db()
    assert workshop.slug == "kept"


# Agenda items --------------------------------------------------------------------------


@pytest.fixture
def morning(db):
    """A 10:30 to 12:30 workshop with a welcome at 10:30."""
    workshop = WorkshopFactory(start_time=T(10, 30), end_time=T(12, 30))
    AgendaItemFactory(workshop=workshop, order=1, start_time=T(10, 30), title="Welcome")
    return workshop


REFUSED_TIME = "Start time must be while the workshop runs: from 10:30 and before it ends at 12:30."


def test_an_agenda_item_outside_the_workshops_time_is_refused_when_added(ops_client, morning):
    response = ops_client.post(
        reverse("admin:workshops_agendaitem_add"),
        {"workshop": morning.pk, "title": "Drinks", "start_time": "18:00"},
    )

    assert form_errors(response) == {"start_time": [REFUSED_TIME]}
    assert not AgendaItem.objects.filter(title="Drinks").exists()


def test_an_agenda_item_moved_outside_the_workshops_time_is_refused(ops_client, morning):
    item = morning.agenda_items.get()

    response = post_form(ops_client, item, start_time="18:00")

    assert form_errors(response) == {"start_time": [REFUSED_TIME]}
    item.refresh_from_db()
    assert item.start_time == T(10, 30)


def test_an_agenda_item_outside_the_workshops_time_is_refused_in_the_workshop_form(
    ops_client, morning
):
    url = change_url(morning)
    data = form_data(ops_client.get(url))
    data.update(
        {
            "agenda_items-TOTAL_FORMS": "2",
            "agenda_items-1-title": "Drinks",
            "agenda_items-1-start_time": "18:00",
        }
    )

    response = ops_client.post(url, data)

    (inline,) = [
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.formset.model is AgendaItem
    ]
    assert inline.formset.forms[1].errors == {"start_time": [REFUSED_TIME]}
    assert list(morning.agenda_items.values_list("title", flat=True)) == ["Welcome"]


def inline_post(client, workshop, **items):
    url = change_url(workshop)
    data = form_data(client.get(url))
    data.update({f"agenda_items-{name.replace('__', '-')}": value for name, value in items.items()})
    return client.post(url, data)


def test_an_agenda_item_added_in_the_workshop_form_takes_its_place_in_time(ops_client, morning):
    inline_post(
        ops_client, morning, TOTAL_FORMS="2", **{"1__title": "Keynote", "1__start_time": "11:00"}
    )

    assert list(morning.agenda_items.values_list("title", "order")) == [
        ("Welcome", 1),
        ("Keynote", 2),
    ]
    assert morning.changes.get().summary == "Added “Keynote” to the agenda."


def test_a_refused_agenda_item_in_the_workshop_form_leaves_the_others_unchanged(
    ops_client, morning
):
    inline_post(
        ops_client,
        morning,
        TOTAL_FORMS="2",
        **{"0__title": "Welcome and aims", "1__title": "Drinks", "1__start_time": "18:00"},
    )

    assert list(morning.agenda_items.values_list("title", flat=True)) == ["Welcome"]
    assert not morning.changes.exists()


def test_an_agenda_item_removed_in_the_admin_goes_through_the_agenda_rule(ops_client, morning):
    item = morning.agenda_items.get()

    act(ops_client, "workshops_agendaitem", "remove", [item])

    assert not morning.agenda_items.exists()
    assert morning.changes.get().summary == "Removed “Welcome” from the agenda."


def test_agenda_items_of_a_held_workshop_cannot_be_removed(ops_client):
    held = WorkshopFactory(
        date=timezone.localdate() - datetime.timedelta(days=7), status=Workshop.Status.HELD
    )
    item = AgendaItemFactory(workshop=held, title="Welcome")

    response = act(ops_client, "workshops_agendaitem", "remove", [item])

    assert "already taken place" in " ".join(messages_of(response))
    assert held.agenda_items.exists()


# Approval, cancellation and attendance actions -----------------------------------------


def test_the_confirm_action_shows_the_rules_refusal(ops_client, trust_a):
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(workshop=workshop, person=UserFactory(trust=trust_a))
    junior = UserFactory(
        trust=trust_a, seniority=Seniority.OTHER, functional_area=FunctionalArea.HR_WORKFORCE
    )
    awaiting = BookingFactory(
        workshop=workshop, person=junior, status=BookingStatus.AWAITING_APPROVAL
    )

    response = act(ops_client, "workshops_booking", "approve", [awaiting])

    awaiting.refresh_from_db()
    assert awaiting.status == BookingStatus.AWAITING_APPROVAL
    assert "cannot be confirmed" in " ".join(messages_of(response))
    assert not OutgoingEmail.objects.filter(about=about_booking(awaiting.pk)).exists()


def test_the_cancel_action_names_itself_in_the_audit_trail(
    ops_client, operations_manager, director_a
):
    booking = BookingFactory(person=director_a)

    act(ops_client, "workshops_booking", "cancel", [booking])

    event = booking.events.get()
    assert (event.action, event.actor) == (BookingEvent.Action.CANCELLED, operations_manager)
    assert event.door == (
        "admin action “Cancel selected bookings (freed places go to the waiting list)”"
    )


def test_attendance_recorded_in_the_admin_is_in_the_audit_trail(
    ops_client, operations_manager, director_a
):
    held = WorkshopFactory(
        date=timezone.localdate() - datetime.timedelta(days=7), status=Workshop.Status.HELD
    )
    booking = BookingFactory(workshop=held, person=director_a)

    act(ops_client, "workshops_booking", "mark_attended", [booking])

    event = booking.events.get()
    assert (event.action, event.actor, event.data) == (
        BookingEvent.Action.ATTENDANCE,
        operations_manager,
        {"attended": True},
    )


def test_the_cancel_workshop_action_ends_bookings_in_the_audit_trail(
    ops_client, operations_manager, director_a
):
    booking = BookingFactory(person=director_a)

    act(ops_client, "workshops_workshop", "cancel_workshop", [booking.workshop], confirmed="yes")

    booking.refresh_from_db()
    assert booking.cancellation_reason == CancellationReason.WORKSHOP_CANCELLED
    event = booking.events.get()
    assert (event.action, event.actor) == (
        BookingEvent.Action.WORKSHOP_CANCELLED,
        operations_manager,
    )


# Invitations ---------------------------------------------------------------------------


def test_an_invitation_for_someone_of_a_trust_is_refused_on_the_form(ops_client, director_a):
    workshop = WorkshopFactory()

    response = ops_client.post(
        reverse("admin:workshops_invitation_add"),
        {
            "workshop": workshop.pk,
            "person": director_a.pk,
            "expires_at_0": "2099-01-01",
            "expires_at_1": "12:00",
        },
    )

    assert "is not linked to a stakeholder body" in str(form_errors(response)["person"])
    assert not Invitation.objects.exists()


def test_an_invitation_made_in_the_admin_to_an_open_workshop_is_e_mailed(
    ops_client, operations_manager
):
    workshop = WorkshopFactory()
    person = UserFactory(stakeholder_body=StakeholderBodyFactory(), functional_area="")

    response = ops_client.post(
        reverse("admin:workshops_invitation_add"),
        {
            "workshop": workshop.pk,
            "person": person.pk,
            "expires_at_0": "2099-01-01",
            "expires_at_1": "12:00",
        },
    )

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.created_by == operations_manager
    assert OutgoingEmail.objects.get(recipient=person).kind == Kind.INVITATION


def test_the_book_on_behalf_page_searches_people_and_lists_open_workshops(ops_client):
    open_one = WorkshopFactory(title="Open for booking")
    WorkshopFactory(title="Still a draft", status=Workshop.Status.DRAFT)

    page = ops_client.get(BOOK).content.decode()

    assert 'data-model-name="booking"' in page and 'data-field-name="person"' in page
    assert f'<option value="{open_one.pk}">' in page
    assert "Still a draft" not in page


def test_a_workshop_added_in_the_admin_with_its_agenda_is_a_draft_with_both_in_its_history(
    ops_client,
):
    url = reverse("admin:workshops_workshop_add")
    data = form_data(ops_client.get(url))
    data.update(
        {
            "title": "Retaining newly qualified nurses",
            "slug": "retaining-nqns",
            "date": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
            "start_time": "10:30",
            "end_time": "12:30",
            "agenda_items-TOTAL_FORMS": "1",
            "agenda_items-0-title": "Welcome",
            "agenda_items-0-start_time": "10:30",
        }
    )

    assert ops_client.post(url, data).status_code == 302

    workshop = Workshop.objects.get(slug="retaining-nqns")
    assert workshop.status == Workshop.Status.DRAFT
    assert list(workshop.agenda_items.values_list("title", flat=True)) == ["Welcome"]
    assert list(workshop.changes.values_list("summary", flat=True)) == [
        "Added “Welcome” to the agenda.",
        "Added the workshop in the admin, as a draft.",
    ]


def test_the_booking_page_says_why_a_place_awaits_approval(ops_client, trust_a):
    junior = UserFactory(trust=trust_a, full_name="Pat Junior", seniority=Seniority.OTHER)
    booking = BookingFactory(person=junior, status=BookingStatus.AWAITING_APPROVAL)

    page = ops_client.get(change_url(booking)).content.decode()

    assert "This workshop is for directors, and Pat Junior is not at director level." in page
