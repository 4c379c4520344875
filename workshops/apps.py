from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "Workshops"

    def ready(self):
        from workshops import messaging  # noqa: F401 - connects the workshop notice receivers
