"""allauth's pages speak the NHS.UK content style through the project's account forms."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sign_in_asks_for_an_e_mail_address(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "E-mail address" in page
    assert "Keep me signed in on this device" in page
    assert "Remember Me" not in page


def test_an_empty_sign_in_says_what_to_enter(client):
    page = client.post(reverse("account_login"), {"login": "", "password": ""}).content.decode()
    assert "Enter your e-mail address" in page
    assert "Enter your password" in page


def test_sign_up_labels_the_passwords_plainly(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert "Create a password" in page
    assert "Confirm password" in page
    assert "Password (again)" not in page
