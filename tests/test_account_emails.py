"""allauth's e-mails go through the outbox, in the portal's NHS.UK style, with no secret kept.

allauth hands every e-mail to the account adapter's ``send_mail``
(collaborative.people.adapters); it records an outbox row, and the message is
rendered from ``templates/email/account/`` when it is sent, its links made
then. Here Celery runs eagerly and delivery happens when the test commits.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import allauth
import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user
from django.core.cache import cache
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from collaborative.people.adapters import AccountAdapter
from collaborative.tasks import deliver_messages
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = "https://portal.nmhwdc.test"
EMAIL = "alex.jones@example.org"
PASSWORD = "Workforce-planning-2024"
ALLAUTH_MESSAGES = sorted(
    path.name.removesuffix("_subject.txt")
    for path in (Path(allauth.__file__).parent / "templates/account/email").glob("*_subject.txt")
)
CODES = {"login_code", "password_reset_code"}


@pytest.fixture(autouse=True)
def _portal(settings):
    settings.PORTAL_BASE_URL = BASE
    # allauth counts attempts in the cache; start each test with none.
    cache.clear()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the block, commit, and deliver what it recorded, as a real request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def only(mailoutbox):
    assert len(mailoutbox) == 1, [email.subject for email in mailoutbox]
    return mailoutbox[0]


def html_of(email):
    (html, mimetype) = email.alternatives[0]
    assert mimetype == "text/html"
    return html


def link_in(email):
    """The path of the first link in an e-mail's text."""
    return urlsplit(re.search(r"https?://\S+", email.body).group()).path


def sign_up(client, email=EMAIL):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def ask_to_reset(client, email=EMAIL):
    return client.post(reverse("account_reset_password"), {"email": email})


# Every one of allauth's messages -----------------------------------------------------


def test_allauth_still_has_the_messages_the_portal_rewrites():
    assert {"email_confirmation_signup", "password_reset_key", "unknown_account"} <= set(
        ALLAUTH_MESSAGES
    )


@pytest.mark.parametrize("name", ALLAUTH_MESSAGES)
def test_each_allauth_message_has_the_portals_own_templates(name):
    for part in ("subject.txt", "txt", "html"):
        get_template(f"email/account/{name}.{part}")


def record_as_allauth_would(name):
    """Hand the adapter one of allauth's messages with the context allauth gives it."""
    person = UserFactory(email=EMAIL, full_name="Alex Jones")
    context = {
        "user": person,
        "key": "SECRET-KEY",
        "uid": "2s",
        "activate_url": "http://testserver/accounts/confirm-email/SECRET-KEY/",
        "password_reset_url": "http://testserver/accounts/password/reset/key/2s-SECRET-KEY/",
        "signup_url": "http://testserver/accounts/signup/",
        "current_site": "testserver",
        "timestamp": timezone.now(),
        "ip": "203.0.113.9",
        "user_agent": "Firefox",
        "from_email": "old.address@example.org",
        "to_email": EMAIL,
        "deleted_email": "old.address@example.org",
    }
    if name in CODES:
        context["code"] = "ABC123"
    AccountAdapter().send_mail(f"account/email/{name}", EMAIL, context)
    return OutgoingEmail.objects.get()


