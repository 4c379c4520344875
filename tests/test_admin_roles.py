"""Who reaches which admin page: every page of the admin, for each role in the cast.

People without admin rights are sent to the admin's sign-in page; the programme
operations manager reaches exactly the pages of the role (collaborative.people.roles); a
superuser reaches everything except what no one may do by hand.
"""

import datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from collaborative.outbox.models import OutgoingEmail
from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP, sync_programme_operations_group
from collaborative.site.models import ContactMessage
from demo.models import DemoRecord
from demo.registry import flag
from tests.factories import (
    AgendaItemFactory,
    BookingFactory,
    InvitationFactory,
    ResourceFactory,
    StakeholderBodyFactory,
    UserFactory,
    WorkshopFactory,
)
from trusts.models import AffiliationRequest, MembershipRequest, TrustChange
from workshops.messages.content import about_workshop
from workshops.models import (
    AgendaComment,
    BookingEvent,
    FeedbackAnswer,
    FeedbackRequest,
    Outcome,
    SignOffRequest,
    SignOffRule,
    TopicProposal,
    TopicSupport,
    Workshop,
    WorkshopChange,
)

pytestmark = pytest.mark.django_db

# Pages the operations manager may not open (403), by model and page; other apps' models
# are closed to the role altogether.
WITHHELD_FROM_THE_ROLE = {
    ("collaborative.user", "delete"),
    ("collaborative.contactmessage", "add"),
    ("collaborative.outgoingemail", "add"),
    ("collaborative.outgoingemail", "delete"),
    ("trusts.trust", "delete"),
    ("trusts.membership", "delete"),
    ("trusts.affiliationrequest", "delete"),
    ("workshops.booking", "add"),
    ("workshops.booking", "delete"),
    ("workshops.outcome", "delete"),
    ("workshops.workshopchange", "add"),
    ("workshops.workshopchange", "delete"),
    ("workshops.bookingevent", "add"),
    ("workshops.bookingevent", "delete"),
    ("demo.demorecord", "add"),
    ("demo.demorecord", "delete"),
    ("workshops.signoffrule", "add"),
    ("workshops.signoffrule", "delete"),
    ("workshops.agendacomment", "add"),
    ("workshops.agendacomment", "delete"),
    ("workshops.signoffrequest", "add"),
    ("workshops.signoffrequest", "delete"),
    ("workshops.feedbackanswer", "add"),
    ("workshops.feedbackanswer", "delete"),
    ("workshops.feedbackrequest", "add"),
    ("workshops.feedbackrequest", "delete"),
}
# Two-step verification and sessions are each person's own (a superuser may reset them).
OUTSIDE_THE_ROLE = {"auth", "account", "mfa", "usersessions"}
# Pages no one opens, superusers included: the outbox and the history are written by
# the portal's rules only, bookings are made and ended through them ("Book a place on
# someone's behalf", the cancel action), and an outcome is corrected, not deleted.
# The admin's "Change password" is the portal's page (collaborative.security.views).
SENT_TO_THE_ACCOUNT_PAGES = {("site", "password change")}
CLOSED_TO_EVERYONE = {
    ("collaborative.outgoingemail", "add"),
    ("workshops.workshopchange", "add"),
    ("workshops.workshopchange", "delete"),
    ("workshops.bookingevent", "add"),
    ("workshops.bookingevent", "delete"),
    ("workshops.booking", "add"),
    ("workshops.booking", "delete"),
    ("workshops.outcome", "delete"),
    # The register of demonstration data is written by load_demo and emptied by remove_demo.
    ("demo.demorecord", "add"),
    ("demo.demorecord", "delete"),
    # The agenda sign-off rule is one row, changed and never added or deleted; the steering
    # group's decisions and requests, and the feedback, are written by the rules only.
    ("workshops.signoffrule", "add"),
    ("workshops.signoffrule", "delete"),
    ("workshops.agendacomment", "add"),
    ("workshops.agendacomment", "delete"),
    ("workshops.signoffrequest", "add"),
    ("workshops.signoffrequest", "delete"),
    ("workshops.feedbackanswer", "add"),
    ("workshops.feedbackanswer", "delete"),
    ("workshops.feedbackrequest", "add"),
    ("workshops.feedbackrequest", "delete"),
}


