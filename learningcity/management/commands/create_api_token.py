import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken
from knox.settings import knox_settings


class Command(BaseCommand):
    help = (
        "Issue an API token for USERNAME and print it once. Only a hash is stored; "
        "revoke it with revoke_api_tokens or in the admin. It expires after "
        "API_TOKEN_TTL_DAYS days unless --days or --no-expiry says otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        expiry = parser.add_mutually_exclusive_group()
        expiry.add_argument(
            "--days",
            type=int,
            default=None,
            help="Expire the token after this many days (default: API_TOKEN_TTL_DAYS).",
        )
        expiry.add_argument(
            "--no-expiry", action="store_true", help="Issue a token that never expires."
        )

    def handle(self, *args, username, days, no_expiry, **options):
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No active user named {username!r}.") from exc
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        if no_expiry:
            expiry = None
        elif days is not None:
            expiry = datetime.timedelta(days=days)
        else:
            expiry = knox_settings.TOKEN_TTL  # API_TOKEN_TTL_DAYS
        _instance, token = AuthToken.objects.create(user=user, expiry=expiry)
        self.stdout.write(token)
