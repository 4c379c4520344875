"""``manage.py load_demo``: complete, honest to the seeds, and idempotent."""

import datetime
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone

from collaborative.demo_data import DEMO_ACCOUNTS
from collaborative.people.models import User
from resources.models import Resource
from trusts.demo_data import FOUNDING_TRUSTS, MEMBER_TRUSTS
from trusts.models import Membership, Trust
from workshops import demo_data as workshops_demo
from workshops.models import Theme, Workshop

pytestmark = pytest.mark.django_db

FOUNDING_CODES = {"RVN", "RXT", "RW5", "RW4", "RHA", "RNU", "RNK"}


@pytest.fixture
def today(monkeypatch):
    """Today's date, held still so that two runs in one test see the same day."""
    day = timezone.localdate()
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return day


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def printed(demo):
    """What the session's one load of the demonstration data printed."""
    return demo


@pytest.fixture
def first_run(db, today):
    """A load of its own, for a test of a second load: the first one wrote its files to this
    test's storage, on the same day."""
    return load_demo()


def every_row():
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }


def test_second_run_keeps_the_count_of_every_model(first_run):
    before = {label: len(rows) for label, rows in every_row().items()}
    load_demo()
    assert {label: len(rows) for label, rows in every_row().items()} == before


def test_second_run_changes_no_field_of_any_row(first_run):
    before = every_row()
    load_demo()
    assert every_row() == before


def test_second_run_keeps_a_password_the_person_changed(first_run):
    user = User.objects.get(email=DEMO_ACCOUNTS[0].email)
    user.set_password("changed-while-trying-the-portal")
    user.save()
    load_demo()
    user.refresh_from_db()
    assert user.check_password("changed-while-trying-the-portal")


def test_seven_founding_trusts_joined_in_april_2017_with_their_ods_codes(printed):
    founding = Membership.objects.filter(kind=Membership.Kind.FOUNDING).select_related("trust")
    assert {m.trust.ods_code for m in founding} == FOUNDING_CODES
    assert {m.joined_on for m in founding} == {datetime.date(2017, 4, 1)}


def test_lancashire_care_addresses_belong_to_its_renamed_founding_trust(printed):
    trust = Trust.objects.for_email("someone@lancashirecare.nhs.uk")
    assert trust == Trust.objects.for_email("someone@lscft.nhs.uk")
    assert (trust.ods_code, trust.is_founding) == ("RW5", True)


def test_at_least_forty_member_trusts_joined_in_2019(printed):
    members = Membership.objects.filter(kind=Membership.Kind.MEMBER)
    assert members.count() >= 40
    assert {m.joined_on.year for m in members} == {2019}


def test_ods_codes_are_unique_and_upper_case():
    codes = [row["ods_code"] for row in FOUNDING_TRUSTS + MEMBER_TRUSTS]
    assert len(codes) == len(set(codes))
    assert all(code == code.upper() for code in codes)


def test_email_domains_are_unique_and_lower_case():
    domains = [
        domain
        for row in FOUNDING_TRUSTS + MEMBER_TRUSTS
        for domain in [*row["domains"], *(d for d, _ in row.get("former_domains", ()))]
    ]
    assert len(domains) == len(set(domains))
    assert all(domain == domain.lower() for domain in domains)


def test_three_themes_are_current_priorities(printed):
    assert set(Theme.objects.filter(is_current_priority=True).values_list("name", flat=True)) == {
        "Workforce design including new roles",
        "Workforce development",
        "Staff wellbeing",
    }


def test_2022_programme_has_its_titles_online_and_is_not_recorded_as_held(printed):
    programme = Workshop.objects.filter(date__year=2022)
    assert not programme.filter(status=Workshop.Status.HELD).exists()
    assert {(w.format, w.start_time, w.end_time, w.capacity) for w in programme} == {
        (Workshop.Format.VIRTUAL, None, None, None)
    }
    assert {(w.date, w.title) for w in programme} == {
        (datetime.date(2022, 2, 28), "Workforce stress and the supportive organisation"),
        (
            datetime.date(2022, 5, 23),
            "How to support workforce providing care to children and young people's "
            "mental health inpatient settings?",
        ),
        (
            datetime.date(2022, 9, 26),
            "How to ensure an essential supply of AHPs? Considerations and priorities for "
            "increasing supply of AHP and delivering local workforce plans?",
        ),
        (datetime.date(2022, 11, 28), "How to grow a support workforce to meet NHS ambitions?"),
    }


def test_march_2020_workshop_has_its_six_presentations_in_order(printed):
    workshop = Workshop.objects.get(date=datetime.date(2020, 3, 5))
    assert [item.presenting_organisation or item.title for item in workshop.agenda_items.all()] == [
        "Public Health England",
        "NHS England and NHS Improvement (to be confirmed)",
        "Health Education England",
        "GE Healthcare Partners Limited",
        "Oxford Health NHS Foundation Trust",
        "The Calderdale Framework",
    ]


def test_november_2020_workshop_opens_with_dr_jacqui_dyer(printed):
    first = Workshop.objects.get(date=datetime.date(2020, 11, 16)).agenda_items.first()
    assert (first.start_time, first.speakers) == (datetime.time(10, 30), "Dr Jacqui Dyer")


