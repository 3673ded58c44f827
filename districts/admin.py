from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AdministrativeUnit


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "kind", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "name_search"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
