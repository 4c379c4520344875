"""Demonstration resources: the Collaborative's own workshop report, a report it builds on,
and the presentations of the March 2020 workshop.

The future-workforce report carries a short PDF that the loader writes from
a summary written for the portal (and saying so), so that downloads and
searching inside files can be tried. It claims nothing about the
Collaborative beyond what its pages say. The Collaborative holds none of the
March 2020 slides, and the library says so rather than offering stand-in files.
"""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from demo.registry import sync
from resources import services
from resources.models import Resource
from workshops.models import Theme, Workshop

COLLABORATIVE = "National Mental Health Workforce Development Collaborative"
MARCH_2020_WORKSHOP = "2020-03-05-strategic-workforce-planning-in-mental-health-settings"
FUTURE_WORKFORCE_REPORT = "the-future-of-the-mental-health-workforce"
FUTURE_WORKFORCE_REPORT_URL = (
    "https://www.centreformentalhealth.org.uk/publications/future-mental-health-workforce"
)
# A fixed name, so that loading again (even into a new database) finds the file already there.
FUTURE_WORKFORCE_SUMMARY_FILE = "resources/demo/the-future-of-the-mental-health-workforce.pdf"


def march_2020_presentation(slug, title, organisation, summary):
    return {
        "slug": f"2020-03-05-{slug}",
        "title": title,
        "kind": Resource.Kind.PRESENTATION,
        "published_on": datetime.date(2020, 3, 5),
        "author_organisation": organisation,
        "workshop": MARCH_2020_WORKSHOP,
        "themes": ("strategic-workforce-planning",),
        "slides_not_available": True,
        "summary": summary,
    }


RESOURCES = (
    {
        # The report came from the February 2018 workshop; when it was published is not
        # recorded. The workshop's month orders it in the library, and the pages say so.
        "slug": "thriving-at-work-workshop-report",
        "title": "Thriving at Work: Collaborative workshop report",
        "kind": Resource.Kind.WORKSHOP_REPORT,
        "published_on": datetime.date(2018, 2, 1),
        "publication_date_not_recorded": True,
        "author_organisation": COLLABORATIVE,
        "workshop": "2018-02-thriving-at-work",
        "themes": ("staff-wellbeing",),
        "summary": "The report of the Collaborative's February 2018 workshop, at which HR "
        "directors and staff health and wellbeing leads worked on how to adopt the "
        "recommendations of Thriving at Work, the review commissioned by the Prime Minister "
        "and led by Dennis Stevenson and Paul Farmer. It is meant to help an NHS organisation "
        "measure its current practice against the review's recommendations, and to share "
        "good practice in planning to meet its core and enhanced standards.",
    },
    {
        "slug": FUTURE_WORKFORCE_REPORT,
        "title": "The future of the mental health workforce",
        "kind": Resource.Kind.POLICY_REPORT,
        "published_on": datetime.date(2017, 9, 19),
        "author_organisation": "Centre for Mental Health",
        "workshop": None,
        "themes": (
            "workforce-design-including-new-roles",
            "workforce-development",
            "staff-wellbeing",
        ),
        "summary": "Centre for Mental Health looked a decade ahead for the NHS Confederation "
        "Mental Health Network, in work commissioned by NHS Employers and supported by Health "
        "Education England. It sets workforce data for a specialist mental health workforce of "
        "about 200,000 whole-time equivalent staff beside the views of more than 100 people "
        "consulted across England in 2017. Its 22 recommendations run from promoting mental "
        "health careers in schools to making staff wellbeing a priority for every provider.\n\n"
        "The file here is a short summary of the report's figures and recommendations, "
        "written for this portal; it is not the Collaborative's own publication. The full "
        "report is on Centre for Mental Health's website.",
    },
    march_2020_presentation(
        "population-and-public-mental-health",
        "England's population and public mental health: what it means for workforce and "
        "service planning",
        "Public Health England",
        "A national picture of population and public mental health, given to help Trusts plan "
        "their workforce and services and to work with sustainability and transformation "
        "partnerships and integrated care systems.",
    ),
    march_2020_presentation(
        "mental-health-workforce-growth",
        "Mental health workforce growth: the challenge and the opportunity",
        "NHS England and NHS Improvement",
        "Announced on the workshop's programme as to be confirmed. There is no record that "
        "it was given.",
    ),
    march_2020_presentation(
        "hee-strategic-workforce-planning",
        "Health Education England's approach to strategic workforce planning in mental health",
        "Health Education England",
        "How Health Education England plans the mental health workforce, presented to "
        "directors of nursing, HR and organisational development from mental health Trusts.",
    ),
    march_2020_presentation(
        "wrapt-workforce-planning-tool",
        "WRaPT: a strategic workforce planning tool for health and social care",
        "GE Healthcare Partners Limited",
        "Where the WRaPT tool came from, examples of it in use, and the difference it has made "
        "to workforce planning where it has been used.",
    ),
    march_2020_presentation(
        "skills-mix-modelling",
        "Skills mix modelling",
        "Oxford Health NHS Foundation Trust",
        "How a founding Trust of the Collaborative models the mix of skills its services "
        "need, shared as an example of workforce planning in practice.",
    ),
    march_2020_presentation(
        "calderdale-framework",
        "The Calderdale Framework",
        "",
        "A structured way of reviewing skill mix and designing roles around what patients "
        "need. The programme did not record who presented it.",
    ),
)

