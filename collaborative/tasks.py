from celery import shared_task

from collaborative.outbox import mail
from collaborative.outbox.tasks import deliver_messages  # noqa: F401  (found here by Celery)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def retry_unsent_messages():
    """Periodic: enqueue again the outbox messages left unsent for a few minutes."""
    return mail.retry_unsent()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def apply_retention():
    """Periodic: remove unconfirmed sign-ups and anonymise long-inactive people."""
    from collaborative import privacy  # it imports the booking rules, which import this app

    return privacy.apply_retention(door="task apply_retention")
