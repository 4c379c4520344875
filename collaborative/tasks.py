from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from collaborative.models import ContactMessage


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
