from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from districts import selectors as district_selectors
from learningcity.api.pagination import PAGE_PARAMETERS, PortalPagination
from learningcity.api.views import ScopedReadOnlyViewSet, ScopedServiceViewSet, responses
from learningcity.choices import Role
from learningcity.models import ReportingPeriod
from learningcity.permissions import Action, may_view_unit, restrict, restrict_unit_rows

from .. import selectors, services
from ..choices import Status, SubmissionStatus
from ..filters import IndicatorFilterSet, SubmissionFilterSet
from ..models import Indicator, Submission, Value
from .serializers import (
    CityStatusSerializer,
    DistrictStatusSerializer,
    IndicatorSerializer,
    IndicatorStatusQuerySerializer,
    SubmissionApproveInputSerializer,
    SubmissionOpenInputSerializer,
    SubmissionReturnInputSerializer,
    SubmissionSerializer,
    ValuesSaveInputSerializer,
)

INDICATORS = ["Indicators"]

# --- Framework ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List the indicators of the current framework",
        description=(
            "In framework order, each with its area of focus, group and targets. A ratio "
            "indicator has a `denominator_label`: districts give a numerator and a denominator "
            "and the value is their quotient in percent. `computed` indicators are filled in by "
            "the portal."
        ),
    ),
    retrieve=extend_schema(summary="One indicator of the current framework by code"),
)
@extend_schema(tags=INDICATORS)
class IndicatorViewSet(ScopedReadOnlyViewSet):
    queryset = Indicator.objects.all()
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilterSet
    lookup_field = "code"
    lookup_value_converter = "str"  # codes hold a dot: BB4.1

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database reads
            return Indicator.objects.none()
        indicators = selectors.framework_indicators(framework=selectors.current_framework())
        return restrict(indicators, self.request.user)


# --- Submissions ----------------------------------------------------------------------------------

VALUES_EXAMPLE = OpenApiExample(
    "Save two values",
    request_only=True,
    value={
        "version": 3,
        "values": [
            {"indicator": "WB2.2", "value": 12500, "note": "Báo cáo Tuần lễ học tập 2025"},
            {"indicator": "BB4.1", "numerator": 8, "denominator": 10},
        ],
    },
)
VALUES_ERROR_EXAMPLE = OpenApiExample(
    "Errors by indicator code",
    response_only=True,
    status_codes=["400"],
    value={
        "BB4.1": ["The numerator cannot exceed the denominator."],
        "BB5.2": ["The value cannot exceed 100."],
    },
)
CONFLICT_EXAMPLE = OpenApiExample(
    "Wrong state",
    response_only=True,
    status_codes=["409"],
    value={"detail": ["This cannot be done now: the record is “Approved”. Reload the page."]},
)
SUBMISSION_EXAMPLE = OpenApiExample(
    "A submitted submission",
    response_only=True,
    status_codes=["200", "201"],
    value={
        "id": 41,
        "district": {"code": "760", "name": "Quận 1"},
        "period": "2025",
        "framework": "2024.1",
        "revision": 1,
        "status": "submitted",
        "status_label": "Submitted",
        "status_changed_at": "2026-01-12T09:30:00+07:00",
        "review_comment": "",
        "version": 5,
        "updated_at": "2026-01-12T09:30:00+07:00",
        "values": [
            {
                "indicator": "BB4.1",
                "unit": "percent",
                "value": 80.0,
                "numerator": 8.0,
                "denominator": 10.0,
                "note": "",
                "evidence": None,
                "review_comment": "",
                "computed": False,
            },
            {
                "indicator": "FC1.1",
                "unit": "yes_no",
                "value": 1.0,
                "numerator": None,
                "denominator": None,
                "note": "",
                "evidence": None,
                "review_comment": "",
                "computed": True,
            },
        ],
    },
)


