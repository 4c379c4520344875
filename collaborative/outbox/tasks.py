from smtplib import SMTPException

from celery import shared_task

from collaborative.outbox import mail


@shared_task(
    name="collaborative.tasks.deliver_messages",  # the name queued messages and workers know
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
)
def deliver_messages(ids):
    """Send these outbox messages over one SMTP connection; safe to run again.

    A worker killed mid-batch gives the task back to the broker (acks_late,
    reject_on_worker_lost), and the messages already sent are skipped when it
    runs again; only one the server accepted in the instant before the crash
    can go twice (see ``mail.deliver``). A connection problem retries with a
    growing, jittered delay; past the last retry the sweep
    (``retry_unsent_messages``) takes over.
    """
    return mail.deliver_batch(ids)