def test_a_workshop_ahead_is_open_for_booking_today(printed, today):
    assert (
        Workshop.objects.upcoming()
        .filter(
            status=Workshop.Status.OPEN,
            booking_opens_on__lte=today,
            booking_closes_on__gte=today,
            capacity=60,
            places_per_trust=3,
        )
        .exclude(video_link="")
    )


def test_programme_ahead_is_open_then_agreed_then_drafts(printed):
    assert [w.status for w in Workshop.objects.upcoming()] == [
        Workshop.Status.OPEN,
        Workshop.Status.AGENDA_AGREED,
        Workshop.Status.DRAFT,
        Workshop.Status.DRAFT,
    ]


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2026, 11, 29),  # the day before a workshop
        datetime.date(2026, 11, 30),  # a workshop's own day
        datetime.date(2027, 3, 1),
        datetime.date(2027, 12, 31),
    ],
)
def test_nearest_workshop_takes_bookings_on_any_day(day):
    workshops_demo.load(today=day)
    nearest = Workshop.objects.filter(date__gt=day).order_by("date").first()
    assert nearest.status == Workshop.Status.OPEN
    assert nearest.booking_opens_on <= day <= nearest.booking_closes_on <= nearest.date


def test_quarterly_days_reproduce_the_2022_programme():
    assert workshops_demo.quarterly_dates(after=datetime.date(2021, 12, 31)) == [
        datetime.date(2022, 2, 28),
        datetime.date(2022, 5, 23),
        datetime.date(2022, 9, 26),
        datetime.date(2022, 11, 28),
    ]


def test_thriving_at_work_report_comes_from_the_february_2018_workshop(printed):
    report = Resource.objects.get(kind=Resource.Kind.WORKSHOP_REPORT)
    assert (report.workshop.date, report.workshop.date_precision) == (
        datetime.date(2018, 2, 1),
        Workshop.DatePrecision.MONTH,
    )
    assert report.publication_date_not_recorded
    assert [theme.slug for theme in report.themes.all()] == ["staff-wellbeing"]


def test_future_workforce_report_credits_centre_for_mental_health(printed):
    report = Resource.objects.get(title="The future of the mental health workforce")
    assert (report.author_organisation, report.published_on) == (
        "Centre for Mental Health",
        datetime.date(2017, 9, 19),
    )


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda account: account.email)
def test_demo_account_signs_in_with_its_printed_password(printed, account):
    line = next(line for line in printed.splitlines() if line.startswith(account.email + " "))
    password = line.split()[1]
    assert authenticate(email=account.email, password=password) == User.objects.get(
        email=account.email
    )


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda account: account.email)
def test_demo_account_has_a_verified_primary_address(printed, account):
    assert EmailAddress.objects.filter(
        user__email=account.email, email=account.email, verified=True, primary=True
    ).exists()


def test_operations_manager_runs_every_app_in_the_admin_without_being_superuser(printed):
    manager = User.objects.get(email="demo.operations@nmhwdc.nhs.test")
    assert (manager.is_staff, manager.is_superuser) == (True, False)
    assert manager.has_perms(
        [
            "collaborative.change_user",
            "trusts.change_trust",
            "workshops.add_workshop",
            "workshops.change_booking",
            "resources.view_resource",
        ]
    )


def test_steering_demo_account_sits_on_the_steering_group(printed):
    assert list(User.objects.steering_group().values_list("email", flat=True)) == [
        "demo.steering@oxfordhealth.nhs.test"
    ]


def test_demo_directors_represent_two_member_trusts_on_their_domains(printed):
    directors = User.objects.filter(
        trust__membership__kind=Membership.Kind.MEMBER,
        email__in=[account.email for account in DEMO_ACCOUNTS],
    )
    assert len({director.trust_id for director in directors}) == 2
    assert all(Trust.objects.for_email(d.email) == d.trust for d in directors)


def test_stakeholder_demo_account_represents_health_education_england(printed):
    person = User.objects.get(stakeholder_body__isnull=False)
    assert person.stakeholder_body.name == "Health Education England"


def test_refuses_to_run_in_production(settings, db):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        load_demo()
    assert not Trust.objects.exists()


def test_the_readme_lists_every_demo_account_with_its_password():
    from pathlib import Path

    from collaborative.demo_data import DEMO_ACCOUNTS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for account in DEMO_ACCOUNTS:
        assert f"`{account.email}` | `{account.password}`" in readme


def test_the_2022_workshops_have_demo_attendance_by_people_who_cannot_sign_in(printed):
    from workshops.models import Booking

    attended = Booking.objects.filter(workshop__date__year=2022, attended=True)
    assert attended.values("workshop").distinct().count() == 4
    assert attended.values("trust").distinct().count() > 20
    assert Booking.objects.filter(workshop__date__year=2022, attended=False).exists()
    assert not any(booking.person.has_usable_password() for booking in attended[:20])
    for workshop in Workshop.objects.filter(date__year=2022):
        assert workshop.bookings.holding_a_place().count() > 0
