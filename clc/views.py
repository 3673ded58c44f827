from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from districts.selectors import portal_district_list
from learningcity.choices import Role
from learningcity.deadlines.choices import ObligationKind
from learningcity.deadlines.selectors import obligation_timeliness
from learningcity.forms import run_service, run_step, saved_message
from learningcity.import_previews import import_confirm_request, preview_token
from learningcity.permissions import (
    Action,
    may_change_unit,
    may_view_unit,
    reach,
    restrict,
    restrict_units,
)
from learningcity.workflow import NEW
from learningcity.xlsx import xlsx_response

from . import imports, selectors, services
from .choices import (
    IT_TARGET_PERCENT,
    ActivityReportStatus,
    CentreStatus,
    FundingSource,
    LearningTopic,
)
from .filters import CentreFilterSet
from .forms import (
    CentreCreateForm,
    CentreForm,
    CentreImportForm,
    CentreStatusForm,
    EvaluationForm,
    ReportDecisionForm,
    ReportForm,
)
from .models import ActivityReport, Centre

# --- helpers -------------------------------------------------------------------------------------


def _year(request) -> int:
    """The year asked for (?year=), or the latest one reported."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return selectors.default_year()
    if year not in selectors.report_years(first=2000):
        raise Http404(_("Unknown year."))
    return year


def _visible_centres(user):
    return restrict(selectors.centre_list(), user)


def _changeable_centre(pk: int, user) -> Centre:
    """The centre ``pk`` if ``user`` may change it; 404 if they may only see it or not even that."""
    return get_object_or_404(restrict(selectors.centre_list(), user, Action.CHANGE), pk=pk)


def _visible_reports(user):
    queryset = ActivityReport.objects.select_related("centre__ward__parent")
    return selectors.visible_reports(queryset, user=user)


def _visible_district(user, code: str):
    """A district whose own pages ``user`` may read: the Department any, an officer theirs."""
    district = get_object_or_404(portal_district_list(), code=code)
    if may_view_unit(user, district.pk):
        return district
    raise Http404(_("No such district."))


def _districts_for(user):
    """The districts ``user`` may filter the registry by."""
    return restrict_units(portal_district_list(), user)


# --- registry ------------------------------------------------------------------------------------


class CentreListView(ListView):
    template_name = "clc/centre_list.html"
    context_object_name = "centres"
    paginate_by = 25
    # ?sort= values the page offers, mapped to orderings.
    orderings = {
        "code": ("ward__code",),
        "name": ("name_search", "ward__code"),
        "-name": ("-name_search", "ward__code"),
        "district": ("ward__parent__code", "ward__code"),
        "-computers": ("-computers", "ward__code"),
    }

    def get_queryset(self):
        self.filterset = CentreFilterSet(
            self.request.GET, queryset=_visible_centres(self.request.user)
        )
        self.sort = self.request.GET.get("sort", "code")
        if self.sort not in self.orderings:
            self.sort = "code"
        return self.filterset.qs.order_by(*self.orderings[self.sort])

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            centres = self.get_queryset()
            return xlsx_response(
                "trung-tam-hoc-tap-cong-dong.xlsx",
                imports.export_sheets(
                    centres, with_contact=lambda c: selectors.may_see_contact(request.user, c)
                ),
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        import_district = None
        if user.role == Role.DISTRICT_OFFICER:
            import_district = user.unit
        else:
            code = self.request.GET.get("district")
            if code and reach(user, Action.CHANGE) == "all":
                import_district = portal_district_list().filter(code=code).first()
        return super().get_context_data(
            filterset=self.filterset,
            sort=self.sort,
            query=query.urlencode(),
            districts=_districts_for(user),
            statuses=CentreStatus.choices,
            can_create=reach(user, Action.CHANGE) != "none",
            import_district=import_district,
            can_import_all=reach(user, Action.CHANGE) == "all",
            counts=selectors.registry_counts(self.filterset.qs),
            **kwargs,
        )


def centre_create(request):
    user = request.user
    scope = reach(user, Action.CHANGE)
    if scope == "none":
        raise PermissionDenied(_("You do not have permission to do this."))
    wards = selectors.wards_without_centre(district_id=user.unit_id if scope == "own" else None)
    initial = {}
    ward_code = request.GET.get("ward")
    if ward_code:
        ward = wards.filter(code=ward_code).first()
        if ward is not None:
            initial = {"ward": ward, "name": f"Trung tâm học tập cộng đồng {ward.name}"}
    form = CentreCreateForm(request.POST or None, initial=initial, wards=wards)
    centre = request.method == "POST" and run_service(form, services.centre_create, user=user)
    if centre:
        saved_message(request, form, _("The centre was registered."))
        return redirect("clc:centre", pk=centre.pk)
    return render(
        request,
        "clc/centre_form.html",
        {"form": form, "title": _("Register a community learning centre")},
    )


def centre_detail(request, pk: int):
    user = request.user
    centre = get_object_or_404(_visible_centres(user), pk=pk)
    reports = _visible_reports(user).filter(centre=centre).prefetch_related("topics")
    evaluations = (
        restrict(centre.evaluations.all(), user)
        .select_related("rating")
        .prefetch_related("scores__criterion")
        .order_by("-year")
    )
    can_change = may_change_unit(user, centre.ward.parent_id)
    reported_years = {r.year for r in reports}
    evaluated_years = {e.year for e in evaluations}
    years = selectors.report_years()
    return render(
        request,
        "clc/centre_detail.html",
        {
            "centre": centre,
            "district": centre.ward.parent,
            "shows_contact": selectors.may_see_contact(user, centre),
            "can_change": can_change,
            "reports": sorted(reports, key=lambda r: -r.year),
            "evaluations": evaluations,
            "report_years": [y for y in years if y not in reported_years] if can_change else [],
            "evaluation_years": [y for y in years if y not in evaluated_years]
            if can_change
            else [],
            "history": centre.history.select_related("history_user").order_by("-history_date")[:10],
        },
    )


def centre_edit(request, pk: int):
    centre = _changeable_centre(pk, request.user)
    initial = {name: getattr(centre, name) for name in CentreForm.base_fields}
    form = CentreForm(request.POST or None, initial=initial)
    saved = request.method == "POST" and run_service(
        form, services.centre_update, user=request.user, centre=centre
    )
    if saved:
        messages.success(request, _("The centre was updated."))
        return redirect("clc:centre", pk=centre.pk)
    return render(
        request,
        "clc/centre_form.html",
        {"form": form, "centre": centre, "title": _("Edit the centre")},
    )


def centre_status(request, pk: int):
    """Suspend a centre or bring it back, after a confirmation."""
    centre = _changeable_centre(pk, request.user)
    target = CentreStatus.ACTIVE if centre.status == CentreStatus.SUSPENDED else "suspended"
    form = CentreStatusForm(
        request.POST or None, initial={"status": target, "version": centre.version}
    )
    if request.method == "POST" and run_service(
        form, services.centre_set_status, user=request.user, centre=centre
    ):
        if target == CentreStatus.SUSPENDED:
            messages.success(request, _("The centre is suspended."))
        else:
            messages.success(request, _("The centre is active again."))
        return redirect("clc:centre", pk=centre.pk)
    return render(
        request,
        "clc/centre_status.html",
        {"centre": centre, "form": form, "suspend": target == CentreStatus.SUSPENDED},
    )


# --- import and export ---------------------------------------------------------------------------

IMPORT_KIND = "clc.centres"
IMPORT_PREVIEW_ROWS = 200  # a city's file has thousands of rows; the errors are all listed


def centre_import(request, code: str | None = None):
    """Upload, preview, confirm. The uploaded file waits in storage between the two steps, named
    by a signed token, so any web process can finish the import. Without ``code``: the
    Department's file of every district's centres."""
    district = get_object_or_404(portal_district_list(), code=code) if code else None
    district_pk = district.pk if district else None
    if not may_change_unit(request.user, district_pk):
        raise PermissionDenied(_("You do not have permission to do this."))
    again = reverse("clc:import", args=[code]) if code else reverse("clc:import-all")
    registry = reverse("clc:registry") + (f"?district={code}" if code else "")
    context = {"district": district, "preview_limit": IMPORT_PREVIEW_ROWS}
    if request.method == "POST" and "token" in request.POST:
        outcome = import_confirm_request(
            request,
            kind=IMPORT_KIND,
            scope={"district": district_pk},
            run=lambda upload: imports.centres_import(
                user=request.user, district=district, upload=upload, dry_run=False
            ),
            again=again,
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        if outcome.is_valid:
            messages.success(
                request,
                _("%(created)s centres were registered and %(updated)s updated.")
                % {"created": outcome.created, "updated": outcome.updated},
            )
            return redirect(registry)
        context.update(form=CentreImportForm(), outcome=outcome)
        return render(request, "clc/centre_import.html", context)

    form = CentreImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        outcome = imports.centres_import(
            user=request.user, district=district, upload=upload, dry_run=True
        )
        context["outcome"] = outcome
        if outcome.is_valid:
            context["token"] = preview_token(
                user=request.user, kind=IMPORT_KIND, upload=upload, scope={"district": district_pk}
            )
    context["form"] = form
    return render(request, "clc/centre_import.html", context)


def centre_template(request):
    return xlsx_response("mau-trung-tam-hoc-tap-cong-dong.xlsx", imports.template_sheets())


# --- yearly report -------------------------------------------------------------------------------


def report_edit(request, pk: int, year: int):
    centre = _changeable_centre(pk, request.user)
    report = centre.reports.filter(year=year).prefetch_related("topics").first()
    if report and not report.is_editable:
        messages.info(request, _("This report can no longer be edited."))
        return redirect("clc:report", pk=report.pk)
    if report:
        initial = {name: getattr(report, name) for name in ReportForm.base_fields}
        for row in report.topics.all():
            initial[f"classes_{row.topic}"] = row.classes
            initial[f"sessions_{row.topic}"] = row.sessions
    else:
        initial = {"version": NEW}
    form = ReportForm(request.POST or None, initial=initial)
    saved = request.method == "POST" and run_service(
        form, services.report_save, user=request.user, centre=centre, year=year
    )
    if saved:
        messages.success(request, _("The report was saved as a draft. Submit it when ready."))
        return redirect("clc:report", pk=saved.pk)
    return render(
        request,
        "clc/report_form.html",
        {
            "form": form,
            "centre": centre,
            "district": centre.ward.parent,
            "year": year,
            "report": report,
        },
    )


def report_detail(request, pk: int):
    user = request.user
    report = get_object_or_404(_visible_reports(user).prefetch_related("topics"), pk=pk)
    district_id = report.centre.ward.parent_id
    may_change = may_change_unit(user, district_id)
    topics = {row.topic: row for row in report.topics.all()}
    return render(
        request,
        "clc/report_detail.html",
        {
            "report": report,
            "centre": report.centre,
            "district": report.centre.ward.parent,
            "topics": [(topic.label, topics.get(topic.value)) for topic in LearningTopic],
            "can_edit": report.is_editable and may_change,
            "can_review": report.status == ActivityReportStatus.SUBMITTED and may_change,
            "decision_form": ReportDecisionForm(),
            "history": report.history.select_related("history_user").order_by("-history_date"),
        },
    )


@require_POST
def report_submit(request, pk: int):
    report = get_object_or_404(_visible_reports(request.user), pk=pk)
    run_step(
        request,
        lambda: services.report_submit(user=request.user, report=report),
        _("The report was submitted to the district office."),
    )
    return redirect("clc:report", pk=report.pk)


@require_POST
def report_decide(request, pk: int):
    report = get_object_or_404(_visible_reports(request.user), pk=pk)
    form = ReportDecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    if request.POST.get("decision") == "return":
        step, success = services.report_return, _("The report was returned to the centre.")
    else:
        step, success = services.report_accept, _("The report was accepted.")
    run_step(request, lambda: step(user=request.user, report=report, comment=comment), success)
    return redirect("clc:report", pk=report.pk)


# --- evaluation ----------------------------------------------------------------------------------


def evaluation_edit(request, pk: int, year: int):
    centre = _changeable_centre(pk, request.user)
    evaluation = centre.evaluations.filter(year=year).select_related("rating").first()
    criteria = list(selectors.active_criteria())
    if evaluation:
        initial = {
            "evaluated_on": evaluation.evaluated_on,
            "comments": evaluation.comments,
            "proposals": evaluation.proposals,
            "version": evaluation.version,
        }
        for score in evaluation.scores.select_related("criterion"):
            initial[f"points_{score.criterion.code}"] = score.points
    else:
        initial = {"evaluated_on": timezone.localdate(), "version": NEW}
    form = EvaluationForm(request.POST or None, initial=initial, criteria=criteria)
    saved = request.method == "POST" and run_service(
        form, services.evaluation_save, user=request.user, centre=centre, year=year
    )
    if saved:
        messages.success(
            request,
            _("The evaluation was saved: %(points)s points, rated “%(rating)s”.")
            % {"points": saved.total_points, "rating": saved.rating},
        )
        return redirect(f"{reverse('clc:centre', args=[centre.pk])}#evaluations")
    return render(
        request,
        "clc/evaluation_form.html",
        {
            "form": form,
            "centre": centre,
            "district": centre.ward.parent,
            "year": year,
            "evaluation": evaluation,
            "scale": selectors.rating_ranges(),
        },
    )


# --- roll-ups ------------------------------------------------------------------------------------


def chart_data(rollup: selectors.Rollup) -> dict:
    """What the page's charts draw (handed over with json_script; static/js/clc-charts.js)."""
    figures = rollup.total
    data = {
        "target": IT_TARGET_PERCENT,
        "labels": {
            "classes": _("Classes"),
            "sessions": _("Sessions"),
            "itShare": _("Centres using IT (%)"),
            "target": _("National target 2025 (%)"),
            "reporting": _("Centres reporting (%)"),
        },
        "topics": {
            "labels": [str(topic.label) for topic in LearningTopic],
            "classes": [figures.classes[topic] for topic in LearningTopic.values],
            "sessions": [figures.sessions[topic] for topic in LearningTopic.values],
        },
        "funding": {
            "labels": [str(source.label) for source in FundingSource],
            "values": [figures.funding[source] for source in FundingSource.values],
        },
        "ratings": {
            "labels": [band.display_name for band in rollup.bands],
            "codes": [band.code for band in rollup.bands],
            "values": [figures.ratings[band.code] for band in rollup.bands],
        },
    }
    if rollup.districts:
        # A city's districts side by side; a country's 696 would not fit: its provinces.
        rows = rollup.districts if settings.PORTAL_PROVINCE_CODE else selectors.by_province(rollup)
        data["districts"] = {
            "labels": [district.name for district, _figures in rows],
            "itShare": [_number(f.it_share) for _district, f in rows],
            "reporting": [_number(f.share_reporting) for _district, f in rows],
            "ratings": [[f.ratings[band.code] for _d, f in rows] for band in rollup.bands],
        }
    return data


