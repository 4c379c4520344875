"""Library search benchmark: ranked full-text search against a plain icontains scan.

Runs on PostgreSQL, in a database of its own so that nothing else is touched:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nmhwdc_bench \\
        .venv/bin/python bench/search.py [--resources 10000] [--queries 50]

It creates the database if it is missing (and drops it at the end), migrates
it, adds the resources with a few thousand words of generated workforce text
each, then times each query as the library page runs it: the count, the first
page of 20, and, for full text, the highlighted snippets. Prints the median and
p95 of each way and their ratio. Resources it adds to a database that was
already there are deleted at the end.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collaborative.settings")

PREFIX = "bench-search"
PAGE_SIZE = 20

ORGANISATIONS = (
    "Health Education England",
    "NHS England",
    "NHS Employers",
    "Centre for Mental Health",
    "Public Health England",
    "Skills for Health",
    "NHS Confederation Mental Health Network",
    "Oxford Health NHS Foundation Trust",
    "Mersey Care NHS Foundation Trust",
    "National Mental Health Workforce Development Collaborative",
)
SUBJECTS = (
    "mental health nurses",
    "psychiatrists in training",
    "peer support workers",
    "psychological wellbeing practitioners",
    "occupational therapists",
    "healthcare support workers",
    "inpatient ward teams",
    "community mental health teams",
    "crisis and home treatment teams",
    "children and young people's services",
    "nursing associates",
    "allied health professionals",
    "approved mental health professionals",
    "clinical psychologists",
    "ward managers",
)
ACTIONS = (
    "recruiting and keeping",
    "supervising and mentoring",
    "planning the numbers of",
    "developing the skills of",
    "supporting the wellbeing of",
    "designing new roles for",
    "reducing sickness absence among",
    "improving retention of",
    "offering flexible working to",
    "training and educating",
)
FINDINGS = (
    "Vacancy rates stayed high through the year",
    "Turnover fell where reflective practice groups were protected",
    "Staff valued clinical supervision when it had time set aside",
    "Apprenticeships opened routes into work for local people",
    "Rostering changes reduced reliance on agency staff",
    "Exit interviews pointed to workload and lack of career progression",
    "Preceptorship helped newly qualified nurses stay in post",
    "Skill mix reviews freed registered staff for complex care",
    "The Calderdale Framework gave teams a shared method for role design",
    "Equality, diversity and inclusion data showed gaps in progression",
    "Wellbeing hubs reached staff who had not sought help before",
    "Integrated care systems shared workforce plans across providers",
    "Population health data changed the demand forecast",
    "Coproduction with people who use services shaped the new roles",
    "Digital tools saved time on documentation",
)
CLOSINGS = (
    "in the first year",
    "across the region",
    "in every Trust that took part",
    "despite the pressures of the pandemic",
    "when boards reviewed progress each quarter",
    "with support from Health Education England",
    "within existing budgets",
    "after consultation with staff side",
)
QUERIES = (
    "supervision",
    "retention",
    "apprenticeships",
    "wellbeing",
    "preceptorship",
    "rostering",
    "Calderdale",
    "skill mix",
    "peer support",
    "nursing associates",
    "reflective practice",
    "sickness absence",
    "agency staff",
    "flexible working",
    "integrated care systems",
    "population health",
    "coproduction",
    "career progression",
    "exit interviews",
    "wellbeing hubs",
    "crisis teams",
    "clinical psychologists",
    "occupational therapists",
    "ward managers",
    "digital documentation",
    "vacancy rates",
    "workforce plans",
    "role design",
    "Health Education England",
    "Oxford Health",
    "equality diversity inclusion",
    "newly qualified nurses",
    "healthcare support workers",
    "allied health professionals",
    "approved mental health professionals",
    "psychological wellbeing practitioners",
    "children and young people",
    "inpatient wards",
    "home treatment",
    "staff side",
    "board reviewed progress",
    "demand forecast",
    "local people",
    "registered staff complex care",
    "pandemic pressures",
    "mentoring",
    "recruitment",
    "training",
    "turnover",
    "quarterly review",
)


def topic(rng):
    """What one report is about: a few findings, subjects and settings, as real reports have."""
    return {
        "findings": rng.sample(FINDINGS, 2),
        "subjects": rng.sample(SUBJECTS, 3),
        "actions": rng.sample(ACTIONS, 2),
        "closings": rng.sample(CLOSINGS, 3),
    }


def sentence(rng, about):
    return (
        f"{rng.choice(about['findings'])} for {rng.choice(about['subjects'])} "
        f"{rng.choice(about['closings'])}, according to work on {rng.choice(about['actions'])} "
        f"{rng.choice(about['subjects'])}."
    )


def ensure_database(url):
    """Create the benchmark's database if it is missing; True if this run created it."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        connection.execute(f'CREATE DATABASE "{name}"')
        return True


