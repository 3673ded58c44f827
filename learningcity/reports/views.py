"""Report pages: the archive, the request form, a report's page with its progress (htmx
polling a small partial), downloads through a permission check, and "compile again"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from districts.selectors import portal_district_list
from learningcity.choices import Role
from learningcity.forms import run_service
from learningcity.models import ReportingPeriod
from learningcity.storage import serve_stored_file

from . import selectors, services
from .choices import ReportFormat, ReportKind, ReportStatus
from .filters import CITY, ReportFilterSet
from .forms import ReportRequestForm
from .models import Report


def _report(request, pk: int) -> Report:
    """The report ``pk`` if the user may see it; 404 otherwise, as if it did not exist."""
    return get_object_or_404(selectors.report_list(user=request.user), pk=pk)


def _fixed_district(user):
    """A district officer's reports are their district's: the form does not ask."""
    return user.unit if user.role == Role.DISTRICT_OFFICER else None


class ReportListView(ListView):
    template_name = "reports/report_list.html"
    context_object_name = "reports"
    paginate_by = 25

    def get_queryset(self):
        self.filterset = ReportFilterSet(
            self.request.GET, queryset=selectors.report_list(user=self.request.user)
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        user = self.request.user
        department = user.role in (Role.DEPARTMENT_ADMIN, Role.DEPARTMENT_REVIEWER)
        years = ReportingPeriod.objects.order_by("-year").values_list("year", flat=True).distinct()
        return super().get_context_data(
            filterset=self.filterset,
            form=self.filterset.form,
            kinds=ReportKind.choices,
            statuses=ReportStatus.choices,
            years=list(years),
            districts=list(portal_district_list()) if department else [],
            city=CITY,
            may_request=services.may_request(user, _fixed_district(user))
            if user.role == Role.DISTRICT_OFFICER
            else department,
            **kwargs,
        )


def _tell_if_job_waits(request, report: Report) -> None:
    """For a report queued without a job sent yet (queued by this request, or waiting for the
    broker already): once the request's transaction has committed and the job was sent (or
    not), say that the report is compiled when the service is back if it could not be sent."""
    if report.status != ReportStatus.QUEUED or report.job_sent_at is not None:
        return  # compiling, or its job is with the broker

    def tell():
        if services.report_job_waiting(report_id=report.pk):
            messages.warning(request, services.job_waiting_message())

    transaction.on_commit(tell)


def report_request(request):
    user = request.user
    district = _fixed_district(user)
    if not services.may_request(user, district):
        raise PermissionDenied(_("You do not have permission to do this."))
    form = ReportRequestForm(request.POST or None, fixed_district=district)
    extra = {"district": district} if district is not None else {}
    report = request.method == "POST" and run_service(
        form, services.report_request, user=user, **extra
    )
    if report:
        messages.success(request, _("The report was queued; this page shows its progress."))
        _tell_if_job_waits(request, report)
        return redirect("reports:report", pk=report.pk)
    return render(request, "reports/report_form.html", {"form": form, "fixed_district": district})


def period_options(request):
    """The <option>s of the periods that fit the chosen kind (htmx swaps them in)."""
    periods = selectors.periods_for_kind(kind=request.GET.get("kind", ""))
    return render(request, "reports/_period_options.html", {"periods": periods})


def _context(request, report: Report) -> dict:
    return {
        "report": report,
        "may_compile": services.may_request(request.user, report.district) and not report.is_active,
    }


def report_detail(request, pk: int):
    report = _report(request, pk)
    history = report.history.select_related("history_user").order_by("-history_date")[:10]
    return render(
        request, "reports/report_detail.html", {**_context(request, report), "history": history}
    )


def report_progress(request, pk: int):
    """The part of the report's page that htmx polls every 2 s while it compiles."""
    return render(request, "reports/_progress.html", _context(request, _report(request, pk)))


@require_POST
def report_compile_again(request, pk: int):
    report = _report(request, pk)
    report = services.report_request(
        user=request.user, kind=report.kind, period=report.period, district=report.district
    )
    messages.success(request, _("The report was queued again."))
    _tell_if_job_waits(request, report)
    return redirect("reports:report", pk=report.pk)


def file_response(report: Report, fmt: str):
    """The report's last good ``fmt`` file as a download (404 when there is none): streamed,
    or a redirect to a signed URL when the files are in object storage."""
    if fmt not in ReportFormat.values:
        raise Http404
    stored = getattr(report, fmt)
    if not stored:
        raise Http404(_("This report has no file yet."))
    return serve_stored_file(stored, services.download_name(report, fmt))


def report_download(request, pk: int, fmt: str):
    """Files are never served from MEDIA_URL: each download re-checks who is asking."""
    return file_response(_report(request, pk), fmt)
