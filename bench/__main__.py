"""``python -m bench [pages|queries|memory|search|booking|invitations|all]``: ``make bench``.

Each piece makes what it needs (a fresh database, the demo and large data sets, the
stack) and prints its figures as one table; ``all`` runs every piece against one stack
and data set and writes the table to ``bench/RESULTS.md`` with the machine's description.
Set ``BENCH_SECONDS`` to change how long each page is loaded (5 s).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import report, stack

PIECES = ("queries", "pages", "memory", "search", "booking", "invitations")
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
# Two connections for each of gunicorn's two worker processes.
CONNECTIONS = 4
PUBLIC_TARGET = 0.5
SIGNED_IN_TARGET = 0.15
MEMORY_REQUESTS = 10_000
MEMORY_TARGET_MB = 120


class Run:
    """One run: its settings, its processes, its pages and what it measured."""

    def __init__(self, pieces):
        self.pieces = pieces
        self.load_average = os.getloadavg()
        self.started = time.perf_counter()
        self.folder = Path(tempfile.mkdtemp(prefix="nmhwdc-bench-"))
        self.smtp_port = stack.free_port()
        self.port = stack.free_port()
        self.env = stack.environment(self.smtp_port)
        self.processes = stack.Processes(self.folder)
        self.figures = []
        self.notes = []
        self.served = 0  # requests gunicorn has answered, for the memory figure

    def say(self, text):
        print(f"[{time.perf_counter() - self.started:6.0f} s] {text}", flush=True)

    def manage(self, *arguments, development=False):
        env = {**os.environ, **self.env}
        if development:
            # load_demo refuses production settings: its accounts' passwords are published.
            env.update(DJANGO_ENV="development", DJANGO_SETTINGS_MODULE="collaborative.settings")
        subprocess.run(
            [stack.PYTHON, "manage.py", *arguments],
            cwd=stack.ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def prepare(self):
        """A fresh database with the demo data, and Django set up in this process."""
        self.say(f"database {stack.DATABASE_URL}: made fresh; Redis databases 5 and 6 emptied")
        stack.recreate_database()
        stack.empty_redis()
        self.manage("migrate", "--noinput")
        self.manage("load_demo", development=True)
        # Production pages name their static files through the manifest collectstatic writes.
        self.manage("collectstatic", "--noinput")
        os.environ.update(self.env)
        import django

        django.setup()
        self.pages = Pages()

    def add_large_data_set(self):
        from bench import dataset

        added, seconds = dataset.generate(**dataset.SIZES["full"])
        counts = ", ".join(f"{count:,} {what}" for what, count in added.items())
        self.say(f"large data set added in {seconds:.0f} s: {counts}")
        self.notes.append(f"Large data set: {counts} added to the demo data in {seconds:.0f} s.")

    def start_stack(self):
        stack.start_smtp(self.processes, self.smtp_port)
        stack.start_worker(self.processes, self.env)
        stack.start_gunicorn(self.processes, self.env, self.port)
        self.say(f"gunicorn (gunicorn.conf.py) on 127.0.0.1:{self.port}, Celery worker, SMTP sink")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


class Pages:
    """The pages measured, and the sessions of the people who see the signed-in ones."""

    def __init__(self):
        from django.urls import reverse

        from workshops.models import Workshop

        workshop = Workshop.objects.filter(status=Workshop.Status.OPEN).order_by("date").first()
        detail = reverse("workshops:detail", args=[workshop.slug])
        director = session("demo.nursing@slam.nhs.test")
        steering = session("demo.steering@oxfordhealth.nhs.test", enrol_mfa=True)
        self.public = {
            "home": reverse("home"),
            "programme": reverse("workshops:programme"),
            "workshop detail (visitor)": detail,
            "member Trusts": reverse("trusts:list"),
            "founding Trusts": reverse("trusts:founding"),
            "library": reverse("resources:library"),
            'library search "wellbeing standards"': reverse("resources:library")
            + "?q=wellbeing+standards",
            "news": reverse("news"),
        }
        self.signed_in = {
            "workshop detail (director)": (detail, director),
            "my bookings": (reverse("workshops:my_bookings"), director),
            "my Trust's bookings": (reverse("workshops:trust_bookings"), director),
            "steering planner": (reverse("workshops:steering:planner"), steering),
        }

    def all(self):
        """(name, path, session cookie or None, target) for every page."""
        yield from ((name, path, None, PUBLIC_TARGET) for name, path in self.public.items())
        for name, (path, cookie) in self.signed_in.items():
            yield name, path, cookie, SIGNED_IN_TARGET


def session(email, enrol_mfa=False):
    """A signed-in session for ``email``, as a ``Cookie`` header value.

    A steering group member reaches the planner only once enrolled in two-step
    verification, so ``enrol_mfa`` gives them an authenticator app first.
    """
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from collaborative.people.models import User

    person = User.objects.get(email=email)
    if enrol_mfa:
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        TOTP.activate(person, generate_totp_secret())
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(person.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = person.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def count_queries(run):
    """Queries each page makes, from a warm second request in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    counts = {}
    for name, path, cookie, _ in run.pages.all():
        client = Client(HTTP_HOST="127.0.0.1")
        if cookie:
            key, value = cookie.split("=", 1)
            client.cookies[key] = value
        # What the page costs to build: a visitor's page kept by the page cache costs none.
        with override_settings(PAGE_CACHE_SECONDS=0):
            client.get(path)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{name} ({path}) answered {response.status_code}, not 200")
        counts[name] = len(queries)
    return counts


