from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "Workshops"

    def ready(self):
        from workshops.messages import content

        # What workshop and booking e-mails say, and their calendar files, added when sent.
        content.register_messages()
