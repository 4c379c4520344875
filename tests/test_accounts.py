"""Signing up, in and out, and resetting a password, on NHS.UK-styled allauth pages."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user
from django.core.cache import cache
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "alex.jones@example.org"
PASSWORD = "Workforce-planning-2024"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts attempts in the cache; start each test with none."""
    cache.clear()


def sign_up(client, password2=PASSWORD):
    return client.post(
        reverse("account_signup"),
        {"email": EMAIL, "password1": PASSWORD, "password2": password2},
    )


def sign_in(client, email=EMAIL, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def link_in(message):
    """The path of the one link in an e-mail's text."""
    return urlsplit(re.search(r"https?://\S+", message.body).group()).path


def test_sign_up_needs_a_confirmed_email_address_before_signing_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)
    assert response.url == reverse("account_email_verification_sent")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [EMAIL]

    response = sign_in(client)
    assert response.url == reverse("account_email_verification_sent")
    assert not get_user(client).is_authenticated

    confirm_url = link_in(mailoutbox[0])
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert "Confirm e-mail address" in page.text
    client.post(confirm_url)
    assert EmailAddress.objects.get(email=EMAIL).verified

    client.logout()
    response = sign_in(client)
    # The new account has no name, job title, seniority or functional area yet.
    assert response.url == reverse("profile")
    assert get_user(client).email == EMAIL


def test_password_reset_link_lets_the_person_choose_a_new_password(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email=EMAIL, password="the-old-password-9")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": EMAIL})
    assert response.url == reverse("account_reset_password_done")
    assert len(mailoutbox) == 1

    page = client.get(link_in(mailoutbox[0]), follow=True)
    assert "Choose a new password" in page.text
    set_password_url = page.redirect_chain[-1][0]
    response = client.post(set_password_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.url == reverse("account_reset_password_from_key_done")

    assert not get_user(client).is_authenticated
    assert sign_in(client, password="the-old-password-9").status_code == 200
    assert sign_in(client).url == reverse("home")


def test_sign_in_with_a_wrong_password_shows_the_error_summary(client):
    UserFactory(email=EMAIL, password=PASSWORD)

    response = sign_in(client, password="not-the-password")

    assert response.status_code == 200
    assert 'class="nhsuk-error-summary"' in response.text
    assert "There is a problem" in response.text
    assert re.search(r"<title>\s*Error: Sign in", response.text)
    assert not get_user(client).is_authenticated


def test_sign_up_with_different_passwords_marks_the_second_password(client, mailoutbox):
    response = sign_up(client, password2="Something-else-2024")
    html = response.text

    assert response.status_code == 200
    assert '<a href="#id_password2">' in html
    assert 'id="id_password2-error"' in html
    assert '<span class="nhsuk-u-visually-hidden">Error:</span>' in html
    assert re.search(r'class="nhsuk-form-group nhsuk-form-group--error[^"]*"', html)
    assert re.search(
        r'<input[^>]*aria-describedby="id_password2-error"[^>]*id="id_password2"', html
    )
    assert 'value="alex.jones@example.org"' in html
    assert mailoutbox == []


def test_sign_up_page_asks_trust_staff_for_their_work_address(client):
    response = client.get(reverse("account_signup"))

    assert "use your work e-mail address (the one ending in nhs.uk)" in response.text


ANONYMOUS_PAGES = [
    ("account_login", "Sign in"),
    ("account_signup", "Create an account"),
    ("account_reset_password", "Reset your password"),
    ("account_reset_password_done", "Check your e-mail"),
    ("account_email_verification_sent", "Check your e-mail"),
    ("account_reset_password_from_key_done", "Your password has been changed"),
    ("account_inactive", "This account is not active"),
]
SIGNED_IN_PAGES = [
    ("account_logout", "Sign out"),
    ("account_email", "Your e-mail addresses"),
    ("account_change_password", "Change your password"),
]


def heading(html):
    return " ".join(re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).split())


@pytest.mark.parametrize(("url_name", "title"), ANONYMOUS_PAGES)
def test_account_page_has_the_nhsuk_layout_and_a_plain_heading(client, url_name, title):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert 'class="nhsuk-header"' in response.text
    assert heading(response.text) == title


@pytest.mark.parametrize(("url_name", "title"), SIGNED_IN_PAGES)
def test_signed_in_account_page_has_the_nhsuk_layout(client, url_name, title):
    client.force_login(UserFactory())

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert 'class="nhsuk-header"' in response.text
    assert heading(response.text) == title


def test_expired_confirmation_link_says_so(client):
    response = client.get(reverse("account_confirm_email", args=["not-a-key"]))

    assert response.status_code == 200
    assert "This link has expired or has already been used." in response.text


@pytest.mark.parametrize("url_name", [name for name, _ in ANONYMOUS_PAGES])
def test_account_page_keeps_to_the_content_security_policy(client, url_name):
    html = client.get(reverse(url_name)).text

    assert " style=" not in html
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "nonce=" in script or " src=" in script
