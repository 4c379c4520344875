"""No way up from the operations role: every admin page and action of the people model,
as the programme operations manager (staff, not a superuser), against a superuser and
another staff member. Each refuses (403) or shows the account read-only, and after every
POST the account is as it was: password, e-mail address, active flag, rights, groups,
sessions.
"""

import pytest
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import URLPattern, reverse

from collaborative.people.models import User
from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-test-password-1"
NEW_PASSWORD = "Taken-over-2026!"

# Every page of the people model that names one account, with what the operations
# role gets there for an account with admin rights. A page added later fails
# test_every_page_of_the_people_model_is_covered until it is placed here.
ACCOUNT_PAGES = {
    "auth_user_password_change": {"GET": 403, "POST": 403},
    "collaborative_user_change": {"GET": 200, "POST": 403},  # 200: read-only
    "collaborative_user_delete": {"GET": 403, "POST": 403},
    "collaborative_user_history": {"GET": 200, "POST": 200},  # a record, read-only
}
LIST_PAGES = {"collaborative_user_changelist", "collaborative_user_add"}


@pytest.fixture
def operations_role(operations_manager):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    return operations_manager


@pytest.fixture
def superuser():
    return UserFactory(
        email="root@nmhwdc.nhs.uk", full_name="Root Person", is_staff=True, is_superuser=True
    )


@pytest.fixture
def colleague():
    return UserFactory(email="colleague@nmhwdc.nhs.uk", full_name="Staff Colleague", is_staff=True)


def signed_in_session(person):
    """A live session of ``person``, recorded as allauth records one."""
    session = SessionStore()
    session["_auth_user_id"] = str(person.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = person.get_session_auth_hash()
    session.create()
    UserSession.objects.create(user=person, session_key=session.session_key, ip="192.0.2.1")
    return session.session_key


def snapshot(person):
    person = User.objects.get(pk=person.pk)
    return {
        "password": person.password,
        "email": person.email,
        "full_name": person.full_name,
        "is_active": person.is_active,
        "is_staff": person.is_staff,
        "is_superuser": person.is_superuser,
        "groups": set(person.groups.all()),
        "permissions": set(person.user_permissions.all()),
        "confirmed_seniority": person.confirmed_seniority,
        "sessions": set(UserSession.objects.filter(user=person).values_list("session_key")),
    }


def takeover_form(target):
    """What someone taking the account over would post, to each page."""
    return {
        "email": "attacker@example.org",
        "full_name": target.full_name,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "usable_password": "true",
        "is_active": "",
        "is_staff": "on",
        "is_superuser": "on",
        "post": "yes",
    }


def account_pages():
    user_admin = admin.site._registry[User]
    return [
        pattern
        for pattern in user_admin.get_urls()
        if isinstance(pattern, URLPattern) and pattern.name
    ]


def account_url(pattern, target):
    (parameter,) = pattern.pattern.converters or {"object_id": None}
    return reverse(f"admin:{pattern.name}", kwargs={parameter: target.pk})


def test_every_page_of_the_people_model_is_covered():
    assert {pattern.name for pattern in account_pages()} == set(ACCOUNT_PAGES) | LIST_PAGES


@pytest.mark.parametrize("target_name", ["superuser", "colleague"])
def test_the_operations_role_gets_nothing_of_an_account_with_admin_rights(
    request, client, operations_role, target_name
):
    target = request.getfixturevalue(target_name)
    signed_in_session(target)
    before = snapshot(target)
    client.force_login(operations_role)

    answers = {}
    for pattern in account_pages():
        if pattern.name in LIST_PAGES:
            continue
        url = account_url(pattern, target)
        answers[pattern.name] = {
            "GET": client.get(url).status_code,
            "POST": client.post(url, takeover_form(target)).status_code,
        }

    assert answers == ACCOUNT_PAGES
    assert snapshot(target) == before
    assert User.objects.get(pk=target.pk).check_password(PASSWORD)


@pytest.mark.parametrize("target_name", ["superuser", "colleague"])
def test_the_change_form_shows_an_account_with_admin_rights_read_only(
    request, client, operations_role, target_name
):
    target = request.getfixturevalue(target_name)
    client.force_login(operations_role)

    page = client.get(reverse("admin:collaborative_user_change", args=[target.pk])).content.decode()

    assert target.email in page
    assert 'name="email"' not in page
    assert 'name="is_active"' not in page
    assert 'name="_save"' not in page
    assert reverse("admin:auth_user_password_change", args=[target.pk]) not in page


@pytest.mark.parametrize("target_name", ["superuser", "colleague"])
def test_no_action_on_the_people_list_touches_an_account_with_admin_rights(
    request, client, operations_role, target_name
):
    target = request.getfixturevalue(target_name)
    signed_in_session(target)
    before = snapshot(target)
    client.force_login(operations_role)
    changelist = reverse("admin:collaborative_user_changelist")
    as_the_role = RequestFactory().get(changelist)
    as_the_role.user = operations_role
    actions = admin.site._registry[User].get_actions(as_the_role)

    assert {"confirm_stated_seniority", "end_sessions"} <= set(actions)
    for action in actions:
        for selection in ({ACTION_CHECKBOX_NAME: [target.pk]}, {"select_across": "1"}):
            client.post(changelist, {"action": action, "index": 0, "post": "yes", **selection})

    assert snapshot(target) == before


def test_a_superuser_may_still_change_a_staff_members_password(admin_client, colleague):
    url = reverse("admin:auth_user_password_change", args=[colleague.pk])

    response = admin_client.post(url, takeover_form(colleague))

    assert response.status_code == 302
    assert User.objects.get(pk=colleague.pk).check_password(NEW_PASSWORD)


def test_the_operations_role_still_resets_a_members_password(client, operations_role):
    member = UserFactory(email="member@ta1.nhs.uk")
    client.force_login(operations_role)
    url = reverse("admin:auth_user_password_change", args=[member.pk])

    assert client.get(url).status_code == 200
    assert client.post(url, takeover_form(member)).status_code == 302
    assert User.objects.get(pk=member.pk).check_password(NEW_PASSWORD)


def test_the_operations_role_ends_a_members_sessions_but_not_a_superusers(
    client, operations_role, superuser
):
    member = UserFactory(email="member@ta1.nhs.uk")
    signed_in_session(member)
    signed_in_session(superuser)
    client.force_login(operations_role)

    client.post(
        reverse("admin:collaborative_user_changelist"),
        {"action": "end_sessions", "index": 0, ACTION_CHECKBOX_NAME: [member.pk, superuser.pk]},
    )

    assert not UserSession.objects.filter(user=member).exists()
    assert UserSession.objects.filter(user=superuser).exists()
