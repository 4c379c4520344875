from django.apps import AppConfig


class CollaborativeConfig(AppConfig):
    name = "collaborative"
    verbose_name = "People and site"

    def ready(self):
        from django.db.models.signals import post_migrate

        from collaborative.outbox import mail
        from collaborative.outbox.models import OutgoingEmail
        from collaborative.people import adapters
        from collaborative.people.roles import sync_programme_operations_group
        from collaborative.security import events, middleware  # noqa: F401  (their receivers)
        from collaborative.site.contact_messages import contact_context

        # What account and contact e-mails say, added when they are sent.
        adapters.register_messages()
        mail.register(OutgoingEmail.Kind.CONTACT_MESSAGE, context=contact_context)

        # Models added by later migrations join the group's permissions too.
        post_migrate.connect(sync_programme_operations_group, sender=self)
