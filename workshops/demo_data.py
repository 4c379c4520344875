"""The Collaborative's themes and past events as its record gives them, and, as
demonstration data, a programme ahead and topics put to the steering group.

Past events come from the Collaborative's own pages (the seeds): dates, titles,
what each was for, presenters. Where the record says nothing of a time, format,
venue or number of places, the field is left empty and the pages say "not
recorded"; only the events the record shows to have taken place are marked held.
The programme ahead is made up, built relative to the day the demo is loaded,
and flagged as demonstration data in the database.
"""

import datetime

from collaborative.people.models import User
from demo.registry import flag, keys, sync
from workshops.models import AgendaItem, Outcome, Theme, TopicProposal, TopicSupport, Workshop
from workshops.steering.planning import QUARTER_MONTHS, QUARTERS, default_day

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

CONTACT_AT_THE_TIME = (
    "The announcement named Joanna Daci, the Programme Operations Manager, as the contact "
    "for information and booking."
)
PROGRAMME_2022_NOTE = (
    "The Collaborative's schedule for 2022 gives the date and the question, and says that "
    "the year's meetings would be held virtually, every quarter. It gives no times and no "
    "number of places, and does not record whether the workshop took place."
)
PROGRAMME_2022_DESCRIPTION = (
    "One of the Collaborative's four quarterly workshops of 2022 for strategic leaders of "
    "the NHS Trusts in England that provide mental health services."
)

