from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import ListView
from django_ratelimit.decorators import ratelimit

from learningcity.forms import run_service, saved_message
from learningcity.permissions import Action, may_change_unit, restrict
from learningcity.storage import download_view, serve_stored_file, stored_basename
from learningcity.xlsx import Sheet, xlsx_response

from . import selectors, services
from .choices import DECIDABLE_STATUSES, QUEUE_STATUSES, CommentStatus, DossierStatus
from .filters import DossierFilterSet
from .forms import (
    ATTACHMENT_FIELDS,
    CommentForm,
    DecisionForm,
    DossierChoiceForm,
    DossierForm,
    OpinionForm,
    ReasonForm,
    VoteForm,
)
from .models import Attachment, Decision, Dossier, PublicComment, Round

# --- helpers --------------------------------------------------------------------------------------


def _require_department(user) -> None:
    if not selectors.is_department(user):
        raise PermissionDenied(_("You do not have permission to do this."))


def _visible(user, pk: int) -> Dossier:
    """The dossier ``pk`` if ``user`` may see it; 404 otherwise, as if it did not exist."""
    return get_object_or_404(selectors.visible_dossiers(user=user).select_related("round"), pk=pk)


def _query_without(request, *keys: str) -> str:
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


def _local_url(request, name: str) -> str | None:
    """The portal page posted as ``name`` (the queue a step was taken from), or None for an
    address elsewhere or anything that is not one: never a redirect off the portal."""
    url = request.POST.get(name) or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and url.startswith("/"):
        return url
    return None


def _round_from(request) -> Round | None:
    value = request.GET.get("round")
    if value:
        found = selectors.round_by_id_or_year(value)
        if found is None:
            raise Http404(_("Unknown round."))
        return found
    return selectors.latest_round()


@transaction.atomic
def _create_with_files(*, user, round, district, **data) -> Dossier:
    """A new draft and the documents attached in the same form: all of it or nothing."""
    files = {kind: data.pop(name) for name, kind in ATTACHMENT_FIELDS.items()}
    dossier = services.dossier_create(user=user, round=round, district=district, **data)
    _attach(user, dossier, files)
    return dossier


@transaction.atomic
def _update_with_files(*, user, dossier, **data) -> Dossier:
    files = {kind: data.pop(name) for name, kind in ATTACHMENT_FIELDS.items()}
    dossier = services.dossier_update(user=user, dossier=dossier, **data)
    _attach(user, dossier, files)
    return dossier


def _attach(user, dossier: Dossier, files: dict) -> None:
    for kind, upload in files.items():
        if upload:
            services.attachment_add(user=user, dossier=dossier, kind=kind, file=upload)


# --- dossier list and export ----------------------------------------------------------------------


class DossierListView(ListView):
    template_name = "awards/dossier_list.html"
    context_object_name = "dossiers"
    paginate_by = 25
    # ?sort= values the page offers, mapped to orderings.
    orderings = {
        "code": ("-round__year", "number"),
        "-code": ("round__year", "-number"),
        "name": ("nominee_search", "pk"),
        "-name": ("-nominee_search", "pk"),
        "district": ("district__code", "-round__year", "number"),
        "status": ("status", "-round__year", "number"),
        "-changed": ("-status_changed_at", "pk"),
    }

    def get_queryset(self):
        user = self.request.user
        self.filterset = DossierFilterSet(
            self.request.GET, queryset=selectors.dossier_list(user=user)
        )
        self.sort = self.request.GET.get("sort", "code")
        ordering = self.orderings.get(self.sort, self.orderings["code"])
        dossiers = self.filterset.qs
        if self.filterset.form.cleaned_data.get("round"):
            # One round (the latest unless asked): its year orders nothing, and without it the
            # (round, number) index serves the page.
            ordering = [field for field in ordering if field.lstrip("-") != "round__year"]
        return dossiers.order_by(*ordering)

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            return xlsx_response("ho-so-khen-thuong.xlsx", [_dossier_sheet(self.get_queryset())])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filterset=self.filterset,
            sort=self.sort,
            base_query=_query_without(self.request, "page", "sort", "format"),
            filter_query=_query_without(self.request, "page", "format"),
            can_create=selectors.may_nominate(self.request.user),
            **kwargs,
        )


