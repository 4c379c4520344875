"""Headless Chromium against pytest-django's live server, with the demo data loaded.

One browser for the session keeps the suite fast; each test gets a fresh
context, so no cookie or session leaks from one test into the next.
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from collaborative.demo_data import DEMO_ACCOUNTS
from tests.browser.test_admin_accessibility import signed_in_as
from tests.conftest import skip_or_fail

# Playwright's sync API runs an asyncio event loop in the test's thread, and
# Django refuses ORM calls from a thread with a running loop. The tests only
# block on the browser, never share the loop with async code, so the check
# would be a false alarm here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps calling Google's services, which floods a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PORTAL_CSS = Path(settings.BASE_DIR) / "static" / "build" / "portal.css"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        skip_or_fail(f"needs Chromium at {CHROMIUM}: apt-get install chromium")
    if not PORTAL_CSS.exists():
        pytest.fail(
            f"{PORTAL_CSS} is missing: run `npm run build` first, or every page is unstyled "
            "and the colour contrast checks mean nothing",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # allauth counts sign-ins for its rate limits in the local-memory cache, which the
    # live server shares with the tests: each test starts with nothing counted.
    cache.clear()
    # bypass_csp lets the tests inject axe-core, whose script the portal's policy
    # (script-src 'self' plus a nonce) would block. It changes nothing the portal
    # sends: its own scripts still run under the nonce, as in production.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def as_someone(browser, live_server):
    """Opens a browser of its own for each person of a journey (signed in if given an
    address, by a session made on the server), all closed after the test."""
    contexts = []

    def open_as(email=None):
        # bypass_csp lets axe-core be injected, as in ``page`` above.
        context = browser.new_context(base_url=live_server.url, locale="en-GB", bypass_csp=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if email:
            signed_in_as(page, live_server.url, email)
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def demo_data_file(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data as a fixture file, made once: loading the file is ten times faster.

    The live server's database is flushed after every test, so each test loads
    the data again; building it through ``load_demo`` each time would take most
    of the suite's time. The load is rolled back once dumped.
    """
    path = tmp_path_factory.mktemp("demo") / "demo.json"
    # The same fast hasher as every test (tests/conftest.py), or no password would match.
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        # A flush's post_migrate brings back content types, permissions and the
        # operations group under new ids: natural keys match rows to them by name.
        call_command(
            "dumpdata",
            exclude=["contenttypes", "auth.permission", "sessions", "admin.logentry"],
            natural_foreign=True,
            natural_primary=True,
            output=str(path),
        )
        transaction.set_rollback(True)
    return path


@pytest.fixture
def demo_data(live_server, transactional_db, demo_data_file):
    call_command("loaddata", str(demo_data_file), verbosity=0)


@pytest.fixture
def director():
    """A director of a member Trust, from the demo accounts."""
    return next(
        account for account in DEMO_ACCOUNTS if account.email == "demo.nursing@slam.nhs.test"
    )


@pytest.fixture
def sign_in():
    """Signs a demo account in through the real sign-in page."""

    def sign_in(page, account):
        page.goto(reverse("account_login"))
        page.get_by_label("E-mail address").fill(account.email)
        page.get_by_label("Password", exact=True).fill(account.password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    return sign_in
