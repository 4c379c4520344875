"""Invitations through a real Celery worker on Redis to a real SMTP server (aiosmtpd).

Each test starts worker processes as production does (prefork, two
processes) on a Celery queue of its own, against the test database, and an
aiosmtpd server on a free local port that counts what it accepts by
recipient. The workshop opens in this process, as the admin action does, and
the invitations go out through Redis. The tests then count deliveries: every
recipient exactly once, also when a worker is killed mid-send and when the
SMTP server refuses and drops connections for a while.
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
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from aiosmtpd.controller import Controller
from allauth.account.models import EmailAddress
from django.db import connection

from collaborative.celery import app as celery_app
from collaborative.models import FunctionalArea, OutgoingEmail, Seniority, User
from collaborative.settings import BASE_DIR
from tests.factories import WorkshopFactory
from trusts.models import Membership, Region, Trust
from workshops import services
from workshops.models import Workshop

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CELERY = Path(sys.executable).parent / "celery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    """aiosmtpd on a free local port, counting accepted messages by recipient.

    ``stall_at`` holds the n-th recipient before answering it, until
    ``release`` is set; ``dropping`` makes the server hang up on each message
    before accepting it. Neither accepts the message, as a real server would not.
    """

    def __init__(self):
        self.port = free_port()
        self.received = Counter()
        self.recipients_seen = 0
        self.dropped = 0
        self.stall_at = None
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.dropping = False
        self._lock = threading.Lock()
        self._controller = None

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller:
            self._controller.stop()
            self._controller = None

    def total(self):
        with self._lock:
            return sum(self.received.values())

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.recipients_seen += 1
        if self.recipients_seen == self.stall_at:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.dropping:
            self.dropped += 1
            server.transport.close()
            return "421 4.3.2 Closing the connection"
        with self._lock:
            self.received.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    server = SMTPServer()
    yield server
    server.release.set()
    server.stop()


@pytest.fixture
def queue(redis_url):
    """A Celery queue of this test's own, so that no other worker on Redis takes its tasks."""
    name = f"test-messages-{uuid.uuid4().hex[:10]}"
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_default_queue
    conf.task_always_eager, conf.task_default_queue = False, name
    yield name
    conf.task_always_eager, conf.task_default_queue = saved
    _forget_queue(redis_url, name)


def _forget_queue(url, name):
    """Remove the queue and any message of it a killed worker left unacknowledged."""
    client = redis.Redis.from_url(url)
    client.delete(name, f"_kombu.binding.{name}")
    for tag, payload in client.hscan_iter("unacked"):
        if f'"{name}"]'.encode() in payload:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


@pytest.fixture
def worker_env(redis_url, smtp):
    """The environment of a worker on the test database, sending to the test SMTP server."""
    db = connection.settings_dict
    database = (
        f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@{db['HOST']}:"
        f"{db['PORT'] or 5432}/{quote(db['NAME'])}"
    )

    def env(**extra):
        return {
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "collaborative.settings",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": database,
            "CELERY_BROKER_URL": redis_url,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
            "SMTP_TIMEOUT": "10",
            **extra,
        }

    return env


