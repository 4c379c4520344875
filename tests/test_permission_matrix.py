"""Who may open what: every URL pattern of the portal's own pages, by role and method.

The table below is the permission model written down. Each row names a URL pattern and,
for GET and POST, the answer each role gets: 200 (the page, or a form answering with its
errors), 302 (sent to sign in, or on after a refusal or a change), 403, 404 or 405. A
role missing from a row's mapping gets the row's ``*`` answer. Each request starts from
the same state (a savepoint is rolled back after it), so a POST that changes something
cannot change the next answer. The admin has its own walk (tests/test_admin_roles.py)
and allauth's account pages theirs (tests/test_accounts.py).
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from collaborative.people.models import Seniority
from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from tests.factories import (
    AgendaItemFactory,
    BookingFactory,
    InvitationFactory,
    MembershipFactory,
    ResourceFactory,
    StakeholderBodyFactory,
    UserFactory,
    WorkshopFactory,
)
from trusts.models import Membership
from workshops.models import TopicProposal, Workshop

pytestmark = pytest.mark.django_db

ROLES = (
    "visitor",
    "unverified",
    "unaffiliated",
    "director",
    "colleague",
    "other_director",
    "stakeholder",
    "other_stakeholder",
    "steering",
    "operations",
    "superuser",
)


@pytest.fixture
def world(db):
    """One of each role, and one object for each kind of URL argument."""
    today = timezone.localdate()
    trust = MembershipFactory(trust__name="Avon Test NHS Trust", trust__ods_code="TA1").trust
    other_trust = MembershipFactory(
        trust__name="Bristol Test NHS Trust", trust__ods_code="TB1"
    ).trust
    founding = MembershipFactory(
        trust__name="Founding Test NHS Trust", trust__ods_code="TF1", kind=Membership.Kind.FOUNDING
    ).trust
    body = StakeholderBodyFactory()
    people = {
        "unverified": UserFactory(trust=trust, verified=False),
        "unaffiliated": UserFactory(),
        "director": UserFactory(trust=trust, calendar_token="director-feed-token"),
        "colleague": UserFactory(trust=trust, seniority=Seniority.DIRECTOR, confirmed_seniority=""),
        "other_director": UserFactory(trust=other_trust),
        "stakeholder": UserFactory(stakeholder_body=body, functional_area=""),
        "other_stakeholder": UserFactory(stakeholder_body=body, functional_area=""),
        "steering": UserFactory(trust=founding, is_steering_member=True, mfa=True),
        "operations": UserFactory(is_staff=True, seniority="", functional_area=""),
        "superuser": UserFactory(
            is_staff=True, is_superuser=True, seniority="", functional_area=""
        ),
    }
    people["operations"].groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    workshop = WorkshopFactory(date=today + datetime.timedelta(days=40), slug="open-workshop")
    draft = WorkshopFactory(
        date=today + datetime.timedelta(days=120),
        slug="draft-workshop",
        status=Workshop.Status.DRAFT,
    )
    item = AgendaItemFactory(workshop=draft)
    booking = BookingFactory(
        workshop=workshop, person=people["director"], booked_by=people["director"]
    )
    invitation = InvitationFactory(
        workshop=workshop, person=people["stakeholder"], token="invite-token"
    )
    proposal = TopicProposal.objects.create(
        title="Retaining nurses", rationale="Leavers.", proposed_by=people["steering"]
    )
    resource = ResourceFactory(slug="a-report", url="https://example.org/report")
    arguments = {
        "pk": booking.pk,
        "slug": workshop.slug,
        "token": invitation.token,
        "year": draft.date.year,
        "quarter": 1,
    }
    special = {
        "calendar_feed": {"token": "director-feed-token"},
        "trusts:confirm_seniority": {"pk": people["colleague"].pk},
        "workshops:steering:plan_proposal": {"pk": proposal.pk},
        "workshops:steering:support": {"pk": proposal.pk},
        "workshops:steering:withdraw_support": {"pk": proposal.pk},
        "workshops:steering:workshop": {"slug": draft.slug},
        "workshops:steering:edit_workshop": {"slug": draft.slug},
        "workshops:steering:agenda": {"slug": draft.slug},
        "workshops:steering:edit_item": {"slug": draft.slug, "pk": item.pk},
        "workshops:steering:move_item": {"slug": draft.slug, "pk": item.pk},
        "workshops:steering:remove_item": {"slug": draft.slug, "pk": item.pk},
        "workshops:steering:agree": {"slug": draft.slug},
        "workshops:steering:outcome": {"slug": draft.slug},
        "resources:detail": {"slug": resource.slug},
        "resources:download": {"slug": resource.slug},
    }
    return people, arguments, special


def portal_patterns():
    """(name, argument names) of every named URL pattern outside the admin and allauth."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in ("admin",) or str(pattern.pattern).startswith(
                    ("accounts/", "admin/")
                ):
                    continue
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name, tuple(pattern.pattern.converters)

    return sorted(set(walk(get_resolver().url_patterns)))


