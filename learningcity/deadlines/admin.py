from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DeadlineException, Obligation


class ExceptionInline(admin.TabularInline):
    model = DeadlineException
    extra = 0
    autocomplete_fields = ["unit"]
    readonly_fields = ["granted_by", "granted_at"]


@admin.register(Obligation)
class ObligationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "period", "due_date", "lock_after_days"]
    list_filter = ["kind", "period__year"]
    date_hierarchy = "due_date"
    filter_horizontal = ["units"]
    inlines = [ExceptionInline]

    def save_formset(self, request, form, formset, change):
        for exception in formset.save(commit=False):
            exception.granted_by = request.user
            exception.save()
        for removed in formset.deleted_objects:
            removed.delete()


@admin.register(DeadlineException)
class DeadlineExceptionAdmin(SimpleHistoryAdmin):
    list_display = ["obligation", "unit", "until", "granted_by", "granted_at"]
    list_filter = ["obligation__kind", "obligation__period__year"]
    search_fields = ["unit__name", "unit__code", "reason"]
    readonly_fields = ["granted_by", "granted_at"]

    def save_model(self, request, obj, form, change):
        obj.granted_by = request.user
        super().save_model(request, obj, form, change)
