"""Security events are logged as one JSON line each, with ids and no personal data."""

import json
import logging

import pytest
from django.urls import reverse

from tests.mfa import security_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

PASSWORD = "a-test-password-1"
ADDRESS = "203.0.113.77"


@pytest.fixture
def events(caplog):
    caplog.set_level(logging.INFO, logger="nmhwdc.security")

    def logged():
        return [
            json.loads(record.getMessage())
            for record in caplog.records
            if record.name == "nmhwdc.security"
        ]

    return logged


def sign_in(client, person, password):
    return client.post(
        reverse("account_login"),
        {"login": person.email, "password": password},
        REMOTE_ADDR=ADDRESS,
    )


def assert_nothing_personal(caplog, person):
    text = caplog.text
    for personal in (person.email, person.full_name, ADDRESS, PASSWORD, "not-the-password"):
        assert personal not in text


def test_a_wrong_password_is_logged_with_the_accounts_id(client, caplog, events, director_a):
    sign_in(client, director_a, "not-the-password-1")

    (event,) = [event for event in events() if event["event"] == "sign_in_failed"]
    assert event["account_id"] == director_a.pk
    assert event["view"] == "account_login"
    assert len(event["client"]) == 16 and len(event["login"]) == 16
    assert_nothing_personal(caplog, director_a)


def test_the_same_client_and_address_give_the_same_pseudonyms(client, events, director_a):
    sign_in(client, director_a, "not-the-password-1")
    sign_in(client, director_a, "not-the-password-2")

    first, second = [event for event in events() if event["event"] == "sign_in_failed"]
    assert (first["client"], first["login"]) == (second["client"], second["login"])


def test_a_refused_sign_in_after_too_many_wrong_passwords_is_logged(
    client, caplog, events, director_a
):
    for _ in range(6):
        sign_in(client, director_a, "not-the-password-1")

    assert [event["event"] for event in events()].count("sign_in_rate_limited") == 1
    assert_nothing_personal(caplog, director_a)


def test_a_wrong_security_code_is_logged(client, caplog, events, operations_manager):
    sign_in(client, operations_manager, PASSWORD)

    client.post(reverse("mfa_authenticate"), {"code": "000000"}, REMOTE_ADDR=ADDRESS)

    (event,) = [event for event in events() if event["event"] == "mfa_failed"]
    assert event["user_id"] == operations_manager.pk
    assert event["authenticator"] == "totp"
    assert_nothing_personal(caplog, operations_manager)


def test_a_sign_in_with_the_code_is_logged(client, events, operations_manager):
    sign_in(client, operations_manager, PASSWORD)
    client.post(
        reverse("mfa_authenticate"),
        {"code": security_code(operations_manager.totp_secret)},
        REMOTE_ADDR=ADDRESS,
    )

    assert [(event["event"], event.get("user_id")) for event in events()] == [
        ("signed_in", operations_manager.pk)
    ]


def test_a_refusal_is_logged_as_a_permission_denial(client, caplog, events, director_a):
    client.force_login(director_a)

    assert client.get("/admin/login/", REMOTE_ADDR=ADDRESS).status_code == 403

    (event,) = events()
    assert event == {
        "event": "permission_denied",
        "user_id": director_a.pk,
        "view": "admin:login",
        "method": "GET",
        "status": 403,
        "client": event["client"],
    }
    assert_nothing_personal(caplog, director_a)
