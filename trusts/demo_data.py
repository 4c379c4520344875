"""The Trusts, their histories and memberships, and the stakeholder bodies.

This module is the portal's membership list: each Trust's facts come with where
they come from (``SOURCES`` and each row's ``sources``), and ``docs/membership.md``
is written from it (``membership_list_markdown``; a test keeps the two the same).

What is fact and what is demonstration:

- The Trusts themselves (names, NHS ODS codes, regions, websites, e-mail domains,
  what kind of Trust each is) and their renames, mergers and acquisitions are facts,
  each with its source.
- The seven founding Trusts and their membership from April 2017 are the
  Collaborative's own record (the seeds). The seeds give the month, not the day:
  the first of the month stands in, and the pages show only the year.
- Which other Trusts are members, and when they joined, is not recorded: the seeds
  say only that the remaining mental health Trusts were invited in 2019. Those
  memberships are demonstration data, flagged as such in the database, and joined
  under the names the Trusts had in April 2019.
- Each Trust also gets a demonstration e-mail domain on the reserved ``.test`` name
  (``slam.nhs.uk`` gives ``slam.nhs.test``), flagged as demonstration data, so that
  the fictional people's addresses affiliate them as real staff's would, and no
  e-mail can reach anyone.

Many NHS staff write from nhs.net, which every NHS organisation shares and which so
cannot affiliate anyone with one Trust; a Trust whose staff use only nhs.net (North
London NHS Foundation Trust, for example) has no domain of its own here.
"""

import datetime

from demo.registry import flag, sync
from trusts.models import (
    EmailDomain,
    Membership,
    Region,
    StakeholderBody,
    Trust,
    TrustChange,
    TrustKind,
)

# The seeds: "signed off by the seven founding Trusts in April 2017".
FOUNDED_ON = datetime.date(2017, 4, 1)
# Demonstration: the seeds say the remaining Trusts were invited in 2019, not when each
# joined. One stand-in date, early in 2019, so that each joins under its 2019 name.
MEMBERS_JOINED_ON = datetime.date(2019, 4, 1)
DEMO_DOMAIN_SUFFIX = ".nhs.test"

# Where the facts come from. Web pages are as stored by the search index the issue's
# work used; each was read for the fact it is cited for.
SEEDS_FOUNDING = "The Collaborative's pages (seeds): collaborative-founding.txt"
SEEDS_ABOUT = "The Collaborative's pages (seeds): collaborative-about-2022.txt"
ISSUE_14 = "Issue 14 of the portal, which records the Trust mergers to reflect"
EARLIER_LIST = (
    "The portal's earlier Trust list, compiled from NHS organisation data; "
    "not re-checked in issue 14"
)
SOURCES = {
    "nlft-formed": "https://northlondonmentalhealth.nhs.uk/your-privacy-and-information",
    "nlft-merger": "https://candi-website.verseonecloud.com/news/new-trust-update-5206",
    "nlft-ods": (
        "G6V2S as given for North London NHS Foundation Trust by a third-party NHS Trust "
        "directory (a public repository's ODS data); not checked against the ODS register"
    ),
    "nlft-website": "https://www.northlondonmentalhealth.nhs.uk/meetings-and-papers/",
    "nlft-nhs-net": (
        "https://northlondonmentalhealth.nhs.uk/your-privacy-and-information "
        "(its addresses are on nhs.net)"
    ),
    "candi-mail": "http://candi.nhs.uk/freedom-of-information (addresses @candi.nhs.uk)",
    "tavistock-acquisition": (
        "Issue 14 (acquisition announced for 1 April 2026); the two Trusts' joint statement "
        "of 1 April 2025 as reported at https://todayheadline.co/two-london-mental-health-"
        "trusts-announce-merger-plans/"
    ),
    "mersey-care-nwbh": "https://www.merseycare.nhs.uk/nwbh-publications-reports",
    "nwbh-gmmh": "https://nwb-extranet.frank-digital.co.uk/gmmh-frequently-asked-questions/background",
    "nwbh-website": "https://wikimili.com/en/North_West_Boroughs_Healthcare_NHS_Foundation_Trust",
    "black-country": "https://en.wikipedia.org/wiki/Black_Country_Healthcare_NHS_Foundation_Trust",
    "black-country-transfer": "https://join-bchft.org.uk/about-trust",
    "bcpft-website": "http://www.bcpft.nhs.uk/about-us/news-and-events",
    "herefordshire": (
        "https://hacw.nhs.uk/news/trust-to-run-herefordshire-mental-health-and-learning-"
        "disability-services-1281"
    ),
    "gloucestershire": "https://www.gloucesterbid.uk/news/nhs-trusts-to-merge/",
    "gloucestershire-cqc": "https://dev.cqc.org.uk/provider/RTQ/inspection-summary",
    "glos-care-website": "https://www.glos-care.nhs.uk/news?start=8",
    "hiow": "https://hiowhealthcare.nhs.uk/about-us/trust",
    "hiow-launch": (
        "https://onthewight.com/new-nhs-trust-launches-to-unite-healthcare-services-in-"
        "hampshire-and-isle-of-wight"
    ),
    "southern-mail": (
        "https://www.southernhealth.nhs.uk/contact-us/freedom-of-information/make-an-foi-"
        "request/ (addresses @southernhealth.nhs.uk)"
    ),
    "solent-mail": (
        "http://solent.nhs.uk/page.asp?fldArea=2&fldMenu=2&fldSubMenu=0&fldKey=82 "
        "(addresses @solent.nhs.uk)"
    ),
    "somerset-2020": (
        "https://www.somersetft.nhs.uk/?news=two-somerset-nhs-trusts-merge-to-create-unique-"
        "provider-of-nhs-services"
    ),
    "somerset-2023": (
        "https://www.somersetft.nhs.uk/?news=two-somerset-nhs-trusts-merge-to-create-unique-"
        "nhs-trust"
    ),
    "somerset-services": "https://www.somersetft.nhs.uk/about-us/",
    "sompar-website": "http://www.sompar.nhs.uk/who-we-are/publication-scheme/",
    "tsft-website": (
        "https://www.tsft.nhs.uk/about-your-hospital/why-we-want-to-merge-with-somerset-"
        "partnership/"
    ),
    "kent-and-medway": "https://www.kentmedwaymentalhealth.nhs.uk/about-us/new-identity",
    "lancashire": "https://www.lscft.nhs.uk/about-us",
    "cntw": "https://www.cntw.nhs.uk/about/trust/who-we-are/",
    "cntw-renamed": (
        "https://en.wikipedia.org/wiki/Cumbria,_Northumberland,_Tyne_and_Wear_NHS_Foundation_Trust"
    ),
}