def drop_database(url):
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{parts.path.lstrip("/")}" WITH (FORCE)')


def add_resources(count, rng):
    from resources.models import Resource

    Resource.objects.filter(slug__startswith=PREFIX).delete()
    start = datetime.date(2012, 1, 1)
    for batch_start in range(0, count, 500):
        rows = []
        for number in range(batch_start, min(count, batch_start + 500)):
            about = topic(rng)
            body = " ".join(sentence(rng, about) for _ in range(rng.randint(40, 160)))
            rows.append(
                Resource(
                    title=f"{about['actions'][0].capitalize()} {about['subjects'][0]}: "
                    f"report {number}",
                    slug=f"{PREFIX}-{number}",
                    summary=" ".join(sentence(rng, about) for _ in range(3)),
                    kind=rng.choice(Resource.Kind.values),
                    published_on=start + datetime.timedelta(days=rng.randrange(5000)),
                    author_organisation=rng.choice(ORGANISATIONS),
                    body_text=body,
                )
            )
        Resource.objects.bulk_create(rows)
    Resource.objects.filter(slug__startswith=PREFIX).update_search_vector()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE resources_resource")


def timed(run, queries):
    times = []
    for text in queries:
        started = time.perf_counter()
        run(text)
        times.append((time.perf_counter() - started) * 1000)
    return times


def full_text_page(text):
    """What the library page does for a search on PostgreSQL."""
    from resources import search
    from resources.models import Resource

    matches = search.ranked(Resource.objects.published(), text)
    matches.count()
    page = list(matches[:PAGE_SIZE])
    search.add_snippets(page, text)


def scan_page(text):
    """The same page from a plain icontains scan, newest first."""
    from resources import search
    from resources.models import Resource

    matches = search.scan(Resource.objects.published(), text)
    matches.count()
    list(matches[:PAGE_SIZE])


def summary(times):
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of the benchmark's own.")
    created = ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from resources.models import Resource

    try:
        call_command("migrate", verbosity=0)
        rng = random.Random(2017)
        started = time.perf_counter()
        add_resources(args.resources, rng)
        print(f"resources: {args.resources} added in {time.perf_counter() - started:.1f} s")
        body = Resource.objects.filter(slug__startswith=PREFIX).values_list("body_text", flat=True)
        print(
            f"text:      {sum(len(text) for text in body.iterator()) / 1e6:.1f} million characters"
        )
        queries = [QUERIES[number % len(QUERIES)] for number in range(args.queries)]
        timed(full_text_page, queries[:5])  # warm the caches for both
        timed(scan_page, queries[:5])
        full_text = summary(timed(full_text_page, queries))
        scan = summary(timed(scan_page, queries))
        print(f"queries:   {len(queries)}, each: count + first page of {PAGE_SIZE}")
        print(f"full text: median {full_text[0]:8.1f} ms   p95 {full_text[1]:8.1f} ms")
        print(f"icontains: median {scan[0]:8.1f} ms   p95 {scan[1]:8.1f} ms")
        print(
            f"ratio:     icontains / full text = {scan[0] / full_text[0]:.1f}x at the median, "
            f"{scan[1] / full_text[1]:.1f}x at p95"
        )
    finally:
        if created:
            connection.close()
            drop_database(url)
            print(f"dropped the database {connection.settings_dict['NAME']}")
        else:
            Resource.objects.filter(slug__startswith=PREFIX).delete()
            print("deleted the benchmark's resources")


if __name__ == "__main__":
    main()
