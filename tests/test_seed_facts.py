# ruff: noqa: E501 (the list of facts reads best one fact to a line)
"""Every fact the seeds state is on the portal, in the portal's own words.

The seeds (``../shared/seeds``) are the Collaborative's own pages: who it is, its
founding Trusts, its aims and who attends, its news of 2018 to 2020 and its 2022
programme. ``FACTS`` lists each fact they state, with the page that must show it
and the words that show it there; the pages are rendered once, from ``load_demo``.
A second check makes sure no page copies a passage of the seeds over 25 words.
"""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from resources.demo_data import FUTURE_WORKFORCE_REPORT

# The mark makes the run set up the test database, which the module's pages fixture uses.
pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"

FEB_2018 = "2018-02-thriving-at-work"
MAR_2020 = "2020-03-05-strategic-workforce-planning-in-mental-health-settings"
MAY_2020 = "2020-05-14-covid-19-workforce-issues"
JUL_2020 = "2020-07-02-psychological-support-for-nhs-staff"
SEP_2020 = "2020-09-15-hee-national-mental-health-programme"
NOV_2020 = "2020-11-16-diversity-and-inclusion"
FEB_2022 = "2022-02-28-workforce-stress-and-the-supportive-organisation"
MAY_2022 = "2022-05-23-children-and-young-peoples-mental-health-inpatient-settings"
SEP_2022 = "2022-09-26-supply-of-allied-health-professionals"
NOV_2022 = "2022-11-28-growing-a-support-workforce"


def workshop(slug):
    return f"workshop:{slug}"


PAGES = {
    "home": lambda: reverse("home"),
    "about": lambda: reverse("about"),
    "founding": lambda: reverse("trusts:founding"),
    "members": lambda: reverse("trusts:list"),
    "programme": lambda: reverse("workshops:programme"),
    "news": lambda: reverse("news"),
    "join": lambda: reverse("join"),
    "thriving-report": lambda: reverse(
        "resources:detail", args=["thriving-at-work-workshop-report"]
    ),
    "future-workforce-report": lambda: reverse("resources:detail", args=[FUTURE_WORKFORCE_REPORT]),
    **{
        workshop(slug): (lambda slug=slug: reverse("workshops:detail", args=[slug]))
        for slug in (
            FEB_2018,
            MAR_2020,
            MAY_2020,
            JUL_2020,
            SEP_2020,
            NOV_2020,
            FEB_2022,
            MAY_2022,
            SEP_2022,
            NOV_2022,
        )
    },
}

