"""Indicator pages: the city dashboard, the district comparison, one indicator in detail, a
district's values for a period, and the Department's review.

Every page costs the same few queries whatever the number of districts, indicators and periods:
roll-ups are aggregate queries in the selectors, and per-cell statuses use prefetched targets.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from districts.selectors import portal_district_list
from learningcity.choices import PeriodKind, Role
from learningcity.deadlines.choices import ObligationKind
from learningcity.deadlines.selectors import obligation_timeliness
from learningcity.import_previews import import_confirm_request, preview_token
from learningcity.models import ReportingPeriod
from learningcity.periods import PeriodChoice, period_choice
from learningcity.permissions import Action, may_change_unit, reach, restrict, restrict_units
from learningcity.storage import download_view, serve_stored_file, stored_basename
from learningcity.text import search_key
from learningcity.workflow import ConflictError
from learningcity.xlsx import Sheet, xlsx_response

from . import imports, selectors, services
from .choices import Status, SubmissionStatus, Unit
from .filters import SubmissionFilterSet
from .forms import ReviewForm, ValueRow, ValuesForm, ValuesImportForm, format_number
from .models import Submission, Value

# Background of a comparison cell, by status against the year's target.
STATUS_CELL = {
    Status.ON_TRACK: "bg-success-subtle",
    Status.AT_RISK: "bg-warning-subtle",
    Status.OFF_TRACK: "bg-danger-subtle",
}
# The statuses each area card counts, in the order shown.
CARD_STATUSES = (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA)


# --- helpers -------------------------------------------------------------------------------------


def _period(code: str) -> ReportingPeriod:
    """The period named by ``code`` (a district's values of any period)."""
    period = ReportingPeriod.objects.filter(code=code).first()
    if period is None:
        raise Http404(_("Unknown reporting period."))
    return period


# Values are filed per year; another kind is offered only once values were sent for it.
PERIOD_KINDS = {PeriodKind.YEAR: gettext_lazy("Years")}
OTHER_PERIOD_KINDS = {
    PeriodKind.HALF_YEAR: gettext_lazy("Half-years"),
    PeriodKind.QUARTER: gettext_lazy("Quarters"),
    PeriodKind.MONTH: gettext_lazy("Months"),
}


def _period_choice(request) -> PeriodChoice:
    """The city's figures' period: a year, by default the latest year some district has sent
    values for (a year just begun has none to add up yet)."""
    sent = selectors.periods_with_values()
    kinds = {
        **PERIOD_KINDS,
        **{kind: label for kind, label in OTHER_PERIOD_KINDS.items() if kind in sent.values()},
    }
    choice = period_choice(request.GET.get("period"), kinds=kinds, with_data=sent)
    if choice.selected is None:
        raise Http404(_("Unknown reporting period."))
    return choice


def _periods():
    return ReportingPeriod.objects.order_by("-start_date", "end_date")


def _district(code: str):
    return get_object_or_404(portal_district_list(), code=code)


def _visible_districts(user):
    """The districts whose figures ``user`` sees side by side: all, or an officer's own."""
    return restrict_units(portal_district_list(), user)


def _visible_submissions(user):
    """Submissions ``user`` may open (the API's rule: ``selectors.visible_submissions()``)."""
    queryset = Submission.objects.select_related("district", "period")
    return selectors.visible_submissions(queryset, user=user)


def _changeable_submission(pk: int, user) -> Submission:
    queryset = Submission.objects.select_related("district", "period")
    return get_object_or_404(restrict(queryset, user, Action.CHANGE), pk=pk)


def _current_submission(district_id: int, period: ReportingPeriod) -> Submission | None:
    """The latest revision of the period that counts: the open one, else the approved one."""
    return (
        Submission.objects.filter(district_id=district_id, period=period)
        .exclude(status=SubmissionStatus.SUPERSEDED)
        .select_related("district", "period")
        .order_by("-revision")
        .first()
    )


def _values(submission: Submission) -> list[Value]:
    return list(
        submission.values.select_related("indicator__area__group").order_by(
            "indicator__area__group__order",
            "indicator__area__order",
            "indicator__order",
            "indicator__code",
        )
    )


def _rounded(indicator, value: Decimal | None):
    """A figure as the pages show it: VND to the dong, anything else to one decimal."""
    if value is None:
        return None
    places = Decimal(1) if indicator.unit == Unit.VND else Decimal("0.1")
    rounded = value.quantize(places, ROUND_HALF_UP)
    return int(rounded) if rounded == rounded.to_integral_value() else rounded


def _city_unit(indicator) -> str:
    """The unit of a city figure: a yes/no indicator becomes the share of districts saying yes."""
    if indicator.unit == Unit.YES_NO:
        return _("Share of districts answering yes (%)")
    return indicator.get_unit_display()


def _submission_url(submission: Submission) -> str:
    return reverse(
        "indicators:district-submission",
        args=[submission.district.code, submission.period.code],
    )


# --- city dashboard ------------------------------------------------------------------------------


@dataclass
class AreaSummary:
    area: object
    figures: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    @property
    def card_counts(self) -> list[tuple[Status, int]]:
        """The four counts every card shows, then "not enough data" and "no target" where some
        indicator is so."""
        counts = [(status, self.counts[status]) for status in CARD_STATUSES]
        for status in (Status.NOT_ENOUGH_DATA, Status.NO_TARGET):
            if self.counts[status]:
                counts.append((status, self.counts[status]))
        return counts


def _by_group(figures) -> list[tuple[object, list[AreaSummary]]]:
    """City figures (in framework order) as [(group, [area summary, ...]), ...]."""
    groups: dict[int, tuple[object, dict[int, AreaSummary]]] = {}
    for figure in figures:
        area = figure.indicator.area
        _group, areas = groups.setdefault(area.group_id, (area.group, {}))
        summary = areas.setdefault(area.pk, AreaSummary(area=area))
        summary.figures.append(figure)
        summary.counts[figure.status] += 1
    return [(group, list(areas.values())) for group, areas in groups.values()]


def dashboard(request):
    user = request.user
    choice = _period_choice(request)
    period = choice.selected
    framework = selectors.current_framework()
    figures = selectors.city_rollup(framework=framework, period=period)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"chi-so-thanh-pho-{period.code}.xlsx", [_rollup_sheet(figures, period)]
        )
    district_ids = list(portal_district_list().values_list("pk", flat=True))
    own_district = own_submission = None
    if user.role == Role.DISTRICT_OFFICER and user.unit_id:
        own_district = user.unit
        own_submission = _current_submission(user.unit_id, period)
    return render(
        request,
        "indicators/dashboard.html",
        {
            "period": period,
            "period_groups": choice.groups,
            "framework": framework,
            "groups": _by_group(figures),
            "progress": selectors.completeness(period=period, district_ids=district_ids),
            "district_total": len(district_ids),
            "status_rule": selectors.status_rule(framework),
            "own_district": own_district,
            "own_submission": own_submission,
            "deadline": obligation_timeliness(
                ObligationKind.INDICATOR_SUBMISSION, user=user, period=period
            ),
        },
    )


