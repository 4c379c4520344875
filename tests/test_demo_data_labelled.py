"""Demonstration data is flagged in the database and labelled on every page, and the
people it makes up can receive no e-mail.

While any row ``load_demo`` made up is present, every page (the admin's too) carries a
banner saying so; ``remove_demo`` takes the made-up rows out and the banner goes, while
the Collaborative's own record stays.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from collaborative.demo_data import DEMO_ACCOUNTS
from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from collaborative.outbox.reserved_domains import is_reserved
from collaborative.people.models import User
from demo import registry, removal
from demo.models import DemoRecord
from tests.factories import UserFactory, WorkshopFactory
from trusts.models import EmailDomain, Membership, Trust
from workshops.models import AgendaItem, Booking, TopicProposal, Workshop

pytestmark = pytest.mark.django_db

BANNER = "This copy of the portal holds demonstration data"
PAGES = ["home", "about", "trusts:founding", "trusts:list", "workshops:programme", "news"]


def load_demo(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


# The banner ---------------------------------------------------------------------


@pytest.mark.parametrize("url_name", PAGES)
def test_no_banner_without_demonstration_data(client, url_name):
    WorkshopFactory()

    assert BANNER not in client.get(reverse(url_name)).content.decode()


@pytest.mark.parametrize("url_name", PAGES)
def test_every_page_carries_the_banner_while_demonstration_data_is_present(client, demo, url_name):
    page = client.get(reverse(url_name)).content.decode()

    assert BANNER in page
    assert 'class="nhsuk-notification-banner"' in page


def test_the_banner_names_what_is_made_up(client, demo):
    page = re.sub(r"\s+", " ", client.get(reverse("home")).content.decode())

    for made_up in ["people", "bookings and attendance", "which Trusts are members", "ahead"]:
        assert made_up in page


def test_the_admin_says_so_too(admin_client, demo):
    page = admin_client.get(reverse("admin:index")).content.decode()

    assert "This database holds demonstration data" in page
    assert reverse("admin:demo_demorecord_changelist") in page


def test_the_banner_goes_when_the_demonstration_data_is_removed(client, demo):
    call_command("remove_demo", stdout=StringIO())

    for url_name in PAGES:
        assert BANNER not in client.get(reverse(url_name)).content.decode(), url_name


def test_load_demo_remove_removes_it_too(client, demo):
    printed = load_demo("--remove")

    assert printed.startswith("Demonstration data removed:")
    assert not registry.present()
    assert BANNER not in client.get(reverse("home")).content.decode()


# What is flagged, and what removal keeps ----------------------------------------------


def test_every_made_up_row_is_flagged_in_the_database(demo):
    def flagged(model):
        return registry.keys(model)

    assert {str(pk) for pk in User.objects.values_list("pk", flat=True)} == flagged(User)
    assert {str(pk) for pk in Booking.objects.values_list("pk", flat=True)} == flagged(Booking)
    members = Membership.objects.filter(kind=Membership.Kind.MEMBER)
    assert {str(pk) for pk in members.values_list("pk", flat=True)} == flagged(Membership)
    ahead = Workshop.objects.upcoming()
    assert {str(pk) for pk in ahead.values_list("pk", flat=True)} == flagged(Workshop)
    agenda_ahead = AgendaItem.objects.filter(workshop__in=ahead)
    assert {str(pk) for pk in agenda_ahead.values_list("pk", flat=True)} == flagged(AgendaItem)
    assert {str(pk) for pk in TopicProposal.objects.values_list("pk", flat=True)} == flagged(
        TopicProposal
    )
    demo_domains = EmailDomain.objects.filter(domain__endswith=".test")
    assert {str(pk) for pk in demo_domains.values_list("pk", flat=True)} == flagged(EmailDomain)


def test_the_record_is_never_flagged(demo):
    assert not registry.keys(Membership) & {
        str(pk)
        for pk in Membership.objects.filter(kind=Membership.Kind.FOUNDING).values_list(
            "pk", flat=True
        )
    }
    assert not registry.keys(Workshop) & {
        str(pk) for pk in Workshop.objects.public().past().values_list("pk", flat=True)
    }


def test_removal_keeps_the_collaboratives_record(demo):
    trusts = Trust.objects.count()

    counts = removal.remove()

    assert counts["people"] >= len(DEMO_ACCOUNTS)
    assert Trust.objects.count() == trusts
    assert Trust.objects.founding().count() == 7
    assert not Membership.objects.filter(kind=Membership.Kind.MEMBER).exists()
    assert Workshop.objects.public().past().count() == 10
    assert not Workshop.objects.upcoming().exists()
    assert not User.objects.exists()
    assert not Booking.objects.exists()
    assert not EmailDomain.objects.filter(domain__endswith=".test").exists()
    assert EmailDomain.objects.filter(domain="oxfordhealth.nhs.uk").exists()
    assert not DemoRecord.objects.exists()


def test_removal_takes_bookings_made_at_a_made_up_workshop_while_trying_the_portal(demo):
    real = UserFactory(email="real.person@example.org", trust=Trust.objects.get(ods_code="RV5"))
    workshop = Workshop.objects.get(status=Workshop.Status.OPEN)
    Booking.objects.create(
        workshop=workshop,
        person=real,
        trust=real.trust,
        functional_area=real.functional_area,
    )

    removal.remove()

    assert User.objects.filter(pk=real.pk).exists()
    assert not Booking.objects.exists()


def test_loading_again_after_removal_brings_the_demonstration_back(demo):
    removal.remove()

    load_demo()

    assert registry.present()
    assert User.objects.filter(email=DEMO_ACCOUNTS[0].email).exists()


# Addresses and e-mail ---------------------------------------------------------------


def test_no_demonstration_address_is_on_a_deliverable_domain(demo):
    for account in DEMO_ACCOUNTS:
        assert is_reserved(account.email), account.email
    made_up = User.objects.filter(pk__in=registry.keys(User))
    assert made_up.count() > 50
    assert all(is_reserved(person.email) for person in made_up)
    assert not User.objects.filter(email__startswith="demo.").exclude(email__endswith=".test")


def test_the_demonstration_domains_affiliate_people_with_their_trust(demo):
    slam = Trust.objects.get(ods_code="RV5")

    assert Trust.objects.for_email("demo.nursing@slam.nhs.test") == slam
    assert User.objects.get(email="demo.nursing@slam.nhs.test").trust == slam


def test_a_later_load_moves_addresses_an_earlier_load_put_on_real_domains(db):
    old = UserFactory(email="demo.nursing@slam.nhs.uk")

    load_demo()

    old.refresh_from_db()
    assert old.email == "demo.nursing@slam.nhs.test"
    assert not User.objects.filter(email__endswith="slam.nhs.uk").exists()


@pytest.mark.parametrize(
    "address",
    [
        "demo.nursing@slam.nhs.test",
        "someone@example",
        "someone@nowhere.invalid",
        "someone@localhost",
        "SOMEONE@CWP.NHS.TEST.",
    ],
)
def test_reserved_addresses_are_recognised(address):
    assert is_reserved(address)


@pytest.mark.parametrize("address", ["director@slam.nhs.uk", "someone@nhs.net", "a@test.nhs.uk"])
def test_real_addresses_are_not_reserved(address):
    assert not is_reserved(address)


def test_the_portal_refuses_to_send_to_a_reserved_domain():
    made_up = UserFactory(email="demo.nursing@slam.nhs.test")
    real = UserFactory(email="director@slam.nhs.uk")

    mail.record(
        [
            OutgoingEmail(kind=OutgoingEmail.Kind.REMINDER, key="k:made-up", recipient=made_up),
            OutgoingEmail(kind=OutgoingEmail.Kind.REMINDER, key="k:real", recipient=real),
            OutgoingEmail(
                kind=OutgoingEmail.Kind.ACCOUNT,
                key="k:to-address",
                recipient=real,
                to_address="new.address@cwp.nhs.test",
            ),
        ]
    )

    assert list(OutgoingEmail.objects.values_list("key", flat=True)) == ["k:real"]


def test_a_booking_message_to_a_made_up_person_is_never_recorded(demo):
    from workshops.booking.rules import book_place

    person = User.objects.get(email="demo.od@cwp.nhs.test")
    workshop = Workshop.objects.get(status=Workshop.Status.OPEN)

    book_place(workshop=workshop, person=person, booked_by=person)

    assert not OutgoingEmail.objects.filter(recipient=person).exists()
