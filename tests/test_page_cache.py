"""Visitors' public pages are kept in the cache (collaborative/inputs/page_cache.py): served
without the database, each with its own nonce, never with anything of one visitor's, and
built again on the next request after any change to what they show."""

import datetime
import io
import re

import pytest
from django.contrib import messages
from django.contrib.auth.models import Group
from django.contrib.messages.storage.session import SessionStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP
from demo import registry as demo_registry
from resources import tasks as resource_tasks
from resources.models import Resource
from tests.factories import ResourceFactory, TrustFactory, UserFactory, WorkshopFactory
from tests.test_admin_actions import form_data, post_change_form
from tests.test_resource_uploads import pdf_bytes
from trusts import services as trust_services
from trusts.models import AffiliationRequest, Membership
from workshops import tasks as workshop_tasks
from workshops.booking import rules
from workshops.models import Workshop
from workshops.steering import agenda

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = {
    "home": reverse("home"),
    "programme": reverse("workshops:programme"),
    "member Trusts": reverse("trusts:list"),
    "founding Trusts": reverse("trusts:founding"),
    "library": reverse("resources:library"),
    "library search": reverse("resources:library") + "?q=wellbeing",
    "news": reverse("news"),
    "news feed": reverse("news_feed"),
}


@pytest.fixture(autouse=True)
def _pages_built_afresh(settings):
    """Here pages are kept, as in production (overrides tests/conftest.py's fixture)."""
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block and commit it, as a request, a task or a command would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="Growing the support workforce", slug="growing")


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def nonce_in_header(response):
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


def without_nonce(response):
    return re.sub(rb'nonce="[^"]*"', b"", response.content)


def visit_all(client, pages):
    """Every page once, so that each is kept."""
    for url in pages:
        assert client.get(url).status_code == 200


# Serving kept pages ------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_a_visitor_is_served_the_kept_page_without_the_database(
    client, workshop, url, django_assert_num_queries
):
    first = client.get(url)

    with django_assert_num_queries(0):
        again = client.get(url)

    assert again.status_code == 200
    assert without_nonce(again) == without_nonce(first)


def test_a_workshop_page_is_kept_for_visitors(client, workshop, django_assert_num_queries):
    client.get(workshop.get_absolute_url())

    with django_assert_num_queries(0):
        assert "Growing the support workforce" in text(client.get(workshop.get_absolute_url()))


def test_each_visitor_gets_a_new_nonce_in_the_page_and_in_its_policy(client, workshop):
    responses = [client.get(reverse("home")) for _ in range(3)]

    nonces = [nonce_in_header(response) for response in responses]
    assert len(set(nonces)) == 3
    for response, nonce in zip(responses, nonces, strict=True):
        page = response.content.decode()
        assert re.findall(r'nonce="([^"]+)"', page) == [nonce, nonce]
        assert "csp-nonce" not in page