def _rollup_sheet(figures, period: ReportingPeriod) -> Sheet:
    return Sheet(
        title=_("City indicators %(period)s") % {"period": period.code},
        headers=[
            _("Group"),
            _("Area of focus"),
            _("Code"),
            _("Indicator"),
            _("Unit"),
            _("City value"),
            _("Target %(year)s") % {"year": period.year},
            _("Status"),
            _("Coverage"),
            _("Last approval"),
        ],
        rows=[
            [
                f.indicator.area.group.code,
                str(f.indicator.area),
                f.indicator.code,
                f.indicator.display_name,
                _city_unit(f.indicator),
                _rounded(f.indicator, f.value),
                _rounded(f.indicator, f.target),
                str(f.status.label),
                f.coverage_text,
                f.updated,
            ]
            for f in figures
        ],
    )


# --- district comparison -------------------------------------------------------------------------


@dataclass
class Cell:
    indicator: object
    value: Value | None
    status: Status

    @property
    def number(self) -> Decimal | None:
        return self.value.value if self.value else None

    @property
    def css(self) -> str:
        return STATUS_CELL.get(self.status, "")


def compare(request):
    user = request.user
    choice = _period_choice(request)
    period = choice.selected
    framework = selectors.current_framework()
    indicators = list(selectors.framework_indicators(framework=framework))
    districts = list(_visible_districts(user))
    table = selectors.district_values(
        framework=framework,
        period=period,
        indicators=indicators,
        district_ids=[d.pk for d in districts],
        user=user,
    )
    rows = []
    for district in districts:
        cells = []
        for indicator in indicators:
            value = table.get((district.pk, indicator.pk))
            number = value.value if value else None
            cells.append(
                Cell(indicator, value, selectors.district_status_of(indicator, number, period.year))
            )
        rows.append((district, cells))
    city = selectors.city_rollup(framework=framework, period=period, indicators=indicators)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"so-sanh-quan-huyen-{period.code}.xlsx",
            _compare_sheets(indicators, rows, city, period),
        )
    return render(
        request,
        "indicators/compare.html",
        {
            "period": period,
            "period_groups": choice.groups,
            "indicators": indicators,
            "rows": rows,
            "city": city,
            "status_rule": selectors.status_rule(framework),
            "any_computed": any(selectors.is_computed(i) for i in indicators),
            "legend": [(status, STATUS_CELL[status]) for status in STATUS_CELL],
        },
    )


