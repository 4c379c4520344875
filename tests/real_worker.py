"""A real Celery worker on Redis sending to a real SMTP server (aiosmtpd), and the two
fault experiments run on them: a worker killed mid-send, and an SMTP outage.

Shared by the fault tests (``tests/test_real_worker.py``) and the fault benchmark
(``bench/faults.py``). The faults are driven by events, never by the clock: the SMTP
server holds the n-th recipient, or drops the first k messages, by its own counters,
and the experiments wait for those counters or for the outbox. Every wait has a
generous timeout that only guards against a hang, so a slow machine takes longer but
reaches the same state.
"""

import asyncio
import datetime
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import redis
from aiosmtpd.controller import Controller
from allauth.account.models import EmailAddress
from django.db import connection
from django.test import override_settings

from collaborative.celery import app as celery_app
from collaborative.outbox.models import OutgoingEmail
from collaborative.people.models import FunctionalArea, Seniority, User
from collaborative.settings import BASE_DIR
from trusts.models import Membership, Region, Trust
from workshops.booking import rules
from workshops.messages.content import about_workshop

CELERY = Path(sys.executable).parent / "celery"
# Seconds. Only against a hang: nothing waits this long unless something is wrong.
HANG = 180
# Redis gives a task back to the queue once it has been unacknowledged this long
# (seconds; the restarted worker's CELERY_VISIBILITY_TIMEOUT).
VISIBILITY = 1


class TimedOut(AssertionError):
    """Something did not happen within its (generous) timeout."""


def until(condition, *, what, timeout=HANG, log=None):
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds with the log's tail."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            detail = Path(log).read_text(errors="replace")[-5000:] if log else ""
            raise TimedOut(f"{what}: not done within {timeout} s\n{detail}")
        time.sleep(0.05)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The SMTP server -----------------------------------------------------------------


class SMTPServer:
    """aiosmtpd on a free local port, counting the messages it accepts by recipient.

    Its faults follow its own counters, so they happen at the same point of a run
    however fast the machine is:

    - ``hold_recipients=(first, last)``: the ``first``-th to ``last``-th recipients
      (RCPT TO; ``last`` None for all the rest) are held unanswered until ``release()``,
      then refused with a 451. The message is on the wire, not accepted. Nothing is
      held once released.
    - ``hold_accepted_from=n``: from the n-th message on, each is accepted (counted),
      then its "250" held until ``release()``: a worker killed then has had its message
      accepted but never heard so.
    - ``drop_first=k``: hang up on the first k messages instead of accepting them.
    """

    def __init__(self, *, port=None, hold_recipients=None, hold_accepted_from=None, drop_first=0):
        self.port = port or free_port()
        self.hold_recipients = hold_recipients
        self.hold_accepted_from = hold_accepted_from
        self.drop_first = drop_first
        self.received = Counter()
        self.recipients_seen = 0
        self.messages_seen = 0
        self.dropped = 0
        self.held = []  # the addresses held, in order
        self._changed = threading.Condition()
        self._released = threading.Event()
        self._controller = None

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        self._released.set()
        if self._controller:
            self._controller.stop()
            self._controller = None

    def release(self):
        self._released.set()

    def wait(self, condition, *, what, timeout=HANG):
        """Wait until ``condition(self)`` holds; it is checked whenever a counter changes."""
        with self._changed:
            if not self._changed.wait_for(lambda: condition(self), timeout):
                raise TimedOut(f"{what}: not done within {timeout} s")

    def accepted(self):
        with self._changed:
            return Counter(self.received)

    def total(self):
        with self._changed:
            return sum(self.received.values())

    async def _held_until_released(self):
        while not self._released.is_set():
            await asyncio.sleep(0.02)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._changed:
            self.recipients_seen += 1
            first, last = self.hold_recipients or (None, None)
            hold = (
                first is not None
                and first <= self.recipients_seen <= (last or float("inf"))
                and not self._released.is_set()
            )
            if hold:
                self.held.append(address)
                self._changed.notify_all()
        if hold:
            await self._held_until_released()
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._changed:
            self.messages_seen += 1
            drop = self.messages_seen <= self.drop_first
            hold = False
            if drop:
                self.dropped += 1
            else:
                self.received.update(envelope.rcpt_tos)
                start = self.hold_accepted_from
                hold = (
                    start is not None
                    and self.messages_seen >= start
                    and not self._released.is_set()
                )
                if hold:
                    self.held.extend(envelope.rcpt_tos)
            self._changed.notify_all()
        if drop:
            server.transport.close()
            return "421 4.3.2 Closing the connection"
        if hold:
            await self._held_until_released()
        return "250 Message accepted for delivery"


# The worker ------------------------------------------------------------------------


