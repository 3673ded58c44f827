from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Criterion, RatingBand


@admin.register(RatingBand)
class RatingBandAdmin(SimpleHistoryAdmin):
    """The Department maintains the evaluation scale here. A saved evaluation keeps the rating
    it was given; a change applies to evaluations saved from then on."""

    list_display = ["code", "name", "name_en", "min_points"]
    list_editable = ["min_points"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["-min_points"]


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    """The lines of the evaluation sheet; the active ones must add up to 100 points."""

    list_display = ["code", "name", "max_points", "order", "is_active"]
    list_filter = ["is_active"]
    list_editable = ["max_points", "order", "is_active"]
    search_fields = ["code", "name", "name_en"]
