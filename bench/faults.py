"""Fault benchmark: invitations exactly once when a worker is killed mid-send, and through
an SMTP outage, each experiment run many times.

Needs PostgreSQL and Redis, as production has:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nmhwdc \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/faults.py [--runs 20] [--recipients 200] [--outage-recipients 30]

It works in a database of its own beside DATABASE_URL's (its name with ``_faults``
added), made fresh and dropped at the end, so the PostgreSQL user needs the right to
create databases. The experiments are those of ``tests/test_real_worker.py``, with the
same machinery (``tests/real_worker.py``): real Celery workers (prefork, two
processes) on a Redis queue of their own, and an aiosmtpd server counting what it
accepts by recipient.

- Kill: a workshop opens; when the SMTP server holds the n-th recipient (n drawn at
  random in the middle half), the worker is killed with SIGKILL, the other process
  wherever it happens to be, as a real crash would find it; a new worker takes the
  dead one's tasks back from Redis and sends the rest.
- Outage: a workshop opens while nothing listens on the SMTP port; once every
  invitation has been refused, the server starts, hangs up on the first 3 messages,
  then recovers.

For each it prints runs, recipients, duplicates and losses, all expected 0, and, for
the kill, the messages the server had accepted but the dead worker had not yet
recorded as sent: SMTP cannot close that window (RFC 1047), each such message goes
twice, and they are counted apart.
"""

import argparse
import datetime
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collaborative.settings")