def founding(name, ods_code, region, website, domains, **extra):
    return {"name": name, "ods_code": ods_code, "region": region, "website": website,
            "domains": domains, **extra}  # fmt: skip


# The seven Trusts that signed the Collaborative off in April 2017, as the seeds name them
# ("named_in_seeds") and under today's names.
FOUNDING_TRUSTS = (
    founding(
        "Avon and Wiltshire Mental Health Partnership NHS Trust",
        "RVN",
        Region.SOUTH_WEST,
        "https://www.awp.nhs.uk",
        ("awp.nhs.uk",),
        named_in_seeds="Avon and Wiltshire Partnership Trust",
    ),
    founding(
        "Birmingham and Solihull Mental Health NHS Foundation Trust",
        "RXT",
        Region.MIDLANDS,
        "https://www.bsmhft.nhs.uk",
        ("bsmhft.nhs.uk",),
    ),
    founding(
        # The same organisation, under the same ODS code, renamed when it took on South
        # Cumbria's mental health services: one Trust here, with its old name recorded.
        "Lancashire and South Cumbria NHS Foundation Trust",
        "RW5",
        Region.NORTH_WEST,
        "https://www.lscft.nhs.uk",
        ("lscft.nhs.uk", "lancashirecare.nhs.uk"),
        named_in_seeds="Lancashire Care NHS Foundation Trust",
        joined_as="Lancashire Care NHS Foundation Trust",
        changes=(
            {
                "kind": TrustChange.Kind.RENAMED,
                "former_name": "Lancashire Care NHS Foundation Trust",
                "changed_on": datetime.date(2019, 10, 1),
                "note": "When it took on mental health and learning disability services in "
                "South Cumbria.",
                "source": SOURCES["lancashire"],
            },
        ),
        sources={"lancashirecare.nhs.uk (its domain as Lancashire Care)": EARLIER_LIST},
    ),
    founding(
        "Mersey Care NHS Foundation Trust",
        "RW4",
        Region.NORTH_WEST,
        "https://www.merseycare.nhs.uk",
        ("merseycare.nhs.uk",),
        former_domains=(("nwbh.nhs.uk", SOURCES["nwbh-website"]),),
        changes=(
            {
                "kind": TrustChange.Kind.ACQUIRED,
                "former_name": "North West Boroughs Healthcare NHS Foundation Trust",
                "changed_on": datetime.date(2021, 6, 1),
                "note": "Its Wigan, Bolton and Greater Manchester services had gone to Greater "
                "Manchester Mental Health NHS Foundation Trust on 1 April 2021.",
                "source": SOURCES["mersey-care-nwbh"],
            },
        ),
    ),
    founding(
        "Nottinghamshire Healthcare NHS Foundation Trust",
        "RHA",
        Region.MIDLANDS,
        "https://www.nottinghamshirehealthcare.nhs.uk",
        ("nottshc.nhs.uk",),
    ),
    founding(
        "Oxford Health NHS Foundation Trust",
        "RNU",
        Region.SOUTH_EAST,
        "https://www.oxfordhealth.nhs.uk",
        ("oxfordhealth.nhs.uk",),
    ),
    founding(
        # Part of North London NHS Foundation Trust since 1 April 2026: its record stays, as
        # a founder, naming its successor; its domain and membership pass to the successor.
        "Tavistock and Portman NHS Foundation Trust",
        "RNK",
        Region.LONDON,
        "https://tavistockandportman.nhs.uk",
        (),
        successor="G6V2S",
        demo_domain="tavi-port",
        sources={
            "part of North London NHS Foundation Trust since 1 April 2026": SOURCES[
                "tavistock-acquisition"
            ],
            "its e-mail domain tavi-port.nhs.uk, now North London's": EARLIER_LIST,
        },
    ),
)


