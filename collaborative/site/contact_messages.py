"""Messages from the contact page: recorded once, and passed on to the operations manager."""

from django.conf import settings
from django.db import transaction

from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail


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
