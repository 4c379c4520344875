"""Shared fixtures: a cast of people, the demonstration data, and real PostgreSQL/Redis
when the run has them.

Tests marked ``postgres`` or ``redis`` skip on a developer's machine without
those services, and fail under CI (``CI`` set), where they must run.
"""

import os
from io import StringIO

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from collaborative.celery import app as celery_app
from collaborative.people.models import FunctionalArea, Seniority
from tests.factories import MembershipFactory, UserFactory
from trusts.models import Membership

IN_CI = bool(os.environ.get("CI"))


def skip_or_fail(reason):
    if IN_CI:
        pytest.fail(f"{reason} (CI is set, so this cannot be skipped)", pytrace=False)
    pytest.skip(reason)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and not os.environ.get("DATABASE_URL", "").startswith(
        ("postgres://", "postgresql://")
    ):
        skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://...")


DEMO = "demo_database"
DEMO_LOADED = False


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The tests on the demonstration data run last, together: it is loaded once, in a
    transaction that stays open until the end of the run, so no other test may run after it."""
    items.sort(key=lambda item: DEMO in item.fixturenames)


@pytest.fixture(scope="session")
def demo_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """``manage.py load_demo`` run once for the session, and what it printed.

    The whole loader takes seconds; the tests that look at its result share one load. It
    stays in a transaction that is rolled back when the run ends, and each test runs in a
    savepoint inside it, so what a test changes is undone after it as usual."""
    loading = transaction.atomic()
    out = StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        loading.__enter__()
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        call_command("load_demo", stdout=out)
        celery_app.conf.task_always_eager = eager
    global DEMO_LOADED
    DEMO_LOADED = True
    yield out.getvalue()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        loading.__exit__(None, None, None)


@pytest.fixture
def demo(db, demo_database):
    """The demonstration data, for a test that reads it (see ``demo_database``)."""
    return demo_database


@pytest.fixture(autouse=True)
def _nothing_else_runs_inside_the_demo(request):
    """A test that did not ask for the demonstration data must not see it: the ordering
    above runs it before the load, and this says so if something reordered the run."""
    if DEMO_LOADED and DEMO not in request.fixturenames:
        pytest.fail(f"{request.node.nodeid} ran after the demonstration data was loaded")


@pytest.fixture
def redis_url():
    """The Redis URL the run points at, checked to answer."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        skip_or_fail("needs Redis: set CELERY_BROKER_URL=redis://...")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as error:
        skip_or_fail(f"Redis at {url} does not answer: {error}")
    return url


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_and_eager(settings):
    """A fast password hasher, and Celery tasks run in-process unless a test asks otherwise."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _no_form_sent_yet():
    """The rate limits on anonymous forms count in the cache, which outlives a test: each
    test starts with none of the allowance used."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _pages_built_afresh(settings):
    """Tests make rows with factories, past the rules that tell the page cache: pages are
    built afresh, except where tests/test_page_cache.py keeps them."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def on_postgres(db):
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL")


@pytest.fixture
def trust_a(db):
    return MembershipFactory(trust__name="Avon Test NHS Trust", trust__ods_code="TA1").trust


@pytest.fixture
def trust_b(db):
    return MembershipFactory(trust__name="Bristol Test NHS Trust", trust__ods_code="TB1").trust


@pytest.fixture
def founding_trust(db):
    return MembershipFactory(
        trust__name="Founding Test NHS Foundation Trust",
        trust__ods_code="TF1",
        kind=Membership.Kind.FOUNDING,
    ).trust


@pytest.fixture
def director_a(trust_a):
    return UserFactory(
        email="director@ta1.nhs.uk",
        full_name="Jane Smith",
        trust=trust_a,
        seniority=Seniority.DIRECTOR,
        functional_area=FunctionalArea.NURSING,
    )


@pytest.fixture
def director_b(trust_b):
    return UserFactory(
        email="director@tb1.nhs.uk",
        full_name="Sam Patel",
        trust=trust_b,
        functional_area=FunctionalArea.HR_WORKFORCE,
    )


@pytest.fixture
def steering_member(founding_trust):
    return UserFactory(
        email="steering@tf1.nhs.uk",
        full_name="Alex Morgan",
        trust=founding_trust,
        is_steering_member=True,
    )


@pytest.fixture
def fresh_cache():
    """An empty cache: rate limits and used security codes count there."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, with the authenticator app the admin asks of staff."""
    admin_user.totp_secret = generate_totp_secret()
    TOTP.activate(admin_user, admin_user.totp_secret)
    return admin_user


@pytest.fixture
def operations_manager(db):
    return UserFactory(email="ops@nmhwdc.nhs.uk", full_name="Joanna Ops", is_staff=True)
