"""The booking pages: each page for each role, what they show, and what a POST changes."""

import datetime
import re

import icalendar
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from collaborative.people.models import FunctionalArea, Seniority, User
from tests.factories import (
    BookingFactory,
    InvitationFactory,
    StakeholderBodyFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.queries import queries_to_get
from trusts.models import AffiliationRequest
from workshops.models import Booking, BookingStatus, CancellationReason, Workshop

pytestmark = pytest.mark.django_db

NURSING = FunctionalArea.NURSING
HR = FunctionalArea.HR_WORKFORCE
OD = FunctionalArea.OD_TRAINING_EDUCATION


def text_of(response):
    """The page's text with runs of white space folded, to match across template line breaks."""
    return re.sub(r"\s+", " ", response.content.decode())


def error_summary(response):
    """The text of the NHS.UK error summary, or "" if the page has none."""
    match = re.search(
        r'<div class="nhsuk-error-summary".*?</ul>', response.content.decode(), re.DOTALL
    )
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group())) if match else ""


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def colleague(trust, area=NURSING, **fields):
    return UserFactory(trust=trust, functional_area=area, **fields)


def offered(booking, hours=24):
    booking.status = BookingStatus.OFFERED
    booking.offer_expires_at = timezone.now() + datetime.timedelta(hours=hours)
    booking.save()
    return booking


def book_url(workshop):
    return reverse("workshops:book", args=[workshop.slug])


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


# Workshop page: the booking panel ---------------------------------------------


def test_visitors_see_no_booking_panel_and_are_asked_to_sign_in(client, workshop):
    page = text_of(client.get(workshop.get_absolute_url()))

    assert "Places left" not in page
    assert f'href="{reverse("account_login")}?next={workshop.get_absolute_url()}">sign in</a>' in (
        page
    )


def test_a_director_sees_the_places_left_and_is_offered_a_place(client, workshop, director_b):
    BookingFactory(workshop=workshop, person=colleague(director_b.trust))
    client.force_login(director_b)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert 'Places left</dt> <dd class="nhsuk-summary-list__value"> 9 of 10' in page
    assert f'href="{book_url(workshop)}" role="button" draggable="false">Book a place</a>' in page


def test_waiting_and_cancelled_bookings_leave_places_free(client, workshop, director_b):
    trust = director_b.trust
    BookingFactory(workshop=workshop, person=colleague(trust), status=BookingStatus.WAITING)
    BookingFactory(
        workshop=workshop,
        person=colleague(trust),
        status=BookingStatus.CANCELLED,
        cancelled_at=timezone.now(),
    )
    client.force_login(director_b)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "10 of 10" in page


def test_a_full_workshop_offers_the_waiting_list(client, director_a, director_b):
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(workshop=workshop, person=director_b)
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "None: new bookings join the waiting list" in page
    assert 'draggable="false">Join the waiting list</a>' in page


def test_a_person_holding_an_offer_is_asked_to_accept_or_decline_by_the_deadline(
    client, workshop, booking_a, director_a
):
    booking_a.status = BookingStatus.OFFERED
    booking_a.offer_expires_at = datetime.datetime(2030, 3, 5, 14, 0, tzinfo=datetime.UTC)
    booking_a.save()
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "Accept it by 5 March 2030, 14:00" in page
    assert (
        f'href="{reverse("workshops:offer", args=[booking_a.pk])}" role="button" '
        'draggable="false">Accept or decline your offer</a>'
    ) in page


def test_a_person_with_a_booking_is_linked_to_it(client, workshop, booking_a, director_a):
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert f'<a href="{reverse("workshops:booking", args=[booking_a.pk])}">View your booking' in (
        page
    )
    assert "Book a place</a>" not in page


def test_a_waiting_person_sees_their_position(client, director_a, director_b, trust_b):
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(workshop=workshop, person=colleague(trust_b))
    BookingFactory(workshop=workshop, person=director_b, status=BookingStatus.WAITING)
    BookingFactory(workshop=workshop, person=director_a, status=BookingStatus.WAITING)
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert 'On the waiting list</strong> <span class="nhsuk-body-s">Position 2</span>' in page


