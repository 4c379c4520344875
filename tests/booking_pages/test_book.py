"""Booking a place: the form, and what each refusal says."""

import re

import pytest
from django.urls import reverse

from collaborative.people.models import Seniority, User
from tests.booking_pages.pages import (
    HR,
    NURSING,
    OD,
    book_url,
    colleague,
    error_summary,
    messages_of,
    text_of,
)
from tests.factories import BookingFactory, WorkshopFactory
from workshops.models import Booking, BookingStatus, Workshop

pytestmark = pytest.mark.django_db


def test_visitors_are_sent_to_sign_in_before_booking(client, workshop):
    response = client.get(book_url(workshop))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={book_url(workshop)}"


def test_an_unknown_workshop_has_no_booking_page(client, director_a):
    client.force_login(director_a)

    assert client.get("/workshops/no-such-workshop/book/").status_code == 404


def test_a_draft_workshop_has_no_booking_page(client, director_a):
    workshop = WorkshopFactory(status=Workshop.Status.DRAFT)
    client.force_login(director_a)

    assert client.get(book_url(workshop)).status_code == 404


def test_the_booking_form_starts_with_myself_and_my_own_functional_area(
    client, workshop, director_a
):
    client.force_login(director_a)

    page = client.get(book_url(workshop)).content.decode()

    assert re.search(r'<input type="radio" name="attendee" value="myself"[^>]*checked', page)
    assert re.search(
        r'<input type="radio" name="own_functional_area" value="nursing"[^>]*checked', page
    )
    assert 'name="csrfmiddlewaretoken"' in page


def test_people_who_cannot_book_see_why_instead_of_the_form(client, workshop, unaffiliated):
    client.force_login(unaffiliated)

    page = text_of(client.get(book_url(workshop)))

    assert "Your account is not linked to a member Trust yet" in page
    assert 'name="attendee"' not in page


def test_booking_for_myself_without_a_functional_area_uses_my_profile(client, workshop, director_a):
    client.force_login(director_a)

    response = client.post(book_url(workshop), {"attendee": "myself"})

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("workshops:booking", args=[booking.pk])
    assert (booking.person, booking.functional_area, booking.status) == (
        director_a,
        NURSING,
        BookingStatus.CONFIRMED,
    )


def test_a_confirmed_booking_says_so(client, workshop, director_a):
    client.force_login(director_a)

    response = client.post(book_url(workshop), {"attendee": "myself"})

    date = f"{workshop.date.day} {workshop.date:%B %Y}"
    assert messages_of(response) == [
        f"You have a confirmed place at “How to grow a support workforce?” on {date}."
    ]


def test_booking_a_full_workshop_joins_the_waiting_list_and_says_at_which_position(
    client, director_a, director_b
):
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(workshop=workshop, person=director_b)
    client.force_login(director_a)

    response = client.post(book_url(workshop), {"attendee": "myself"})

    assert response.status_code == 302
    assert Booking.objects.get(person=director_a).status == BookingStatus.WAITING
    assert "so you are on the waiting list at position 1." in messages_of(response)[0]


def test_a_booking_awaiting_approval_says_so(client, workshop, trust_a):
    manager = colleague(trust_a, HR, seniority=Seniority.OTHER)
    client.force_login(manager)

    response = client.post(book_url(workshop), {"attendee": "myself"})

    assert Booking.objects.get().status == BookingStatus.AWAITING_APPROVAL
    assert "Your place at “" in messages_of(response)[0]
    assert "is awaiting approval" in messages_of(response)[0]


def test_booking_for_myself_in_another_functional_area(client, workshop, director_a):
    client.force_login(director_a)

    client.post(book_url(workshop), {"attendee": "myself", "own_functional_area": HR})

    assert Booking.objects.get().functional_area == HR


