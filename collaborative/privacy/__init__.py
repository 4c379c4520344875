"""Personal data rights (UK GDPR Art. 15, 17 and 20): a person's data as a file, erasure,
and how long the portal keeps people's data.

``export_personal_data`` gathers what the portal holds about one person, and nothing of
anyone else's. ``erase_person`` is the one door for closing an account, whoever closes it
(the person, the operations manager's admin action, the retention command): it cancels
the person's places still to come through the booking rules, then removes or anonymises
every personal field. Bookings are kept, pointing to the anonymised account
(``Booking.person`` is PROTECT), so attendance counts and the engagement dashboard do not
change. ``apply_retention`` removes unconfirmed accounts and anonymises long-inactive
people.

An e-mail address names one person, so every copy of it anywhere in the database is
replaced. A name does not, so it is removed where the portal itself put it (the person's
record, the messages and audit lines about their bookings or written by them); names
typed into published text (agenda speakers, outcomes, reports) are listed for the
operations manager by ``remaining_mentions`` rather than changed blindly.
"""

from collaborative.privacy.erasure import (
    ERASED_DOMAIN,
    Erasure,
    ErasureRefused,
    erase_person,
    erased_email,
    is_erased,
    remaining_mentions,
)
from collaborative.privacy.export import export_personal_data
from collaborative.privacy.retention import (
    UNCONFIRMED_ACCOUNT_DAYS,
    apply_retention,
    inactive_people,
    unconfirmed_accounts,
)

__all__ = [
    "ERASED_DOMAIN",
    "UNCONFIRMED_ACCOUNT_DAYS",
    "Erasure",
    "ErasureRefused",
    "apply_retention",
    "erase_person",
    "erased_email",
    "export_personal_data",
    "inactive_people",
    "is_erased",
    "remaining_mentions",
    "unconfirmed_accounts",
]