def member(name, ods_code, region, website, domains, **extra):
    return {"name": name, "ods_code": ods_code, "region": region, "website": website,
            "domains": domains, **extra}  # fmt: skip


# Today's NHS Trusts in England that provide mental health services, other than the
# founders. Names, ODS codes, regions, websites and domains are from the earlier list
# (EARLIER_LIST) unless a row's ``sources`` say otherwise.
MEMBER_TRUSTS = (
    # London
    member(
        "North London NHS Foundation Trust",
        "G6V2S",
        Region.LONDON,
        "https://www.northlondonmentalhealth.nhs.uk",
        (),
        former_domains=(
            ("candi.nhs.uk", SOURCES["candi-mail"]),
            ("tavi-port.nhs.uk", f"{EARLIER_LIST} (the Tavistock and Portman's domain)"),
        ),
        joined_as="Camden and Islington NHS Foundation Trust and Barnet, Enfield and "
        "Haringey Mental Health NHS Trust",
        demo_domain="northlondonmentalhealth",
        changes=(
            {
                "kind": TrustChange.Kind.MERGED,
                "former_name": "Camden and Islington NHS Foundation Trust",
                "changed_on": datetime.date(2024, 11, 1),
                "note": "North London NHS Foundation Trust was formed that day.",
                "source": SOURCES["nlft-merger"],
            },
            {
                "kind": TrustChange.Kind.MERGED,
                "former_name": "Barnet, Enfield and Haringey Mental Health NHS Trust",
                "changed_on": datetime.date(2024, 11, 1),
                "note": "North London NHS Foundation Trust was formed that day.",
                "source": SOURCES["nlft-merger"],
            },
            {
                "kind": TrustChange.Kind.ACQUIRED,
                "former_name": "Tavistock and Portman NHS Foundation Trust",
                "former_trust": "RNK",
                "changed_on": datetime.date(2026, 4, 1),
                "note": "A founding Trust of the Collaborative.",
                "source": SOURCES["tavistock-acquisition"],
            },
        ),
        sources={
            # Not in the earlier list: every fact of this row has its own source.
            "name, ODS code, region, website, e-mail domain": (
                f"name and formation on 1 November 2024: {ISSUE_14}; {SOURCES['nlft-formed']}. "
                f"ODS code: {SOURCES['nlft-ods']}. Region: London, where its own pages place "
                f"it ({SOURCES['nlft-formed']}). Website: {SOURCES['nlft-website']}. No e-mail "
                f"domain of its own: {SOURCES['nlft-nhs-net']}"
            ),
        },
    ),
    member(
        "Central and North West London NHS Foundation Trust",
        "RV3",
        Region.LONDON,
        "https://www.cnwl.nhs.uk",
        ("cnwl.nhs.uk",),
    ),
    member(
        "South London and Maudsley NHS Foundation Trust",
        "RV5",
        Region.LONDON,
        "https://slam.nhs.uk",
        ("slam.nhs.uk",),
    ),
    member(
        "South West London and St George's Mental Health NHS Trust",
        "RQY",
        Region.LONDON,
        "https://www.swlstg.nhs.uk",
        ("swlstg.nhs.uk",),
    ),
    member(
        "East London NHS Foundation Trust",
        "RWK",
        Region.LONDON,
        "https://www.elft.nhs.uk",
        ("elft.nhs.uk",),
    ),
    member(
        "West London NHS Trust",
        "RKL",
        Region.LONDON,
        "https://www.westlondon.nhs.uk",
        ("westlondon.nhs.uk",),
    ),
    member(
        "Oxleas NHS Foundation Trust",
        "RPG",
        Region.LONDON,
        "https://oxleas.nhs.uk",
        ("oxleas.nhs.uk",),
    ),
    member(
        "North East London NHS Foundation Trust",
        "RAT",
        Region.LONDON,
        "https://www.nelft.nhs.uk",
        ("nelft.nhs.uk",),
    ),
    # North West
    member(
        "Cheshire and Wirral Partnership NHS Foundation Trust",
        "RXA",
        Region.NORTH_WEST,
        "https://www.cwp.nhs.uk",
        ("cwp.nhs.uk",),
    ),
    member(
        "Greater Manchester Mental Health NHS Foundation Trust",
        "RXV",
        Region.NORTH_WEST,
        "https://www.gmmh.nhs.uk",
        ("gmmh.nhs.uk",),
        changes=(
            {
                "kind": TrustChange.Kind.SERVICES,
                "former_name": "North West Boroughs Healthcare NHS Foundation Trust",
                "changed_on": datetime.date(2021, 4, 1),
                "note": "Its Wigan, Bolton and Greater Manchester services.",
                "source": SOURCES["nwbh-gmmh"],
            },
        ),
    ),
    member(
        "Pennine Care NHS Foundation Trust",
        "RT2",
        Region.NORTH_WEST,
        "https://www.penninecare.nhs.uk",
        ("penninecare.nhs.uk",),
    ),
    member(
        "Alder Hey Children's NHS Foundation Trust",
        "RBS",
        Region.NORTH_WEST,
        "https://www.alderhey.nhs.uk",
        ("alderhey.nhs.uk",),
        kind=TrustKind.CHILDRENS,
        sources={"kind": ISSUE_14},
    ),
    # North East and Yorkshire
    member(
        "Cumbria, Northumberland, Tyne and Wear NHS Foundation Trust",
        "RX4",
        Region.NORTH_EAST_YORKSHIRE,
        "https://www.cntw.nhs.uk",
        ("cntw.nhs.uk",),
        joined_as="Northumberland, Tyne and Wear NHS Foundation Trust",
        changes=(
            {
                "kind": TrustChange.Kind.RENAMED,
                "former_name": "Northumberland, Tyne and Wear NHS Foundation Trust",
                "changed_on": datetime.date(2019, 10, 1),
                "month_only": True,
                "note": "When North Cumbria's mental health and learning disability services "
                "came to it.",
                "source": f"{SOURCES['cntw-renamed']}; {SOURCES['cntw']}",
            },
        ),
    ),
    member(
        "Tees, Esk and Wear Valleys NHS Foundation Trust",
        "RX3",
        Region.NORTH_EAST_YORKSHIRE,
        "https://www.tewv.nhs.uk",
        ("tewv.nhs.uk",),
    ),
    member(
        "Leeds and York Partnership NHS Foundation Trust",
        "RGD",
        Region.NORTH_EAST_YORKSHIRE,
        "https://www.leedsandyorkpft.nhs.uk",
        ("leedsandyorkpft.nhs.uk",),
    ),
    member(
        "South West Yorkshire Partnership Teaching NHS Foundation Trust",
        "RXG",
        Region.NORTH_EAST_YORKSHIRE,
        "https://www.southwestyorkshire.nhs.uk",
        ("swyt.nhs.uk",),
    ),
    member(
        "Bradford District Care NHS Foundation Trust",
        "TAD",
        Region.NORTH_EAST_YORKSHIRE,
        "https://www.bdct.nhs.uk",
        ("bdct.nhs.uk",),
    ),
    member(
        "Rotherham Doncaster and South Humber NHS Foundation Trust",
        "RXE",
        Region.NORTH_EAST_YORKSHIRE,
        "https://www.rdash.nhs.uk",
        ("rdash.nhs.uk",),
    ),
    member(
        "Sheffield Health Partnership University NHS Foundation Trust",
        "TAH",
        Region.NORTH_EAST_YORKSHIRE,
        "https://www.shsc.nhs.uk",
        ("shsc.nhs.uk",),
        sources={
            "name": f"{EARLIER_LIST}. To check: the sources stored for issue 14 know it as "
            "Sheffield Health and Social Care NHS Foundation Trust, and record no rename",
        },
    ),
    member(
        "Humber Teaching NHS Foundation Trust",
        "RV9",
        Region.NORTH_EAST_YORKSHIRE,
        "https://www.humber.nhs.uk",
        ("humber.nhs.uk",),
    ),
    member(
        "Sheffield Children's NHS Foundation Trust",
        "RCU",
        Region.NORTH_EAST_YORKSHIRE,
        "https://www.sheffieldchildrens.nhs.uk",
        ("sheffieldchildrens.nhs.uk",),
        kind=TrustKind.CHILDRENS,
        sources={"kind": ISSUE_14},
    ),
    # Midlands
    member(
        "Derbyshire Healthcare NHS Foundation Trust",
        "RXM",
        Region.MIDLANDS,
        "https://www.derbyshirehealthcareft.nhs.uk",
        ("derbyshirehealthcareft.nhs.uk",),
    ),
    member(
        "Leicestershire Partnership NHS Trust",
        "RT5",
        Region.MIDLANDS,
        "https://www.leicspart.nhs.uk",
        ("leicspart.nhs.uk",),
    ),
    member(
        "Coventry and Warwickshire Partnership NHS Trust",
        "RYG",
        Region.MIDLANDS,
        "https://www.covwarkpt.nhs.uk",
        ("covwarkpt.nhs.uk",),
    ),
    member(
        "North Staffordshire Combined Healthcare NHS Trust",
        "RLY",
        Region.MIDLANDS,
        "https://www.combined.nhs.uk",
        ("combined.nhs.uk",),
    ),
    member(
        "Midlands Partnership University NHS Foundation Trust",
        "RRE",
        Region.MIDLANDS,
        "https://www.mpft.nhs.uk",
        ("mpft.nhs.uk",),
    ),
    member(
        "Herefordshire and Worcestershire Health and Care NHS Trust",
        "R1A",
        Region.MIDLANDS,
        "https://www.hacw.nhs.uk",
        ("hacw.nhs.uk",),
        joined_as="Worcestershire Health and Care NHS Trust",
        changes=(
            {
                "kind": TrustChange.Kind.RENAMED,
                "former_name": "Worcestershire Health and Care NHS Trust",
                "note": "Its name when, in April 2020, it took over Herefordshire's mental "
                "health and learning disability services from Gloucestershire Health and Care "
                "NHS Foundation Trust; the date of the new name is not recorded.",
                "source": SOURCES["herefordshire"],
            },
            {
                "kind": TrustChange.Kind.SERVICES,
                "former_name": "Gloucestershire Health and Care NHS Foundation Trust",
                "changed_on": datetime.date(2020, 4, 1),
                "month_only": True,
                "note": "Herefordshire's mental health and learning disability services.",
                "source": SOURCES["herefordshire"],
            },
        ),
    ),
    member(
        "Black Country Healthcare NHS Foundation Trust",
        "TAJ",
        Region.MIDLANDS,
        "https://www.blackcountryhealthcare.nhs.uk",
        ("blackcountryhealthcare.nhs.uk",),
        former_domains=(("bcpft.nhs.uk", SOURCES["bcpft-website"]),),
        joined_as="Black Country Partnership NHS Foundation Trust and Dudley and Walsall "
        "Mental Health Partnership NHS Trust",
        changes=(
            {
                "kind": TrustChange.Kind.RENAMED,
                "former_name": "Black Country Partnership NHS Foundation Trust",
                "changed_on": datetime.date(2020, 4, 1),
                "source": f"{SOURCES['black-country']}; {SOURCES['black-country-transfer']}",
            },
            {
                "kind": TrustChange.Kind.MERGED,
                "former_name": "Dudley and Walsall Mental Health Partnership NHS Trust",
                "changed_on": datetime.date(2020, 4, 1),
                "source": f"{SOURCES['black-country']}; {SOURCES['black-country-transfer']}",
            },
        ),
    ),
    member(
        "Northamptonshire Healthcare NHS Foundation Trust",
        "RP1",
        Region.MIDLANDS,
        "https://www.nhft.nhs.uk",
        ("nhft.nhs.uk",),
    ),
    member(
        "Lincolnshire Partnership NHS Foundation Trust",
        "RP7",
        Region.MIDLANDS,
        "https://www.lpft.nhs.uk",
        ("lpft.nhs.uk",),
    ),
    member(
        "Birmingham Women's and Children's NHS Foundation Trust",
        "RQ3",
        Region.MIDLANDS,
        "https://bwc.nhs.uk",
        ("bwc.nhs.uk",),
        kind=TrustKind.CHILDRENS,
        sources={"kind": ISSUE_14},
    ),
    # East of England
    member(
        "Hertfordshire Partnership University NHS Foundation Trust",
        "RWR",
        Region.EAST_OF_ENGLAND,
        "https://www.hpft.nhs.uk",
        ("hpft.nhs.uk",),
    ),
    member(
        "Cambridgeshire and Peterborough NHS Foundation Trust",
        "RT1",
        Region.EAST_OF_ENGLAND,
        "https://www.cpft.nhs.uk",
        ("cpft.nhs.uk",),
    ),
    member(
        "Norfolk and Suffolk NHS Foundation Trust",
        "RMY",
        Region.EAST_OF_ENGLAND,
        "https://www.nsft.nhs.uk",
        ("nsft.nhs.uk",),
    ),
    member(
        "Essex Partnership University NHS Foundation Trust",
        "R1L",
        Region.EAST_OF_ENGLAND,
        "https://eput.nhs.uk",
        ("eput.nhs.uk",),
    ),
    # South East
    member(
        "Sussex Partnership NHS Foundation Trust",
        "RX2",
        Region.SOUTH_EAST,
        "https://www.sussexpartnership.nhs.uk",
        ("sussexpartnership.nhs.uk",),
    ),
    member(
        "Kent and Medway Mental Health NHS Trust",
        "RXY",
        Region.SOUTH_EAST,
        "https://www.kentmedwaymentalhealth.nhs.uk",
        ("kmpt.nhs.uk",),
        joined_as="Kent and Medway NHS and Social Care Partnership Trust",
        changes=(
            {
                "kind": TrustChange.Kind.RENAMED,
                "former_name": "Kent and Medway NHS and Social Care Partnership Trust",
                "changed_on": datetime.date(2025, 10, 13),
                "source": f"{ISSUE_14} (October 2025); {SOURCES['kent-and-medway']}",
            },
        ),
    ),
    member(
        "Surrey and Borders Partnership NHS Foundation Trust",
        "RXX",
        Region.SOUTH_EAST,
        "https://www.sabp.nhs.uk",
        ("sabp.nhs.uk",),
    ),
    member(
        "Berkshire Healthcare NHS Foundation Trust",
        "RWX",
        Region.SOUTH_EAST,
        "https://www.berkshirehealthcare.nhs.uk",
        ("berkshirehealthcare.nhs.uk",),
    ),
    member(
        "Hampshire and Isle of Wight Healthcare NHS Foundation Trust",
        "RW1",
        Region.SOUTH_EAST,
        "https://hiowhealthcare.nhs.uk",
        ("hiowhealthcare.nhs.uk",),
        former_domains=(
            ("southernhealth.nhs.uk", SOURCES["southern-mail"]),
            ("solent.nhs.uk", SOURCES["solent-mail"]),
        ),
        joined_as="Southern Health NHS Foundation Trust and Solent NHS Trust",
        changes=(
            {
                "kind": TrustChange.Kind.RENAMED,
                "former_name": "Southern Health NHS Foundation Trust",
                "changed_on": datetime.date(2024, 10, 1),
                "month_only": True,
                "source": f"{SOURCES['hiow']}; {SOURCES['hiow-launch']}",
            },
            {
                "kind": TrustChange.Kind.MERGED,
                "former_name": "Solent NHS Trust",
                "changed_on": datetime.date(2024, 10, 1),
                "month_only": True,
                "source": f"{SOURCES['hiow']}; {SOURCES['hiow-launch']}",
            },
            {
                "kind": TrustChange.Kind.SERVICES,
                "former_name": "Isle of Wight NHS Trust",
                "changed_on": datetime.date(2024, 10, 1),
                "month_only": True,
                "note": "Its community, mental health and learning disability services.",
                "source": f"{SOURCES['hiow']}; {SOURCES['hiow-launch']}",
            },
        ),
    ),
    # South West
    member(
        "Cornwall Partnership NHS Foundation Trust",
        "RJ8",
        Region.SOUTH_WEST,
        "https://www.cornwallft.nhs.uk",
        ("cornwallft.nhs.uk",),
    ),
    member(
        "Devon Partnership NHS Trust",
        "RWV",
        Region.SOUTH_WEST,
        "https://www.dpt.nhs.uk",
        ("dpt.nhs.uk",),
    ),
    member(
        "Gloucestershire Health and Care NHS Foundation Trust",
        "RTQ",
        Region.SOUTH_WEST,
        "https://www.ghc.nhs.uk",
        ("ghc.nhs.uk",),
        former_domains=(("glos-care.nhs.uk", SOURCES["glos-care-website"]),),
        joined_as="2gether NHS Foundation Trust",
        changes=(
            {
                "kind": TrustChange.Kind.RENAMED,
                "former_name": "2gether NHS Foundation Trust",
                "changed_on": datetime.date(2019, 10, 1),
                "source": f"{SOURCES['gloucestershire']}; {SOURCES['gloucestershire-cqc']}",
            },
            {
                "kind": TrustChange.Kind.MERGED,
                "former_name": "Gloucestershire Care Services NHS Trust",
                "changed_on": datetime.date(2019, 10, 1),
                "source": f"{SOURCES['gloucestershire']}; {SOURCES['gloucestershire-cqc']}",
            },
        ),
    ),
    member(
        "Dorset HealthCare University NHS Foundation Trust",
        "RDY",
        Region.SOUTH_WEST,
        "https://www.dorsethealthcare.nhs.uk",
        ("dorsethealthcare.nhs.uk",),
    ),
    member(
        "Somerset NHS Foundation Trust",
        "RH5",
        Region.SOUTH_WEST,
        "https://www.somersetft.nhs.uk",
        ("somersetft.nhs.uk",),
        kind=TrustKind.INTEGRATED,
        former_domains=(
            ("sompar.nhs.uk", SOURCES["sompar-website"]),
            ("tsft.nhs.uk", SOURCES["tsft-website"]),
        ),
        joined_as="Somerset Partnership NHS Foundation Trust",
        changes=(
            {
                "kind": TrustChange.Kind.MERGED,
                "former_name": "Somerset Partnership NHS Foundation Trust",
                "changed_on": datetime.date(2020, 4, 1),
                "note": "With Taunton and Somerset NHS Foundation Trust, forming Somerset NHS "
                "Foundation Trust.",
                "source": SOURCES["somerset-2020"],
            },
            {
                "kind": TrustChange.Kind.MERGED,
                "former_name": "Taunton and Somerset NHS Foundation Trust",
                "changed_on": datetime.date(2020, 4, 1),
                "source": SOURCES["somerset-2020"],
            },
            {
                "kind": TrustChange.Kind.MERGED,
                "former_name": "Yeovil District Hospital NHS Foundation Trust",
                "changed_on": datetime.date(2023, 4, 1),
                "source": SOURCES["somerset-2023"],
            },
        ),
        sources={"kind": SOURCES["somerset-services"]},
    ),
)

