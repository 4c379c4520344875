"""A workshop's history: who changed what, and when.

``record_change`` is the one door. The rule functions (planning, agenda, the workshop
services) call it for every change they make, so that the change shows on the workshop's
steering page. It only writes the history: telling the people booked is the rule's own
business, done explicitly in the same transaction (``workshops.messages.notify``).
"""

from django.utils.text import capfirst

from workshops.models import WorkshopChange
from workshops.wording import as_read


def shown(instance, name):
    """A field's value as a person reads it on the workshop's history."""
    return as_read(instance._meta.get_field(name), getattr(instance, name))


def differences(before, after, names):
    """What changed between two versions of an instance (None for "did not exist")."""
    meta = (after if after is not None else before)._meta
    changes = []
    for name in names:
        old = shown(before, name) if before is not None else ""
        new = shown(after, name) if after is not None else ""
        if old != new:
            label = capfirst(meta.get_field(name).verbose_name)
            changes.append({"field": name, "label": label, "before": old, "after": new})
    return changes


def record_change(*, workshop, changed_by, summary, fields=(), after_agreement=None):
    """Write one line of the workshop's history.

    Unless told otherwise, a change to a workshop whose agenda is public counts as made
    after agreement: news to the people booked, whom the calling rule tells.
    """
    if after_agreement is None:
        after_agreement = workshop.agenda_is_public
    return WorkshopChange.objects.create(
        workshop=workshop,
        changed_by=changed_by,
        summary=summary,
        fields=list(fields),
        after_agreement=after_agreement,
    )