@pytest.mark.parametrize("url", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_a_kept_page_holds_no_form_token_and_sets_no_cookie(client, workshop, url):
    for response in (client.get(url), client.get(url)):
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert not response.cookies


def test_a_signed_in_person_gets_a_fresh_page_and_no_etag(client, workshop, director_a):
    programme = reverse("workshops:programme")
    client.get(programme)
    # Made past the rules, so the kept page does not know of it.
    WorkshopFactory(title="Made in the database")
    assert "Made in the database" not in text(client.get(programme))

    client.force_login(director_a)
    response = client.get(programme)

    assert "Made in the database" in text(response)
    assert "Sign out" in text(response)
    assert "ETag" not in response.headers


def flash(client, text):
    """A message waiting for the visitor, as a redirect after a form leaves it."""
    request = RequestFactory().get("/")
    request.session = client.session
    storage = SessionStorage(request)
    storage.add(messages.SUCCESS, text)
    storage.update(HttpResponse())
    request.session.save()


def test_a_visitor_with_a_message_waiting_sees_it_on_a_kept_page(client, workshop):
    home = reverse("home")
    client.get(home)

    flash(client, "Thank you: we have your message.")
    shown = client.get(home)

    assert "Thank you: we have your message." in text(shown)
    assert "Thank you: we have your message." not in text(Client().get(home))


def test_a_page_showing_a_message_is_never_kept(client, workshop, django_assert_num_queries):
    home = reverse("home")
    flash(client, "Thank you: we have your message.")
    assert "Thank you: we have your message." in text(client.get(home))

    visitor = Client()
    page = text(visitor.get(home))

    assert "Thank you: we have your message." not in page
    with django_assert_num_queries(0):
        visitor.get(home)


# Conditional GET ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_a_visitor_asking_again_with_the_etag_is_told_nothing_changed(client, workshop, url):
    etag = client.get(url).headers["ETag"]

    response = client.get(url, headers={"if-none-match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == etag
    # The browser keeps the policy that came with the page it holds, and that page's nonce.
    assert "Content-Security-Policy" not in response.headers
    assert "no-cache" in client.get(url).headers["Cache-Control"]


def test_each_page_has_its_own_etag(client, workshop):
    etags = {client.get(url).headers["ETag"] for url in PUBLIC_PAGES.values()}

    assert len(etags) == len(PUBLIC_PAGES)


def test_after_a_change_the_etag_no_longer_matches(client, workshop, committed):
    url = workshop.get_absolute_url()
    etag = client.get(url).headers["ETag"]

    with committed():
        agenda.change_workshop(workshop=workshop, changed_by=None, title="Retaining nurses")
    response = client.get(url, headers={"if-none-match": etag})

    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    assert "Retaining nurses" in text(response)


def test_a_signed_in_person_is_never_answered_304(client, workshop, director_a):
    url = workshop.get_absolute_url()
    etag = client.get(url).headers["ETag"]
    client.force_login(director_a)

    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


def test_the_pages_of_a_new_day_are_built_again(client, workshop, monkeypatch):
    programme = reverse("workshops:programme")
    client.get(programme)
    Workshop.objects.filter(pk=workshop.pk).update(title="Renamed in the database")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)

    assert "Renamed in the database" in text(client.get(programme))


# Each kind of change is seen on the next visit to every page that shows it ------------------


def test_a_workshop_changed_through_the_rules_is_seen_on_every_page(client, workshop, committed):
    pages = [
        reverse("home"),
        reverse("workshops:programme"),
        workshop.get_absolute_url(),
        reverse("news"),
        reverse("news_feed"),
    ]
    visit_all(client, pages)

    with committed():
        agenda.change_workshop(workshop=workshop, changed_by=None, title="Retaining nurses")

    for url in pages:
        assert "Retaining nurses" in text(client.get(url)), url


def test_an_agenda_item_added_through_the_rules_is_seen(client, workshop, committed):
    steering = UserFactory(is_steering_member=True)
    visit_all(client, [workshop.get_absolute_url()])

    with committed():
        agenda.add_agenda_item(
            workshop=workshop,
            added_by=steering,
            start_time=datetime.time(11),
            title="Listening to newly qualified nurses",
        )

    assert "Listening to newly qualified nurses" in text(client.get(workshop.get_absolute_url()))


def test_a_booking_through_the_rules_builds_the_pages_again(
    client, workshop, director_a, committed
):
    urls = [reverse("workshops:programme"), workshop.get_absolute_url()]
    etags = [client.get(url).headers["ETag"] for url in urls]

    with committed():
        rules.book_place(workshop=workshop, person=director_a, booked_by=director_a)

    for url, etag in zip(urls, etags, strict=True):
        assert client.get(url, headers={"if-none-match": etag}).status_code == 200


def test_a_change_that_rolls_back_keeps_the_pages(
    client, workshop, committed, django_assert_num_queries
):
    url = workshop.get_absolute_url()
    client.get(url)

    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        agenda.change_workshop(workshop=workshop, changed_by=None, title="Retaining nurses")
        raise RuntimeError("rolled back")

    with django_assert_num_queries(0):
        assert "Growing the support workforce" in text(client.get(url))


def test_an_outcome_recorded_through_the_rules_is_seen_in_the_news(client, committed):
    held = WorkshopFactory(
        title="Workforce planning",
        date=timezone.localdate() - datetime.timedelta(days=7),
        status=Workshop.Status.HELD,
    )
    pages = [reverse("news"), reverse("news_feed"), held.get_absolute_url()]
    visit_all(client, pages)

    with committed():
        agenda.record_outcome(
            workshop=held, recorded_by=None, summary="We agreed a shared rota for nurses."
        )

    for url in pages:
        assert "We agreed a shared rota for nurses." in text(client.get(url)), url


def test_an_affiliation_decided_through_the_rules_is_seen_on_the_founding_page(
    client, founding_trust, committed
):
    member = UserFactory(full_name="Alex Morgan", is_steering_member=True, trust=None)
    request = AffiliationRequest.objects.create(person=member, trust=founding_trust)
    founding = reverse("trusts:founding")
    assert "Alex Morgan" not in text(client.get(founding))

    with committed():
        trust_services.decide_affiliation(request=request, approve=True, decided_by=None)

    assert "Alex Morgan" in text(client.get(founding))


def test_a_steering_members_name_changed_on_their_profile_is_seen_on_the_founding_page(
    client, steering_member
):
    founding = reverse("trusts:founding")
    assert "Alex Morgan" in text(client.get(founding))
    member = Client()
    member.force_login(steering_member)

    member.post(
        reverse("profile"),
        {"full_name": "Alex Morgan-Reid", "functional_area": steering_member.functional_area},
    )

    assert "Alex Morgan-Reid" in text(client.get(founding))


def admin_client(client, operations_manager):
    operations_manager.groups.add(Group.objects.get(name=PROGRAMME_OPERATIONS_GROUP))
    staff = Client()
    staff.force_login(operations_manager)
    return staff


def test_a_trust_renamed_in_the_admin_is_seen_on_the_trusts_pages(
    client, operations_manager, committed
):
    trust = TrustFactory(name="Riverside NHS Trust")
    Membership.objects.create(trust=trust, joined_on=datetime.date(2024, 4, 1))
    visit_all(client, [reverse("trusts:list"), reverse("home")])

    with committed():
        post_change_form(admin_client(client, operations_manager), trust, name="Lakeside NHS Trust")

    assert "Lakeside NHS Trust" in text(client.get(reverse("trusts:list")))


def test_a_resource_published_in_the_admin_is_seen_in_the_library(
    client, operations_manager, committed
):
    resource = ResourceFactory(title="Safe staffing levels", is_published=False)
    pages = [reverse("resources:library"), reverse("resources:library") + "?q=staffing"]
    visit_all(client, pages)

    staff = admin_client(client, operations_manager)
    change = reverse("admin:resources_resource_change", args=[resource.pk])
    data = {**form_data(staff.get(change)), "is_published": "on"}
    del data["file"]  # No new file: the form keeps the one it has (here none).

    with committed():
        assert staff.post(change, data).status_code == 302

    for url in pages:
        assert "Safe staffing levels" in text(client.get(url)), url


def test_booking_closed_by_the_daily_task_is_seen(client, workshop, committed):
    Workshop.objects.filter(pk=workshop.pk).update(
        booking_closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    url = workshop.get_absolute_url()
    etag = client.get(url).headers["ETag"]

    with committed():
        workshop_tasks.close_due_bookings.delay()

    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert Workshop.Status.CLOSED.label in text(response)


def test_a_files_words_read_by_the_task_are_found_by_the_library_search(client, committed):
    resource = ResourceFactory(
        title="Annual report",
        file=SimpleUploadedFile("annual.pdf", pdf_bytes("Preceptorship for new nurses")),
        file_type=Resource.FileType.PDF,
        file_size=1,
    )
    search = reverse("resources:library") + "?q=preceptorship"
    assert "Annual report" not in text(client.get(search))

    with committed():
        resource_tasks.extract_resource_text.delay(resource.pk)

    assert "Annual report" in text(client.get(search))


def test_demo_data_removed_by_the_command_is_gone_from_the_pages(client, committed):
    made_up = WorkshopFactory(title="A made-up workshop")
    demo_registry.flag(made_up)
    programme = reverse("workshops:programme")
    assert "A made-up workshop" in text(client.get(programme))

    with committed():
        call_command("remove_demo", stdout=io.StringIO())

    assert "A made-up workshop" not in text(client.get(programme))


# When the cache is down ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [PUBLIC_PAGES["home"], PUBLIC_PAGES["programme"]])
def test_a_visitor_still_gets_the_page_when_the_cache_cannot_be_reached(
    client, workshop, settings, url, caplog
):
    """Keeping pages is a speed-up, not a dependency: with Redis unreachable the page is
    built afresh, and the log says so."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1 of the loopback address.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }

    response = client.get(url)

    assert response.status_code == 200
    assert "ETag" not in response.headers
    assert "Page cache unreachable" in caplog.text
