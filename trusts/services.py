"""Affiliation: which organisation a person represents."""

from django.db import transaction
from django.utils import timezone

from trusts.models import AffiliationRequest, Trust


def affiliate_by_email_domain(person):
    """Link a person to the Trust whose e-mail domain their verified address is on.

    Returns the Trust, or None when the domain is no Trust's. People already
    affiliated keep their affiliation.
    """
    if person.trust_id or person.stakeholder_body_id:
        return person.trust
    trust = Trust.objects.for_email(person.email)
    if trust is None:
        return None
    person.trust = trust
    person.save(update_fields=["trust"])
    person.affiliation_requests.filter(status=AffiliationRequest.Status.PENDING).update(
        status=AffiliationRequest.Status.APPROVED, decided_at=timezone.now()
    )
    return trust


def request_affiliation(*, person, trust=None, stakeholder_body=None):
    """Ask the operations manager to link the person to an organisation (one request at a time)."""
    pending = AffiliationRequest.Status.PENDING
    with transaction.atomic():
        person.affiliation_requests.filter(status=pending).delete()
        return AffiliationRequest.objects.create(
            person=person, trust=trust, stakeholder_body=stakeholder_body
        )


@transaction.atomic
def decide_affiliation(*, request, approve, decided_by):
    """Approve (link the person) or reject a pending request. Deciding twice changes nothing."""
    request = AffiliationRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AffiliationRequest.Status.PENDING:
        return request
    request.status = (
        AffiliationRequest.Status.APPROVED if approve else AffiliationRequest.Status.REJECTED
    )
    request.decided_at = timezone.now()
    request.decided_by = decided_by
    request.save(update_fields=["status", "decided_at", "decided_by"])
    if approve:
        person = request.person
        person.trust = request.trust
        person.stakeholder_body = request.stakeholder_body
        person.save(update_fields=["trust", "stakeholder_body"])
    return request
