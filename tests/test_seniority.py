"""Seniority somebody accountable confirms: director level is never self-declared.

A person states their seniority; director level counts once the programme
operations manager or a confirmed director of the same Trust confirms it
(trusts.services.confirm_seniority). One behaviour per test.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from collaborative.outbox.models import OutgoingEmail
from collaborative.people.models import FunctionalArea, Seniority, User
from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from tests.factories import BookingFactory, UserFactory, WorkshopFactory
from tests.queries import queries_to_get
from trusts import services as trust_services
from workshops import refusals
from workshops.booking import rules
from workshops.booking.colleagues import find_or_create_colleague
from workshops.models import BookingEvent, BookingStatus

pytestmark = pytest.mark.django_db

HR = FunctionalArea.HR_WORKFORCE
OD = FunctionalArea.OD_TRAINING_EDUCATION
PEOPLE = "/trusts/my-trust/people/"


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def error_summary(response):
    match = re.search(
        r'<div class="nhsuk-error-summary".*?</ul>', response.content.decode(), re.DOTALL
    )
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group())) if match else ""


def fresh(person):
    return User.objects.get(pk=person.pk)


@pytest.fixture
def ops(operations_manager):
    """The programme operations manager, with the role's permissions."""
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    return User.objects.get(pk=operations_manager.pk)


@pytest.fixture
def workshop(db):
    """A workshop for directors, open for booking."""
    return WorkshopFactory(title="How to grow a support workforce?", director_level_only=True)


@pytest.fixture
def nurse(trust_a):
    """A Band 5 nurse of Trust A, seniority Other, confirmed as such."""
    return UserFactory(
        email="nia.nurse@ta1.nhs.uk",
        full_name="Nia Nurse",
        job_title="Staff nurse (Band 5)",
        trust=trust_a,
        seniority=Seniority.OTHER,
        functional_area=HR,
    )


@pytest.fixture
def claimant(trust_a):
    """Someone of Trust A who states Director, not yet confirmed."""
    return UserFactory(
        email="lee.chan@ta1.nhs.uk",
        full_name="Lee Chan",
        trust=trust_a,
        seniority=Seniority.DIRECTOR,
        confirmed_seniority="",
        functional_area=HR,
    )


def change_profile_seniority(client, person, seniority):
    client.force_login(person)
    return client.post(
        "/profile/",
        {
            "full_name": person.full_name,
            "job_title": person.job_title,
            "seniority": seniority,
            "functional_area": person.functional_area,
        },
    )


# Stating a seniority on the profile ------------------------------------------


def test_a_band_5_nurse_who_changes_their_profile_to_director_is_still_held_for_approval(
    client, nurse, workshop
):
    change_profile_seniority(client, nurse, Seniority.DIRECTOR)

    booking = rules.book_place(workshop=workshop, person=fresh(nurse), booked_by=fresh(nurse))

    assert fresh(nurse).seniority == Seniority.DIRECTOR
    assert booking.status == BookingStatus.AWAITING_APPROVAL


def test_a_change_to_director_level_on_the_profile_says_it_waits_for_confirmation(client, nurse):
    response = change_profile_seniority(client, nurse, Seniority.DIRECTOR)

    assert messages_of(response) == [
        "Your details have been saved. Your seniority as Director is waiting for confirmation "
        "by the programme operations manager or a director of your Trust."
    ]


def test_the_profile_shows_a_seniority_waiting_for_confirmation(client, claimant):
    client.force_login(claimant)

    page = text_of(client.get("/profile/"))

    assert "Seniority</dt>" in page
    assert '<strong class="nhsuk-tag nhsuk-tag--orange">Waiting for confirmation</strong>' in page
    assert "By the programme operations manager or a director of your Trust." in page


def test_the_profile_shows_a_confirmed_seniority(client, director_a):
    client.force_login(director_a)

    page = text_of(client.get("/profile/"))

    assert 'Director <br><strong class="nhsuk-tag nhsuk-tag--green">Confirmed</strong>' in page


