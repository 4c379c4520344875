"""No address, query or form answer gives a 500: every URL pattern outside the admin, each
path converter given generated values (and the real ones of a small world), each public
query parameter given awkward text, as a visitor and as a signed-in director; and each
field of the forms anyone can send (contact, request to join) and of the profile.

The URL patterns are walked from the resolver, so a page added later is fuzzed too.
Each pattern gets a few examples per run (``EXAMPLES``, or ``FUZZ_EXAMPLES`` from the
environment for a longer search); hypothesis draws new ones each run, and prints the
failing address if one answers 500.
"""

import os
import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter, UUIDConverter
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from collaborative.people import calendar_tokens
from collaborative.settings import BASE_DIR
from tests.factories import (
    BookingFactory,
    InvitationFactory,
    ResourceFactory,
    ThemeFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))

# Every query parameter a page reads: the views' request.GET.get(...) and the fields of
# the forms filled from request.GET (test_every_query_parameter_is_fuzzed keeps it so).
QUERY_PARAMETERS = ("q", "region", "kind", "theme", "year", "organisation", "page", "for", "next")

AWKWARD = [
    "²",  # "²".isdigit() is true, and int("²") fails
    "١٢",  # Arabic-Indic digits
    "0",
    "-1",
    "9999",
    "99999999999999999999",
    "1e309",
    "\x00",
    "a\x00b",
    "\n",
    "line\r\nbreak",
    " ",
    "'",
    '"><script>alert(1)</script>',
    "%",
    "../../etc/passwd",
    "//elsewhere.example/",
    "https://elsewhere.example/",
    "javascript:alert(1)",
    "\u202e",
    "ﬀ",
    "NaN",
]
# Text as anyone can send it: any character but lone surrogates, which no client can
# encode (test_bad_input sends them through WSGI), long values included.
TEXT = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(max_size=40),
    st.integers().map(str),
    st.text(min_size=300, max_size=3000),
)
NO_SLASH = st.one_of(st.sampled_from(AWKWARD), st.text(min_size=1, max_size=40)).filter(
    lambda value: value and "/" not in value
)


