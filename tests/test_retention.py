"""How long the portal keeps people's data: unconfirmed sign-ups go after 30 days, and
people inactive for PERSONAL_DATA_RETENTION_DAYS are anonymised, by command and by beat."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from collaborative import privacy
from collaborative.people.models import User
from collaborative.tasks import apply_retention
from tests.factories import BookingFactory, InvitationFactory, UserFactory, WorkshopFactory
from workshops.models import Booking, Workshop

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


def unconfirmed(days_old, **fields):
    return UserFactory(verified=False, date_joined=days_ago(days_old), **fields)


def retain():
    call_command("apply_retention")


def test_an_unconfirmed_account_31_days_old_is_removed():
    person = unconfirmed(31)

    retain()

    assert not User.objects.filter(pk=person.pk).exists()


def test_an_unconfirmed_account_29_days_old_stays():
    person = unconfirmed(29)

    retain()

    assert User.objects.filter(pk=person.pk).exists()


def test_an_old_unconfirmed_account_someone_booked_a_place_for_stays(trust_a):
    person = unconfirmed(31, trust=trust_a)
    BookingFactory(person=person)

    retain()

    assert User.objects.filter(pk=person.pk, is_active=True).exists()


def test_an_old_unconfirmed_account_with_an_open_invitation_stays():
    person = unconfirmed(31, functional_area="")
    InvitationFactory(person=person)

    retain()

    assert User.objects.filter(pk=person.pk).exists()


def test_a_confirmed_account_is_never_removed_as_unconfirmed():
    person = UserFactory(date_joined=days_ago(400), last_login=days_ago(300))

    retain()

    assert User.objects.get(pk=person.pk).email == person.email


def test_a_person_inactive_beyond_the_retention_period_is_anonymised(trust_a):
    person = UserFactory(trust=trust_a, date_joined=days_ago(2000), last_login=days_ago(1100))
    held = WorkshopFactory(date=days_ago(1200).date(), status=Workshop.Status.HELD)
    booking = BookingFactory(workshop=held, person=person, attended=True)
    Booking.objects.filter(pk=booking.pk).update(updated_at=days_ago(1190))

    retain()

    anonymised = User.objects.get(pk=person.pk)
    assert privacy.is_erased(anonymised)
    assert anonymised.full_name == ""
    assert Booking.objects.get(pk=booking.pk).attended is True


def test_a_person_who_signed_in_within_the_period_is_kept():
    person = UserFactory(date_joined=days_ago(2000), last_login=days_ago(1000))

    retain()

    assert User.objects.get(pk=person.pk).email == person.email


def test_a_person_booked_on_a_recent_workshop_is_kept_though_they_never_sign_in(trust_a):
    person = UserFactory(trust=trust_a, date_joined=days_ago(2000), last_login=days_ago(1500))
    recent = WorkshopFactory(date=days_ago(100).date(), status=Workshop.Status.HELD)
    booking = BookingFactory(workshop=recent, person=person)
    Booking.objects.filter(pk=booking.pk).update(updated_at=days_ago(1500))

    retain()

    assert User.objects.get(pk=person.pk).email == person.email


def test_staff_are_left_for_a_superuser_to_decide():
    staff = UserFactory(is_staff=True, date_joined=days_ago(2000), last_login=days_ago(1500))

    retain()

    assert User.objects.get(pk=staff.pk).email == staff.email


def test_the_retention_period_is_a_setting(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    person = UserFactory(date_joined=days_ago(60), last_login=days_ago(40))

    retain()

    assert privacy.is_erased(User.objects.get(pk=person.pk))


def test_the_retention_period_defaults_to_three_years():
    assert settings.PERSONAL_DATA_RETENTION_DAYS == 1095


def test_a_dry_run_counts_and_changes_nothing(capsys):
    person = unconfirmed(31)

    call_command("apply_retention", "--dry-run")

    assert "1 unconfirmed account(s) would be removed" in capsys.readouterr().out
    assert User.objects.filter(pk=person.pk).exists()


def test_beat_runs_the_retention_task_daily():
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "collaborative.tasks.apply_retention"
    ]

    assert entry["schedule"].hour == {3}


def test_the_task_applies_the_retention_rules():
    unconfirmed(31)
    UserFactory(date_joined=days_ago(2000), last_login=days_ago(1500))

    assert apply_retention.delay().get() == {"removed": 1, "anonymised": 1}