def test_the_profile_shows_the_saved_seniority_state_when_the_form_has_errors(client, nurse):
    client.force_login(nurse)

    response = client.post("/profile/", {"full_name": "", "seniority": Seniority.DIRECTOR})

    assert "Enter your full name" in error_summary(response)
    assert "Waiting for confirmation" not in text_of(response)


def test_someone_who_skipped_seniority_can_state_it_on_the_profile(client, trust_a):
    person = UserFactory(trust=trust_a, seniority="")
    client.force_login(person)

    page = client.get("/profile/").content.decode()
    change_profile_seniority(client, person, Seniority.EXECUTIVE_DIRECTOR)

    assert "Not stated: choose yours under Your details" in re.sub(r"\s+", " ", page)
    assert 'name="seniority" value=""' not in page
    assert fresh(person).seniority_awaits_confirmation


def test_the_profile_no_longer_says_the_seniority_decides_by_itself(client, nurse):
    client.force_login(nurse)

    page = text_of(client.get("/profile/"))

    assert "Director level counts once the programme operations manager or a director of your " in (
        page
    )


def test_lowering_ones_seniority_takes_effect_at_once(client, director_a, workshop):
    change_profile_seniority(client, director_a, Seniority.OTHER)

    booking = rules.book_place(
        workshop=workshop, person=fresh(director_a), booked_by=fresh(director_a)
    )

    assert not fresh(director_a).is_director_level
    assert booking.status == BookingStatus.AWAITING_APPROVAL


def test_stepping_back_up_to_director_waits_for_a_new_confirmation(client, director_a):
    change_profile_seniority(client, director_a, Seniority.OTHER)
    change_profile_seniority(client, director_a, Seniority.DIRECTOR)

    person = fresh(director_a)
    assert (person.is_director_level, person.seniority_awaits_confirmation) == (False, True)


# Who may confirm ------------------------------------------------------------------


def test_the_operations_manager_may_confirm(ops, claimant):
    assert trust_services.may_confirm_seniority(ops, claimant)


def test_staff_without_the_permission_to_change_people_may_not_confirm(
    operations_manager, claimant
):
    assert not trust_services.may_confirm_seniority(operations_manager, claimant)


def test_a_confirmed_director_of_the_same_trust_may_confirm(director_a, claimant):
    assert trust_services.may_confirm_seniority(director_a, claimant)


def test_a_confirmed_director_of_another_trust_may_not_confirm(director_b, claimant):
    assert not trust_services.may_confirm_seniority(director_b, claimant)


def test_an_unconfirmed_director_of_the_same_trust_may_not_confirm(trust_a, claimant):
    unconfirmed = UserFactory(trust=trust_a, confirmed_seniority="")

    assert not trust_services.may_confirm_seniority(unconfirmed, claimant)


def test_a_director_with_an_unverified_address_may_not_confirm(trust_a, claimant):
    unverified = UserFactory(trust=trust_a, verified=False)

    assert not trust_services.may_confirm_seniority(unverified, claimant)


def test_an_inactive_director_may_not_confirm(trust_a, claimant):
    assert not trust_services.may_confirm_seniority(
        UserFactory(trust=trust_a, is_active=False), claimant
    )


def test_nobody_confirms_their_own_seniority(ops, claimant):
    ops.trust, ops.confirmed_seniority = claimant.trust, ""
    ops.save()

    with pytest.raises(trust_services.SeniorityNotConfirmed) as refusal:
        trust_services.confirm_seniority(person=ops, confirmed_by=ops)

    assert refusal.value.message.startswith("You cannot confirm your own seniority")


