"""Wording and spacing issue 15 found: numbers with their plural, "Not booked" for a Trust
that held no place, long banners as body text, and buttons apart from what is next to them."""

import datetime
import re

import pytest
from django.contrib import messages
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from tests.factories import BookingFactory, UserFactory, WorkshopFactory
from workshops import engagement, refusals
from workshops.booking import rules
from workshops.models import BookingStatus, TopicProposal, TopicSupport

pytestmark = pytest.mark.django_db


def test_a_trust_with_one_place_is_told_it_has_its_only_place(trust_a):
    workshop = WorkshopFactory(places_per_trust=1, one_per_functional_area=False)
    rules.book_place(
        workshop=workshop,
        person=(ann := UserFactory(full_name="Ann One", trust=trust_a)),
        booked_by=ann,
    )
    ben = UserFactory(trust=trust_a)

    with pytest.raises(refusals.TrustPlacesFull) as refusal:
        rules.book_place(workshop=workshop, person=ben, booked_by=ben)

    assert refusal.value.message == (
        "Your Trust already has its only place for this workshop (Ann One). That person must "
        "cancel before anyone else can book."
    )


def test_a_full_workshop_of_one_place_says_one_place(operations_manager, trust_a):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    workshop = WorkshopFactory(capacity=1)
    BookingFactory(workshop=workshop, person=UserFactory(trust=trust_a))

    with pytest.raises(refusals.NotAllowed) as refusal:
        rules.book_on_behalf(
            workshop=workshop,
            person=UserFactory(trust=trust_a),
            booked_by=operations_manager,
            override_reason="Their director asked.",
        )

    assert "(1 place held)" in refusal.value.message


def test_a_trust_that_held_no_place_reads_not_booked_in_the_engagement_table(trust_a):
    held = WorkshopFactory(date=timezone.localdate() - datetime.timedelta(days=7))

    (row,) = engagement.matrix([held])

    assert row.cells == [(engagement.NONE, "Not booked")]


def banner(text, level=messages.SUCCESS):
    request = RequestFactory().get("/")
    return render_to_string(
        "includes/messages.html",
        {"messages": [messages.storage.base.Message(level, text)]},
        request=request,
    )


def test_a_short_banner_is_its_heading():
    assert '<p class="nhsuk-notification-banner__heading">Your topic is proposed.</p>' in banner(
        "Your topic is proposed."
    )


@pytest.mark.parametrize("level", [messages.SUCCESS, messages.INFO])
def test_a_long_banner_is_normal_body_text(level):
    text = (
        "You signed off the agenda of “How do we keep staff?”. With your sign-off it meets the "
        "steering group's rule, so it is agreed and now public."
    )

    page = banner(text, level)

    assert "nhsuk-notification-banner__heading" not in page
    assert '<p class="nhsuk-body nhsuk-u-margin-bottom-0">' in page


def button_group(page):
    """The markup of the first button group on the page, up to its closing tag."""
    start = page.index('<div class="nhsuk-button-group')
    return page[start : page.index("</div>", start)]


def test_accept_and_decline_sit_side_by_side_in_one_button_group(client, director_a):
    booking = BookingFactory(
        person=director_a,
        status=BookingStatus.OFFERED,
        offer_expires_at=timezone.now() + datetime.timedelta(hours=24),
    )
    client.force_login(director_a)

    page = client.get(reverse("workshops:offer", args=[booking.pk])).content.decode()

    group = button_group(page)
    # Both buttons are children of the group itself, which spaces them; no form between.
    assert "<form" not in group
    assert ">Accept the place</button>" in group
    assert f'formaction="{reverse("workshops:decline_offer", args=[booking.pk])}"' in group


def test_withdraw_my_support_is_spaced_from_the_link_after_it(client, steering_member):
    proposal = TopicProposal.objects.create(title="Preceptorship", rationale="Nurses leave.")
    TopicSupport.objects.create(proposal=proposal, person=steering_member)
    client.force_login(steering_member)

    page = client.get(reverse("workshops:steering:proposals")).content.decode()

    group = button_group(page)
    assert "<form" not in group
    assert re.search(r'form="support-\d+">Withdraw my support', group)
    assert "Plan a workshop on this topic" in group