def _number(value):
    return None if value is None else float(value)


def _figure_context(rollup: selectors.Rollup) -> dict:
    figures = rollup.total
    return {
        "rollup": rollup,
        "figures": figures,
        "target": IT_TARGET_PERCENT,
        "years": selectors.report_years(),
        "chart_data": chart_data(rollup),
        "topic_rows": [
            (topic.label, figures.classes[topic], figures.sessions[topic])
            for topic in LearningTopic
        ],
        "funding_rows": [(source.label, figures.funding[source]) for source in FundingSource],
    }


DISTRICTS_PAGE_SIZE = 50


def rollup_city(request):
    user = request.user
    year = _year(request)
    rollup = selectors.clc_rollup_for(user=user, year=year)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"tthtcd-tong-hop-{year}.xlsx", imports.rollup_sheets(rollup))
    # A city's districts fit one page; a country's 696 do not.
    page = Paginator(rollup.districts, DISTRICTS_PAGE_SIZE).get_page(request.GET.get("page"))
    deadline = obligation_timeliness(ObligationKind.CLC_REPORT, user=user, year=year)
    on_time = {cell.unit.pk: cell for cell in deadline.units} if deadline else {}
    rows = [
        {
            "district": district,
            "figures": figures,
            "ratings": [figures.ratings[band.code] for band in rollup.bands],
            "linked": may_view_unit(user, district.pk),
            "cell": on_time.get(district.pk),
        }
        for district, figures in page.object_list
    ]
    return render(
        request,
        "clc/rollup_city.html",
        {
            **_figure_context(rollup),
            "year": year,
            "rows": rows,
            "page_obj": page,
            "chart_by_province": not settings.PORTAL_PROVINCE_CODE,
            # One bar per district: an officer's one district needs a short chart, the city's 22
            # the full height.
            "district_chart_rem": min(34, 8 + 1.2 * len(rollup.districts)),
            "city_ratings": [rollup.total.ratings[band.code] for band in rollup.bands],
            "deadline": deadline,
            # The footer is the whole city's: its timeliness only for those who read every
            # district's (a district officer's tally above is their own district's).
            "city_deadline": deadline if reach(user, Action.VIEW) == "all" else None,
        },
    )


