from django.apps import AppConfig


class CollaborativeConfig(AppConfig):
    name = "collaborative"
    verbose_name = "People and site"

    def ready(self):
        from django.db.models.signals import post_migrate

        from collaborative.people.roles import sync_programme_operations_group
        from collaborative.security import events, middleware  # noqa: F401  (their receivers)

        # Models added by later migrations join the group's permissions too.
        post_migrate.connect(sync_programme_operations_group, sender=self)
