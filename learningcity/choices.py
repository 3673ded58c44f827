from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DEPARTMENT_ADMIN = "department_admin", _("Department administrator")
    DEPARTMENT_REVIEWER = "department_reviewer", _("Department reviewer")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    API_CONSUMER = "api_consumer", _("API consumer")


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Year")
    HALF_YEAR = "half_year", _("Half-year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")
