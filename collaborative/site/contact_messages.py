"""Messages from the contact page: recorded once, and passed on to the operations manager."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from collaborative.site.models import ContactMessage


def contact_message_key(message):
    """The outbox key of the e-mail that tells the operations manager about a contact message."""
    return f"contact:m{message.pk}"


def receive_contact_message(message, *, sent_by=None):
    """Keep a message from the contact page and e-mail it to the programme operations manager.

    ``message`` is an unsaved ContactMessage, as the contact form gives it. The
    message and its e-mail (to ``PROGRAMME_OPERATIONS_EMAIL``, answered by
    replying to the sender) are saved in one transaction: both or neither. The
    e-mail goes through the outbox once this commits, so it is sent once
    however often delivery runs, and is kept for the sweep if the mail server
    is away.
    """
    with transaction.atomic():
        message.sent_by = sent_by
        message.save()
        mail.record(
            [
                OutgoingEmail(
                    kind=OutgoingEmail.Kind.CONTACT_MESSAGE,
                    key=contact_message_key(message),
                    to_address=settings.PROGRAMME_OPERATIONS_EMAIL,
                    context={"contact_message_id": message.pk},
                )
            ]
        )
    return message


def contact_context(message):
    """What the operations manager's e-mail shows: the contact message as it was sent, with
    answers going to its sender (registered with the outbox by the app's ``ready()``)."""
    contact = ContactMessage.objects.get(pk=message.context["contact_message_id"])
    admin_path = reverse("admin:collaborative_contactmessage_change", args=[contact.pk])
    return {
        "contact": contact,
        "received": mail.moment(contact.received_at),
        "reply_to": contact.email,
        "admin_url": mail.portal_url(admin_path),
    }