# What this module says about every Trust unless a row says otherwise.
DEFAULT_SOURCES = {
    "name, ODS code, region, website, e-mail domain": EARLIER_LIST,
}
FOUNDING_SOURCES = {"founding Trust, April 2017": SEEDS_FOUNDING}

STAKEHOLDER_BODIES = (
    {
        "name": "Health Education England",
        "scope": StakeholderBody.Scope.NATIONAL,
        "website": "https://www.hee.nhs.uk",
        "description": "Planned and paid for the education and training of the NHS workforce "
        "and ran the national mental health workforce programme; part of NHS England "
        "since April 2023.",
    },
    {
        "name": "Health Education England regional mental health leads",
        "scope": StakeholderBody.Scope.REGIONAL,
        "website": "",
        "description": "The regional leads who connect Trusts' workforce plans with the "
        "education and training commissioned in their region.",
    },
    {
        "name": "NHS Employers",
        "scope": StakeholderBody.Scope.NATIONAL,
        "website": "https://www.nhsemployers.org",
        "description": "Speaks for NHS organisations as employers on pay, contracts, "
        "recruitment and staff experience.",
    },
    {
        "name": "Skills for Health",
        "scope": StakeholderBody.Scope.NATIONAL,
        "website": "https://www.skillsforhealth.org.uk",
        "description": "Skills body for the health sector, behind many of the competence "
        "frameworks and workforce planning methods Trusts use.",
    },
    {
        "name": "NHS Confederation Mental Health Network",
        "scope": StakeholderBody.Scope.NATIONAL,
        "website": "https://www.nhsconfed.org/mental-health-network",
        "description": "The voice of organisations that provide and commission NHS-funded "
        "mental health and learning disability services.",
    },
    {
        "name": "Care Quality Commission",
        "scope": StakeholderBody.Scope.NATIONAL,
        "website": "https://www.cqc.org.uk",
        "description": "Regulator of health and adult social care in England, whose "
        "inspections look closely at staffing in mental health services.",
    },
    {
        "name": "STP / ICS mental health workforce leads",
        "scope": StakeholderBody.Scope.LOCAL,
        "website": "",
        "description": "Mental health and mental health workforce leads of local "
        "sustainability and transformation partnerships and integrated care systems.",
    },
    {
        "name": "Public Health England",
        "scope": StakeholderBody.Scope.NATIONAL,
        "website": "https://www.gov.uk/government/organisations/public-health-england",
        "description": "Brought population and public mental health intelligence to workforce "
        "planning; its work passed to other national bodies in 2021.",
    },
    {
        "name": "NHS England and NHS Improvement",
        "scope": StakeholderBody.Scope.NATIONAL,
        "website": "https://www.england.nhs.uk",
        "description": "The joint national leadership of the NHS from 2019 until the two "
        "bodies became one NHS England in 2022.",
    },
    {
        "name": "Mental Health Nursing",
        "scope": StakeholderBody.Scope.NATIONAL,
        "website": "",
        "description": "National mental health nursing leadership, one of the groups the "
        "Collaborative's forums set out to work with.",
    },
)


