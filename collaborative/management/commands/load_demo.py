"""``manage.py load_demo``: the Collaborative's demonstration data, safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from collaborative import demo_data as accounts_demo
from resources import demo_data as resources_demo
from resources.models import Resource
from trusts import demo_data as trusts_demo
from trusts.models import StakeholderBody, Trust
from workshops import demo_attendance
from workshops import demo_data as workshops_demo
from workshops.models import Workshop


class Command(BaseCommand):
    help = (
        "Load demonstration Trusts, stakeholder bodies, workshops, resources and one account "
        "per role. Running it again changes nothing; the programme ahead follows today's date."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "load_demo creates accounts whose passwords are published; "
                "it does not run with DJANGO_ENV=production."
            )
        with transaction.atomic():
            trusts_demo.load()
            workshops_demo.load(today=timezone.localdate())
            resources_demo.load()
            accounts_demo.load_accounts()
            # Topic proposals come from the demo steering member, so after the accounts.
            workshops_demo.load_steering_group()
            demo_attendance.load()
        self.stdout.write(
            f"Demo data loaded: {Trust.objects.count()} Trusts "
            f"({Trust.objects.founding().count()} founding), "
            f"{StakeholderBody.objects.count()} stakeholder bodies, "
            f"{Workshop.objects.count()} workshops "
            f"({Workshop.objects.upcoming().count()} ahead), "
            f"{Resource.objects.count()} resources."
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