def test_a_refused_confirmation_says_who_may_confirm_and_changes_nothing(director_b, claimant):
    with pytest.raises(trust_services.SeniorityNotConfirmed) as refusal:
        trust_services.confirm_seniority(person=claimant, confirmed_by=director_b)

    assert refusal.value.message == (
        "Only the programme operations manager or a confirmed director of Avon Test NHS Trust "
        "can confirm Lee Chan's seniority."
    )
    assert fresh(claimant).seniority_awaits_confirmation
    assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.SENIORITY_CONFIRMED).exists()


def test_only_a_director_level_seniority_is_confirmed(ops, nurse):
    with pytest.raises(trust_services.SeniorityNotConfirmed) as refusal:
        trust_services.confirm_seniority(person=nurse, confirmed_by=ops)

    assert refusal.value.message == (
        "Only a director-level seniority needs confirming: Nia Nurse's stated seniority is “Other”."
    )


# What confirming does --------------------------------------------------------------


def test_confirming_records_who_confirmed_and_when(ops, claimant):
    trust_services.confirm_seniority(person=claimant, confirmed_by=ops)

    claimant = fresh(claimant)
    assert (claimant.confirmed_seniority, claimant.seniority_confirmed_by) == (
        Seniority.DIRECTOR,
        ops,
    )
    assert timezone.now() - claimant.seniority_confirmed_at < datetime.timedelta(minutes=1)
    assert claimant.is_director_level


def test_the_operations_managers_confirmation_makes_new_bookings_confirmed_at_once(
    ops, claimant, workshop
):
    trust_services.confirm_seniority(person=claimant, confirmed_by=ops)

    booking = rules.book_place(workshop=workshop, person=claimant, booked_by=claimant)

    assert booking.status == BookingStatus.CONFIRMED


def test_confirming_approves_bookings_awaiting_approval_at_workshops_for_directors(
    ops, claimant, workshop
):
    waiting = rules.book_place(workshop=workshop, person=claimant, booked_by=claimant)

    result = trust_services.confirm_seniority(person=claimant, confirmed_by=ops)

    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.CONFIRMED
    assert result.approved == [waiting]
    event = waiting.events.get(action=BookingEvent.Action.APPROVED)
    assert event.actor == ops


def test_an_approval_the_rules_refuse_leaves_the_booking_awaiting_approval(
    ops, claimant, director_b, workshop
):
    waiting = rules.book_place(workshop=workshop, person=claimant, booked_by=claimant)
    # The capacity was cut below the places held since: the re-check refuses the approval.
    BookingFactory(workshop=workshop, person=director_b)
    workshop.capacity = 1
    workshop.save()

    result = trust_services.confirm_seniority(person=claimant, confirmed_by=ops)

    waiting.refresh_from_db()
    assert result.confirmed
    assert waiting.status == BookingStatus.AWAITING_APPROVAL
    assert result.still_waiting == [waiting]
    assert fresh(claimant).is_director_level


def test_bookings_at_past_workshops_are_left_as_they_are(ops, claimant):
    past = BookingFactory(
        workshop=WorkshopFactory(date=timezone.localdate() - datetime.timedelta(days=3)),
        person=claimant,
        status=BookingStatus.AWAITING_APPROVAL,
    )

    trust_services.confirm_seniority(person=claimant, confirmed_by=ops)

    past.refresh_from_db()
    assert past.status == BookingStatus.AWAITING_APPROVAL