@pytest.mark.parametrize(
    ("role", "reason"),
    [
        ("unaffiliated", "Your account is not linked to a member Trust yet"),
        ("unverified", "Confirm your e-mail address before you book"),
    ],
    indirect=["role"],
)
def test_people_who_cannot_book_are_told_why_with_a_link_to_their_profile(
    client, workshop, role, reason
):
    client.force_login(role)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert reason in page
    assert f'<a href="{reverse("profile")}">Go to your profile</a>' in page
    assert "Book a place</a>" not in page


def test_people_awaiting_affiliation_are_told_so_on_the_workshop_page(
    client, workshop, unaffiliated, trust_a
):
    AffiliationRequest.objects.create(person=unaffiliated, trust=trust_a)
    client.force_login(unaffiliated)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "waiting for the programme operations manager&#x27;s approval" in page


def test_stakeholders_are_told_to_book_through_their_invitation(client, workshop, stakeholder):
    client.force_login(stakeholder)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "Stakeholder representatives book through the personal invitation" in page


def test_a_stakeholder_with_an_invitation_is_linked_to_it(client, workshop, stakeholder):
    invitation = InvitationFactory(workshop=workshop, person=stakeholder)
    client.force_login(stakeholder)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert f'<a href="{invitation.get_absolute_url()}">Book your place with your invitation' in (
        page
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"status": Workshop.Status.CLOSED}, "Booking for this workshop has closed."),
        ({"status": Workshop.Status.CANCELLED}, "This workshop has been cancelled"),
        ({"date": datetime.date(2020, 7, 2)}, "This workshop has already taken place."),
    ],
)
def test_a_workshop_not_open_for_booking_says_why(client, director_a, changes, reason):
    workshop = WorkshopFactory(**changes)
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert reason in page
    assert "Book a place</a>" not in page
    assert "Go to your profile" not in page


def test_the_trusts_places_show_who_holds_each_functional_area(
    client, workshop, booking_a, director_a, trust_a
):
    BookingFactory(
        workshop=workshop,
        person=colleague(trust_a, HR, full_name="Lee Chan"),
        status=BookingStatus.AWAITING_APPROVAL,
    )
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "Avon Test NHS Trust's places" in page
    nursing = re.search(r"Nursing</th>(.*?)</tr>", page).group(1)
    hr = re.search(r"HR / Workforce</th>(.*?)</tr>", page).group(1)
    od = re.search(r"Organisational Development / Training &amp; Education</th>(.*?)</tr>", page)
    assert "Jane Smith" in nursing and "Confirmed" in nursing
    assert "Lee Chan" in hr and "Awaiting approval" in hr
    assert "Free" in od.group(1)
    assert "1 of your Trust's 3 places is free" in page


def test_the_trusts_places_list_its_waiting_colleagues(client, director_a, trust_a, trust_b):
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(workshop=workshop, person=colleague(trust_b))
    BookingFactory(
        workshop=workshop,
        person=colleague(trust_a, OD, full_name="Olu Waiting"),
        status=BookingStatus.WAITING,
    )
    client.force_login(director_a)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert re.search(r"Olu Waiting</a> <strong[^>]*>On the waiting list", page)


def test_another_trusts_places_are_not_shown(client, workshop, booking_a, director_b):
    client.force_login(director_b)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "Bristol Test NHS Trust's places" in page
    assert "Jane Smith" not in page


def test_unverified_people_of_a_trust_do_not_see_its_places(
    client, workshop, booking_a, unverified
):
    client.force_login(unverified)

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "Jane Smith" not in page
    assert "places</caption>" not in page


def test_the_video_link_is_shown_to_a_confirmed_attendee(client, booking_a, director_a):
    client.force_login(director_a)

    page = client.get(booking_a.workshop.get_absolute_url()).content.decode()

    assert '<a href="https://meet.example.org/nmhwdc">Join the workshop by video</a>' in page


