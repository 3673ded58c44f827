from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import module_has_submodule

from learningcity.notifications.services import emails_muted


class Command(BaseCommand):
    help = (
        "Load demo data (development only), app by app: each installed app of the portal may "
        "have a demo module with demo_data_load(). Idempotent."
    )

    def handle(self, *args, **options):
        # The workflow steps the demo data takes leave notices, but e-mail nobody.
        with emails_muted():
            self._load()

    def _load(self):
        # Apps load in INSTALLED_APPS order, so accounts and periods come before what uses them.
        for app in apps.get_app_configs():
            if not module_has_submodule(app.module, "demo"):
                continue
            try:
                lines = import_module(f"{app.name}.demo").demo_data_load()
            except ImproperlyConfigured as exc:
                raise CommandError(str(exc)) from exc
            for line in lines:
                self.stdout.write(line)