@contextmanager
def running_worker(env, queue, log):
    """A prefork worker with two processes on ``queue``; stopped warm (SIGTERM) on exit,
    so that it finishes the task in hand, or killed if it will not stop."""
    command = [
        CELERY,
        "-A",
        "collaborative",
        "worker",
        "--loglevel",
        "INFO",
        "--concurrency",
        "2",
        "--without-gossip",
        "--without-mingle",
        "--queues",
        queue,
        "--hostname",
        f"{uuid.uuid4().hex[:8]}@{queue}",
    ]
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
        until(lambda: re.search(r"@\S+ ready\.", log.read_text(errors="replace")), 60, log)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def until(condition, timeout, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    detail = log.read_text(errors="replace")[-5000:] if log else ""
    pytest.fail(f"not done within {timeout} s\n{detail}")


def directors(count):
    """``count`` directors of active member Trusts with confirmed addresses; their addresses."""
    trusts = Trust.objects.bulk_create(
        Trust(name=f"Worker Test Trust {n}", ods_code=f"W{n:03d}", region=Region.LONDON)
        for n in range((count + 2) // 3)
    )
    Membership.objects.bulk_create(
        Membership(trust=trust, joined_on=datetime.date(2019, 6, 1)) for trust in trusts
    )
    areas = list(FunctionalArea)
    people = User.objects.bulk_create(
        User(
            email=f"director{n}@w{n // 3:03d}.nhs.uk",
            full_name=f"Director {n}",
            trust=trusts[n // 3],
            seniority=Seniority.DIRECTOR,
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


def all_sent(workshop, count):
    sent = OutgoingEmail.objects.filter(workshop=workshop, state=OutgoingEmail.State.SENT)
    return sent.count() == count


@pytest.fixture
def workshop(db):
    return WorkshopFactory(status=Workshop.Status.AGENDA_AGREED)


def test_a_worker_sends_each_of_300_invitations_exactly_once(
    settings, queue, smtp, worker_env, workshop, operations_manager, tmp_path
):
    settings.MESSAGE_BATCH_SIZE = 25
    addresses = directors(300)
    smtp.start()

    with running_worker(worker_env(), queue, tmp_path / "worker.log") as worker:
        services.open_for_booking(workshop=workshop, opened_by=operations_manager)
        until(lambda: all_sent(workshop, 300) and smtp.total() >= 300, 60, tmp_path / "worker.log")
    assert worker.returncode == 0

    assert smtp.received == Counter(dict.fromkeys(addresses, 1))


def test_a_worker_killed_mid_send_loses_no_invitation_and_sends_none_twice(
    settings, queue, smtp, worker_env, workshop, operations_manager, tmp_path
):
    settings.MESSAGE_BATCH_SIZE = 20
    addresses = directors(300)
    smtp.stall_at = 90
    smtp.start()
    # Redis hands the dead worker's tasks to another once they have been out this long.
    env = worker_env(CELERY_VISIBILITY_TIMEOUT="3")

    with running_worker(env, queue, tmp_path / "first.log") as first:
        services.open_for_booking(workshop=workshop, opened_by=operations_manager)
        assert smtp.stalled.wait(30), (tmp_path / "first.log").read_text()
        # The 90th invitation is on the wire, its row claimed in an open transaction.
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    killed_at = time.monotonic()
    smtp.release.set()
    assert not all_sent(workshop, 300)

    time.sleep(max(0.0, killed_at + 3.5 - time.monotonic()))
    with running_worker(env, queue, tmp_path / "second.log"):
        until(lambda: all_sent(workshop, 300) and smtp.total() >= 300, 60, tmp_path / "second.log")

    assert smtp.received == Counter(dict.fromkeys(addresses, 1))


def test_invitations_wait_out_an_smtp_outage_and_arrive_once(
    settings, queue, smtp, worker_env, workshop, operations_manager, tmp_path
):
    settings.MESSAGE_BATCH_SIZE = 10
    addresses = directors(30)
    invitations = OutgoingEmail.objects.filter(workshop=workshop)
    log = tmp_path / "worker.log"

    with running_worker(worker_env(), queue, log):
        # Nothing listens on the port yet: every connection is refused.
        services.open_for_booking(workshop=workshop, opened_by=operations_manager)
        until(lambda: invitations.filter(last_error__contains="Connection refused").exists(), 30)
        # Then the server answers, but hangs up before accepting each message...
        smtp.dropping = True
        smtp.start()
        until(lambda: smtp.dropped >= 2, 60, log)
        # ...and at last it recovers.
        smtp.dropping = False
        until(lambda: all_sent(workshop, 30) and smtp.total() >= 30, 90, log)

    assert smtp.received == Counter(dict.fromkeys(addresses, 1))
    assert min(invitations.values_list("attempts", flat=True)) >= 2
