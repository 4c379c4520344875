"""Settings defaults and the production refusals.

Settings are read from the environment once, at import, so each test loads
them in a fresh interpreter with exactly the environment it names.
"""

import datetime
import json
import os
import re
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats

import collaborative.settings
from collaborative.settings import (
    BASE_DIR,
    DEVELOPMENT_SECRET_KEY,
    env_bool,
    env_choice,
    env_int,
    env_int_tuple,
    env_seconds,
)

PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "k3P9-wq7Zr2m_Lx8vT4nB6yH1dF5sJ0cG-aEu8Qy2Wn5Rb7Mz1Hp4Kd",
    "DJANGO_ALLOWED_HOSTS": "portal.nmhwdc.example",
    "SMTP_HOST": "smtp.nmhwdc.example",
    "CACHE_URL": "redis://cache.nmhwdc.example:6379/1",
}

_PRINT_SETTINGS = (
    "import json, sys, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}, default=str))"
)


def _load_settings(*names, **env):
    """Set Django up in a new interpreter with only ``env`` set (``None`` leaves a name out)."""
    return subprocess.run(
        [sys.executable, "-c", _PRINT_SETTINGS, *names],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "collaborative.settings",
            **{name: value for name, value in env.items() if value is not None},
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def _settings(*names, **env):
    loaded = _load_settings(*names, **env)
    assert loaded.returncode == 0, loaded.stderr
    return json.loads(loaded.stdout)


def test_no_database_url_means_sqlite_beside_the_project():
    database = _settings("DATABASES")["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(BASE_DIR / "db.sqlite3")


def test_sqlite_path_moves_the_sqlite_database(tmp_path):
    database = _settings("DATABASES", SQLITE_PATH=str(tmp_path / "portal.sqlite3"))["DATABASES"]
    assert database["default"]["NAME"] == str(tmp_path / "portal.sqlite3")


def test_postgres_database_url_is_split_into_its_parts():
    database = _settings("DATABASES", DATABASE_URL="postgres://user:pw@host:5433/name")["DATABASES"]
    assert {
        key: database["default"][key]
        for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT")
    } == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "name",
        "USER": "user",
        "PASSWORD": "pw",
        "HOST": "host",
        "PORT": "5433",
    }


def test_database_url_password_is_percent_decoded():
    url = "postgresql://portal:p%40ss%2Fword@db/nmhwdc"
    database = _settings("DATABASES", DATABASE_URL=url)["DATABASES"]["default"]
    assert database["PASSWORD"] == "p@ss/word"


def test_database_url_for_another_database_is_refused():
    loaded = _load_settings("DATABASES", DATABASE_URL="mysql://user:pw@host/name")
    assert loaded.returncode != 0
    assert "DATABASE_URL must be a postgres:// URL, not mysql://" in loaded.stderr


def test_no_broker_means_celery_runs_tasks_eagerly():
    assert _settings("CELERY_TASK_ALWAYS_EAGER") == {"CELERY_TASK_ALWAYS_EAGER": True}


def test_a_broker_url_sends_tasks_to_the_broker():
    loaded = _settings(
        "CELERY_BROKER_URL",
        "CELERY_TASK_ALWAYS_EAGER",
        CELERY_BROKER_URL="redis://broker.example:6379/0",
    )
    assert loaded == {
        "CELERY_BROKER_URL": "redis://broker.example:6379/0",
        "CELERY_TASK_ALWAYS_EAGER": False,
    }


def test_no_cache_url_means_a_local_memory_cache():
    caches = _settings("CACHES")["CACHES"]
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_cache_url_puts_the_cache_in_redis():
    caches = _settings("CACHES", CACHE_URL="redis://cache.example:6379/1")["CACHES"]
    assert caches["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.example:6379/1",
    }


def test_mail_goes_to_the_console_by_default():
    assert _settings("MAILERS")["MAILERS"] == {
        "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    }


def test_mail_file_path_writes_mail_to_files(tmp_path):
    mailers = _settings("MAILERS", MAIL_FILE_PATH=str(tmp_path))["MAILERS"]
    assert mailers["default"] == {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(tmp_path)},
    }


def test_smtp_host_sends_mail_by_smtp_with_its_options():
    mailers = _settings(
        "MAILERS",
        SMTP_HOST="smtp.example",
        SMTP_PORT="587",
        SMTP_USERNAME="portal",
        SMTP_PASSWORD="secret",
        SMTP_USE_TLS="true",
        SMTP_TIMEOUT="10",
        MAIL_FILE_PATH="/ignored/when/smtp/is/set",
    )["MAILERS"]
    assert mailers["default"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.example",
            "port": 587,
            "username": "portal",
            "password": "secret",
            "use_tls": True,
            "timeout": 10,
        },
    }


