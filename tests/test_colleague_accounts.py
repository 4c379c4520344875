"""Colleague accounts (workshops.booking.colleagues.find_or_create_colleague), one behaviour
per test."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction

from collaborative.people.models import FunctionalArea, User
from tests.factories import StakeholderBodyFactory, UserFactory
from workshops import refusals
from workshops.booking.colleagues import find_or_create_colleague

pytestmark = pytest.mark.django_db

HR = FunctionalArea.HR_WORKFORCE


def add(booker, email="lee.chan@ta1.nhs.uk", full_name="Lee Chan", **fields):
    fields.setdefault("job_title", "Director of Workforce")
    fields.setdefault("functional_area", HR)
    return find_or_create_colleague(booker=booker, email=email, full_name=full_name, **fields)


def test_a_new_colleague_gets_an_account_of_the_bookers_trust(director_a, trust_a):
    person, created = add(director_a)

    assert created
    assert (person.email, person.full_name, person.job_title, person.functional_area) == (
        "lee.chan@ta1.nhs.uk",
        "Lee Chan",
        "Director of Workforce",
        HR,
    )
    assert person.trust == trust_a


def test_a_new_colleague_account_has_no_usable_password(director_a):
    person, _ = add(director_a)

    assert not person.has_usable_password()


def test_a_new_colleague_address_is_not_yet_confirmed(director_a):
    person, _ = add(director_a)

    address = EmailAddress.objects.get(user=person)
    assert (address.email, address.primary, address.verified) == (person.email, True, False)


def test_the_address_is_matched_without_regard_to_case(director_a):
    person, created = add(director_a, email="Lee.Chan@TA1.nhs.uk")

    assert created
    assert person.email == "lee.chan@ta1.nhs.uk"


def test_the_set_up_email_goes_once_the_transaction_commits(
    director_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        add(director_a)
        assert mailoutbox == []

    assert len(callbacks) == 1
    assert [message.to for message in mailoutbox] == [["lee.chan@ta1.nhs.uk"]]
    assert "Jane Smith has set up your account" in mailoutbox[0].subject


def test_the_set_up_email_has_a_text_and_an_html_part(
    director_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add(director_a)

    message = mailoutbox[0]
    assert "Jane Smith of Avon Test NHS Trust" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert "choose a password</a>" in message.alternatives[0].content


def test_the_set_up_link_lets_the_colleague_choose_a_password(
    client, director_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add(director_a)
    link = urlsplit(re.search(r"https?://\S+", mailoutbox[0].body).group()).path

    page = client.get(link, follow=True)

    assert "Choose a new password" in page.text


def test_no_set_up_email_goes_when_the_transaction_is_rolled_back(
    director_a, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        add(director_a)
        raise RuntimeError("the booking was refused")

    assert mailoutbox == []
    assert not User.objects.filter(email="lee.chan@ta1.nhs.uk").exists()


def test_an_address_on_another_domain_is_refused_and_no_account_is_made(director_a):
    with pytest.raises(refusals.NotAColleague) as refusal:
        add(director_a, email="lee.chan@gmail.com")

    assert refusal.value.message == (
        "lee.chan@gmail.com is not an address at Avon Test NHS Trust: you can only book for "
        "colleagues of your own Trust."
    )
    assert not User.objects.filter(email="lee.chan@gmail.com").exists()


def test_an_address_on_another_trusts_domain_is_refused(director_a, trust_b):
    with pytest.raises(refusals.NotAColleague, match="is not an address at Avon Test NHS Trust"):
        add(director_a, email="lee.chan@tb1.nhs.uk")


def test_an_existing_person_of_another_trust_is_refused(director_a, director_b):
    with pytest.raises(refusals.NotAColleague, match="is not an address at Avon Test NHS Trust"):
        add(director_a, email=director_b.email)


def test_an_existing_stakeholder_representative_is_refused(director_a):
    person = UserFactory(stakeholder_body=StakeholderBodyFactory(), functional_area="")

    with pytest.raises(refusals.NotAColleague, match="is not an address at Avon Test NHS Trust"):
        add(director_a, email=person.email)


def test_an_existing_account_not_yet_linked_is_asked_to_confirm_first(director_a):
    person = UserFactory(email="new.starter@ta1.nhs.uk", full_name="New Starter", verified=False)

    with pytest.raises(refusals.NotAColleague) as refusal:
        add(director_a, email=person.email)

    assert refusal.value.message == (
        "New Starter has an account that is not linked to Avon Test NHS Trust yet. Ask them to "
        "confirm their e-mail address, then book again."
    )


def test_an_existing_colleague_is_found_and_keeps_their_own_details(director_a, trust_a):
    colleague = UserFactory(email="lee.chan@ta1.nhs.uk", full_name="Dr Lee Chan", trust=trust_a)

    person, created = add(director_a, full_name="Lee C", job_title="Something else")

    assert (person, created) == (colleague, False)
    person.refresh_from_db()
    assert (person.full_name, person.job_title) == ("Dr Lee Chan", "Director of Nursing")


def test_people_who_may_not_book_cannot_add_colleagues(trust_a):
    unverified = UserFactory(email="someone@ta1.nhs.uk", trust=trust_a, verified=False)

    with pytest.raises(refusals.NotVerified):
        add(unverified)
    assert not User.objects.filter(email="lee.chan@ta1.nhs.uk").exists()
