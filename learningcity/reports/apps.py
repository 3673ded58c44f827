from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Periodic reports: the top layer, reading every app's selectors (no app imports it)."""

    name = "learningcity.reports"
    label = "reports"
    verbose_name = _("Periodic reports")
    default_auto_field = "django.db.models.BigAutoField"
