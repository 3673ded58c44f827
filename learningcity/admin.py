from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import ReportingPeriod, User

admin.site.site_header = _("Learning city portal administration")
admin.site.site_title = _("Learning city portal")


@admin.register(User)
class PortalUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "full_name", "role", "unit", "is_active", "last_login"]
    list_filter = ["role", "is_active", "unit__level"]
    search_fields = ["username", "full_name", "email", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email", "language"]}),
        (_("Role and scope"), {"fields": ["role", "unit", "is_active"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2"]}),
        (_("Role and scope"), {"fields": ["full_name", "email", "role", "unit"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__", "kind", "start_date", "end_date"]
    list_filter = ["kind", "year"]
    search_fields = ["code"]
