import django_filters
from django.utils.translation import gettext_lazy as _

from districts.filters import PeriodFilterSet

from .choices import SubmissionStatus
from .models import Indicator, Submission


class IndicatorFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(
        field_name="area__code", label=_("Area of focus"), help_text=_("Code of the area (BB4).")
    )
    group = django_filters.CharFilter(
        field_name="area__group__code",
        label=_("Group"),
        help_text=_("Code of the group (WB, BB, FC)."),
    )

    class Meta:
        model = Indicator
        fields = ["area", "group"]


class SubmissionFilterSet(PeriodFilterSet):
    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices, label=_("Status"))

    class Meta:
        model = Submission
        fields = ["district", "period", "status"]
