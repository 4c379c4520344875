from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from collaborative import mail
from collaborative.models import ContactMessage


@shared_task(
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
    runs again. A connection problem retries with a growing, jittered delay;
    past the last retry the sweep (``retry_unsent_messages``) takes over.
    """
    return mail.deliver_batch(ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def retry_unsent_messages():
    """Periodic: enqueue again the outbox messages left unsent for a few minutes."""
    return mail.retry_unsent()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_programme_operations(contact_message_id):
    """E-mail the programme operations manager about a contact message, once.

    The conditional UPDATE claims the message: a retry or a redelivered task
    finds ``notified_at`` set and sends nothing. The claim commits only once
    the e-mail has gone, so a failed send (an ``OSError`` from SMTP) leaves
    the message unclaimed for the retry.
    """
    with transaction.atomic():
        claimed = ContactMessage.objects.filter(
            pk=contact_message_id, notified_at__isnull=True
        ).update(notified_at=timezone.now())
        if not claimed:
            return
        message = ContactMessage.objects.get(pk=contact_message_id)
        sender = f"{message.name} <{message.email}>"
        if message.organisation:
            sender += f", {message.organisation}"
        admin_path = reverse("admin:collaborative_contactmessage_change", args=[message.pk])
        EmailMessage(
            # A header cannot hold line breaks, and the subject came from a form.
            subject="Contact form: " + " ".join(message.subject.split()),
            body=(
                f"{sender} wrote:\n\n{message.message}\n\n"
                "Reply to this e-mail to answer them, then mark the message answered at "
                f"{settings.PORTAL_BASE_URL}{admin_path}\n"
            ),
            to=[settings.PROGRAMME_OPERATIONS_EMAIL],
            reply_to=[message.email],
        ).send()