def answer(client, person, method, url):
    # Rate limits count per client, and every role here is the same client.
    cache.clear()
    client.logout()
    if person is not None:
        client.force_login(person)
    with transaction.atomic():
        response = getattr(client, method.lower())(url)
        transaction.set_rollback(True)
    return response.status_code


def url_for(name, converters, arguments, special):
    kwargs = special.get(name) or {key: arguments[key] for key in converters}
    return reverse(name, kwargs=kwargs)


MATRIX = {
    "about": {"GET": 200, "POST": 200},
    "accessibility": {"GET": 200, "POST": 200},
    "account_closed": {"GET": 200, "POST": 200},
    "calendar_feed": {"GET": 200, "POST": 200},
    "contact": {"GET": 200, "POST": 200},
    "contact_sent": {"GET": 200, "POST": 200},
    "cookies": {"GET": 200, "POST": 200},
    "home": {"GET": 200, "POST": 200},
    "join": {"GET": 200, "POST": 200},
    "join_sent": {"GET": 200, "POST": 200},
    "news": {"GET": 200, "POST": 200},
    "news_feed": {"GET": 200, "POST": 200},
    "privacy": {"GET": 200, "POST": 200},
    "profile": {"GET": {"*": 200, "visitor": 302}, "POST": {"*": 200, "visitor": 302}},
    "profile_affiliation": {
        "GET": {"*": 405, "visitor": 302},
        "POST": {
            "*": 404,
            "visitor": 302,
            "unaffiliated": 200,
            "operations": 200,
            "superuser": 200,
        },
    },
    "profile_calendar": {"GET": {"*": 405, "visitor": 302}, "POST": 302},
    "profile_close": {"GET": {"*": 200, "visitor": 302}, "POST": 302},
    "profile_data": {"GET": {"*": 405, "visitor": 302}, "POST": 302},
    "resources:detail": {"GET": 200, "POST": 200},
    "resources:download": {"GET": 404, "POST": 404},
    "resources:library": {"GET": 200, "POST": 200},
    "security_mfa_required": {"GET": 302, "POST": 302},
    "trusts:confirm_seniority": {
        "GET": {"*": 405, "visitor": 302},
        "POST": {"*": 403, "visitor": 302, "director": 302, "other_director": 404, "steering": 404},
    },
    "trusts:founding": {"GET": 200, "POST": 200},
    "trusts:list": {"GET": 200, "POST": 200},
    "trusts:people": {
        "GET": {"*": 403, "visitor": 302, "director": 200, "other_director": 200, "steering": 200},
        "POST": {"*": 403, "visitor": 302, "director": 200, "other_director": 200, "steering": 200},
    },
    "workshops:accept_offer": {
        "GET": {"*": 405, "visitor": 302},
        "POST": {"*": 404, "visitor": 302, "director": 302},
    },
    "workshops:access_needs": {
        "GET": {"*": 404, "visitor": 302, "director": 200},
        "POST": {"*": 404, "visitor": 302, "director": 302},
    },
    "workshops:attended": {"GET": {"*": 200, "visitor": 302}, "POST": {"*": 200, "visitor": 302}},
    "workshops:book": {"GET": {"*": 200, "visitor": 302}, "POST": {"*": 200, "visitor": 302}},
    "workshops:booking": {
        "GET": {"*": 404, "visitor": 302, "director": 200},
        "POST": {"*": 404, "visitor": 302, "director": 200},
    },
    "workshops:calendar": {
        "GET": {"*": 404, "visitor": 302, "director": 200},
        "POST": {"*": 404, "visitor": 302, "director": 200},
    },
    "workshops:cancel": {
        "GET": {"*": 404, "visitor": 302, "director": 200},
        "POST": {"*": 404, "visitor": 302, "director": 302},
    },
    "workshops:certificate": {
        "GET": {"*": 404, "visitor": 302},
        "POST": {"*": 404, "visitor": 302},
    },
    "workshops:change_attendee": {
        "GET": {"*": 404, "visitor": 302, "director": 200},
        "POST": {"*": 404, "visitor": 302, "director": 200},
    },
    "workshops:decline_offer": {
        "GET": {"*": 405, "visitor": 302},
        "POST": {"*": 404, "visitor": 302, "director": 200},
    },
    "workshops:detail": {"GET": 200, "POST": 200},
    "workshops:feedback": {"GET": 404, "POST": 404},
    "workshops:invitation": {
        "GET": {"*": 200, "visitor": 302},
        "POST": {"*": 200, "visitor": 302, "stakeholder": 302},
    },
    "workshops:my_bookings": {
        "GET": {"*": 200, "visitor": 302},
        "POST": {"*": 200, "visitor": 302},
    },
    "workshops:offer": {
        "GET": {"*": 404, "visitor": 302, "director": 200},
        "POST": {"*": 404, "visitor": 302, "director": 200},
    },
    "workshops:programme": {"GET": 200, "POST": 200},
    "workshops:steering:agenda": {
        "GET": {"*": 404, "steering": 200},
        "POST": {"*": 404, "steering": 200},
    },
    "workshops:steering:agree": {
        "GET": {"*": 404, "steering": 405},
        "POST": {"*": 404, "steering": 302},
    },
    "workshops:steering:ask_sign_off": {
        "GET": {"*": 404, "steering": 405},
        "POST": {"*": 404, "steering": 302},
    },
    "workshops:steering:comment": {
        "GET": {"*": 404, "steering": 405},
        "POST": {"*": 404, "steering": 200},
    },
    "workshops:steering:edit_item": {
        "GET": {"*": 404, "steering": 200},
        "POST": {"*": 404, "steering": 200},
    },
    "workshops:steering:edit_workshop": {
        "GET": {"*": 404, "steering": 200},
        "POST": {"*": 404, "steering": 200},
    },
    "workshops:steering:feedback": {
        "GET": {"*": 404, "steering": 200, "operations": 200, "superuser": 200},
        "POST": {"*": 404, "steering": 200, "operations": 200, "superuser": 200},
    },
    "workshops:steering:feedback_csv": {"GET": 404, "POST": 404},
    "workshops:steering:move_item": {
        "GET": {"*": 404, "steering": 405},
        "POST": {"*": 404, "steering": 302},
    },
    "workshops:steering:outcome": {
        "GET": {"*": 404, "steering": 200, "operations": 200, "superuser": 200},
        "POST": {"*": 404, "steering": 200, "operations": 200, "superuser": 200},
    },
    "workshops:steering:plan_event": {
        "GET": {"*": 404, "steering": 200},
        "POST": {"*": 404, "steering": 200},
    },
    "workshops:steering:plan_proposal": {
        "GET": {"*": 404, "steering": 200},
        "POST": {"*": 404, "steering": 200},
    },
    "workshops:steering:plan_quarter": {
        "GET": {"*": 404, "steering": 200},
        "POST": {"*": 404, "steering": 200},
    },
    "workshops:steering:planner": {
        "GET": {"*": 404, "steering": 200},
        "POST": {"*": 404, "steering": 200},
    },
    "workshops:steering:planner_year": {
        "GET": {"*": 404, "steering": 200},
        "POST": {"*": 404, "steering": 200},
    },
    "workshops:steering:proposals": {
        "GET": {"*": 404, "steering": 200},
        "POST": {"*": 404, "steering": 200},
    },
    "workshops:steering:remove_item": {
        "GET": {"*": 404, "steering": 200},
        "POST": {"*": 404, "steering": 302},
    },
    "workshops:steering:sign_off": {
        "GET": {"*": 404, "steering": 200},
        "POST": {"*": 404, "steering": 200},
    },
    "workshops:steering:support": {
        "GET": {"*": 404, "steering": 405},
        "POST": {"*": 404, "steering": 302},
    },
    "workshops:steering:withdraw_support": {
        "GET": {"*": 404, "steering": 405},
        "POST": {"*": 404, "steering": 302},
    },
    "workshops:steering:workshop": {
        "GET": {"*": 404, "steering": 200},
        "POST": {"*": 404, "steering": 200},
    },
    "workshops:trust_bookings": {
        "GET": {"*": 200, "visitor": 302},
        "POST": {"*": 200, "visitor": 302},
    },
}


def expected(name, method, role):
    answer = MATRIX[name][method]
    return answer if isinstance(answer, int) else answer.get(role, answer["*"])


def test_every_url_pattern_of_the_portal_has_a_row():
    assert {name for name, _ in portal_patterns()} == set(MATRIX)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_the_answer_the_matrix_gives(client, world, name, method):
    people, arguments, special = world
    converters = dict(portal_patterns())[name]
    url = url_for(name, converters, arguments, special)

    answers = {role: answer(client, people.get(role), method, url) for role in ROLES}

    assert answers == {role: expected(name, method, role) for role in ROLES}