def measure_pages(run):
    """Each page between two loads of the bare view, as a ratio to their average."""
    pages = list(run.pages.all())
    for name, path, cookie, _ in pages:
        check_answers(run.url(path), cookie, name)
    bare_url = run.url("/bench/bare/")
    bare = [stack.load(bare_url, SECONDS, CONNECTIONS)]
    results = []
    for name, path, cookie, target in pages:
        page = stack.load(run.url(path), SECONDS, CONNECTIONS, cookie)
        bare.append(stack.load(bare_url, SECONDS, CONNECTIONS))
        reference = (bare[-2]["rate"] + bare[-1]["rate"]) / 2
        ratio = page["rate"] / reference
        run.say(f"{name}: {page['rate']:.0f}/s, p50 {page['p50']:.0f} ms, ratio {ratio:.3f}")
        if page["failed"]:
            run.notes.append(f"{name}: {page['failed']} requests did not get a 200.")
        results.append((name, page, ratio, target))
    run.served += sum(load["requests"] for load in bare) + sum(r[1]["requests"] for r in results)
    rates = [load["rate"] for load in bare]
    run.figures.append(
        report.Figure(
            "bare view (HttpResponse('ok'))",
            f"{statistics.median(rates):.0f}/s (median; {min(rates):.0f}-{max(rates):.0f})",
            "reference",
            None,
        )
    )
    for name, page, ratio, target in results:
        run.figures.append(
            report.Figure(
                f"page: {name}",
                f"{ratio:.3f} of bare; {page['rate']:.0f}/s, p50 {page['p50']:.0f} ms",
                f">= {target}",
                ratio >= target and not page["failed"],
            )
        )


