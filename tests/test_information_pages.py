"""The information pages NHS services publish, linked from every page's footer, and the
request to join that the operations manager sees in the admin."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from trusts.models import MembershipRequest

pytestmark = pytest.mark.django_db

INFORMATION_PAGES = {
    "about": "About the Collaborative",
    "join": "How a Trust joins the Collaborative",
    "accessibility": "Accessibility statement",
    "privacy": "Privacy notice",
    "cookies": "Cookies",
}


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize(("url_name", "heading"), INFORMATION_PAGES.items())
def test_the_page_answers_with_its_heading(client, url_name, heading):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()


@pytest.mark.parametrize("url_name", INFORMATION_PAGES)
def test_every_page_links_to_it_from_the_footer(client, url_name):
    footer = client.get(reverse("workshops:programme")).content.decode().split("<footer", 1)[1]

    assert f'href="{reverse(url_name)}"' in footer


def test_the_home_page_links_to_the_about_page(client):
    main = client.get(reverse("home")).content.decode().split('id="maincontent"', 1)[1]

    assert f'href="{reverse("about")}"' in main


def test_the_cookies_page_lists_only_strictly_necessary_cookies(client):
    page = text_of(client.get(reverse("cookies")))

    assert "strictly necessary" in page
    for cookie in ("sessionid", "csrftoken", "messages"):
        assert f'scope="row">{cookie}</th>' in page
    assert "analytics" not in page.lower()


def test_the_privacy_notice_says_what_is_kept_why_for_how_long_and_whom_to_ask(client):
    page = text_of(client.get(reverse("privacy")))

    for heading in (
        "What the portal keeps",
        "Why it keeps it",
        "How long it keeps it",
        "Who to ask",
    ):
        assert f"<h2>{heading}</h2>" in page


def test_the_accessibility_statement_gives_its_status_and_how_to_complain(client):
    page = text_of(client.get(reverse("accessibility")))

    assert "partially compliant" in page
    assert "Equality Advisory and Support Service" in page


def test_a_trust_asks_to_join_and_the_operations_manager_sees_it_in_the_admin(
    client, operations_manager
):
    response = client.post(
        reverse("join"),
        {
            "trust_name": "Example Mental Health NHS Trust",
            "ods_code": " rx9 ",
            "contact_name": "Ann Lee",
            "job_title": "Director of Nursing",
            "email": "ann.lee@example.nhs.uk",
            "message": "We would like to join.",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("join_sent")
    request = MembershipRequest.objects.get()
    assert (request.ods_code, request.status) == ("RX9", MembershipRequest.Status.NEW)
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    client.force_login(operations_manager)
    admin_page = client.get(reverse("admin:trusts_membershiprequest_changelist"))
    assert "Example Mental Health NHS Trust" in admin_page.content.decode()


def test_an_incomplete_request_to_join_shows_the_errors(client):
    response = client.post(reverse("join"), {"trust_name": ""})

    page = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter the name of your Trust" in page
    assert not MembershipRequest.objects.exists()
