"""Invitations through a real Celery worker on Redis to a real SMTP server (aiosmtpd).

Each test starts worker processes as production does (prefork, two processes) on a
Celery queue of its own, against the test database, and an aiosmtpd server on a free
local port that counts what it accepts by recipient (``tests/real_worker.py``). The
workshop opens in this process, as the admin action does, and the invitations go out
through Redis. The tests then count deliveries: every recipient exactly once, also
when a worker is killed mid-send and when the SMTP server refuses and drops
connections for a while.

The faults follow events, not the clock: the SMTP server holds the n-th recipient, or
drops the first k messages, by its own counters, and the tests wait for those counters
or for the outbox, with timeouts that only guard against a hang. So every run reaches
the same states, however fast the machine.
"""

from collections import Counter

import pytest

from tests import real_worker
from tests.factories import WorkshopFactory
from workshops.booking import rules
from workshops.models import Workshop

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue(redis_url):
    with real_worker.own_queue(redis_url) as name:
        yield name


@pytest.fixture
def workshop(db):
    return WorkshopFactory(status=Workshop.Status.AGENDA_AGREED)


@pytest.fixture
def experiment(redis_url, queue, workshop, operations_manager, tmp_path):
    """The arguments every fault experiment takes."""
    return {
        "workshop": workshop,
        "opened_by": operations_manager,
        "broker_url": redis_url,
        "queue": queue,
        "logs": tmp_path,
    }


def test_a_worker_sends_each_of_300_invitations_exactly_once(
    settings, redis_url, queue, workshop, operations_manager, tmp_path
):
    settings.MESSAGE_BATCH_SIZE = 25
    addresses = real_worker.directors(300)
    smtp = real_worker.SMTPServer()
    smtp.start()
    try:
        env = real_worker.worker_environment(redis_url, smtp.port)
        log = tmp_path / "worker.log"
        with real_worker.running_worker(env, queue, log) as worker:
            rules.open_for_booking(workshop=workshop, opened_by=operations_manager)
            real_worker.until(
                lambda: real_worker.all_sent(workshop, 300), what="every invitation sent", log=log
            )
    finally:
        smtp.stop()
    assert worker.returncode == 0

    assert smtp.accepted() == Counter(dict.fromkeys(addresses, 1))


def test_a_worker_killed_mid_send_loses_no_invitation_and_sends_none_twice(experiment):
    addresses = real_worker.directors(300)

    # From the 90th recipient on, the SMTP server answers no RCPT TO until released: the
    # worker is killed when each of its two processes has a message on the wire, its row
    # claimed in an open transaction; the other batches of 20 wait in Redis.
    outcome = real_worker.kill_mid_send(
        **experiment, addresses=addresses, hold_at=90, at=real_worker.ON_THE_WIRE
    )

    # When it died, all that the server had accepted was recorded as sent, and the two
    # messages on the wire were not.
    assert len(outcome.held) == 2
    assert outcome.accepted_at_kill == outcome.sent_at_kill == 89
    assert outcome.in_window == set()
    # The next worker sent the rest, the two on the wire included, once each.
    assert outcome.received == Counter(dict.fromkeys(addresses, 1))


def test_a_message_accepted_as_its_worker_dies_is_the_only_one_sent_twice(experiment):
    """The one window that cannot be closed: the SMTP server has accepted a message and
    the worker dies before it commits that it sent it (RFC 1047). Each message is
    committed as soon as the server accepts it, so the window holds at most one message
    per worker process, never a batch."""
    addresses = real_worker.directors(120)

    # From the 50th message on, the SMTP server accepts each and holds its "250".
    outcome = real_worker.kill_mid_send(
        **experiment, addresses=addresses, hold_at=50, at=real_worker.ACCEPTED
    )

    assert len(outcome.held) == 2
    assert outcome.accepted_at_kill == 51
    assert outcome.sent_at_kill == 49
    assert outcome.in_window == set(outcome.held)
    assert outcome.received == Counter(dict.fromkeys(addresses, 1)) + Counter(outcome.held)


def test_invitations_wait_out_an_smtp_outage_and_arrive_once(experiment):
    addresses = real_worker.directors(30)

    # Nothing listens until every invitation has been refused once; then the server
    # hangs up on the first 3 messages before accepting them, and recovers.
    outcome = real_worker.smtp_outage(**experiment, addresses=addresses, drops=3)

    assert outcome.received == Counter(dict.fromkeys(addresses, 1))
    assert outcome.dropped == 3
    # Each was refused at least once before it went: it waited out the outage.
    assert min(outcome.attempts) >= 2
