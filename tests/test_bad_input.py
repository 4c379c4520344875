"""Input nothing can use gives a clear error or an empty result, never a 500: the fourteen
kinds issue 12 found, the admin's filters on every change list, and one-line fields."""

import datetime
import socket

import pytest
from django.contrib import admin
from django.urls import reverse

from collaborative.inputs.validators import ONE_LINE_MESSAGE
from collaborative.outbox.models import OutgoingEmail
from collaborative.site.models import ContactMessage
from tests.factories import BookingFactory, WorkshopFactory
from workshops.booking.forms import ColleagueForm
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

REFUSAL = "Sorry, the portal cannot read that request"


def refused(response):
    return response.status_code == 400 and REFUSAL in response.content.decode()


# NUL and lone surrogates: refused before any view (collaborative.inputs.refuse) --------


@pytest.mark.parametrize(
    "address",
    [
        "/calendar/%00.ics",
        "/workshops/invitations/%00/",
        "/resources/?q=%00",
        "/trusts/?region=%00",
    ],
)
def test_nul_in_an_address_is_refused_with_a_page_that_says_so(client, director_a, address):
    client.force_login(director_a)
    assert refused(client.get(address))


@pytest.mark.parametrize("parameter", ["q", "region"])
def test_a_lone_surrogate_in_the_member_trusts_search_is_refused(client, parameter):
    # No client can percent-encode a lone surrogate; a WSGI server can still hand one over.
    assert refused(client.get(reverse("trusts:list"), QUERY_STRING=f"{parameter}=\ud800"))


def test_nul_in_a_form_field_is_refused_and_nothing_is_kept(client):
    response = client.post(
        reverse("contact"),
        {"name": "A\x00", "email": "a@example.org", "subject": "Hello", "message": "Hi"},
    )

    assert refused(response)
    assert not ContactMessage.objects.exists()


def test_nul_in_a_cookie_is_refused(client):
    # A quoted cookie's octal escape: Django's cookie parser turns it into a NUL.
    assert refused(client.get("/", HTTP_COOKIE='sessionid="\\000abcdefgh"'))


def test_a_refusal_has_the_security_headers(client):
    response = client.get("/calendar/%00.ics")
    assert (response["X-Content-Type-Options"], response["Referrer-Policy"]) == (
        "nosniff",
        "same-origin",
    )


def test_percent_encoded_bytes_that_are_not_utf_8_are_read_as_replacement_characters(client):
    """What browsers and servers really send for broken text: an empty search, not an error."""
    response = client.get(reverse("trusts:list"), {"q": "\ufffd"}, QUERY_STRING="q=%ED%A0%80")
    assert response.status_code == 200


# Non-ASCII digits and dates out of range -------------------------------------------


@pytest.mark.parametrize("page", ["admin:workshops_engagement", "admin:workshops_engagement_csv"])
@pytest.mark.parametrize("year", ["²", "٢٠٢١", "99999999999999999999", "2021\x00"])
def test_engagement_dashboard_takes_a_year_it_cannot_read_as_no_year(admin_client, page, year):
    WorkshopFactory(date=datetime.date(2021, 3, 4), status=Workshop.Status.HELD)
    WorkshopFactory(date=datetime.date(2022, 3, 4), status=Workshop.Status.HELD)

    response = admin_client.get(reverse(page), {"year": year})

    if "\x00" in year:
        assert refused(response)
    else:
        assert response.status_code == 200
        assert _shown(response) == _shown(admin_client.get(reverse(page)))


def _shown(response):
    """The dashboard's year (its page carries a fresh CSP nonce each time), or the CSV."""
    return response.context["year"] if response.context else response.content


def test_outcome_page_of_a_workshop_on_the_last_day_of_the_calendar_opens(admin_client):
    workshop = WorkshopFactory(date=datetime.date(9999, 12, 31))

    response = admin_client.get(reverse("workshops:steering:outcome", args=[workshop.slug]))

    assert response.status_code == 200


# The admin's filters, on every change list ------------------------------------------


