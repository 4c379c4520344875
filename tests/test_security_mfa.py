"""Two-step verification: required of staff and the steering group before the admin and
the steering area, asked at every sign-in once set up, its secrets encrypted in the
database, and not bypassed by a password reset."""

import json
import re
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP, generate_totp_secret
from cryptography.fernet import InvalidToken
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from collaborative.security.mfa import MFAAdapter
from tests.factories import UserFactory
from tests.mfa import security_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

PASSWORD = "a-test-password-1"
ADMIN = "/admin/"
STEERING = "/workshops/steering/"


@pytest.fixture
def staff_without_mfa():
    person = UserFactory(email="new.ops@nmhwdc.nhs.uk", is_staff=True, mfa=False)
    person.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    return person


@pytest.fixture
def steering_member_without_mfa(founding_trust):
    return UserFactory(
        email="new.steering@tf1.nhs.uk", trust=founding_trust, is_steering_member=True, mfa=False
    )


def sign_in(client, person, password=PASSWORD, **extra):
    return client.post(
        reverse("account_login"), {"login": person.email, "password": password}, **extra
    )


def raw_authenticator_rows():
    """What the database holds, read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, data FROM mfa_authenticator")
        return [(kind, str(data)) for kind, data in cursor.fetchall()]


# Required of staff and the steering group ---------------------------------------------


@pytest.mark.parametrize(
    ("person", "area"),
    [("staff_without_mfa", ADMIN), ("steering_member_without_mfa", STEERING)],
)
def test_people_who_must_use_it_are_sent_to_set_it_up_first(request, client, person, area):
    client.force_login(request.getfixturevalue(person))

    response = client.get(area)

    assert response.status_code == 302
    assert response.url == reverse("security_mfa_required")
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Set up two-step verification" in page.text
    assert reverse("mfa_activate_totp") in page.text


@pytest.mark.parametrize(
    ("person", "area"),
    [("staff_without_mfa", ADMIN + "workshops/"), ("steering_member_without_mfa", STEERING)],
)
def test_no_page_of_the_area_is_reached_without_it(request, client, person, area):
    client.force_login(request.getfixturevalue(person))

    assert client.get(area).url == reverse("security_mfa_required")
    assert client.post(area, {}).url == reverse("security_mfa_required")


@pytest.mark.parametrize(
    ("person", "area"), [("operations_manager", ADMIN), ("steering_member", STEERING)]
)
def test_people_who_have_set_it_up_reach_their_area(request, client, person, area):
    person = request.getfixturevalue(person)
    person.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    client.force_login(person)

    assert client.get(area).status_code == 200


def test_members_are_not_asked_to_set_it_up(client, director_a):
    client.force_login(UserFactory(email="someone@ta1.nhs.uk", trust=director_a.trust))

    assert client.get(reverse("profile")).status_code == 200
    assert client.get(reverse("security_mfa_required")).url == reverse("mfa_index")


def test_setting_it_up_asks_for_the_password_then_a_code_and_opens_the_admin(
    client, staff_without_mfa
):
    sign_in(client, staff_without_mfa)
    client.get(ADMIN)  # sent to set it up, remembering where they were going

    response = client.get(reverse("mfa_activate_totp"))
    assert urlsplit(response.url).path == reverse("account_reauthenticate")
    client.post(response.url, {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert "data:image/svg+xml;base64," in page.text
    response = client.post(reverse("mfa_activate_totp"), {"code": security_code(secret)})

    assert response.url == reverse("mfa_view_recovery_codes")
    codes = client.get(response.url)
    assert f'href="{ADMIN}"' in codes.text  # "I have saved them: carry on"
    assert client.get(ADMIN).status_code == 200


def test_a_wrong_code_does_not_set_it_up(client, staff_without_mfa):
    sign_in(client, staff_without_mfa)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))

    page = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert "The security code is not right" in page.text
    assert not Authenticator.objects.filter(user=staff_without_mfa).exists()


# Asked at every sign-in ---------------------------------------------------------------


def test_signing_in_asks_for_the_code_before_anything_opens(client, operations_manager):
    response = sign_in(client, operations_manager)

    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302


def test_a_wrong_code_does_not_sign_in(client, operations_manager):
    sign_in(client, operations_manager)

    page = client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert "The security code is not right" in page.text
    assert "_auth_user_id" not in client.session


def test_the_right_code_signs_in(client, operations_manager):
    sign_in(client, operations_manager)

    client.post(
        reverse("mfa_authenticate"), {"code": security_code(operations_manager.totp_secret)}
    )

    assert client.session["_auth_user_id"] == str(operations_manager.pk)


# Secrets encrypted at rest -------------------------------------------------------------


def test_the_authenticator_secret_is_not_in_the_database(operations_manager):
    rows = raw_authenticator_rows()

    assert [kind for kind, _ in rows] == ["totp"]
    ((_, data),) = rows
    assert operations_manager.totp_secret not in data
    stored = Authenticator.objects.get(user=operations_manager).data["secret"]
    assert stored != operations_manager.totp_secret
    assert MFAAdapter().decrypt(stored) == operations_manager.totp_secret


def test_the_recovery_codes_cannot_be_made_from_the_database(client, staff_without_mfa):
    sign_in(client, staff_without_mfa)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    client.post(reverse("mfa_activate_totp"), {"code": security_code(secret)})
    codes = Authenticator.objects.get(user=staff_without_mfa, type="recovery_codes")
    seed = MFAAdapter().decrypt(codes.data["seed"])

    assert len(codes.wrap().get_unused_codes()) == 10
    rows = dict(raw_authenticator_rows())
    assert secret not in rows["totp"]
    assert seed not in rows["recovery_codes"]


def test_a_new_encryption_key_still_reads_secrets_stored_under_the_old_one(settings, director_a):
    settings.MFA_ENCRYPTION_KEYS = ["the-old-key"]
    secret = generate_totp_secret()
    TOTP.activate(director_a, secret)

    settings.MFA_ENCRYPTION_KEYS = ["the-new-key", "the-old-key"]
    stored = Authenticator.objects.get(user=director_a)

    assert stored.wrap().validate_code(security_code(secret))
    assert json.dumps(stored.data).find(secret) == -1


def test_a_secret_read_with_the_wrong_key_fails(settings, director_a):
    settings.MFA_ENCRYPTION_KEYS = ["the-old-key"]
    TOTP.activate(director_a, generate_totp_secret())
    settings.MFA_ENCRYPTION_KEYS = ["someone-elses-key"]

    with pytest.raises(InvalidToken):
        MFAAdapter().decrypt(Authenticator.objects.get(user=director_a).data["secret"])


# A password reset does not get around it ----------------------------------------------


def reset_password(client, mailoutbox, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": person.email})
    (email,) = mailoutbox
    link = urlsplit(re.search(r"https?://\S+", email.body).group()).path
    form = client.get(link, follow=True)
    return client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"password1": "A-new-passphrase-2026", "password2": "A-new-passphrase-2026"},
    )


@pytest.mark.parametrize("login_on_reset", [False, True])
def test_resetting_the_password_does_not_sign_in_around_the_security_code(
    client,
    settings,
    mailoutbox,
    operations_manager,
    django_capture_on_commit_callbacks,
    login_on_reset,
):
    settings.ACCOUNT_LOGIN_ON_PASSWORD_RESET = login_on_reset

    response = reset_password(
        client, mailoutbox, operations_manager, django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302
    assert sign_in(client, operations_manager, "A-new-passphrase-2026").url == reverse(
        "mfa_authenticate"
    )
