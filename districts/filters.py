import django_filters
from django.utils.translation import gettext_lazy as _

from learningcity.filters import WholeNumberFilter

from .choices import ReviewStatus, TaskStatus
from .models import (
    CommitteeMember,
    ImplementationPlan,
    InterimReview,
    KeyTask,
    KeyTaskProgress,
    SteeringCommittee,
)
from .selectors import unit_search


class UnitFilterSet(django_filters.FilterSet):
    """Shared by the pages and the API: search by name, narrow by parent unit."""

    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), help_text=_("Name, ignoring case and diacritics.")
    )

    def filter_q(self, queryset, name, value):
        return unit_search(queryset, value)


class DistrictFilterSet(UnitFilterSet):
    province = django_filters.CharFilter(
        field_name="parent__code", label=_("Province"), help_text=_("GSO code of the province.")
    )


class WardFilterSet(UnitFilterSet):
    district = django_filters.CharFilter(
        field_name="parent__code", label=_("District"), help_text=_("GSO code of the district.")
    )


# --- Programme ------------------------------------------------------------------------------------


class DistrictOwnedFilterSet(django_filters.FilterSet):
    """Rows a district owns, narrowed by the district's GSO code."""

    district = django_filters.CharFilter(
        field_name="district__code", label=_("District"), help_text=_("GSO code of the district.")
    )


class DecisionFilterSet(DistrictOwnedFilterSet):
    """Committees and plans: the current document or the ones it superseded."""

    current = django_filters.BooleanFilter(
        method="filter_current",
        label=_("Current"),
        help_text=_("True: only the document in force; false: only superseded ones."),
    )

    def filter_current(self, queryset, name, value):
        return queryset.filter(superseded_at__isnull=value)


class CommitteeFilterSet(DecisionFilterSet):
    class Meta:
        model = SteeringCommittee
        fields = ["district", "current"]


class PlanFilterSet(DecisionFilterSet):
    class Meta:
        model = ImplementationPlan
        fields = ["district", "current"]


class CommitteeMemberFilterSet(django_filters.FilterSet):
    committee = WholeNumberFilter(
        field_name="committee_id", label=_("Steering committee"), help_text=_("Committee id.")
    )
    district = django_filters.CharFilter(
        field_name="committee__district__code",
        label=_("District"),
        help_text=_("GSO code of the district."),
    )

    class Meta:
        model = CommitteeMember
        fields = ["committee", "district"]


class KeyTaskFilterSet(django_filters.FilterSet):
    year = WholeNumberFilter(
        method="filter_year", label=_("Year"), help_text=_("Only the tasks that apply that year.")
    )

    class Meta:
        model = KeyTask
        fields = ["year", "is_active"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_year__lte=value, end_year__gte=value)


class PeriodFilterSet(DistrictOwnedFilterSet):
    period = django_filters.CharFilter(
        field_name="period__code",
        label=_("Reporting period"),
        help_text=_("Period code: 2025, 2025-H1, 2025-Q3, 2025-M07."),
    )


class KeyTaskProgressFilterSet(PeriodFilterSet):
    key_task = django_filters.CharFilter(
        field_name="key_task__code", label=_("Key task"), help_text=_("Code of the key task.")
    )
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("Status"))

    class Meta:
        model = KeyTaskProgress
        fields = ["district", "period", "key_task", "status"]


class InterimReviewFilterSet(PeriodFilterSet):
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices, label=_("Status"))

    class Meta:
        model = InterimReview
        fields = ["district", "period", "status"]