@pytest.mark.parametrize("name", ALLAUTH_MESSAGES)
def test_each_allauth_message_is_recorded_in_the_outbox(name, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        row = record_as_allauth_would(name)

    assert (row.kind, row.state, row.to_address) == (
        OutgoingEmail.Kind.ACCOUNT,
        OutgoingEmail.State.PENDING,
        EMAIL,
    )
    assert row.recipient.email == EMAIL
    assert row.context["message"] == name


@pytest.mark.parametrize("name", ALLAUTH_MESSAGES)
def test_each_allauth_message_keeps_no_key_link_or_address_of_the_browser(
    name, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        row = record_as_allauth_would(name)

    kept = str(row.context)
    for secret in ("SECRET-KEY", "testserver", "http", "203.0.113.9", "Firefox"):
        assert secret not in kept


@pytest.mark.parametrize("name", ALLAUTH_MESSAGES)
def test_each_allauth_message_is_in_the_portals_style(name, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        row = record_as_allauth_would(name)

    email = mail.render(row)

    text, html = email.body, html_of(email)
    assert text.startswith("Dear Alex Jones,")
    assert "background-color:#005eb8" in html
    assert "NMHWDC" in email.subject
    for default in ("Hello from", "Thank you for using", "example.com", "testserver", "SECRET"):
        assert default not in email.subject + text + html
    assert ("ABC123" if name in CODES else BASE) in text


def test_a_message_about_no_account_greets_no_one_by_name(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        AccountAdapter().send_mail(
            "account/email/unknown_account", "nobody@example.org", {"signup_url": "http://x/"}
        )

    row = OutgoingEmail.objects.get()
    assert (row.recipient, row.to_address) == (None, "nobody@example.org")
    assert mail.render(row).body.startswith("Dear colleague,")


# Signing up ------------------------------------------------------------------------------


def test_signing_up_records_the_confirmation_instead_of_sending_it(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        sign_up(client)

    row = OutgoingEmail.objects.get()
    assert (row.context["message"], row.to_address, row.recipient.email) == (
        "email_confirmation_signup",
        EMAIL,
        EMAIL,
    )
    assert mailoutbox == []


def test_the_confirmation_e_mail_goes_once_the_sign_up_commits(client, mailoutbox, on_commit):
    with on_commit():
        sign_up(client)

    email = only(mailoutbox)
    assert email.to == [EMAIL]
    assert email.subject == "Confirm your e-mail address for the NMHWDC portal"
    assert "Confirm your e-mail address" in html_of(email)
    assert OutgoingEmail.objects.get().state == OutgoingEmail.State.SENT


def test_the_confirmation_link_confirms_the_address(client, mailoutbox, on_commit):
    with on_commit():
        sign_up(client)

    client.post(link_in(only(mailoutbox)))

    assert EmailAddress.objects.get(email=EMAIL).verified


def test_confirming_the_address_signs_in_and_asks_for_the_profile(client, mailoutbox, on_commit):
    with on_commit():
        sign_up(client)

    response = client.post(link_in(only(mailoutbox)), follow=True)

    assert response.redirect_chain[-1][0] == reverse("profile")
    assert get_user(client).email == EMAIL
    assert (
        "Complete your profile: add your name, job title, seniority and functional area."
        in response.text
    )


def test_signing_in_with_a_profile_still_incomplete_opens_the_profile(client):
    UserFactory(email=EMAIL, password=PASSWORD, job_title="", functional_area="")

    response = client.post(
        reverse("account_login"), {"login": EMAIL, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("profile")
    assert "Complete your profile: add your job title and functional area." in response.text


def test_the_operations_team_is_not_asked_for_a_seniority_or_functional_area(client):
    UserFactory(
        email=EMAIL, password=PASSWORD, is_staff=True, seniority="", functional_area="", mfa=False
    )

    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})

    assert response.url == reverse("home")


def test_signing_in_with_a_complete_profile_goes_home(client):
    UserFactory(email=EMAIL, password=PASSWORD)

    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})

    assert response.url == reverse("home")


def test_signing_up_with_an_address_that_has_an_account_tells_its_owner(
    client, mailoutbox, on_commit
):
    owner = UserFactory(email=EMAIL, full_name="Alex Jones")

    with on_commit():
        sign_up(client)

    row = OutgoingEmail.objects.get()
    assert (row.context["message"], row.recipient) == ("account_already_exists", owner)
    email = only(mailoutbox)
    assert email.subject == "You already have an account on the NMHWDC portal"
    assert f"{BASE}{reverse('account_reset_password')}" in email.body


# Resetting a password ----------------------------------------------------------------


def test_asking_to_reset_a_password_records_the_e_mail_without_its_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    person = UserFactory(email=EMAIL)

    with django_capture_on_commit_callbacks(execute=False):
        ask_to_reset(client)

    row = OutgoingEmail.objects.get()
    assert (row.recipient, row.to_address) == (person, EMAIL)
    assert row.context == {"message": "password_reset_key"}
    assert mailoutbox == []


def test_the_reset_link_is_made_when_the_e_mail_goes_and_works(client, mailoutbox, on_commit):
    UserFactory(email=EMAIL, password="the-old-password-9")

    with on_commit():
        ask_to_reset(client)

    email = only(mailoutbox)
    assert email.subject == "Reset your password for the NMHWDC portal"
    assert "Choose a new password" in html_of(email)
    page = client.get(link_in(email), follow=True)
    assert "Choose a new password" in page.text


def test_a_password_reset_delivered_twice_is_sent_once(client, mailoutbox, monkeypatch):
    UserFactory(email=EMAIL)
    monkeypatch.setattr(mail, "schedule", lambda ids: None)
    ask_to_reset(client)
    ids = list(OutgoingEmail.objects.values_list("pk", flat=True))

    deliver_messages.delay(ids)
    deliver_messages.delay(ids)

    assert len(mailoutbox) == 1


def test_asking_again_later_sends_a_new_e_mail(client, mailoutbox, on_commit):
    UserFactory(email=EMAIL)

    for _ in range(2):
        with on_commit():
            ask_to_reset(client)

    assert len(mailoutbox) == 2
    assert OutgoingEmail.objects.values("key").distinct().count() == 2


def test_asking_to_reset_the_password_of_no_account_says_there_is_none(
    client, mailoutbox, on_commit
):
    with on_commit():
        ask_to_reset(client, "nobody@example.org")

    row = OutgoingEmail.objects.get()
    assert (row.context["message"], row.recipient) == ("unknown_account", None)
    email = only(mailoutbox)
    assert email.to == ["nobody@example.org"]
    assert email.subject == "There is no account with this address on the NMHWDC portal"
    assert f"{BASE}{reverse('account_signup')}" in email.body


# Notices of changes, when allauth's notifications are on ----------------------------------


def test_changing_the_password_sends_a_notice_through_the_outbox(
    client, settings, mailoutbox, on_commit
):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    person = UserFactory(email=EMAIL, full_name="Alex Jones", password="the-old-password-9")
    client.force_login(person)

    with on_commit():
        client.post(
            reverse("account_change_password"),
            {"oldpassword": "the-old-password-9", "password1": PASSWORD, "password2": PASSWORD},
        )

    assert OutgoingEmail.objects.get().context["message"] == "password_changed"
    email = only(mailoutbox)
    assert email.subject == "Your password for the NMHWDC portal has been changed"
    assert email.body.startswith("Dear Alex Jones,")
