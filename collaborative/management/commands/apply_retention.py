from django.core.management.base import BaseCommand

from collaborative import privacy


class Command(BaseCommand):
    help = (
        "Remove accounts nobody confirmed within 30 days (never signed in, no booking) and "
        "anonymise people inactive for PERSONAL_DATA_RETENTION_DAYS. Celery beat runs it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count who is due, and change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            removed = privacy.unconfirmed_accounts().count()
            anonymised = privacy.inactive_people().count()
            verb = "would be"
        else:
            result = privacy.apply_retention(door="command apply_retention")
            removed, anonymised = result["removed"], result["anonymised"]
            verb = "were"
        self.stdout.write(
            f"{removed} unconfirmed account(s) {verb} removed and {anonymised} inactive "
            f"person(s) {verb} anonymised."
        )
