"""The Docker stack's wiring, and the processes it names, started for real.

No Docker engine runs where the tests do, so these tests read
docker-compose.yml and the Dockerfile, then start gunicorn, a Celery worker
and Celery beat the way the compose services do, with production settings.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings

from collaborative import settings as settings_module
from collaborative.settings import BASE_DIR
from tests import tiers

COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("migrate", "web", "worker", "beat")
DOCKERFILE = (BASE_DIR / "Dockerfile").read_text()
BIN = Path(sys.executable).parent
HOST = "portal.test"


def _each_app_service(read):
    """``read`` applied to each app service's environment, by service name."""
    return {service: read(SERVICES[service]["environment"]) for service in APP_SERVICES}


def test_stack_runs_the_portal_beside_its_services():
    assert set(SERVICES) == {
        "db",
        "redis",
        "mailcatcher",
        "migrate",
        "web",
        "worker",
        "beat",
        "proxy",
    }


def test_database_and_broker_are_pinned_and_report_their_health():
    assert {name: SERVICES[name]["image"] for name in ("db", "redis")} == {
        "db": "postgres:16",
        "redis": "redis:7",
    }
    assert all("healthcheck" in SERVICES[name] for name in ("db", "redis"))


def test_every_app_service_runs_in_production_mode():
    assert _each_app_service(lambda env: env["DJANGO_ENV"]) == dict.fromkeys(
        APP_SERVICES, "production"
    )


def test_every_app_service_uses_the_stack_database():
    db = SERVICES["db"]["environment"]
    expected = ("db", db["POSTGRES_USER"], db["POSTGRES_PASSWORD"], db["POSTGRES_DB"])

    def database(env):
        url = urlsplit(env["DATABASE_URL"])
        return (url.hostname, url.username, url.password, url.path.lstrip("/"))

    assert _each_app_service(database) == dict.fromkeys(APP_SERVICES, expected)


def test_every_app_service_queues_tasks_and_caches_in_redis():
    def redis_hosts(env):
        return (urlsplit(env["CELERY_BROKER_URL"]).netloc, urlsplit(env["CACHE_URL"]).netloc)

    assert _each_app_service(redis_hosts) == dict.fromkeys(
        APP_SERVICES, ("redis:6379", "redis:6379")
    )


def test_every_app_service_sends_mail_to_the_mail_catcher():
    assert SERVICES["mailcatcher"]["image"] == "axllent/mailpit"
    assert _each_app_service(lambda env: (env["SMTP_HOST"], env["SMTP_PORT"])) == dict.fromkeys(
        APP_SERVICES, ("mailcatcher", "1025")
    )


def test_the_stack_publishes_no_secret_key():
    """Compose stops with a message unless DJANGO_SECRET_KEY is set (in .env), and neither
    file carries a key anyone could copy."""
    assert _each_app_service(lambda env: env["DJANGO_SECRET_KEY"]) == dict.fromkeys(
        APP_SERVICES, "${DJANGO_SECRET_KEY:?set DJANGO_SECRET_KEY in .env, see README}"
    )
    published = settings_module.PUBLISHED_SECRET_KEYS | {settings_module.DEVELOPMENT_SECRET_KEY}
    files = (BASE_DIR / "docker-compose.yml").read_text() + DOCKERFILE
    assert [key for key in published if key in files] == []
    # The image's collectstatic step makes up a random key of its own.
    assert re.search(r'DJANGO_SECRET_KEY="\$\(python -c .*secrets\.token_urlsafe', DOCKERFILE)


def test_every_app_service_allows_local_http():
    assert _each_app_service(lambda env: env["DJANGO_SECURE_SSL_REDIRECT"]) == dict.fromkeys(
        APP_SERVICES, "false"
    )


def test_web_runs_the_portal_under_gunicorn_on_port_8000_behind_the_proxy():
    web, proxy = SERVICES["web"], SERVICES["proxy"]
    assert web["command"][:4] == ["gunicorn", "collaborative.wsgi", "--bind", "0.0.0.0:8000"]
    assert web["expose"] == ["8000"]
    assert proxy["image"] == "caddy:2"
    assert proxy["command"] == ["caddy", "reverse-proxy", "--from", ":8000", "--to", "web:8000"]
    assert proxy["ports"] == ["8000:8000"]
    assert proxy["depends_on"] == {"web": {"condition": "service_healthy"}}


def test_the_portal_counts_rate_limits_by_the_address_the_proxy_passes_on():
    assert _each_app_service(lambda env: env["ALLAUTH_TRUSTED_PROXY_COUNT"]) == dict.fromkeys(
        APP_SERVICES, "1"
    )