def _dossier_sheet(dossiers) -> Sheet:
    """The list as officers file it: no personal data in the export."""
    return Sheet(
        title=_("Award dossiers"),
        headers=[
            _("Dossier code"),
            _("Round"),
            _("Nominee"),
            _("Nominee kind"),
            _("Position"),
            _("Unit"),
            _("District"),
            _("Ward"),
            _("Field of activity"),
            _("Proposed form of commendation"),
            _("Nominating unit"),
            _("Status"),
            _("Status changed at"),
            _("Decision"),
        ],
        rows=[
            [
                d.code,
                d.round.year,
                d.nominee_name,
                str(d.get_nominee_kind_display()),
                d.position,
                d.organisation,
                d.district.name,
                d.ward.name if d.ward else "",
                d.field.display_name,
                d.proposed_form.display_name,
                d.nominating_unit,
                str(d.get_status_display()),
                d.status_changed_at,
                d.decision.number if d.decision else "",
            ]
            for d in dossiers
        ],
        column_formats={1: "0"},
    )


# --- create, edit, attachments --------------------------------------------------------------------


def dossier_create(request):
    user = request.user
    if not selectors.may_nominate(user):
        raise PermissionDenied(_("You do not have permission to do this."))
    form = DossierForm(request.POST or None, request.FILES or None, user=user)
    created = request.method == "POST" and run_service(form, _create_with_files, user=user)
    if created:
        saved_message(
            request,
            form,
            _("Dossier %(code)s was saved as a draft. Send it to the Department when it is ready.")
            % {"code": created.code},
        )
        return redirect("awards:dossier", pk=created.pk)
    return render(
        request,
        "awards/form_page.html",
        {
            "form": form,
            "title": _("New award dossier"),
            "multipart": True,
            "cancel_url": reverse("awards:dossier-list"),
            "no_round_open": not form.fields["round"].queryset.exists(),
        },
    )


def dossier_edit(request, pk: int):
    user = request.user
    dossier = get_object_or_404(
        restrict(Dossier.objects.select_related("round"), user, Action.CHANGE), pk=pk
    )
    if not dossier.is_editable:
        messages.info(request, _("This dossier can no longer be edited."))
        return redirect("awards:dossier", pk=dossier.pk)
    initial = {name: getattr(dossier, name) for name in services.DOSSIER_FIELDS}
    initial["version"] = dossier.version
    form = DossierForm(
        request.POST or None, request.FILES or None, user=user, dossier=dossier, initial=initial
    )
    saved = request.method == "POST" and run_service(
        form, _update_with_files, user=user, dossier=dossier
    )
    if saved:
        messages.success(request, _("The dossier was saved."))
        return redirect("awards:dossier", pk=dossier.pk)
    return render(
        request,
        "awards/form_page.html",
        {
            "form": form,
            "dossier": dossier,
            "title": _("Edit dossier %(code)s") % {"code": dossier.code},
            "multipart": True,
            "cancel_url": reverse("awards:dossier", args=[dossier.pk]),
        },
    )


@download_view
def attachment_download(request, pk: int):
    """Files are never served directly: the reader must see the dossier and its personal data."""
    attachment = get_object_or_404(
        restrict(Attachment.objects.select_related("dossier"), request.user), pk=pk
    )
    dossier = attachment.dossier
    visible = selectors.visible_dossiers(user=request.user).filter(pk=dossier.pk).exists()
    if not (visible and selectors.sees_personal_data(request.user, dossier.district_id)):
        raise Http404
    return serve_stored_file(attachment.file, attachment.original_name)


