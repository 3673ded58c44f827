from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictsConfig(AppConfig):
    name = "districts"
    verbose_name = _("Districts")

    def ready(self) -> None:
        from learningcity.deadlines.choices import ObligationKind
        from learningcity.deadlines.registry import register

        from . import selectors

        register(
            ObligationKind.INTERIM_REVIEW,
            submitted=selectors.reviews_submitted,
            entry_url=selectors.review_entry_url,
        )
