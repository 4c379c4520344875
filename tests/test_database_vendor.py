"""CI must run the suite on PostgreSQL: locks, constraints and full-text search
behave differently on SQLite, so a green CI run on SQLite would prove less."""

import os

import pytest
from django.db import connection


def test_ci_runs_the_suite_on_postgresql():
    if not os.environ.get("CI"):
        pytest.skip("only CI is held to PostgreSQL; this run is not CI (CI is unset)")
    assert connection.vendor == "postgresql", "CI ran the suite without DATABASE_URL=postgres://..."
