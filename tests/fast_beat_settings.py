"""The portal's settings with every periodic task due each second, for the tests that run
beat for real (``tests/test_several_machines.py``).

Tasks go to the test's own queue (``TEST_QUEUE``), where no other worker on Redis takes
them, and the schedule's names carry it too, so that the beats' claims are the test's own.
"""

import os

from collaborative.settings import *  # noqa: F403
from collaborative.settings import CELERY_BEAT_SCHEDULE as PORTAL_SCHEDULE

CELERY_TASK_DEFAULT_QUEUE = os.environ["TEST_QUEUE"]
CELERY_BEAT_SCHEDULE = {
    f"{name}-{CELERY_TASK_DEFAULT_QUEUE}": {**entry, "schedule": 1.0}
    for name, entry in PORTAL_SCHEDULE.items()
}