# Events of the Collaborative's record, oldest first. Empty times, format and capacity
# mean "not recorded"; "held" only where the record shows the event took place.
PAST_EVENTS = (
    {
        "slug": "2018-02-thriving-at-work",
        "former_slugs": ("2018-02-26-thriving-at-work",),
        "title": "Adopting the Thriving at Work recommendations: a workshop for HR directors",
        "theme": "staff-wellbeing",
        "date": datetime.date(2018, 2, 1),
        "date_precision": Workshop.DatePrecision.MONTH,
        "held": True,
        "description": "The Collaborative brought HR directors and staff health and "
        "wellbeing leads from its Trusts together to work out how to adopt the "
        "recommendations of Thriving at Work, the review of mental health at work that the "
        "Prime Minister commissioned and that Dennis Stevenson and Paul Farmer led. They "
        "worked on strategic and operational ways of putting the review's core and enhanced "
        "standards into practice.\n\n"
        "The workshop's report is meant to help NHS organisations measure what they do now "
        "against the recommendations, and to share good practice in planning to meet them.",
        "record_note": "The Collaborative's news page says that it organised this workshop "
        "for HR directors in February 2018, and offers its report. It gives no day, time, "
        "format, venue or number of places, and no title: the title here describes it.",
    },
    {
        "slug": "2020-03-05-strategic-workforce-planning-in-mental-health-settings",
        "title": "Strategic workforce planning in mental health settings",
        "theme": "strategic-workforce-planning",
        "date": datetime.date(2020, 3, 5),
        "format": Workshop.Format.IN_PERSON,
        "venue": "London (the venue itself is not recorded)",
        "description": "The second workshop in a series on strategic mental health workforce "
        "planning seen from the providers' side. Every NHS Trust in England that provides "
        "mental health services was invited to send its Director of Nursing, Director of HR "
        "and Director of Organisational Development or Training.\n\n"
        "It set out to help Trusts plan how to improve mental health services and outcomes "
        "for patients, and to support their work on the commitments of the Five Year Forward "
        "View for Mental Health and the NHS Long Term Plan. It would set the context for "
        "strategic workforce planning and service design in mental health, and build a shared "
        "understanding of what the population's mental health and public mental health will "
        "look like, so that workforce planning decisions are better informed.",
        "record_note": "The announcement gives the date and says the workshop would be in "
        "London. It gives no times, venue or number of places.",
        "agenda": (
            {
                "title": "England's population and public mental health: what it means for "
                "workforce and service planning",
                "presenting_organisation": "Public Health England",
                "description": "A macro-level view of the population's mental health and "
                "public mental health, to inform strategic workforce planning, service "
                "planning, and work with STPs and integrated care systems.",
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
                "description": "One of the workforce planning models shared as good practice: "
                "where the tool came from, examples of it in use, and its impact.",
            },
            {
                "title": "Skills mix modelling",
                "presenting_organisation": "Oxford Health NHS Foundation Trust",
                "description": "One of the workforce planning models shared as good practice.",
            },
            {
                "title": "The Calderdale Framework",
                "description": "One of the workforce planning models shared as good practice. "
                "The presenter is not recorded.",
            },
        ),
    },
    {
        "slug": "2020-05-14-covid-19-workforce-issues",
        "title": "Workforce issues arising from the COVID-19 (coronavirus) outbreak",
        "theme": "staff-wellbeing",
        "date": datetime.date(2020, 5, 14),
        "format": Workshop.Format.VIRTUAL,
        "kind": Workshop.Kind.VIDEOCONFERENCE,
        "held": True,
        "description": "A videoconference called for three things: to discuss ways of "
        "supporting the mental health and wellbeing of healthcare workers during the COVID-19 "
        "pandemic, and what the national recommendations meant for the Partner Trusts' own "
        "approach to safe staffing and workforce planning; to hear good practice examples of "
        "support for the workforce through COVID-19; and to discuss how the Collaborative's "
        "mental health workforce workplan for after COVID-19 should be developed.",
        "record_note": "The announcement gives the date and says it was a videoconference; "
        "the Collaborative's news page later reports what the May 2020 workshop discussed. "
        f"The times and number of places are not recorded. {CONTACT_AT_THE_TIME}",
    },
    {
        "slug": "2020-07-02-psychological-support-for-nhs-staff",
        "title": "Psychological support for NHS staff",
        "theme": "staff-wellbeing",
        "date": datetime.date(2020, 7, 2),
        "start_time": datetime.time(10, 30),
        "end_time": datetime.time(12, 30),
        "format": Workshop.Format.VIRTUAL,
        "kind": Workshop.Kind.FORUM,
        "description": "An extra, one-off forum, agreed at the May 2020 workshop, on what "
        "mental health providers could do across the system to support NHS staff after the "
        "COVID-19 outbreak. Staff who lived through trauma in the pandemic run a high risk of "
        "poor mental health once the emergency is over, and some will need specialist "
        "support for a long time.\n\n"
        "The forum was to look at understanding post-traumatic stress disorder and its early "
        "symptoms; the system's need for mental health support as a large-scale "
        "intervention; giving staff the space and time to process trauma, guilt and anxiety; "
        "how long that support would need to go on; and what preventive work the "
        "Collaborative could do.",
        "record_note": "The announcement gives the date and times and calls it a "
        f"videoconference. The number of places is not recorded. {CONTACT_AT_THE_TIME}",
    },
    {
        "slug": "2020-09-15-hee-national-mental-health-programme",
        "title": "Health Education England's National Mental Health programme of work",
        "theme": "strategic-workforce-planning",
        "date": datetime.date(2020, 9, 15),
        "format": Workshop.Format.VIRTUAL,
        "kind": Workshop.Kind.VIDEOCONFERENCE,
        "description": "A videoconference to engage the mental health Trusts in Health "
        "Education England's National Mental Health programme work plan. It would consider "
        "Health Education England's mental health workforce delivery plan and the growth it "
        "planned up to 2024: the areas of focus and the key mental health workforce issues, "
        "and an outline of the workforce approach needed to support delivery.\n\n"
        "It would also explore how the plan had changed in the light of COVID-19, as Health "
        "Education England's national mental health team saw it, looking both at the "
        "wellbeing of mental health Trusts' staff and at the effect on mental health services.",
        "record_note": "The announcement gives the date and says it was a videoconference. "
        f"It gives no times and no number of places. {CONTACT_AT_THE_TIME}",
    },
    {
        "slug": "2020-11-16-diversity-and-inclusion",
        "title": "Diversity and inclusion",
        "theme": "equality-diversity-and-inclusion",
        "date": datetime.date(2020, 11, 16),
        "start_time": datetime.time(10, 30),
        "description": "A Collaborative workshop on diversity and inclusion. The morning "
        "opened with an overview of the Mental Health Workforce Equalities Subgroup and "
        "Implementation Project. The afternoon was for discussing the work on equality, "
        "diversity and inclusion across the system, sharing what the Unit's projects had "
        "produced, and how diversity and inclusion thinking had been built into that work.",
        "record_note": "The announcement gives the day, 16 November, and the start, 10.30am, "
        "but not the year: 2020 comes from its place on the Collaborative's news page, above "
        "the announcement for 15 September 2020. The end time, format and number of places "
        "are not recorded. It named Joanna as the contact for information and bookings.",
        "agenda": (
            {
                "start_time": datetime.time(10, 30),
                "title": "The Mental Health Workforce Equalities Subgroup and Implementation "
                "Project: an overview",
                "speakers": "Dr Jacqui Dyer",
                "description": "In the morning.",
            },
            {
                "title": "System-wide work on equality, diversity and inclusion",
                "description": "In the afternoon: discussion, with the outputs of the Unit's "
                "projects and how diversity and inclusion thinking was built into them. The "
                "time is not recorded.",
            },
        ),
    },
    {
        "slug": "2022-02-28-workforce-stress-and-the-supportive-organisation",
        "title": "Workforce stress and the supportive organisation",
        "theme": "staff-wellbeing",
        "date": datetime.date(2022, 2, 28),
    },
    {
        "slug": "2022-05-23-children-and-young-peoples-mental-health-inpatient-settings",
        "title": "How to support workforce providing care to children and young people's "
        "mental health inpatient settings?",
        "theme": "workforce-development",
        "date": datetime.date(2022, 5, 23),
    },
    {
        "slug": "2022-09-26-supply-of-allied-health-professionals",
        "title": "How to ensure an essential supply of AHPs? Considerations and priorities for "
        "increasing supply of AHP and delivering local workforce plans?",
        "theme": "strategic-workforce-planning",
        "date": datetime.date(2022, 9, 26),
    },
    {
        "slug": "2022-11-28-growing-a-support-workforce",
        "title": "How to grow a support workforce to meet NHS ambitions?",
        "theme": "workforce-design-including-new-roles",
        "date": datetime.date(2022, 11, 28),
    },
)