def _routes(patterns=None, prefix=()):
    """Each URL pattern as its parts: literal text, and (name, converter or regex) holes."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        parts = (*prefix, *_parts(entry.pattern))
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, parts)
        elif isinstance(entry, URLPattern):
            yield parts


def _parts(pattern):
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        position = 0
        for hole in re.finditer(r"<(?:[^>:]+:)?([^>]+)>", route):
            yield route[position : hole.start()]
            yield (hole[1], pattern.converters[hole[1]])
            position = hole.end()
        yield route[position:]
    elif isinstance(pattern, RegexPattern):
        yield ("regex", pattern.regex.pattern)
    else:  # pragma: no cover - Django has only these two
        raise TypeError(pattern)


def _route_id(parts):
    return "".join(part if isinstance(part, str) else f"<{part[0]}>" for part in parts) or "/"


PUBLIC_ROUTES = [parts for parts in _routes() if not _route_id(parts).startswith("admin/")]


@pytest.fixture
def world(director_a, trust_a):
    """Real objects for the holes to name, so that some examples reach deep into a view."""
    theme = ThemeFactory()
    workshop = WorkshopFactory(slug="growing-the-workforce", theme=theme)
    booking = BookingFactory(workshop=workshop, person=director_a)
    invitation = InvitationFactory(workshop=workshop, person=director_a)
    resource = ResourceFactory(slug="thriving-at-work")
    resource.themes.add(theme)
    return {
        "pk": [booking.pk, 1],
        "slug": [workshop.slug, resource.slug, theme.slug],
        "token": [calendar_tokens.issue_calendar_token(director_a), invitation.token],
        "year": [workshop.date.year, 2017, 2020],
        "quarter": [1, 4],
    }


def _hole(name, converter, world):
    real = st.sampled_from([str(value) for value in world.get(name, [])] or ["1"])
    if isinstance(converter, str):  # a regex pattern: the whole route in one
        generated = st.from_regex(converter.lstrip("^").rstrip("$"), fullmatch=True)
    elif isinstance(converter, IntConverter):
        generated = st.integers(min_value=0, max_value=10**30).map(str)
    elif isinstance(converter, SlugConverter):
        generated = st.one_of(st.from_regex(r"[-a-zA-Z0-9_]+", fullmatch=True), NO_SLASH)
    elif isinstance(converter, UUIDConverter):
        generated = st.uuids().map(str)
    elif isinstance(converter, PathConverter):
        generated = st.one_of(NO_SLASH, st.text(min_size=1, max_size=60))
    elif type(converter).__name__ == "StringConverter":
        generated = NO_SLASH
    else:  # a converter of the portal's own: what its regex takes
        generated = st.from_regex(converter.regex, fullmatch=True)
    return st.one_of(real, generated)


def _address(draw, parts, world):
    address = "/"
    for part in parts:
        if isinstance(part, str):
            address += part
        else:
            name, converter = part
            value = draw(_hole(name, converter, world))
            # A regex pattern's value is a whole route: its slashes stay slashes.
            address += quote(value, safe="/" if isinstance(converter, str) else "")
    return address


@pytest.mark.parametrize("parts", PUBLIC_ROUTES, ids=[_route_id(p) for p in PUBLIC_ROUTES])
def test_no_address_or_query_answers_500(parts, world, director_a, client):
    signed_in = client.__class__()
    signed_in.force_login(director_a)

    @examples(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def check(data):
        address = _address(data.draw, parts, world)
        names = data.draw(st.lists(st.sampled_from(QUERY_PARAMETERS), unique=True, max_size=4))
        query = {name: data.draw(TEXT, label=name) for name in names}
        for visitor in (client, signed_in):
            response = visitor.get(address, query)
            assert response.status_code < 500, (address, query)

    check()


def test_every_query_parameter_is_fuzzed():
    """The views' request.GET.get("...") and the fields of the forms filled from request.GET."""
    from resources.forms import LibraryForm
    from trusts.forms import TrustSearchForm

    read = set()
    for module in ("collaborative", "trusts", "workshops", "resources", "demo"):
        for path in (BASE_DIR / module).rglob("*.py"):
            read |= set(re.findall(r"request\.GET\.get\(\"([^\"]+)\"", path.read_text()))
    read |= set(TrustSearchForm.base_fields) | set(LibraryForm.base_fields)
    # "year" on the engagement dashboard is the admin's, and fuzzed in test_bad_input.
    assert read <= set(QUERY_PARAMETERS)


def test_routes_are_walked_from_the_resolver():
    ids = {_route_id(parts) for parts in PUBLIC_ROUTES}
    assert {"/", "calendar/<token>.ics", "workshops/invitations/<token>/", "trusts/"} <= ids
    assert not any(route.startswith("admin/") for route in ids)


# Form fields --------------------------------------------------------------------

FORM_EXAMPLES = examples(
    max_examples=EXAMPLES * 5,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FORMS = {
    "contact": ("collaborative.site.forms", "ContactForm", False),
    "join": ("trusts.forms", "MembershipRequestForm", False),
    "profile": ("collaborative.site.forms", "ProfileForm", True),
}


@pytest.mark.parametrize("page", FORMS)
def test_no_form_answer_gives_500(page, director_a, client, settings):
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, (10**9, 600))
    module, name, signed_in = FORMS[page]
    fields = list(getattr(__import__(module, fromlist=[name]), name).base_fields)
    if signed_in:
        client.force_login(director_a)

    @FORM_EXAMPLES
    @given(answers=st.fixed_dictionaries({field: TEXT for field in fields}))
    def check(answers):
        response = client.post(reverse(page), answers)
        assert response.status_code < 500, answers

    check()
