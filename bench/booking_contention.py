"""Booking contention benchmark: many directors book one workshop at once over HTTP.

Run against PostgreSQL (the figures mean little on SQLite):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nmhwdc_bench \\
        .venv/bin/python bench/booking_contention.py [--clients 200] [--places 50]

It creates the database if it is missing, prepares a workshop and the
clients' accounts in it, starts gunicorn on a free port (or uses --url of a
server you already run on the same database), releases every client at once
against the booking page, then counts what the database holds. Prints
confirmed, waiting, refused, oversold (must be 0), the clients that failed and
why, the median and p99 latency of the booking request, and decisions per
second.

It never hangs: every wait has a timeout (--timeout, 120 s: each request, the
start line, and the whole run at most three of them). A client whose page
load or booking fails or times out is counted as failed and still takes its
place at the start line, so the others are not kept waiting; it exits 1 if
any client failed or the workshop was oversold.
"""

import argparse
import http.cookiejar
import os
import re
import signal
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
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collaborative.settings")

import django  # noqa: E402

django.setup()


def ensure_database():
    """Create the PostgreSQL database DATABASE_URL names if it is not there yet."""
    database = django.db.connection.settings_dict
    if django.db.connection.vendor != "postgresql":
        return
    import psycopg
    from psycopg import sql

    try:
        django.db.connection.ensure_connection()
        return
    except django.db.OperationalError as error:
        if "does not exist" not in str(error):
            raise
    server = {
        "host": database["HOST"] or "localhost",
        "port": database["PORT"] or 5432,
        "user": database["USER"],
        "password": database["PASSWORD"],
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"])))


from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from collaborative.people.models import FunctionalArea, User  # noqa: E402
from trusts.models import EmailDomain, Membership, Trust  # noqa: E402
from workshops.models import Booking, Workshop  # noqa: E402

PREFIX = "bench-contention"


def prepare(clients, places):
    """A fresh workshop and ``clients`` verified directors, three per Trust, signed in.

    Earlier runs' workshops stay: their bookings' audit trail cannot be deleted, and
    every rule counts places per workshop.
    """
    today = timezone.localdate()
    workshop = Workshop.objects.create(
        title="Benchmark: booking contention",
        slug=f"{PREFIX}-{time.time_ns()}",
        date=today + timezone.timedelta(days=30),
        start_time="10:00",
        end_time="12:00",
        capacity=places,
        status=Workshop.Status.OPEN,
        video_link="https://meet.example.org/bench",
    )
    sessions = []
    now = timezone.now()
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
        if person.confirmed_seniority != "director":
            # Director level counts once confirmed; unconfirmed, each booking would wait
            # for approval instead of taking a place.
            User.objects.filter(pk=person.pk).update(
                seniority="director", confirmed_seniority="director", seniority_confirmed_at=now
            )
            person.refresh_from_db()
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.create()
        sessions.append((person.pk, session.session_key))
    return workshop, sessions


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port, workers, timeout):
    """gunicorn on ``port``, once it answers; its output goes to a file of its own."""
    call_command("collectstatic", interactive=False, verbosity=0)
    # E-mails go to files: on the console they would time the terminal, not the booking.
    mail_folder = tempfile.mkdtemp(prefix="bench-mail-")
    log = Path(tempfile.mkdtemp(prefix="bench-gunicorn-")) / "gunicorn.log"
    with log.open("wb") as output:
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
            stdout=output,
            stderr=subprocess.STDOUT,
            # Its own process group, so that stopping it stops its workers too.
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10):
                return server
        except urllib.error.HTTPError:
            return server  # it answers, if not with a 200
        except OSError:  # not listening yet, or slow to answer its first request
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s; see {log}")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One director: loads the booking page, waits for the others, then books.

    Whatever goes wrong, it reaches the start line exactly once (so that the others are
    not kept waiting for it) and records why it failed instead of booking.
    """

    def __init__(self, base_url, path, person, session_key, timeout):
        self.base_url, self.path = base_url, path
        self.person, self.session_key = person, session_key
        self.timeout = timeout
        self.status = None  # the booking's HTTP status
        self.started = self.answered = None  # when the booking request went and came back
        self.failure = None  # why it did not book, if it did not
        self.late_start = False  # the start line gave way before everyone reached it

    def run(self, start_line):
        try:
            request = self._prepare()
        except Exception as error:
            self.failure = f"loading the page: {_describe(error)}"
            request = None
        try:
            # The last client arrives at most one page load (``timeout``) after the first.
            start_line.wait(timeout=self.timeout + 30)
        except threading.BrokenBarrierError:
            # Someone never arrived: book anyway, but the start was not simultaneous.
            self.late_start = True
        if request is None:
            return
        self.started = time.perf_counter()
        try:
            # Time the booking itself: the 302 to the booking's page is not followed.
            response = urllib.request.build_opener(NoRedirect).open(request, timeout=self.timeout)
            self.status = response.status
        except urllib.error.HTTPError as error:
            self.status = error.code
        except Exception as error:
            self.failure = f"booking: {_describe(error)}"
            return
        self.answered = time.perf_counter()
        # A decision is the booking's page (302) or the form with the refusal (200).
        if self.status not in (200, 302):
            self.failure = f"booking: HTTP {self.status}"

    @property
    def latency(self):
        return None if self.answered is None else self.answered - self.started

    def _prepare(self):
        url = self.base_url + self.path
        cookie = f"{settings.SESSION_COOKIE_NAME}={self.session_key}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.addheaders = [("Cookie", cookie)]
        with opener.open(url, timeout=self.timeout) as response:
            page = response.read().decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not found:
            raise ValueError("no booking form on the page")
        csrf_cookie = next((c.value for c in jar if c.name == "csrftoken"), None)
        if csrf_cookie is None:
            raise ValueError("no CSRF cookie")
        data = {"csrfmiddlewaretoken": found.group(1), "attendee": "myself"}
        return urllib.request.Request(
            url,
            data=urllib.parse.urlencode(data).encode(),
            headers={"Cookie": f"{cookie}; csrftoken={csrf_cookie}", "Referer": url},
        )


def _describe(error):
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:200]


def percentile(values, fraction):
    return values[min(len(values) - 1, int(len(values) * fraction))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--places", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--url", help="base URL of a running server on the same database")
    parser.add_argument(
        "--timeout",
        type=float,
        default=120,
        help="seconds each wait may take (a request, the start line) before it counts as failed",
    )
    args = parser.parse_args()

    vendor = django.db.connection.vendor
    if vendor != "postgresql":
        print(f"warning: running on {vendor}, not PostgreSQL", file=sys.stderr)
    ensure_database()
    call_command("migrate", verbosity=0)
    workshop, sessions = prepare(args.clients, args.places)
    server = None
    base_url = args.url
    path = reverse("workshops:book", args=[workshop.slug])
    clients = [Client(base_url, path, person, key, args.timeout) for person, key in sessions]
    # Every client reaches the start line once, ready or failed; none waits past the timeout.
    start_line = threading.Barrier(len(clients))
    threads = [
        threading.Thread(target=client.run, args=(start_line,), daemon=True) for client in clients
    ]
    started = time.perf_counter()
    try:
        if not base_url:
            port = free_port()
            server = start_server(port, args.workers, max(args.timeout, 120))
            base_url = f"http://127.0.0.1:{port}"
            for client in clients:
                client.base_url = base_url
        for thread in threads:
            thread.start()
        # Each client takes at most a page load, the start line and a booking.
        deadline = time.monotonic() + 3 * args.timeout + 60
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
    finally:
        if server:
            stop_server(server)
    seconds = time.perf_counter() - started

    stuck = [client for thread, client in zip(threads, clients, strict=True) if thread.is_alive()]
    for client in stuck:
        client.failure = client.failure or "still waiting at the deadline"
    failed = [client for client in clients if client.failure or client.answered is None]
    bookings = workshop.bookings
    confirmed = bookings.filter(status=Booking.Status.CONFIRMED).count()
    waiting = bookings.filter(status=Booking.Status.WAITING).count()
    holding = bookings.holding_a_place().count()
    booked = set(bookings.values_list("person_id", flat=True))
    answered = [client for client in clients if client not in failed]
    refused = sum(1 for client in answered if client.person not in booked)
    timings = sorted(client.latency for client in answered)
    statuses = sorted({client.status for client in clients if client.status is not None})
    print(f"database:  {vendor}")
    print(f"clients:   {len(clients)} for {args.places} places")
    print(f"confirmed: {confirmed}")
    print(f"waiting:   {waiting}")
    print(f"refused:   {refused}")
    print(f"oversold:  {max(0, holding - args.places)}")
    print(f"failed:    {len(failed)} client(s): no booking page, or no answer to the booking")
    for reason, count in Counter(client.failure or "no answer" for client in failed).items():
        print(f"           {count} x {reason}")
    if any(client.late_start for client in clients):
        print("           (someone never reached the start line: the others started late)")
    if timings:
        print(
            f"latency:   median {statistics.median(timings) * 1000:.0f} ms, "
            f"p99 {percentile(timings, 0.99) * 1000:.0f} ms"
        )
        # All start together: the decisions made, over the time from the first request
        # going to the last answer.
        span = max(c.answered for c in answered) - min(c.started for c in answered)
        print(f"decisions: {len(answered) / span:.0f}/s ({len(answered)} in {span:.2f} s)")
    print(f"HTTP:      {statuses}")
    print(f"run:       {seconds:.1f} s")
    return 1 if failed or holding > args.places else 0


if __name__ == "__main__":
    sys.exit(main())