@pytest.fixture
def one_of_everything(trust_a, director_a, steering_member, operations_manager):
    """An object of every model registered in the admin, by label."""
    workshop = WorkshopFactory()
    held = WorkshopFactory(
        date=timezone.localdate() - datetime.timedelta(days=7), status=Workshop.Status.HELD
    )
    proposal = TopicProposal.objects.create(
        title="Retaining newly qualified nurses", rationale="Leavers.", proposed_by=steering_member
    )
    return {
        "auth.group": Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP),
        "account.emailaddress": EmailAddress.objects.get(user=director_a),
        "mfa.authenticator": Authenticator.objects.get(user=steering_member),
        "usersessions.usersession": UserSession.objects.create(
            user=director_a, session_key="a-session-key", ip="192.0.2.1"
        ),
        "collaborative.user": director_a,
        "collaborative.contactmessage": ContactMessage.objects.create(
            name="Ann Lee", email="ann@example.org", subject="Joining", message="How?"
        ),
        "collaborative.outgoingemail": OutgoingEmail.objects.create(
            kind=OutgoingEmail.Kind.INVITATION,
            key="invitation:roles",
            recipient=director_a,
            about=about_workshop(workshop.pk),
        ),
        "trusts.trust": trust_a,
        "trusts.membership": trust_a.membership,
        "trusts.emaildomain": trust_a.email_domains.get(),
        "trusts.stakeholderbody": StakeholderBodyFactory(),
        "trusts.affiliationrequest": AffiliationRequest.objects.create(
            person=UserFactory(), trust=trust_a
        ),
        "workshops.theme": workshop.theme,
        "workshops.workshop": workshop,
        "workshops.agendaitem": AgendaItemFactory(workshop=workshop),
        "workshops.booking": (booking := BookingFactory(workshop=workshop, person=director_a)),
        "workshops.bookingevent": BookingEvent.objects.create(
            booking=booking, action=BookingEvent.Action.BOOKED, door="test"
        ),
        "workshops.invitation": InvitationFactory(workshop=workshop),
        "workshops.topicproposal": proposal,
        "workshops.topicsupport": TopicSupport.objects.create(
            proposal=proposal, person=UserFactory(trust=steering_member.trust)
        ),
        "workshops.outcome": Outcome.objects.create(workshop=held, summary="Agreed a network."),
        "workshops.signoffrule": SignOffRule.current(),
        "workshops.agendacomment": AgendaComment.objects.create(
            workshop=workshop, author=steering_member, text="Add a break."
        ),
        "workshops.signoffrequest": SignOffRequest.objects.create(
            workshop=workshop, asked_by=steering_member
        ),
        # Three answers: the admin lists a workshop's answers once there are enough to show.
        "workshops.feedbackanswer": FeedbackAnswer.objects.bulk_create(
            [FeedbackAnswer(workshop=held, usefulness=4, relevance=5) for _ in range(3)]
        )[0],
        "workshops.feedbackrequest": FeedbackRequest.objects.create(
            booking=BookingFactory(workshop=held, person=UserFactory(trust=trust_a))
        ),
        "workshops.workshopchange": WorkshopChange.objects.create(
            workshop=workshop, summary="Changed the capacity."
        ),
        "resources.resource": ResourceFactory(),
        "trusts.trustchange": TrustChange.objects.create(
            trust=trust_a,
            kind=TrustChange.Kind.RENAMED,
            former_name="Former Name NHS Trust",
            source="A test",
        ),
        "trusts.membershiprequest": MembershipRequest.objects.create(
            trust_name="Example Mental Health NHS Trust",
            contact_name="Ann Lee",
            job_title="Director of Nursing",
            email="ann@example.org",
        ),
        "demo.demorecord": flag(UserFactory()) and DemoRecord.objects.get(),
    }


