"""One sign-in: the admin signs in through allauth, with its limits on wrong passwords and
two-step verification; Django's own admin password form is gone."""

import pytest
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.urls import reverse

from tests.mfa import security_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

PASSWORD = "a-test-password-1"
WRONG = "not-the-password-1"


def attempts_allowed():
    """Wrong passwords allowed for one account from one client, as configured."""
    (per_account,) = [
        rate
        for rate in parse_rates(settings.ACCOUNT_RATE_LIMITS["login_failed"])
        if rate.per == "key"
    ]
    return per_account.amount


def admin_sign_in(client, person, password, address="203.0.113.9", **headers):
    """Go to the admin, follow it to the sign-in page, and post there."""
    response = client.get("/admin/", follow=True, REMOTE_ADDR=address, **headers)
    sign_in_url = response.redirect_chain[-1][0]
    return client.post(
        sign_in_url, {"login": person.email, "password": password}, REMOTE_ADDR=address, **headers
    )


def test_the_admin_sends_people_to_the_portals_sign_in_page(client):
    response = client.get("/admin/workshops/", follow=True)

    assert [url for url, _ in response.redirect_chain] == [
        "/admin/login/?next=/admin/workshops/",
        f"{reverse('account_login')}?next=%2Fadmin%2Fworkshops%2F",
    ]
    assert "Sign in" in response.text


def test_the_admin_sign_in_page_sends_nobody_off_the_site(client):
    response = client.get("/admin/login/?next=https://evil.example/")

    assert response.url == f"{reverse('account_login')}?next=%2Fadmin%2F"


def test_djangos_admin_password_form_no_longer_signs_in(client, operations_manager):
    client.post("/admin/login/", {"username": operations_manager.email, "password": PASSWORD})

    assert "_auth_user_id" not in client.session


def test_a_signed_in_person_without_admin_rights_is_refused_at_the_admin_sign_in(
    client, director_a
):
    client.force_login(director_a)

    assert client.get("/admin/login/").status_code == 403


def test_signed_in_staff_go_on_to_the_admin(client, operations_manager):
    client.force_login(operations_manager)

    assert client.get("/admin/login/?next=/admin/workshops/").url == "/admin/workshops/"


def test_the_admins_change_password_is_the_portals_page(client, operations_manager):
    client.force_login(operations_manager)

    response = client.get(reverse("admin:password_change"))

    assert response.url == reverse("account_change_password")


def test_the_admin_sign_in_asks_for_the_security_code_and_returns_to_the_admin(
    client, operations_manager
):
    response = admin_sign_in(client, operations_manager, PASSWORD)
    assert response.url == reverse("mfa_authenticate")

    response = client.post(
        reverse("mfa_authenticate"), {"code": security_code(operations_manager.totp_secret)}
    )

    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_sign_in_is_refused_after_the_configured_wrong_passwords(
    client, operations_manager
):
    for _ in range(attempts_allowed()):
        page = admin_sign_in(client, operations_manager, WRONG)
        assert page.status_code == 200
        assert "Too many wrong passwords" not in page.text

    page = admin_sign_in(client, operations_manager, PASSWORD)

    assert page.status_code == 200
    assert "Too many wrong passwords for this account from this device" in page.text
    assert "_auth_user_id" not in client.session
    assert reverse("mfa_authenticate") not in page.text


def test_one_wrong_password_fewer_still_lets_the_person_in(client, operations_manager):
    for _ in range(attempts_allowed() - 1):
        admin_sign_in(client, operations_manager, WRONG)

    assert admin_sign_in(client, operations_manager, PASSWORD).url == reverse("mfa_authenticate")


def test_wrong_passwords_from_one_client_do_not_lock_the_person_out_elsewhere(
    client, operations_manager
):
    for _ in range(attempts_allowed() + 2):
        admin_sign_in(client, operations_manager, WRONG, address="203.0.113.66")

    response = admin_sign_in(client, operations_manager, PASSWORD, address="198.51.100.7")

    assert response.url == reverse("mfa_authenticate")


def test_the_limit_counts_the_client_behind_the_trusted_proxy(client, settings, operations_manager):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"

    for _ in range(attempts_allowed()):
        admin_sign_in(
            client, operations_manager, WRONG, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.66"
        )
    other_client = client.post(
        reverse("account_login"),
        {"login": operations_manager.email, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert other_client.url == reverse("mfa_authenticate")
