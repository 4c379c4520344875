"""Demo attendance at the 2022 workshops, so the engagement dashboard has something to show.

The people are fictional representatives of real member Trusts, made up from
a fixed list of names; their accounts have no usable password, so nobody can
sign in as them. The pattern of who attended is fixed too, so that running
``load_demo`` again changes nothing.
"""

import datetime

from django.contrib.auth.hashers import make_password

from collaborative.models import FunctionalArea, Seniority, User
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
    domain = trust.email_domains.order_by("domain").first()
    email = f"demo.{area.value.replace('_', '.')}@{domain.domain}"
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
    return person


def load(year=2022):
    """Bookings and attendance for the year's held workshops, for two thirds of the members."""
    workshops = list(Workshop.objects.filter(date__year=year, status=Workshop.Status.HELD))
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
                Booking.objects.get_or_create(
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
