"""The profile page: a person's own details, and asking to be linked to an organisation."""

import re

import pytest
from django.urls import reverse

from collaborative.people.models import FunctionalArea, Seniority
from tests.factories import StakeholderBodyFactory, UserFactory
from trusts.models import AffiliationRequest

pytestmark = pytest.mark.django_db

PROFILE = "/profile/"


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def error_summary(response):
    match = re.search(
        r'<div class="nhsuk-error-summary".*?</ul>', response.content.decode(), re.DOTALL
    )
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group())) if match else ""


@pytest.fixture
def unaffiliated(db):
    return UserFactory(email="someone@example.org", full_name="Una Linked")


def test_the_profile_page_is_at_profile():
    assert reverse("profile") == PROFILE


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={PROFILE}"


def test_the_profile_shows_the_persons_trust(client, director_a):
    client.force_login(director_a)

    page = text_of(client.get(PROFILE))

    assert 'Organisation</dt> <dd class="nhsuk-summary-list__value"> Avon Test NHS Trust' in page


def test_the_profile_shows_a_stakeholder_body(client):
    person = UserFactory(
        stakeholder_body=StakeholderBodyFactory(name="NHS Employers"), functional_area=""
    )
    client.force_login(person)

    page = text_of(client.get(PROFILE))

    assert "NHS Employers (stakeholder body)" in page


def test_the_profile_says_when_the_person_is_not_linked(client, unaffiliated):
    client.force_login(unaffiliated)

    page = text_of(client.get(PROFILE))

    assert "Not linked to an organisation" in page


def test_the_profile_says_when_the_e_mail_address_is_not_confirmed(client, trust_a):
    client.force_login(UserFactory(trust=trust_a, verified=False))

    page = text_of(client.get(PROFILE))

    assert '<strong class="nhsuk-tag nhsuk-tag--orange">Not confirmed</strong>' in page
    assert "Confirm your e-mail address to book places" in page


def test_the_profile_form_shows_seniority_and_functional_area_as_radios(client, director_a):
    client.force_login(director_a)

    page = client.get(PROFILE).content.decode()

    assert re.search(r'<input type="radio" name="seniority" value="director"[^>]*checked', page)
    assert re.search(
        r'<input type="radio" name="functional_area" value="nursing"[^>]*checked', page
    )


def test_a_person_edits_their_details(client, director_a):
    client.force_login(director_a)

    response = client.post(
        PROFILE,
        {
            "full_name": "Jane Smith-Jones",
            "job_title": "Chief Nurse",
            "seniority": Seniority.EXECUTIVE_DIRECTOR,
            "functional_area": FunctionalArea.HR_WORKFORCE,
        },
    )

    director_a.refresh_from_db()
    assert response.url == PROFILE
    assert (
        director_a.full_name,
        director_a.job_title,
        director_a.seniority,
        director_a.functional_area,
    ) == ("Jane Smith-Jones", "Chief Nurse", "executive_director", "hr_workforce")


def test_the_profile_cannot_change_the_persons_trust_or_role(client, director_a, trust_a, trust_b):
    client.force_login(director_a)

    client.post(PROFILE, {"full_name": "Jane Smith", "trust": trust_b.pk, "is_staff": "on"})

    director_a.refresh_from_db()
    assert (director_a.trust, director_a.is_staff) == (trust_a, False)


def test_a_name_is_needed(client, director_a):
    client.force_login(director_a)

    response = client.post(PROFILE, {"full_name": ""})

    director_a.refresh_from_db()
    assert "Enter your full name" in error_summary(response)
    assert director_a.full_name == "Jane Smith"


def test_a_tampered_functional_area_is_refused(client, director_a):
    client.force_login(director_a)

    response = client.post(PROFILE, {"full_name": "Jane Smith", "functional_area": "chief"})

    director_a.refresh_from_db()
    assert "Select a valid choice" in error_summary(response)
    assert director_a.functional_area == FunctionalArea.NURSING


# Asking to be linked -------------------------------------------------------


def test_unaffiliated_people_are_offered_the_affiliation_request(client, unaffiliated, trust_a):
    client.force_login(unaffiliated)

    page = client.get(PROFILE).content.decode()

    assert f'action="{reverse("profile_affiliation")}"' in page
    assert f'<option value="{trust_a.pk}">Avon Test NHS Trust</option>' in page


def test_affiliated_people_are_not_offered_the_request(client, director_a):
    client.force_login(director_a)

    page = client.get(PROFILE).content.decode()

    assert reverse("profile_affiliation") not in page