def rollup_district(request, code: str):
    district = _visible_district(request.user, code)
    year = _year(request)
    rollup = selectors.clc_rollup_for(user=request.user, year=year, district=district)
    centres = list(selectors.district_centres(district=district, year=year, user=request.user))
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"tthtcd-{district.code}-{year}.xlsx",
            imports.rollup_sheets(rollup, district=district, centres=centres),
        )
    # The district's own standing (``_visible_district()`` has checked the user may read it).
    deadline = obligation_timeliness(ObligationKind.CLC_REPORT, districts=[district], year=year)
    cell = deadline.units[0] if deadline and deadline.units else None
    labels = dict(ActivityReportStatus.choices)
    bands = {band.code: band.display_name for band in rollup.bands}
    for centre in centres:
        centre.report_label = labels.get(centre.report_status, "")
        centre.rating_name = bands.get(centre.evaluation_rating, "")
    return render(
        request,
        "clc/rollup_district.html",
        {
            **_figure_context(rollup),
            "district": district,
            "year": year,
            "centres": centres,
            "can_change": may_change_unit(request.user, district.pk),
            "deadline": deadline,
            "cell": cell,
        },
    )


def not_reported(request):
    user = request.user
    year = _year(request)
    centres = restrict(selectors.centres_not_reported(year=year, user=user), user).order_by(
        "ward__parent__code", "ward__code"
    )
    code = request.GET.get("district", "")
    if code:
        centres = centres.filter(ward__parent__code=code)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"tthtcd-chua-bao-cao-{year}.xlsx", imports.not_reported_sheets(centres, year=year)
        )
    registered = restrict(selectors.centre_list(), user)
    if code:
        registered = registered.filter(ward__parent__code=code)
    centres = list(centres)
    labels = dict(ActivityReportStatus.choices)
    for centre in centres:
        centre.report_label = labels.get(centre.report_status, "")
    return render(
        request,
        "clc/not_reported.html",
        {
            "centres": centres,
            "year": year,
            "years": selectors.report_years(),
            "districts": _districts_for(user),
            "district_code": code,
            "counts": selectors.registry_counts(registered),
        },
    )
