from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from learningcity.fields import NormalizedCharField, SearchKeyField
from learningcity.permissions import ScopedQuerySet

from .choices import Kind, Level


class AdministrativeUnitQuerySet(ScopedQuerySet):
    def provinces(self):
        return self.filter(level=Level.PROVINCE)

    def districts(self):
        return self.filter(level=Level.DISTRICT)

    def wards(self):
        return self.filter(level=Level.WARD)


class AdministrativeUnit(models.Model):
    """A province, district or commune-level unit with its GSO code.

    Generic on purpose: the 2025 reorganisation removes the district level, so nothing here
    assumes three levels or 22 districts; a unit is a level, a parent, a code and a name.
    """

    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("GSO code"), max_length=8)
    name = NormalizedCharField(_("name"), max_length=120)
    name_search = SearchKeyField(source="name")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    history = HistoricalRecords()

    objects = AdministrativeUnitQuerySet.as_manager()

    unit_scope = None  # reference data: everyone reads, the Department administrator edits

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="unique_unit_code_per_level"),
        ]

    def __str__(self) -> str:
        return self.name
