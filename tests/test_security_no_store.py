"""``Cache-Control: no-store`` on every personal page, feed and download, found by walking
Django's URL list: every URL answered to a signed-in person, every URL opened by a
secret link, and the account pages; the personal pages named in issue 12 are also
checked to answer 200, so the header is seen on the real page and not on a refusal."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from collaborative.security.middleware import SECRET_URL_PARAMETERS
from tests.factories import BookingFactory, InvitationFactory, WorkshopFactory
from workshops.models import Workshop

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def url_patterns(patterns=None, namespace=""):
    """Every named URL pattern, as (name, {parameter: a value its regex accepts or None})."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            regex = pattern.pattern.regex
            yield (
                f"{namespace}{pattern.name}",
                {parameter: _choice(regex.pattern, parameter) for parameter in regex.groupindex},
            )


def _choice(regex, parameter):
    """The first word of a parameter written as a choice, like (?P<decision>approve|reject)."""
    found = re.search(rf"\(\?P<{parameter}>([\w|]+)\)", regex)
    return found.group(1).split("|")[0] if found and "|" in found.group(1) else None


def no_store(response):
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def the_directors_things(director_a):
    workshop = WorkshopFactory(status=Workshop.Status.OPEN)
    booking = BookingFactory(workshop=workshop, person=director_a)
    director_a.calendar_token = "a-calendar-token-of-forty-characters-0001"
    director_a.save(update_fields=["calendar_token"])
    invitation = InvitationFactory(workshop=workshop, person=director_a)
    return {
        "pk": booking.pk,
        "object_id": booking.pk,
        "id": director_a.pk,
        "slug": workshop.slug,
        "token": director_a.calendar_token,
        "key": "not-a-real-key",
        "uidb36": "1",
        "year": timezone.localdate().year,
        "quarter": 1,
        "app_label": "workshops",
        "content_type_id": 1,
        "workshop_id": workshop.pk,
        "invitation": invitation,
    }


def url_for(name, parameters, values):
    """The URL with the fixture's values; a parameter it does not know gets 1 (or the
    first of its choices), which still sends a request through every middleware."""
    return reverse(
        name,
        kwargs={
            parameter: choice or values.get(parameter, 1)
            for parameter, choice in parameters.items()
        },
    )


def test_every_url_answers_a_signed_in_person_with_no_store(
    director_a, admin_user, the_directors_things
):
    person = Client(raise_request_exception=False)
    person.force_login(director_a)
    superuser = Client(raise_request_exception=False)
    superuser.force_login(admin_user)

    cacheable = []
    walked = 0
    for name, parameters in url_patterns():
        client = superuser if name.startswith("admin:") else person
        url = url_for(name, parameters, the_directors_things)
        response = client.get(url)
        walked += 1
        if not no_store(response):
            cacheable.append((name, url, response.status_code, response.get("Cache-Control")))

    assert walked > 150  # the site's own pages, allauth's and the admin's
    assert cacheable == []


def test_every_url_opened_by_a_secret_link_answers_with_no_store(the_directors_things):
    anonymous = Client(raise_request_exception=False)
    secret_urls = [
        (name, parameters)
        for name, parameters in url_patterns()
        if set(parameters) & SECRET_URL_PARAMETERS
    ]

    assert {"calendar_feed", "workshops:invitation", "account_reset_password_from_key"} <= {
        name for name, _ in secret_urls
    }
    for name, parameters in secret_urls:
        response = anonymous.get(url_for(name, parameters, the_directors_things))
        assert no_store(response), name


def test_every_account_page_answers_with_no_store_before_signing_in():
    anonymous = Client(raise_request_exception=False)

    account_pages = [
        url
        for name, parameters in url_patterns()
        if not parameters and (url := reverse(name)).startswith("/accounts/")
    ]

    assert len(account_pages) > 15
    for url in account_pages:
        assert no_store(anonymous.get(url)), url


@pytest.mark.parametrize(
    "page",
    [
        "profile",
        "workshops:my_bookings",
        "workshops:trust_bookings",
        "workshops:booking",
        "workshops:calendar",
        "account_email",
        "account_change_password",
        "usersessions_list",
        "mfa_index",
    ],
)
def test_each_personal_page_is_sent_with_no_store(client, director_a, the_directors_things, page):
    client.force_login(director_a)
    parameters = (
        {"pk": the_directors_things["pk"]}
        if page
        in {
            "workshops:booking",
            "workshops:calendar",
        }
        else {}
    )

    response = client.get(reverse(page, kwargs=parameters))

    assert response.status_code == 200
    assert no_store(response)


def test_the_calendar_feed_is_sent_with_no_store(client, the_directors_things):
    response = client.get(reverse("calendar_feed", args=[the_directors_things["token"]]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert no_store(response)


def test_public_pages_are_not_marked_private_for_visitors(client):
    response = client.get(reverse("workshops:programme"))

    assert response.status_code == 200
    assert not no_store(response)
