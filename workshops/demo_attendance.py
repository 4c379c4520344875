"""Demonstration attendance at the 2022 workshops, so the engagement dashboard has something
to show.

All of it is made up and flagged as demonstration data: the Collaborative's record
gives the 2022 programme, not who booked or came, nor even whether each workshop
took place. The people are fictional representatives of real member Trusts, made up
from a fixed list of names, with addresses on their Trust's reserved demonstration
domain (``slam.nhs.test``), so that no e-mail can reach anyone; their accounts have no
usable password, so nobody can sign in as them. The pattern of who attended is fixed
too, so that running ``load_demo`` again changes nothing.
"""

import datetime

from django.contrib.auth.hashers import make_password

from collaborative.people.models import FunctionalArea, Seniority, User
from demo.registry import flag
from trusts.demo_data import DEMO_DOMAIN_SUFFIX
from trusts.models import Trust
from workshops.models import LONDON, Booking, BookingStatus, Workshop

FIRST_NAMES = (
    "Amara", "Ben", "Chloe", "Dev", "Elin", "Farah", "Gareth", "Hana", "Imran", "Jess",
    "Kwame", "Laura", "Marek", "Nadia", "Owen", "Priya", "Rhys", "Sade", "Tom", "Uma",
)  # fmt: skip
LAST_NAMES = (
    "Adeyemi", "Brooks", "Chen", "Dawson", "Evans", "Fraser", "Gill", "Hughes", "Iqbal",
    "Jones", "Khan", "Lewis", "Morris", "Nolan", "Okoro", "Patel", "Quinn", "Reid",
)  # fmt: skip
JOB_TITLES = {
    FunctionalArea.NURSING: "Director of Nursing",
    FunctionalArea.HR_WORKFORCE: "Director of People",
    FunctionalArea.OD_TRAINING_EDUCATION: "Director of Organisational Development",
}
AREAS = list(FunctionalArea)


def representative(trust, index, area):
    """The Trust's fictional director for a functional area (created once)."""
    domain = next(
        domain.domain
        for domain in trust.email_domains.all()
        if domain.domain.endswith(DEMO_DOMAIN_SUFFIX)
    )
    email = f"demo.{area.value.replace('_', '.')}@{domain}"
    seed = index * 3 + AREAS.index(area)
    person, _ = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": f"{FIRST_NAMES[seed % len(FIRST_NAMES)]} "
            f"{LAST_NAMES[(seed * 7) % len(LAST_NAMES)]}",
            "job_title": JOB_TITLES[area],
            "seniority": Seniority.DIRECTOR,
            "confirmed_seniority": Seniority.DIRECTOR,
            "functional_area": area,
            "trust": trust,
            "password": make_password(None),
        },
    )
    return flag(person)


def load(year=2022):
    """Bookings and attendance at the year's workshops, for two thirds of the members."""
    workshops = list(
        Workshop.objects.public()
        .filter(date__year=year)
        .exclude(status=Workshop.Status.CANCELLED)
        .order_by("date")
    )
    trusts = Trust.objects.members().prefetch_related("email_domains").order_by("ods_code")
    for index, trust in enumerate(trusts):
        for number, workshop in enumerate(workshops):
            if (index + number) % 3 == 0:
                continue  # this Trust sent nobody to this workshop
            areas = AREAS[: 1 + (index + number) % 2]
            for area in areas:
                person = representative(trust, index, area)
                requested = datetime.datetime.combine(
                    workshop.date - datetime.timedelta(days=21), datetime.time(9), tzinfo=LONDON
                )
                booking, _ = Booking.objects.get_or_create(
                    workshop=workshop,
                    person=person,
                    defaults={
                        "trust": trust,
                        "booked_by": person,
                        "functional_area": area,
                        "status": BookingStatus.CONFIRMED,
                        "requested_at": requested,
                        # One booked place in seven was not taken up on the day.
                        "attended": (index * 5 + number * 3 + AREAS.index(area)) % 7 != 0,
                    },
                )
                flag(booking, f"{person} at {workshop.title}")
