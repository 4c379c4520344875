"""Signing in or up from any page brings people back to it, and so does confirming an address.

The header's "Sign in" and "Create an account" links carry ``?next=`` the page
they were on; allauth's pages keep the ``next`` they already carry. After
confirming an e-mail address (``ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION``) the
person is signed in and taken to that page, or to their profile.
"""

import re
from urllib.parse import quote, urlsplit

import pytest
from django.contrib.auth import get_user
from django.core.cache import cache
from django.urls import reverse

from tests.factories import UserFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

EMAIL = "alex.jones@example.org"
PASSWORD = "Workforce-planning-2024"


@pytest.fixture(autouse=True)
def _no_attempts_counted():
    cache.clear()


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="How to grow a support workforce?")


def header_link(response, text):
    """The href of the header's account link with this text."""
    header = re.search(r'<nav class="nhsuk-header__account".*?</nav>', response.text, re.DOTALL)
    found = re.search(rf'href="([^"]+)">{text}</a>', header.group())
    return found.group(1).replace("&amp;", "&")


def confirmation_link(mailoutbox):
    return urlsplit(re.search(r"https?://\S+", mailoutbox[-1].body).group()).path


def test_the_header_sign_in_link_keeps_the_page_it_is_on(client, workshop):
    response = client.get(workshop.get_absolute_url() + "?tab=agenda")

    assert header_link(response, "Sign in") == (
        f"{reverse('account_login')}?next={quote(workshop.get_absolute_url(), safe='')}"
        "%3Ftab%3Dagenda"
    )


def test_the_header_create_an_account_link_keeps_the_page_it_is_on(client, workshop):
    response = client.get(workshop.get_absolute_url())

    assert header_link(response, "Create an account") == (
        f"{reverse('account_signup')}?next={quote(workshop.get_absolute_url(), safe='')}"
    )


def test_on_the_sign_up_page_the_header_keeps_where_the_person_was_going(client, workshop):
    response = client.get(f"{reverse('account_signup')}?next={workshop.get_absolute_url()}")

    assert header_link(response, "Sign in") == (
        f"{reverse('account_login')}?next={quote(workshop.get_absolute_url(), safe='')}"
    )


def test_on_the_sign_in_page_without_a_next_the_header_links_to_plain_sign_in(client):
    response = client.get(reverse("account_login"))

    assert header_link(response, "Sign in") == reverse("account_login")


def test_signing_in_from_the_header_link_returns_to_the_page(client, workshop):
    UserFactory(email=EMAIL, password=PASSWORD)
    sign_in_url = header_link(client.get(workshop.get_absolute_url()), "Sign in")

    response = client.post(sign_in_url, {"login": EMAIL, "password": PASSWORD})

    assert response.url == workshop.get_absolute_url()


def test_confirming_an_address_signs_in_and_returns_to_the_page_sign_up_started_from(
    client, workshop, mailoutbox, django_capture_on_commit_callbacks
):
    sign_up_url = header_link(client.get(workshop.get_absolute_url()), "Create an account")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(sign_up_url, {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD})

    response = client.post(confirmation_link(mailoutbox))

    assert get_user(client).email == EMAIL
    assert response.url == workshop.get_absolute_url()


def test_confirming_an_address_without_a_page_to_return_to_opens_the_profile(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD},
        )

    response = client.post(confirmation_link(mailoutbox))

    assert get_user(client).email == EMAIL
    assert response.url == reverse("profile")


def test_from_the_home_page_sign_in_has_no_next_so_an_incomplete_profile_still_opens(client):
    response = client.get(reverse("home"))

    assert header_link(response, "Sign in") == reverse("account_login")
