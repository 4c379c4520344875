"""Demonstration themes, the workshops the Collaborative held and what they agreed, a
programme ahead, and topics put to the steering group.

Dates, titles and presenters of past workshops come from the Collaborative's
own announcements; where those say nothing about times or format, the values
here are marked as stand-ins. The programme ahead is built relative to the
day the demo is loaded.
"""

import datetime

from collaborative.demo_data import DEMO_ACCOUNTS, sync
from collaborative.models import User
from workshops.models import AgendaItem, Outcome, Theme, TopicProposal, TopicSupport, Workshop
from workshops.planning import QUARTER_MONTHS, QUARTERS, default_day

THEMES = (
    {
        "slug": "workforce-design-including-new-roles",
        "name": "Workforce design including new roles",
        "is_current_priority": True,
        "description": "Shaping teams around what people need, and making new roles such as "
        "peer support workers, nursing associates and mental health practitioners work.",
    },
    {
        "slug": "workforce-development",
        "name": "Workforce development",
        "is_current_priority": True,
        "description": "Education, training, apprenticeships and careers that help staff grow "
        "and stay in mental health services.",
    },
    {
        "slug": "staff-wellbeing",
        "name": "Staff wellbeing",
        "is_current_priority": True,
        "description": "Looking after the people who look after others: health at work, "
        "psychological support and a compassionate culture.",
    },
    {
        "slug": "equality-diversity-and-inclusion",
        "name": "Equality, diversity and inclusion",
        "is_current_priority": False,
        "description": "A workforce that reflects its communities, and fair treatment and "
        "progression for every member of staff.",
    },
    {
        "slug": "strategic-workforce-planning",
        "name": "Strategic workforce planning",
        "is_current_priority": False,
        "description": "Planning numbers, skills and roles years ahead, from population need "
        "to local and national workforce plans.",
    },
)

