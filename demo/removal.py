"""``remove`` deletes every row ``load_demo`` flagged, and what depends on it, leaving the
Collaborative's own record (Trusts, founding memberships, the workshops the seeds
announce, reports) as it was. It names every part's models, so it sits with the shell.
"""

from django.apps import apps
from django.db import transaction
from django.db.models import Q

from collaborative.inputs import page_cache
from demo.models import DemoRecord
from workshops.messages.content import about_booking, about_workshop


def _pks(model):
    """The primary keys of the model's flagged rows, as the model's own type."""
    field = model._meta.pk
    return [field.to_python(key) for key in DemoRecord.objects.keys(model)]


def _removal_plan():
    """(what, model, filter) in the order rows must go: what refers to a row goes first.

    Besides the flagged rows this takes what hangs on them and was not flagged: a
    booking someone made at a demonstration workshop while trying the portal, its audit
    trail and e-mails.
    """
    model = apps.get_model
    User, Workshop, Booking = (
        model("collaborative.User"),
        model("workshops.Workshop"),
        model("workshops.Booking"),
    )
    people, workshops = _pks(User), _pks(Workshop)
    bookings = list(
        Booking.objects.filter(
            Q(pk__in=_pks(Booking)) | Q(person__in=people) | Q(workshop__in=workshops)
        ).values_list("pk", flat=True)
    )
    return [
        (
            "outgoing e-mails",
            model("collaborative.OutgoingEmail"),
            Q(recipient__in=people)
            | Q(about__in=[about_workshop(pk) for pk in workshops])
            | Q(about__in=[about_booking(pk) for pk in bookings]),
        ),
        ("booking audit trail", model("workshops.BookingEvent"), Q(booking__in=bookings)),
        ("bookings", Booking, Q(pk__in=bookings)),
        (
            "invitations",
            model("workshops.Invitation"),
            Q(person__in=people) | Q(workshop__in=workshops),
        ),
        (
            "topic support",
            model("workshops.TopicSupport"),
            Q(person__in=people) | Q(pk__in=_pks(model("workshops.TopicSupport"))),
        ),
        (
            "topic proposals",
            model("workshops.TopicProposal"),
            Q(pk__in=_pks(model("workshops.TopicProposal"))),
        ),
        ("workshop history", model("workshops.WorkshopChange"), Q(workshop__in=workshops)),
        ("agenda items", model("workshops.AgendaItem"), Q(workshop__in=workshops)),
        ("workshops", Workshop, Q(pk__in=workshops)),
        ("memberships", model("trusts.Membership"), Q(pk__in=_pks(model("trusts.Membership")))),
        (
            "e-mail domains",
            model("trusts.EmailDomain"),
            Q(pk__in=_pks(model("trusts.EmailDomain"))),
        ),
        ("people", User, Q(pk__in=people)),
    ]


@transaction.atomic
def remove():
    """Delete every demonstration row and what hangs on it; returns what went, by kind."""
    counts = {}
    for what, model, condition in _removal_plan():
        deleted, _ = model.objects.filter(condition).delete()
        if deleted:
            counts[what] = deleted
    DemoRecord.objects.all().delete()
    page_cache.site_changed()
    return counts