def own_database(url):
    """Make a fresh database beside ``url``'s; its URL and a function that drops it."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit("Set DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://...")
    name = f"{parts.path.lstrip('/') or 'postgres'}_faults"
    server = {
        "host": parts.hostname or "localhost",
        "port": parts.port or 5432,
        "user": parts.username,
        "password": parts.password,
        "dbname": "postgres",
        "autocommit": True,
    }

    def drop():
        with psycopg.connect(**server) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    drop()
    with psycopg.connect(**server) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}")), name, drop


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each experiment")
    parser.add_argument("--recipients", type=int, default=100, help="invitations per kill run")
    parser.add_argument(
        "--outage-recipients", type=int, default=30, help="invitations per outage run"
    )
    parser.add_argument("--seed", type=int, default=1, help="for where the kills fall")
    parser.add_argument("--keep-database", action="store_true")
    return parser.parse_args()


ARGS = parse_args()
if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
    raise SystemExit("Set DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://...")
os.environ["DATABASE_URL"], DATABASE, drop_database = own_database(
    os.environ.get("DATABASE_URL", "")
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from collaborative.people.models import User  # noqa: E402
from tests import real_worker  # noqa: E402
from trusts.models import Membership  # noqa: E402
from workshops.models import Workshop  # noqa: E402

PREFIX = "bench-faults"


def new_workshop():
    return Workshop.objects.create(
        title="Benchmark: faults",
        slug=f"{PREFIX}-{uuid.uuid4().hex[:8]}",
        date=timezone.localdate() + datetime.timedelta(days=60),
        start_time="10:00",
        end_time="12:00",
        status=Workshop.Status.AGENDA_AGREED,
        video_link="https://meet.example.org/bench",
    )


def invite_only(code):
    """Only the Trusts of this group of directors are active members, so only they are
    invited."""
    Membership.objects.update(is_active=False)
    Membership.objects.filter(trust__ods_code__startswith=code).update(is_active=True)


def run_all(label, runs, experiment, logs):
    """Run ``experiment(run_logs)`` ``runs`` times; the outcomes, and the runs that failed."""
    outcomes, failures = [], []
    started = time.monotonic()
    for number in range(1, runs + 1):
        run_logs = Path(logs) / f"{label}-{number:02d}"
        run_logs.mkdir()
        try:
            outcomes.append(experiment(run_logs))
        except real_worker.TimedOut as error:
            failures.append((number, str(error).splitlines()[0], run_logs))
        print(".", end="", flush=True)
    print(f" {time.monotonic() - started:.0f} s")
    return outcomes, failures


def report(outcomes, failures):
    recipients = sum(len(outcome.addresses) for outcome in outcomes)
    duplicates = sum(
        times - 1 for outcome in outcomes for times in outcome.other_duplicates.values()
    )
    lost = sum(len(outcome.lost) for outcome in outcomes)
    print(
        f"  runs {len(outcomes) + len(failures)}, recipients {recipients}, "
        f"duplicates {duplicates}, losses {lost}, failed runs {len(failures)}"
    )
    for number, error, logs in failures:
        print(f"  run {number} failed: {error} (logs in {logs})")
    return duplicates + lost + len(failures)


def main():
    broker_url = os.environ["CELERY_BROKER_URL"]
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: every command
    call_command("migrate", verbosity=0)
    killed = real_worker.directors(ARGS.recipients, code="K")
    outage = real_worker.directors(ARGS.outage_recipients, code="O")
    opened_by = User.objects.create(email="bench-operations@nmhwdc.nhs.uk")
    place = random.Random(ARGS.seed)
    logs = tempfile.mkdtemp(prefix="bench-faults-")
    print(f"database {DATABASE}; worker logs in {logs}")
    problems = 0

    print(
        f"Kill a worker mid-send: {ARGS.runs} runs of {ARGS.recipients} invitations, a worker "
        f"of 2 processes, batches of 20, SIGKILL when the SMTP server holds the n-th "
        "recipient; a new worker finishes",
        end=" ",
        flush=True,
    )
    invite_only("K")

    def kill(run_logs):
        with real_worker.own_queue(broker_url, PREFIX) as queue:
            return real_worker.kill_mid_send(
                workshop=new_workshop(),
                opened_by=opened_by,
                addresses=killed,
                broker_url=broker_url,
                queue=queue,
                logs=run_logs,
                hold_at=place.randint(ARGS.recipients // 4, 3 * ARGS.recipients // 4),
                at=real_worker.ANYWHERE,
                batch_size=20,
            )

    outcomes, failures = run_all("kill", ARGS.runs, kill, logs)
    problems += report(outcomes, failures)
    window = sum(len(outcome.in_window) for outcome in outcomes)
    window_duplicates = sum(
        times - 1 for outcome in outcomes for times in outcome.window_duplicates.values()
    )
    print(
        f"  accepted by the SMTP server but not yet committed when the worker died: {window} "
        f"message(s) in {sum(1 for outcome in outcomes if outcome.in_window)} run(s), "
        f"giving {window_duplicates} duplicate(s): the window SMTP cannot close "
        "(at most one message per process killed)"
    )

    print(
        f"SMTP outage: {ARGS.runs} runs of {ARGS.outage_recipients} invitations, connections "
        "refused until every invitation has failed once, then 3 messages dropped, then "
        "recovery",
        end=" ",
        flush=True,
    )
    invite_only("O")

    # One worker for all the outage runs (each run, a new workshop and a new server on the
    # same port); it is the same experiment, without a worker's start-up each time.
    port = real_worker.free_port()
    log = Path(logs) / "outage-worker.log"

    def outage_run(run_logs):
        return real_worker.smtp_outage_on(
            port,
            log,
            workshop=new_workshop(),
            opened_by=opened_by,
            addresses=outage,
            drops=3,
            batch_size=10,
        )

    env = real_worker.worker_environment(broker_url, port)
    with (
        real_worker.own_queue(broker_url, PREFIX) as queue,
        real_worker.running_worker(env, queue, log),
    ):
        outcomes, failures = run_all("outage", ARGS.runs, outage_run, logs)
    problems += report(outcomes, failures)
    attempts = [attempt for outcome in outcomes for attempt in outcome.attempts]
    if attempts:
        print(
            f"  attempts per invitation: min {min(attempts)}, median "
            f"{statistics.median(attempts):g}, max {max(attempts)}; dropped "
            f"{sum(outcome.dropped for outcome in outcomes)} messages"
        )
    return problems


if __name__ == "__main__":
    try:
        problems = main()
    finally:
        connections.close_all()
        if not ARGS.keep_database:
            drop_database()
    sys.exit(1 if problems else 0)
