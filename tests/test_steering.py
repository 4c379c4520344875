"""The steering group's pages: who may open them, and what each does."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from collaborative.people.models import User
from tests.factories import AgendaItemFactory, ThemeFactory, UserFactory, WorkshopFactory
from tests.queries import queries_to_get
from trusts.models import Membership
from workshops import demo_data as workshops_demo
from workshops.models import AgendaItem, TopicProposal, TopicSupport, Workshop
from workshops.steering import planning

pytestmark = pytest.mark.django_db

T = datetime.time


def text_of(response):
    """The page's text with tags dropped and runs of white space folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def draft(db):
    return WorkshopFactory(
        title="How do we keep experienced staff?",
        slug="keeping-experienced-staff",
        status=Workshop.Status.DRAFT,
        start_time=T(10),
        end_time=T(13),
    )


@pytest.fixture
def held(db):
    return WorkshopFactory(
        title="Workforce issues arising from the COVID-19 outbreak",
        slug="covid-19-workforce-issues",
        status=Workshop.Status.HELD,
        date=datetime.date(2020, 5, 14),
        kind=Workshop.Kind.VIDEOCONFERENCE,
    )


@pytest.fixture
def steering_client(client, steering_member):
    client.force_login(steering_member)
    return client


# Who may open the pages --------------------------------------------------------------

ROLES = [
    "visitor",
    "unaffiliated",
    "member_director",
    "steering_member",
    "operations_manager",
    "superuser",
]


@pytest.fixture
def people(steering_member, director_a, operations_manager):
    """One person for each role; the visitor is nobody."""
    return {
        "visitor": None,
        "unaffiliated": UserFactory(email="someone@example.org"),
        "member_director": director_a,
        "steering_member": steering_member,
        "operations_manager": operations_manager,
        "superuser": UserFactory(email="root@nmhwdc.nhs.uk", is_staff=True, is_superuser=True),
    }


@pytest.fixture
def steering_urls(draft, held):
    item = AgendaItemFactory(workshop=draft, start_time=T(10))
    proposal = TopicProposal.objects.create(title="Preceptorship", rationale="Nurses leave.")
    year = timezone.localdate().year + 1
    return {
        "planner": reverse("workshops:steering:planner"),
        "planner_year": reverse("workshops:steering:planner_year", args=[year]),
        "plan_quarter": reverse("workshops:steering:plan_quarter", args=[year, 1]),
        "plan_event": reverse("workshops:steering:plan_event"),
        "proposals": reverse("workshops:steering:proposals"),
        "plan_proposal": reverse("workshops:steering:plan_proposal", args=[proposal.pk]),
        "workshop": reverse("workshops:steering:workshop", args=[draft.slug]),
        "edit_workshop": reverse("workshops:steering:edit_workshop", args=[draft.slug]),
        "agenda": reverse("workshops:steering:agenda", args=[draft.slug]),
        "edit_item": reverse("workshops:steering:edit_item", args=[draft.slug, item.pk]),
        "remove_item": reverse("workshops:steering:remove_item", args=[draft.slug, item.pk]),
        "sign_off": reverse("workshops:steering:sign_off", args=[draft.slug]),
        "outcome": reverse("workshops:steering:outcome", args=[held.slug]),
    }