def test_mail_is_configured_only_through_mailers():
    """Django 6.1 refuses the deprecated EMAIL_* settings beside MAILERS."""
    assert [name for name in vars(collaborative.settings) if name.startswith("EMAIL_")] == []


def test_secrets_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret_key"
    secret_file.write_text(PRODUCTION["DJANGO_SECRET_KEY"] + "\n")
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": None, "DJANGO_SECRET_KEY_FILE": str(secret_file)}
    assert _settings("SECRET_KEY", **env) == {"SECRET_KEY": PRODUCTION["DJANGO_SECRET_KEY"]}


def test_portal_speaks_british_english_in_london_time():
    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.USE_TZ) == (
        "en-gb",
        "Europe/London",
        True,
    )


def test_dates_read_as_the_nhs_writes_them():
    assert formats.get_format("DATE_FORMAT") == "j F Y"
    assert formats.date_format(datetime.date(2020, 3, 5)) == "5 March 2020"


def test_development_defaults_to_debug_and_local_hosts():
    assert _settings("DEBUG", "ALLOWED_HOSTS") == {
        "DEBUG": True,
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost"],
    }


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
        (
            {"DJANGO_SECRET_KEY": None},
            "DJANGO_SECRET_KEY must be set to a random value of 50 characters or more",
        ),
        (
            {"DJANGO_SECRET_KEY": DEVELOPMENT_SECRET_KEY},
            "DJANGO_SECRET_KEY must be set to a random value of 50 characters or more",
        ),
        (
            {"DJANGO_SECRET_KEY": "too-short"},
            "DJANGO_SECRET_KEY must be set to a random value of 50 characters or more",
        ),
        (
            {"DJANGO_SECRET_KEY": "ab" * 30},
            "DJANGO_SECRET_KEY must be set to a random value of 50 characters or more",
        ),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS must name the portal's host names"),
        (
            {"DJANGO_SECRET_KEY": "local-compose-secret-key-set-your-own-in-dot-env"},
            "DJANGO_SECRET_KEY is one this repository publishes: set your own",
        ),
        (
            {"DJANGO_SECRET_KEY": "build-time-only-secret-for-collectstatic-never-used-to-sign"},
            "DJANGO_SECRET_KEY is one this repository publishes: set your own",
        ),
        (
            {"SMTP_HOST": None, "MAIL_FILE_PATH": "/tmp/mail"},
            "SMTP_HOST must name the SMTP server that sends the portal's e-mail",
        ),
        ({"CACHE_URL": None}, "CACHE_URL must name the shared Redis cache"),
    ],
    ids=[
        "debug-on",
        "no-secret",
        "default-secret",
        "short-secret",
        "repetitive-secret",
        "no-allowed-hosts",
        "compose-secret",
        "dockerfile-secret",
        "no-smtp-server",
        "no-shared-cache",
    ],
)
def test_production_refuses_to_start_with_an_unsafe_setting(change, problem):
    loaded = _load_settings("DEBUG", **{**PRODUCTION, **change})
    assert loaded.returncode != 0
    assert f"ImproperlyConfigured: Refusing to start in production: {problem}." in loaded.stderr


def test_production_starts_hardened_when_configured():
    loaded = _settings(
        "DEBUG",
        "ALLOWED_HOSTS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "STORAGES",
        **PRODUCTION,
    )
    assert loaded == {
        "DEBUG": False,
        "ALLOWED_HOSTS": ["portal.nmhwdc.example"],
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
    }


