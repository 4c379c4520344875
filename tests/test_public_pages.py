"""The public pages: the layout, home, founding and member Trusts, and the workshop programme."""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.defaults import permission_denied

from tests.factories import (
    AgendaItemFactory,
    MembershipFactory,
    ThemeFactory,
    TrustFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.queries import queries_to_get
from trusts.models import Membership, Region, TrustChange
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["home", "trusts:founding", "trusts:list", "workshops:programme", "contact"]


def in_years(years, month, day):
    """A date in a future year, so that the test does not age."""
    return datetime.date(timezone.localdate().year + years, month, day)


def text_of(response):
    """The page's text with runs of white space folded, to match across template line breaks."""
    return re.sub(r"\s+", " ", response.content.decode())


# The layout ---------------------------------------------------------------


@pytest.mark.parametrize("url_name", PUBLIC_PAGES)
def test_public_page_answers_with_the_nhs_layout(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert re.search(r"<title>[^<]+ \N{EN DASH} NMHWDC</title>", page)
    assert '<a class="nhsuk-skip-link" data-module="nhsuk-skip-link" href="#maincontent">' in page
    assert '<main class="nhsuk-main-wrapper" id="maincontent">' in page
    assert "National Mental Health Workforce Development Collaborative" in page


def test_inline_scripts_carry_the_nonce_of_the_content_security_policy(client):
    response = client.get(reverse("home"))

    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.content.decode())
    assert len(inline_scripts) == 2
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline_scripts)


def test_header_marks_the_current_section(client):
    workshop = WorkshopFactory()

    page = text_of(client.get(workshop.get_absolute_url()))

    assert (
        '<a class="nhsuk-header__navigation-link" href="/workshops/" aria-current="true">'
        '<strong class="nhsuk-header__navigation-item-current-fallback">Workshops</strong>'
    ) in page


def test_header_offers_visitors_sign_in_and_an_account(client):
    page = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("account_login")}">Sign in</a>' in page
    assert f'href="{reverse("account_signup")}">Create an account</a>' in page
    assert "Sign out" not in page


def test_header_shows_a_signed_in_person_their_name_and_a_sign_out_form(client, director_a):
    client.force_login(director_a)

    page = text_of(client.get(reverse("home")))

    assert "Jane Smith" in page
    assert f'action="{reverse("account_logout")}" method="post"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "Sign in</a>" not in page
    assert reverse("admin:index") not in page


def test_header_links_staff_to_the_admin(client, operations_manager):
    client.force_login(operations_manager)

    page = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("admin:index")}">Admin</a>' in page


def test_server_error_page_renders_without_a_request():
    page = render_to_string("500.html")

    assert "Sorry, there is a problem with the service" in page
    assert '<html lang="en">' in page


def test_permission_denied_page_asks_visitors_to_sign_in(rf):
    request = rf.get("/workshops/")
    request.user = AnonymousUser()

    response = permission_denied(request, exception=PermissionDenied())

    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()
    assert f'href="{reverse("account_login")}?next=/workshops/"' in response.content.decode()