@contextmanager
def own_queue(broker_url, prefix="test-messages"):
    """A Celery queue of the caller's own, so that no other worker on Redis takes its
    tasks; tasks go through Redis rather than running in this process."""
    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_default_queue
    conf.task_always_eager, conf.task_default_queue = False, name
    try:
        yield name
    finally:
        conf.task_always_eager, conf.task_default_queue = saved
        forget_queue(broker_url, name)


def forget_queue(url, name):
    """Remove the queue and any message of it a killed worker left unacknowledged."""
    client = redis.Redis.from_url(url)
    client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")
    for tag, payload in client.hscan_iter("unacked"):
        if f'"{name}"]'.encode() in payload:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def worker_environment(broker_url, smtp_port, *, name="worker", **extra):
    """A worker's environment: this process's database and code, the given SMTP server.

    Its database sessions carry ``name`` (application_name), so that ``kill`` can tell
    when the database has ended them.
    """
    db = connection.settings_dict
    options = urlencode({**db["OPTIONS"], "application_name": name})
    database = (
        f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@{db['HOST']}:"
        f"{db['PORT'] or 5432}/{quote(db['NAME'])}?{options}"
    )
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "collaborative.settings",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        # Longer than any hold, so that a held message waits for its answer.
        "SMTP_TIMEOUT": str(HANG),
        **extra,
    }


@contextmanager
def running_worker(env, queue, log, *, concurrency=2):
    """A prefork worker on ``queue``, as production runs it; stopped warm (SIGTERM) on
    exit, so that it finishes the task in hand, or killed if it will not stop."""
    command = [
        CELERY,
        "-A",
        "collaborative",
        "worker",
        "--loglevel",
        "INFO",
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        "--queues",
        queue,
        "--hostname",
        f"{uuid.uuid4().hex[:8]}@{queue}",
    ]
    log = Path(log)
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
        until(
            lambda: (
                re.search(r"@\S+ ready\.", log.read_text(errors="replace"))
                or process.poll() is not None
            ),
            what="the worker starting",
            log=log,
        )
        if process.poll() is not None:
            raise TimedOut(f"the worker exited\n{log.read_text(errors='replace')[-5000:]}")
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=HANG)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def kill(process, name):
    """SIGKILL the worker and its pool processes at once, as a lost machine would."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    # The database ends the dead processes' sessions: their open transactions roll back,
    # a COMMIT they had sent completes. Wait for that before reading the outbox.
    until(lambda: not sessions_of(name), what="the dead worker's database sessions ending")


def sessions_of(name):
    """How many database sessions the processes of the worker called ``name`` hold."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [name],
        )
        return cursor.fetchone()[0]


# The people and the outbox -----------------------------------------------------------