@extend_schema_view(
    list=extend_schema(
        summary="List indicator submissions",
        description=(
            "District officers see their district's; Department reviewers see submissions from "
            "their submission on (no drafts); API consumers see approved values only."
        ),
    ),
    retrieve=extend_schema(summary="One submission with its values"),
    create=extend_schema(
        summary="Open a district's submission for a period",
        description=(
            "Creates the draft with one empty value per indicator of the current framework "
            "(201), or answers the submission already being worked on (200). Once the period's "
            "values are approved, a correction starts with `revise` (409 here)."
        ),
        request=SubmissionOpenInputSerializer,
        responses=responses({201: SubmissionSerializer, 200: SubmissionSerializer}, 400, 403, 409),
        examples=[
            OpenApiExample(
                "Open 2025 for District 1",
                request_only=True,
                value={"district": "760", "period": "2025"},
            ),
            SUBMISSION_EXAMPLE,
        ],
    ),
)
@extend_schema(tags=INDICATORS)
class SubmissionViewSet(ScopedServiceViewSet):
    queryset = Submission.objects.select_related(
        "district", "period", "framework"
    ).prefetch_related(Prefetch("values", queryset=Value.objects.select_related("indicator")))
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilterSet
    # Approving and returning are the Department's: look the submission up in REVIEW scope, so a
    # district officer cannot find (let alone approve) their own submission this way.
    review_actions = ("approve", "return_submission")

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        if self.action in self.review_actions:
            action = Action.REVIEW
        elif self.request.method in SAFE_METHODS:
            action = Action.VIEW
        else:
            action = Action.CHANGE
        return selectors.visible_submissions(self.queryset.all(), user=user, action=action)

    def create(self, request):
        data = self.validated(SubmissionOpenInputSerializer)
        submission, created = services.submission_get_or_open(user=request.user, **data)
        return self.answer(submission, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Save values of a draft or returned submission",
        description=(
            "Each entry replaces the indicator's value, numerator, denominator and note; "
            "indicators left out keep theirs. A ratio indicator takes `numerator` and "
            "`denominator` (its value is their quotient in percent); others take `value`. "
            "Numbers may be sent as JSON numbers or strings (a decimal comma is accepted). "
            "Values of `computed` indicators are filled in by the portal and ignored here. "
            "Nothing is saved if any entry is wrong: the 400 answer lists the messages by "
            "indicator code. Pass `version` to refuse a stale save (409)."
        ),
        request=ValuesSaveInputSerializer,
        responses=responses({200: SubmissionSerializer}, 400, 403, 404, 409),
        examples=[VALUES_EXAMPLE, VALUES_ERROR_EXAMPLE, SUBMISSION_EXAMPLE],
    )
    @action(detail=True, methods=["patch"], parser_classes=[JSONParser])
    def values(self, request, pk=None):
        submission = self.get_object()
        data = self.validated(ValuesSaveInputSerializer)
        entries = {
            entry["indicator"]: services.Entry(
                value=entry.get("value"),
                numerator=entry.get("numerator"),
                denominator=entry.get("denominator"),
                note=entry["note"],
            )
            for entry in data["values"]
        }
        submission = services.values_save(
            user=request.user, submission=submission, entries=entries, version=data.get("version")
        )
        return self.answer(submission)

    @extend_schema(
        summary="Submit the values to the Department",
        description=(
            "From draft or returned to submitted; every indicator needs a value (400 lists the "
            "missing codes). The district's officers only."
        ),
        request=None,
        responses=responses({200: SubmissionSerializer}, 400, 403, 404, 409),
        examples=[
            OpenApiExample(
                "Values missing",
                response_only=True,
                status_codes=["400"],
                value={
                    "detail": "Enter a value for every indicator before submitting. "
                    "Missing: WB1.1, BB4.1."
                },
            ),
            CONFLICT_EXAMPLE,
        ],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        submission = services.submission_submit(user=request.user, submission=self.get_object())
        return self.answer(submission)

    @extend_schema(
        summary="Approve submitted values",
        description=(
            "From submitted to approved, with an optional comment; the values then count in the "
            "city's figures. An earlier approved revision of the period becomes superseded. "
            "Department only: a district officer gets 404."
        ),
        request=SubmissionApproveInputSerializer,
        responses=responses({200: SubmissionSerializer}, 400, 403, 404, 409),
        examples=[
            OpenApiExample(
                "Approve", request_only=True, value={"comment": "Số liệu đầy đủ, hợp lệ."}
            ),
            CONFLICT_EXAMPLE,
        ],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        submission = self.get_object()
        data = self.validated(SubmissionApproveInputSerializer)
        submission = services.submission_approve(
            user=request.user, submission=submission, comment=data["comment"]
        )
        return self.answer(submission)

    @extend_schema(
        summary="Return submitted values to the district",
        description=(
            "From submitted to returned. Say what to change in `comment`, on single values in "
            "`value_comments` (keyed by indicator code), or both. Department only: a district "
            "officer gets 404."
        ),
        request=SubmissionReturnInputSerializer,
        responses=responses({200: SubmissionSerializer}, 400, 403, 404, 409),
        examples=[
            OpenApiExample(
                "Return with a comment on one value",
                request_only=True,
                value={
                    "comment": "Đề nghị kiểm tra lại số liệu.",
                    "value_comments": {"BB4.1": "Mẫu số khác năm trước, đề nghị giải trình."},
                },
            ),
            OpenApiExample(
                "No comment given",
                response_only=True,
                status_codes=["400"],
                value={
                    "review_comment": [
                        "Say what the district should change, on the whole or on a value."
                    ]
                },
            ),
            CONFLICT_EXAMPLE,
        ],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="return",
        url_name="return",
        parser_classes=[JSONParser],
    )
    def return_submission(self, request, pk=None):
        submission = self.get_object()
        data = self.validated(SubmissionReturnInputSerializer)
        submission = services.submission_return(
            user=request.user,
            submission=submission,
            comment=data["comment"],
            value_comments=data["value_comments"],
        )
        return self.answer(submission)

    @extend_schema(
        summary="Start a correction of approved values",
        description=(
            "Creates a draft revision that copies the approved values (201). The approved "
            "revision keeps counting until the correction is approved, which supersedes it. "
            "409 if the submission is not approved or a revision is already open."
        ),
        request=None,
        responses=responses({201: SubmissionSerializer}, 403, 404, 409),
        examples=[
            OpenApiExample(
                "Not approved",
                response_only=True,
                status_codes=["409"],
                value={"detail": ["Only approved values are corrected through a revision."]},
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        revision = services.submission_revise(user=request.user, submission=self.get_object())
        return self.answer(revision, status.HTTP_201_CREATED)


# --- Indicator status -----------------------------------------------------------------------------


def _point(period: ReportingPeriod, value, coverage=None) -> dict:
    point = {"period": period.code, "value": value}
    if coverage is not None:
        point["coverage"] = coverage
    return point


STATUS_RULE_EXAMPLE = f"{selectors.STATUS_RULE} {selectors.COVERAGE_RULE % {'percent': 100}}"
CITY_EXAMPLE = OpenApiExample(
    "The city in 2025",
    response_only=True,
    value={
        "period": "2025",
        "district": None,
        "status_rule": STATUS_RULE_EXAMPLE,
        "completeness": {"districts": 22, "started": 3, "submitted": 2, "approved": 2},
        "count": 22,
        "next": None,
        "previous": None,
        "indicators": [
            {
                "code": "BB1.2",
                "name": "Tỷ lệ người 15-60 tuổi biết chữ mức độ 2",
                "name_en": "People aged 15-60 literate at level 2",
                "unit": "percent",
                "direction": "higher",
                "aggregation": "weighted_mean",
                "computed": False,
                "value": 55.0,
                "target": 70.0,
                "status": "not_enough_data",
                "status_label": "Not enough data",
                "trend": [
                    {
                        "period": "2024",
                        "value": 48.5,
                        "coverage": {"districts": 22, "due": 22, "computed": False},
                    },
                    {
                        "period": "2025",
                        "value": 55.0,
                        "coverage": {"districts": 2, "due": 22, "computed": False},
                    },
                ],
                "updated": "2026-01-20T10:00:00+07:00",
                "coverage": {"districts": 2, "due": 22, "computed": False},
                "districts_counted": 2,
                "districts": [
                    {
                        "district": {"code": "760", "name": "Quận 1"},
                        "value": 80.0,
                        "status": "on_track",
                    },
                    {
                        "district": {"code": "770", "name": "Quận 3"},
                        "value": 30.0,
                        "status": "off_track",
                    },
                ],
            }
        ],
    },
)
DISTRICT_EXAMPLE = OpenApiExample(
    "District 1 in 2025, as its officer sees it",
    response_only=True,
    value={
        "period": "2025",
        "district": {"code": "760", "name": "Quận 1"},
        "submission": {
            "id": 41,
            "status": "returned",
            "status_label": "Returned",
            "revision": 1,
            "version": 6,
            "updated_at": "2026-01-15T08:00:00+07:00",
        },
        "status_rule": STATUS_RULE_EXAMPLE,
        "completeness": {"districts": 22, "started": 3, "submitted": 2, "approved": 2},
        "indicators": [
            {
                "code": "BB4.1",
                "name": "Tỷ lệ trung tâm học tập cộng đồng ứng dụng công nghệ thông tin",
                "name_en": "Community learning centres using IT",
                "unit": "percent",
                "direction": "higher",
                "value": 65.0,
                "numerator": 13.0,
                "denominator": 20.0,
                "target": 70.0,
                "status": "at_risk",
                "status_label": "At risk",
                "trend": [{"period": "2024", "value": 60.0}],
                "updated": "2026-01-15T08:00:00+07:00",
                "submission_status": "returned",
                "revision": 1,
            }
        ],
    },
)


class IndicatorStatusView(APIView):
    """Where each indicator stands in a period: the city's roll-up or one district's values."""

    @extend_schema(
        tags=INDICATORS,
        summary="Indicator status for a period, city-wide or for one district",
        description=(
            "Without `district`: the city value of each indicator (summed, averaged, weighted "
            "by the denominator or as a share of districts answering yes, as the indicator "
            "says), its target for the year and status, the trend over the year periods up to "
            "this one, and under `districts` the values of the districts the user may see (a "
            "district officer: their own). An entered indicator's values are the districts' "
            "**approved** values; a `computed` indicator's are read from the portal's registers "
            "as they stood at the end of the period, for every district whatever its "
            "submission.\n\n"
            "`coverage` says how much of the city a city value covers: `districts` whose values "
            "make it of the `due` districts (those of the period's indicator obligation, or "
            "every district of the portal). A computed indicator covers every district. Below "
            "the framework's minimum coverage the status is `not_enough_data`, whatever the "
            "value.\n\n"
            "With `district`: that district's values. Everyone sees its approved values; the "
            "district's own officers see their submission still being worked on (draft, "
            "submitted or returned) instead, with its status. The trend runs over the "
            "district's approved year periods up to this one.\n\n"
            "`status_rule` says how the status is decided; `completeness` counts districts by "
            "how far their values for the period have gone.\n\n"
            "City-wide, the districts under each indicator come in pages (`count`, `next`, "
            "`previous`; `page`, `page_size`), the same districts under every indicator: a "
            "city's districts fit one page, a country's 696 do not. The city's figures, trend "
            "and completeness are on every page."
        ),
        parameters=[IndicatorStatusQuerySerializer, *PAGE_PARAMETERS],
        responses={
            200: PolymorphicProxySerializer(
                component_name="IndicatorStatus",
                serializers=[CityStatusSerializer, DistrictStatusSerializer],
                resource_type_field_name=None,
            ),
            400: OpenApiResponse(
                description="Invalid query: messages by parameter (an unknown period)."
            ),
            404: OpenApiResponse(
                description="No such district, or one the user may not see.",
            ),
        },
        examples=[
            CITY_EXAMPLE,
            DISTRICT_EXAMPLE,
            OpenApiExample(
                "Unknown period",
                response_only=True,
                status_codes=["400"],
                value={"period": ["There is no reporting period with the code “2019”."]},
            ),
        ],
    )
    def get(self, request):
        query = IndicatorStatusQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        period = params["period"]
        districts = list(district_selectors.portal_districts())
        framework = selectors.current_framework()
        indicators = selectors.framework_indicators(framework=framework)
        if "area" in params:
            indicators = indicators.filter(area__code=params["area"])
        if "indicator" in params:
            indicators = indicators.filter(code=params["indicator"])
        indicators = list(indicators)
        body = {
            "period": period,
            "status_rule": selectors.status_rule(framework),
            "completeness": {
                "districts": len(districts),
                # A subquery, not the country's 696 ids as parameters.
                **selectors.completeness(
                    period=period, district_ids=district_selectors.portal_districts().values("pk")
                ),
            },
        }
        if "district" in params:
            district = self.district(params["district"], districts)
            body.update(self.district_figures(framework, period, district, indicators))
            return Response(DistrictStatusSerializer(body).data)
        body.update(self.city_figures(framework, period, districts, indicators))
        return Response(CityStatusSerializer(body).data)

    def district(self, code: str, districts: list):
        district = next((d for d in districts if d.code == code), None)
        if district is None:
            raise NotFound(_("There is no district with the code “%(code)s”.") % {"code": code})
        if not may_view_unit(self.request.user, district.pk):
            raise NotFound()
        return district

    def visible(self, districts: list) -> list:
        """The districts whose own values the user may see (districts are reference data, so
        restrict() would return them all): ``restrict_unit_rows()``, as every aggregate does."""
        return restrict_unit_rows(districts, self.request.user, unit=lambda district: district)

    def city_figures(self, framework, period, districts, indicators) -> dict:
        years = list(selectors.year_periods_until(period=period))
        if period not in years:
            years.append(period)
        series = selectors.city_series(framework=framework, periods=years, indicators=indicators)
        visible, links = PortalPagination().page_of(
            self.visible(districts), self.request, view=self
        )
        table = selectors.district_table(
            framework=framework,
            period=period,
            district_ids=[d.pk for d in visible],
            indicators=indicators,
        )
        rows = []
        for indicator in indicators:
            points = series[indicator.pk]
            city = next(point for point in points if point.period == period)
            rows.append(
                {
                    "indicator": indicator,
                    "computed": city.computed,
                    "value": city.value,
                    "target": city.target,
                    "status": city.status,
                    "status_label": city.status.label,
                    "trend": [
                        _point(p.period, p.value, _coverage(p))
                        for p in points
                        if p.period.kind == "year"
                    ],
                    "updated": city.updated,
                    "coverage": _coverage(city),
                    "districts_counted": city.districts,
                    "districts": [
                        {
                            "district": district,
                            "value": table[district.pk, indicator.pk],
                            "status": selectors.district_status_of(
                                indicator, table[district.pk, indicator.pk], period.year
                            ),
                        }
                        for district in visible
                        if (district.pk, indicator.pk) in table
                    ],
                }
            )
        return {"district": None, **links, "indicators": rows}

    def district_figures(self, framework, period, district, indicators) -> dict:
        # A district's officers also see the submission they are still working on.
        shown = [SubmissionStatus.APPROVED]
        if self.request.user.role == Role.DISTRICT_OFFICER:
            shown += Submission.OPEN
        submission = (
            Submission.objects.filter(
                district=district, period=period, framework=framework, status__in=shown
            )
            .order_by("-revision")
            .first()
        )
        values = {v.indicator_id: v for v in submission.values.order_by()} if submission else {}
        # Computed indicators: the registers' values, whatever the submission holds.
        registers = selectors.register_values(
            indicators=indicators, periods=[period], district_ids=[district.pk]
        )
        for (_period_id, indicator_id), by_district in registers.items():
            values[indicator_id] = by_district[district.pk]
        years = list(selectors.year_periods_until(period=period))
        trend = selectors.district_trend(
            framework=framework, district=district, periods=years, indicators=indicators
        )
        computed_ids = {i.pk for i in indicators if selectors.is_computed(i)}
        approved_periods = {p for i, p in trend if i not in computed_ids}
        approved_years = [p for p in years if p.pk in approved_periods]
        rows = []
        for indicator in indicators:
            value = values.get(indicator.pk)
            figure = value.value if value else None
            status_now = selectors.district_status_of(indicator, figure, period.year)
            computed = selectors.is_computed(indicator)
            rows.append(
                {
                    "indicator": indicator,
                    "computed": computed,
                    "value": figure,
                    "numerator": value.numerator if value else None,
                    "denominator": value.denominator if value else None,
                    "target": selectors.target_for(indicator, period.year),
                    "status": status_now,
                    "status_label": Status(status_now).label,
                    "trend": [
                        _point(p, trend.get((indicator.pk, p.pk)))
                        for p in (years if computed else approved_years)
                    ],
                    "updated": submission.updated_at if submission and not computed else None,
                    "submission_status": submission.status if submission else None,
                    "revision": submission.revision if submission else None,
                }
            )
        return {"district": district, "submission": submission, "indicators": rows}


def _coverage(figure) -> dict:
    return {
        "districts": figure.coverage.districts,
        "due": figure.coverage.due,
        "computed": figure.computed,
    }
