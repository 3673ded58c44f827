from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Province level")
    DISTRICT = "district", _("District level")
    WARD = "ward", _("Commune level")


class Kind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Centrally-run city")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    TOWN = "town", _("Town")
    URBAN_DISTRICT = "urban_district", _("Urban district")
    RURAL_DISTRICT = "rural_district", _("Rural district")
    WARD = "ward", _("Ward")
    COMMUNE = "commune", _("Commune")
    TOWNSHIP = "township", _("Township")


# The kind of a unit is written at the start of its official name ("Quận 1", "Phường Tân Định").
NAME_PREFIX_KINDS: dict[str, list[tuple[str, Kind]]] = {
    Level.PROVINCE: [("Thành phố ", Kind.MUNICIPALITY), ("Tỉnh ", Kind.PROVINCE)],
    Level.DISTRICT: [
        ("Thành phố ", Kind.CITY),
        ("Thị xã ", Kind.TOWN),
        ("Quận ", Kind.URBAN_DISTRICT),
        ("Huyện ", Kind.RURAL_DISTRICT),
    ],
    Level.WARD: [("Phường ", Kind.WARD), ("Thị trấn ", Kind.TOWNSHIP), ("Xã ", Kind.COMMUNE)],
}


def kind_from_name(level: str, name: str) -> Kind:
    for prefix, kind in NAME_PREFIX_KINDS[level]:
        if name.casefold().startswith(prefix.casefold()):  # the GSO list writes "Thành Phố" too
            return kind
    raise ValueError(f"Cannot tell the kind of {level} unit {name!r} from its name")


class CommitteeRole(models.TextChoices):
    HEAD = "head", _("Head")
    DEPUTY_HEAD = "deputy_head", _("Deputy head")
    STANDING_MEMBER = "standing_member", _("Standing member")
    MEMBER = "member", _("Member")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