# Workshops the Collaborative has held. Times are stand-ins where the
# announcements give none.
HELD_WORKSHOPS = (
    {
        # The announcement gives February 2018 only; its last Monday stands in for the day,
        # and the venue was not recorded.
        "slug": "2018-02-26-thriving-at-work",
        "title": "Thriving at Work: how can NHS employers meet the core and enhanced standards?",
        "theme": "staff-wellbeing",
        "date": datetime.date(2018, 2, 26),
        "start_time": datetime.time(10, 0),
        "end_time": datetime.time(13, 0),
        "format": Workshop.Format.IN_PERSON,
        "venue": "Venue not recorded",
        "description": "HR directors and staff health and wellbeing leads of the Collaborative's "
        "Trusts worked through the standards of the Stevenson and Farmer review of mental health "
        "at work: where each Trust stood, and how to plan for the standards it did not yet meet.",
    },
    {
        "slug": "2020-03-05-strategic-workforce-planning-in-mental-health-settings",
        "title": "Strategic workforce planning in mental health settings",
        "theme": "strategic-workforce-planning",
        "date": datetime.date(2020, 3, 5),
        "start_time": datetime.time(10, 0),
        "end_time": datetime.time(16, 0),
        "format": Workshop.Format.IN_PERSON,
        "venue": "London (the venue was not recorded)",
        "description": "The second workshop in the series on workforce planning from the "
        "providers' side, for directors of nursing, HR and organisational development. It set "
        "out the population mental health picture behind the Five Year Forward View for Mental "
        "Health and the NHS Long Term Plan, and compared planning models Trusts already use.",
        "agenda": (
            {
                "title": "England's population and public mental health: what it means for "
                "workforce and service planning",
                "presenting_organisation": "Public Health England",
                "description": "A national view of population mental health to inform workforce "
                "and service planning, and work with STPs and integrated care systems.",
            },
            {
                "title": "Mental health workforce growth: the challenge and the opportunity",
                "presenting_organisation": "NHS England and NHS Improvement (to be confirmed)",
                "description": "Announced as to be confirmed; there is no record that this "
                "presentation was given.",
            },
            {
                "title": "Health Education England's approach to strategic workforce planning in "
                "mental health",
                "presenting_organisation": "Health Education England",
            },
            {
                "title": "WRaPT: a strategic workforce planning tool for health and social care",
                "presenting_organisation": "GE Healthcare Partners Limited",
                "description": "Where the tool came from, how it works, and the difference it "
                "has made where it has been used.",
            },
            {
                "title": "Skills mix modelling",
                "presenting_organisation": "Oxford Health NHS Foundation Trust",
                "description": "How a founding Trust models the mix of skills its services need.",
            },
            {
                "title": "The Calderdale Framework",
                "description": "A structured method for reviewing skill mix and designing roles "
                "around what patients need. The presenter was not recorded.",
            },
        ),
    },
    {
        "slug": "2020-05-14-covid-19-workforce-issues",
        "title": "Workforce issues arising from the COVID-19 outbreak",
        "theme": "staff-wellbeing",
        "date": datetime.date(2020, 5, 14),
        "start_time": datetime.time(10, 0),
        "end_time": datetime.time(12, 0),
        "format": Workshop.Format.VIRTUAL,
        "kind": Workshop.Kind.VIDEOCONFERENCE,
        "description": "A videoconference on supporting the mental health and wellbeing of staff "
        "through the pandemic, what national recommendations meant for safe staffing and "
        "workforce plans, examples of support that worked, and a workforce plan for after "
        "the outbreak.",
    },
    {
        "slug": "2020-07-02-psychological-support-for-nhs-staff",
        "title": "What can mental health Trusts do to support NHS staff after the trauma of "
        "COVID-19?",
        "theme": "staff-wellbeing",
        "date": datetime.date(2020, 7, 2),
        "start_time": datetime.time(10, 30),
        "end_time": datetime.time(12, 30),
        "format": Workshop.Format.VIRTUAL,
        "kind": Workshop.Kind.FORUM,
        "description": "A one-off forum agreed at the May videoconference: recognising early "
        "signs of post-traumatic stress, the scale and length of psychological support staff "
        "will need, and what the Collaborative could do to prevent harm.",
    },
    {
        "slug": "2020-09-15-hee-national-mental-health-programme",
        "title": "Health Education England's National Mental Health programme: what it means "
        "for Trusts",
        "theme": "strategic-workforce-planning",
        "date": datetime.date(2020, 9, 15),
        "start_time": datetime.time(10, 0),
        "end_time": datetime.time(12, 0),
        "format": Workshop.Format.VIRTUAL,
        "kind": Workshop.Kind.VIDEOCONFERENCE,
        "description": "A videoconference with Health Education England's national mental "
        "health team on its workforce delivery plan and growth to 2024, the key workforce "
        "issues, and how COVID-19 changed the plan for staff wellbeing and services.",
    },
    {
        # Held during the second national lockdown: the announcement does not say how,
        # and online is the only format that fits.
        "slug": "2020-11-16-diversity-and-inclusion",
        "title": "Diversity and inclusion in the mental health workforce",
        "theme": "equality-diversity-and-inclusion",
        "date": datetime.date(2020, 11, 16),
        "start_time": datetime.time(10, 30),
        "end_time": datetime.time(15, 30),
        "format": Workshop.Format.VIRTUAL,
        "description": "Equalities work across the system, what the Collaborative's own "
        "projects produced, and how thinking about diversity and inclusion was built into them.",
        "agenda": (
            {
                "start_time": datetime.time(10, 30),
                "title": "The Mental Health Workforce Equalities Subgroup and Implementation "
                "Project: an overview",
                "speakers": "Dr Jacqui Dyer",
            },
            {
                "start_time": datetime.time(13, 30),
                "title": "System-wide work on equality, diversity and inclusion",
                "description": "Discussion, with the outputs of the Collaborative's projects "
                "and how diversity and inclusion shaped them.",
            },
        ),
    },
    {
        "slug": "2022-02-28-workforce-stress-and-the-supportive-organisation",
        "title": "Workforce stress and the supportive organisation",
        "theme": "staff-wellbeing",
        "date": datetime.date(2022, 2, 28),
        "description": "What causes stress in mental health teams two years into the pandemic, "
        "and what an organisation does when it takes supporting its people seriously.",
    },
    {
        "slug": "2022-05-23-children-and-young-peoples-mental-health-inpatient-settings",
        "title": "How to support workforce providing care to children and young people's "
        "mental health inpatient settings?",
        "theme": "workforce-development",
        "date": datetime.date(2022, 5, 23),
        "description": "Recruiting, training and keeping the staff of inpatient mental health "
        "services for children and young people.",
    },
    {
        "slug": "2022-09-26-supply-of-allied-health-professionals",
        "title": "How to ensure an essential supply of AHPs? Considerations and priorities for "
        "increasing supply of AHP and delivering local workforce plans?",
        "theme": "strategic-workforce-planning",
        "date": datetime.date(2022, 9, 26),
        "description": "Occupational therapists, physiotherapists, dietitians and other allied "
        "health professionals in mental health: where supply falls short and how local plans "
        "can close the gap.",
    },
    {
        "slug": "2022-11-28-growing-a-support-workforce",
        "title": "How to grow a support workforce to meet NHS ambitions?",
        "theme": "workforce-design-including-new-roles",
        "date": datetime.date(2022, 11, 28),
        "description": "Healthcare support workers and other support roles: attracting them, "
        "developing them and giving them careers, so services can grow as planned.",
    },
)

