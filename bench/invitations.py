"""Invitations benchmark: a workshop opens and its invitations go out through a real worker.

Needs PostgreSQL and Redis, as production has:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nmhwdc_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/invitations.py [--recipients 5000] [--concurrency 2]

It makes the directors of active member Trusts in the database (once), starts
an aiosmtpd SMTP server on a free local port and a Celery worker on a queue
of its own, opens a workshop for booking as the admin action does, and times
until the SMTP server has every invitation and the outbox has them all sent.
It does it twice: with the portal's batches (MESSAGE_BATCH_SIZE e-mails to a
task, over one SMTP connection), then with one task and one connection per
e-mail for comparison (``--batches-only`` leaves that out). Prints seconds and
messages per second for each, and what one SMTP connection reused for every
message reaches from this process, the first invitation sent again to each
recipient: the most the server takes, as a reference.
"""

import argparse
import datetime
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collaborative.settings")

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.mail.backends.smtp import EmailBackend  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from collaborative.celery import app as celery_app  # noqa: E402
from collaborative.outbox import mail  # noqa: E402
from collaborative.outbox.models import OutgoingEmail  # noqa: E402
from collaborative.people.models import FunctionalArea, Seniority, User  # noqa: E402
from trusts.models import Membership, Trust  # noqa: E402
from workshops.booking import rules  # noqa: E402
from workshops.messages.content import about_workshop  # noqa: E402
from workshops.models import Workshop  # noqa: E402

PREFIX = "bench-invitations"


class Mailbox:
    """Counts what the SMTP server accepts, by recipient."""

    def __init__(self):
        self.received = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def total(self):
        with self.lock:
            return sum(self.received.values())


