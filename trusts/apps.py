from django.apps import AppConfig


class TrustsConfig(AppConfig):
    name = "trusts"
    verbose_name = "Trusts and stakeholders"

    def ready(self):
        from trusts import signals  # noqa: F401 - connects the receivers
