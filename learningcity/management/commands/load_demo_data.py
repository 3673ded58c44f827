from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from learningcity.demo import DEMO_PASSWORD, demo_data_load


class Command(BaseCommand):
    help = "Create the demo accounts and reporting periods (development only). Idempotent."

    def handle(self, *args, **options):
        try:
            accounts = demo_data_load()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD})"))
        for account in accounts:
            scope = f"  [{account.unit_code}]" if account.unit_code else ""
            self.stdout.write(f"  {account.username:<12} {account.role:<20}{scope}")
