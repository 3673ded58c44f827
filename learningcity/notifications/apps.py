from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notices and their e-mails.

    In the bottom layer, beside the rest of ``learningcity``: every app's services may call
    ``notify()``, and this app imports nothing above ``learningcity``.
    """

    name = "learningcity.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"
