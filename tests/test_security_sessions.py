"""Sessions people control: they see and end theirs, the operations manager can end a
person's, an unused session ends by itself, and changing an e-mail address or
two-step verification asks for the password again. Flash messages stay out of cookies."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from collaborative.security.middleware import LAST_SEEN
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

PASSWORD = "a-test-password-1"
LAPTOP = "Mozilla/5.0 (Windows NT 10.0) Edge/126"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5) Safari/604.1"


@pytest.fixture
def member(trust_a):
    return UserFactory(email="member@ta1.nhs.uk", full_name="Morgan Lee", trust=trust_a)


def signed_in(person, user_agent=LAPTOP, remember=False):
    client = Client(HTTP_USER_AGENT=user_agent)
    data = {"login": person.email, "password": PASSWORD}
    if remember:
        data["remember"] = "on"
    response = client.post(reverse("account_login"), data)
    assert response.status_code == 302, response
    assert client.session["_auth_user_id"] == str(person.pk)
    return client


def is_signed_in(client):
    return client.get(reverse("profile")).status_code == 200


def idle_for(client, minutes):
    session = client.session
    session[LAST_SEEN] = time.time() - minutes * 60
    session.save()


# Seeing and ending one's sessions -------------------------------------------------------


def test_people_see_where_they_are_signed_in(member):
    laptop = signed_in(member, LAPTOP)
    signed_in(member, PHONE)

    page = laptop.get(reverse("usersessions_list"))

    assert page.status_code == 200
    assert "Where you are signed in" in page.text
    assert "Edge/126" in page.text and "iPhone" in page.text
    assert page.text.count("This device</strong>") == 1
    assert "Sign out everywhere else" in page.text


def test_signing_out_everywhere_else_ends_the_other_sessions_only(member):
    laptop = signed_in(member, LAPTOP)
    phone = signed_in(member, PHONE)

    laptop.post(reverse("usersessions_list"))

    assert not is_signed_in(phone)
    assert is_signed_in(laptop)
    assert UserSession.objects.filter(user=member).count() == 1


def test_the_profile_links_the_sessions_and_two_step_verification(client, member):
    client.force_login(member)

    page = client.get(reverse("profile")).text

    assert reverse("usersessions_list") in page
    assert reverse("mfa_index") in page


def test_the_operations_manager_ends_a_persons_sessions(client, member, operations_manager):
    laptop, phone = signed_in(member, LAPTOP), signed_in(member, PHONE)
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    client.force_login(operations_manager)

    response = client.post(
        reverse("admin:collaborative_user_changelist"),
        {"action": "end_sessions", "index": 0, ACTION_CHECKBOX_NAME: [member.pk]},
        follow=True,
    )

    assert "2 session(s) ended for 1 person(s)" in response.text
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert is_signed_in(client)


# The idle timeout ---------------------------------------------------------------------


def test_a_session_unused_for_the_idle_timeout_is_signed_out(settings, member):
    client = signed_in(member)
    idle_for(client, settings.SESSION_IDLE_TIMEOUT_MINUTES + 1)

    response = client.get(reverse("profile"), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("account_login"))
    assert "You were signed out because you had not used the portal" in response.text
    assert "_auth_user_id" not in client.session


def test_a_session_used_within_the_idle_timeout_stays_signed_in(settings, member):
    client = signed_in(member)
    idle_for(client, settings.SESSION_IDLE_TIMEOUT_MINUTES - 1)

    assert is_signed_in(client)
    assert time.time() - client.session[LAST_SEEN] < 5  # the clock starts again


def test_keep_me_signed_in_does_not_outlast_the_idle_timeout(settings, member):
    client = signed_in(member, remember=True)
    assert client.session.get_expire_at_browser_close() is False
    idle_for(client, settings.SESSION_IDLE_TIMEOUT_MINUTES + 1)

    assert not is_signed_in(client)


def test_the_idle_timeout_is_a_setting(settings, member):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 240
    client = signed_in(member)
    idle_for(client, 200)

    assert is_signed_in(client)


# Re-authentication -------------------------------------------------------------------


def test_adding_an_e_mail_address_asks_for_the_password_first(member):
    client = signed_in(member)

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "morgan.lee@ta1.nhs.uk"}
    )

    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="morgan.lee@ta1.nhs.uk").exists()

    client.post(response.url, {"password": PASSWORD})

    assert EmailAddress.objects.filter(user=member, email="morgan.lee@ta1.nhs.uk").exists()


def test_a_wrong_password_adds_no_address(member):
    client = signed_in(member)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "morgan.lee@ta1.nhs.uk"}
    )

    page = client.post(response.url, {"password": "not-the-password-1"})

    assert page.status_code == 200
    assert not EmailAddress.objects.filter(email="morgan.lee@ta1.nhs.uk").exists()


def test_making_another_address_the_main_one_asks_for_the_password_first(member):
    EmailAddress.objects.create(user=member, email="morgan.lee@ta1.nhs.uk", verified=True)
    client = signed_in(member)

    response = client.post(
        reverse("account_email"), {"action_primary": "", "email": "morgan.lee@ta1.nhs.uk"}
    )

    assert response.url.startswith(reverse("account_reauthenticate"))
    assert EmailAddress.objects.get_primary(member).email == member.email


@pytest.mark.parametrize(
    ("mfa", "page"), [(False, "mfa_activate_totp"), (True, "mfa_deactivate_totp")]
)
def test_turning_two_step_verification_on_or_off_asks_for_the_password_first(member, mfa, page):
    if mfa:
        TOTP.activate(member, generate_totp_secret())
        client = Client()
        client.force_login(member)
    else:
        client = signed_in(member)

    response = client.get(reverse(page))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))


# Flash messages --------------------------------------------------------------------


def test_flash_messages_are_kept_in_the_session_not_in_a_cookie(client, member):
    client.force_login(member)

    response = client.post(reverse("usersessions_list"))

    assert response.status_code == 302
    assert "messages" not in response.cookies
    assert "messages" not in client.cookies