# (what the seeds say, the page, words that must all be on it). Each seed fact once.
FACTS = [
    # collaborative-about-2022.txt ---------------------------------------------------
    ("a voluntary group of mental health Trusts", "about", ["voluntary group", "mental health"]),
    (
        "focused on strategic mental health workforce development issues",
        "about",
        ["strategic questions of developing the mental health workforce"],
    ),
    ("designed in December 2016", "founding", ["designed the Collaborative in December 2016"]),
    (
        "signed off by the seven founding Trusts in April 2017",
        "home",
        ["signed it off in April 2017"],
    ),
    ("founder: Avon and Wiltshire", "founding", ["Avon and Wiltshire Partnership Trust"]),
    (
        "founder: Birmingham and Solihull",
        "founding",
        ["Birmingham and Solihull Mental Health NHS Foundation Trust"],
    ),
    ("founder: Lancashire Care", "founding", ["A founder as Lancashire Care NHS Foundation Trust"]),
    ("founder: Mersey Care", "founding", ["Mersey Care NHS Foundation Trust"]),
    (
        "founder: Nottinghamshire Healthcare",
        "founding",
        ["Nottinghamshire Healthcare NHS Foundation Trust"],
    ),
    ("founder: Oxford Health", "founding", ["Oxford Health NHS Foundation Trust"]),
    ("founder: Tavistock and Portman", "founding", ["Tavistock and Portman NHS Foundation Trust"]),
    (
        "the founding Trusts form the steering group",
        "founding",
        ["The founding Trusts form the Collaborative's steering group"],
    ),
    (
        "the steering group sets the workshops' agenda and any other activity",
        "founding",
        ["sets the agenda of the workshops", "decides what else the Collaborative takes on"],
    ),
    ("remaining mental health Trusts invited to join in 2019", "home", ["invited to join in 2019"]),
    (
        "each partner brings distinctive expertise in mental health practice and service delivery",
        "founding",
        ["expertise from many areas of mental health practice and of delivering services"],
    ),
    ("members cover national geography, urban and rural", "founding", ["urban and rural"]),
    (
        "brings together mental health Trusts and other bodies interested in strategic workforce issues",
        "about",
        ["other bodies with an interest in strategic questions about the mental health workforce"],
    ),
    (
        "demands on Trusts to work together to widen services while reducing costs",
        "about",
        ["under strong pressure to work together", "while costs come down"],
    ),
    (
        "members leverage the network to influence the system",
        "about",
        ["use their network to influence the system"],
    ),
    (
        "initiatives affect education, development, workforce learning such as apprenticeships",
        "about",
        ["education, development and workforce learning, apprenticeships for example"],
    ),
    (
        "initiatives also promote staff engagement and wellbeing",
        "about",
        ["staff engagement and wellbeing"],
    ),
    ("reason: the NHS Long Term Plan", "about", ["NHS Long Term Plan"]),
    (
        "reason: the NHS Interim People Plan (not the People Plan)",
        "home",
        ["NHS Interim People Plan"],
    ),
    (
        "reason: NHS Mental Health Implementation Plan 2019/20 to 2023/24",
        "about",
        ["NHS Mental Health Implementation Plan 2019/20 to 2023/24"],
    ),
    (
        "reason: raise the profile of mental health; parity of esteem",
        "about",
        ["raise the profile of mental health", "parity of esteem"],
    ),
    (
        "reason: education, training and workforce development to enhance skills and advancement",
        "about",
        [
            "education, training and workforce development across the system",
            "advance in their work",
        ],
    ),
    (
        "Trusts value sharing intelligence and good practice",
        "about",
        ["sharing intelligence and good practice"],
    ),
    (
        "a means of engaging HEE and national bodies: Mental Health Nursing, NHS Employers, CQC",
        "about",
        [
            "engaging with Health Education England",
            "Mental Health Nursing",
            "the Care Quality Commission in particular",
        ],
    ),
    (
        "workshops quarterly for strategic leaders",
        "about",
        ["a workshop for strategic leaders every quarter"],
    ),
    (
        "workshops open to all NHS Trusts in England providing mental health services",
        "about",
        ["open to every NHS Trust in England that provides mental health services"],
    ),
    (
        "future forums to connect with relevant groups and national bodies",
        "about",
        ["future forums to connect with other groups and national bodies"],
    ),
    (
        "meetings held virtually every quarter (2022)",
        workshop(FEB_2022),
        ["held virtually, every quarter", "Virtual"],
    ),
    (
        "28 February 2022: Workforce stress and the supportive organisation",
        workshop(FEB_2022),
        ["28 February 2022", "Workforce stress and the supportive organisation"],
    ),
    (
        "23 May 2022: children and young people's inpatient settings",
        workshop(MAY_2022),
        [
            "23 May 2022",
            "How to support workforce providing care to children and young people's mental health inpatient settings?",
        ],
    ),
    (
        "26 September 2022: supply of AHPs",
        workshop(SEP_2022),
        ["26 September 2022", "How to ensure an essential supply of AHPs?"],
    ),
    (
        "28 November 2022: growing a support workforce",
        workshop(NOV_2022),
        ["28 November 2022", "How to grow a support workforce to meet NHS ambitions?"],
    ),
    # collaborative-aims-attendance.txt ----------------------------------------------
    (
        "a virtual centre of excellence",
        "home",
        [
            "virtual centre of excellence for mental health education, training and workforce transformation"
        ],
    ),
    ("the NMHWDC website", "about", ["nmhwdc.nhs.uk"]),
    (
        "a voluntary group of Trusts in England that provide mental health services",
        "join",
        ["voluntary group of the NHS Trusts in England that provide mental health services"],
    ),
    ("the Collaborative started in 2016", "about", ["started in 2016"]),
    (
        "a two-way communication and engagement resource",
        "about",
        ["two-way communication and engagement resource"],
    ),
    (
        "a greater pool of resources around a shared vision for the NHS workforce",
        "about",
        ["pool resources from many organisations", "shared vision for the NHS workforce"],
    ),
    (
        "receives HEE Mental Health Delivery Group's workforce workplan, helps develop and deliver it",
        "about",
        [
            "Health Education England's Mental Health Delivery Group",
            "developing it and delivering it in services",
            "the Trusts' own priorities",
        ],
    ),
    ("a non-hierarchical network", "about", ["a network without a hierarchy"]),
    (
        "across organisational and geographical boundaries",
        "about",
        ["across the boundaries between organisations and places"],
    ),
    (
        "aim: a go-to voice for HEE and national bodies",
        "about",
        ['a "go to" voice for Health Education England and other national bodies'],
    ),
    (
        "aim: exchange of information and resources to build capacity",
        "about",
        ["exchange information and resources that build the capacity of the workforce"],
    ),
    (
        "aim: a platform to connect and share best practice",
        "about",
        ["a platform to connect and share best practice"],
    ),
    (
        "aim: advocate national workforce-supportive policy reforms",
        "about",
        ["argue at national level for policy reforms that support the workforce"],
    ),
    (
        "representatives at Director or Executive Director level",
        "about",
        ["Director or Executive Director level"],
    ),
    ("up to three representatives per member organisation", "about", ["up to three"]),
    (
        "three functional areas: Nursing, HR / Workforce, OD / Training and Education",
        "about",
        [
            "Nursing",
            "Human Resources / Workforce",
            "Organisational Development / Training and Education",
        ],
    ),
    (
        "stakeholders invited: HEE regional leads, Skills for Health, NHS Employers, STP / ICO leads",
        "about",
        [
            "Health Education England's regional mental health leads",
            "Skills for Health",
            "STP / ICO mental health and mental health workforce leads",
        ],
    ),
    ("future forums: NHS Confederation network", "about", ["NHS Confederation's network"]),
    # collaborative-founding.txt -----------------------------------------------------
    (
        "priority: workforce design including new roles",
        "home",
        ["Workforce design including new roles"],
    ),
    ("priority: workforce development", "home", ["Workforce development"]),
    ("priority: staff wellbeing", "home", ["Staff wellbeing"]),
    (
        "formed through seven mental health Trusts across England",
        "about",
        ["Seven mental health Trusts from across England agreed to work together"],
    ),
    (
        "founders engaged with STPs, several leading mental health or workforce workstreams",
        "founding",
        [
            "Sustainability and Transformation Partnership",
            "led the mental health or workforce workstreams",
        ],
    ),
    (
        "primary scope: the mental health and learning difficulties workforce",
        "about",
        [
            "primary scope of the Collaborative is the mental health and learning difficulties workforce"
        ],
    ),
    (
        "2017: workforce challenges at a time of major financial pressure",
        "about",
        ["keeping and developing its workforce, at a time of major financial pressure"],
    ),
    (
        "2017: the Five Year Forward View for Mental Health needs a larger workforce",
        "about",
        [
            "Five Year Forward View for Mental Health into practice meant the mental health workforce had to grow"
        ],
    ),
    (
        "2017: raise the profile and voice of mental health",
        "about",
        ["a stronger profile and voice"],
    ),
    (
        "2017: transfer of consistent best practice between providers",
        "about",
        ["transfer of consistent best practice between providers"],
    ),
    # news-and-events-2018-2020.txt --------------------------------------------------
    (
        "16 November: workshop on diversity and inclusion",
        workshop(NOV_2020),
        ["16 November 2020", "Diversity and inclusion"],
    ),
    ("16 November: starts at 10.30am", workshop(NOV_2020), ["From 10:30; end not recorded"]),
    ("16 November: the year is not given", workshop(NOV_2020), ["but not the year"]),
    (
        "Dr Jacqui Dyer on the Mental Health Workforce Equalities Subgroup and Implementation Project",
        workshop(NOV_2020),
        [
            "Dr Jacqui Dyer",
            "Mental Health Workforce Equalities Subgroup and Implementation Project",
            "In the morning.",
        ],
    ),
    (
        "afternoon: system-wide EDI work, outputs of the Unit's projects, embedding D&I thinking",
        workshop(NOV_2020),
        [
            "System-wide work on equality, diversity and inclusion",
            "the Unit's projects",
            "diversity and inclusion thinking",
        ],
    ),
    ("contact Joanna for bookings", workshop(NOV_2020), ["named Joanna as the contact"]),
    (
        "15 September 2020 videoconference on HEE's National Mental Health programme",
        workshop(SEP_2020),
        ["15 September 2020", "Videoconference", "National Mental Health programme work plan"],
    ),
    (
        "HEE mental health workforce delivery plan and growth until 2024",
        workshop(SEP_2020),
        ["mental health workforce delivery plan", "up to 2024"],
    ),
    (
        "areas of focus and key mental health workforce issues",
        workshop(SEP_2020),
        ["areas of focus and the key mental health workforce issues"],
    ),
    (
        "outline of the workforce approach required",
        workshop(SEP_2020),
        ["an outline of the workforce approach needed to support delivery"],
    ),
    (
        "changes in light of COVID-19: staff wellbeing and services, from HEE's national team",
        workshop(SEP_2020),
        [
            "in the light of COVID-19",
            "national mental health team",
            "wellbeing of mental health Trusts' staff",
        ],
    ),
    (
        "Joanna Daci, Programme Operations Manager",
        workshop(SEP_2020),
        ["Joanna Daci, the Programme Operations Manager"],
    ),
    (
        "May 2020: Trusts discussed approaches to staff wellbeing",
        workshop(MAY_2020),
        ["compared how they were looking after the wellbeing of their staff"],
    ),
    (
        "May 2020: initiatives and a library of resources signposting staff",
        workshop(MAY_2020),
        ["Each had set up support of its own", "resources already pointed staff to help"],
    ),
    (
        "May 2020: psychological support the immediate issue, long-term specialist support",
        workshop(MAY_2020),
        ["psychological support", "specialist support for a long time"],
    ),
    (
        "May 2020: high risk of poor mental health after the emergency",
        workshop(MAY_2020),
        ["high risk of poor mental health once the emergency is over"],
    ),
    (
        "May 2020 agreed an additional one-off forum",
        workshop(JUL_2020),
        ["one-off forum, agreed at the May 2020 workshop"],
    ),
    (
        "understand post-traumatic stress disorder and early symptoms",
        workshop(JUL_2020),
        ["post-traumatic stress disorder and its early symptoms"],
    ),
    (
        "a big-scale mental health support intervention",
        workshop(JUL_2020),
        ["large-scale intervention"],
    ),
    (
        "space and time to process trauma, guilt and anxiety",
        workshop(JUL_2020),
        ["space and time to process trauma, guilt and anxiety"],
    ),
    (
        "how long support lasts; preventative work",
        workshop(JUL_2020),
        ["how long that support would need to go on", "preventive work"],
    ),
    ("2 July 2020, 10.30am to 12.30pm", workshop(JUL_2020), ["2 July 2020", "10:30 to 12:30"]),
    (
        "14 May 2020 videoconference on COVID-19 workforce issues",
        workshop(MAY_2020),
        [
            "14 May 2020",
            "Videoconference",
            "Workforce issues arising from the COVID-19 (coronavirus) outbreak",
        ],
    ),
    (
        "purpose: supporting healthcare workers' wellbeing; safe staffing and workforce planning",
        workshop(MAY_2020),
        [
            "mental health and wellbeing of healthcare workers",
            "safe staffing and workforce planning",
        ],
    ),
    (
        "purpose: good practice examples of COVID-19 support",
        workshop(MAY_2020),
        ["good practice examples of support for the workforce through COVID-19"],
    ),
    (
        "purpose: a post-COVID-19 Collaborative workforce workplan",
        workshop(MAY_2020),
        ["mental health workforce workplan for after COVID-19"],
    ),
    ("5 March 2020 in London", workshop(MAR_2020), ["5 March 2020", "London"]),
    (
        "aims: improve services and outcomes; Five Year Forward View and Long Term Plan",
        workshop(MAR_2020),
        [
            "improve mental health services and outcomes for patients",
            "Five Year Forward View for Mental Health and the NHS Long Term Plan",
        ],
    ),
    (
        "set the context for strategic workforce planning and service design",
        workshop(MAR_2020),
        ["set the context for strategic workforce planning and service design"],
    ),
    (
        "a common understanding of population and public mental health",
        workshop(MAR_2020),
        ["shared understanding", "public mental health"],
    ),
    (
        "the second of a series on strategic workforce planning from a provider view",
        workshop(MAR_2020),
        ["The second workshop in a series", "providers' side"],
    ),
    (
        "invites Directors of Nursing, HR and OD / Training",
        workshop(MAR_2020),
        [
            "Director of Nursing, Director of HR and Director of Organisational Development or Training"
        ],
    ),
    (
        "presentation by Public Health England",
        workshop(MAR_2020),
        ["Presented by Public Health England", "STPs and integrated care systems"],
    ),
    (
        "NHS England and NHS Improvement (TBC): workforce growth",
        workshop(MAR_2020),
        ["Mental health workforce growth: the challenge and the opportunity", "(to be confirmed)"],
    ),
    (
        "Health Education England's approach to strategic workforce planning",
        workshop(MAR_2020),
        ["Health Education England's approach to strategic workforce planning in mental health"],
    ),
    (
        "WRaPT by GE Healthcare Partners Limited",
        workshop(MAR_2020),
        ["WRaPT", "GE Healthcare Partners Limited"],
    ),
    (
        "Skills Mix modelling by Oxford Health",
        workshop(MAR_2020),
        ["Skills mix modelling", "Presented by Oxford Health NHS Foundation Trust"],
    ),
    ("the Calderdale Framework", workshop(MAR_2020), ["The Calderdale Framework"]),
    (
        "February 2018 workshop for HR directors",
        workshop(FEB_2018),
        ["February 2018", "HR directors"],
    ),
    (
        "adopting the Thriving at Work recommendations",
        workshop(FEB_2018),
        ["adopt the recommendations of Thriving at Work"],
    ),
    (
        "Thriving at Work was commissioned by the Prime Minister",
        workshop(FEB_2018),
        ["the Prime Minister commissioned"],
    ),
    (
        "led by Dennis Stevenson and Paul Farmer",
        workshop(FEB_2018),
        ["Dennis Stevenson and Paul Farmer"],
    ),
    (
        "strategic and operational approaches to core and enhanced standards",
        workshop(FEB_2018),
        ["strategic and operational ways", "core and enhanced standards"],
    ),
    (
        "the report helps measure practice and share good practice in planning",
        "thriving-report",
        [
            "measure its current practice against the review's recommendations",
            "share good practice",
        ],
    ),
    (
        "the full Collaborative workshop report",
        workshop(FEB_2018),
        ["Thriving at Work: Collaborative workshop report"],
    ),
    # report-future-mental-health-workforce.txt --------------------------------------
    (
        "Centre for Mental Health's report for the NHS Confederation Mental Health Network",
        "future-workforce-report",
        [
            "Centre for Mental Health",
            "NHS Confederation Mental Health Network",
            "commissioned by NHS Employers",
        ],
    ),
]


