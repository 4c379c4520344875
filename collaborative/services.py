"""Colleague accounts: a Trust director books a place for someone who may have no account yet."""

from functools import partial

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from collaborative.models import User
from trusts.models import EmailDomain
from workshops import errors
from workshops.services import check_may_book_for_trust


def _not_at_trust(email, trust):
    return errors.NotAColleague(
        f"{email} is not an address at {trust}: you can only book for colleagues of your own Trust."
    )


def find_or_create_colleague(*, booker, email, full_name, job_title, functional_area):
    """The person with this address at the booker's Trust, given an account if they have none.

    Returns ``(person, created)``. A new account is created only for an address
    on one of the Trust's e-mail domains: the domain is what shows the person
    works there. It has no password; the set-up e-mail (allauth's password
    reset link) goes once the caller's transaction commits, so a booking
    refused later in the same transaction leaves neither account nor e-mail.
    Existing accounts keep their own name and job title.
    """
    check_may_book_for_trust(booker)
    email = User.objects.normalize_email(email).strip().lower()
    person = User.objects.filter(email__iexact=email).first()
    if person is None:
        domain = email.rpartition("@")[2]
        if not EmailDomain.objects.filter(trust_id=booker.trust_id, domain=domain).exists():
            raise _not_at_trust(email, booker.trust)
        try:
            with transaction.atomic():
                person = User.objects.create_user(
                    email,
                    full_name=full_name,
                    job_title=job_title,
                    functional_area=functional_area or "",
                    trust_id=booker.trust_id,
                )
                EmailAddress.objects.create(user=person, email=email, primary=True)
        except IntegrityError:
            # Someone created the account a moment ago: use theirs.
            person = User.objects.get(email__iexact=email)
        else:
            transaction.on_commit(
                partial(send_account_setup_email, person_id=person.pk, booker_id=booker.pk),
                robust=True,
            )
            return person, True
    if person.trust_id != booker.trust_id:
        if person.trust_id is None and not person.stakeholder_body_id:
            raise errors.NotAColleague(
                f"{person} has an account that is not linked to {booker.trust} yet. Ask them to "
                "confirm their e-mail address, then book again."
            )
        raise _not_at_trust(email, booker.trust)
    return person, False


def send_account_setup_email(*, person_id, booker_id):
    """E-mail a new colleague allauth's password-reset link, which sets their first password."""
    person = User.objects.get(pk=person_id)
    booker = User.objects.select_related("trust").get(pk=booker_id)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(person),
            "key": default_token_generator.make_token(person),
        },
    )
    adapter = get_adapter()
    adapter.render_mail(
        "workshops/email/colleague_account",
        person.email,
        {"person": person, "booker": booker, "setup_url": f"{settings.PORTAL_BASE_URL}{path}"},
    ).send()