@pytest.mark.parametrize(
    "status", [BookingStatus.WAITING, BookingStatus.AWAITING_APPROVAL, BookingStatus.OFFERED]
)
def test_the_video_link_is_hidden_until_the_place_is_confirmed(
    client, booking_a, director_a, status
):
    booking_a.status = status
    booking_a.offer_expires_at = timezone.now() + datetime.timedelta(hours=1)
    booking_a.save()
    client.force_login(director_a)

    page = client.get(booking_a.workshop.get_absolute_url()).content.decode()

    assert "meet.example.org" not in page


def test_the_video_link_is_hidden_from_the_attendees_trust_colleagues(client, booking_a, trust_a):
    client.force_login(colleague(trust_a, HR))

    page = client.get(booking_a.workshop.get_absolute_url()).content.decode()

    assert "meet.example.org" not in page


def test_an_in_person_workshop_shows_its_venue_to_signed_in_people(client, director_a):
    workshop = WorkshopFactory(
        format=Workshop.Format.IN_PERSON, venue="Skipton House\n80 London Road", video_link=""
    )
    client.force_login(director_a)

    page = client.get(workshop.get_absolute_url()).content.decode()

    assert "Skipton House<br>80 London Road" in page


def _bookings_at(workshop, count, trust_a, director_a):
    """``count`` bookings: Jane waiting, two Trust A places, Trust A waiting and stakeholders."""
    BookingFactory(workshop=workshop, person=director_a, status=BookingStatus.WAITING)
    for index in range(1, count):
        if index <= 2:
            BookingFactory(workshop=workshop, person=colleague(trust_a, (HR, OD)[index - 1]))
        elif index % 2:
            person = colleague(trust_a, full_name=f"Waiting Colleague {index}")
            BookingFactory(workshop=workshop, person=person, status=BookingStatus.WAITING)
        else:
            person = UserFactory(stakeholder_body=StakeholderBodyFactory(), functional_area="")
            BookingFactory(
                workshop=workshop,
                person=person,
                trust=None,
                stakeholder_body=person.stakeholder_body,
            )


def test_the_workshop_page_takes_as_many_queries_for_100_bookings_as_for_1(
    client, trust_a, director_a
):
    workshop = WorkshopFactory(capacity=50)
    client.force_login(director_a)
    _bookings_at(workshop, 1, trust_a, director_a)
    with_one, _ = queries_to_get(client, workshop.get_absolute_url())

    Booking.objects.all().delete()
    _bookings_at(workshop, 100, trust_a, director_a)
    with_a_hundred, response = queries_to_get(client, workshop.get_absolute_url())

    assert workshop.bookings.count() == 100
    assert response.content.decode().count("Waiting Colleague") == 49
    assert with_a_hundred == with_one


# Booking a place -----------------------------------------------------------


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


# Who may see a booking ----------------------------------------------------------

BOOKING_PAGES = ["booking", "change_attendee", "cancel", "offer", "calendar"]


