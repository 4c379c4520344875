"""Demonstration resources: the Collaborative's own workshop report and a report it builds on."""

import datetime

from collaborative.demo_data import sync
from resources.models import Resource
from workshops.models import Theme, Workshop

RESOURCES = (
    {
        # The report followed the February 2018 workshop; its exact date was not recorded.
        "slug": "thriving-at-work-workshop-report",
        "title": "Thriving at Work: Collaborative workshop report",
        "kind": Resource.Kind.WORKSHOP_REPORT,
        "published_on": datetime.date(2018, 3, 1),
        "author_organisation": "National Mental Health Workforce Development Collaborative",
        "workshop": "2018-02-26-thriving-at-work",
        "themes": ("staff-wellbeing",),
        "url": "",
        "summary": "The outcome of a workshop at which HR directors and staff wellbeing leads "
        "worked out how to put the Stevenson and Farmer review, Thriving at Work, into "
        "practice. It helps an NHS organisation check its current practice against the "
        "review's core and enhanced standards, and shares ways Trusts have planned to meet them.",
    },
    {
        "slug": "the-future-of-the-mental-health-workforce",
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
        "url": "https://www.centreformentalhealth.org.uk/publications/future-mental-health-workforce",
        "summary": "Centre for Mental Health looked a decade ahead for the NHS Confederation "
        "Mental Health Network, in work commissioned by NHS Employers and supported by Health "
        "Education England. It sets workforce data for a specialist mental health workforce of "
        "about 200,000 whole-time equivalent staff beside the views of more than 100 people "
        "consulted across England in 2017. Its 22 recommendations run from promoting mental "
        "health careers in schools to making staff wellbeing a priority for every provider.",
    },
)


def load():
    for row in RESOURCES:
        resource = sync(
            Resource,
            {"slug": row["slug"]},
            {
                "title": row["title"],
                "kind": row["kind"],
                "published_on": row["published_on"],
                "author_organisation": row["author_organisation"],
                "workshop": Workshop.objects.get(slug=row["workshop"]) if row["workshop"] else None,
                "url": row["url"],
                "summary": row["summary"],
                "is_published": True,
            },
        )
        resource.themes.set(Theme.objects.filter(slug__in=row["themes"]))