def attachment_delete(request, pk: int):
    attachment = get_object_or_404(
        restrict(Attachment.objects.select_related("dossier"), request.user, Action.CHANGE), pk=pk
    )
    dossier = attachment.dossier
    if request.method == "POST":
        try:
            services.attachment_delete(user=request.user, attachment=attachment)
            messages.success(
                request, _("%(name)s was removed.") % {"name": attachment.original_name}
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("awards:dossier", pk=dossier.pk)
    return render(
        request,
        "awards/confirm.html",
        {
            "dossier": dossier,
            "title": _("Remove an attachment"),
            "question": _("Remove %(name)s from dossier %(code)s?")
            % {"name": attachment.original_name, "code": dossier.code},
            "confirm_label": _("Yes, remove"),
            "cancel_url": reverse("awards:dossier", args=[dossier.pk]),
        },
    )


# --- detail and workflow --------------------------------------------------------------------------


def dossier_detail(request, pk: int):
    user = request.user
    dossier = get_object_or_404(selectors.dossier_detail(user=user), pk=pk)
    actions = selectors.available_actions(user=user, dossier=dossier)
    department = selectors.is_department(user)
    return render(
        request,
        "awards/dossier_detail.html",
        {
            "dossier": dossier,
            "personal": selectors.sees_personal_data(user, dossier.district_id),
            "actions": actions,
            "can_edit": dossier.is_editable and may_change_unit(user, dossier.district_id),
            "department": department,
            "opinion_form": OpinionForm()
            if department and dossier.status == DossierStatus.UNDER_REVIEW
            else None,
            "return_reason": selectors.last_return_reason(dossier),
        },
    )


# Steps taken from the detail page: (service, needs a reason, success message).
STEPS = {
    "submit": (
        services.dossier_submit,
        False,
        gettext_lazy("The dossier was sent to the Department."),
    ),
    "receive": (services.dossier_receive, False, gettext_lazy("The dossier was received.")),
    "start-review": (
        services.dossier_start_review,
        False,
        gettext_lazy("The council review has started."),
    ),
    "return": (
        services.dossier_return,
        True,
        gettext_lazy("The dossier was returned to the district."),
    ),
    "reject": (services.dossier_reject, True, gettext_lazy("The dossier was rejected.")),
}
STEP_TITLES = {
    "return": gettext_lazy("Return the dossier for supplement"),
    "reject": gettext_lazy("Reject the dossier"),
}


def dossier_step(request, pk: int, step: str):
    if step not in STEPS:
        raise Http404
    dossier = _visible(request.user, pk)
    service, needs_reason, done = STEPS[step]
    expected = request.POST.get("expected_status") or None
    if not needs_reason:
        if request.method != "POST":
            return redirect("awards:dossier", pk=dossier.pk)
        try:
            service(user=request.user, dossier=dossier, expected_status=expected)
            messages.success(request, done)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(_local_url(request, "next") or reverse("awards:dossier", args=[dossier.pk]))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and run_service(
        form, service, user=request.user, dossier=dossier, expected_status=expected
    ):
        messages.success(request, done)
        return redirect("awards:dossier", pk=dossier.pk)
    return render(
        request,
        "awards/action_page.html",
        {
            "dossier": dossier,
            "form": form,
            "title": STEP_TITLES[step],
            "danger": True,
            "confirm_label": STEP_TITLES[step],
            "expected_status": dossier.status,
        },
    )


@require_POST
def opinion_add(request, pk: int):
    dossier = _visible(request.user, pk)
    form = OpinionForm(request.POST)
    if run_service(form, services.opinion_add, user=request.user, dossier=dossier):
        messages.success(request, _("Your opinion was recorded."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(f"{reverse('awards:dossier', args=[dossier.pk])}#opinions")


def vote_record(request, pk: int):
    _require_department(request.user)
    dossier = _visible(request.user, pk)
    form = VoteForm(request.POST or None)
    expected = request.POST.get("expected_status") or None
    moved = request.method == "POST" and run_service(
        form, services.vote_record, user=request.user, dossier=dossier, expected_status=expected
    )
    if moved:
        messages.success(
            request,
            _("The vote was recorded: the dossier is “%(status)s”.")
            % {"status": moved.get_status_display()},
        )
        return redirect("awards:dossier", pk=dossier.pk)
    return render(
        request,
        "awards/action_page.html",
        {
            "dossier": dossier,
            "form": form,
            "title": _("Record the council's vote"),
            "confirm_label": _("Record the vote"),
            "expected_status": dossier.status,
            "threshold": round(float(services.recommend_threshold()) * 100),
        },
    )


# --- the Department's review queue ----------------------------------------------------------------


def review_queue(request):
    user = request.user
    _require_department(user)
    queue = selectors.review_queue(user=user)
    counts = selectors.queue_counts(queue)
    status = request.GET.get("status", "")
    if status in QUEUE_STATUSES:
        queue = queue.filter(status=status)
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/review_queue.html",
        {
            "page_obj": page,
            "dossiers": page.object_list,
            "counts": [(s, DossierStatus(s).label, counts[s]) for s in QUEUE_STATUSES],
            "total": sum(counts.values()),
            "active_status": status,
        },
    )


# --- decisions ------------------------------------------------------------------------------------


def decision_create(request, pk: int):
    user = request.user
    _require_department(user)
    round = get_object_or_404(Round, pk=pk)
    recommended = selectors.recommended_in(round=round, user=user).select_related("vote")
    form = DecisionForm(request.POST or None, request.FILES or None)
    choice = DossierChoiceForm(request.POST or None, queryset=recommended)
    if request.method == "POST" and form.is_valid() and choice.is_valid():
        try:
            decision = services.decision_grant(
                user=user,
                round=round,
                dossiers=choice.cleaned_data["dossiers"],
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.apply_service_error(error)
        else:
            messages.success(
                request,
                _("%(decision)s grants %(count)s awards.")
                % {"decision": decision, "count": decision.dossiers.count()},
            )
            return redirect("awards:decision-new", pk=round.pk)
    chosen = {
        str(v) for v in (request.POST.getlist("dossiers") if request.method == "POST" else [])
    }
    return render(
        request,
        "awards/decision_form.html",
        {
            "round": round,
            "form": form,
            "choice": choice,
            "recommended": recommended,
            "chosen": chosen,
            "all_chosen": request.method != "POST",
            "decisions": selectors.decisions_of(round=round),
            "remaining": Dossier.objects.filter(round=round, status__in=DECIDABLE_STATUSES).count(),
        },
    )


def round_close(request, pk: int):
    """Reject what the decisions did not grant: every dossier still (not) recommended."""
    _require_department(request.user)
    round = get_object_or_404(Round, pk=pk)
    form = ReasonForm(request.POST or None)
    count = request.method == "POST" and run_service(
        form, services.dossiers_reject_remaining, user=request.user, round=round
    )
    if count is not False and count is not None:
        messages.success(request, _("%(count)s dossiers were rejected.") % {"count": count})
        return redirect("awards:decision-new", pk=round.pk)
    remaining = Dossier.objects.filter(round=round, status__in=DECIDABLE_STATUSES).count()
    return render(
        request,
        "awards/action_page.html",
        {
            "round": round,
            "form": form,
            "title": _("Reject the remaining dossiers of %(round)s") % {"round": round},
            "question": _(
                "%(count)s dossiers are still recommended or not recommended without a decision. "
                "They will all be rejected with this reason."
            )
            % {"count": remaining},
            "danger": True,
            "confirm_label": _("Reject them"),
            "cancel_url": reverse("awards:decision-new", args=[round.pk]),
        },
    )


@download_view
def decision_download(request, pk: int):
    decision = get_object_or_404(restrict(Decision.objects.all(), request.user), pk=pk)
    if not decision.file:
        raise Http404
    return serve_stored_file(decision.file, stored_basename(decision.file))


# --- statistics -----------------------------------------------------------------------------------


def _chart(rows, received_label: str, awarded_label: str) -> dict:
    return {
        "labels": [row.label for row in rows],
        "datasets": [
            {"label": received_label, "data": [row.received for row in rows]},
            {"label": awarded_label, "data": [row.awarded for row in rows]},
        ],
    }


def stats(request):
    round = _round_from(request)
    if round is None:
        return render(request, "awards/stats.html", {"round": None})
    data = selectors.round_stats(round=round)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"thong-ke-khen-thuong-{round.year}.xlsx", _stats_sheets(data))
    received, awarded = _("Received"), _("Awarded")
    return render(
        request,
        "awards/stats.html",
        {
            "round": round,
            "rounds": selectors.rounds(),
            "stats": data,
            "chart_kind": _chart(data.by_kind, received, awarded),
            "chart_district": _chart(data.by_district, received, awarded),
            "chart_field": _chart(data.by_field, received, awarded),
        },
    )


def _stats_sheets(data: selectors.RoundStats) -> list[Sheet]:
    def sheet(title, first, rows, with_code=False):
        headers = [first, _("Received"), _("Awarded")]
        body = [[row.label, row.received, row.awarded] for row in rows]
        if with_code:
            headers.insert(0, _("Code"))
            body = [[row.key, *line] for row, line in zip(rows, body, strict=True)]
        body.append(([""] if with_code else []) + [_("Total"), data.received, data.awarded])
        offset = 1 if with_code else 0
        return Sheet(
            title=title,
            headers=headers,
            rows=body,
            column_formats={1 + offset: "#,##0", 2 + offset: "#,##0"},
        )

    return [
        sheet(_("By nominee kind"), _("Nominee kind"), data.by_kind),
        sheet(_("By district"), _("District"), data.by_district, with_code=True),
        sheet(_("By field"), _("Field of activity"), data.by_field, with_code=True),
    ]


# --- the public page ------------------------------------------------------------------------------


def _comment_rate(group, request) -> str:
    return settings.AWARDS_COMMENT_RATE


@login_not_required
def public_index(request):
    return render(request, "awards/public_index.html", {"rounds": selectors.public_rounds()})


@login_not_required
@ratelimit(key="ip", rate=_comment_rate, method="POST", block=False)
def public_round(request, pk: int):
    """The nominees of a round under public comment, the awarded list, and the comment form.

    Only public columns are read from the database (see selectors.PUBLIC_FIELDS).
    """
    round = get_object_or_404(Round.objects.select_related("movement"), pk=pk)
    nominees = selectors.public_nominees(round=round)
    by_kind = selectors.counts_by_kind(round=round)
    form = CommentForm(request.POST or None, nominees=nominees) if nominees else None
    status = 200
    if request.method == "POST" and form is not None:
        if getattr(request, "limited", False):
            form.add_error(None, _("Too many comments from your address. Try again later."))
            status = 429
        elif form.is_valid():
            data = dict(form.cleaned_data)
            dossier = selectors.posted_dossiers(round=round).filter(pk=data.pop("dossier")).first()
            try:
                if dossier is None:
                    raise ValidationError({"dossier": _("This nominee is not posted for comment.")})
                services.comment_submit(dossier=dossier, **data)
            except ValidationError as error:
                form.apply_service_error(error)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. Your comment will appear here once the Department has "
                        "reviewed it."
                    ),
                )
                return redirect(f"{reverse('awards:public-round', args=[round.pk])}#comments")
    return render(
        request,
        "awards/public_round.html",
        {
            "round": round,
            "open": round.is_open_for_comment(),
            "comment_over": round.comment_closes < timezone.localdate(),
            "nominees": nominees,
            "decisions": selectors.public_awarded(round=round),
            "by_kind": by_kind,
            "received_total": sum(row.received for row in by_kind),
            "awarded_total": sum(row.awarded for row in by_kind),
            "comments": selectors.public_comments(round=round),
            "form": form,
        },
        status=status,
    )


