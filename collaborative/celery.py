"""The Celery application, and the beat scheduler that lets beat run on several machines.

Tasks live in each app's ``tasks.py``.
"""

import copy
import logging
import os

import redis
from celery import Celery
from celery.beat import PersistentScheduler
from celery.schedules import schedule as every

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collaborative.settings")

app = Celery("collaborative")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)

# How long a claimed slot is remembered: past the moment any other beat could still
# reach the same slot. Crontab slots are minutes.
CRONTAB_CLAIM_SECONDS = 3600


def slot_of(schedule, now):
    """The slot a due run of ``schedule`` at ``now`` belongs to, the same on every machine.

    An interval's slots are its intervals counted from the epoch, so two beats started
    at different moments agree on them; a crontab fires at whole minutes, so its slot
    is the minute.
    """
    seconds = schedule.seconds if type(schedule) is every else 60
    return int(now.timestamp() // seconds)


def claim_seconds(schedule):
    if type(schedule) is every:
        return max(1, round(2 * schedule.seconds))
    return CRONTAB_CLAIM_SECONDS


class OneSendPerSlot(PersistentScheduler):
    """Celery beat's scheduler, safe with a beat on each of several machines.

    Every beat keeps its own schedule and wakes up for each due task; before sending
    it claims the task's slot in Redis (``SET NX``). Only the beat whose claim
    succeeds sends, so a task goes once per slot however many beats run, and goes on
    going while any one of them runs. The task's id names the slot, so the workers'
    logs show one run of each. The outbox's unique keys still decide what is sent:
    this keeps the workers from doing a periodic task's work twice.
    """

    def setup_schedule(self):
        super().setup_schedule()
        self.claims = redis.Redis.from_url(self.app.conf.broker_url)

    def apply_entry(self, entry, producer=None):
        slot = f"nmhwdc:beat:{entry.name}:{slot_of(entry.schedule, self.app.now())}"
        try:
            claimed = self.claims.set(slot, 1, nx=True, ex=claim_seconds(entry.schedule))
        except redis.RedisError:
            # The broker is the same Redis: the task could not be sent either. The next
            # slot tries again.
            logger.exception("Scheduler: could not claim %s", slot)
            return
        if not claimed:
            logger.info("Scheduler: %s was sent by another beat", slot)
            return
        entry = copy.copy(entry)
        entry.options = {**entry.options, "task_id": slot}
        super().apply_entry(entry, producer=producer)
