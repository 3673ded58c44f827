import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from learningcity.choices import PeriodKind, Role
from learningcity.deadlines.choices import ObligationKind
from learningcity.deadlines.selectors import obligation_timeliness
from learningcity.forms import run_service, run_step, saved_message
from learningcity.import_previews import import_confirm_request, preview_token
from learningcity.models import ReportingPeriod
from learningcity.periods import PeriodChoice, period_choice
from learningcity.permissions import (
    Action,
    may_change_unit,
    may_see_personal_data,
    may_view_unit,
    reach,
    restrict,
    restrict_units,
)
from learningcity.storage import download_view, serve_stored_file, stored_basename
from learningcity.workflow import NEW
from learningcity.xlsx import Sheet, xlsx_response

from . import imports, selectors, services
from .choices import ReviewStatus
from .figures import programme_figures
from .filters import DistrictFilterSet
from .forms import (
    CommitteeEditForm,
    CommitteeEstablishForm,
    MemberAddForm,
    MemberForm,
    MemberImportForm,
    PlanForm,
    ProgressForm,
    ReviewDecisionForm,
    ReviewForm,
)
from .models import (
    CommitteeMember,
    ImplementationPlan,
    InterimReview,
    KeyTaskProgress,
    SteeringCommittee,
)


class DistrictListView(ListView):
    template_name = "districts/district_list.html"
    context_object_name = "districts"
    paginate_by = 25
    # ?sort= values the page offers, mapped to orderings.
    orderings = {
        "code": "code",
        "name": "name_search",
        "-name": "-name_search",
        "wards": "ward_count",
        "-wards": "-ward_count",
    }

    def get_queryset(self):
        self.filterset = DistrictFilterSet(
            self.request.GET, queryset=selectors.portal_district_list()
        )
        self.sort = self.request.GET.get("sort", "code")
        ordering = self.orderings.get(self.sort, "code")
        return self.filterset.qs.order_by(ordering, "code")

    def get_context_data(self, **kwargs):
        today = datetime.date.today()
        return super().get_context_data(
            filterset=self.filterset,
            sort=self.sort,
            today=today,
            district_total=selectors.portal_districts().count(),
            with_committee=selectors.districts_with_committee(as_of=today),
            with_plan=selectors.districts_with_plan(as_of=today),
            # A district's own programme is shown to those who may open it (the board's rule);
            # the city totals above the list are everyone's.
            programme_visible=set(
                restrict_units(selectors.portal_districts(), self.request.user).values_list(
                    "pk", flat=True
                )
            ),
            **kwargs,
        )


# --- helpers -------------------------------------------------------------------------------------


def _district(code: str):
    return get_object_or_404(selectors.portal_district_list(), code=code)


def _period(code: str | None) -> ReportingPeriod:
    """The period named by ``code``, or the latest year that has begun."""
    if code:
        period = ReportingPeriod.objects.filter(code=code).first()
        if period is None:
            raise Http404(_("Unknown reporting period."))
        return period
    today = datetime.date.today()
    latest = (
        ReportingPeriod.objects.filter(kind="year", start_date__lte=today)
        .order_by("-start_date")
        .first()
    )
    return latest or ReportingPeriod.objects.get_or_create_for(kind="year", year=today.year)


def _changeable(model, pk: int, user):
    """The row ``pk`` if ``user`` may change it; 404 if they may only see it or not even that."""
    return get_object_or_404(restrict(model.objects.all(), user, Action.CHANGE), pk=pk)


def _require_unit_change(user, district) -> None:
    if not may_change_unit(user, district.pk):
        raise PermissionDenied(_("You do not have permission to do this."))


# --- district hub --------------------------------------------------------------------------------


