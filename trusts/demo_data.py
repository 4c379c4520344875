"""Demonstration Trusts, memberships and stakeholder bodies.

Names, NHS ODS codes, websites and NHS England regions are the real ones.
Each Trust gets its own nhs.uk e-mail domain: many NHS staff write from
nhs.net, but that domain is shared by every NHS organisation and so cannot
affiliate anyone with one Trust.
"""

import datetime
from itertools import cycle

from collaborative.demo_data import sync
from trusts.models import EmailDomain, Membership, Region, StakeholderBody, Trust

FOUNDED_ON = datetime.date(2017, 4, 1)

# The seven Trusts that signed the Collaborative off in April 2017.
#
# Lancashire Care NHS Foundation Trust, a founder, took over the South Cumbria
# mental health services in October 2019 and renamed itself Lancashire and
# South Cumbria NHS Foundation Trust. It is the same organisation under the
# same ODS code, RW5, so it is one Trust here, not a predecessor and a
# successor (a second record would need an ODS code that does not exist).
# Its old domain stays so that colleagues still writing from lancashirecare.nhs.uk
# are affiliated with it.
FOUNDING_TRUSTS = (
    {
        "name": "Avon and Wiltshire Mental Health Partnership NHS Trust",
        "ods_code": "RVN",
        "region": Region.SOUTH_WEST,
        "website": "https://www.awp.nhs.uk",
        "domains": ("awp.nhs.uk",),
    },
    {
        "name": "Birmingham and Solihull Mental Health NHS Foundation Trust",
        "ods_code": "RXT",
        "region": Region.MIDLANDS,
        "website": "https://www.bsmhft.nhs.uk",
        "domains": ("bsmhft.nhs.uk",),
    },
    {
        "name": "Lancashire and South Cumbria NHS Foundation Trust",
        "ods_code": "RW5",
        "region": Region.NORTH_WEST,
        "website": "https://www.lscft.nhs.uk",
        "domains": ("lscft.nhs.uk", "lancashirecare.nhs.uk"),
        "joined_as": "Lancashire Care NHS Foundation Trust",
    },
    {
        "name": "Mersey Care NHS Foundation Trust",
        "ods_code": "RW4",
        "region": Region.NORTH_WEST,
        "website": "https://www.merseycare.nhs.uk",
        "domains": ("merseycare.nhs.uk",),
    },
    {
        "name": "Nottinghamshire Healthcare NHS Foundation Trust",
        "ods_code": "RHA",
        "region": Region.MIDLANDS,
        "website": "https://www.nottinghamshirehealthcare.nhs.uk",
        "domains": ("nottshc.nhs.uk",),
    },
    {
        "name": "Oxford Health NHS Foundation Trust",
        "ods_code": "RNU",
        "region": Region.SOUTH_EAST,
        "website": "https://www.oxfordhealth.nhs.uk",
        "domains": ("oxfordhealth.nhs.uk",),
    },
    {
        "name": "Tavistock and Portman NHS Foundation Trust",
        "ods_code": "RNK",
        "region": Region.LONDON,
        "website": "https://tavistockandportman.nhs.uk",
        "domains": ("tavi-port.nhs.uk",),
    },
)

# The remaining mental health Trusts were invited in 2019. The seeds do not
# say when each joined, so the demo spreads the joining dates over that year.
MEMBER_JOINING_DATES = (
    datetime.date(2019, 4, 1),
    datetime.date(2019, 6, 3),
    datetime.date(2019, 9, 2),
    datetime.date(2019, 11, 4),
)

