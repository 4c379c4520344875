"""A workshop's history: who changed what, and when.

``record_change`` is the one door. The planning and agenda rules call it for every change
they make; anything else that changes a workshop (an admin save, say) can call it too, so
that the change shows on the workshop's steering page.
"""

import datetime

from django.db import transaction
from django.utils import formats
from django.utils.text import capfirst

from workshops import signals
from workshops.models import Workshop, WorkshopChange


def shown(instance, name):
    """A field's value as a person reads it."""
    value = getattr(instance, name)
    if value is None or value == "":
        return ""
    if instance._meta.get_field(name).choices:
        return getattr(instance, f"get_{name}_display")()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return formats.date_format(value)
    return str(value)


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
    after agreement, and ``agenda_changed`` goes out once the transaction commits, so
    that the people booked can be told.
    """
    if after_agreement is None:
        after_agreement = workshop.agenda_is_public
    change = WorkshopChange.objects.create(
        workshop=workshop,
        changed_by=changed_by,
        summary=summary,
        fields=list(fields),
        after_agreement=after_agreement,
    )
    if after_agreement:
        transaction.on_commit(
            lambda: signals.agenda_changed.send(
                sender=Workshop, workshop=workshop, changed_by=changed_by, summary=summary
            )
        )
    return change