def test_asking_to_be_linked_to_a_trust_makes_a_pending_request(client, unaffiliated, trust_a):
    client.force_login(unaffiliated)

    response = client.post(reverse("profile_affiliation"), {"trust": trust_a.pk})

    request = AffiliationRequest.objects.get()
    assert response.url == PROFILE
    assert (request.person, request.trust, request.status) == (
        unaffiliated,
        trust_a,
        AffiliationRequest.Status.PENDING,
    )


def test_asking_to_be_linked_to_a_stakeholder_body(client, unaffiliated):
    body = StakeholderBodyFactory(name="Skills for Health")
    client.force_login(unaffiliated)

    client.post(reverse("profile_affiliation"), {"stakeholder_body": body.pk})

    assert AffiliationRequest.objects.get().stakeholder_body == body


def test_a_pending_request_is_shown_with_its_status(client, unaffiliated, trust_a):
    client.force_login(unaffiliated)
    client.post(reverse("profile_affiliation"), {"trust": trust_a.pk})

    page = text_of(client.get(PROFILE))

    assert "you asked to be linked to Avon Test NHS Trust" in page
    assert '<strong class="nhsuk-tag nhsuk-tag--blue">Waiting for a decision</strong>' in page


def test_a_rejected_request_is_shown(client, unaffiliated, trust_a):
    AffiliationRequest.objects.create(
        person=unaffiliated, trust=trust_a, status=AffiliationRequest.Status.REJECTED
    )
    client.force_login(unaffiliated)

    page = text_of(client.get(PROFILE))

    assert "Your request to be linked to Avon Test NHS Trust was not approved" in page


def test_a_new_request_replaces_the_pending_one(client, unaffiliated, trust_a, trust_b):
    client.force_login(unaffiliated)
    client.post(reverse("profile_affiliation"), {"trust": trust_a.pk})

    client.post(reverse("profile_affiliation"), {"trust": trust_b.pk})

    assert list(AffiliationRequest.objects.values_list("trust", flat=True)) == [trust_b.pk]


def test_the_request_needs_one_organisation(client, unaffiliated):
    client.force_login(unaffiliated)

    response = client.post(reverse("profile_affiliation"), {})

    assert "Choose the Trust or the stakeholder body you represent" in error_summary(response)
    assert not AffiliationRequest.objects.exists()


def test_the_request_cannot_name_two_organisations(client, unaffiliated, trust_a):
    client.force_login(unaffiliated)

    response = client.post(
        reverse("profile_affiliation"),
        {"trust": trust_a.pk, "stakeholder_body": StakeholderBodyFactory().pk},
    )

    assert "Choose a Trust or a stakeholder body, not both" in error_summary(response)
    assert not AffiliationRequest.objects.exists()


def test_affiliated_people_cannot_ask_for_another_organisation(client, director_a, trust_b):
    client.force_login(director_a)

    response = client.post(reverse("profile_affiliation"), {"trust": trust_b.pk})

    assert response.status_code == 404
    assert not AffiliationRequest.objects.exists()


def test_the_request_needs_a_post(client, unaffiliated):
    client.force_login(unaffiliated)

    assert client.get(reverse("profile_affiliation")).status_code == 405


# The header ----------------------------------------------------------------


def test_the_header_links_signed_in_people_to_their_profile_and_bookings(client, director_a):
    client.force_login(director_a)

    page = client.get(reverse("home")).content.decode()

    assert f'<a class="nhsuk-header__account-link" href="{PROFILE}">' in page
    assert (
        f'<a class="nhsuk-header__account-link" href="{reverse("workshops:my_bookings")}">'
        "My bookings</a>"
    ) in page


def test_the_header_offers_visitors_no_profile_or_bookings(client):
    page = client.get(reverse("home")).content.decode()

    assert PROFILE not in page
    assert "My bookings" not in page


def test_a_person_turns_invitations_and_reminders_off_on_their_profile(client, director_a):
    client.force_login(director_a)
    page = client.get(reverse("profile")).content.decode()
    assert "E-mails from the portal" in page
    client.post(
        reverse("profile"),
        {
            "full_name": director_a.full_name,
            "job_title": director_a.job_title,
            "seniority": director_a.seniority,
            "functional_area": director_a.functional_area,
        },
    )
    director_a.refresh_from_db()
    assert (director_a.wants_invitations, director_a.wants_reminders) == (False, False)
