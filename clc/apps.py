from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClcConfig(AppConfig):
    name = "clc"
    verbose_name = _("Community learning centres")