def page_text(response):
    """The page's visible words: tags dropped, entities decoded, white space folded."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture(scope="module")
def pages(demo_database, django_db_blocker):
    """Every page of PAGES, rendered once from the session's demonstration data; whatever
    the rendering writes is rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        client = Client()
        texts = {}
        for name, url in PAGES.items():
            response = client.get(url())
            assert response.status_code == 200, name
            texts[name] = page_text(response)
        transaction.set_rollback(True)
    return texts


@pytest.mark.parametrize(("fact", "page", "words"), FACTS, ids=[fact for fact, _, _ in FACTS])
def test_the_page_shows_the_seed_fact(pages, fact, page, words):
    missing = [phrase for phrase in words if phrase not in pages[page]]
    assert not missing, f"{page} does not show that {fact}: missing {missing}"


def test_the_fact_list_covers_every_seed():
    assert len(FACTS) >= 100


def _words(text):
    return re.findall(r"[a-z0-9]+", html.unescape(text).lower().replace("\u2019", "'"))


def test_no_page_copies_a_passage_of_the_seeds_over_25_words(pages):
    """The portal says the seeds' facts in its own words: no run of 26 words is copied."""
    length = 26
    copied = set()
    for seed in SEEDS.glob("*.txt"):
        words = _words(seed.read_text())
        copied |= {tuple(words[i : i + length]) for i in range(len(words) - length + 1)}
    for name, text in pages.items():
        words = _words(text)
        runs = [tuple(words[i : i + length]) for i in range(len(words) - length + 1)]
        assert not copied.intersection(runs), f"{name} copies a passage of the seeds"
