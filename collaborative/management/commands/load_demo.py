"""``manage.py load_demo``: the Collaborative's record and demonstration data, safe to run again.

What the Collaborative's own pages say (its founding Trusts, the events it announced,
its reports) is loaded as its record; what is made up to try the portal with (people,
bookings, attendance, memberships, the workshops ahead, topic proposals) is flagged as
demonstration data, and every page says so while any is present. ``load_demo --remove``
(or ``remove_demo``) takes the made-up part out again.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from collaborative import demo_data as accounts_demo
from collaborative.inputs import page_cache
from demo import removal
from demo.models import DemoRecord
from resources import demo_data as resources_demo
from resources.models import Resource
from trusts import demo_data as trusts_demo
from trusts.models import StakeholderBody, Trust
from workshops import demo_attendance
from workshops import demo_data as workshops_demo
from workshops.models import Workshop


class Command(BaseCommand):
    help = (
        "Load the Collaborative's record (Trusts, founding Trusts, past events, resources) and "
        "demonstration data flagged as such (one account per role, memberships, bookings, the "
        "workshops ahead). Running it again changes nothing; the programme ahead follows "
        "today's date. With --remove, delete the demonstration data instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--remove",
            action="store_true",
            help="Delete the demonstration data (as remove_demo does) and load nothing.",
        )

    def handle(self, *args, **options):
        if options["remove"]:
            counts = removal.remove()
            removed = ", ".join(f"{count} {what}" for what, count in counts.items()) or "nothing"
            self.stdout.write(f"Demonstration data removed: {removed}.")
            return
        if settings.PRODUCTION:
            raise CommandError(
                "load_demo creates accounts whose passwords are published; "
                "it does not run with DJANGO_ENV=production."
            )
        with transaction.atomic():
            # Addresses earlier loads put on real NHS domains move to reserved .test ones.
            accounts_demo.move_demo_addresses()
            trusts_demo.load()
            workshops_demo.load(today=timezone.localdate())
            resources_demo.load()
            accounts_demo.load_accounts()
            # Topic proposals come from the demo steering member, so after the accounts.
            workshops_demo.load_steering_group()
            demo_attendance.load()
            page_cache.site_changed()
        self.stdout.write(
            f"Demo data loaded: {Trust.objects.count()} Trusts "
            f"({Trust.objects.founding().count()} founding), "
            f"{StakeholderBody.objects.count()} stakeholder bodies, "
            f"{Workshop.objects.count()} workshops "
            f"({Workshop.objects.upcoming().count()} ahead), "
            f"{Resource.objects.count()} resources. "
            f"{DemoRecord.objects.count()} rows are demonstration data: made up, and flagged "
            "so on every page (remove them with manage.py remove_demo)."
        )
        self.write_accounts()

    def write_accounts(self):
        rows = [("E-mail", "Password", "Role")]
        rows += [
            (account.email, account.password, account.role)
            for account in accounts_demo.DEMO_ACCOUNTS
        ]
        email_width = max(len(row[0]) for row in rows)
        password_width = max(len(row[1]) for row in rows)
        self.stdout.write("")
        for email, password, role in rows:
            self.stdout.write(f"{email:<{email_width}}  {password:<{password_width}}  {role}")
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(
                "These accounts are for demonstration only. A password is set when its account "
                "is created; a later run leaves it as it is."
            )
        )