# Defaults for the 2022 programme, which the Collaborative held online; the
# announcements give no times.
HELD_DEFAULTS = {
    "kind": Workshop.Kind.QUARTERLY,
    "start_time": datetime.time(10, 0),
    "end_time": datetime.time(13, 0),
    "format": Workshop.Format.VIRTUAL,
    "venue": "",
}

# Topics for the programme ahead, each given to a quarter in turn so that a
# date always gets the same topic.
FUTURE_TOPICS = (
    {
        "slug": "keeping-experienced-staff",
        "title": "How do we keep experienced staff in mental health services?",
        "theme": "workforce-development",
        "description": "Why experienced nurses, therapists and support workers leave, and what "
        "flexible working, career moves and late-career roles can do to keep them.",
    },
    {
        "slug": "making-new-roles-work",
        "title": "What makes new roles last in mental health teams?",
        "theme": "workforce-design-including-new-roles",
        "description": "Peer support workers, nursing associates and mental health and "
        "wellbeing practitioners: supervision, career paths and team design that help them stay.",
    },
    {
        "slug": "wellbeing-under-sustained-pressure",
        "title": "How do we look after staff when pressure on services does not let up?",
        "theme": "staff-wellbeing",
        "description": "Practical support for wellbeing when demand stays high: rest, "
        "reflective practice and leaders who notice.",
    },
    {
        "slug": "race-equality-in-the-workforce",
        "title": "How can boards close the race equality gaps in their workforce?",
        "theme": "equality-diversity-and-inclusion",
        "description": "Using workforce race equality data to act on recruitment, progression "
        "and disciplinary gaps, and checking that the actions work.",
    },
    {
        "slug": "from-system-plans-to-local-recruitment",
        "title": "How do we turn system workforce plans into people in post?",
        "theme": "strategic-workforce-planning",
        "description": "From integrated care system plans to recruitment, training places and "
        "skill mix in each Trust.",
    },
    {
        "slug": "apprenticeship-routes-into-mental-health",
        "title": "How can apprenticeships widen the routes into mental health careers?",
        "theme": "workforce-development",
        "description": "Apprenticeships for nursing, allied health and support roles: what "
        "works, what gets in the way, and how Trusts can share places.",
    },
    {
        "slug": "supervision-and-reflective-practice",
        "title": "How can supervision and reflective practice protect staff from burnout?",
        "theme": "staff-wellbeing",
        "description": "Making time for good clinical and management supervision, and the "
        "evidence that it keeps staff well.",
    },
    {
        "slug": "community-mental-health-workforce",
        "title": "What workforce does community mental health transformation need?",
        "theme": "workforce-design-including-new-roles",
        "description": "Roles, skills and partnerships with primary care and the voluntary "
        "sector for the new community mental health services.",
    },
)