def test_web_worker_and_beat_can_run_several_containers_each():
    """`docker compose up --scale web=2 --scale worker=2 --scale beat=2`: a fixed container
    name or host port would let only one container of a service start."""
    fixed = {
        name: tuple(sorted({"container_name", "ports", "hostname"} & set(service)))
        for name, service in SERVICES.items()
        if name in ("web", "worker", "beat")
    }
    assert fixed == dict.fromkeys(("web", "worker", "beat"), ())
    assert [name for name, service in SERVICES.items() if "container_name" in service] == []


def test_every_app_service_passes_on_the_object_storage_variables():
    """Set in .env, they put uploads in a bucket every container reads (README, "Running on
    several machines"); unset, they are empty and uploads stay in the media volume."""
    names = (
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_S3_ENDPOINT_URL",
        "AWS_S3_REGION_NAME",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    )
    assert _each_app_service(lambda env: tuple(env[name] for name in names)) == dict.fromkeys(
        APP_SERVICES, tuple(f"${{{name}:-}}" for name in names)
    )


def test_worker_and_beat_run_the_portal_celery_app():
    assert [SERVICES[name]["command"][:4] for name in ("worker", "beat")] == [
        ["celery", "-A", "collaborative", "worker"],
        ["celery", "-A", "collaborative", "beat"],
    ]


def test_migrations_run_once_the_database_is_healthy():
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert SERVICES["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}


def test_web_worker_and_beat_start_after_migrations_on_healthy_services():
    conditions = {
        name: {
            service: needs["condition"] for service, needs in SERVICES[name]["depends_on"].items()
        }
        for name in ("web", "worker", "beat")
    }
    expected = {
        "migrate": "service_completed_successfully",
        "db": "service_healthy",
        "redis": "service_healthy",
        "mailcatcher": "service_started",
    }
    assert conditions == dict.fromkeys(("web", "worker", "beat"), expected)


def test_image_puts_front_end_files_where_settings_look_for_them():
    copies = set(re.findall(r"^COPY --from=frontend /src/(\S+) (\S+)$", DOCKERFILE, re.MULTILINE))
    wanted = {(str(path.relative_to(BASE_DIR)),) * 2 for _, path in settings.STATICFILES_DIRS}
    assert wanted <= copies


def test_image_runs_as_a_non_root_user():
    users = re.findall(r"^USER (\S+)$", DOCKERFILE, re.MULTILINE)
    assert users
    assert users[-1] not in {"root", "0"}


def test_the_image_installs_the_locked_packages_with_their_hashes():
    assert "uv export --frozen --no-dev" in DOCKERFILE
    assert "pip install --require-hashes --no-deps -r /tmp/requirements.txt" in DOCKERFILE


def test_make_the_image_and_the_lock_use_one_uv():
    """The uv that Makefile and the image install is the one the lock asks for, and the one
    `uv sync` keeps in .venv (the dev group)."""
    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())
    makefile = (BASE_DIR / "Makefile").read_text()
    versions = {
        "tool.uv": project["tool"]["uv"]["required-version"].removeprefix("=="),
        "dev group": next(
            pin.removeprefix("uv==")
            for pin in project["dependency-groups"]["dev"]
            if pin.startswith("uv==")
        ),
        "Makefile": re.search(r"^UV_VERSION := (\S+)$", makefile, re.MULTILINE)[1],
        "Dockerfile": re.search(r"pip install .*uv==(\S+)", DOCKERFILE)[1],
    }
    assert set(versions.values()) == {versions["tool.uv"]}, versions


def test_the_front_end_builds_with_node_22_or_newer():
    """npm refuses an older Node (package.json's engines, .npmrc's engine-strict); the image's
    Node and the one make fetches where the machine's is older are 22 or newer."""
    package = json.loads((BASE_DIR / "package.json").read_text())
    image = re.search(r"^FROM node:(\d+)\S* AS frontend$", DOCKERFILE, re.MULTILINE)
    makefile = (BASE_DIR / "Makefile").read_text()
    fetched = re.search(r"^NODE_VERSION := (\d+)\.", makefile, re.MULTILINE)
    assert package["engines"] == {"node": ">=22"}
    assert "engine-strict=true" in (BASE_DIR / ".npmrc").read_text().splitlines()
    assert min(int(image[1]), int(fetched[1])) >= 22


def test_every_test_the_tiers_name_is_still_there():
    """A test renamed or moved would leave the slow tier unseen and slow `make test` down."""
    missing = [path for path in tiers.SLOW_FILES if not (BASE_DIR / path).is_file()]
    for path, names in tiers.SLOW_TESTS.items():
        source = (BASE_DIR / path).read_text() if (BASE_DIR / path).is_file() else ""
        missing += [f"{path}::{name}" for name in names if f"def {name}(" not in source]
    assert missing == []


