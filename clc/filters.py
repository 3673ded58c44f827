import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.filters import WholeNumberFilter

from .choices import REPORTS_IN, ActivityReportStatus, CentreStatus
from .models import ActivityReport, Centre, Evaluation, model_at
from .selectors import centre_search


class CentreFilterSet(django_filters.FilterSet):
    """Shared by the registry page and the API."""

    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), help_text=_("Name, ignoring case and diacritics.")
    )
    district = django_filters.CharFilter(
        field_name="ward__parent__code",
        label=_("District"),
        help_text=_("GSO code of the district."),
    )
    ward = django_filters.CharFilter(
        field_name="ward__code", label=_("Ward"), help_text=_("GSO code of the ward.")
    )
    status = django_filters.ChoiceFilter(choices=CentreStatus.choices, label=_("Status"))
    model = django_filters.BooleanFilter(
        method="filter_model",
        label=_("Model centre"),
        help_text=_("True: centres holding a valid model-centre designation today."),
    )

    class Meta:
        model = Centre
        fields = ["q", "district", "ward", "status", "model"]

    def filter_q(self, queryset, name, value):
        return centre_search(queryset, value)

    def filter_model(self, queryset, name, value):
        condition = model_at(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class CentreYearFilterSet(django_filters.FilterSet):
    district = django_filters.CharFilter(
        field_name="centre__ward__parent__code",
        label=_("District"),
        help_text=_("GSO code of the district."),
    )
    centre = WholeNumberFilter(field_name="centre_id", label=_("Centre"), help_text=_("Centre id."))
    year = WholeNumberFilter(label=_("Year"))


class ActivityReportFilterSet(CentreYearFilterSet):
    status = django_filters.ChoiceFilter(choices=ActivityReportStatus.choices, label=_("Status"))
    sent_in = django_filters.BooleanFilter(
        method="filter_sent_in",
        label=_("Sent in"),
        help_text=_(
            "True: reports in with the district office (submitted or accepted), as the "
            "roll-ups count them; false: drafts and returned reports."
        ),
    )

    class Meta:
        model = ActivityReport
        fields = ["district", "centre", "year", "status", "sent_in"]

    def filter_sent_in(self, queryset, name, value):
        sent_in = Q(status__in=REPORTS_IN)
        return queryset.filter(sent_in) if value else queryset.exclude(sent_in)


class EvaluationFilterSet(CentreYearFilterSet):
    rating = django_filters.CharFilter(
        field_name="rating__code", label=_("Rating"), help_text=_("Code of the rating level.")
    )

    class Meta:
        model = Evaluation
        fields = ["district", "centre", "year", "rating"]
