"""Colleagues a Trust director books for: found by address, or given an account."""

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction

from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from collaborative.people.models import User
from trusts.models import EmailDomain, Trust
from trusts.services import confirm_seniority, may_confirm_seniority
from workshops import refusals
from workshops.booking.rules import check_may_book_for_trust


def _not_at_trust(email: str, trust: Trust | None) -> refusals.NotAColleague:
    return refusals.NotAColleague(
        f"{email} is not an address at {trust}: you can only book for colleagues of your own Trust."
    )


def find_or_create_colleague(
    *,
    booker: User,
    email: str,
    full_name: str,
    job_title: str,
    functional_area: str | None,
    seniority: str | None = "",
) -> tuple[User, bool]:
    """The person with this address at the booker's Trust, given an account if they have none.

    Returns ``(person, created)``. A new account is created only for an address
    on one of the Trust's e-mail domains: the domain is what shows the person
    works there. It has no password; the set-up e-mail (allauth's password
    reset link) is recorded in the outbox and goes once the caller's
    transaction commits, so a booking refused later in the same transaction
    leaves neither account nor e-mail.
    Existing accounts keep their own name and job title.

    ``seniority`` is what the booker says of the colleague. A new account states
    it; an existing one keeps its own, and takes the booker's only if it stated
    none. When the booker's word and the colleague's stated seniority agree on a
    director level, a booker who may confirm it (the operations manager, a
    confirmed director of the Trust) confirms it here; otherwise it waits for
    confirmation, and places at workshops for directors wait for approval.
    """
    check_may_book_for_trust(booker)
    email = User.objects.normalize_email(email).strip().lower()
    person = User.objects.filter(email__iexact=email).first()
    created = False
    if person is None:
        domain = email.rpartition("@")[2]
        # check_may_book_for_trust refused bookers without a Trust, so trust_id is set.
        domains = EmailDomain.objects.filter(trust_id=booker.trust_id, domain=domain)  # type: ignore[misc]
        if not domains.exists():
            raise _not_at_trust(email, booker.trust)
        try:
            with transaction.atomic():
                person = User.objects.create_user(
                    email,
                    full_name=full_name,
                    job_title=job_title,
                    seniority=seniority or "",
                    functional_area=functional_area or "",
                    trust_id=booker.trust_id,
                )
                EmailAddress.objects.create(user=person, email=email, primary=True)
        except IntegrityError:
            # Someone created the account a moment ago: use theirs.
            person = User.objects.get(email__iexact=email)
        else:
            mail.record(
                [
                    OutgoingEmail(
                        kind=OutgoingEmail.Kind.COLLEAGUE_ACCOUNT,
                        key=f"colleague-account:p{person.pk}",
                        recipient=person,
                        context={"booker_id": booker.pk},
                    )
                ]
            )
            created = True
    if not created:
        if person.trust_id != booker.trust_id:
            if person.trust_id is None and not person.stakeholder_body_id:
                raise refusals.NotAColleague(
                    f"{person} has an account that is not linked to {booker.trust} yet. Ask "
                    "them to confirm their e-mail address, then book again."
                )
            raise _not_at_trust(email, booker.trust)
        if seniority and not person.seniority:
            person.seniority = seniority
            person.save(update_fields=["seniority"])
    if (
        seniority
        and seniority == person.seniority
        and person.seniority_awaits_confirmation
        and may_confirm_seniority(booker, person)
    ):
        confirm_seniority(person=person, confirmed_by=booker)
    return person, created