def _production_env(directory, **extra):
    """Production settings confined to ``directory``: SQLite, static and media files.

    Production refuses to start without a mail server and a shared cache; these
    processes send no mail, count no rate limit and keep no page, so neither is reached.
    """
    return {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "collaborative.settings",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "infrastructure-test-secret-key-not-for-any-real-site",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "SQLITE_PATH": str(directory / "db.sqlite3"),
        "STATIC_ROOT": str(directory / "static"),
        "MEDIA_ROOT": str(directory / "media"),
        "SMTP_HOST": "smtp.invalid",
        "CACHE_URL": "redis://cache.invalid:6379/0",
        "PAGE_CACHE_SECONDS": "0",
        **extra,
    }


@contextmanager
def _running(command, env, log):
    """Run ``command`` with its output in ``log``; stop it (SIGTERM, then SIGKILL) on exit."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_for(process, log, pattern, timeout=30):
    """The first match of ``pattern`` in the log, or None if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if match := re.search(pattern, log.read_text(errors="replace")):
            return match
        if process.poll() is not None:
            return None
        time.sleep(0.1)
    return None


def _get(url, host=HOST):
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


@pytest.fixture(scope="module")
def production_site(tmp_path_factory):
    """A migrated database and collected static files, as the migrate service and image have."""
    env = _production_env(tmp_path_factory.mktemp("site"))
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    return env


@pytest.fixture(scope="module")
def gunicorn(production_site, tmp_path_factory):
    """The portal under gunicorn on a port the system picks: its base URL and its log."""
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    command = [BIN / "gunicorn", "collaborative.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"]
    with _running(command, production_site, log) as process:
        listening = _wait_for(process, log, r"Listening at: (http://127\.0\.0\.1:\d+)")
        assert listening, log.read_text()
        yield listening[1], log


def test_gunicorn_serves_the_home_page_in_production(gunicorn):
    url, log = gunicorn
    status, _ = _get(f"{url}/")
    assert status == 200, log.read_text()


def test_gunicorn_serves_hashed_static_files_for_caching_forever(gunicorn, production_site):
    manifest = json.loads((Path(production_site["STATIC_ROOT"]) / "staticfiles.json").read_text())
    url, _ = gunicorn
    status, headers = _get(f"{url}/static/{manifest['paths']['build/portal.css']}")
    assert (status, headers["Content-Type"]) == (200, 'text/css; charset="utf-8"')
    assert "immutable" in headers["Cache-Control"]


def test_gunicorn_refuses_host_names_the_portal_does_not_serve(gunicorn):
    url, _ = gunicorn
    status, _ = _get(f"{url}/", host="elsewhere.example")
    assert status == 400


def _celery(*arguments):
    return [BIN / "celery", "-A", "collaborative", *arguments]


def _worker(name):
    """A worker with its own queue, so it never takes tasks meant for other workers on Redis."""
    options = "--loglevel INFO --pool solo --without-gossip --without-mingle"
    return _celery("worker", *options.split(), "--hostname", f"{name}@localhost", "--queues", name)


@pytest.mark.redis
def test_celery_worker_answers_ping_over_redis(redis_url, tmp_path):
    env = _production_env(tmp_path, CELERY_BROKER_URL=redis_url)
    name = f"infrastructure-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    with _running(_worker(name), env, log) as process:
        assert _wait_for(process, log, rf"{name}@localhost ready\."), log.read_text()
        ping = subprocess.run(
            [*_celery("inspect", "ping"), "--destination", f"{name}@localhost", "--timeout", "5"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert f"{name}@localhost: OK" in ping.stdout, ping.stdout + ping.stderr


@pytest.mark.redis
def test_celery_worker_shuts_down_warm_on_sigterm(redis_url, tmp_path):
    """``docker stop`` sends SIGTERM: the worker must finish its task in hand and exit 0."""
    env = _production_env(tmp_path, CELERY_BROKER_URL=redis_url)
    name = f"infrastructure-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    with _running(_worker(name), env, log) as process:
        assert _wait_for(process, log, rf"{name}@localhost ready\."), log.read_text()
    assert process.returncode == 0, log.read_text()
    assert "Warm shutdown" in log.read_text()


@pytest.mark.redis
def test_celery_beat_starts_its_scheduler(redis_url, tmp_path):
    env = _production_env(tmp_path, CELERY_BROKER_URL=redis_url)
    log = tmp_path / "beat.log"
    command = _celery(
        "beat", "--loglevel", "INFO", "--schedule", str(tmp_path / "celerybeat-schedule")
    )
    with _running(command, env, log) as process:
        assert _wait_for(process, log, r"beat: Starting\.\.\."), log.read_text()