def test_confirming_e_mails_the_person_once_the_transaction_commits(
    ops, claimant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        trust_services.confirm_seniority(person=claimant, confirmed_by=ops)

    [message] = mailoutbox
    assert message.to == ["lee.chan@ta1.nhs.uk"]
    assert message.subject == "Your role as Director is confirmed"
    assert "The programme operations manager has confirmed your seniority" in message.body
    assert "The programme operations manager has confirmed" in message.alternatives[0].content


def test_a_directors_confirmation_e_mail_names_them(
    director_a, claimant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        trust_services.confirm_seniority(person=claimant, confirmed_by=director_a)

    assert "Jane Smith, a director of Avon Test NHS Trust, has confirmed" in mailoutbox[0].body


def test_confirming_twice_changes_nothing_and_e_mails_once(ops, director_a, claimant):
    first = trust_services.confirm_seniority(person=claimant, confirmed_by=ops)
    second = trust_services.confirm_seniority(person=claimant, confirmed_by=director_a)

    assert (first.confirmed, second.confirmed) == (True, False)
    assert fresh(claimant).seniority_confirmed_by == ops
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.SENIORITY_CONFIRMED).count() == 1


def test_a_new_director_level_role_after_a_confirmation_waits_for_a_new_one(
    client, director_a, workshop
):
    change_profile_seniority(client, director_a, Seniority.EXECUTIVE_DIRECTOR)

    person = fresh(director_a)
    assert person.seniority_awaits_confirmation
    assert person.confirmed_seniority == Seniority.DIRECTOR


# The reason a booking awaits approval ----------------------------------------------


def test_a_booking_awaiting_confirmation_of_the_role_says_so(claimant, workshop):
    booking = rules.book_place(workshop=workshop, person=claimant, booked_by=claimant)

    assert booking.approval_reason == (
        "This workshop is for directors, and Lee Chan's director-level role has not been "
        "confirmed yet by the programme operations manager or a director of Avon Test NHS Trust."
    )


def test_a_booking_below_director_level_says_so(nurse, workshop):
    booking = rules.book_place(workshop=workshop, person=nurse, booked_by=nurse)

    assert booking.approval_reason == (
        "This workshop is for directors, and Nia Nurse is not at director level."
    )


def test_a_booking_still_awaiting_approval_after_the_confirmation_says_it_is_being_checked(
    ops, claimant, director_b, workshop
):
    waiting = rules.book_place(workshop=workshop, person=claimant, booked_by=claimant)
    BookingFactory(workshop=workshop, person=director_b)
    workshop.capacity = 1
    workshop.save()
    trust_services.confirm_seniority(person=claimant, confirmed_by=ops)

    waiting.refresh_from_db()

    assert waiting.approval_reason == (
        "This workshop is for directors; Lee Chan's director-level role is confirmed, and the "
        "programme operations manager is checking the place."
    )


def test_a_confirmed_booking_has_no_approval_reason(director_a, workshop):
    booking = rules.book_place(workshop=workshop, person=director_a, booked_by=director_a)

    assert booking.approval_reason == ""


def test_the_booking_page_shows_the_attendee_why_their_place_awaits_approval(
    client, claimant, workshop
):
    booking = rules.book_place(workshop=workshop, person=claimant, booked_by=claimant)
    client.force_login(claimant)

    page = text_of(client.get(reverse("workshops:booking", args=[booking.pk])))

    assert "and your director-level role has not been confirmed yet" in page


def test_the_awaiting_approval_e_mail_gives_the_reason(
    nurse, workshop, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rules.book_place(workshop=workshop, person=nurse, booked_by=nurse)

    [message] = mailoutbox
    reason = "This workshop is for directors, and you are not at director level."
    assert reason in message.body
    assert reason in message.alternatives[0].content


# Colleagues booked by someone else ---------------------------------------------------


def add_colleague(booker, seniority, email="lee.chan@ta1.nhs.uk"):
    return find_or_create_colleague(
        booker=booker,
        email=email,
        full_name="Lee Chan",
        job_title="Director of Workforce",
        functional_area=HR,
        seniority=seniority,
    )


def test_a_director_booking_a_new_colleague_as_director_confirms_their_seniority(
    director_a, workshop
):
    person, _ = add_colleague(director_a, Seniority.DIRECTOR)

    booking = rules.book_place(workshop=workshop, person=person, booked_by=director_a)

    assert fresh(person).seniority_confirmed_by == director_a
    assert booking.status == BookingStatus.CONFIRMED


def test_a_non_director_booking_a_colleague_as_director_does_not_confirm_it(nurse, workshop):
    person, _ = add_colleague(nurse, Seniority.DIRECTOR)

    assert fresh(person).seniority_awaits_confirmation
    # Nor may a non-director book places for colleagues at all.
    with pytest.raises(refusals.NotAllowed, match="Only your Trust's directors"):
        rules.book_place(workshop=workshop, person=person, booked_by=nurse)


def test_a_director_booking_a_colleague_who_awaits_confirmation_confirms_it(
    director_a, claimant, workshop
):
    waiting = rules.book_place(workshop=workshop, person=claimant, booked_by=claimant)
    rules.cancel_booking(booking=waiting, by=claimant)

    person, created = add_colleague(director_a, Seniority.DIRECTOR)

    assert (person, created) == (claimant, False)
    assert fresh(claimant).is_director_level


def test_a_seniority_different_from_the_colleagues_own_is_not_forced_on_them(director_a, nurse):
    person, _ = add_colleague(director_a, Seniority.DIRECTOR, email=nurse.email)

    person = fresh(person)
    assert (person.seniority, person.is_director_level) == (Seniority.OTHER, False)


def test_a_colleague_who_stated_no_seniority_takes_the_bookers(director_a, trust_a):
    skipped = UserFactory(email="sky@ta1.nhs.uk", trust=trust_a, seniority="")

    add_colleague(director_a, Seniority.EXECUTIVE_DIRECTOR, email=skipped.email)

    skipped = fresh(skipped)
    assert (skipped.seniority, skipped.seniority_confirmed_by) == (
        Seniority.EXECUTIVE_DIRECTOR,
        director_a,
    )


def test_the_colleague_form_asks_their_seniority_as_required_radios(client, director_a, workshop):
    client.force_login(director_a)

    response = client.post(
        reverse("workshops:book", args=[workshop.slug]),
        {"attendee": "colleague", "full_name": "Lee Chan", "email": "lee.chan@ta1.nhs.uk"},
    )

    page = response.content.decode()
    assert "Choose your colleague&#x27;s seniority" in error_summary(response)
    assert re.search(r'<input type="radio" name="seniority" value="executive_director"', page)


def test_a_director_books_a_new_colleague_as_director_through_the_page(
    client, director_a, workshop
):
    client.force_login(director_a)

    client.post(
        reverse("workshops:book", args=[workshop.slug]),
        {
            "attendee": "colleague",
            "full_name": "Lee Chan",
            "email": "lee.chan@ta1.nhs.uk",
            "seniority": Seniority.DIRECTOR,
            "functional_area": HR,
        },
    )

    booking = workshop.bookings.get(person__email="lee.chan@ta1.nhs.uk")
    assert booking.status == BookingStatus.CONFIRMED


def test_giving_a_place_to_a_colleague_passes_their_seniority(client, director_a, workshop):
    booking = rules.book_place(workshop=workshop, person=director_a, booked_by=director_a)
    client.force_login(director_a)

    client.post(
        reverse("workshops:change_attendee", args=[booking.pk]),
        {
            "full_name": "Lee Chan",
            "email": "lee.chan@ta1.nhs.uk",
            "seniority": Seniority.DIRECTOR,
            "functional_area": HR,
        },
    )

    booking.refresh_from_db()
    assert booking.person.email == "lee.chan@ta1.nhs.uk"
    assert booking.status == BookingStatus.CONFIRMED


# The confirmed director's page ------------------------------------------------------


def test_the_page_is_at_my_trust_people():
    assert reverse("trusts:people") == PEOPLE


def test_the_page_lists_the_trusts_people_awaiting_confirmation(
    client, director_a, claimant, nurse, director_b, workshop
):
    rules.book_place(workshop=workshop, person=claimant, booked_by=claimant)
    UserFactory(trust=director_b.trust, confirmed_seniority="", full_name="Other Trust Person")
    client.force_login(director_a)

    page = text_of(client.get(PEOPLE))

    assert "Lee Chan, Director of Nursing" in page
    assert '<td class="nhsuk-table__cell">1</td>' in page
    assert "Nia Nurse" not in page
    assert "Other Trust Person" not in page
    assert 'Confirm<span class="nhsuk-u-visually-hidden"> Lee Chan as Director</span>' in page


def test_the_page_says_when_nobody_awaits_confirmation(client, director_a):
    client.force_login(director_a)

    page = text_of(client.get(PEOPLE))

    assert "Nobody at Avon Test NHS Trust is waiting for their seniority to be confirmed." in page


def test_the_page_lists_people_in_a_constant_number_of_queries(client, director_a, trust_a):
    client.force_login(director_a)
    client.get(PEOPLE)
    few, _ = queries_to_get(client, PEOPLE)
    for index in range(5):
        UserFactory(trust=trust_a, confirmed_seniority="", email=f"c{index}@ta1.nhs.uk")

    many, _ = queries_to_get(client, PEOPLE)

    assert many == few


@pytest.mark.parametrize(
    "who", ["unconfirmed", "not_director", "unverified", "staff_without_trust"]
)
def test_the_page_is_refused_to_anyone_not_a_confirmed_director(
    client, trust_a, operations_manager, who
):
    person = {
        "unconfirmed": lambda: UserFactory(trust=trust_a, confirmed_seniority=""),
        "not_director": lambda: UserFactory(trust=trust_a, seniority=Seniority.OTHER),
        "unverified": lambda: UserFactory(trust=trust_a, verified=False),
        "staff_without_trust": lambda: operations_manager,
    }[who]()
    client.force_login(person)

    assert client.get(PEOPLE).status_code == 403


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(PEOPLE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_director_confirms_a_colleague_with_the_button(client, director_a, claimant, workshop):
    waiting = rules.book_place(workshop=workshop, person=claimant, booked_by=claimant)
    client.force_login(director_a)

    response = client.post(reverse("trusts:confirm_seniority", args=[claimant.pk]))

    waiting.refresh_from_db()
    assert response.url == PEOPLE
    assert fresh(claimant).seniority_confirmed_by == director_a
    assert waiting.status == BookingStatus.CONFIRMED
    assert messages_of(response) == [
        "Lee Chan's role as Director is confirmed, and we have e-mailed them. Their place "
        "awaiting approval is now confirmed."
    ]


def test_the_confirmation_is_recorded_as_coming_from_the_page(
    client, director_a, claimant, workshop
):
    waiting = rules.book_place(workshop=workshop, person=claimant, booked_by=claimant)
    client.force_login(director_a)

    client.post(reverse("trusts:confirm_seniority", args=[claimant.pk]))

    event = waiting.events.get(action=BookingEvent.Action.APPROVED)
    assert event.door == "page trusts:confirm_seniority"


def test_the_confirm_button_only_posts(client, director_a, claimant):
    client.force_login(director_a)

    assert client.get(reverse("trusts:confirm_seniority", args=[claimant.pk])).status_code == 405


def test_a_director_of_another_trust_cannot_confirm_through_the_page(client, director_b, claimant):
    client.force_login(director_b)

    response = client.post(reverse("trusts:confirm_seniority", args=[claimant.pk]))

    assert response.status_code == 404
    assert fresh(claimant).seniority_awaits_confirmation


def test_an_unconfirmed_director_cannot_confirm_through_the_page(client, trust_a, claimant):
    client.force_login(UserFactory(trust=trust_a, confirmed_seniority=""))

    response = client.post(reverse("trusts:confirm_seniority", args=[claimant.pk]))

    assert response.status_code == 403
    assert fresh(claimant).seniority_awaits_confirmation


def test_the_confirm_button_needs_the_csrf_token(director_a, claimant):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(director_a)

    response = client.post(reverse("trusts:confirm_seniority", args=[claimant.pk]))

    assert response.status_code == 403
    assert fresh(claimant).seniority_awaits_confirmation


def test_my_trusts_bookings_links_to_the_page_when_someone_awaits_confirmation(
    client, director_a, claimant
):
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:trust_bookings")))

    assert "1 colleague is waiting for you to confirm their director-level role." in page
    assert f'<a href="{PEOPLE}">Confirm your colleagues\' seniority</a>' in page


def test_my_trusts_bookings_has_no_link_when_nobody_awaits_confirmation(client, director_a):
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:trust_bookings")))

    assert PEOPLE not in page


def test_my_trusts_bookings_has_no_link_for_someone_who_may_not_confirm(client, trust_a, claimant):
    client.force_login(UserFactory(trust=trust_a, seniority=Seniority.OTHER))

    page = text_of(client.get(reverse("workshops:trust_bookings")))

    assert PEOPLE not in page


# The admin ----------------------------------------------------------------------------


@pytest.fixture
def ops_client(client, ops):
    client.force_login(ops)
    return client


def confirm_in_admin(client, people):
    return client.post(
        reverse("admin:collaborative_user_changelist"),
        {"action": "confirm_stated_seniority", "_selected_action": [p.pk for p in people]},
        follow=True,
    )


def test_the_admin_action_confirms_and_approves(ops_client, ops, claimant, workshop):
    waiting = rules.book_place(workshop=workshop, person=claimant, booked_by=claimant)

    response = confirm_in_admin(ops_client, [claimant])

    waiting.refresh_from_db()
    assert fresh(claimant).seniority_confirmed_by == ops
    assert waiting.status == BookingStatus.CONFIRMED
    assert waiting.events.get(action=BookingEvent.Action.APPROVED).door == (
        "admin action confirm_stated_seniority"
    )
    assert messages_of(response) == [
        "Seniority confirmed for Lee Chan; 1 place(s) awaiting approval were approved."
    ]


def test_the_admin_action_shows_refusals_in_the_admin_messages(ops_client, nurse, ops):
    response = confirm_in_admin(ops_client, [nurse, ops])

    # The operations manager's own account has admin rights: actions leave it alone (issue 12).
    assert messages_of(response) == [
        "1 account(s) with admin rights were left unchanged: only a superuser changes them.",
        "Only a director-level seniority needs confirming: Nia Nurse's stated seniority is "
        "“Other”.",
    ]


def test_the_admin_filter_lists_people_awaiting_confirmation(ops_client, claimant, nurse):
    response = ops_client.get(
        reverse("admin:collaborative_user_changelist"), {"seniority_awaits_confirmation": "yes"}
    )

    assert list(response.context["cl"].result_list) == [claimant]


def test_the_admin_shows_the_confirmation_read_only(ops_client, director_a, ops):
    director_a.seniority_confirmed_by = ops
    director_a.save()

    response = ops_client.get(reverse("admin:collaborative_user_change", args=[director_a.pk]))

    form = response.context["adminform"].form
    assert not {"confirmed_seniority", "seniority_confirmed_by", "seniority_confirmed_at"} & set(
        form.fields
    )
    page = text_of(response)
    assert 'Seniority confirmed by:</label> <div class="readonly">' in page
    assert "Joanna Ops" in page


def test_the_admin_form_cannot_set_the_confirmation(ops_client, claimant):
    url = reverse("admin:collaborative_user_change", args=[claimant.pk])
    form = ops_client.get(url).context["adminform"].form
    data = {
        field.html_name: field.value()
        for field in form
        if field.value() not in (None, False) and not isinstance(field.value(), list)
    }
    joined = timezone.localtime(claimant.date_joined)
    data.update(
        is_active="on",
        date_joined_0=joined.strftime("%d/%m/%Y"),
        date_joined_1=joined.strftime("%H:%M:%S"),
        confirmed_seniority=Seniority.DIRECTOR,
        seniority_confirmed_at_0="01/01/2024",
        seniority_confirmed_at_1="10:00:00",
    )

    response = ops_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert fresh(claimant).seniority_awaits_confirmation
