"""The programme operations manager's group: created by migration, enough to run the admin."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from collaborative.people.roles import (
    PROGRAMME_OPERATIONS_APPS,
    PROGRAMME_OPERATIONS_GROUP,
    WITHHELD_PERMISSIONS,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operations_client(client, operations_manager):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    client.force_login(operations_manager)
    return client


def portal_models():
    return [
        model
        for label in PROGRAMME_OPERATIONS_APPS
        for model in apps.get_app_config(label).get_models()
    ]


def test_the_group_has_every_action_on_portal_models_but_the_withheld_ones():
    group = Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP)
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    expected = {
        f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        for model in portal_models()
        for action in ("add", "change", "delete", "view")
    }
    assert granted == expected - WITHHELD_PERMISSIONS
    assert "workshops.delete_booking" not in granted


def test_the_operations_manager_opens_every_changelist(operations_client, operations_manager):
    assert not operations_manager.is_superuser
    for model in portal_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert operations_client.get(url, follow=True).status_code == 200, url


def test_the_operations_manager_cannot_make_anyone_a_superuser(operations_client):
    person = UserFactory()
    page = operations_client.get(reverse("admin:collaborative_user_change", args=[person.pk]))
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="email"' in page.content.decode()