def all_trusts():
    """Every Trust row, founding ones first, each with its membership kind."""
    return [(row, Membership.Kind.FOUNDING) for row in FOUNDING_TRUSTS] + [
        (row, Membership.Kind.MEMBER) for row in MEMBER_TRUSTS
    ]


def demo_domain(row):
    """The reserved demonstration domain of a Trust: slam.nhs.uk gives slam.nhs.test."""
    label = row.get("demo_domain") or row["domains"][0].split(".")[0]
    return f"{label}{DEMO_DOMAIN_SUFFIX}"


def load_trusts():
    """The Trusts with their domains, histories and memberships.

    The founding memberships are the Collaborative's record; the others, and the
    demonstration domains, are flagged as demonstration data.
    """
    trusts = {}
    for row, _kind in all_trusts():
        trusts[row["ods_code"]] = sync(
            Trust,
            {"ods_code": row["ods_code"]},
            {
                "name": row["name"],
                "region": row["region"],
                "kind": row.get("kind", Trust._meta.get_field("kind").default),
                "website": row["website"],
            },
        )
    for row, kind in all_trusts():
        trust = trusts[row["ods_code"]]
        successor = trusts[row["successor"]] if row.get("successor") else None
        if trust.successor != successor:
            trust.successor = successor
            trust.save(update_fields=["successor"])
        domains = [*row["domains"], *(domain for domain, _ in row.get("former_domains", ()))]
        for domain in domains:
            sync(EmailDomain, {"domain": domain}, {"trust": trust})
        flag(sync(EmailDomain, {"domain": demo_domain(row)}, {"trust": successor or trust}))
        for change in row.get("changes", ()):
            sync(
                TrustChange,
                {"trust": trust, "former_name": change["former_name"], "kind": change["kind"]},
                {
                    "former_trust": trusts.get(change.get("former_trust")),
                    "changed_on": change.get("changed_on"),
                    "month_only": change.get("month_only", False),
                    "note": change.get("note", ""),
                    "source": change["source"],
                },
            )
        membership = sync(
            Membership,
            {"trust": trust},
            {
                "kind": kind,
                "joined_on": FOUNDED_ON if kind == Membership.Kind.FOUNDING else MEMBERS_JOINED_ON,
                "joined_as": row.get("joined_as", ""),
                # A Trust that became part of another is no longer a member in its own right.
                "is_active": successor is None,
            },
        )
        if kind == Membership.Kind.MEMBER:
            flag(membership, f"{trust.name}'s membership")