# The agenda once the steering group has agreed it; the topic comes from the workshop.
FUTURE_AGENDA = (
    {
        "start_time": datetime.time(10, 0),
        "title": "Welcome and purpose of the session",
        "speakers": "Chair of the steering group",
    },
    {
        "start_time": datetime.time(10, 15),
        "title": "The national picture",
        "presenting_organisation": "NHS England",
    },
    {
        "start_time": datetime.time(11, 0),
        "title": "What has worked in a founding Trust",
        "presenting_organisation": "Mersey Care NHS Foundation Trust",
    },
    {
        "start_time": datetime.time(11, 45),
        "title": "Discussion in groups by functional area",
    },
    {
        "start_time": datetime.time(12, 40),
        "title": "What the Collaborative will do next",
        "speakers": "Chair of the steering group",
    },
)

BOOKING_OPENS_BEFORE = datetime.timedelta(weeks=8)
BOOKING_CLOSES_BEFORE = datetime.timedelta(days=3)


def quarterly_dates(after, count=4):
    """The next ``count`` quarterly workshop days after the date ``after``."""
    dates = []
    year = after.year
    while len(dates) < count:
        dates += [day for quarter in QUARTERS if (day := default_day(year, quarter)) > after]
        year += 1
    return dates[:count]


def load_themes():
    return {
        row["slug"]: sync(
            Theme, {"slug": row["slug"]}, {k: v for k, v in row.items() if k != "slug"}
        )
        for row in THEMES
    }


def load_agenda(workshop, items):
    for order, item in enumerate(items, start=1):
        sync(
            AgendaItem,
            {"workshop": workshop, "order": order},
            {
                "start_time": item.get("start_time"),
                "title": item["title"],
                "description": item.get("description", ""),
                "speakers": item.get("speakers", ""),
                "presenting_organisation": item.get("presenting_organisation", ""),
            },
        )


def load_held_workshops(themes):
    for row in HELD_WORKSHOPS:
        values = {**HELD_DEFAULTS, **row}
        workshop = sync(
            Workshop,
            {"slug": row["slug"]},
            {
                "title": values["title"],
                "theme": themes[values["theme"]],
                "description": values["description"],
                "date": values["date"],
                "start_time": values["start_time"],
                "end_time": values["end_time"],
                "format": values["format"],
                "kind": values["kind"],
                "venue": values.get("venue", ""),
                "status": Workshop.Status.HELD,
            },
        )
        load_agenda(workshop, row.get("agenda", ()))


def future_topic(day):
    """The same topic for a given workshop day whenever the demo is loaded."""
    quarter = day.year * len(QUARTER_MONTHS) + QUARTER_MONTHS.index(day.month)
    return FUTURE_TOPICS[quarter % len(FUTURE_TOPICS)]


