"""Workshop events other parts of the portal react to (messages to people booked, history).

Sent by the agenda and workshop services after the change is saved; receivers
that send e-mail must do so after commit.
"""

from django.dispatch import Signal

# The steering group agreed the agenda: kwargs workshop, agreed_by.
agenda_agreed = Signal()
# An agreed agenda changed afterwards: kwargs workshop, changed_by, summary (a sentence).
agenda_changed = Signal()
