"""Addresses no e-mail may go to: names reserved for testing and documentation.

The demonstration data gives its fictional people addresses on ``.test`` domains
(``demo.nursing@slam.nhs.test``), which the portal maps to their Trusts so that
affiliation works as for real staff. No real mailbox can be on such a name, and the
portal refuses to send to one, so that no mail meant for a made-up person leaves
it, whatever mail server is configured. The names are the special-use top-level
domains of RFC 2606 and RFC 6761.

The programme operations mailbox (``PROGRAMME_OPERATIONS_EMAIL``) is the one
exception: it is the deployer's own setting, not data, and a test or development
set-up may well put it on such a name.
"""

import logging

from django.conf import settings
from django.db.models import prefetch_related_objects

logger = logging.getLogger(__name__)

RESERVED_TOP_LEVEL_DOMAINS = ("test", "example", "invalid", "localhost")


def is_reserved(address):
    """Whether the address's domain is under a reserved top-level name."""
    domain = address.rpartition("@")[2].strip().rstrip(".").lower()
    return domain.rpartition(".")[2] in RESERVED_TOP_LEVEL_DOMAINS


def refuse_reserved(messages):
    """The outbox messages that may be sent: those to reserved domains are left out, logged.

    The recipients' addresses are read in one query, however many messages there are.
    """
    prefetch_related_objects(
        [message for message in messages if not message.to_address], "recipient"
    )
    allowed = []
    for message in messages:
        address = message.address
        if is_reserved(address) and address != settings.PROGRAMME_OPERATIONS_EMAIL:
            logger.info("Not sending %s to %s: a reserved domain", message.key, address)
        else:
            allowed.append(message)
    return allowed