def test_unknown_address_shows_the_nhs_page_not_found(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# Home ---------------------------------------------------------------------


def test_home_page_lists_the_current_priorities_only(client):
    ThemeFactory(name="Staff wellbeing", slug="staff-wellbeing", is_current_priority=True)
    ThemeFactory(name="Estates planning", slug="estates-planning", is_current_priority=False)

    page = client.get(reverse("home")).content.decode()

    assert "Staff wellbeing" in page
    assert "Estates planning" not in page


def test_home_page_shows_the_soonest_upcoming_public_workshop(client):
    WorkshopFactory(title="A draft still being planned", date=in_years(1, 1, 10), status="draft")
    WorkshopFactory(title="Cancelled forum", date=in_years(1, 2, 1), status="cancelled")
    soonest = WorkshopFactory(
        title="How to grow a support workforce?",
        date=in_years(1, 3, 5),
        start_time=datetime.time(10, 30),
        end_time=datetime.time(12, 30),
        format=Workshop.Format.VIRTUAL,
    )
    WorkshopFactory(title="A later workshop", date=in_years(1, 6, 1))

    page = text_of(client.get(reverse("home")))

    assert f'<a href="{soonest.get_absolute_url()}">How to grow a support workforce?</a>' in page
    assert f"5 March {soonest.date.year}, 10:30 to 12:30" in page
    assert "Virtual (video link)" in page
    assert "A later workshop" not in page
    assert "A draft still being planned" not in page
    assert "Cancelled forum" not in page


def test_home_page_says_when_no_workshop_is_announced(client):
    WorkshopFactory(date=timezone.localdate() - datetime.timedelta(days=1), status="held")

    page = client.get(reverse("home")).content.decode()

    assert "The next workshop has not been announced yet." in page


# Founding Trusts and steering group --------------------------------------


def test_founding_page_lists_founding_trusts_with_region_and_website(client, trust_a):
    MembershipFactory(
        trust__name="Oxford Health NHS Foundation Trust",
        trust__ods_code="RNU",
        trust__region=Region.SOUTH_EAST,
        trust__website="https://www.oxfordhealth.nhs.uk/",
        kind=Membership.Kind.FOUNDING,
    )

    page = client.get(reverse("trusts:founding")).content.decode()

    assert "Oxford Health NHS Foundation Trust" in page
    assert "South East" in page
    assert 'href="https://www.oxfordhealth.nhs.uk/"' in page
    assert trust_a.name not in page


def test_founding_page_names_the_trust_a_founding_trust_merged_into(client):
    successor = MembershipFactory(
        trust__name="Lancashire and South Cumbria NHS Foundation Trust",
        kind=Membership.Kind.FOUNDING,
    ).trust
    TrustFactory(name="Lancashire Care NHS Foundation Trust", successor=successor)

    page = client.get(reverse("trusts:founding")).content.decode()

    assert "Formerly Lancashire Care NHS Foundation Trust" in page


def test_founding_page_lists_the_steering_group(client, steering_member, director_a):
    steering_member.job_title = "Director of Workforce"
    steering_member.save()

    page = client.get(reverse("trusts:founding")).content.decode()

    assert "Alex Morgan" in page
    assert "Director of Workforce" in page
    assert "Founding Test NHS Foundation Trust" in page
    assert "Jane Smith" not in page
    assert steering_member.email not in page


def test_founding_page_says_plainly_when_no_steering_group_members_are_listed(
    client, founding_trust
):
    page = client.get(reverse("trusts:founding")).content.decode()

    assert "No steering group members are listed on the portal yet." in page


def _add_trusts(count, kind):
    """``count`` member Trusts of ``kind``, each renamed once and with a predecessor of its
    own, and a steering group member at each: everything the Trusts' pages show of them."""
    for _ in range(count):
        trust = MembershipFactory(kind=kind).trust
        TrustChange.objects.create(
            trust=trust, kind=TrustChange.Kind.RENAMED, former_name="Old name", source="ODS"
        )
        TrustFactory(successor=trust)
        UserFactory(trust=trust, is_steering_member=True, full_name="A member")


@pytest.mark.parametrize(
    ("url_name", "kind"),
    [("trusts:list", Membership.Kind.MEMBER), ("trusts:founding", Membership.Kind.FOUNDING)],
)
def test_the_trusts_pages_take_as_many_queries_for_thirty_trusts_as_for_two(client, url_name, kind):
    _add_trusts(2, kind)
    client.get(reverse(url_name))  # the first request also fills Django's content-type cache
    two, _ = queries_to_get(client, reverse(url_name))
    _add_trusts(28, kind)
    thirty, response = queries_to_get(client, reverse(url_name))

    assert response.content.decode().count("Old name") == 30
    assert thirty == two


# Member Trusts ------------------------------------------------------------


def test_member_list_shows_active_members_and_marks_the_founding_ones(
    client, trust_a, founding_trust
):
    MembershipFactory(trust__name="Former Member NHS Trust", is_active=False)

    response = client.get(reverse("trusts:list"))

    page = text_of(response)
    assert response.context["trusts"] == [trust_a, founding_trust]
    assert "2 member Trusts" in page
    assert '<strong class="nhsuk-tag nhsuk-tag--blue">Founding Trust</strong>' in page
    assert "Former Member NHS Trust" not in page


def test_member_list_shows_ods_code_region_and_year_joined(client, trust_a):
    page = text_of(client.get(reverse("trusts:list")))

    assert '<td class="nhsuk-table__cell">TA1</td>' in page
    assert '<td class="nhsuk-table__cell">London</td>' in page
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">2019</td>' in page


def test_member_list_search_form_uses_q_and_region(client):
    page = client.get(reverse("trusts:list")).content.decode()

    assert 'name="q"' in page
    assert 'name="region"' in page
    assert "Trust name, ODS code or region" in page


def test_member_search_finds_a_trust_by_part_of_its_name(client, trust_a, trust_b):
    response = client.get(reverse("trusts:list"), {"q": "bristol"})

    assert response.context["trusts"] == [trust_b]
    assert "1 Trust matches your search" in text_of(response)


def test_member_search_finds_a_trust_by_ods_code(client, trust_a, trust_b):
    response = client.get(reverse("trusts:list"), {"q": "ta1"})

    assert response.context["trusts"] == [trust_a]


def test_member_search_finds_trusts_by_region_name(client, trust_a):
    northern = MembershipFactory(
        trust__name="Northern Test NHS Trust", trust__region=Region.NORTH_WEST
    )

    response = client.get(reverse("trusts:list"), {"q": "north west"})

    assert response.context["trusts"] == [northern.trust]


def test_member_region_filter_keeps_only_that_region(client, trust_a):
    northern = MembershipFactory(trust__region=Region.NORTH_WEST)

    response = client.get(reverse("trusts:list"), {"region": Region.NORTH_WEST})

    assert response.context["trusts"] == [northern.trust]


def test_member_search_says_when_nothing_matches(client, trust_a):
    response = client.get(reverse("trusts:list"), {"q": "Atlantis"})

    page = response.content.decode()
    assert response.context["trusts"] == []
    assert "No member Trusts match your search" in page
    assert f'<a href="{reverse("trusts:list")}">see all member Trusts</a>' in page


# Workshop programme -------------------------------------------------------


def test_programme_lists_upcoming_workshops_soonest_first(client):
    today = timezone.localdate()
    WorkshopFactory(title="Later upcoming workshop", date=today + datetime.timedelta(days=60))
    WorkshopFactory(title="Sooner upcoming workshop", date=today + datetime.timedelta(days=10))

    page = client.get(reverse("workshops:programme")).content.decode()

    assert page.index("Sooner upcoming workshop") < page.index("Later upcoming workshop")


def test_programme_shows_the_latest_past_year_and_links_to_the_others(client):
    WorkshopFactory(title="Thriving at work", date=datetime.date(2018, 2, 20), status="held")
    WorkshopFactory(
        title="Strategic workforce planning", date=datetime.date(2020, 3, 5), status="held"
    )

    page = client.get(reverse("workshops:programme")).content.decode()

    assert 'id="past-2020">2020</caption>' in page
    assert "Strategic workforce planning" in page
    assert "Thriving at work" not in page
    assert page.index('href="?year=2020"') < page.index('href="?year=2018"')
    assert '<a class="nhsuk-pagination__link" href="?year=2020" aria-current="page">' in page


def test_programme_shows_the_past_year_asked_for(client):
    WorkshopFactory(title="Thriving at work", date=datetime.date(2018, 2, 20), status="held")
    WorkshopFactory(
        title="Strategic workforce planning", date=datetime.date(2020, 3, 5), status="held"
    )
    WorkshopFactory(title="Coming soon", date=in_years(1, 3, 1))

    page = client.get(reverse("workshops:programme"), {"year": 2018}).content.decode()

    assert 'id="past-2018">2018</caption>' in page
    assert "Thriving at work" in page
    assert "Strategic workforce planning" not in page
    assert "Coming soon" in page


@pytest.mark.parametrize("year", ["2019", "1999", "20x8", "٢٠١٨"])
def test_programme_has_no_page_for_a_year_without_past_workshops(client, year):
    WorkshopFactory(date=datetime.date(2018, 2, 20), status="held")

    assert client.get(reverse("workshops:programme"), {"year": year}).status_code == 404


def test_programme_shows_date_time_format_theme_and_status(client):
    WorkshopFactory(
        title="Psychological support for NHS staff",
        date=datetime.date(2020, 7, 2),
        start_time=datetime.time(10, 30),
        end_time=datetime.time(12, 30),
        status="held",
    )

    page = text_of(client.get(reverse("workshops:programme")))

    assert "2 July 2020" in page
    assert "10:30 to 12:30" in page
    assert "Virtual (video link)" in page
    assert "Theme: Staff wellbeing" in page
    assert '<strong class="nhsuk-tag nhsuk-tag--grey">Held</strong>' in page


def test_programme_leaves_out_draft_workshops(client):
    WorkshopFactory(title="Not yet agreed", status="draft")

    page = client.get(reverse("workshops:programme")).content.decode()

    assert "Not yet agreed" not in page


def _add_workshops(count):
    """Workshops spread a week apart around today, each with its own theme."""
    today = timezone.localdate()
    for n in range(count):
        WorkshopFactory(
            date=today + datetime.timedelta(weeks=n - count // 2),
            theme=ThemeFactory(name=f"Theme {count}-{n}", slug=f"theme-{count}-{n}"),
        )


def _programme_queries(client):
    return queries_to_get(client, reverse("workshops:programme"))[0]


def test_programme_query_count_does_not_grow_with_the_number_of_workshops(client):
    _add_workshops(5)
    with_five = _programme_queries(client)
    _add_workshops(195)
    with_two_hundred = _programme_queries(client)

    assert Workshop.objects.count() == 200
    assert with_two_hundred == with_five


def test_programme_shows_one_past_year_however_many_years_there_are(client):
    """Ten years of a workshop a week: the page lists what is ahead and one past year."""
    _add_workshops(1040)
    past_this_year = Workshop.objects.past().filter(date__year=timezone.localdate().year)
    if not past_this_year.exists():  # the first days of January
        past_this_year = Workshop.objects.past().filter(date__year=timezone.localdate().year - 1)

    queries, response = queries_to_get(client, reverse("workshops:programme"))

    rows = response.content.decode().count('<tr class="nhsuk-table__row">') - 1
    assert rows == past_this_year.count()
    assert queries == _programme_queries(client)


# Workshop detail ----------------------------------------------------------


def test_workshop_page_shows_the_facts_of_the_workshop(client):
    workshop = WorkshopFactory(
        title="How to support the children and young people's inpatient workforce?",
        date=in_years(1, 5, 23),
        start_time=datetime.time(10, 30),
        end_time=datetime.time(12, 30),
        description="Directors compare how they recruit and keep staff.",
        capacity=45,
        booking_opens_on=in_years(1, 4, 1),
        booking_closes_on=in_years(1, 5, 16),
    )

    page = text_of(client.get(workshop.get_absolute_url()))

    assert "How to support the children and young people&#x27;s inpatient workforce?" in page
    assert f"23 May {workshop.date.year}" in page
    assert "10:30 to 12:30" in page
    assert "Staff wellbeing" in page
    assert "Directors compare how they recruit and keep staff." in page
    assert "45 in all" in page
    assert "Up to 3 people from each member Trust, one from each functional area" in page
    assert f"Opens 1 April {workshop.date.year}" in page
    assert f"Closes 16 May {workshop.date.year}" in page
    assert '<strong class="nhsuk-tag nhsuk-tag--green">Open for booking</strong>' in page


def test_virtual_workshop_page_never_shows_the_video_link(client):
    workshop = WorkshopFactory(video_link="https://meet.example.org/secret-room-42")

    page = client.get(workshop.get_absolute_url()).content.decode()

    assert "A video link is sent to confirmed attendees" in page
    assert "secret-room-42" not in page


def test_in_person_workshop_page_shows_the_venue(client):
    workshop = WorkshopFactory(
        format=Workshop.Format.IN_PERSON, venue="Skipton House\n80 London Road", video_link=""
    )

    page = client.get(workshop.get_absolute_url()).content.decode()

    assert "Skipton House<br>80 London Road" in page


def test_workshop_page_shows_the_agreed_agenda_in_order(client):
    workshop = WorkshopFactory(status=Workshop.Status.AGENDA_AGREED)
    AgendaItemFactory(
        workshop=workshop,
        order=2,
        start_time=datetime.time(11, 15),
        title="Skills mix modelling",
        presenting_organisation="Oxford Health NHS Foundation Trust",
    )
    AgendaItemFactory(
        workshop=workshop,
        order=1,
        start_time=datetime.time(10, 30),
        title="Understanding the population's mental health",
        speakers="Dr A Example, Consultant in Public Health",
        presenting_organisation="Public Health England",
    )

    page = client.get(workshop.get_absolute_url()).content.decode()

    assert page.index("Understanding the population") < page.index("Skills mix modelling")
    assert '<span class="app-agenda-time">11:15</span>' in page
    assert "Presented by Public Health England" in page
    assert "Speakers: Dr A Example, Consultant in Public Health" in page


def test_draft_workshop_is_not_found_by_visitors(client):
    workshop = WorkshopFactory(status=Workshop.Status.DRAFT)

    response = client.get(workshop.get_absolute_url())

    assert response.status_code == 404


def test_draft_workshop_is_not_found_by_signed_in_members(client, director_a):
    workshop = WorkshopFactory(status=Workshop.Status.DRAFT)
    client.force_login(director_a)

    response = client.get(workshop.get_absolute_url())

    assert response.status_code == 404


def test_staff_may_preview_a_draft_workshop(client, operations_manager):
    workshop = WorkshopFactory(title="A workshop in planning", status=Workshop.Status.DRAFT)
    client.force_login(operations_manager)

    response = client.get(workshop.get_absolute_url())

    assert response.status_code == 200
    assert "Draft: only staff can see this page" in response.content.decode()


# Demo data: these load the demo programme with `load_demo` and check that
# the pages show its facts. -------------------------------------------------


def test_demo_data_home_page_shows_the_current_priorities(client, demo):
    page = client.get(reverse("home")).content.decode()

    for priority in [
        "Workforce design including new roles",
        "Workforce development",
        "Staff wellbeing",
    ]:
        assert priority in page


def test_demo_data_founding_page_lists_the_seven_founding_trusts(client, demo):
    response = client.get(reverse("trusts:founding"))

    page = response.content.decode()
    assert len(response.context["founding_trusts"]) == 7
    assert "Oxford Health NHS Foundation Trust" in page
    assert "Tavistock and Portman NHS Foundation Trust" in page
    assert "A founder as Lancashire Care NHS Foundation Trust" in page


def test_demo_data_member_list_has_more_than_forty_trusts(client, demo):
    response = client.get(reverse("trusts:list"))

    assert len(response.context["trusts"]) > 40


def test_demo_data_member_search_finds_oxford_health_by_ods_code(client, demo):
    response = client.get(reverse("trusts:list"), {"q": "RNU"})

    assert [trust.name for trust in response.context["trusts"]] == [
        "Oxford Health NHS Foundation Trust"
    ]


def test_demo_data_programme_shows_the_2022_workshops(client, demo):
    page = client.get(reverse("workshops:programme"), {"year": 2022}).content.decode()

    assert "Workforce stress and the supportive organisation" in page
    assert "How to grow a support workforce to meet NHS ambitions?" in page
    assert 'href="?year=2020"' in page
    assert 'href="?year=2018"' in page


def test_demo_data_workshop_page_shows_the_2022_workshop(client, demo):
    workshop = Workshop.objects.get(title="How to grow a support workforce to meet NHS ambitions?")

    response = client.get(workshop.get_absolute_url())

    assert response.status_code == 200
    assert "28 November 2022" in response.content.decode()
