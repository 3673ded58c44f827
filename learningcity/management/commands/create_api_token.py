import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken


class Command(BaseCommand):
    help = (
        "Issue an API token for USERNAME and print it once. Only a hash is stored; "
        "revoke it with revoke_api_tokens or in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--days", type=int, default=None, help="Expire the token after this many days."
        )

    def handle(self, *args, username, days, **options):
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No active user named {username!r}.") from exc
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        expiry = datetime.timedelta(days=days) if days else None
        _instance, token = AuthToken.objects.create(user=user, expiry=expiry)
        self.stdout.write(token)