def admin_pages(objects):
    """Every page of the admin, as {(model label or page name, page): url}."""
    assert {model._meta.label_lower for model in admin.site._registry} == set(objects)
    workshop = objects["workshops.workshop"]
    pages = {
        ("site", "index"): reverse("admin:index"),
        ("site", "password change"): reverse("admin:password_change"),
        ("workshops", "engagement"): reverse("admin:workshops_engagement"),
        ("workshops", "engagement csv"): reverse("admin:workshops_engagement_csv"),
        ("workshops", "book on behalf"): reverse("admin:workshops_booking_book_on_behalf"),
        ("collaborative", "invitation progress"): reverse(
            "admin:collaborative_outgoingemail_invitations", args=[workshop.pk]
        ),
    }
    for app_label in {label.split(".")[0] for label in objects}:
        pages[(app_label, "app index")] = reverse("admin:app_list", args=[app_label])
    for label, obj in objects.items():
        name = label.replace(".", "_")
        changelist = reverse(f"admin:{name}_changelist")
        if label == "trusts.affiliationrequest":
            changelist += "?status__exact=pending"  # the queue otherwise redirects here
        pages[(label, "changelist")] = changelist
        pages[(label, "add")] = reverse(f"admin:{name}_add")
        for page in ("change", "delete", "history"):
            pages[(label, page)] = reverse(f"admin:{name}_{page}", args=[obj.pk])
    return pages


def statuses(client, pages):
    return {key: client.get(url).status_code for key, url in pages.items()}


def expected_for_the_role(pages):
    expected = {}
    for label, page in pages:
        app_label = label.split(".")[0]
        if (label, page) in SENT_TO_THE_ACCOUNT_PAGES:
            expected[(label, page)] = 302
        elif app_label in OUTSIDE_THE_ROLE:
            expected[(label, page)] = 404 if page == "app index" else 403
        elif (label, page) in WITHHELD_FROM_THE_ROLE:
            expected[(label, page)] = 403
        else:
            expected[(label, page)] = 200
    return expected


@pytest.fixture
def unaffiliated(db):
    return UserFactory(email="someone@example.org", functional_area="")


@pytest.mark.parametrize(
    "role", ["visitor", "unaffiliated", "director_a", "steering_member"], ids=str
)
def test_people_without_admin_rights_are_sent_to_the_admin_sign_in(
    request, client, one_of_everything, role
):
    if role != "visitor":
        client.force_login(request.getfixturevalue(role))
    login = reverse("admin:login")

    for key, url in admin_pages(one_of_everything).items():
        response = client.get(url)
        assert response.status_code == 302, key
        assert response.url.startswith(f"{login}?next="), key


def test_the_operations_manager_reaches_exactly_the_pages_of_the_role(
    client, operations_manager, one_of_everything
):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    client.force_login(operations_manager)
    pages = admin_pages(one_of_everything)

    assert not operations_manager.is_superuser
    assert statuses(client, pages) == expected_for_the_role(pages)


def test_a_superuser_reaches_every_page_but_those_no_one_may_open(admin_client, one_of_everything):
    pages = admin_pages(one_of_everything)
    expected = {
        key: 403 if key in CLOSED_TO_EVERYONE else 302 if key in SENT_TO_THE_ACCOUNT_PAGES else 200
        for key in pages
    }

    assert statuses(admin_client, pages) == expected


def test_staff_outside_the_group_may_not_see_the_engagement_dashboard(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(reverse("admin:workshops_engagement")).status_code == 403
    assert client.get(reverse("admin:workshops_engagement_csv")).status_code == 403


def test_the_admin_index_links_the_engagement_dashboard_for_the_role(client, operations_manager):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    client.force_login(operations_manager)

    page = client.get(reverse("admin:index")).content.decode()

    assert f'href="{reverse("admin:workshops_engagement")}"' in page


def test_the_admin_index_leaves_the_dashboard_out_for_staff_who_may_not_see_it(client):
    client.force_login(UserFactory(is_staff=True))

    page = client.get(reverse("admin:index")).content.decode()

    assert reverse("admin:workshops_engagement") not in page


def test_the_role_may_not_delete_people_trusts_or_bookings(operations_manager):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))

    assert not any(
        operations_manager.has_perm(permission)
        for permission in (
            "collaborative.delete_user",
            "trusts.delete_trust",
            "workshops.delete_booking",
        )
    )
    assert operations_manager.has_perms(
        ["collaborative.change_user", "trusts.change_trust", "workshops.change_booking"]
    )


def test_syncing_the_role_takes_back_permissions_it_no_longer_has():
    group = Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP)
    group.permissions.add(Permission.objects.get(codename="delete_trust"))

    sync_programme_operations_group()

    assert not group.permissions.filter(codename="delete_trust").exists()
    assert group.permissions.filter(codename="change_trust").exists()
