from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    """Reporting obligations, timeliness and entry locks.

    In the bottom layer, so every app's services can ask whether entry is open; the apps that
    own submissions register where theirs are read from (``registry``) in their ``ready()``.
    """

    name = "learningcity.deadlines"
    label = "deadlines"
    verbose_name = _("Deadlines")
    default_auto_field = "django.db.models.BigAutoField"
