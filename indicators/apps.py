from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("UNESCO indicators")

    def ready(self) -> None:
        from learningcity.deadlines.choices import ObligationKind
        from learningcity.deadlines.registry import register

        from . import selectors, signals

        signals.connect()
        register(
            ObligationKind.INDICATOR_SUBMISSION,
            submitted=selectors.submissions_submitted,
            entry_url=selectors.submission_entry_url,
        )