# The portal's own summary of the future-workforce report, written for the PDF above.
FUTURE_WORKFORCE_SUMMARY = (
    (
        None,
        "This is a short summary, written for the Collaborative's portal, of a report that "
        "Centre for Mental Health published in September 2017. It picks out the figures and "
        "recommendations that matter most to mental health Trusts planning their workforce. "
        "The full report, "
        f"with its sources, is at {FUTURE_WORKFORCE_REPORT_URL}",
    ),
    (
        "Who wrote it and why",
        "Centre for Mental Health wrote the report for the NHS Confederation Mental Health "
        "Network. NHS Employers commissioned the work and Health Education England supported "
        "it. It asks what the specialist mental health workforce in England should look like "
        "over the next decade and beyond, drawing on national workforce data, on policy, and "
        "on consultation events and round tables held across the country in early 2017.",
    ),
    (
        "The workforce in figures",
        [
            "The specialist NHS mental health workforce has about 214,000 whole-time "
            "equivalent posts. About 20,000 are vacant at any one time, leaving roughly "
            "194,000 whole-time equivalent staff in post.",
            "Mental health services lose some 10,000 staff a year.",
            "In October 2016 NHS Trusts and clinical commissioning groups in England employed "
            "8,819 full-time equivalent psychiatrists, a number that had changed little, with "
            "growing concern about psychiatrists leaving and how few were in training.",
            "Full-time equivalent mental health nurses fell by more than a tenth between "
            "October 2009 and October 2016, to 35,943. Community nurse numbers rose a little; "
            "the fall came mostly on inpatient wards as beds closed.",
            "Staff in psychotherapy roles rose from 1,214 to 4,341 full-time equivalent over "
            "the same years, as psychological therapy services grew.",
            "Health Education England's plan for the Five Year Forward View for Mental Health, "
            "Stepping Forward to 2020/21, aims for 19,000 more posts: about 11,000 in "
            "established professions such as psychiatry, nursing and occupational therapy, and "
            "about 8,000 in newer roles such as peer support workers and psychological "
            "wellbeing practitioners.",
        ],
    ),
    (
        "What more than 100 people said",
        [
            "Recruiting into mental health is hard, above all into nursing and psychiatry, "
            "and mental health is rarely put to young people as a career.",
            "More staff leave mental health services than leave many other health services. "
            "Newly qualified nurses and experienced older staff were of most concern.",
            "Supervision and mentoring matter a great deal but are given too little time and "
            "money.",
            "Inpatient wards are undervalued as places to work, with low morale, high "
            "sickness and high turnover.",
            "People with lived experience should have a bigger voice in the workforce, "
            "through careers in peer support and through coproduction at every level.",
            "Services should become compassionate organisations that look after the "
            "wellbeing of their own staff.",
        ],
    ),
    (
        "The 22 recommendations in brief",
        [
            "Attracting the workforce (1): reach out to schools and colleges about mental "
            "health careers.",
            "Career pathways (2 to 5): clear national pathways; local pathways that cross "
            "professional boundaries and suit each stage of working life; a career pathway "
            "for inpatient care; paid and voluntary roles for people with lived experience.",
            "Supervision and mentoring (6 and 7): give management and clinical supervision "
            "real time and money, and treat mentoring students and trainees as core work.",
            "Training (8 to 12): prepare staff to work flexibly across settings and teams; "
            "offer enough placements; look beyond the NHS to the voluntary, community and "
            "independent sectors; invest in the staff already in post; give GPs and primary "
            "care staff substantial mental health training.",
            "Competencies (13 to 17): describe what a mental health practitioner must be able "
            "to do, with routes to it that cross traditional professional lines; more "
            "postgraduate training open to many disciplines; training in consultation skills "
            "and in coproduction; psychological formulation for every practitioner.",
            "Commissioning (18 to 21): pay for consultation with primary care and others in "
            "contracts; train commissioners in a skill set of their own; build needs-led, "
            "coproduced support in the community; invest in prevention with public health.",
            "Wellbeing (22): every provider and commissioner should make staff wellbeing a "
            "priority, starting from the actions the 2009 Boorman review set out for NHS "
            "employers.",
        ],
    ),
    (
        "Why it matters to the Collaborative",
        "New roles, workforce development and staff wellbeing, the report's main threads, are "
        "the Collaborative's current priorities.",
    ),
)


