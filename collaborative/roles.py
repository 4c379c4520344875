"""The programme operations manager's role: one group with exactly what the role needs.

The permissions are declared here and synced after every ``migrate``, so a
model added later is covered without another hand-written migration.
"""

from django.contrib.auth.management import create_permissions

PROGRAMME_OPERATIONS_GROUP = "Programme operations"
PROGRAMME_OPERATIONS_APPS = ("collaborative", "trusts", "workshops", "resources")
ACTIONS = ("add", "change", "delete", "view")


def sync_programme_operations_group(apps=None, **kwargs):
    """Create the group if missing and give it every action on the portal's own models."""
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for label in PROGRAMME_OPERATIONS_APPS:
        app_config = apps.get_app_config(label)
        # Migration-state app configs carry no models module; create_permissions needs one.
        app_config.models_module = getattr(app_config, "models_module", None) or True
        create_permissions(app_config, apps=apps, verbosity=0)
    group, _ = Group.objects.get_or_create(name=PROGRAMME_OPERATIONS_GROUP)
    wanted = Permission.objects.filter(
        content_type__app_label__in=PROGRAMME_OPERATIONS_APPS,
        codename__regex=rf"^({'|'.join(ACTIONS)})_",
    )
    group.permissions.add(*wanted)
    return group
