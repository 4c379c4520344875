"""Booking contention benchmark: many directors book one workshop at once over HTTP.

Run against PostgreSQL (the figures mean little on SQLite):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nmhwdc_bench \\
        .venv/bin/python bench/booking_contention.py [--clients 200] [--places 50]

It prepares a workshop and the clients' accounts in the database, starts
gunicorn on a free port (or uses --url of a server you already run on the
same database), releases every client at once against the booking page,
then counts what the database holds. Prints confirmed, waiting, refused,
oversold (must be 0) and the median and p99 request latency.
"""

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collaborative.settings")

import django  # noqa: E402

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from collaborative.models import FunctionalArea, User  # noqa: E402
from trusts.models import EmailDomain, Membership, Trust  # noqa: E402
from workshops.models import Booking, Workshop  # noqa: E402

PREFIX = "bench-contention"


def prepare(clients, places):
    """A fresh workshop and ``clients`` verified directors, three per Trust, signed in."""
    Booking.objects.filter(workshop__slug__startswith=PREFIX).delete()
    Workshop.objects.filter(slug__startswith=PREFIX).delete()
    today = timezone.localdate()
    workshop = Workshop.objects.create(
        title="Benchmark: booking contention",
        slug=f"{PREFIX}-{int(time.time())}",
        date=today + timezone.timedelta(days=30),
        start_time="10:00",
        end_time="12:00",
        capacity=places,
        status=Workshop.Status.OPEN,
        video_link="https://meet.example.org/bench",
    )
    sessions = []
    areas = list(FunctionalArea)
    for index in range(clients):
        trust_number, area = divmod(index, 3)
        code = f"Z{trust_number:03d}"
        trust, created = Trust.objects.get_or_create(
            ods_code=code, defaults={"name": f"Benchmark Trust {code}", "region": "london"}
        )
        if created:
            Membership.objects.create(trust=trust, joined_on=today)
            EmailDomain.objects.create(trust=trust, domain=f"{code.lower()}.bench.nhs.uk")
        email = f"director{area}@{code.lower()}.bench.nhs.uk"
        person, _ = User.objects.get_or_create(
            email=email,
            defaults={
                "full_name": f"Director {index}",
                "trust": trust,
                "seniority": "director",
                "functional_area": areas[area],
            },
        )
        EmailAddress.objects.get_or_create(
            user=person, email=email, defaults={"verified": True, "primary": True}
        )
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    return workshop, sessions


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port, workers):
    call_command("collectstatic", interactive=False, verbosity=0)
    # E-mails go to files: on the console they would time the terminal, not the booking.
    mail_folder = tempfile.mkdtemp(prefix="bench-mail-")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "collaborative.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "MAIL_FILE_PATH": os.environ.get("MAIL_FILE_PATH", mail_folder)},
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def client_run(base_url, path, session_key, barrier, latencies, outcomes, index):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}")]
    page = opener.open(base_url + path, timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    csrf_cookie = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "attendee": "myself"}).encode()
    request = urllib.request.Request(
        base_url + path,
        data=data,
        headers={
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}; csrftoken={csrf_cookie}",
            "Referer": base_url + path,
        },
    )
    barrier.wait()
    started = time.perf_counter()
    try:
        # Time the booking itself: the 302 to the booking's page is not followed.
        response = urllib.request.build_opener(NoRedirect).open(request, timeout=120)
        outcomes[index] = response.status
    except urllib.error.HTTPError as error:
        outcomes[index] = error.code
    latencies[index] = time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--places", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--url", help="base URL of a running server on the same database")
    args = parser.parse_args()

    vendor = django.db.connection.vendor
    if vendor != "postgresql":
        print(f"warning: running on {vendor}, not PostgreSQL", file=sys.stderr)
    call_command("migrate", verbosity=0)
    workshop, sessions = prepare(args.clients, args.places)
    server = None
    base_url = args.url
    if not base_url:
        port = free_port()
        server = start_server(port, args.workers)
        base_url = f"http://127.0.0.1:{port}"
    path = reverse("workshops:book", args=[workshop.slug])
    barrier = threading.Barrier(args.clients)
    latencies = [None] * args.clients
    outcomes = [None] * args.clients
    threads = [
        threading.Thread(
            target=client_run,
            args=(base_url, path, key, barrier, latencies, outcomes, index),
        )
        for index, key in enumerate(sessions)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)

    bookings = workshop.bookings
    confirmed = bookings.filter(status=Booking.Status.CONFIRMED).count()
    waiting = bookings.filter(status=Booking.Status.WAITING).count()
    holding = bookings.holding_a_place().count()
    refused = args.clients - bookings.count()
    timings = sorted(latency for latency in latencies if latency is not None)
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    print(f"database:  {vendor}")
    print(f"clients:   {args.clients} for {args.places} places")
    print(f"confirmed: {confirmed}")
    print(f"waiting:   {waiting}")
    print(f"refused:   {refused}")
    print(f"oversold:  {max(0, holding - args.places)}")
    print(f"latency:   median {statistics.median(timings) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")
    print(f"HTTP:      {sorted(set(outcomes), key=str)}")


if __name__ == "__main__":
    main()