# The outcome page is also the programme operations manager's; every other page is the
# steering group's alone. Everyone else gets 404, as if the page did not exist.
EXPECTED = {
    page: {
        role: 200
        if role == "steering_member"
        or (page == "outcome" and role in {"operations_manager", "superuser"})
        else 404
        for role in ROLES
    }
    for page in [
        "planner",
        "planner_year",
        "plan_quarter",
        "plan_event",
        "proposals",
        "plan_proposal",
        "workshop",
        "edit_workshop",
        "agenda",
        "edit_item",
        "remove_item",
        "sign_off",
        "outcome",
    ]
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", EXPECTED)
def test_role_and_page_give_the_expected_status(client, people, role, page, steering_urls):
    if people[role] is not None:
        client.force_login(people[role])

    response = client.get(steering_urls[page])

    assert response.status_code == EXPECTED[page][role]


@pytest.mark.parametrize(
    "url_name, args",
    [
        ("move_item", "item"),
        ("support", "proposal"),
        ("withdraw_support", "proposal"),
        ("agree", "workshop"),
        ("sign_off", "workshop"),
        ("ask_sign_off", "workshop"),
        ("comment", "workshop"),
    ],
)
def test_posts_from_outside_the_steering_group_are_404_and_change_nothing(
    client, director_a, draft, url_name, args
):
    item = AgendaItemFactory(workshop=draft, start_time=T(10))
    AgendaItemFactory(workshop=draft, start_time=T(11))
    proposal = TopicProposal.objects.create(title="Preceptorship", rationale="Nurses leave.")
    client.force_login(director_a)
    url_args = {
        "item": [draft.slug, item.pk],
        "proposal": [proposal.pk],
        "workshop": [draft.slug],
    }[args]

    response = client.post(
        reverse(f"workshops:steering:{url_name}", args=url_args), {"direction": "down"}
    )

    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == Workshop.Status.DRAFT
    assert AgendaItem.objects.get(pk=item.pk).order == item.order
    assert not TopicSupport.objects.exists()
    assert not draft.changes.exists()


@pytest.mark.parametrize("who, status", [("director_a", 404), ("steering_member", 405)])
def test_a_get_of_a_post_only_page_tells_only_steering_members_it_exists(
    client, draft, who, status, request
):
    item = AgendaItemFactory(workshop=draft)
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("workshops:steering:move_item", args=[draft.slug, item.pk]))

    assert response.status_code == status


def test_the_flag_alone_does_not_open_the_pages_outside_a_founding_trust(client, trust_a):
    flagged = UserFactory(trust=trust_a, is_steering_member=True)
    client.force_login(flagged)

    assert client.get(reverse("workshops:steering:planner")).status_code == 404


def test_a_founding_trust_whose_membership_ended_closes_the_pages(
    client, steering_member, founding_trust
):
    Membership.objects.filter(trust=founding_trust).update(is_active=False)
    client.force_login(steering_member)

    assert client.get(reverse("workshops:steering:planner")).status_code == 404


def test_the_header_links_steering_members_to_the_steering_group(steering_client):
    page = steering_client.get(reverse("home")).content.decode()

    link = f'<a class="nhsuk-header__account-link" href="{reverse("workshops:steering:planner")}">'
    assert f"{link}Steering group</a>" in page


@pytest.mark.parametrize("who", ["director_a", "operations_manager"])
def test_the_header_offers_others_no_steering_group(client, who, request):
    client.force_login(request.getfixturevalue(who))

    page = client.get(reverse("home")).content.decode()

    assert reverse("workshops:steering:planner") not in page


# The programme planner ------------------------------------------------------------------


def test_the_planner_shows_four_quarters_with_their_usual_days(steering_client):
    year = timezone.localdate().year + 1

    page = text_of(steering_client.get(reverse("workshops:steering:planner_year", args=[year])))

    for quarter in planning.QUARTERS:
        day = planning.default_day(year, quarter)
        assert f"{planning.quarter_label(quarter)} Nothing planned yet." in page
        assert f"The usual day is {day:%A} {day.day} {day:%B %Y}." in page


def test_the_planner_puts_a_workshop_in_its_quarter_and_other_events_apart(steering_client):
    year = timezone.localdate().year + 1
    WorkshopFactory(title="Keeping staff", date=datetime.date(year, 9, 27))
    WorkshopFactory(title="A one-off forum", date=datetime.date(year, 7, 2), kind="forum")

    page = text_of(steering_client.get(reverse("workshops:steering:planner_year", args=[year])))

    assert "Quarter 3 (September) Keeping staff" in page
    assert f"Other events in {year} A one-off forum Forum, 2 July {year}" in page


def test_planning_a_quarter_starts_from_its_usual_day(steering_client):
    year = timezone.localdate().year + 1
    url = reverse("workshops:steering:plan_quarter", args=[year, 2])

    page = steering_client.get(url).content.decode()

    assert f'value="{planning.default_day(year, 2).isoformat()}"' in page


def test_planning_a_quarter_saves_a_draft_and_opens_its_agenda(steering_client, steering_member):
    year = timezone.localdate().year + 1
    theme = ThemeFactory()

    response = steering_client.post(
        reverse("workshops:steering:plan_quarter", args=[year, 3]),
        {
            "title": "What makes new roles last?",
            "theme": theme.pk,
            "kind": "quarterly",
            "format": "virtual",
            "date": planning.default_day(year, 3).isoformat(),
            "start_time": "10:00",
            "end_time": "13:00",
        },
    )

    workshop = Workshop.objects.get(title="What makes new roles last?")
    assert response.url == reverse("workshops:steering:agenda", args=[workshop.slug])
    assert (workshop.status, workshop.theme, workshop.quarter) == ("draft", theme, 3)
    assert workshop.changes.get().changed_by == steering_member