def _date_hierarchies():
    return sorted(
        (model_admin.opts.label_lower, model_admin.date_hierarchy)
        for model_admin in admin.site._registry.values()
        if model_admin.date_hierarchy
    )


def _changelist(label):
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_changelist")


@pytest.mark.parametrize(("label", "field"), _date_hierarchies())
@pytest.mark.parametrize(
    "dates",
    [
        {"year": "99999999999999999999"},
        {"year": "9999"},
        {"year": "9999", "month": "12"},
        {"year": "2020", "month": "99999999999999999999"},
        {"year": "2020", "month": "2", "day": "30"},
    ],
    ids=["20-digit year", "year 9999", "december 9999", "20-digit month", "30 february"],
)
def test_every_date_hierarchy_takes_an_impossible_date_as_a_wrong_filter(
    admin_client, label, field, dates
):
    query = {f"{field}__{part}": value for part, value in dates.items()}

    response = admin_client.get(_changelist(label), query)

    # The admin's own answer to a filter it cannot apply: back to the list, "?e=1".
    assert response.status_code == 302
    assert response.url.endswith("?e=1")


@pytest.mark.parametrize("label", sorted(m.opts.label_lower for m in admin.site._registry.values()))
def test_every_change_list_refuses_nul_in_its_search_and_filters(admin_client, label):
    for query in ({"q": "\x00"}, {"status": "\x00"}, {"o": "\x00"}):
        assert refused(admin_client.get(_changelist(label), query)), query


# One-line fields -----------------------------------------------------------------


def test_a_workshop_title_on_two_lines_is_refused_in_the_steering_area(client, steering_member):
    workshop = WorkshopFactory(status=Workshop.Status.DRAFT)
    client.force_login(steering_member)
    page = client.get(reverse("workshops:steering:edit_workshop", args=[workshop.slug]))
    data = {
        name: value
        for name, value in page.context["form"].initial.items()
        if value is not None and not isinstance(value, list | tuple)
    }

    response = client.post(
        reverse("workshops:steering:edit_workshop", args=[workshop.slug]),
        {**data, "title": "How do we grow\nBcc: everyone@example.org"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [ONE_LINE_MESSAGE]
    workshop.refresh_from_db()
    assert "\n" not in workshop.title


@pytest.mark.parametrize("line_break", ["\n", "\r", "\u2028", "\t", "\x85"])
def test_a_name_on_two_lines_is_refused_on_the_profile(client, director_a, line_break):
    client.force_login(director_a)
    response = client.post(
        reverse("profile"),
        {
            "full_name": f"Jane{line_break}Smith",
            "seniority": director_a.seniority,
            "functional_area": director_a.functional_area,
        },
    )

    assert response.context["profile_form"].errors["full_name"] == [ONE_LINE_MESSAGE]


@pytest.mark.parametrize("field", ["full_name", "job_title"])
def test_a_colleagues_name_or_job_title_on_two_lines_is_refused(field):
    data = {"full_name": "Sam Jones", "email": "sam.jones@ta1.nhs.uk", "seniority": "other"}

    form = ColleagueForm({**data, field: "Sam\nJones"})

    assert form.errors[field] == [ONE_LINE_MESSAGE]


# The contact form with nothing to deliver it -----------------------------------------


def _closed_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


def test_contact_form_without_a_broker_and_with_smtp_down_keeps_the_message(
    client, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": _closed_port(), "timeout": 2},
        }
    }
    data = {"name": "Priya Shah", "email": "p@example.org", "subject": "Hi", "message": "Hello"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contact"), data)

    assert response.status_code == 302
    assert ContactMessage.objects.get().subject == "Hi"
    assert OutgoingEmail.objects.get().sent_at is None  # for the sweep to send


def test_booking_page_of_a_workshop_on_the_last_day_of_the_calendar_opens(client, director_a):
    workshop = WorkshopFactory(date=datetime.date(9999, 12, 31))
    booking = BookingFactory(workshop=workshop, person=director_a)
    client.force_login(director_a)

    for page in ("workshops:booking", "workshops:calendar"):
        assert client.get(reverse(page, args=[booking.pk])).status_code == 200, page
