from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Report


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    """Read-only: reports are requested and compiled through the pages, the API or the schedule;
    the admin shows their state and errors (and their audit trail)."""

    list_display = [
        "kind",
        "period",
        "district",
        "status",
        "progress",
        "requested_at",
        "finished_at",
        "attempts",
    ]
    list_filter = ["kind", "status", "period__year"]
    search_fields = ["period__code", "district__name", "error"]
    list_select_related = ["period", "district"]
    date_hierarchy = "requested_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