def future_workforce_summary_pdf():
    """The summary as PDF bytes, the same on every run so that storage is written once."""
    pdf = FPDF(format="A4")
    line = {"align": "L", "new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
    pdf.set_creation_date(datetime.datetime(2017, 9, 19, tzinfo=datetime.UTC))
    pdf.set_title("The future of the mental health workforce: a summary")
    pdf.set_author(f"{COLLABORATIVE} portal")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 9, "The future of the mental health workforce", **line)
    pdf.set_font("Helvetica", "", 12)
    pdf.multi_cell(0, 7, f"A summary written for the {COLLABORATIVE} portal", **line)
    for heading, body in FUTURE_WORKFORCE_SUMMARY:
        pdf.ln(4)
        if heading:
            pdf.set_font("Helvetica", "B", 14)
            pdf.multi_cell(0, 8, heading, **line)
            pdf.ln(1)
        pdf.set_font("Helvetica", "", 11)
        for paragraph in body if isinstance(body, list) else [body]:
            text = f"- {paragraph}" if isinstance(body, list) else paragraph
            pdf.multi_cell(0, 6, text, **line)
            pdf.ln(1)
    return bytes(pdf.output())


def attach_future_workforce_summary(resource):
    """Store the summary PDF and attach it, touching storage and the row only when they differ."""
    content = future_workforce_summary_pdf()
    name = FUTURE_WORKFORCE_SUMMARY_FILE
    stored = default_storage.exists(name)
    if stored:
        with default_storage.open(name, "rb") as file:
            stored = file.read() == content
    if not stored:
        default_storage.delete(name)
        name = default_storage.save(name, ContentFile(content))
    if stored and resource.file.name == name:
        return
    resource.file.name = name
    resource.file_type = Resource.FileType.PDF
    resource.file_size = len(content)
    resource.save()
    services.extract_text(resource.pk)


def load():
    for row in RESOURCES:
        resource = sync(
            Resource,
            {"slug": row["slug"]},
            {
                "title": row["title"],
                "kind": row["kind"],
                "published_on": row["published_on"],
                "publication_date_not_recorded": row.get("publication_date_not_recorded", False),
                "author_organisation": row["author_organisation"],
                "workshop": Workshop.objects.get(slug=row["workshop"]) if row["workshop"] else None,
                "url": "",
                "slides_not_available": row.get("slides_not_available", False),
                "summary": row["summary"],
                "is_published": True,
            },
        )
        resource.themes.set(Theme.objects.filter(slug__in=row["themes"]))
    attach_future_workforce_summary(Resource.objects.get(slug=FUTURE_WORKFORCE_REPORT))