@pytest.mark.parametrize("url_name", BOOKING_PAGES)
def test_visitors_are_sent_to_sign_in_from_booking_pages(client, booking_a, url_name):
    url = reverse(f"workshops:{url_name}", args=[booking_a.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("url_name", BOOKING_PAGES)
@pytest.mark.parametrize("role", ["director_a", "colleague_a"], indirect=True)
def test_the_attendee_and_their_trusts_directors_see_a_booking(client, booking_a, url_name, role):
    client.force_login(role)

    response = client.get(reverse(f"workshops:{url_name}", args=[booking_a.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("url_name", BOOKING_PAGES)
@pytest.mark.parametrize(
    "role", ["director_b", "unaffiliated", "unverified", "stakeholder"], indirect=True
)
def test_anyone_else_is_told_a_booking_does_not_exist(client, booking_a, url_name, role):
    client.force_login(role)

    response = client.get(reverse(f"workshops:{url_name}", args=[booking_a.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["cancel", "accept_offer", "decline_offer", "change_attendee"])
def test_another_trusts_post_changes_nothing(client, booking_a, director_a, director_b, url_name):
    offered(booking_a)
    client.force_login(director_b)

    response = client.post(
        reverse(f"workshops:{url_name}", args=[booking_a.pk]),
        {"full_name": "Sam Patel", "email": director_b.email, "seniority": Seniority.DIRECTOR},
    )

    booking_a.refresh_from_db()
    assert response.status_code == 404
    assert (booking_a.status, booking_a.person) == (BookingStatus.OFFERED, director_a)


def test_staff_see_only_their_own_bookings_here(client, booking_a, operations_manager):
    client.force_login(operations_manager)

    response = client.get(reverse("workshops:booking", args=[booking_a.pk]))

    assert response.status_code == 404


def test_the_booking_page_shows_the_booking(client, booking_a, director_a):
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:booking", args=[booking_a.pk])))

    assert "Your booking" in page
    assert "How to grow a support workforce?" in page
    assert "Avon Test NHS Trust<br>Nursing" in page
    assert '<strong class="nhsuk-tag nhsuk-tag--green">Confirmed</strong>' in page
    assert reverse("workshops:calendar", args=[booking_a.pk]) in page


def test_a_trust_director_sees_a_colleagues_booking_without_its_video_link(
    client, booking_a, trust_a
):
    client.force_login(colleague(trust_a, HR))

    page = text_of(client.get(reverse("workshops:booking", args=[booking_a.pk])))

    assert "Booking for Jane Smith" in page
    assert "meet.example.org" not in page


def test_the_attendee_sees_the_video_link_on_their_confirmed_booking(client, booking_a, director_a):
    client.force_login(director_a)

    page = client.get(reverse("workshops:booking", args=[booking_a.pk])).content.decode()

    assert '<a href="https://meet.example.org/nmhwdc">Join the workshop by video</a>' in page


# Changing the attendee ---------------------------------------------------------


def test_a_place_can_be_given_to_a_colleague(client, booking_a, director_a, trust_a):
    lee = colleague(trust_a, HR, email="lee.chan@ta1.nhs.uk", full_name="Lee Chan")
    client.force_login(director_a)

    response = client.post(
        reverse("workshops:change_attendee", args=[booking_a.pk]),
        {
            "full_name": "Lee Chan",
            "email": "lee.chan@ta1.nhs.uk",
            "seniority": Seniority.DIRECTOR,
            "functional_area": HR,
        },
    )

    booking_a.refresh_from_db()
    assert response.url == reverse("workshops:booking", args=[booking_a.pk])
    assert (booking_a.person, booking_a.functional_area) == (lee, HR)
    assert messages_of(response) == ["Lee Chan now has this booking (confirmed)."]


def test_a_place_cannot_be_given_to_another_trusts_person(
    client, booking_a, director_a, director_b
):
    client.force_login(director_a)

    response = client.post(
        reverse("workshops:change_attendee", args=[booking_a.pk]),
        {"full_name": "Sam Patel", "email": director_b.email, "seniority": Seniority.DIRECTOR},
    )

    booking_a.refresh_from_db()
    assert "is not an address at Avon Test NHS Trust" in error_summary(response)
    assert booking_a.person == director_a


def test_changing_the_attendee_keeps_the_functional_area_rule(
    client, workshop, booking_a, director_a, trust_a
):
    BookingFactory(workshop=workshop, person=colleague(trust_a, HR, full_name="Lee Chan"))
    other = colleague(trust_a, HR, email="other@ta1.nhs.uk")
    client.force_login(director_a)

    response = client.post(
        reverse("workshops:change_attendee", args=[booking_a.pk]),
        {
            "full_name": "Other",
            "email": other.email,
            "seniority": Seniority.DIRECTOR,
            "functional_area": HR,
        },
    )

    assert "already has its HR / Workforce representative" in error_summary(response)


# Cancelling ------------------------------------------------------------


def test_the_cancel_page_asks_first_and_changes_nothing(client, booking_a, director_a):
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:cancel", args=[booking_a.pk])))

    booking_a.refresh_from_db()
    assert "Are you sure you want to cancel your booking?" in page
    assert booking_a.status == BookingStatus.CONFIRMED


def test_cancelling_frees_the_place_for_the_first_person_waiting(client, director_a, director_b):
    workshop = WorkshopFactory(capacity=1)
    mine = BookingFactory(workshop=workshop, person=director_a)
    waiting = BookingFactory(workshop=workshop, person=director_b, status=BookingStatus.WAITING)
    client.force_login(director_a)

    response = client.post(reverse("workshops:cancel", args=[mine.pk]))

    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert response.url == reverse("workshops:booking", args=[mine.pk])
    assert mine.status == BookingStatus.CANCELLED
    assert waiting.status == BookingStatus.OFFERED
    assert messages_of(response) == ["The booking for Jane Smith is cancelled."]


def test_a_trust_director_cancels_a_colleagues_booking(client, booking_a, trust_a):
    client.force_login(colleague(trust_a, HR))

    client.post(reverse("workshops:cancel", args=[booking_a.pk]))

    booking_a.refresh_from_db()
    assert booking_a.status == BookingStatus.CANCELLED


def test_a_cancel_post_without_the_csrf_token_is_refused(booking_a, director_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(director_a)

    response = client.post(reverse("workshops:cancel", args=[booking_a.pk]))

    booking_a.refresh_from_db()
    assert response.status_code == 403
    assert booking_a.status == BookingStatus.CONFIRMED


# Offers --------------------------------------------------------------------


def test_the_offer_page_shows_the_deadline(client, booking_a, director_a):
    booking_a.status = BookingStatus.OFFERED
    booking_a.offer_expires_at = datetime.datetime(2030, 7, 1, 9, 0, tzinfo=datetime.UTC)
    booking_a.save()
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:offer", args=[booking_a.pk])))

    assert "until <strong>1 July 2030, 10:00</strong> (UK time)" in page


@pytest.mark.parametrize("url_name", ["accept_offer", "decline_offer"])
def test_answering_an_offer_needs_a_post(client, booking_a, director_a, url_name):
    offered(booking_a)
    client.force_login(director_a)

    response = client.get(reverse(f"workshops:{url_name}", args=[booking_a.pk]))

    booking_a.refresh_from_db()
    assert response.status_code == 405
    assert booking_a.status == BookingStatus.OFFERED


def test_accepting_an_offer_confirms_the_place(client, booking_a, director_a):
    offered(booking_a)
    client.force_login(director_a)

    response = client.post(reverse("workshops:accept_offer", args=[booking_a.pk]))

    booking_a.refresh_from_db()
    assert response.url == reverse("workshops:booking", args=[booking_a.pk])
    assert booking_a.status == BookingStatus.CONFIRMED


def test_declining_an_offer_passes_it_on(client, director_a, director_b):
    workshop = WorkshopFactory(capacity=1)
    mine = offered(BookingFactory(workshop=workshop, person=director_a))
    nxt = BookingFactory(workshop=workshop, person=director_b, status=BookingStatus.WAITING)
    client.force_login(director_a)

    client.post(reverse("workshops:decline_offer", args=[mine.pk]))

    mine.refresh_from_db()
    nxt.refresh_from_db()
    assert mine.cancellation_reason == CancellationReason.OFFER_DECLINED
    assert nxt.status == BookingStatus.OFFERED


def test_an_expired_offer_cannot_be_accepted_and_says_so(client, booking_a, director_a):
    offered(booking_a, hours=-1)
    client.force_login(director_a)

    response = client.post(reverse("workshops:accept_offer", args=[booking_a.pk]))

    booking_a.refresh_from_db()
    assert response.status_code == 200
    assert "This offer is no longer open" in error_summary(response)
    assert booking_a.status == BookingStatus.OFFERED


# Calendar files ----------------------------------------------------------


def test_a_confirmed_booking_downloads_as_a_calendar_file(client, booking_a, director_a):
    client.force_login(director_a)

    response = client.get(reverse("workshops:calendar", args=[booking_a.pk]))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="nmhwdc-{booking_a.workshop.slug}.ics"'
    )
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["UID"]) == booking_a.calendar_uid
    assert str(event["URL"]) == "https://meet.example.org/nmhwdc"


@pytest.mark.parametrize(
    "status",
    [
        BookingStatus.WAITING,
        BookingStatus.AWAITING_APPROVAL,
        BookingStatus.OFFERED,
        BookingStatus.CANCELLED,
    ],
)
def test_only_confirmed_bookings_have_a_calendar_file(client, booking_a, director_a, status):
    booking_a.status = status
    booking_a.offer_expires_at = timezone.now() + datetime.timedelta(hours=1)
    booking_a.cancelled_at = timezone.now()
    booking_a.save()
    client.force_login(director_a)

    response = client.get(reverse("workshops:calendar", args=[booking_a.pk]))

    assert response.status_code == 404


# My bookings and my Trust's bookings ------------------------------------------


def test_my_bookings_lists_upcoming_and_past_with_their_status(client, director_a, director_b):
    full = WorkshopFactory(title="A full workshop", capacity=1)
    BookingFactory(workshop=full, person=director_b)
    BookingFactory(workshop=full, person=director_a, status=BookingStatus.WAITING)
    past = WorkshopFactory(title="Last year's workshop", date=datetime.date(2020, 7, 2))
    BookingFactory(workshop=past, person=director_a)
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:my_bookings")))

    upcoming, past_part = page.split("Past workshops</caption>")
    assert "A full workshop" in upcoming
    assert 'On the waiting list</strong> <span class="nhsuk-body-s">Position 1' in upcoming
    assert "Last year&#x27;s workshop" in past_part


def test_my_bookings_shows_an_offer_with_its_deadline(client, booking_a, director_a):
    booking_a.status = BookingStatus.OFFERED
    booking_a.offer_expires_at = datetime.datetime(2030, 1, 10, 16, 30, tzinfo=datetime.UTC)
    booking_a.save()
    client.force_login(director_a)

    page = text_of(client.get(reverse("workshops:my_bookings")))

    assert 'Place offered</strong> <span class="nhsuk-body-s">Accept by 10 January 2030, 16:30' in (
        page
    )


def test_my_bookings_leaves_out_colleagues_bookings(client, workshop, director_a, trust_a):
    BookingFactory(workshop=workshop, person=colleague(trust_a, HR, full_name="Lee Chan"))
    client.force_login(director_a)

    response = client.get(reverse("workshops:my_bookings"))

    assert response.context["upcoming"] == []


def test_my_trusts_bookings_lists_colleagues_and_not_other_trusts(
    client, workshop, booking_a, director_b, trust_a
):
    BookingFactory(workshop=workshop, person=colleague(trust_a, HR, full_name="Lee Chan"))
    BookingFactory(workshop=workshop, person=director_b)
    client.force_login(colleague(trust_a, OD))

    page = text_of(client.get(reverse("workshops:trust_bookings")))

    assert "Jane Smith" in page
    assert "Lee Chan" in page
    assert "Sam Patel" not in page


@pytest.mark.parametrize(
    ("role", "reason"),
    [
        ("unaffiliated", "Your account is not linked to a member Trust yet"),
        ("unverified", "Confirm your e-mail address"),
        ("stakeholder", "Stakeholder representatives book through the personal invitation"),
    ],
    indirect=["role"],
)
def test_my_trusts_bookings_tells_others_why_they_see_none(client, booking_a, role, reason):
    client.force_login(role)

    page = text_of(client.get(reverse("workshops:trust_bookings")))

    assert reason in page
    assert "Jane Smith" not in page


@pytest.mark.parametrize("url_name", ["my_bookings", "trust_bookings"])
def test_visitors_are_sent_to_sign_in_from_booking_lists(client, url_name):
    response = client.get(reverse(f"workshops:{url_name}"))

    assert response.url.startswith(reverse("account_login"))


def _trust_bookings(count, trust_a, director_a):
    """``count`` of Trust A's bookings in every status, at upcoming and past workshops."""
    upcoming = WorkshopFactory(capacity=1)
    past = WorkshopFactory(date=datetime.date(2020, 7, 2))
    BookingFactory(workshop=upcoming, person=director_a, status=BookingStatus.WAITING)
    now = timezone.now()
    statuses = [
        {"status": BookingStatus.CONFIRMED},
        {"status": BookingStatus.OFFERED, "offer_expires_at": now},
        {"status": BookingStatus.AWAITING_APPROVAL},
        {"status": BookingStatus.CANCELLED, "cancelled_at": now},
        {"status": BookingStatus.WAITING},
    ]
    for index in range(count - 1):
        BookingFactory(
            workshop=past if index % 2 else upcoming,
            person=colleague(trust_a, HR),
            booked_by=director_a,
            one_per_functional_area=False,
            **statuses[index % len(statuses)],
        )


def test_my_trusts_bookings_takes_as_many_queries_for_100_bookings_as_for_1(
    client, trust_a, director_a
):
    client.force_login(director_a)
    _trust_bookings(1, trust_a, director_a)
    with_one, _ = queries_to_get(client, reverse("workshops:trust_bookings"))

    Booking.objects.all().delete()
    _trust_bookings(100, trust_a, director_a)
    with_a_hundred, response = queries_to_get(client, reverse("workshops:trust_bookings"))

    shown = len(response.context["upcoming"]) + len(response.context["past"])
    assert shown == 80  # all but the cancelled ones
    assert with_a_hundred == with_one


def test_my_bookings_takes_as_many_queries_for_many_bookings_as_for_1(client, trust_a, director_a):
    client.force_login(director_a)
    BookingFactory(person=director_a, status=BookingStatus.WAITING)
    with_one, _ = queries_to_get(client, reverse("workshops:my_bookings"))

    for _ in range(20):
        BookingFactory(person=director_a, status=BookingStatus.WAITING)
        BookingFactory(person=director_a)
    with_many, _ = queries_to_get(client, reverse("workshops:my_bookings"))

    assert with_many == with_one


# Invitations -------------------------------------------------------------


@pytest.fixture
def invitation(workshop, stakeholder):
    return InvitationFactory(workshop=workshop, person=stakeholder)


def test_the_invitation_route_comes_before_workshop_pages(invitation):
    assert invitation.get_absolute_url() == f"/workshops/invitations/{invitation.token}/"


def test_visitors_are_sent_to_sign_in_from_an_invitation(client, invitation):
    response = client.get(invitation.get_absolute_url())

    assert response.url.startswith(reverse("account_login"))


def test_the_invitation_shows_the_workshop_and_a_button_to_book(client, invitation, stakeholder):
    client.force_login(stakeholder)

    page = text_of(client.get(invitation.get_absolute_url()))

    assert "How to grow a support workforce?" in page
    assert "Book my place</button>" in page


def test_booking_with_an_invitation_confirms_the_place(client, invitation, stakeholder):
    client.force_login(stakeholder)

    response = client.post(invitation.get_absolute_url())

    booking = Booking.objects.get()
    invitation.refresh_from_db()
    assert response.url == reverse("workshops:booking", args=[booking.pk])
    assert (booking.person, booking.status) == (stakeholder, BookingStatus.CONFIRMED)
    assert invitation.used_at is not None


def test_an_unknown_invitation_is_not_found(client, stakeholder):
    client.force_login(stakeholder)

    assert client.get("/workshops/invitations/no-such-token/").status_code == 404


def test_someone_elses_invitation_is_refused_clearly(client, invitation, director_a):
    client.force_login(director_a)

    for response in (
        client.get(invitation.get_absolute_url()),
        client.post(invitation.get_absolute_url()),
    ):
        page = response.content.decode()
        assert "This invitation is for someone else" in page
        assert "Book my place" not in page
    assert not invitation.workshop.bookings.exists()
    assert not Booking.objects.exists()


def test_an_expired_invitation_is_refused_clearly(client, workshop, stakeholder):
    invitation = InvitationFactory(
        workshop=workshop,
        person=stakeholder,
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    client.force_login(stakeholder)

    response = client.post(invitation.get_absolute_url())

    assert "This invitation has expired" in error_summary(response)


def test_a_used_invitation_links_to_the_booking(client, invitation, stakeholder):
    client.force_login(stakeholder)
    client.post(invitation.get_absolute_url())

    page = text_of(client.get(invitation.get_absolute_url()))

    assert "View your booking" in page
    assert "Book my place</button>" not in page


def test_cancelling_a_past_workshops_booking_says_why_and_changes_nothing(client, director_a):
    booking = BookingFactory(person=director_a, workshop__date=datetime.date(2022, 2, 28))
    client.force_login(director_a)
    response = client.post(reverse("workshops:cancel", args=[booking.pk]), follow=True)
    assert "already taken place" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
