"""Flagging what ``load_demo`` makes up and telling it apart; and ``sync``, the helper
every part's demo loader shares.

``flag`` marks a row as demonstration data in the database (``demo.models.DemoRecord``);
pages ask ``keys`` which of their rows are made up. It knows no part, so every part can
use it; removing the demonstration data knows them all (``demo.removal``).
"""

from django.contrib.contenttypes.models import ContentType

from demo.models import DemoRecord


def flag(obj, description=None):
    """Mark ``obj`` as made up by ``load_demo``; running it again changes nothing."""
    content_type = ContentType.objects.get_for_model(obj)
    description = (description or str(obj))[:300]
    record, created = DemoRecord.objects.get_or_create(
        content_type=content_type, object_id=str(obj.pk), defaults={"description": description}
    )
    if not created and record.description != description:
        record.description = description
        record.save(update_fields=["description"])
    return obj


def sync(model, lookup, values=None):
    """The row matching ``lookup``, created or brought up to date with ``values``.

    Unlike ``update_or_create`` it saves only when a value differs, so running
    the demo load again leaves every row, ``auto_now`` timestamps included, as it was.
    """
    values = values or {}
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if not created and any(getattr(obj, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
    return obj


def is_demo(obj):
    return DemoRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).exists()


def present():
    """Whether any demonstration data is in the database."""
    return DemoRecord.objects.exists()


def keys(model):
    """The primary keys (as strings) of the model's demonstration rows."""
    return DemoRecord.objects.keys(model)
