from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from learningcity.choices import Role
from learningcity.forms import run_service
from learningcity.xlsx import Sheet, xlsx_response

from . import selectors, services
from .choices import ObligationKind
from .forms import ExceptionForm, GenerateForm, ObligationForm
from .models import Obligation
from .registry import source

PAGE_SIZE = 50


def _is_admin(user) -> bool:
    return user.role == Role.DEPARTMENT_ADMIN


def obligation_list(request):
    years = sorted(set(Obligation.objects.values_list("period__year", flat=True)), reverse=True)
    year = _int(request.GET.get("year")) or (years[0] if years else timezone.localdate().year)
    kind = request.GET.get("kind", "")
    obligations = (
        selectors.obligation_list()
        .filter(period__year=year)
        .annotate(exception_count=Count("exceptions"))
        .order_by("due_date", "kind")
    )
    if kind in ObligationKind.values:
        obligations = obligations.filter(kind=kind)
    page = Paginator(obligations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "deadlines/obligation_list.html",
        {
            "page_obj": page,
            "obligations": page.object_list,
            "year": year,
            "years": years,
            "kind": kind,
            "kinds": ObligationKind.choices,
            "generate_form": GenerateForm(prefix="generate", initial={"year": year})
            if _is_admin(request.user)
            else None,
            "today": timezone.localdate(),
        },
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
def obligation_generate(request):
    if not _is_admin(request.user):
        raise PermissionDenied
    form = GenerateForm(request.POST, prefix="generate")
    created = run_service(form, services.obligations_generate, user=request.user)
    if created is None:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("deadlines:list")
    messages.success(
        request,
        _("%(count)s obligation(s) created for %(year)s; existing ones were left as they were.")
        % {"count": len(created), "year": form.cleaned_data["year"]},
    )
    return redirect(f"{reverse('deadlines:list')}?year={form.cleaned_data['year']}")


def obligation_detail(request, pk: int):
    obligation = get_object_or_404(selectors.obligation_list(), pk=pk)
    user = request.user
    table = selectors.timeliness([obligation], districts=selectors.visible_districts(user))
    column = table.columns[0]
    entry_url = source(obligation.kind).entry_url
    rows = [(cell, entry_url(obligation.period, cell.unit)) for cell in column.units]
    exception_form = None
    if user.is_department_staff:
        exception_form = ExceptionForm(request.POST or None)
        if request.method == "POST" and run_service(
            exception_form, services.exception_grant, user=user, obligation=obligation
        ):
            messages.success(request, _("The exception was granted."))
            return redirect("deadlines:obligation", pk=obligation.pk)
    elif request.method == "POST":
        raise PermissionDenied
    exceptions = selectors.exceptions_of(obligation)
    if not user.is_department_staff:
        exceptions = exceptions.filter(unit_id=user.unit_id)
    return render(
        request,
        "deadlines/obligation_detail.html",
        {
            "obligation": obligation,
            "column": column,
            "rows": rows,
            "exceptions": exceptions,
            "exception_form": exception_form,
            "today": timezone.localdate(),
            "closed": obligation.is_closed(timezone.localdate()),
        },
    )


def obligation_edit(request, pk: int):
    if not _is_admin(request.user):
        raise PermissionDenied
    obligation = get_object_or_404(selectors.obligation_list(), pk=pk)
    initial = {
        "due_date": obligation.due_date,
        "lock_after_days": obligation.lock_after_days,
        "units": list(obligation.units.all()),
        "note": obligation.note,
        "version": obligation.version,
    }
    form = ObligationForm(request.POST or None, initial=initial)
    if request.method == "POST" and run_service(
        form, services.obligation_update, user=request.user, obligation=obligation
    ):
        messages.success(request, _("The obligation was saved."))
        return redirect("deadlines:obligation", pk=obligation.pk)
    return render(
        request, "deadlines/obligation_form.html", {"obligation": obligation, "form": form}
    )


def timeliness(request):
    """Who submitted on time, late or not at all, for a period or a whole year."""
    periods = list(selectors.periods_with_obligations())
    code = request.GET.get("period", "")
    year = _int(request.GET.get("year"))
    period = next((p for p in periods if p.code == code), None)
    if period is None and year is None:
        period = selectors.latest_period_due(periods)
    obligations = (
        selectors.obligations_for(period=period, year=year)
        if (period or year)
        else Obligation.objects.none()
    )
    table = selectors.timeliness(
        obligations.order_by("due_date", "kind"),
        districts=selectors.visible_districts(request.user),
    )
    label = str(period) if period else (_("Year %(year)s") % {"year": year} if year else "")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"dung-han-{period.code if period else year}.xlsx", [_timeliness_sheet(table, label)]
        )
    return render(
        request,
        "deadlines/timeliness.html",
        {
            "table": table,
            "period": period,
            "year": year,
            "label": label,
            "periods": periods,
            "years": sorted({p.year for p in periods}, reverse=True),
        },
    )


def _timeliness_sheet(table, label: str) -> Sheet:
    """The matrix as the page shows it: a district's status under each obligation (with, for
    one met in parts, the centres' reports in and due, on time and late), and the tallies."""
    headers = [_("GSO code"), _("District")]
    for column in table.columns:
        headers += [str(column.obligation), _("Days late")]
        if column.parts is not None:
            headers += [
                _("Centres due"),
                _("Centres' reports in"),
                _("Centres' reports on time"),
                _("Centres' reports late"),
            ]
    headers += [_("On time"), _("Late"), _("Partly submitted"), _("Missing"), _("Not yet due")]
    headers += [_("On-time rate (%)")]
    rows = []
    for row in table.rows:
        line = [row.unit.code, row.unit.name]
        for column, cell in zip(table.columns, row.cells, strict=True):
            line += [cell.text, cell.days_late] if cell else ["", ""]
            if column.parts is not None:
                parts = cell.parts if cell else None
                line += [parts.due, parts.sent, parts.on_time, parts.late] if parts else [""] * 4
        line += _tally_cells(row.tally)
        rows.append(line)
    city = ["", _("City")]
    for column in table.columns:
        city += ["", ""]
        if column.parts is not None:
            parts = column.parts
            city += [parts.due, parts.sent, parts.on_time, parts.late]
    rows.append(city + _tally_cells(table.city))
    return Sheet(title=_("Timeliness") + f" {label}", headers=headers, rows=rows)


def _tally_cells(tally) -> list:
    return [
        tally.on_time,
        tally.late,
        tally.partial,
        tally.missing,
        tally.pending,
        tally.on_time_rate,
    ]
