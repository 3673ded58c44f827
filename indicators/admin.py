"""The Department administrator maintains the indicator framework here (also as a spreadsheet);
submissions and values are shown read-only: their workflow goes through the portal."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Area, Framework, Indicator, IndicatorGroup, Submission, Target, Value
from .resources import FrameworkResource, PortalXLSX

LOCKED_DELETE_MESSAGE = _(
    "Approved data uses this framework version, so its indicators cannot be deleted. "
    "Create a new version of the framework instead."
)


def _count(model, path: str):
    """How many ``model`` rows point to the row being listed through ``path``: a subquery, so
    that several counts do not multiply each other's joins."""
    rows = (
        model.objects.filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def next_version(framework: Framework) -> str:
    """The first free "<this year>.<n>" for ``framework``'s name: "2025.1", "2025.2"..."""
    year = timezone.localdate().year
    taken = set(Framework.objects.filter(name=framework.name).values_list("version", flat=True))
    number = 1
    while f"{year}.{number}" in taken:
        number += 1
    return f"{year}.{number}"


class FrameworkActionForm(ActionForm):
    version = forms.CharField(
        label=_("New version"),
        required=False,
        max_length=20,
        help_text=_("Empty: the next free version of this year."),
    )


@admin.register(Framework)
class FrameworkAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "version",
        "is_current",
        "group_count",
        "area_count",
        "indicator_count",
        "submission_count",
        "created_at",
    ]
    list_filter = ["is_current"]
    search_fields = ["name", "version"]
    readonly_fields = ["is_current", "created_at"]
    action_form = FrameworkActionForm
    actions = ["create_new_version"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                group_count=_count(IndicatorGroup, "framework"),
                area_count=_count(Area, "group__framework"),
                indicator_count=_count(Indicator, "area__group__framework"),
                submission_count=_count(Submission, "framework"),
            )
        )

    @admin.display(description=_("groups"), ordering="group_count")
    def group_count(self, obj) -> int:
        return obj.group_count

    @admin.display(description=_("areas of focus"), ordering="area_count")
    def area_count(self, obj) -> int:
        return obj.area_count

    @admin.display(description=_("indicators"), ordering="indicator_count")
    def indicator_count(self, obj) -> int:
        return obj.indicator_count

    @admin.display(description=_("submissions"), ordering="submission_count")
    def submission_count(self, obj) -> int:
        return obj.submission_count

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.submissions.exists():
            return False  # its submissions keep it
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Create a new version (copy, made current)"))
    def create_new_version(self, request, queryset):
        frameworks = list(queryset[:2])
        if len(frameworks) != 1:
            self.message_user(request, _("Select exactly one framework to copy."), messages.ERROR)
            return
        source = frameworks[0]
        version = (request.POST.get("version") or "").strip() or next_version(source)
        try:
            new = services.framework_new_version(
                user=request.user, framework=source, version=version
            )
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, text, messages.ERROR)
            return
        self.message_user(
            request,
            _(
                "Version %(version)s was created from %(source)s and is now the current "
                "framework; submissions already made keep %(source)s."
            )
            % {"version": new.version, "source": source},
            messages.SUCCESS,
        )


@admin.register(IndicatorGroup)
class IndicatorGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "framework", "order"]
    list_filter = ["framework"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["framework"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "framework", "order"]
    list_filter = ["group__framework", "group"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["group__framework"]

    @admin.display(description=_("framework"), ordering="group__framework")
    def framework(self, obj) -> Framework:
        return obj.group.framework


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class FrameworkImportForm(ImportForm):
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.all(),
        required=False,
        label=_("Framework"),
        empty_label=_("The current framework"),
        help_text=_(
            "Indicators, areas and groups are matched by code in this version and created when "
            "new; nothing is deleted."
        ),
    )


class FrameworkConfirmImportForm(ConfirmImportForm):
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.all(), required=False, widget=forms.HiddenInput()
    )


@admin.register(Indicator)
class IndicatorAdmin(ImportExportMixin, SimpleHistoryAdmin):
    """Indicators with their targets; the framework goes out and comes back as one XLSX sheet.

    Approved data fixes a version's meaning: ``Indicator.clean`` refuses changes to the locked
    fields and deleting is refused here; the Department creates a new version instead."""

    resource_classes = [FrameworkResource]
    formats = [PortalXLSX]
    import_form_class = FrameworkImportForm
    confirm_form_class = FrameworkConfirmImportForm
    export_form_class = ExportForm  # every column, so that the export always imports back
    inlines = [TargetInline]
    list_display = ["code", "name", "area", "unit", "aggregation", "computed", "order"]
    list_filter = ["area__group__framework", "area", "unit", "aggregation"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["area__group__framework"]

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        framework = None
        if form is not None and form.is_bound and form.is_valid():
            framework = form.cleaned_data.get("framework")
        return {"framework": framework}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            framework = import_form.cleaned_data.get("framework")
            initial["framework"] = framework.pk if framework else None
        return initial

    def get_export_filename(self, request, queryset, file_format):
        return f"bo-chi-so-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    @staticmethod
    def _locked(indicator: Indicator) -> bool:
        return indicator.area.group.framework.is_locked

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._locked(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        locked = [obj for obj in objs if self._locked(obj)]
        if locked:
            # Said as the reason, rather than as a permission the administrator lacks.
            perms_needed = set()
            protected = [*(f"{obj} — {LOCKED_DELETE_MESSAGE}" for obj in locked), *protected]
        return deleted, counts, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self._locked(obj):
            self.message_user(request, LOCKED_DELETE_MESSAGE, messages.ERROR)
            return redirect(reverse("admin:indicators_indicator_change", args=[obj.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        if self._locked(obj):  # a last guard: the views above do not get here
            raise PermissionDenied(LOCKED_DELETE_MESSAGE)
        super().delete_model(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and request.method == "GET" and self._locked(obj):
            self.message_user(
                request,
                _(
                    "Approved data uses this framework version: its code, unit, roll-up, "
                    "direction, denominator and source cannot change, and it cannot be "
                    "deleted. Create a new version of the framework to change them."
                ),
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Shown to the Department for reference; every change goes through the portal's workflow."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["district", "period", "revision", "status", "framework", "status_changed_at"]
    list_filter = ["status", "period", "framework"]
    search_fields = ["district__name", "district__code"]
    list_select_related = ["district", "period", "framework"]


@admin.register(Value)
class ValueAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "submission", "value", "numerator", "denominator"]
    list_filter = ["submission__status", "submission__period", "indicator__area"]
    search_fields = ["indicator__code", "submission__district__name"]
    list_select_related = [
        "indicator",
        "submission__district",
        "submission__period",
        "submission__framework",
    ]
