"""The NHS.UK front end is built from npm and served by the portal, never from another origin."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

BUILT_CSS = Path(__file__).resolve().parent.parent / "static" / "build" / "portal.css"


@pytest.fixture
def portal_css():
    if not BUILT_CSS.exists():
        pytest.fail("static/build/portal.css is missing: run `npm run build` (make test does)")
    return BUILT_CSS.read_text()


def test_the_stylesheet_fetches_nothing_from_another_origin(portal_css):
    assert not re.findall(r"url\(\s*['\"]?(?:https?:)?//", portal_css)


def test_the_page_text_is_in_the_design_systems_sans_serif_fallback(portal_css):
    assert re.search(r"html\{[^}]*font-family:arial,sans-serif", portal_css)


@pytest.mark.django_db
def test_pages_load_scripts_and_styles_only_from_the_portal(client):
    page = client.get(reverse("home")).content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources
    assert all(source.startswith("/") for source in sources), sources
