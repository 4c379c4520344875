"""Trusts as they are today, with their renames, mergers and acquisitions as they happened.

Each Trust fact comes with its source (``trusts.demo_data``), and the membership list
in ``docs/membership.md`` is written from the same data.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import MembershipFactory, TrustFactory
from trusts import demo_data
from trusts.models import Membership, Trust, TrustChange, TrustKind

pytestmark = pytest.mark.django_db

MEMBERSHIP_LIST = Path(settings.BASE_DIR) / "docs" / "membership.md"


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode()).replace("&#x27;", "'")


# Successors on the founding page ------------------------------------------------------


def test_the_founding_page_shows_the_tavistock_and_portman_now_part_of_its_successor(client, demo):
    page = text_of(client.get(reverse("trusts:founding")))

    assert "Tavistock and Portman NHS Foundation Trust" in page
    assert (
        "<strong>Now part of North London NHS Foundation Trust</strong>, since 1 April 2026" in page
    )


def test_the_founding_page_still_lists_seven_founders(client, demo):
    response = client.get(reverse("trusts:founding"))

    assert len(response.context["founding_trusts"]) == 7


def test_the_founding_page_shows_renames_and_acquisitions_of_founders(client, demo):
    page = text_of(client.get(reverse("trusts:founding")))

    assert "A founder as Lancashire Care NHS Foundation Trust" in page
    assert "Renamed from Lancashire Care NHS Foundation Trust on 1 October 2019" in page
    assert "Took over North West Boroughs Healthcare NHS Foundation Trust on 1 June 2021" in page


def test_a_founder_that_became_part_of_another_is_no_longer_a_member_in_its_own_right(demo):
    tavistock = Trust.objects.get(ods_code="RNK")

    assert tavistock.successor.name == "North London NHS Foundation Trust"
    assert tavistock.is_founding
    assert not tavistock.membership.is_active
    assert tavistock not in Trust.objects.members()


# Successors and former names on the member page ----------------------------------------


def test_the_member_page_lists_north_london_with_what_formed_it(client, demo):
    page = text_of(client.get(reverse("trusts:list")))

    assert "North London NHS Foundation Trust" in page
    assert (
        "Joined as Camden and Islington NHS Foundation Trust and Barnet, Enfield and Haringey "
        "Mental Health NHS Trust"
    ) in page
    assert "Merger with Camden and Islington NHS Foundation Trust on 1 November 2024" in page
    assert (
        "Merger with Barnet, Enfield and Haringey Mental Health NHS Trust on 1 November 2024"
        in page
    )
    assert "Took over Tavistock and Portman NHS Foundation Trust on 1 April 2026" in page


@pytest.mark.parametrize(
    ("ods_code", "joined_as", "change"),
    [
        (
            "TAJ",
            "Black Country Partnership NHS Foundation Trust and Dudley and Walsall Mental Health "
            "Partnership NHS Trust",
            "Renamed from Black Country Partnership NHS Foundation Trust on 1 April 2020",
        ),
        (
            "R1A",
            "Worcestershire Health and Care NHS Trust",
            "Renamed from Worcestershire Health and Care NHS Trust (date not recorded)",
        ),
        (
            "RTQ",
            "2gether NHS Foundation Trust",
            "Merger with Gloucestershire Care Services NHS Trust on 1 October 2019",
        ),
        (
            "RW1",
            "Southern Health NHS Foundation Trust and Solent NHS Trust",
            "Merger with Solent NHS Trust in October 2024",
        ),
        (
            "RH5",
            "Somerset Partnership NHS Foundation Trust",
            "Merger with Taunton and Somerset NHS Foundation Trust on 1 April 2020",
        ),
        (
            "RXY",
            "Kent and Medway NHS and Social Care Partnership Trust",
            "Renamed from Kent and Medway NHS and Social Care Partnership Trust on 13 October 2025",
        ),
        (
            "RX4",
            "Northumberland, Tyne and Wear NHS Foundation Trust",
            "Renamed from Northumberland, Tyne and Wear NHS Foundation Trust in October 2019",
        ),
    ],
)
def test_the_member_page_shows_the_name_a_trust_joined_as_and_what_changed(
    client, demo, ods_code, joined_as, change
):
    trust = Trust.objects.get(ods_code=ods_code)

    page = text_of(client.get(reverse("trusts:list"), {"q": ods_code}))

    assert trust.name in page
    assert f"Joined as {joined_as}" in page
    assert change in page


def test_no_member_is_shown_joining_under_a_name_it_did_not_have_in_2019(demo):
    """A Trust whose name dates from after its joining date joined under its earlier name."""
    for change in TrustChange.objects.filter(kind=TrustChange.Kind.RENAMED).select_related(
        "trust__membership"
    ):
        membership = change.trust.membership
        if change.changed_on is None or change.changed_on > membership.joined_on:
            assert change.former_name in membership.joined_as, change.trust


def test_childrens_trusts_are_not_listed_as_mental_health_trusts(client, demo):
    childrens = Trust.objects.filter(kind=TrustKind.CHILDRENS)

    page = text_of(client.get(reverse("trusts:list")))

    assert sorted(childrens.values_list("ods_code", flat=True)) == ["RBS", "RCU", "RQ3"]
    assert page.count("Children's Trust that runs CAMHS") == 3


def test_the_member_page_says_which_memberships_are_demonstration(client, demo):
    page = text_of(client.get(reverse("trusts:list")))

    assert "when they joined, is demonstration data" in page


def test_the_member_page_takes_as_many_queries_for_many_histories_as_for_one(
    client, django_assert_max_num_queries
):
    for n in range(20):
        trust = MembershipFactory().trust
        TrustChange.objects.create(
            trust=trust,
            kind=TrustChange.Kind.RENAMED,
            former_name=f"Old name {n}",
            source="A test",
        )
    with django_assert_max_num_queries(12):
        assert client.get(reverse("trusts:list")).status_code == 200


# Former e-mail domains ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "ods_code"),
    [
        ("someone@candi.nhs.uk", "G6V2S"),
        ("someone@tavi-port.nhs.uk", "G6V2S"),
        ("someone@southernhealth.nhs.uk", "RW1"),
        ("someone@solent.nhs.uk", "RW1"),
        ("someone@nwbh.nhs.uk", "RW4"),
        ("someone@bcpft.nhs.uk", "TAJ"),
        ("someone@sompar.nhs.uk", "RH5"),
        ("someone@glos-care.nhs.uk", "RTQ"),
        ("someone@lancashirecare.nhs.uk", "RW5"),
    ],
)
def test_former_domains_of_merged_trusts_belong_to_the_successor(demo, address, ods_code):
    assert Trust.objects.for_email(address).ods_code == ods_code


# Sources and the membership list --------------------------------------------------------


def test_every_change_in_a_trusts_history_says_where_it_comes_from(demo):
    changes = TrustChange.objects.all()

    assert changes.count() >= 15
    assert all(change.source.strip() for change in changes)


def test_every_trust_row_names_a_source_for_each_fact():
    for row, kind in demo_data.all_trusts():
        sources = demo_data.sources_of(row, kind)
        assert all(source.strip() for source in sources.values()), row["name"]
        for change in row.get("changes", ()):
            assert change["source"].strip(), row["name"]
        for domain, source in row.get("former_domains", ()):
            assert source.strip(), domain


def test_the_membership_list_document_is_the_data_as_it_stands():
    assert MEMBERSHIP_LIST.read_text() == demo_data.membership_list_markdown() + "\n"


def test_the_membership_list_gives_the_source_of_the_north_london_facts():
    document = MEMBERSHIP_LIST.read_text()

    section = document.split("### North London NHS Foundation Trust (G6V2S)", 1)[1]
    section = section.split("###", 1)[0]
    assert "Merged to form it: Camden and Islington NHS Foundation Trust (1 November 2024)" in (
        section
    )
    assert "Acquired by it: Tavistock and Portman NHS Foundation Trust (1 April 2026)" in section
    assert "Issue 14" in section


# The model --------------------------------------------------------------------------


def test_a_change_reads_as_a_sentence_with_its_date_as_recorded():
    trust = TrustFactory(name="New Name NHS Trust")

    def change(**fields):
        return TrustChange(trust=trust, former_name="Old Name NHS Trust", source="x", **fields)

    assert change(kind="renamed", changed_on=datetime.date(2025, 10, 13)).sentence == (
        "Renamed from Old Name NHS Trust on 13 October 2025"
    )
    assert change(
        kind="merged", changed_on=datetime.date(2024, 10, 1), month_only=True
    ).sentence == ("Merger with Old Name NHS Trust in October 2024")
    assert change(kind="acquired").sentence == ("Took over Old Name NHS Trust (date not recorded)")


def test_the_founding_page_names_the_successor_of_a_founder_that_merged(client):
    successor = MembershipFactory(trust__name="Successor NHS Foundation Trust").trust
    founder = MembershipFactory(
        trust__name="Founder NHS Trust", kind=Membership.Kind.FOUNDING, is_active=False
    ).trust
    founder.successor = successor
    founder.save()
    TrustChange.objects.create(
        trust=successor,
        kind=TrustChange.Kind.ACQUIRED,
        former_name=founder.name,
        former_trust=founder,
        changed_on=datetime.date(2026, 4, 1),
        source="A test",
    )

    page = text_of(client.get(reverse("trusts:founding")))

    assert "<strong>Now part of Successor NHS Foundation Trust</strong>, since 1 April 2026" in page
