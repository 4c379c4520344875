"""Booking a colleague's place, and the booking form asking only what it needs.

A Trust's confirmed directors book colleagues from the workshop page, My bookings and My
Trust's bookings while the Trust has places free, also once they have a place themselves.
The form reveals the fields of the choice made (NHS.UK conditional radios), validates only
those, and shows every error in an NHS.UK error summary at the top of the page, each
linked to its field, the field marked.
"""

import re

import pytest
from django.urls import reverse

from collaborative.people.models import FunctionalArea, Seniority
from tests.factories import (
    BookingFactory,
    InvitationFactory,
    StakeholderBodyFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops.models import Booking, BookingStatus, Workshop

pytestmark = pytest.mark.django_db

NURSING = FunctionalArea.NURSING
HR = FunctionalArea.HR_WORKFORCE
OD = FunctionalArea.OD_TRAINING_EDUCATION
FOR_A_COLLEAGUE = "Book a place for a colleague"


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def book_url(workshop):
    return reverse("workshops:book", args=[workshop.slug])


def colleague_url(workshop):
    return f"{book_url(workshop)}?for=colleague"


def colleague_button(workshop):
    return f'href="{colleague_url(workshop)}" role="button" draggable="false">{FOR_A_COLLEAGUE}'


def error_links(response):
    """The error summary's items as (href, text); href is "" for an error with no field."""
    page = response.content.decode()
    summary = re.search(r'<div class="nhsuk-error-summary".*?</ul>', page, re.DOTALL).group()
    items = re.findall(r"<li>(.*?)</li>", summary, re.DOTALL)
    links = []
    for item in items:
        link = re.search(r'<a href="([^"]*)">(.*?)</a>', item, re.DOTALL)
        text = link.group(2) if link else item
        links.append((link.group(1) if link else "", " ".join(text.split())))
    return links


def form_group_of(response, field_id):
    """The NHS.UK form group that holds the input with this id."""
    page = response.content.decode()
    position = page.index(f'id="{field_id}"')
    return page[page.rindex('<div class="nhsuk-form-group', 0, position) : position]


@pytest.fixture
def workshop(db):
    return WorkshopFactory(capacity=10, title="How to grow a support workforce?")


@pytest.fixture
def own_booking(workshop, director_a):
    return BookingFactory(workshop=workshop, person=director_a, booked_by=director_a)


@pytest.fixture
def member_of_a(trust_a):
    """A colleague of Trust A below director level: books only their own place."""
    return UserFactory(
        email="manager@ta1.nhs.uk",
        full_name="Mo Manager",
        trust=trust_a,
        seniority=Seniority.OTHER,
        functional_area=HR,
    )


def fill_trusts_places(workshop, trust):
    Workshop.objects.filter(pk=workshop.pk).update(one_per_functional_area=False)
    for area in (NURSING, HR, OD):
        BookingFactory(
            workshop=workshop,
            person=UserFactory(trust=trust, functional_area=area),
            one_per_functional_area=False,
        )


LEE = {
    "full_name": "Lee Chan",
    "email": "lee.chan@ta1.nhs.uk",
    "seniority": Seniority.DIRECTOR,
    "functional_area": HR,
}


# The workshop page ---------------------------------------------------------------------


def test_a_director_without_a_place_is_offered_their_own_and_a_colleagues(
    client, workshop, director_a
):
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert f'href="{book_url(workshop)}" role="button" draggable="false">Book a place</a>' in page
    assert colleague_button(workshop) in page


def test_a_director_with_a_place_can_still_book_a_colleague_from_the_workshop_page(
    client, workshop, own_booking, director_a
):
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "View your booking" in page
    assert colleague_button(workshop) in page


def test_no_colleague_button_once_the_trusts_places_are_taken(
    client, workshop, director_a, trust_a
):
    fill_trusts_places(workshop, trust_a)
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "0 of your Trust's 3 places are free" in page
    assert FOR_A_COLLEAGUE not in page


def test_people_below_director_level_are_offered_no_colleague_button(client, workshop, member_of_a):
    client.force_login(member_of_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "Book a place</a>" in page
    assert FOR_A_COLLEAGUE not in page


def test_a_stakeholder_without_an_invitation_is_sent_to_ask_for_one_not_to_their_profile(
    client, workshop
):
    stakeholder = UserFactory(
        stakeholder_body=StakeholderBodyFactory(name="Health Education England"),
        functional_area="",
    )
    client.force_login(stakeholder)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "Go to your profile" not in page
    assert f'<a href="{reverse("contact")}">ask the programme operations manager for one</a>' in (
        page
    )


def test_a_stakeholder_with_an_invitation_is_still_sent_to_it(client, workshop):
    stakeholder = UserFactory(stakeholder_body=StakeholderBodyFactory(), functional_area="")
    invitation = InvitationFactory(workshop=workshop, person=stakeholder)
    client.force_login(stakeholder)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert f'<a href="{invitation.get_absolute_url()}">Book your place with your invitation' in (
        page
    )
    assert "ask the programme operations manager for one" not in page


# My bookings and My Trust's bookings -------------------------------------------------


@pytest.mark.parametrize("page_name", ["workshops:my_bookings", "workshops:trust_bookings"])
def test_a_director_books_a_colleague_from_their_bookings_pages(
    client, workshop, own_booking, director_a, page_name
):
    client.force_login(director_a)

    page = text_of(client.get(reverse(page_name)))

    assert (
        f'<a href="{colleague_url(workshop)}">{FOR_A_COLLEAGUE}'
        f'<span class="nhsuk-u-visually-hidden"> at {workshop.title}</span></a>'
    ) in page
    assert "2 of your Trust's 3 places are free" in page


@pytest.mark.parametrize("page_name", ["workshops:my_bookings", "workshops:trust_bookings"])
def test_the_bookings_pages_leave_out_workshops_where_the_trust_has_no_place_free(
    client, workshop, director_a, trust_a, page_name
):
    fill_trusts_places(workshop, trust_a)
    closed = WorkshopFactory(status=Workshop.Status.CLOSED)
    client.force_login(director_a)

    page = text_of(client.get(reverse(page_name)))

    assert colleague_url(workshop) not in page
    assert colleague_url(closed) not in page


def test_my_bookings_offers_no_colleague_booking_below_director_level(
    client, workshop, member_of_a
):
    client.force_login(member_of_a)

    page = text_of(client.get(reverse("workshops:my_bookings")))

    assert FOR_A_COLLEAGUE not in page


def test_my_trusts_bookings_leaves_cancelled_places_out_of_upcoming_workshops(
    client, workshop, director_a, trust_a
):
    BookingFactory(
        workshop=workshop,
        person=UserFactory(trust=trust_a, full_name="Cass Cancelled"),
        status=BookingStatus.CANCELLED,
        cancelled_at=workshop.starts_at,
    )
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:trust_bookings")))

    assert "Cass Cancelled" not in page


# The form: who the place is for --------------------------------------------------------


def test_the_colleague_link_opens_the_form_on_a_colleague(client, workshop, director_a):
    client.force_login(director_a)

    page = client.get(colleague_url(workshop)).content.decode()

    assert re.search(r'name="attendee" value="colleague"[^>]*checked', page)
    assert not re.search(r'name="attendee" value="myself"[^>]*checked', page)


def test_each_choice_reveals_its_own_fields_as_nhsuk_conditional_radios(
    client, workshop, director_a
):
    client.force_login(director_a)

    page = text_of(client.get(book_url(workshop)))

    assert re.search(
        r'value="myself" [^>]*data-aria-controls="conditional-id_attendee_0"[^>]*checked', page
    )
    assert '<div class="nhsuk-radios__conditional" id="conditional-id_attendee_0">' in page
    colleague = re.search(
        r'<div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" '
        r'id="conditional-id_attendee_1">(.*?)</div> </div> </fieldset>',
        page,
    ).group(1)
    assert 'name="full_name"' in colleague and 'name="email"' in colleague


def test_a_director_with_a_place_gets_a_form_for_a_colleague_only(
    client, workshop, own_booking, director_a
):
    client.force_login(director_a)

    page = text_of(client.get(book_url(workshop)))

    assert "<h1>" in page and "Book a place for a colleague </h1>" in page
    assert 'name="attendee"' not in page
    assert 'name="full_name"' in page


def test_a_director_with_a_place_books_a_colleague(
    client, workshop, own_booking, director_a, trust_a
):
    lee = UserFactory(email="lee.chan@ta1.nhs.uk", full_name="Lee Chan", trust=trust_a)
    client.force_login(director_a)

    response = client.post(book_url(workshop), LEE)

    booking = Booking.objects.get(person=lee)
    assert response.url == reverse("workshops:booking", args=[booking.pk])
    assert (booking.booked_by, booking.functional_area) == (director_a, HR)


def test_below_director_level_the_form_books_only_ones_own_place(client, workshop, member_of_a):
    client.force_login(member_of_a)

    page = client.get(book_url(workshop)).content.decode()

    assert 'name="attendee"' not in page
    assert 'name="email"' not in page


def test_below_director_level_colleague_answers_are_ignored_and_the_place_is_ones_own(
    client, workshop, member_of_a
):
    client.force_login(member_of_a)

    client.post(book_url(workshop), {"attendee": "colleague", **LEE})

    assert [booking.person for booking in Booking.objects.all()] == [member_of_a]


# The form: only what is needed, validated only when needed ------------------------------


def test_choosing_myself_ignores_whatever_is_in_the_colleague_fields(client, workshop, director_a):
    client.force_login(director_a)

    response = client.post(
        book_url(workshop), {"attendee": "myself", "email": "not an address", "full_name": ""}
    )

    assert response.status_code == 302
    assert Booking.objects.get().person == director_a


def test_a_colleagues_functional_area_is_required_and_not_called_optional(
    client, workshop, director_a
):
    client.force_login(director_a)
    data = {"attendee": "colleague", **LEE, "functional_area": ""}

    response = client.post(book_url(workshop), data)

    required = "Choose the functional area your colleague will represent"
    assert ("#id_functional_area_0", required) in error_links(response)
    assert "Functional area your colleague will represent (optional)" not in text_of(response)
    assert not Booking.objects.exists()


def test_ones_own_functional_area_is_required_when_the_profile_has_none(client, workshop, trust_a):
    person = UserFactory(trust=trust_a, functional_area="", seniority=Seniority.OTHER)
    client.force_login(person)

    response = client.post(book_url(workshop), {})

    assert error_links(response) == [
        ("#id_own_functional_area_0", "Choose the functional area you will represent")
    ]
    assert "Functional area you will represent (optional)" not in text_of(response)
    assert "nhsuk-form-group--error" in form_group_of(response, "id_own_functional_area_0")


def test_ones_own_functional_area_starts_from_the_profile(client, workshop, member_of_a):
    client.force_login(member_of_a)

    page = client.get(book_url(workshop)).content.decode()

    assert re.search(r'name="own_functional_area" value="hr_workforce"[^>]*checked', page)


# Error summaries: at the top, linked, the field marked -----------------------------------


def test_the_error_summary_comes_before_the_heading_and_the_intro(client, workshop, director_a):
    client.force_login(director_a)

    page = client.post(book_url(workshop), {"attendee": "colleague"}).content.decode()

    summary = page.index('class="nhsuk-error-summary"')
    assert summary < page.index("<h1>") < page.index("You can book a place for yourself")


def test_every_error_links_to_its_field(client, workshop, director_a):
    client.force_login(director_a)

    response = client.post(book_url(workshop), {"attendee": "colleague", "email": "nope"})

    assert error_links(response) == [
        ("#id_full_name", "Enter your colleague&#x27;s full name"),
        ("#id_email", "Enter an e-mail address in the correct format, like name@example.nhs.uk"),
        ("#id_seniority_0", "Choose your colleague&#x27;s seniority"),
        ("#id_functional_area_0", "Choose the functional area your colleague will represent"),
    ]


def test_not_choosing_who_the_place_is_for_links_to_the_first_radio(client, workshop, director_a):
    client.force_login(director_a)

    response = client.post(book_url(workshop), {})

    assert error_links(response) == [("#id_attendee_0", "Choose who the place is for")]
    assert "nhsuk-form-group--error" in form_group_of(response, "id_attendee_0")
    assert 'id="id_attendee-error"' in response.content.decode()


def test_a_functional_area_taken_is_shown_on_the_functional_area(
    client, workshop, director_a, trust_a
):
    BookingFactory(workshop=workshop, person=UserFactory(trust=trust_a, full_name="Nia Nurse"))
    client.force_login(director_a)

    response = client.post(book_url(workshop), {"attendee": "myself"})

    ((href, message),) = error_links(response)
    assert href == "#id_own_functional_area_0"
    assert message.startswith("Your Trust already has its Nursing representative")
    assert "nhsuk-form-group--error" in form_group_of(response, "id_own_functional_area_0")


def test_a_colleagues_area_taken_is_shown_on_their_functional_area(
    client, workshop, director_a, trust_a
):
    BookingFactory(workshop=workshop, person=UserFactory(trust=trust_a, functional_area=HR))
    client.force_login(director_a)

    response = client.post(book_url(workshop), {"attendee": "colleague", **LEE})

    ((href, message),) = error_links(response)
    assert href == "#id_functional_area_0"
    assert "already has its HR / Workforce representative" in message


def test_an_address_not_at_the_trust_is_shown_on_the_address(client, workshop, director_a):
    client.force_login(director_a)

    response = client.post(
        book_url(workshop), {"attendee": "colleague", **LEE, "email": "lee@gmail.com"}
    )

    ((href, message),) = error_links(response)
    assert href == "#id_email"
    assert message.startswith("lee@gmail.com is not an address at Avon Test NHS Trust")
    assert "nhsuk-input--error" in form_group_of(response, "id_email") + (
        re.search(r'<input[^>]*id="id_email"', response.content.decode()).group()
    )


def test_a_colleague_already_booked_for_another_trust_is_shown_on_their_address(
    client, workshop, director_a, trust_a, trust_b
):
    lee = UserFactory(email="lee.chan@ta1.nhs.uk", full_name="Lee Chan", trust=trust_b)
    BookingFactory(workshop=workshop, person=lee)
    lee.trust = trust_a  # moved to Trust A since, with a place of Trust B's
    lee.save()
    client.force_login(director_a)

    response = client.post(book_url(workshop), {"attendee": "colleague", **LEE})

    assert error_links(response) == [
        ("#id_email", "Lee Chan already has a booking for this workshop (Confirmed).")
    ]


def test_a_refusal_about_no_field_is_in_the_summary_without_a_link(
    client, workshop, director_a, trust_a
):
    fill_trusts_places(workshop, trust_a)
    client.force_login(director_a)

    response = client.post(book_url(workshop), {"attendee": "myself"})

    ((href, message),) = error_links(response)
    assert href == ""
    assert message.startswith("Your Trust already has all 3 of its places")


def test_a_full_workshop_with_one_place_says_its_only_place_is_taken(
    client, director_a, director_b
):
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(workshop=workshop, person=director_b)
    client.force_login(director_a)

    page = text_of(client.get(book_url(workshop)))

    assert "The workshop's only place is taken." in page
    assert "All 1 places" not in page


def test_giving_a_place_away_shows_refusals_at_the_top_on_the_field_they_are_about(
    client, own_booking, director_a
):
    client.force_login(director_a)

    response = client.post(
        reverse("workshops:change_attendee", args=[own_booking.pk]),
        {**LEE, "email": "lee@gmail.com"},
    )

    page = response.content.decode()
    ((href, message),) = error_links(response)
    assert href == "#id_email"
    assert message.startswith("lee@gmail.com is not an address at Avon Test NHS Trust")
    assert page.index('class="nhsuk-error-summary"') < page.index("<h1>")
    assert page.count('class="nhsuk-error-summary"') == 1
