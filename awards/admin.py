from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CommendationForm, Decision, Dossier, FieldOfActivity, Movement, Round


@admin.register(CommendationForm)
class CommendationFormAdmin(SimpleHistoryAdmin):
    """Forms of commendation with their legal source and validity: the law changes, the code
    does not."""

    list_display = ["code", "name", "conferred_by", "legal_source", "valid_from", "valid_to"]
    list_filter = ["valid_from", "valid_to"]
    list_editable = ["valid_to"]
    search_fields = ["code", "name", "name_en", "legal_source"]


@admin.register(FieldOfActivity)
class FieldOfActivityAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["code", "name", "name_en"]


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0
    fields = ["year", "title", "intake_opens", "intake_closes", "comment_opens", "comment_closes"]


@admin.register(Movement)
class MovementAdmin(SimpleHistoryAdmin):
    list_display = ["name", "launched_by", "launched_on", "start_year", "end_year"]
    search_fields = ["name", "launched_by"]
    inlines = [RoundInline]


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):
    """The Department sets each round's intake and public-comment windows here."""

    list_display = [
        "year",
        "__str__",
        "movement",
        "intake_opens",
        "intake_closes",
        "comment_opens",
        "comment_closes",
    ]
    list_select_related = ["movement"]
    list_filter = ["movement"]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Written only by the workflow's services; the admin shows them and their history."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["code", "nominee_name", "nominee_kind", "district", "status", "round"]
    list_filter = ["round", "status", "nominee_kind"]
    list_select_related = ["district", "round"]
    search_fields = ["code", "nominee_search"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["number", "signed_on", "signer", "round"]
    list_select_related = ["round"]