def test_a_workshop_ending_before_it_starts_is_refused_at_the_end_time(steering_client):
    response = steering_client.post(
        reverse("workshops:steering:plan_event"),
        {
            "title": "Forum",
            "theme": ThemeFactory().pk,
            "kind": "forum",
            "format": "virtual",
            "date": (timezone.localdate() + datetime.timedelta(days=40)).isoformat(),
            "start_time": "12:00",
            "end_time": "10:00",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="#id_end_time">End time must be after the start time</a>' in page
    assert "The workshop must end after it starts" not in page
    assert not Workshop.objects.exists()


# Topic proposals ------------------------------------------------------------------------


def test_a_steering_member_proposes_a_topic(steering_client, steering_member):
    response = steering_client.post(
        reverse("workshops:steering:proposals"),
        {"title": "Preceptorship that works", "rationale": "Too many nurses leave early."},
    )

    assert response.status_code == 302
    assert TopicProposal.objects.get().proposed_by == steering_member


def test_another_member_supports_a_topic_and_the_planner_shows_it(
    client, steering_member, founding_trust
):
    proposal = planning.propose_topic(
        proposed_by=steering_member, title="Preceptorship that works", rationale="Nurses leave."
    )
    colleague = UserFactory(full_name="Dana Ellis", trust=founding_trust, is_steering_member=True)
    client.force_login(colleague)

    client.post(reverse("workshops:steering:support", args=[proposal.pk]))
    page = text_of(client.get(reverse("workshops:steering:planner")))

    assert "Supported by 1 : Dana Ellis" in page
    assert "Withdraw my support for Preceptorship that works" in page


def test_the_proposer_is_not_offered_support_for_their_own_topic(steering_client, steering_member):
    planning.propose_topic(
        proposed_by=steering_member, title="Preceptorship that works", rationale="Nurses leave."
    )

    page = text_of(steering_client.get(reverse("workshops:steering:proposals")))

    assert "Preceptorship that works" in page
    assert "Support this topic" not in page


def test_a_proposal_becomes_a_draft_workshop(steering_client):
    proposal = TopicProposal.objects.create(
        title="Preceptorship that works", rationale="Nurses leave.", theme=ThemeFactory()
    )
    url = reverse("workshops:steering:plan_proposal", args=[proposal.pk])
    assert "Preceptorship that works" in steering_client.get(url).content.decode()

    steering_client.post(
        url,
        {
            "title": proposal.title,
            "theme": proposal.theme.pk,
            "kind": "quarterly",
            "format": "virtual",
            "date": (timezone.localdate() + datetime.timedelta(days=100)).isoformat(),
            "start_time": "10:00",
            "end_time": "13:00",
            "description": proposal.rationale,
        },
    )

    proposal.refresh_from_db()
    assert proposal.workshop.status == Workshop.Status.DRAFT
    assert steering_client.get(url).status_code == 404


def test_the_planner_lists_proposals_in_as_many_queries_for_20_as_for_1(
    steering_client, founding_trust
):
    def queries():
        return queries_to_get(steering_client, reverse("workshops:steering:planner"))[0]

    supporters = [UserFactory(trust=founding_trust, is_steering_member=True) for _ in range(3)]
    TopicProposal.objects.create(title="Topic 0", rationale="Why.").supporters.set(supporters)
    one = queries()
    for number in range(1, 20):
        proposal = TopicProposal.objects.create(title=f"Topic {number}", rationale="Why.")
        proposal.supporters.set(supporters)

    assert queries() == one


# The agenda editor ---------------------------------------------------------------------


def agenda_url(workshop):
    return reverse("workshops:steering:agenda", args=[workshop.slug])


def test_adding_an_item_shows_it_on_the_agenda(steering_client, draft):
    response = steering_client.post(
        agenda_url(draft),
        {
            "start_time": "10:15",
            "title": "The national picture",
            "speakers": "Dr A Patel, Director of Nursing, NHS England\nSam Jones",
            "presenting_organisation": "NHS England",
        },
        follow=True,
    )

    page = text_of(response)
    assert "“The national picture” is on the agenda." in page
    assert "10:15 The national picture Presented by NHS England" in page
    assert (
        draft.agenda_items.get().speakers
        == "Dr A Patel, Director of Nursing, NHS England; Sam Jones"
    )


def test_an_item_outside_the_workshop_is_refused_at_its_start_time(steering_client, draft):
    response = steering_client.post(agenda_url(draft), {"start_time": "09:00", "title": "Early"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Agenda:" in page
    assert (
        '<a href="#id_start_time">Start time must be while the workshop runs: from 10:00 and '
        "before it ends at 13:00.</a>"
    ) in page
    assert not draft.agenda_items.exists()


def test_the_move_buttons_reorder_the_agenda(steering_client, draft):
    AgendaItemFactory(workshop=draft, order=1, start_time=None, title="First")
    second = AgendaItemFactory(workshop=draft, order=2, start_time=None, title="Second")

    steering_client.post(
        reverse("workshops:steering:move_item", args=[draft.slug, second.pk]), {"direction": "up"}
    )

    assert list(draft.agenda_items.values_list("title", flat=True)) == ["Second", "First"]


def test_the_editor_offers_no_move_up_for_the_first_item(steering_client, draft):
    AgendaItemFactory(workshop=draft, order=1, start_time=T(10), title="Welcome")
    AgendaItemFactory(workshop=draft, order=2, start_time=T(11), title="Talk")

    page = text_of(steering_client.get(agenda_url(draft)))

    assert "Move up : Welcome" not in page
    assert "Move down : Welcome" in page
    assert "Move up : Talk" in page
    assert "Move down : Talk" not in page


def test_removing_an_item_asks_first_then_removes_it(steering_client, draft):
    item = AgendaItemFactory(workshop=draft, title="Coffee")
    url = reverse("workshops:steering:remove_item", args=[draft.slug, item.pk])

    assert "Are you sure you want to remove “Coffee”" in steering_client.get(url).content.decode()
    steering_client.post(url)

    assert not draft.agenda_items.exists()


def test_changing_an_item_saves_it(steering_client, draft):
    item = AgendaItemFactory(workshop=draft, title="Coffee", start_time=T(11))

    steering_client.post(
        reverse("workshops:steering:edit_item", args=[draft.slug, item.pk]),
        {"start_time": "11:15", "title": "Break"},
    )

    item.refresh_from_db()
    assert (item.title, item.start_time) == ("Break", T(11, 15))


def test_an_item_of_another_workshop_is_not_found_through_this_one(steering_client, draft):
    other = AgendaItemFactory(title="Someone else's")

    url = reverse("workshops:steering:edit_item", args=[draft.slug, other.pk])

    assert steering_client.get(url).status_code == 404


def test_a_held_workshop_offers_no_agenda_changes(steering_client, held):
    page = text_of(steering_client.get(agenda_url(held)))

    assert "This workshop has already taken place" in page
    assert "Add an agenda item" not in page


# Agreeing, and the public page -----------------------------------------------------------


def sign_off_url(workshop):
    return reverse("workshops:steering:sign_off", args=[workshop.slug])


SIGN_OFF = {"decision": "signed_off", "comment": ""}


def test_the_only_members_sign_off_makes_the_agenda_public(steering_client, client, draft):
    AgendaItemFactory(workshop=draft, start_time=T(10), title="Welcome and purpose")
    assert client.get(draft.get_absolute_url()).status_code == 404

    steering_client.post(sign_off_url(draft), SIGN_OFF)
    steering_client.logout()
    page = text_of(client.get(draft.get_absolute_url()))

    assert "Agenda 10:00 Welcome and purpose" in page


def test_signing_off_an_empty_agenda_says_why_not(steering_client, draft):
    response = steering_client.post(sign_off_url(draft), SIGN_OFF)

    assert response.status_code == 200
    assert "Add at least one item to the agenda first." in text_of(response)


def test_the_workshop_page_shows_its_history_with_who_and_what(steering_client, draft):
    steering_client.post(agenda_url(draft), {"start_time": "10:00", "title": "Welcome"})
    steering_client.post(sign_off_url(draft), SIGN_OFF)

    page = text_of(steering_client.get(reverse("workshops:steering:workshop", args=[draft.slug])))

    history = page[page.index("History") :]
    assert "Alex Morgan Agreed the agenda" in history
    assert "Status Was: Draft Now: Agenda agreed" in history
    assert "Alex Morgan Added “Welcome” to the agenda." in history


def test_a_change_after_agreement_is_flagged_in_the_history(steering_client, draft):
    AgendaItemFactory(workshop=draft, start_time=T(10), title="Welcome")
    steering_client.post(sign_off_url(draft), SIGN_OFF)
    steering_client.post(agenda_url(draft), {"start_time": "11:00", "title": "Late addition"})

    page = text_of(steering_client.get(reverse("workshops:steering:workshop", args=[draft.slug])))

    assert "After agreement Added “Late addition” to the agenda." in page


def test_changing_the_details_records_them(steering_client, draft):
    steering_client.post(
        reverse("workshops:steering:edit_workshop", args=[draft.slug]),
        {
            "title": draft.title,
            "theme": draft.theme.pk,
            "kind": "quarterly",
            "format": "in_person",
            "venue": "Oxford",
            "date": draft.date.isoformat(),
            "start_time": "10:00",
            "end_time": "13:00",
        },
    )

    draft.refresh_from_db()
    assert (draft.format, draft.venue) == ("in_person", "Oxford")
    assert draft.changes.get().summary == "Changed the format, venue."


def test_a_past_date_is_refused_and_the_form_stays_to_correct_it(steering_client, draft):
    response = steering_client.post(
        reverse("workshops:steering:edit_workshop", args=[draft.slug]),
        {
            "title": draft.title,
            "theme": draft.theme.pk,
            "kind": "quarterly",
            "format": "virtual",
            "date": "2020-01-06",
            "start_time": "10:00",
            "end_time": "13:00",
        },
    )

    page = response.content.decode()
    assert '<a href="#id_date">Choose a date in the future.</a>' in page
    assert "already taken place" not in page
    draft.refresh_from_db()
    assert draft.date > timezone.localdate()


# Outcomes --------------------------------------------------------------------------------


def test_the_operations_manager_records_an_outcome_shown_on_the_workshop_page(
    client, operations_manager, held
):
    forum = WorkshopFactory(
        title="Psychological support for NHS staff",
        date=datetime.date(2020, 7, 2),
        kind=Workshop.Kind.FORUM,
        status=Workshop.Status.HELD,
    )
    client.force_login(operations_manager)

    response = client.post(
        reverse("workshops:steering:outcome", args=[held.slug]),
        {
            "summary": "Psychological support for staff is the gap.",
            "actions": "Hold a one-off forum.",
            "follow_up_events": [forum.pk],
        },
    )

    assert response.url == held.get_absolute_url() + "#outcome"
    client.logout()
    page = text_of(client.get(held.get_absolute_url()))
    assert "What the workshop agreed Psychological support for staff is the gap." in page
    assert "Agreed actions Hold a one-off forum." in page
    assert "Follow-up events Psychological support for NHS staff Forum, 2 July 2020" in page


def test_an_outcome_cannot_be_recorded_before_the_workshop(client, operations_manager):
    upcoming = WorkshopFactory()
    client.force_login(operations_manager)

    response = client.get(reverse("workshops:steering:outcome", args=[upcoming.slug]))

    assert "You can record the outcome once the workshop has taken place." in text_of(response)
    assert "Save the outcome" not in text_of(response)


# Demo data -------------------------------------------------------------------------------


def test_demo_steering_proposals_load_once_and_again_without_change():
    call_command("load_demo", stdout=StringIO())
    workshops_demo.load_steering_group()
    before = list(TopicProposal.objects.values()), list(TopicSupport.objects.values())

    workshops_demo.load_steering_group()

    assert (list(TopicProposal.objects.values()), list(TopicSupport.objects.values())) == before
    member = User.objects.get(email="demo.steering@oxfordhealth.nhs.test")
    assert TopicProposal.objects.filter(proposed_by=member).count() == 1
    assert TopicSupport.objects.get().person == member


def test_demo_may_2020_videoconference_agreed_the_july_forum():
    call_command("load_demo", stdout=StringIO())

    may = Workshop.objects.get(date=datetime.date(2020, 5, 14))

    assert may.kind == Workshop.Kind.VIDEOCONFERENCE
    assert [(w.date, w.kind) for w in may.outcome.follow_up_events.all()] == [
        (datetime.date(2020, 7, 2), Workshop.Kind.FORUM)
    ]