def _compare_sheets(indicators, rows, city, period: ReportingPeriod) -> list[Sheet]:
    values = Sheet(
        title=_("Districts %(period)s") % {"period": period.code},
        headers=[_("GSO code"), _("District"), *(i.code for i in indicators)],
        rows=[
            [
                district.code,
                district.name,
                *(_rounded(cell.indicator, cell.number) for cell in cells),
            ]
            for district, cells in rows
        ],
    )
    legend = Sheet(
        title=_("Indicators"),
        headers=[
            _("Code"),
            _("Indicator"),
            _("Unit"),
            _("Target %(year)s") % {"year": period.year},
            _("City value"),
            _("Status"),
            _("Coverage"),
            _("Source"),
        ],
        rows=[
            [
                f.indicator.code,
                f.indicator.display_name,
                _city_unit(f.indicator),
                _rounded(f.indicator, f.target),
                _rounded(f.indicator, f.value),
                str(f.status.label),
                f.coverage_text,
                _source(f.indicator),
            ]
            for f in city
        ],
    )
    return [values, legend]


def _source(indicator) -> str:
    if selectors.is_computed(indicator):
        return _("Computed from the registers as at the end of the period")
    return _("Approved values of the districts")


# --- one indicator -------------------------------------------------------------------------------


def indicator_detail(request, code: str):
    user = request.user
    choice = _period_choice(request)
    period = choice.selected
    framework = selectors.current_framework()
    indicator = get_object_or_404(selectors.framework_indicators(framework=framework), code=code)
    # The trend runs over the years that have begun, and the year asked for.
    years = list(
        ReportingPeriod.objects.filter(kind="year")
        .filter(Q(start_date__lte=datetime.date.today()) | Q(pk=period.pk))
        .order_by("start_date")
    )
    if period not in years:  # a period other than a year: its figure, without a trend
        years.append(period)
    points = selectors.city_series(framework=framework, periods=years, indicators=[indicator])[
        indicator.pk
    ]
    figure = next(point for point in points if point.period == period)
    if period.kind != "year":
        points = [point for point in points if point.period.kind == "year"]
    districts = list(_visible_districts(user))
    table = selectors.district_values(
        framework=framework,
        period=period,
        indicators=[indicator],
        district_ids=[d.pk for d in districts],
        user=user,
    )
    rows = []
    for district in districts:
        value = table.get((district.pk, indicator.pk))
        number = value.value if value else None
        status = selectors.district_status_of(indicator, number, period.year)
        rows.append({"district": district, "value": value, "status": status})
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "period": period,
            "period_groups": choice.groups,
            "indicator": indicator,
            "city_unit": _city_unit(indicator),
            "figure": figure,
            "coverage": figure.coverage_text,
            "computed": selectors.is_computed(indicator),
            "points": [{"point": point, "coverage": point.coverage_text} for point in points],
            "chart": _trend_chart(indicator, points),
            "rows": rows,
            "status_rule": selectors.status_rule(framework),
        },
    )


def _chart_number(indicator, value: Decimal | None) -> float | None:
    rounded = _rounded(indicator, value)
    return None if rounded is None else float(rounded)


def _trend_chart(indicator, points) -> dict:
    """What static/js/charts.js draws: labels, series, the unit after each number and the top
    of the scale (100 for percentages and scores)."""
    suffix = {Unit.PERCENT: "%", Unit.YES_NO: "%", Unit.VND: " VND"}.get(indicator.unit, "")
    bounded = indicator.unit in (Unit.PERCENT, Unit.YES_NO, Unit.SCORE)
    return {
        "labels": [str(p.period.year) for p in points],
        "suffix": suffix,
        "max": 100 if bounded else None,
        # Under each year's figures in the tooltip: how much of the city the value covers.
        "notes": [_("Coverage: %(coverage)s") % {"coverage": p.coverage_text} for p in points],
        "datasets": [
            {
                "label": _("City value"),
                "data": [_chart_number(indicator, p.value) for p in points],
            },
            {
                "label": _("Target"),
                "data": [_chart_number(indicator, p.target) for p in points],
                "dashed": True,
            },
        ],
    }


# --- a district's values -------------------------------------------------------------------------