# The 2022 programme: the schedule says the meetings were to be held virtually.
PROGRAMME_2022_DEFAULTS = {
    "kind": Workshop.Kind.QUARTERLY,
    "format": Workshop.Format.VIRTUAL,
    "description": PROGRAMME_2022_DESCRIPTION,
    "record_note": PROGRAMME_2022_NOTE,
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

# The made-up agenda of a demonstration workshop once agreed: no real organisation or
# person is named as presenting.
FUTURE_AGENDA = (
    {
        "start_time": datetime.time(10, 0),
        "title": "Welcome and purpose of the session",
    },
    {
        "start_time": datetime.time(10, 15),
        "title": "The national picture",
    },
    {
        "start_time": datetime.time(11, 0),
        "title": "What has worked in a member Trust",
    },
    {
        "start_time": datetime.time(11, 45),
        "title": "Discussion in groups by functional area",
    },
    {
        "start_time": datetime.time(12, 40),
        "title": "What the Collaborative will do next",
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


def load_agenda(workshop, items, *, demo=False):
    for order, item in enumerate(items, start=1):
        agenda_item = sync(
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
        if demo:
            flag(agenda_item)


def load_past_events(themes):
    """The events of the Collaborative's record, each with only what the record gives."""
    for row in PAST_EVENTS:
        values = {**PROGRAMME_2022_DEFAULTS, **row} if row["date"].year == 2022 else row
        # An event loaded under an earlier slug keeps its row (and what points to it).
        for former in row.get("former_slugs", ()):
            if not Workshop.objects.filter(slug=row["slug"]).exists():
                Workshop.objects.filter(slug=former).update(slug=row["slug"])
        workshop = sync(
            Workshop,
            {"slug": row["slug"]},
            {
                "title": values["title"],
                "theme": themes[values["theme"]],
                "kind": values.get("kind", Workshop.Kind.QUARTERLY),
                "description": values.get("description", ""),
                "record_note": values.get("record_note", ""),
                "date": values["date"],
                "date_precision": values.get("date_precision", Workshop.DatePrecision.DAY),
                "start_time": values.get("start_time"),
                "end_time": values.get("end_time"),
                "format": values.get("format", ""),
                "venue": values.get("venue", ""),
                "video_link": "",
                "capacity": None,
                # Held where the record shows it; otherwise it stays as announced, with its
                # agenda public ("agenda agreed"), and the pages say it is not recorded as held.
                "status": Workshop.Status.HELD
                if values.get("held")
                else Workshop.Status.AGENDA_AGREED,
            },
        )
        load_agenda(workshop, row.get("agenda", ()))


def future_topic(day):
    """The same topic for a given workshop day whenever the demo is loaded."""
    quarter = day.year * len(QUARTER_MONTHS) + QUARTER_MONTHS.index(day.month)
    return FUTURE_TOPICS[quarter % len(FUTURE_TOPICS)]


def load_future_programme(themes, today):
    """The next four quarterly workshops, made up: open for booking, agenda agreed, drafts."""
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
                "record_note": "",
                "date": day,
                "date_precision": Workshop.DatePrecision.DAY,
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
        flag(workshop)
        if status != Workshop.Status.DRAFT:
            load_agenda(workshop, FUTURE_AGENDA, demo=True)


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
    load_past_events(themes)
    load_outcomes()
    load_future_programme(themes, today)


def load_steering_group():
    """Topic proposals of the demo steering member (the one member of the steering group
    the demo made up); run after the demo accounts are loaded."""
    member = User.objects.steering_group().get(pk__in=keys(User))
    for row in TOPIC_PROPOSALS:
        proposal = flag(
            sync(
                TopicProposal,
                {"title": row["title"]},
                {
                    "theme": Theme.objects.get(slug=row["theme"]),
                    "rationale": row["rationale"],
                    "proposed_by": member if row["proposed_by_steering_member"] else None,
                },
            )
        )
        if row["supported_by_steering_member"]:
            flag(sync(TopicSupport, {"proposal": proposal, "person": member}))