def load_stakeholder_bodies():
    for row in STAKEHOLDER_BODIES:
        sync(StakeholderBody, {"name": row["name"]}, {k: v for k, v in row.items() if k != "name"})


def load():
    load_trusts()
    load_stakeholder_bodies()


# The membership list, as docs/membership.md -----------------------------------


def sources_of(row, kind):
    sources = dict(DEFAULT_SOURCES)
    if kind == Membership.Kind.FOUNDING:
        sources.update(FOUNDING_SOURCES)
    if row.get("named_in_seeds"):
        sources[f"named in the seeds as {row['named_in_seeds']}"] = SEEDS_FOUNDING
    for domain, source in row.get("former_domains", ()):
        sources[f"former domain {domain}"] = source
    for change in row.get("changes", ()):
        sources[f"{change['kind'].label.lower()}: {change['former_name']}"] = change["source"]
    sources.update(row.get("sources", {}))
    return sources


def membership_list_markdown():
    """The membership list with the source of each fact, as kept in docs/membership.md."""
    lines = [
        "# Membership list: the Trusts and where each fact comes from",
        "",
        "Written from `trusts/demo_data.py` (`membership_list_markdown`); "
        "`tests/test_trust_history.py` keeps this file the same as the data.",
        "",
        "The seven founding Trusts and their membership from April 2017 are the "
        "Collaborative's record (the seeds). Which other Trusts are members, and when "
        "they joined, is not recorded: the seeds say only that the remaining mental health "
        "Trusts were invited in 2019. Those memberships are demonstration data, flagged as "
        "such in the database, joined under each Trust's name of April 2019.",
        "",
    ]
    for heading, rows in (
        ("Founding Trusts", FOUNDING_TRUSTS),
        ("Other Trusts (demonstration memberships)", MEMBER_TRUSTS),
    ):
        kind = Membership.Kind.FOUNDING if rows is FOUNDING_TRUSTS else Membership.Kind.MEMBER
        lines += [f"## {heading}", ""]
        for row in rows:
            kind_label = dict(TrustKind.choices)[row.get("kind", TrustKind.MENTAL_HEALTH)]
            lines.append(f"### {row['name']} ({row['ods_code']})")
            lines.append("")
            facts = [
                f"Region: {Region(row['region']).label}",
                f"Type: {kind_label}",
                f"Website: {row['website']}",
                "E-mail domains: "
                + (
                    ", ".join([*row["domains"], *(d for d, _ in row.get("former_domains", ()))])
                    or "none of its own"
                ),
            ]
            if row.get("joined_as"):
                facts.append(f"Joined as: {row['joined_as']}")
            if row.get("successor"):
                successor = next(
                    other["name"]
                    for other, _ in all_trusts()
                    if other["ods_code"] == row["successor"]
                )
                facts.append(f"Now part of: {successor} ({row['successor']})")
            for change in row.get("changes", ()):
                on = change.get("changed_on")
                when = (
                    "date not recorded"
                    if on is None
                    else on.strftime("%B %Y")
                    if change.get("month_only")
                    else f"{on.day} {on:%B %Y}"
                )
                facts.append(f"{change['kind'].label}: {change['former_name']} ({when})")
            lines += [f"- {fact}" for fact in facts]
            lines += ["", "Sources:", ""]
            lines += [f"- {what}: {source}" for what, source in sources_of(row, kind).items()]
            lines.append("")
    return "\n".join(lines)
