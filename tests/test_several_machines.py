"""The portal on several machines: two beats, two workers, one outbox, nothing done twice.

The processes are started as production starts them (``celery beat``, ``celery worker``)
against Redis, the test database and an SMTP server (aiosmtpd) that counts what it
accepts, as ``tests/real_worker.py`` does for the fault tests. Beat runs the portal's
schedule with every task due each second (``tests/fast_beat_settings.py``). Every wait
follows an event (a task run, a message held or sent), with a timeout only against a
hang, so a slow machine takes longer but reaches the same state.
"""

import datetime
import os
import re
import signal
import subprocess
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from celery.schedules import crontab, schedule

from collaborative.celery import claim_seconds, slot_of
from collaborative.outbox.tasks import deliver_messages
from collaborative.settings import BASE_DIR, CELERY_BEAT_SCHEDULE
from tests import real_worker
from tests.factories import WorkshopFactory
from workshops.booking import rules
from workshops.models import Workshop

pytestmark = pytest.mark.slow

# The worker's log line for each task it runs, with the task's id (the beat's slot).
RAN = re.compile(r"Task (\S+)\[(\S+)\] succeeded")
RECEIVED = re.compile(r"Task (\S+)\[(\S+)\] received")
SKIPPED = "was sent by another beat"


@contextmanager
def running_beat(env, directory, log):
    """``celery beat`` as the compose service runs it, with its own schedule file;
    stopped (SIGTERM) on exit."""
    command = [real_worker.CELERY, "-A", "collaborative", "beat", "--loglevel", "INFO"]
    command += ["--schedule", str(directory / f"{log.stem}-schedule")]
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
        real_worker.until(
            lambda: "beat: Starting..." in log.read_text() or process.poll() is not None,
            what="beat starting",
            log=log,
        )
        assert process.poll() is None, log.read_text()
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=real_worker.HANG)


def fast_schedule(env, queue):
    return {**env, "DJANGO_SETTINGS_MODULE": "tests.fast_beat_settings", "TEST_QUEUE": queue}


def runs(log, pattern=RAN):
    """Each task id the worker's log shows, with how many times, by task name."""
    found = {}
    for name, task_id in pattern.findall(Path(log).read_text(errors="replace")):
        found.setdefault(name, Counter())[task_id] += 1
    return found


@pytest.fixture
def queue(redis_url):
    with real_worker.own_queue(redis_url, prefix="test-machines") as name:
        yield name


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beats_send_each_periodic_task_once_per_slot(redis_url, queue, tmp_path):
    env = fast_schedule(real_worker.worker_environment(redis_url, real_worker.free_port()), queue)
    worker_log, beat_logs = (
        tmp_path / "worker.log",
        [tmp_path / "beat-a.log", tmp_path / "beat-b.log"],
    )
    tasks = {entry["task"] for entry in CELERY_BEAT_SCHEDULE.values()}

    def enough():
        ran = runs(worker_log)
        return all(len(ran.get(task, ())) >= 5 for task in tasks) and any(
            SKIPPED in log.read_text() for log in beat_logs
        )

    with real_worker.running_worker(env, queue, worker_log), ExitStack() as beats:
        for log in beat_logs:
            beats.enter_context(running_beat(env, tmp_path, log))
        real_worker.until(enough, what="five runs of every periodic task", log=worker_log)

    received = runs(worker_log, RECEIVED)
    assert set(received) == tasks
    # Every task the worker was given came from a beat's claimed slot, and no slot twice.
    for ids in received.values():
        assert all(task_id.startswith("nmhwdc:beat:") for task_id in ids), ids
        assert set(ids.values()) == {1}, {task_id: n for task_id, n in ids.items() if n > 1}
    # Both beats were due for the same slots: one sent, the other stood aside.
    assert all(
        "Sending due task" in log.read_text() or SKIPPED in log.read_text() for log in beat_logs
    )


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_and_two_beats_send_each_invitation_once(
    redis_url, queue, operations_manager, settings, tmp_path
):
    """Two workers deliver one outbox at once, while two beats' sweeps enqueue every unsent
    message again each second (MESSAGE_RETRY_AFTER_MINUTES=0): each message goes once."""
    settings.MESSAGE_BATCH_SIZE = 10
    workshop = WorkshopFactory(status=Workshop.Status.AGENDA_AGREED)
    addresses = real_worker.directors(40)
    # The first message each process sends is accepted, then its answer held: the test
    # goes on only when two processes, one in each worker, are sending at once.
    smtp = real_worker.SMTPServer(hold_accepted_from=1)
    smtp.start()
    try:
        with ExitStack() as machines:
            for name in ("a", "b"):
                env = real_worker.worker_environment(
                    redis_url, smtp.port, name=f"{queue}-{name}", MESSAGE_RETRY_AFTER_MINUTES="0"
                )
                env = fast_schedule(env, queue)
                log = tmp_path / f"worker-{name}.log"
                machines.enter_context(real_worker.running_worker(env, queue, log, concurrency=1))
                machines.enter_context(running_beat(env, tmp_path, tmp_path / f"beat-{name}.log"))
            rules.open_for_booking(workshop=workshop, opened_by=operations_manager)
            smtp.wait(lambda server: len(server.held) >= 2, what="both workers sending")
            smtp.release()
            real_worker.until(
                lambda: real_worker.all_sent(workshop, len(addresses)),
                what="every invitation sent",
                log=tmp_path / "worker-a.log",
            )
    finally:
        smtp.stop()

    assert smtp.accepted() == Counter(dict.fromkeys(addresses, 1))
    for name in ("a", "b"):
        assert deliver_messages.name in runs(tmp_path / f"worker-{name}.log"), name


def test_an_interval_slot_is_the_same_for_beats_started_at_different_moments():
    every_five_minutes = schedule(300.0)
    at = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    seconds = datetime.timedelta(seconds=1)
    assert slot_of(every_five_minutes, at) == slot_of(every_five_minutes, at + 299 * seconds)
    assert slot_of(every_five_minutes, at + 300 * seconds) == slot_of(every_five_minutes, at) + 1
    assert claim_seconds(every_five_minutes) == 600


def test_a_crontab_slot_is_its_minute():
    hourly = crontab(minute=0)
    at = datetime.datetime(2026, 3, 2, 9, 0, 1, tzinfo=datetime.UTC)
    assert slot_of(hourly, at) == slot_of(hourly, at + datetime.timedelta(seconds=58))
    assert slot_of(hourly, at) != slot_of(hourly, at + datetime.timedelta(minutes=1))
    assert claim_seconds(hourly) == 3600


def test_beat_runs_the_scheduler_that_claims_each_slot(settings):
    assert settings.CELERY_BEAT_SCHEDULER == "collaborative.celery:OneSendPerSlot"
