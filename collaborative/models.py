"""Django loads an app's models from here; they live with their parts.

The account and the outbox are the bottom layer every part uses; the contact messages belong
to the portal's own pages. See ARCHITECTURE.md.
"""

from collaborative.outbox.models import OutgoingEmail, OutgoingEmailQuerySet
from collaborative.people.models import (
    DIRECTOR_LEVEL,
    FunctionalArea,
    Seniority,
    User,
    UserManager,
    UserQuerySet,
)
from collaborative.site.models import ContactMessage

__all__ = [
    "DIRECTOR_LEVEL",
    "ContactMessage",
    "FunctionalArea",
    "OutgoingEmail",
    "OutgoingEmailQuerySet",
    "Seniority",
    "User",
    "UserManager",
    "UserQuerySet",
]
