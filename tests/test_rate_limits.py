"""The forms anyone can send are rate limited per client, with a clear 429 page."""

import re

import pytest
from django.urls import reverse

from collaborative.outbox.models import OutgoingEmail
from collaborative.site.models import ContactMessage
from trusts.models import MembershipRequest

pytestmark = pytest.mark.django_db

CONTACT = {
    "name": "Priya Shah",
    "email": "priya.shah@example.nhs.uk",
    "subject": "Joining the Collaborative",
    "message": "How does our Trust become a member?",
}
JOIN = {
    "trust_name": "Example Mental Health NHS Foundation Trust",
    "contact_name": "Priya Shah",
    "job_title": "Director of Workforce",
    "email": "priya.shah@example.nhs.uk",
}


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {"contact": (3, 600), "join": (2, 3600)}
    return settings.RATE_LIMITS


def post(client, page, data, address="198.51.100.7", **headers):
    return client.post(reverse(page), data, REMOTE_ADDR=address, headers=headers)


def test_contact_form_past_its_allowance_answers_429_and_keeps_nothing(client, limits):
    answers = [post(client, "contact", CONTACT).status_code for _ in range(5)]

    assert answers == [302, 302, 302, 429, 429]
    assert ContactMessage.objects.count() == 3
    assert OutgoingEmail.objects.count() == 3


def test_the_429_page_says_what_happened_and_when_to_try_again(client, limits):
    for _ in range(3):
        post(client, "contact", CONTACT)

    response = post(client, "contact", CONTACT)

    page = response.content.decode()
    assert response.status_code == 429
    assert "You have sent this form too many times" in page
    minutes = int(re.search(r"Try again in (\d+) minutes?\.", page)[1])
    assert 1 <= minutes <= 10
    assert 0 < int(response["Retry-After"]) <= 600


def test_the_contact_page_still_opens_for_a_client_past_its_allowance(client, limits):
    for _ in range(4):
        post(client, "contact", CONTACT)

    assert client.get(reverse("contact"), REMOTE_ADDR="198.51.100.7").status_code == 200


def test_invalid_sends_count_too(client, limits):
    answers = [post(client, "contact", {"name": "x"}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_each_client_has_its_own_allowance(client, limits):
    for _ in range(3):
        post(client, "contact", CONTACT, address="198.51.100.7")

    assert post(client, "contact", CONTACT, address="198.51.100.7").status_code == 429
    assert post(client, "contact", CONTACT, address="203.0.113.9").status_code == 302


def test_behind_a_proxy_the_client_is_told_by_the_forwarded_address(client, limits, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"

    for _ in range(3):
        post(client, "contact", CONTACT, address=proxy, x_forwarded_for="198.51.100.7")

    assert (
        post(client, "contact", CONTACT, address=proxy, x_forwarded_for="198.51.100.7").status_code
        == 429
    )
    assert (
        post(client, "contact", CONTACT, address=proxy, x_forwarded_for="203.0.113.9").status_code
        == 302
    )


def test_without_a_trusted_proxy_a_forwarded_address_is_not_believed(client, limits):
    """Otherwise anyone could send each form from a new made-up address."""
    answers = [
        post(client, "contact", CONTACT, x_forwarded_for=f"203.0.113.{n}").status_code
        for n in range(4)
    ]
    assert answers == [302, 302, 302, 429]


def test_request_to_join_past_its_allowance_answers_429(client, limits):
    answers = [post(client, "join", JOIN).status_code for _ in range(3)]

    assert answers == [302, 302, 429]
    assert MembershipRequest.objects.count() == 2


def test_each_form_has_its_own_allowance(client, limits):
    for _ in range(2):
        post(client, "join", JOIN)

    assert post(client, "contact", CONTACT).status_code == 302


def test_the_default_allowances(settings):
    assert settings.RATE_LIMITS == {"contact": (5, 600), "join": (5, 3600)}


def test_thirty_contact_sends_in_a_row_keep_five(client):
    """What issue 12 saw: 30 sends from one client were all kept and e-mailed."""
    answers = [post(client, "contact", CONTACT).status_code for _ in range(30)]

    assert answers.count(302) == 5
    assert answers.count(429) == 25
    assert ContactMessage.objects.count() == 5
