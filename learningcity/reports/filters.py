import django_filters
from django.utils.translation import gettext_lazy as _

from learningcity.filters import WholeNumberFilter

from .choices import ReportKind, ReportStatus
from .models import Report

CITY = "city"


class ReportFilterSet(django_filters.FilterSet):
    """Shared by the archive page and the API."""

    kind = django_filters.ChoiceFilter(choices=ReportKind.choices, label=_("Kind"))
    year = WholeNumberFilter(
        field_name="period__year",
        label=_("Year"),
        help_text=_("Year of the report's period (a UNESCO report: its last year)."),
    )
    period = django_filters.CharFilter(
        field_name="period__code",
        label=_("Reporting period"),
        help_text=_("Period code: 2025, 2025-H1, 2025-Q3, 2025-M07."),
    )
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("Status"))
    district = django_filters.CharFilter(
        method="filter_district",
        label=_("District"),
        help_text=_("GSO code of the district, or “city” for the city's reports."),
    )

    class Meta:
        model = Report
        fields = ["kind", "year", "period", "status", "district"]

    def filter_district(self, queryset, name, value):
        if value == CITY:
            return queryset.filter(district__isnull=True)
        return queryset.filter(district__code=value)