def load_future_programme(themes, today):
    """The next four quarterly workshops: open for booking, agenda agreed, then drafts."""
    for position, day in enumerate(quarterly_dates(after=today)):
        topic = future_topic(day)
        slug = f"{day.isoformat()}-{topic['slug']}"
        opens_on, closes_on = day - BOOKING_OPENS_BEFORE, day - BOOKING_CLOSES_BEFORE
        if position == 0:
            status = Workshop.Status.OPEN
            # Booking must be open today even when the workshop is days away.
            opens_on, closes_on = min(opens_on, today), max(closes_on, today)
        elif position == 1:
            status = Workshop.Status.AGENDA_AGREED
        else:
            status = Workshop.Status.DRAFT
            opens_on = closes_on = None
        workshop = sync(
            Workshop,
            {"slug": slug},
            {
                "title": topic["title"],
                "theme": themes[topic["theme"]],
                "description": topic["description"],
                "date": day,
                "start_time": datetime.time(10, 0),
                "end_time": datetime.time(13, 0),
                "format": Workshop.Format.VIRTUAL,
                # example.org is reserved, so the demo link can never reach a real meeting.
                "video_link": f"https://video.example.org/nmhwdc/{slug}",
                "venue": "",
                "capacity": 60,
                "places_per_trust": 3,
                "booking_opens_on": opens_on,
                "booking_closes_on": closes_on,
                "status": status,
            },
        )
        if status != Workshop.Status.DRAFT:
            load_agenda(workshop, FUTURE_AGENDA)


# What held workshops agreed. The May 2020 videoconference's outcome is told in the
# Collaborative's announcement of the forum it led to.
OUTCOMES = (
    {
        "workshop": "2020-05-14-covid-19-workforce-issues",
        "summary": "Trusts compared how they were looking after the wellbeing of their staff "
        "through the COVID-19 outbreak. Each had set up support of its own, and plenty of "
        "resources already pointed staff to help.\n\n"
        "The gap they saw was psychological support. Staff who went through trauma during the "
        "outbreak are at high risk of poor mental health once the emergency is over, and some "
        "will need specialist support for a long time.",
        "actions": "Hold a one-off forum on what mental health providers can do across the "
        "system to support NHS staff after the outbreak.\n"
        "At the forum, look at recognising early signs of post-traumatic stress, how long "
        "support will be needed, and what preventive work the Collaborative could take on.",
        "follow_up_events": ("2020-07-02-psychological-support-for-nhs-staff",),
    },
)

# Topics put to the steering group. The second was proposed by a member whose account
# has since closed; the demo steering member supports it.
TOPIC_PROPOSALS = (
    {
        "title": "How do we welcome and keep nurses recruited from overseas?",
        "theme": "workforce-development",
        "rationale": "Several Trusts are recruiting mental health nurses from abroad to fill "
        "vacancies. Sharing how they induct, supervise and support these nurses would spare "
        "each Trust learning the same lessons alone.",
        "proposed_by_steering_member": True,
        "supported_by_steering_member": False,
    },
    {
        "title": "What makes preceptorship work for newly qualified mental health nurses?",
        "theme": "workforce-development",
        "rationale": "Too many nurses leave in their first two years after qualifying. Trusts "
        "with strong preceptorship keep more of them, and the others want to know how.",
        "proposed_by_steering_member": False,
        "supported_by_steering_member": True,
    },
)


def load_outcomes():
    for row in OUTCOMES:
        outcome = sync(
            Outcome,
            {"workshop": Workshop.objects.get(slug=row["workshop"])},
            {"summary": row["summary"], "actions": row["actions"]},
        )
        outcome.follow_up_events.add(*Workshop.objects.filter(slug__in=row["follow_up_events"]))


def load(today):
    themes = load_themes()
    load_held_workshops(themes)
    load_outcomes()
    load_future_programme(themes, today)


def load_steering_group():
    """Topic proposals of the demo steering member; run after the demo accounts are loaded."""
    email = next(account.email for account in DEMO_ACCOUNTS if account.is_steering_member)
    member = User.objects.steering_group().get(email=email)
    for row in TOPIC_PROPOSALS:
        proposal = sync(
            TopicProposal,
            {"title": row["title"]},
            {
                "theme": Theme.objects.get(slug=row["theme"]),
                "rationale": row["rationale"],
                "proposed_by": member if row["proposed_by_steering_member"] else None,
            },
        )
        if row["supported_by_steering_member"]:
            sync(TopicSupport, {"proposal": proposal, "person": member})