def directors(count):
    """``count`` verified directors of active member Trusts, three to a Trust, made once."""
    trusts = (count + 2) // 3
    existing = set(
        Trust.objects.filter(ods_code__startswith="Z").values_list("ods_code", flat=True)
    )
    new = [
        Trust(name=f"Benchmark Trust {number:04d}", ods_code=f"Z{number:04d}", region="london")
        for number in range(trusts)
        if f"Z{number:04d}" not in existing
    ]
    Trust.objects.bulk_create(new)
    joined = datetime.date(2019, 6, 1)
    Membership.objects.bulk_create(
        [Membership(trust=trust, joined_on=joined) for trust in new], ignore_conflicts=True
    )
    codes = {t.ods_code: t.pk for t in Trust.objects.filter(ods_code__startswith="Z")}
    areas = list(FunctionalArea)
    people = [
        User(
            email=f"director{index}@z{index // 3:04d}.bench.nhs.uk",
            full_name=f"Director {index}",
            trust_id=codes[f"Z{index // 3:04d}"],
            seniority=Seniority.DIRECTOR,
            # Invitations go to director level as confirmed, not only as stated.
            confirmed_seniority=Seniority.DIRECTOR,
            functional_area=areas[index % 3],
            password="!",
        )
        for index in range(count)
    ]
    User.objects.bulk_create(people, ignore_conflicts=True, batch_size=1000)
    ids = User.objects.filter(email__endswith=".bench.nhs.uk").values_list("pk", "email")
    EmailAddress.objects.bulk_create(
        [EmailAddress(user_id=pk, email=email, verified=True, primary=True) for pk, email in ids],
        ignore_conflicts=True,
        batch_size=1000,
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_worker(queue, smtp_port, concurrency, log):
    env = {
        **os.environ,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(Path(sys.executable).parent / "celery"),
        "-A",
        "collaborative",
        "worker",
        "--loglevel",
        "WARNING",
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        "--queues",
        queue,
        "--hostname",
        f"{queue}@localhost",
    ]
    worker = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    # A worker is ready once it answers a ping.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if celery_app.control.ping(destination=[f"{queue}@localhost"], timeout=0.5):
            return worker
    os.killpg(worker.pid, signal.SIGKILL)
    raise SystemExit(f"the worker did not start; see {log.name}")


def run(mailbox, batch_size, opened_by):
    """Open a fresh workshop and time its invitations until all are delivered and sent.

    Returns the workshop, the seconds, the number of invitations, and how many people
    got one twice.
    """
    settings.MESSAGE_BATCH_SIZE = batch_size
    workshop = Workshop.objects.create(
        title="Benchmark: how do we grow the workforce?",
        slug=f"{PREFIX}-{uuid.uuid4().hex[:8]}",
        date=timezone.localdate() + datetime.timedelta(days=60),
        start_time="10:00",
        end_time="12:00",
        status=Workshop.Status.AGENDA_AGREED,
    )
    mailbox.received.clear()
    started = time.perf_counter()
    rules.open_for_booking(workshop=workshop, opened_by=opened_by)
    invitations = OutgoingEmail.objects.filter(about=about_workshop(workshop.pk))
    recipients = invitations.count()
    deadline = started + 600
    while time.perf_counter() < deadline:
        if mailbox.total() >= recipients:
            unsent = invitations.exclude(state=OutgoingEmail.State.SENT).count()
            if unsent == 0:
                break
        time.sleep(0.05)
    else:
        raise SystemExit(f"only {mailbox.total()} of {recipients} arrived in 600 s")
    seconds = time.perf_counter() - started
    twice = sum(1 for times in mailbox.received.values() if times > 1)
    return workshop, seconds, recipients, twice


def one_connection(mailbox, smtp_port, workshop):
    """Send the workshop's first invitation to each of its recipients over one connection.

    Returns the seconds and the number sent: the rate SMTP itself allows, with nothing
    rendered, queued or recorded.
    """
    invitations = list(
        OutgoingEmail.objects.filter(about=about_workshop(workshop.pk)).select_related("recipient")
    )
    email = mail.render(invitations[0])
    addresses = [invitation.address for invitation in invitations]
    mailbox.received.clear()
    connection = EmailBackend(alias="bench-reference", host="127.0.0.1", port=smtp_port)
    started = time.perf_counter()
    connection.open()
    for address in addresses:
        email.to = [address]
        connection.send_messages([email])
    connection.close()
    seconds = time.perf_counter() - started
    if mailbox.total() != len(addresses):
        raise SystemExit(f"the server has {mailbox.total()} of {len(addresses)} messages")
    return seconds, len(addresses)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--batches-only", action="store_true", help="leave out one task per message"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        raise SystemExit("Set DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://...")

    call_command("migrate", verbosity=0)
    directors(args.recipients)
    opened_by, _ = User.objects.get_or_create(email="bench-operations@nmhwdc.nhs.uk")

    # aiosmtpd logs every SMTP command; that would time the logging, not the mail.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    queue = f"{PREFIX}-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_default_queue = queue
    mailbox = Mailbox()
    smtp_port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    runs = [
        (f"batches of {settings.MESSAGE_BATCH_SIZE}, one SMTP connection each", None),
        ("one task and one SMTP connection per message", 1),
    ][: 1 if args.batches_only else 2]
    with tempfile.NamedTemporaryFile(prefix="bench-invitations-worker-") as log:
        worker = start_worker(queue, smtp_port, args.concurrency, log)
        try:
            print(
                f"1 Celery worker with {args.concurrency} processes on Redis, "
                f"aiosmtpd on 127.0.0.1:{smtp_port}"
            )
            for label, batch_size in runs:
                workshop, seconds, count, twice = run(
                    mailbox, batch_size or settings.MESSAGE_BATCH_SIZE, opened_by
                )
                print(
                    f"{label}: {count} invitations delivered in {seconds:.1f} s, "
                    f"{count / seconds:.0f} messages/s, {twice} recipient(s) with a duplicate"
                )
            seconds, count = one_connection(mailbox, smtp_port, workshop)
            print(
                f"one SMTP connection reused, from this process: {count} messages in "
                f"{seconds:.1f} s, {count / seconds:.0f} messages/s"
            )
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
            smtp.stop()


if __name__ == "__main__":
    main()