def district_detail(request, code: str):
    district = _district(code)
    user = request.user
    # Without a choice, the half-year reviews were last sent for: the review card has one.
    code = request.GET.get("period")
    period = (not code and selectors.latest_review_half_year()) or _period(code)
    committees = restrict(SteeringCommittee.objects.filter(district=district), user)
    committee = committees.filter(superseded_at=None).prefetch_related("members").first()
    plans = restrict(ImplementationPlan.objects.filter(district=district), user)
    reviews = selectors.visible_reviews(
        InterimReview.objects.filter(district=district, period=period), user=user
    )
    shows_programme = may_view_unit(user, district.pk)
    # Officers' names and e-mails are the district's personal data.
    officers = get_user_model().objects.filter(
        unit=district, role=Role.DISTRICT_OFFICER, is_active=True
    )
    if not may_see_personal_data(user, district.pk):
        officers = officers.none()
    officers = officers.order_by("full_name")
    return render(
        request,
        "districts/district_detail.html",
        {
            "district": district,
            "wards": selectors.ward_list().filter(parent=district),
            "officers": officers,
            "shows_programme": shows_programme,
            "can_change": may_change_unit(user, district.pk),
            "committee": committee,
            "committee_count": committees.count(),
            "plan": plans.filter(superseded_at=None).first(),
            "plan_history": plans.order_by("-issued_on", "-id"),
            "period": period,
            "periods": ReportingPeriod.objects.order_by("-start_date", "end_date"),
            "progress": selectors.progress_for(district=district, period=period)
            if shows_programme
            else [],
            "review": reviews.first(),
        },
    )


def committee_history(request, code: str):
    district = _district(code)
    committees = restrict(selectors.committee_history(district=district), request.user)
    return render(
        request,
        "districts/committee_history.html",
        {"district": district, "committees": committees.prefetch_related("members")},
    )


# --- steering committee --------------------------------------------------------------------------


def committee_establish(request, code: str):
    district = _district(code)
    _require_unit_change(request.user, district)
    form = CommitteeEstablishForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and run_service(
        form, services.committee_establish, user=request.user, district=district
    ):
        saved_message(request, form, _("The steering committee decision was recorded."))
        return redirect("districts:detail", code=district.code)
    return render(
        request,
        "districts/form_page.html",
        {
            "district": district,
            "form": form,
            "title": _("Record the steering committee decision"),
            "multipart": True,
        },
    )


def committee_edit(request, pk: int):
    committee = _changeable(SteeringCommittee, pk, request.user)
    initial = {
        "number": committee.number,
        "issued_on": committee.issued_on,
        "signer": committee.signer,
        "version": committee.version,
    }
    form = CommitteeEditForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and run_service(
        form, _committee_update, user=request.user, committee=committee
    ):
        messages.success(request, _("The decision was updated."))
        return redirect("districts:detail", code=committee.district.code)
    return render(
        request,
        "districts/form_page.html",
        {
            "district": committee.district,
            "form": form,
            "title": _("Correct the committee decision"),
            "multipart": True,
        },
    )


def _committee_update(*, file=None, **fields):
    if file:
        fields["file"] = file
    return services.committee_update(**fields)


def member_add(request, pk: int):
    committee = _changeable(SteeringCommittee, pk, request.user)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and run_service(
        form, services.member_create, user=request.user, committee=committee
    ):
        saved_message(request, form, _("The member was added."))
        if "add_another" in request.POST:
            return redirect("districts:member-add", pk=committee.pk)
        return redirect("districts:detail", code=committee.district.code)
    return render(
        request,
        "districts/form_page.html",
        {
            "district": committee.district,
            "form": form,
            "title": _("Add a committee member"),
            "add_another": True,
        },
    )


def member_edit(request, pk: int):
    member = _changeable(CommitteeMember, pk, request.user)
    initial = {f: getattr(member, f) for f in MemberForm.base_fields}
    form = MemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and run_service(
        form, services.member_update, user=request.user, member=member
    ):
        messages.success(request, _("The member was updated."))
        return redirect("districts:detail", code=member.committee.district.code)
    return render(
        request,
        "districts/form_page.html",
        {"district": member.committee.district, "form": form, "title": _("Edit a member")},
    )


def member_delete(request, pk: int):
    member = _changeable(CommitteeMember, pk, request.user)
    district = member.committee.district
    if request.method == "POST":
        services.member_delete(user=request.user, member=member)
        messages.success(
            request, _("%(name)s was removed from the committee.") % {"name": member.full_name}
        )
        return redirect("districts:detail", code=district.code)
    return render(
        request,
        "districts/confirm_delete.html",
        {
            "district": district,
            "title": _("Remove a committee member"),
            "question": _("Remove %(name)s from the steering committee?")
            % {"name": member.full_name},
        },
    )