def check_answers(url, cookie, name):
    """A page is loaded only if it answers 200: a redirect would time another page."""
    import urllib.error
    import urllib.request

    class Refuse(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        status = urllib.request.build_opener(Refuse).open(request, timeout=60).status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        raise SystemExit(f"{name} ({url}) answered {status}, not 200")


def measure_memory(run):
    """Each worker's resident memory once gunicorn has answered 10,000 requests."""
    while run.served < MEMORY_REQUESTS:
        run.served += stack.load(run.url("/"), SECONDS, CONNECTIONS)["requests"]
    sizes = [stack.rss_mb(pid) for pid in stack.gunicorn_workers(run.processes)]
    run.figures.append(
        report.Figure(
            f"memory per gunicorn worker after {run.served:,} requests",
            ", ".join(f"{size:.0f} MB" for size in sizes),
            f"<= {MEMORY_TARGET_MB} MB",
            max(sizes) <= MEMORY_TARGET_MB,
        )
    )


def measure_search(run):
    """The library's full-text search against icontains, as ``bench/search.py`` times them."""
    from bench import search
    from resources import search as library_search
    from resources.models import Resource

    queries = [search.QUERIES[number % len(search.QUERIES)] for number in range(50)]
    search.timed(search.full_text_page, queries[:5])
    search.timed(search.scan_page, queries[:2])
    full_text = search.summary(search.timed(search.full_text_page, queries))
    # A scan takes seconds at this size: 20 of them tell its p95 well enough.
    scan = search.summary(search.timed(search.scan_page, queries[:20]))
    page = list(library_search.ranked(Resource.objects.published(), "supervision")[:20])
    library_search.add_snippets(page, "supervision")
    marked = sum("<mark>" in resource.snippet for resource in page)
    total = Resource.objects.published().count()
    run.figures += [
        report.Figure(
            f"full-text search p95 ({total:,} resources)",
            f"{full_text[1]:.0f} ms (median {full_text[0]:.0f} ms)",
            "<= 20 ms",
            full_text[1] <= 20,
        ),
        report.Figure(
            "full-text search against icontains (p95)",
            f"{scan[1] / full_text[1]:.1f}x faster (icontains p95 {scan[1]:.0f} ms)",
            ">= 10x",
            scan[1] / full_text[1] >= 10,
        ),
        report.Figure(
            "search results with a highlighted snippet",
            f"{marked} of {len(page)}",
            "all",
            bool(page) and marked == len(page),
        ),
    ]


def script(run, name, *arguments, timeout=600):
    """Run one of the bench/ scripts against this run's stack; its output."""
    result = subprocess.run(
        [stack.PYTHON, f"bench/{name}", *arguments],
        cwd=stack.ROOT,
        env={**os.environ, **run.env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    (run.folder / f"{name}.out").write_text(result.stdout + result.stderr)
    return result.stdout + result.stderr


def measure_booking(run):
    """200 directors racing for 50 places, through ``bench/booking_contention.py``."""
    output = script(run, "booking_contention.py", "--url", run.url(""), "--timeout", "120")
    oversold = _number(r"oversold:\s+(\d+)", output)
    failed = _number(r"failed:\s+(\d+)", output)
    median = _number(r"median (\d+) ms", output)
    p99 = _number(r"p99 (\d+) ms", output)
    decisions = _number(r"decisions: (\d+)/s", output)
    if None in (oversold, median, decisions):
        run.notes.append(f"booking_contention.py did not finish: {output[-500:]!r}")
    run.figures += [
        report.Figure(
            "booking: places oversold (200 clients, 50 places)",
            f"{oversold} ({failed} clients failed)",
            "0",
            oversold == 0 and failed == 0,
        ),
        report.Figure(
            "booking: decisions per second", f"{decisions}/s", ">= 200/s", (decisions or 0) >= 200
        ),
        report.Figure(
            "booking: p99 against median latency",
            f"p99 {p99} ms, median {median} ms",
            "p99 <= 3x median",
            None not in (p99, median) and p99 <= 3 * median,
        ),
    ]


def measure_invitations(run):
    """5,000 invitations through Celery, against one reused SMTP connection."""
    output = script(run, "invitations.py", "--recipients", "5000", "--batches-only")
    celery = _number(r"batches of .*?, (\d+) messages/s", output)
    reference = _number(r"one SMTP connection reused.*?, (\d+) messages/s", output)
    duplicates = _number(r"(\d+) recipient\(s\) with a duplicate", output)
    if None in (celery, reference):
        run.notes.append(f"invitations.py did not finish: {output[-500:]!r}")
        ratio = 0
    else:
        ratio = celery / reference
    run.figures.append(
        report.Figure(
            "invitations: 5,000 through Celery against one reused SMTP connection",
            f"{ratio:.2f} ({celery}/s against {reference}/s; {duplicates} duplicates)",
            ">= 0.6",
            ratio >= 0.6 and duplicates == 0,
        )
    )


def _number(pattern, text):
    found = re.search(pattern, text)
    return int(found.group(1)) if found else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("piece", choices=(*PIECES, "all"))
    args = parser.parse_args(argv)
    pieces = PIECES if args.piece == "all" else (args.piece,)
    run = Run(pieces)
    try:
        run.prepare()
        if "queries" in pieces:
            demo = count_queries(run)
            run.say("queries counted at demo size")
        if {"queries", "pages", "memory", "search"} & set(pieces):
            run.add_large_data_set()
        if "queries" in pieces:
            large = count_queries(run)
            for name, count in demo.items():
                run.figures.append(
                    report.Figure(
                        f"queries: {name}",
                        f"{count} at demo size, {large[name]} at the large size",
                        "identical",
                        count == large[name],
                    )
                )
        if {"pages", "memory", "booking"} & set(pieces):
            run.start_stack()
        if "pages" in pieces:
            measure_pages(run)
        if "memory" in pieces:
            measure_memory(run)
        if "search" in pieces:
            run.say("search")
            measure_search(run)
        if "booking" in pieces:
            run.say("booking")
            measure_booking(run)
        if "invitations" in pieces:
            run.say("invitations")
            measure_invitations(run)
    finally:
        run.processes.stop_all()
    run.say("done")
    print(report.table(run.figures))
    failed = sum(figure.passed is False for figure in run.figures)
    print(f"{failed} of {sum(f.passed is not None for f in run.figures)} targets not met")
    if args.piece == "all":
        description = report.machine(run.load_average, *stack.versions())
        description["loader"] = (
            "wrk" if stack.WRK else "bench/stack.py's Python client (wrk is not installed)"
        )
        description["run"] = f"{time.perf_counter() - run.started:.0f} s"
        report.write(run.figures, description, run.notes)
        print(f"written to {report.RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
