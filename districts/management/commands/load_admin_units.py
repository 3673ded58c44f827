from django.core.management.base import BaseCommand, CommandError

from districts.services import ALL_PROVINCES, admin_units_load


class Command(BaseCommand):
    help = (
        "Load provinces, districts and wards (GSO codes and names) from the vietnam-provinces "
        "package. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            nargs="+",
            default=["79"],
            help=f'GSO province codes to load, or "{ALL_PROVINCES}" for the whole country '
            "(default: 79, Ho Chi Minh City).",
        )

    def handle(self, *args, province, **options):
        try:
            result = admin_units_load(province_codes=province)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.provinces} provinces, {result.districts} districts, "
                f"{result.wards} wards."
            )
        )
