from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AdministrativeUnit, KeyTask


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "kind", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "name_search"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(KeyTask)
class KeyTaskAdmin(SimpleHistoryAdmin):
    """The Department maintains the city's key tasks here; districts report against them."""

    list_display = ["code", "title", "start_year", "end_year", "order", "is_active"]
    list_filter = ["is_active", "start_year", "end_year"]
    list_editable = ["order", "is_active"]
    search_fields = ["code", "title", "title_en"]
