"""The large data set the benchmarks measure at, made with bulk inserts in a few minutes.

It is added on top of what the database holds (the demo data, in ``make bench``), so
that the pages measured at demo size are the same pages at the large size:

- Trusts up to ``trusts`` in all, four in five of the new ones members;
- ``people`` people spread over every Trust, the demo ones included;
- ``workshops`` workshops over ``years`` years, held in the past and open ahead;
- ``bookings`` bookings spread evenly over those workshops;
- ``resources`` published resources with a few thousand words of text each, from
  ``bench/search.py``, with their search vectors.

Everything it makes has a name or slug starting ``bench-`` or an ODS code starting
``Y``, so nothing it adds is mistaken for the Collaborative's own record.
"""

import datetime
import random
import time

from django.db import connection, transaction
from django.utils import timezone

from collaborative.inputs import page_cache

SIZES = {
    "full": {
        "trusts": 250,
        "people": 2_500,
        "workshops": 1_000,
        "bookings": 50_000,
        "resources": 10_000,
        "years": 10,
    },
    "tiny": {
        "trusts": 5,
        "people": 20,
        "workshops": 6,
        "bookings": 30,
        "resources": 10,
        "years": 2,
    },
}

BATCH = 2_000


def generate(*, trusts, people, workshops, bookings, resources, years, seed=2026):
    """Add the data set; returns how many of each were added and the seconds taken."""
    from bench import search

    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        added = {
            "trusts": _trusts(rng, trusts),
            "people": _people(rng, people),
            "workshops": _workshops(rng, workshops, years),
        }
        added["bookings"] = _bookings(rng, bookings)
    search.add_resources(resources, rng)
    added["resources"] = resources
    # Written past the rules: visitors' pages kept from the demo size are out of date.
    page_cache.site_changed()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return added, time.perf_counter() - started


def _trusts(rng, total):
    from trusts.models import Membership, Region, Trust

    missing = max(0, total - Trust.objects.count())
    new = Trust.objects.bulk_create(
        [
            Trust(
                name=f"Benchmark Mental Health Trust {number:04d}",
                ods_code=f"Y{number:04d}",
                region=rng.choice(Region.values),
            )
            for number in range(missing)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(trust=trust, joined_on=datetime.date(2017, 1, 1) + _days(rng, 3000))
            for trust in new
            if rng.random() < 0.8
        ]
    )
    return len(new)


def _people(rng, count):
    from collaborative.people.models import FunctionalArea, Seniority, User
    from trusts.models import Trust

    trusts = list(Trust.objects.values_list("pk", flat=True))
    rows = []
    for number in range(count):
        seniority = rng.choice(Seniority.values)
        rows.append(
            User(
                email=f"bench-person{number}@bench.example.test",
                full_name=f"Benchmark Person {number}",
                job_title="Workforce lead",
                trust_id=rng.choice(trusts),
                seniority=seniority,
                confirmed_seniority=seniority if rng.random() < 0.7 else "",
                functional_area=rng.choice(FunctionalArea.values),
                password="!",
            )
        )
    User.objects.bulk_create(rows, batch_size=BATCH)
    return count


def _workshops(rng, count, years):
    from workshops.models import Workshop

    today = timezone.localdate()
    first = today - datetime.timedelta(days=365 * years - 180)
    span = 365 * years
    rows = []
    for number in range(count):
        date = first + datetime.timedelta(days=span * number // count)
        ahead = date > today
        rows.append(
            Workshop(
                title=f"Benchmark workshop {number}: how do we keep our workforce well?",
                slug=f"bench-workshop-{number}",
                description="A workshop of the benchmark's data set. " * 20,
                date=date,
                start_time="10:00",
                end_time="12:30",
                format=Workshop.Format.VIRTUAL,
                video_link="https://meet.example.org/bench",
                capacity=80,
                status=Workshop.Status.OPEN if ahead else Workshop.Status.HELD,
            )
        )
    Workshop.objects.bulk_create(rows, batch_size=BATCH)
    return count


def _bookings(rng, count):
    from collaborative.people.models import User
    from workshops.models import Booking, BookingStatus, Workshop

    workshops = list(
        Workshop.objects.filter(slug__startswith="bench-workshop-").values_list("pk", "date")
    )
    people = list(
        User.objects.filter(email__endswith="@bench.example.test").values_list(
            "pk", "trust_id", "functional_area"
        )
    )
    if not workshops or not people:
        return 0
    today = timezone.localdate()
    rows = []
    for number, (workshop, date) in enumerate(workshops):
        share = count // len(workshops) + (number < count % len(workshops))
        for person, trust, area in rng.sample(people, min(share, len(people))):
            booked = datetime.datetime.combine(
                date - _days(rng, 60), datetime.time(9), tzinfo=datetime.UTC
            )
            rows.append(
                Booking(
                    workshop_id=workshop,
                    person_id=person,
                    booked_by_id=person,
                    trust_id=trust,
                    functional_area=area,
                    one_per_functional_area=False,
                    status=BookingStatus.CONFIRMED,
                    requested_at=booked,
                    attended=(rng.random() < 0.85) if date < today else None,
                )
            )
        if len(rows) >= BATCH:
            Booking.objects.bulk_create(rows)
            rows = []
    Booking.objects.bulk_create(rows)
    return Booking.objects.filter(workshop_id__in=[pk for pk, _ in workshops]).count()


def _days(rng, most):
    return datetime.timedelta(days=rng.randrange(most))