# --- member import and export --------------------------------------------------------------------

IMPORT_KIND = "districts.members"


def member_import(request, pk: int):
    """Upload, preview, confirm. The uploaded file waits in storage between the two steps, named
    by a signed token, so any web process can finish the import."""
    committee = _changeable(SteeringCommittee, pk, request.user)
    district = committee.district
    context = {"district": district, "committee": committee}
    if request.method == "POST" and "token" in request.POST:
        outcome = import_confirm_request(
            request,
            kind=IMPORT_KIND,
            scope={"committee": committee.pk},
            run=lambda upload: imports.members_import(
                user=request.user, committee=committee, upload=upload, dry_run=False
            ),
            again=reverse("districts:member-import", args=[committee.pk]),
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        if outcome.written:
            messages.success(
                request, _("%(count)s members were imported.") % {"count": outcome.written}
            )
            return redirect("districts:detail", code=district.code)
        context.update(form=MemberImportForm(), outcome=outcome)
        return render(request, "districts/member_import.html", context)

    form = MemberImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        outcome = imports.members_import(
            user=request.user, committee=committee, upload=upload, dry_run=True
        )
        context["outcome"] = outcome
        if not (outcome.errors or outcome.file_errors):
            context["token"] = preview_token(
                user=request.user,
                kind=IMPORT_KIND,
                upload=upload,
                scope={"committee": committee.pk},
            )
    context["form"] = form
    return render(request, "districts/member_import.html", context)


def member_template(request):
    return xlsx_response("mau-thanh-vien-ban-chi-dao.xlsx", imports.member_template_sheets())


def members_export(request, pk: int):
    committee = get_object_or_404(restrict(SteeringCommittee.objects.all(), request.user), pk=pk)
    return xlsx_response(
        f"thanh-vien-ban-chi-dao-{committee.district.code}.xlsx",
        imports.members_export_sheets(committee),
    )


# --- implementation plan -------------------------------------------------------------------------


def plan_issue(request, code: str):
    district = _district(code)
    _require_unit_change(request.user, district)
    form = PlanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and run_service(
        form, services.plan_issue, user=request.user, district=district
    ):
        saved_message(request, form, _("The implementation plan was recorded."))
        return redirect("districts:detail", code=district.code)
    return render(
        request,
        "districts/form_page.html",
        {
            "district": district,
            "form": form,
            "title": _("Record the implementation plan"),
            "multipart": True,
        },
    )


# --- key-task progress ---------------------------------------------------------------------------


def progress_edit(request, code: str, period: str):
    district = _district(code)
    _require_unit_change(request.user, district)
    period = _period(period)
    rows = []
    for task, progress in selectors.progress_for(district=district, period=period):
        initial = (
            {"status": progress.status, "account": progress.account, "version": progress.version}
            if progress
            else {"version": NEW}
        )
        form = ProgressForm(
            request.POST or None, request.FILES or None, prefix=task.code, initial=initial
        )
        rows.append((task, progress, form))
    if request.method == "POST":
        if all(form.is_valid() for _task, _progress, form in rows):
            try:
                with transaction.atomic():  # all the rows or none
                    for task, _progress, form in rows:
                        services.progress_save(
                            user=request.user,
                            district=district,
                            period=period,
                            key_task=task,
                            **form.cleaned_data,
                        )
            except ValidationError as error:
                messages.error(request, "; ".join(error.messages))
            else:
                messages.success(request, _("Key-task progress was saved."))
                return redirect(
                    f"{reverse('districts:detail', args=[district.code])}?period={period.code}"
                )
        else:
            messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "districts/progress_form.html",
        {"district": district, "period": period, "rows": rows},
    )


# --- interim review ------------------------------------------------------------------------------