def _check_deploy(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ.get("PATH", ""),
            **{name: value for name, value in env.items() if value is not None},
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_for_a_correct_production_configuration():
    checked = _check_deploy(**PRODUCTION)
    assert (checked.returncode, checked.stdout.strip()) == (
        0,
        "System check identified no issues (1 silenced).",
    ), checked.stdout + checked.stderr


def test_hsts_preload_is_off_unless_asked_for_and_only_then_is_sent():
    default = _settings("SECURE_HSTS_PRELOAD", "SILENCED_SYSTEM_CHECKS", **PRODUCTION)
    asked = _settings(
        "SECURE_HSTS_PRELOAD",
        "SILENCED_SYSTEM_CHECKS",
        DJANGO_SECURE_HSTS_PRELOAD="true",
        **PRODUCTION,
    )
    assert (default, asked) == (
        {"SECURE_HSTS_PRELOAD": False, "SILENCED_SYSTEM_CHECKS": ["security.W021"]},
        {"SECURE_HSTS_PRELOAD": True, "SILENCED_SYSTEM_CHECKS": []},
    )


def test_production_ssl_redirect_can_be_turned_off_for_local_http():
    loaded = _settings("SECURE_SSL_REDIRECT", DJANGO_SECURE_SSL_REDIRECT="false", **PRODUCTION)
    assert loaded == {"SECURE_SSL_REDIRECT": False}


def test_readme_documents_every_variable_the_settings_read():
    source = Path(collaborative.settings.__file__).read_text()
    names = set(re.findall(r'\benv(?:_[a-z_]+)?\("([A-Z_]+)"', source))
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL"} <= names
    readme = (BASE_DIR / "README.md").read_text()
    assert sorted(name for name in names if f"`{name}`" not in readme) == []


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("1", True),
        ("TRUE", True),
        (" yes ", True),
        ("On", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("OFF", False),
        ("", "unset"),
    ],
)
def test_a_yes_or_no_variable_reads_the_usual_words(monkeypatch, value, read):
    monkeypatch.setenv("PORTAL_FLAG", value)
    assert env_bool("PORTAL_FLAG", "unset") == read


@pytest.mark.parametrize(
    ("read", "value", "refusal"),
    [
        (
            env_bool,
            "ture",
            "PORTAL_VALUE must be one of 1, true, yes, on, 0, false, no, off, not 'ture'.",
        ),
        (env_int, "5 minutes", "PORTAL_VALUE must be a whole number, not '5 minutes'."),
        (env_int, "2.5", "PORTAL_VALUE must be a whole number, not '2.5'."),
        (
            env_seconds,
            "half a minute",
            "PORTAL_VALUE must be a number of seconds, not 'half a minute'.",
        ),
        (env_seconds, "nan", "PORTAL_VALUE must be a number of seconds, not 'nan'."),
        (
            env_int_tuple,
            "7, one",
            "PORTAL_VALUE must be whole numbers separated by commas, not '7, one'.",
        ),
        (
            partial(env_choice, choices=("development", "production")),
            "prodution",
            "PORTAL_VALUE must be one of development, production, not 'prodution'.",
        ),
    ],
    ids=["yes-or-no", "words", "fraction", "seconds", "nan", "number-list", "choice"],
)
def test_an_unreadable_value_is_refused_with_the_variables_name(monkeypatch, read, value, refusal):
    monkeypatch.setenv("PORTAL_VALUE", value)
    with pytest.raises(ImproperlyConfigured) as refused:
        read("PORTAL_VALUE", default=None)
    assert str(refused.value) == refusal


def test_readable_numbers_and_their_defaults(monkeypatch):
    monkeypatch.setenv("PORTAL_NUMBER", " 12 ")
    monkeypatch.setenv("PORTAL_SECONDS", "2.5")
    monkeypatch.setenv("PORTAL_DAYS", "14, 7,1")
    monkeypatch.delenv("PORTAL_UNSET", raising=False)
    assert (
        env_int("PORTAL_NUMBER", 5),
        env_seconds("PORTAL_SECONDS", 30.0),
        env_int_tuple("PORTAL_DAYS", (7,)),
        env_int("PORTAL_UNSET", 5),
        env_int_tuple("PORTAL_UNSET", (7, 1)),
    ) == (12, 2.5, (14, 7, 1), 5, (7, 1))


@pytest.mark.parametrize(
    ("name", "value", "accepted"),
    [
        ("DJANGO_DEBUG", "ture", "one of 1, true, yes, on, 0, false, no, off"),
        ("MESSAGE_BATCH_SIZE", "a hundred", "a whole number"),
        ("DJANGO_ENV", "prodution", "one of development, production"),
    ],
)
def test_start_up_stops_on_an_unreadable_variable(name, value, accepted):
    """manage.py stops before doing anything, naming the variable, what it holds and what it
    accepts; the typo is never read as the default."""
    checked = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", ""), name: value},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode != 0
    assert f"ImproperlyConfigured: {name} must be {accepted}, not {value!r}." in checked.stderr