# Current names (including the renames of 2024-2025) of English NHS Trusts
# that provide mental health services, children's Trusts with CAMHS included.
MEMBER_TRUSTS = (
    # London
    {
        "name": "Central and North West London NHS Foundation Trust",
        "ods_code": "RV3",
        "region": Region.LONDON,
        "website": "https://www.cnwl.nhs.uk",
        "domains": ("cnwl.nhs.uk",),
    },
    {
        "name": "South London and Maudsley NHS Foundation Trust",
        "ods_code": "RV5",
        "region": Region.LONDON,
        "website": "https://slam.nhs.uk",
        "domains": ("slam.nhs.uk",),
    },
    {
        "name": "South West London and St George's Mental Health NHS Trust",
        "ods_code": "RQY",
        "region": Region.LONDON,
        "website": "https://www.swlstg.nhs.uk",
        "domains": ("swlstg.nhs.uk",),
    },
    {
        "name": "East London NHS Foundation Trust",
        "ods_code": "RWK",
        "region": Region.LONDON,
        "website": "https://www.elft.nhs.uk",
        "domains": ("elft.nhs.uk",),
    },
    {
        "name": "West London NHS Trust",
        "ods_code": "RKL",
        "region": Region.LONDON,
        "website": "https://www.westlondon.nhs.uk",
        "domains": ("westlondon.nhs.uk",),
    },
    {
        "name": "Oxleas NHS Foundation Trust",
        "ods_code": "RPG",
        "region": Region.LONDON,
        "website": "https://oxleas.nhs.uk",
        "domains": ("oxleas.nhs.uk",),
    },
    {
        "name": "North East London NHS Foundation Trust",
        "ods_code": "RAT",
        "region": Region.LONDON,
        "website": "https://www.nelft.nhs.uk",
        "domains": ("nelft.nhs.uk",),
    },
    # North West
    {
        "name": "Cheshire and Wirral Partnership NHS Foundation Trust",
        "ods_code": "RXA",
        "region": Region.NORTH_WEST,
        "website": "https://www.cwp.nhs.uk",
        "domains": ("cwp.nhs.uk",),
    },
    {
        "name": "Greater Manchester Mental Health NHS Foundation Trust",
        "ods_code": "RXV",
        "region": Region.NORTH_WEST,
        "website": "https://www.gmmh.nhs.uk",
        "domains": ("gmmh.nhs.uk",),
    },
    {
        "name": "Pennine Care NHS Foundation Trust",
        "ods_code": "RT2",
        "region": Region.NORTH_WEST,
        "website": "https://www.penninecare.nhs.uk",
        "domains": ("penninecare.nhs.uk",),
    },
    {
        "name": "Alder Hey Children's NHS Foundation Trust",
        "ods_code": "RBS",
        "region": Region.NORTH_WEST,
        "website": "https://www.alderhey.nhs.uk",
        "domains": ("alderhey.nhs.uk",),
    },
    # North East and Yorkshire
    {
        "name": "Cumbria, Northumberland, Tyne and Wear NHS Foundation Trust",
        "ods_code": "RX4",
        "region": Region.NORTH_EAST_YORKSHIRE,
        "website": "https://www.cntw.nhs.uk",
        "domains": ("cntw.nhs.uk",),
    },
    {
        "name": "Tees, Esk and Wear Valleys NHS Foundation Trust",
        "ods_code": "RX3",
        "region": Region.NORTH_EAST_YORKSHIRE,
        "website": "https://www.tewv.nhs.uk",
        "domains": ("tewv.nhs.uk",),
    },
    {
        "name": "Leeds and York Partnership NHS Foundation Trust",
        "ods_code": "RGD",
        "region": Region.NORTH_EAST_YORKSHIRE,
        "website": "https://www.leedsandyorkpft.nhs.uk",
        "domains": ("leedsandyorkpft.nhs.uk",),
    },
    {
        "name": "South West Yorkshire Partnership Teaching NHS Foundation Trust",
        "ods_code": "RXG",
        "region": Region.NORTH_EAST_YORKSHIRE,
        "website": "https://www.southwestyorkshire.nhs.uk",
        "domains": ("swyt.nhs.uk",),
    },
    {
        "name": "Bradford District Care NHS Foundation Trust",
        "ods_code": "TAD",
        "region": Region.NORTH_EAST_YORKSHIRE,
        "website": "https://www.bdct.nhs.uk",
        "domains": ("bdct.nhs.uk",),
    },
    {
        "name": "Rotherham Doncaster and South Humber NHS Foundation Trust",
        "ods_code": "RXE",
        "region": Region.NORTH_EAST_YORKSHIRE,
        "website": "https://www.rdash.nhs.uk",
        "domains": ("rdash.nhs.uk",),
    },
    {
        "name": "Sheffield Health Partnership University NHS Foundation Trust",
        "ods_code": "TAH",
        "region": Region.NORTH_EAST_YORKSHIRE,
        "website": "https://www.shsc.nhs.uk",
        "domains": ("shsc.nhs.uk",),
    },
    {
        "name": "Humber Teaching NHS Foundation Trust",
        "ods_code": "RV9",
        "region": Region.NORTH_EAST_YORKSHIRE,
        "website": "https://www.humber.nhs.uk",
        "domains": ("humber.nhs.uk",),
    },
    {
        "name": "Sheffield Children's NHS Foundation Trust",
        "ods_code": "RCU",
        "region": Region.NORTH_EAST_YORKSHIRE,
        "website": "https://www.sheffieldchildrens.nhs.uk",
        "domains": ("sheffieldchildrens.nhs.uk",),
    },
    # Midlands
    {
        "name": "Derbyshire Healthcare NHS Foundation Trust",
        "ods_code": "RXM",
        "region": Region.MIDLANDS,
        "website": "https://www.derbyshirehealthcareft.nhs.uk",
        "domains": ("derbyshirehealthcareft.nhs.uk",),
    },
    {
        "name": "Leicestershire Partnership NHS Trust",
        "ods_code": "RT5",
        "region": Region.MIDLANDS,
        "website": "https://www.leicspart.nhs.uk",
        "domains": ("leicspart.nhs.uk",),
    },
    {
        "name": "Coventry and Warwickshire Partnership NHS Trust",
        "ods_code": "RYG",
        "region": Region.MIDLANDS,
        "website": "https://www.covwarkpt.nhs.uk",
        "domains": ("covwarkpt.nhs.uk",),
    },
    {
        "name": "North Staffordshire Combined Healthcare NHS Trust",
        "ods_code": "RLY",
        "region": Region.MIDLANDS,
        "website": "https://www.combined.nhs.uk",
        "domains": ("combined.nhs.uk",),
    },
    {
        "name": "Midlands Partnership University NHS Foundation Trust",
        "ods_code": "RRE",
        "region": Region.MIDLANDS,
        "website": "https://www.mpft.nhs.uk",
        "domains": ("mpft.nhs.uk",),
    },
    {
        "name": "Herefordshire and Worcestershire Health and Care NHS Trust",
        "ods_code": "R1A",
        "region": Region.MIDLANDS,
        "website": "https://www.hacw.nhs.uk",
        "domains": ("hacw.nhs.uk",),
    },
    {
        "name": "Black Country Healthcare NHS Foundation Trust",
        "ods_code": "TAJ",
        "region": Region.MIDLANDS,
        "website": "https://www.blackcountryhealthcare.nhs.uk",
        "domains": ("blackcountryhealthcare.nhs.uk",),
    },
    {
        "name": "Northamptonshire Healthcare NHS Foundation Trust",
        "ods_code": "RP1",
        "region": Region.MIDLANDS,
        "website": "https://www.nhft.nhs.uk",
        "domains": ("nhft.nhs.uk",),
    },
    {
        "name": "Lincolnshire Partnership NHS Foundation Trust",
        "ods_code": "RP7",
        "region": Region.MIDLANDS,
        "website": "https://www.lpft.nhs.uk",
        "domains": ("lpft.nhs.uk",),
    },
    {
        "name": "Birmingham Women's and Children's NHS Foundation Trust",
        "ods_code": "RQ3",
        "region": Region.MIDLANDS,
        "website": "https://bwc.nhs.uk",
        "domains": ("bwc.nhs.uk",),
    },
    # East of England
    {
        "name": "Hertfordshire Partnership University NHS Foundation Trust",
        "ods_code": "RWR",
        "region": Region.EAST_OF_ENGLAND,
        "website": "https://www.hpft.nhs.uk",
        "domains": ("hpft.nhs.uk",),
    },
    {
        "name": "Cambridgeshire and Peterborough NHS Foundation Trust",
        "ods_code": "RT1",
        "region": Region.EAST_OF_ENGLAND,
        "website": "https://www.cpft.nhs.uk",
        "domains": ("cpft.nhs.uk",),
    },
    {
        "name": "Norfolk and Suffolk NHS Foundation Trust",
        "ods_code": "RMY",
        "region": Region.EAST_OF_ENGLAND,
        "website": "https://www.nsft.nhs.uk",
        "domains": ("nsft.nhs.uk",),
    },
    {
        "name": "Essex Partnership University NHS Foundation Trust",
        "ods_code": "R1L",
        "region": Region.EAST_OF_ENGLAND,
        "website": "https://eput.nhs.uk",
        "domains": ("eput.nhs.uk",),
    },
    # South East
    {
        "name": "Sussex Partnership NHS Foundation Trust",
        "ods_code": "RX2",
        "region": Region.SOUTH_EAST,
        "website": "https://www.sussexpartnership.nhs.uk",
        "domains": ("sussexpartnership.nhs.uk",),
    },
    {
        # Known as Kent and Medway NHS and Social Care Partnership Trust until October 2025.
        "name": "Kent and Medway Mental Health NHS Trust",
        "ods_code": "RXY",
        "region": Region.SOUTH_EAST,
        "website": "https://www.kentmedwaymentalhealth.nhs.uk",
        "domains": ("kmpt.nhs.uk",),
    },
    {
        "name": "Surrey and Borders Partnership NHS Foundation Trust",
        "ods_code": "RXX",
        "region": Region.SOUTH_EAST,
        "website": "https://www.sabp.nhs.uk",
        "domains": ("sabp.nhs.uk",),
    },
    {
        "name": "Berkshire Healthcare NHS Foundation Trust",
        "ods_code": "RWX",
        "region": Region.SOUTH_EAST,
        "website": "https://www.berkshirehealthcare.nhs.uk",
        "domains": ("berkshirehealthcare.nhs.uk",),
    },
    {
        # Southern Health NHS Foundation Trust until it took in Solent in October 2024.
        "name": "Hampshire and Isle of Wight Healthcare NHS Foundation Trust",
        "ods_code": "RW1",
        "region": Region.SOUTH_EAST,
        "website": "https://hiowhealthcare.nhs.uk",
        "domains": ("hiowhealthcare.nhs.uk",),
    },
    # South West
    {
        "name": "Cornwall Partnership NHS Foundation Trust",
        "ods_code": "RJ8",
        "region": Region.SOUTH_WEST,
        "website": "https://www.cornwallft.nhs.uk",
        "domains": ("cornwallft.nhs.uk",),
    },
    {
        "name": "Devon Partnership NHS Trust",
        "ods_code": "RWV",
        "region": Region.SOUTH_WEST,
        "website": "https://www.dpt.nhs.uk",
        "domains": ("dpt.nhs.uk",),
    },
    {
        "name": "Gloucestershire Health and Care NHS Foundation Trust",
        "ods_code": "RTQ",
        "region": Region.SOUTH_WEST,
        "website": "https://www.ghc.nhs.uk",
        "domains": ("ghc.nhs.uk",),
    },
    {
        "name": "Dorset HealthCare University NHS Foundation Trust",
        "ods_code": "RDY",
        "region": Region.SOUTH_WEST,
        "website": "https://www.dorsethealthcare.nhs.uk",
        "domains": ("dorsethealthcare.nhs.uk",),
    },
    {
        "name": "Somerset NHS Foundation Trust",
        "ods_code": "RH5",
        "region": Region.SOUTH_WEST,
        "website": "https://www.somersetft.nhs.uk",
        "domains": ("somersetft.nhs.uk",),
    },
)

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


def load_trusts():
    """The founding and member Trusts with their domains and memberships."""
    rows = [(row, Membership.Kind.FOUNDING, FOUNDED_ON) for row in FOUNDING_TRUSTS]
    rows += [
        (row, Membership.Kind.MEMBER, joined_on)
        for row, joined_on in zip(MEMBER_TRUSTS, cycle(MEMBER_JOINING_DATES), strict=False)
    ]
    for row, kind, joined_on in rows:
        trust = sync(
            Trust,
            {"ods_code": row["ods_code"]},
            {"name": row["name"], "region": row["region"], "website": row["website"]},
        )
        for domain in row["domains"]:
            sync(EmailDomain, {"domain": domain}, {"trust": trust})
        sync(
            Membership,
            {"trust": trust},
            {
                "kind": kind,
                "joined_on": joined_on,
                "joined_as": row.get("joined_as", ""),
                "is_active": True,
            },
        )


def load_stakeholder_bodies():
    for row in STAKEHOLDER_BODIES:
        sync(StakeholderBody, {"name": row["name"]}, {k: v for k, v in row.items() if k != "name"})


def load():
    load_trusts()
    load_stakeholder_bodies()