def review_edit(request, code: str, period: str):
    district = _district(code)
    _require_unit_change(request.user, district)
    period = _period(period)
    review = InterimReview.objects.filter(district=district, period=period).first()
    if review and not review.is_editable:
        messages.info(request, _("This review can no longer be edited."))
        return redirect("districts:review", pk=review.pk)
    initial = (
        {f: getattr(review, f) for f in ReviewForm.base_fields} if review else {"version": NEW}
    )
    form = ReviewForm(request.POST or None, initial=initial)
    saved = request.method == "POST" and run_service(
        form, services.review_save, user=request.user, district=district, period=period
    )
    if saved:
        messages.success(request, _("The review was saved as a draft. Submit it when ready."))
        return redirect("districts:review", pk=saved.pk)
    return render(
        request,
        "districts/form_page.html",
        {
            "district": district,
            "form": form,
            "title": _("Interim review: %(period)s") % {"period": period},
        },
    )


def _visible_reviews(user):
    return selectors.visible_reviews(
        InterimReview.objects.select_related("district", "period"), user=user
    )


def review_detail(request, pk: int):
    review = get_object_or_404(_visible_reviews(request.user), pk=pk)
    return render(
        request,
        "districts/review_detail.html",
        {
            "review": review,
            "district": review.district,
            "can_edit": review.is_editable and may_change_unit(request.user, review.district_id),
            "can_review": review.status == ReviewStatus.SUBMITTED
            and reach(request.user, Action.REVIEW) == "all",
            "decision_form": ReviewDecisionForm(),
            "history": review.history.select_related("history_user").order_by("-history_date"),
        },
    )


@require_POST
def review_submit(request, pk: int):
    review = get_object_or_404(_visible_reviews(request.user), pk=pk)
    run_step(
        request,
        lambda: services.review_submit(user=request.user, review=review),
        _("The review was submitted to the Department."),
    )
    return redirect("districts:review", pk=review.pk)


@require_POST
def review_decide(request, pk: int):
    review = get_object_or_404(_visible_reviews(request.user), pk=pk)
    form = ReviewDecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    if request.POST.get("decision") == "return":
        step, success = services.review_return, _("The review was returned to the district.")
    else:
        step, success = services.review_acknowledge, _("The review was acknowledged.")
    run_step(request, lambda: step(user=request.user, review=review, comment=comment), success)
    return redirect("districts:review", pk=review.pk)


# --- the Department's review board and digest ----------------------------------------------------


BOARD_PAGE_SIZE = 50


def _review_period(request) -> PeriodChoice:
    """The board's and the digest's period: a half-year (reviews are filed per half-year) or a
    year (both halves); by default the latest half-year some review was sent for."""
    periods = selectors.review_periods()
    choice = period_choice(
        request.GET.get("period"),
        kinds=selectors.review_period_kinds(periods),
        with_data=periods,
    )
    if choice.selected is None:
        raise Http404(_("There are no interim reviews for this kind of period."))
    return choice


def review_board(request):
    user = request.user
    choice = _review_period(request)
    period = choice.selected
    board = selectors.review_board(period=period)
    totals = selectors.programme_totals(period=period)
    rows = restrict_units(board, user)
    active_filter = request.GET.get("filter", "")
    if active_filter in selectors.BOARD_FILTERS:
        rows = rows.filter(selectors.BOARD_FILTERS[active_filter])
    tasks_total = selectors.key_tasks_for(period=period).count()
    page = None
    if request.GET.get("format") == "xlsx":
        rows = list(rows)
    else:  # a city's districts fit one page; a country's 696 do not
        page = Paginator(rows, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = page.object_list
    deadline = obligation_timeliness(ObligationKind.INTERIM_REVIEW, user=user, period=period)
    on_time = {cell.unit.pk: cell for cell in deadline.units} if deadline else {}
    reviews = selectors.board_reviews(rows, period=period)
    for row in rows:
        row.deadline = on_time.get(row.pk)
        row.reviews = reviews.get(row.pk, [])
    context = {
        "period": period,
        "is_year": period.kind == PeriodKind.YEAR,
        "as_of": selectors.as_of_period(period),
        "totals": totals,
        "tasks_total": tasks_total,
        "deadline": deadline,
    }
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"bang-theo-doi-{period.code}.xlsx", _board_sheets(rows, context))
    return render(
        request,
        "districts/review_board.html",
        {
            **context,
            "period_groups": choice.groups,
            "rows": rows,
            "page_obj": page,
            "active_filter": active_filter,
            "filters": [
                ("missing_committee", _("Missing committee")),
                ("missing_plan", _("Missing plan")),
                ("review_not_submitted", _("No interim review sent")),
            ],
        },
    )


