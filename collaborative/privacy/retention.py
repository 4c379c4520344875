"""How long the portal keeps people's data: sign-ups nobody finished go after
``UNCONFIRMED_ACCOUNT_DAYS``; people inactive for ``PERSONAL_DATA_RETENTION_DAYS`` are
anonymised through ``erase_person``. Run daily by Celery beat and ``manage.py
apply_retention``."""

import datetime
import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from collaborative.people.models import User
from collaborative.privacy.erasure import end_sessions, erase_person, not_erased
from collaborative.security.events import log_event
from workshops.models import Booking, Invitation

# An account nobody confirmed, never used and with no booking goes after this many days.
UNCONFIRMED_ACCOUNT_DAYS = 30


def unconfirmed_accounts(now=None):
    """Accounts older than ``UNCONFIRMED_ACCOUNT_DAYS`` with no confirmed address, never
    signed in to, with no booking and no invitation still open: sign-ups nobody finished."""
    now = now or timezone.now()
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    live_invitation = Invitation.objects.filter(
        person=OuterRef("pk"), used_at__isnull=True, expires_at__gt=now
    )
    return not_erased(
        User.objects.filter(
            is_staff=False,
            is_superuser=False,
            last_login__isnull=True,
            date_joined__lt=now - datetime.timedelta(days=UNCONFIRMED_ACCOUNT_DAYS),
        )
        .exclude(Exists(verified))
        .exclude(Exists(Booking.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(live_invitation))
    )


def inactive_people(now=None):
    """People with no sign-in, no new account and no booking, made or held, within
    ``PERSONAL_DATA_RETENTION_DAYS``: neither a sign-in nor a workshop in that time."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    return (
        not_erased(User.objects.filter(is_staff=False, is_superuser=False))
        .annotate(
            last_seen=Coalesce("last_login", "date_joined"),
            last_booking_change=Max("bookings__updated_at"),
            last_workshop=Max("bookings__workshop__date"),
        )
        .filter(last_seen__lt=cutoff)
        .filter(Q(last_booking_change__isnull=True) | Q(last_booking_change__lt=cutoff))
        .filter(Q(last_workshop__isnull=True) | Q(last_workshop__lt=cutoff.date()))
    )


def apply_retention(*, now=None, door="task apply_retention"):
    """Remove unconfirmed accounts and anonymise long-inactive people. Safe to repeat.
    Returns ``{"removed": n, "anonymised": n}``."""
    now = now or timezone.now()
    removed = 0
    for person_id in list(unconfirmed_accounts(now).values_list("pk", flat=True)):
        with transaction.atomic():
            person = unconfirmed_accounts(now).select_for_update().filter(pk=person_id).first()
            if person is None:
                continue  # confirmed, used or removed since the list was made
            end_sessions(person)
            person.delete()
        removed += 1
        log_event("unconfirmed_account_removed", level=logging.INFO, person_id=person_id)
    anonymised = 0
    for person in list(inactive_people(now).only("pk")):
        erase_person(person=person, erased_by=None, door=door, now=now)
        anonymised += 1
    return {"removed": removed, "anonymised": anonymised}