# --- moderation -----------------------------------------------------------------------------------


def moderation(request):
    _require_department(request.user)
    status = request.GET.get("status", CommentStatus.PENDING)
    comments = selectors.moderation_queue(user=request.user)
    if status in CommentStatus.values:
        comments = comments.filter(status=status)
    page = Paginator(comments, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/moderation.html",
        {
            "page_obj": page,
            "comments": page.object_list,
            "statuses": CommentStatus.choices,
            "active_status": status,
        },
    )


def comment_moderate(request, pk: int, verdict: str):
    _require_department(request.user)
    if verdict not in ("approve", "reject"):
        raise Http404
    comment = get_object_or_404(
        restrict(PublicComment.objects.select_related("dossier"), request.user, Action.REVIEW),
        pk=pk,
    )
    back = f"{reverse('awards:moderation')}?status={CommentStatus.PENDING}"
    if verdict == "reject" and request.method != "POST":
        return render(
            request,
            "awards/confirm.html",
            {
                "title": _("Reject a comment"),
                "question": _("Keep this comment by %(name)s off the public page?")
                % {"name": comment.author_name},
                "quote": comment.text,
                "confirm_label": _("Yes, reject"),
                "cancel_url": back,
            },
        )
    if request.method != "POST":
        return redirect(back)
    try:
        services.comment_moderate(user=request.user, comment=comment, approve=verdict == "approve")
        messages.success(
            request,
            _("The comment is published.")
            if verdict == "approve"
            else _("The comment is kept off."),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(back)