def _review_cell(row) -> str:
    """The board's interim-review cell as text: each sent review's state, or not sent."""
    if not row.reviews:
        return str(_("Not sent"))
    return "; ".join(f"{review.period}: {review.get_status_display()}" for review in row.reviews)


def _board_sheets(rows, context) -> list[Sheet]:
    """The board's export: its rows, and the city-wide figures the page shows above them."""
    timeliness = [_("Timeliness"), _("Days late")] if context["deadline"] else []
    totals, period = context["totals"], context["period"]
    board = Sheet(
        title=_("Review board"),
        headers=[
            _("GSO code"),
            _("District"),
            _("Committee decision"),
            _("Decision date"),
            _("Members"),
            _("Plan number"),
            _("Plan date"),
            _("Key tasks done"),
            _("Key tasks"),
            _("Interim reviews sent"),
            _("Interim review"),
            *timeliness,
        ],
        rows=[
            [
                row.code,
                row.name,
                row.committee_number,
                row.committee_issued_on,
                row.member_count,
                row.plan_number,
                row.plan_issued_on,
                row.tasks_done,
                context["tasks_total"],
                row.reviews_sent,
                _review_cell(row),
                *([row.deadline.label, row.deadline.days_late] if row.deadline else []),
            ]
            for row in rows
        ],
        column_formats={3: "dd/mm/yyyy", 6: "dd/mm/yyyy", 4: "0", 7: "0", 8: "0", 9: "0"},
    )
    summary = Sheet(
        title=_("City totals"),
        headers=[_("Figure"), _("Value")],
        rows=[[str(label), value] for label, value in programme_figures(totals, period)],
        column_formats={1: "0"},
    )
    return [board, summary]


def review_digest(request):
    user = request.user
    choice = _review_period(request)
    period = choice.selected
    query = request.GET.get("q", "")
    reviews = selectors.review_digest(start=period.start_date, end=period.end_date, query=query)
    reviews = restrict(reviews, user)
    tally = selectors.review_tally(period=period)
    if request.GET.get("format") == "xlsx":
        sheet = Sheet(
            title=_("Difficulties and proposals"),
            headers=[
                _("GSO code"),
                _("District"),
                _("Period"),
                _("Date held"),
                _("Status"),
                _("Difficulties and obstacles"),
                _("Proposals"),
            ],
            rows=[
                [
                    r.district.code,
                    r.district.name,
                    str(r.period),
                    r.held_on,
                    str(r.get_status_display()),
                    r.difficulties,
                    r.proposals,
                ]
                for r in reviews
            ],
            column_formats={3: "dd/mm/yyyy"},
        )
        return xlsx_response(f"kho-khan-de-xuat-{period.code}.xlsx", [sheet])
    return render(
        request,
        "districts/review_digest.html",
        {
            "period": period,
            "is_year": period.kind == PeriodKind.YEAR,
            "period_groups": choice.groups,
            "reviews": reviews,
            "tally": tally,
            "query": query,
        },
    )


# --- files ---------------------------------------------------------------------------------------

FILE_FIELDS = {
    "committee": (SteeringCommittee, "file"),
    "plan": (ImplementationPlan, "file"),
    "progress": (KeyTaskProgress, "evidence"),
}


@download_view
def download(request, kind: str, pk: int):
    """Uploaded files are never served directly: each download re-checks the reader's scope."""
    if kind not in FILE_FIELDS:
        raise Http404
    model, field = FILE_FIELDS[kind]
    obj = get_object_or_404(restrict(model.objects.all(), request.user), pk=pk)
    stored = getattr(obj, field)
    if not stored:
        raise Http404
    return serve_stored_file(stored, stored_basename(stored))