def directors(count, *, code="W"):
    """``count`` directors of active member Trusts with confirmed addresses; their addresses."""
    trusts = Trust.objects.bulk_create(
        Trust(name=f"Worker Test Trust {code}{n}", ods_code=f"{code}{n:03d}", region=Region.LONDON)
        for n in range((count + 2) // 3)
    )
    Membership.objects.bulk_create(
        Membership(trust=trust, joined_on=datetime.date(2019, 6, 1)) for trust in trusts
    )
    areas = list(FunctionalArea)
    people = User.objects.bulk_create(
        User(
            email=f"director{n}@{code.lower()}{n // 3:03d}.nhs.uk",
            full_name=f"Director {n}",
            trust=trusts[n // 3],
            seniority=Seniority.DIRECTOR,
            confirmed_seniority=Seniority.DIRECTOR,
            functional_area=areas[n % 3],
            password="!",
        )
        for n in range(count)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=person, email=person.email, verified=True, primary=True)
        for person in people
    )
    return [person.email for person in people]


def invitations(workshop):
    return OutgoingEmail.objects.filter(
        about=about_workshop(workshop.pk), kind=OutgoingEmail.Kind.INVITATION
    )


def sent_to(workshop):
    """The addresses whose invitation the outbox records as sent."""
    sent = invitations(workshop).filter(state=OutgoingEmail.State.SENT)
    return set(sent.values_list("recipient__email", flat=True))


def all_sent(workshop, count):
    """Whether the workshop's ``count`` invitations are all recorded as sent."""
    return sent_count(workshop) == count


def sent_count(workshop):
    return invitations(workshop).filter(state=OutgoingEmail.State.SENT).count()


# The experiments -------------------------------------------------------------------


@dataclass
class Outcome:
    """What an experiment's invitations came to."""

    addresses: list  # who was invited
    received: Counter  # what the SMTP server accepted, by recipient
    held: list = field(default_factory=list)  # the addresses the server held
    # At the kill: accepted by the server, but not recorded as sent by the dead worker.
    in_window: set = field(default_factory=set)
    accepted_at_kill: int = 0
    sent_at_kill: int = 0
    attempts: list = field(default_factory=list)  # each invitation's, at the end
    dropped: int = 0

    @property
    def duplicates(self):
        return {address: times for address, times in self.received.items() if times > 1}

    @property
    def lost(self):
        return [address for address in self.addresses if not self.received[address]]

    @property
    def window_duplicates(self):
        """Duplicates of a message the server accepted just as its worker was killed."""
        return {address: n for address, n in self.duplicates.items() if address in self.in_window}

    @property
    def other_duplicates(self):
        return {a: n for a, n in self.duplicates.items() if a not in self.in_window}


# Where the worker is when it is killed (``kill_mid_send``'s ``at``):
ON_THE_WIRE = "on the wire"  # each process mid-message, before the server accepted it
ACCEPTED = "accepted"  # each process's message accepted by the server, not yet recorded
ANYWHERE = "anywhere"  # one process mid-message; the others wherever they are


def kill_mid_send(
    *,
    workshop,
    opened_by,
    addresses,
    broker_url,
    queue,
    logs,
    hold_at,
    at=ON_THE_WIRE,
    batch_size=20,
    concurrency=2,
):
    """Open the workshop, kill the worker when the SMTP server holds its ``hold_at``-th
    recipient (or message), start another worker, and count what arrives.

    ``at`` says where the other processes are at that moment: ON_THE_WIRE and ACCEPTED
    hold every process at the same point, so the outcome is the same on every run;
    ANYWHERE kills the others wherever they happen to be, as a real crash would, so
    now and then one is between the server accepting its message and the commit.
    """
    if at == ACCEPTED:
        smtp = SMTPServer(hold_accepted_from=hold_at)
    else:
        smtp = SMTPServer(hold_recipients=(hold_at, None if at == ON_THE_WIRE else hold_at))
    held_processes = 1 if at == ANYWHERE else concurrency
    logs = Path(logs)
    smtp.start()
    try:
        with override_settings(MESSAGE_BATCH_SIZE=batch_size):
            name = f"{queue}-first"
            env = worker_environment(broker_url, smtp.port, name=name)
            first_log = logs / "first.log"
            with running_worker(env, queue, first_log, concurrency=concurrency) as first:
                rules.open_for_booking(workshop=workshop, opened_by=opened_by)
                smtp.wait(
                    lambda server: len(server.held) >= held_processes,
                    what=f"{held_processes} message(s) held by the SMTP server",
                )
                kill(first, name)
            killed_at = time.monotonic()
            accepted = smtp.accepted()
            sent = sent_to(workshop)
            smtp.release()
            # The dead worker's tasks are still out; Redis gives them to the next worker
            # once they have been out VISIBILITY seconds (a wall-clock fact, not a race).
            time.sleep(max(0.0, killed_at + VISIBILITY + 0.5 - time.monotonic()))
            env = worker_environment(
                broker_url,
                smtp.port,
                name=f"{queue}-second",
                CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY),
            )
            second_log = logs / "second.log"
            with running_worker(env, queue, second_log, concurrency=concurrency):
                until(
                    lambda: all_sent(workshop, len(addresses)),
                    what="every invitation sent",
                    log=second_log,
                )
    finally:
        smtp.stop()
    return Outcome(
        addresses=addresses,
        received=smtp.accepted(),
        held=list(smtp.held),
        in_window=set(accepted) - sent,
        accepted_at_kill=sum(accepted.values()),
        sent_at_kill=len(sent),
    )


def smtp_outage(*, workshop, opened_by, addresses, broker_url, queue, logs, drops=3, batch_size=10):
    """Open the workshop while nothing listens on the SMTP port; once every invitation
    has been refused, start a server that hangs up on the first ``drops`` messages, then
    recovers; count what arrives."""
    port = free_port()
    log = Path(logs) / "worker.log"
    with running_worker(worker_environment(broker_url, port), queue, log):
        return smtp_outage_on(
            port,
            log,
            workshop=workshop,
            opened_by=opened_by,
            addresses=addresses,
            drops=drops,
            batch_size=batch_size,
        )


def smtp_outage_on(port, log, *, workshop, opened_by, addresses, drops=3, batch_size=10):
    """``smtp_outage`` with a worker already running, which sends to ``port``."""
    smtp = SMTPServer(port=port, drop_first=drops)
    outbox = invitations(workshop)
    try:
        with override_settings(MESSAGE_BATCH_SIZE=batch_size):
            rules.open_for_booking(workshop=workshop, opened_by=opened_by)
            # Nothing listens on the port: each batch's connection is refused, and every
            # message of it records the failed attempt.
            until(
                lambda: (
                    outbox.filter(last_error__contains="Connection refused").count()
                    == len(addresses)
                ),
                what="every invitation refused once",
                log=log,
            )
            # The server answers, but hangs up on the first messages, then recovers.
            smtp.start()
            until(lambda: all_sent(workshop, len(addresses)), what="every invitation sent", log=log)
    finally:
        smtp.stop()
    return Outcome(
        addresses=addresses,
        received=smtp.accepted(),
        attempts=list(outbox.values_list("attempts", flat=True)),
        dropped=smtp.dropped,
    )
