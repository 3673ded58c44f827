from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningCityConfig(AppConfig):
    name = "learningcity"
    verbose_name = _("Learning city")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_sign_in

        user_logged_in.connect(stamp_sign_in, dispatch_uid="learningcity.stamp_sign_in")