def district_submission(request, code: str, period: str):
    """A district's values for a period: started on request, edited in one form, submitted;
    read-only once submitted, with a revision to correct approved values."""
    district = _district(code)
    if not may_change_unit(request.user, district.pk):
        raise PermissionDenied(_("You do not have permission to do this."))
    period = _period(period)
    here = reverse("indicators:district-submission", args=[district.code, period.code])
    submission = _current_submission(district.pk, period)
    action = request.POST.get("action") if request.method == "POST" else None

    if action == "start":
        try:
            services.submission_open(user=request.user, district=district, period=period)
            messages.success(
                request, _("You can now enter the values for %(period)s.") % {"period": period}
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(here)
    if action == "revise":
        if submission is None:
            raise Http404
        try:
            services.submission_revise(user=request.user, submission=submission)
            messages.success(
                request,
                _("A revision was started from the approved values. Submit it when ready."),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(here)

    context = {"district": district, "period": period, "periods": _periods()}
    if submission is None:
        if action:
            messages.error(request, _("Start the submission first."))
            return redirect(here)
        return render(request, "indicators/submission_form.html", context)

    values = _values(submission)
    warnings = selectors.value_warnings(submission=submission, values=values)
    context["submission"] = submission
    if not submission.is_editable:
        if action:
            messages.error(
                request,
                _("These values are “%(status)s” and can no longer be edited.")
                % {"status": submission.get_status_display()},
            )
            return redirect(here)
        context["rows"] = [ValueRow(value=v, warning=warnings.get(v.pk)) for v in values]
        return render(request, "indicators/submission_form.html", context)

    form = ValuesForm(
        request.POST if action else None,
        request.FILES if action else None,
        values=values,
        warnings=warnings,
        initial={"version": submission.version},
    )
    if action in ("save", "submit") and form.is_valid():
        try:
            saved = services.values_save(
                user=request.user,
                submission=submission,
                entries=form.entries(),
                version=form.cleaned_data["version"],
            )
        except ConflictError as error:
            messages.error(request, " ".join(error.messages))
        except ValidationError as error:
            form.apply_service_error(error)
        else:
            if action == "save":
                messages.success(request, _("The values were saved as a draft."))
                return redirect(here)
            try:
                services.submission_submit(user=request.user, submission=saved)
            except ValidationError as error:
                messages.warning(
                    request,
                    _("The values were saved but not submitted: %(reason)s")
                    % {"reason": " ".join(error.messages)},
                )
            else:
                messages.success(request, _("The values were submitted to the Department."))
            return redirect(here)
    context["form"] = form
    context["rows"] = form.rows()
    return render(request, "indicators/submission_form.html", context)


# --- Excel template and import -------------------------------------------------------------------

IMPORT_KIND = "indicators.values"


def values_template(request, pk: int):
    submission = _changeable_submission(pk, request.user)
    return xlsx_response(
        f"mau-chi-so-{submission.district.code}-{submission.period.code}.xlsx",
        imports.values_template_sheets(submission=submission),
    )


def _preview_number(number, unit: str | None) -> str:
    """A number of the import preview as the pages write it: "42,9%", "1.500", "Yes"."""
    if not isinstance(number, Decimal):
        return "" if number is None else str(number)  # unreadable: as the file says
    if unit == Unit.YES_NO:
        return _("Yes") if number else _("No")
    if unit == Unit.PERCENT:
        return f"{format_number(number.quantize(Decimal('0.1'), ROUND_HALF_UP))}%"
    return format_number(number)


def _preview(outcome, submission: Submission) -> dict:
    """The import's outcome, with its numbers written the way the pages write them."""
    units = dict(submission.values.values_list("indicator__code", "indicator__unit"))
    rows = [
        {
            **row,
            "value": _preview_number(row["value"], units.get(row["code"])),
            "numerator": _preview_number(row["numerator"], None),
            "denominator": _preview_number(row["denominator"], None),
        }
        for row in outcome.rows
    ]
    return {"outcome": outcome, "preview": rows, "error_rows": {row for row, _m in outcome.errors}}


def values_import(request, pk: int):
    """Upload, preview, confirm, as for committee members: the file waits in storage between
    the two steps, named by a signed token."""
    submission = _changeable_submission(pk, request.user)
    back = _submission_url(submission)
    context = {"submission": submission, "district": submission.district, "back": back}
    if not submission.is_editable:
        messages.error(
            request,
            _("These values are “%(status)s” and can no longer be edited.")
            % {"status": submission.get_status_display()},
        )
        return redirect(back)
    if request.method == "POST" and "token" in request.POST:
        outcome = import_confirm_request(
            request,
            kind=IMPORT_KIND,
            scope={"submission": submission.pk},
            run=lambda upload: imports.values_import(
                user=request.user, submission=submission, upload=upload, dry_run=False
            ),
            again=reverse("indicators:values-import", args=[submission.pk]),
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        if outcome.written:
            messages.success(
                request, _("%(count)s values were imported.") % {"count": outcome.written}
            )
            return redirect(back)
        context.update(form=ValuesImportForm(), **_preview(outcome, submission))
        return render(request, "indicators/values_import.html", context)

    form = ValuesImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        outcome = imports.values_import(
            user=request.user, submission=submission, upload=upload, dry_run=True
        )
        context.update(_preview(outcome, submission))
        if not (outcome.errors or outcome.file_errors):
            context["token"] = preview_token(
                user=request.user,
                kind=IMPORT_KIND,
                upload=upload,
                scope={"submission": submission.pk},
            )
    context["form"] = form
    return render(request, "indicators/values_import.html", context)


# --- the Department's review ---------------------------------------------------------------------


class SubmissionListView(ListView):
    template_name = "indicators/submission_list.html"
    context_object_name = "submissions"
    paginate_by = 25
    # ?sort= values the page offers, mapped to orderings.
    orderings = {
        "district": ("district__name_search", "-period__start_date", "-revision"),
        "-district": ("-district__name_search", "-period__start_date", "-revision"),
        "updated": ("updated_at", "pk"),
        "-updated": ("-updated_at", "-pk"),
    }

    def get_queryset(self):
        self.filterset = SubmissionFilterSet(
            self.request.GET, queryset=_visible_submissions(self.request.user)
        )
        submissions = self.filterset.qs
        self.query = self.request.GET.get("q", "").strip()
        key = search_key(self.query)
        if key:
            submissions = submissions.filter(district__name_search__contains=key)
        self.sort = self.request.GET.get("sort", "-updated")
        if self.sort not in self.orderings:
            self.sort = "-updated"
        return submissions.order_by(*self.orderings[self.sort])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            periods=_periods(),
            statuses=selectors.visible_statuses(user=self.request.user),
            period_code=self.request.GET.get("period", ""),
            status=self.request.GET.get("status", ""),
            query=self.query,
            sort=self.sort,
            **kwargs,
        )


def submission_detail(request, pk: int):
    """A submission read-only, with the Department's decision for reviewers."""
    user = request.user
    submission = get_object_or_404(_visible_submissions(user), pk=pk)
    values = _values(submission)
    can_review = (
        submission.status == SubmissionStatus.SUBMITTED and reach(user, Action.REVIEW) == "all"
    )
    form = None
    if can_review or request.method == "POST":
        if reach(user, Action.REVIEW) != "all":
            raise PermissionDenied(_("You do not have permission to do this."))
        codes = [v.indicator.code for v in values]
        form = ReviewForm(request.POST or None, codes=codes)
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("decision")
        comment = form.cleaned_data["comment"]
        try:
            if decision == "return":
                services.submission_return(
                    user=user,
                    submission=submission,
                    comment=comment,
                    value_comments=form.value_comments(),
                )
                messages.success(request, _("The values were returned to the district."))
            else:
                services.submission_approve(user=user, submission=submission, comment=comment)
                messages.success(request, _("The values were approved."))
        except ConflictError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("indicators:submission", pk=submission.pk)
        except ValidationError as error:
            form.apply_service_error(error)
        else:
            return redirect("indicators:submission", pk=submission.pk)
    warnings = selectors.value_warnings(submission=submission, values=values)
    rows = [
        {
            "row": ValueRow(value=v, warning=warnings.get(v.pk)),
            "comment": form.comment_field(v.indicator.code) if form else None,
        }
        for v in values
    ]
    history, last = [], None
    for entry in submission.history.select_related("history_user").order_by("history_date"):
        if entry.status != last:  # saves of a draft repeat its status: show the changes only
            history.append(entry)
            last = entry.status
    return render(
        request,
        "indicators/submission_detail.html",
        {
            "submission": submission,
            "district": submission.district,
            "period": submission.period,
            "rows": rows,
            "form": form,
            "can_review": can_review,
            "can_edit": submission.is_editable and may_change_unit(user, submission.district_id),
            "history": list(reversed(history)),
        },
    )


# --- files ---------------------------------------------------------------------------------------


@download_view
def evidence_download(request, pk: int):
    """Evidence is never served directly: each download re-checks the reader's scope."""
    submissions = selectors.visible_submissions(Submission.objects.all(), user=request.user)
    value = get_object_or_404(
        Value.objects.select_related("submission").filter(submission__in=submissions), pk=pk
    )
    if not value.evidence:
        raise Http404
    return serve_stored_file(value.evidence, stored_basename(value.evidence))
