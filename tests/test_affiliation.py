"""Who a person represents: by verified e-mail domain, or by the operations manager's decision."""

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.urls import reverse

from tests.factories import TrustFactory, UserFactory
from trusts import services
from trusts.models import AffiliationRequest

pytestmark = pytest.mark.django_db


def confirm(person):
    address = EmailAddress.objects.get(user=person)
    address.verified = True
    address.save()
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)


def test_confirming_an_address_on_a_trusts_domain_affiliates_the_person():
    trust = TrustFactory(domain="oxfordhealth.nhs.uk")
    person = UserFactory(email="sam.jones@oxfordhealth.nhs.uk", verified=False)
    confirm(person)
    person.refresh_from_db()
    assert person.trust == trust


def test_an_address_on_no_trusts_domain_leaves_the_person_unaffiliated():
    TrustFactory(domain="oxfordhealth.nhs.uk")
    person = UserFactory(email="sam@gmail.com", verified=False)
    confirm(person)
    person.refresh_from_db()
    assert person.trust is None


def test_a_lookalike_domain_does_not_affiliate():
    TrustFactory(domain="oxfordhealth.nhs.uk")
    person = UserFactory(email="sam@evil-oxfordhealth.nhs.uk", verified=False)
    confirm(person)
    person.refresh_from_db()
    assert person.trust is None


def test_approving_a_request_links_the_person(operations_manager):
    trust = TrustFactory()
    person = UserFactory(email="sam@gmail.com")
    request = services.request_affiliation(person=person, trust=trust)
    services.decide_affiliation(request=request, approve=True, decided_by=operations_manager)
    person.refresh_from_db()
    request.refresh_from_db()
    assert person.trust == trust
    assert (request.status, request.decided_by) == (
        AffiliationRequest.Status.APPROVED,
        operations_manager,
    )


def test_rejecting_a_request_leaves_the_person_unaffiliated(operations_manager):
    person = UserFactory(email="sam@gmail.com")
    request = services.request_affiliation(person=person, trust=TrustFactory())
    services.decide_affiliation(request=request, approve=False, decided_by=operations_manager)
    person.refresh_from_db()
    assert person.trust is None


def test_the_admin_queue_opens_on_pending_requests(admin_client):
    response = admin_client.get(reverse("admin:trusts_affiliationrequest_changelist"))
    assert response.status_code == 302
    assert response.url.endswith("?status__exact=pending")


def test_one_click_approval_in_the_admin(admin_client):
    trust = TrustFactory()
    person = UserFactory(email="sam@gmail.com", full_name="Sam Jones")
    request = services.request_affiliation(person=person, trust=trust)
    queue = admin_client.get(
        reverse("admin:trusts_affiliationrequest_changelist") + "?status__exact=pending"
    )
    approve_url = reverse("admin:trusts_affiliationrequest_decide", args=[request.pk, "approve"])
    assert f'formaction="{approve_url}"' in queue.content.decode()
    admin_client.post(approve_url)
    person.refresh_from_db()
    assert person.trust == trust


def _decide_with_referer(admin_client, referer):
    request = services.request_affiliation(person=UserFactory(), trust=TrustFactory())
    url = reverse("admin:trusts_affiliationrequest_decide", args=[request.pk, "reject"])
    return admin_client.post(url, headers={"referer": referer})


def test_one_click_decision_returns_to_the_queue_as_it_was_filtered(admin_client):
    queue = reverse("admin:trusts_affiliationrequest_changelist")
    response = _decide_with_referer(
        admin_client, f"http://testserver{queue}?status__exact=pending&q=jones"
    )
    assert response.url == f"{queue}?status__exact=pending&q=jones"


@pytest.mark.parametrize(
    "referer",
    [
        "https://elsewhere.example/admin/trusts/affiliationrequest/",
        "//elsewhere.example/admin/trusts/affiliationrequest/",
        "http://testserver/admin/collaborative/user/",
        "javascript:alert(1)",
    ],
    ids=["another site", "scheme-relative", "another admin page", "script"],
)
def test_one_click_decision_never_follows_another_referer(admin_client, referer):
    response = _decide_with_referer(admin_client, referer)
    assert response.url == reverse("admin:trusts_affiliationrequest_changelist")


def test_one_click_decision_ignores_get(admin_client):
    request = services.request_affiliation(person=UserFactory(), trust=TrustFactory())
    admin_client.get(
        reverse("admin:trusts_affiliationrequest_decide", args=[request.pk, "approve"])
    )
    request.refresh_from_db()
    assert request.status == AffiliationRequest.Status.PENDING


def test_setting_a_first_password_from_the_e_mailed_link_verifies_the_address(client, trust_a):
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    person = UserFactory(email="new.colleague@ta1.nhs.uk", trust=trust_a, verified=False)
    url = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(person),
            "key": default_token_generator.make_token(person),
        },
    )
    form_page = client.get(url, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "a-long-new-password-42", "password2": "a-long-new-password-42"},
    )
    assert EmailAddress.objects.get(user=person).verified