def test_booking_for_an_existing_colleague_of_my_trust(client, workshop, director_a, trust_a):
    lee = colleague(trust_a, HR, email="lee.chan@ta1.nhs.uk", full_name="Lee Chan")
    client.force_login(director_a)

    response = client.post(
        book_url(workshop),
        {
            "attendee": "colleague",
            "full_name": "Lee Chan",
            "email": "lee.chan@ta1.nhs.uk",
            "seniority": Seniority.DIRECTOR,
            "functional_area": HR,
        },
    )

    booking = Booking.objects.get()
    assert (booking.person, booking.booked_by, booking.functional_area) == (lee, director_a, HR)
    assert messages_of(response)[0].startswith("Lee Chan has a confirmed place at")


def test_booking_for_a_new_colleague_creates_their_account_and_e_mails_them(
    client, workshop, director_a, trust_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(director_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            book_url(workshop),
            {
                "attendee": "colleague",
                "full_name": "Lee Chan",
                "email": "lee.chan@ta1.nhs.uk",
                "job_title": "Director of Workforce",
                "seniority": Seniority.DIRECTOR,
                "functional_area": HR,
            },
        )

    lee = User.objects.get(email="lee.chan@ta1.nhs.uk")
    assert (lee.trust, lee.functional_area, lee.has_usable_password()) == (trust_a, HR, False)
    assert Booking.objects.get().person == lee
    setup = [message for message in mailoutbox if "set up your account" in message.subject]
    assert [message.to for message in setup] == [["lee.chan@ta1.nhs.uk"]]
    # Besides Lee's own e-mails, the booker gets a copy of what Lee was told.
    copies = [message for message in mailoutbox if message.subject.startswith("Copy for you")]
    assert [message.to for message in copies] == [[director_a.email]]
    assert {message.to[0] for message in mailoutbox} - {director_a.email} == {"lee.chan@ta1.nhs.uk"}
    assert (
        "We have e-mailed lee.chan@ta1.nhs.uk a link to set up their account."
        in (messages_of(response)[0])
    )


def test_a_colleague_address_on_another_domain_is_refused_and_nothing_is_created(
    client, workshop, director_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(director_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            book_url(workshop),
            {
                "attendee": "colleague",
                "full_name": "Lee Chan",
                "email": "lee@gmail.com",
                "seniority": Seniority.DIRECTOR,
                "functional_area": HR,
            },
        )

    assert response.status_code == 200
    assert "lee@gmail.com is not an address at Avon Test NHS Trust" in error_summary(response)
    assert not User.objects.filter(email="lee@gmail.com").exists()
    assert not Booking.objects.exists()
    assert mailoutbox == []


def test_a_colleague_of_another_trust_is_refused(client, workshop, director_a, director_b):
    client.force_login(director_a)

    response = client.post(
        book_url(workshop),
        {
            "attendee": "colleague",
            "full_name": "Sam Patel",
            "email": director_b.email,
            "seniority": Seniority.DIRECTOR,
            "functional_area": HR,
        },
    )

    assert "director@tb1.nhs.uk is not an address at Avon Test NHS Trust" in (
        error_summary(response)
    )
    assert not Booking.objects.exists()


def test_a_refused_booking_for_a_new_colleague_leaves_no_account_and_no_e_mail(
    client, workshop, booking_a, director_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(director_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            book_url(workshop),
            {
                "attendee": "colleague",
                "full_name": "Nia Nurse",
                "email": "nia@ta1.nhs.uk",
                "seniority": Seniority.DIRECTOR,
                "functional_area": NURSING,
            },
        )

    assert "already has its Nursing representative" in error_summary(response)
    assert not User.objects.filter(email="nia@ta1.nhs.uk").exists()
    assert mailoutbox == []


def test_a_colleague_booking_needs_their_name_and_address(client, workshop, director_a):
    client.force_login(director_a)

    response = client.post(book_url(workshop), {"attendee": "colleague"})

    summary = error_summary(response)
    assert "Enter your colleague&#x27;s full name" in summary
    assert "Enter your colleague&#x27;s e-mail address" in summary
    assert not Booking.objects.exists()


def test_the_form_needs_to_know_who_the_place_is_for(client, workshop, director_a):
    client.force_login(director_a)

    response = client.post(book_url(workshop), {})

    assert "Choose who the place is for" in error_summary(response)


def _trust_full(workshop, trust_a, director_a):
    Workshop.objects.filter(pk=workshop.pk).update(one_per_functional_area=False)
    for _ in range(3):
        BookingFactory(
            workshop=workshop, person=colleague(trust_a, OD), one_per_functional_area=False
        )


def _nursing_taken(workshop, trust_a, director_a):
    BookingFactory(workshop=workshop, person=colleague(trust_a, NURSING, full_name="Nia Nurse"))


def _closed(workshop, trust_a, director_a):
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CLOSED)


def _lapsed(workshop, trust_a, director_a):
    trust_a.membership.is_active = False
    trust_a.membership.save()


def _unverified(workshop, trust_a, director_a):
    director_a.emailaddress_set.update(verified=False)


@pytest.mark.parametrize(
    ("situation", "data", "message"),
    [
        (_closed, {}, "Booking for this workshop has closed."),
        (_lapsed, {}, "Avon Test NHS Trust is not an active member of the Collaborative"),
        (_unverified, {}, "Confirm your e-mail address before you book"),
        (_nursing_taken, {}, "Your Trust already has its Nursing representative for this workshop"),
        (_trust_full, {}, "Your Trust already has all 3 of its places"),
        (
            lambda *args: None,
            {"own_functional_area": "chief_executive"},
            "Choose the functional area",
        ),
    ],
    ids=["closed", "lapsed", "unverified", "area-taken", "trust-full", "tampered-area"],
)
def test_each_refusal_is_shown_in_the_error_summary_and_books_nothing(
    client, workshop, director_a, trust_a, situation, data, message
):
    situation(workshop, trust_a, director_a)
    client.force_login(director_a)

    response = client.post(book_url(workshop), {"attendee": "myself", **data})

    assert response.status_code == 200
    assert message in error_summary(response).replace("&#x27;", "'")
    assert not Booking.objects.filter(person=director_a).exists()


def test_a_double_submit_makes_one_booking_and_shows_it(client, workshop, director_a):
    client.force_login(director_a)
    first = client.post(book_url(workshop), {"attendee": "myself"})

    second = client.post(book_url(workshop), {"attendee": "myself"})

    booking = Booking.objects.get()
    assert second.status_code == 302
    assert second.url == first.url == reverse("workshops:booking", args=[booking.pk])
    assert messages_of(second)[-1] == "You already have a booking for this workshop (Confirmed)."


def test_a_double_submit_for_a_new_colleague_makes_one_booking(
    client, workshop, director_a, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(director_a)
    data = {
        "attendee": "colleague",
        "full_name": "Lee Chan",
        "email": "lee.chan@ta1.nhs.uk",
        "seniority": Seniority.DIRECTOR,
        "functional_area": HR,
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(book_url(workshop), data)
        second = client.post(book_url(workshop), data)

    booking = Booking.objects.get()
    assert second.url == reverse("workshops:booking", args=[booking.pk])
    subjects = [message.subject for message in mailoutbox]
    # Account set-up, director level confirmed by the booker, the place: each once.
    assert len(subjects) == len(set(subjects))
    assert "Your role as Director is confirmed" in subjects


def test_booking_someone_already_booked_under_another_trust_is_an_error(
    client, workshop, director_a, trust_a, trust_b
):
    mover = colleague(trust_b, HR, email="mover@ta1.nhs.uk")
    BookingFactory(workshop=workshop, person=mover)
    User.objects.filter(pk=mover.pk).update(trust=trust_a)
    client.force_login(director_a)

    response = client.post(
        book_url(workshop),
        {
            "attendee": "colleague",
            "full_name": "Mo Ver",
            "email": "mover@ta1.nhs.uk",
            "seniority": Seniority.DIRECTOR,
            "functional_area": HR,
        },
    )

    assert response.status_code == 200
    assert "already has a booking for this workshop" in error_summary(response)
