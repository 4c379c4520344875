"""``manage.py remove_demo``: delete the demonstration data, keep the Collaborative's record."""

from django.core.management.base import BaseCommand

from demo import registry, removal


class Command(BaseCommand):
    help = (
        "Delete everything load_demo made up (people, bookings, attendance, memberships, the "
        "workshops ahead, topic proposals, demonstration e-mail domains). The Trusts, the "
        "founding Trusts' memberships, the announced workshops and the reports stay."
    )

    def handle(self, *args, **options):
        if not registry.present():
            self.stdout.write("There is no demonstration data to remove.")
            return
        counts = removal.remove()
        removed = ", ".join(f"{count} {what}" for what, count in counts.items()) or "nothing"
        self.stdout.write(f"Demonstration data removed: {removed}.")
