from django.core.management.base import BaseCommand
from knox.models import AuthToken


class Command(BaseCommand):
    help = "Revoke every API token of USERNAME."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        deleted, _ = AuthToken.objects.filter(user__username=username).delete()
        self.stdout.write(f"Revoked {deleted} token(s) of {username}.")
