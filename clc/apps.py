from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClcConfig(AppConfig):
    name = "clc"
    verbose_name = _("Community learning centres")

    def ready(self) -> None:
        from learningcity.deadlines.choices import ObligationKind
        from learningcity.deadlines.registry import register

        from . import selectors

        register(
            ObligationKind.CLC_REPORT,
            submitted=selectors.reports_submitted,
            entry_url=selectors.reports_entry_url,
        )
