"""The two roles beyond a Trust's people: the steering group and the programme operations
manager.

A seat on the steering group is a flag the operations manager sets and a founding Trust
that is still a member (``sits_on_steering_group``). The operations manager's role is one
group with exactly what the role needs: its permissions are declared here and synced after
every ``migrate``, so a model added later is covered without another hand-written
migration, and a permission taken out of the role here is taken from the group too.
"""

from django.contrib.auth.management import create_permissions

from collaborative.people.models import User


def sits_on_steering_group(person):
    """Whether the person sits on the steering group now: the flag alone is not enough,
    their Trust must also be a founding member still (``User.objects.steering_group``)."""
    return bool(
        person.is_authenticated
        and person.is_steering_member
        and User.objects.steering_group().filter(pk=person.pk).exists()
    )


PROGRAMME_OPERATIONS_GROUP = "Programme operations"
PROGRAMME_OPERATIONS_APPS = ("collaborative", "trusts", "workshops", "resources", "demo")
ACTIONS = ("add", "change", "delete", "view")

# Every action on the portal's own models except these, each of which is either done
# another way or would destroy a record the Collaborative keeps.
WITHHELD_PERMISSIONS = {
    # A person who leaves is made inactive: their bookings and history stay.
    "collaborative.delete_user",
    # Messages come through the contact form; answered ones may be deleted.
    "collaborative.add_contactmessage",
    # The outbox is the record that each e-mail went once: a row made by hand would
    # send an e-mail outside the rules, and a deleted one would let its event send again.
    "collaborative.add_outgoingemail",
    "collaborative.delete_outgoingemail",
    # A Trust that merges or is renamed names its successor; a Trust that leaves
    # becomes inactive. Past workshops keep showing it, and decisions stay recorded.
    "trusts.delete_trust",
    "trusts.delete_membership",
    "trusts.delete_affiliationrequest",
    # A booking is cancelled, never deleted: cancelling tells the person and offers the
    # place to the waiting list (workshops.booking.rules.cancel_booking).
    "workshops.delete_booking",
    # A workshop's history is written by the rules that change it, never by hand.
    "workshops.add_workshopchange",
    "workshops.change_workshopchange",
    "workshops.delete_workshopchange",
    # So is a booking's audit trail (workshops.models.BookingEvent).
    "workshops.add_bookingevent",
    "workshops.change_bookingevent",
    "workshops.delete_bookingevent",
    # Feedback comes only from the attendees' form, and is never edited: the answers
    # carry no name, and the requests only say whether each link was used.
    "workshops.add_feedbackanswer",
    "workshops.change_feedbackanswer",
    "workshops.delete_feedbackanswer",
    "workshops.add_feedbackrequest",
    "workshops.change_feedbackrequest",
    "workshops.delete_feedbackrequest",
    # The steering group's sign-offs, comments and requests are theirs, written by the
    # agenda rules; the operations manager changes the rule, which is one row.
    "workshops.add_agendacomment",
    "workshops.change_agendacomment",
    "workshops.delete_agendacomment",
    "workshops.add_signoffrequest",
    "workshops.change_signoffrequest",
    "workshops.delete_signoffrequest",
    "workshops.add_signoffrule",
    "workshops.delete_signoffrule",
    # The register of demonstration data is written by load_demo and emptied by
    # remove_demo; the operations manager only looks at it.
    "demo.add_demorecord",
    "demo.change_demorecord",
    "demo.delete_demorecord",
}


def sync_programme_operations_group(apps=None, **kwargs):
    """Create the group if missing and give it the role's permissions, and only those."""
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for label in PROGRAMME_OPERATIONS_APPS:
        try:
            app_config = apps.get_app_config(label)
        except LookupError:
            continue  # a migration's state from before the app's first migration
        # Migration-state app configs carry no models module; create_permissions needs one.
        app_config.models_module = getattr(app_config, "models_module", None) or True
        create_permissions(app_config, apps=apps, verbosity=0)
    group, _ = Group.objects.get_or_create(name=PROGRAMME_OPERATIONS_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label__in=PROGRAMME_OPERATIONS_APPS,
        codename__regex=rf"^({'|'.join(ACTIONS)})_",
    ).select_related("content_type")
    wanted = [
        permission
        for permission in permissions
        if f"{permission.content_type.app_label}.{permission.codename}" not in WITHHELD_PERMISSIONS
    ]
    group.permissions.set(wanted)
    return group
