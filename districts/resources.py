"""Spreadsheet columns for the districts app (django-import-export).

The column headers are the officers' template and are the same whatever the interface language:
a file exported in English must import in Vietnamese and the other way round.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import override
from import_export import fields, resources, widgets

from learningcity.spreadsheets import cell_text
from learningcity.text import search_key

from .choices import CommitteeRole
from .models import CommitteeMember

# The Vietnamese names of the roles as written in the People's Committee decisions.
ROLE_LABELS_VI = {
    CommitteeRole.HEAD: "Trưởng ban",
    CommitteeRole.DEPUTY_HEAD: "Phó Trưởng ban",
    CommitteeRole.STANDING_MEMBER: "Ủy viên thường trực",
    CommitteeRole.MEMBER: "Ủy viên",
}


class TextWidget(widgets.CharWidget):
    """Text as the model stores it, so that validation sees what will be saved."""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class OrderWidget(widgets.IntegerWidget):
    """A whole number ("3", 3, 3.0, "3."); empty means "where the row is in the file"."""

    _WHOLE = re.compile(r"^-?\d+\.?$")  # "3." is how many lists number their rows

    def __init__(self):
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)  # 3.0 from Excel reads "3"
        if not text:
            return None
        if self._WHOLE.match(text):
            return int(text.rstrip("."))  # the model's validators check the range
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})


class RoleWidget(widgets.Widget):
    """A committee role by its Vietnamese name or its code, ignoring case and diacritics."""

    def _accepted(self) -> dict[str, str]:
        accepted = {}
        with override("en"):
            for role in CommitteeRole:
                for name in (role.value, str(role.label), ROLE_LABELS_VI[role]):
                    accepted[search_key(name)] = role.value
        return accepted

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return ""  # the model reports the missing value
        role = self._accepted().get(search_key(text))
        if role is None:
            raise ValueError(
                _("Unknown role “%(value)s”; accepted values: %(accepted)s.")
                % {"value": text, "accepted": accepted_roles_text()}
            )
        return role

    def render(self, value, obj=None, **kwargs):
        return ROLE_LABELS_VI.get(value, value or "")


def accepted_roles_text() -> str:
    """ "Trưởng ban (head), Phó Trưởng ban (deputy_head), ..." for messages and the template."""
    return ", ".join(f"{label} ({role.value})" for role, label in ROLE_LABELS_VI.items())


class CommitteeMemberResource(resources.ModelResource):
    """The members of one steering committee, one row each, in the officers' template columns."""

    order = fields.Field(attribute="order", column_name="STT", widget=OrderWidget())
    full_name = fields.Field(attribute="full_name", column_name="Họ và tên", widget=TextWidget())
    position = fields.Field(attribute="position", column_name="Chức vụ", widget=TextWidget())
    organisation = fields.Field(
        attribute="organisation", column_name="Đơn vị công tác", widget=TextWidget()
    )
    role = fields.Field(
        attribute="role", column_name="Vai trò trong Ban chỉ đạo", widget=RoleWidget()
    )

    class Meta:
        model = CommitteeMember
        fields = ("order", "full_name", "position", "organisation", "role")
        import_id_fields = ()
        clean_model_instances = True

    @classmethod
    def column_names(cls) -> list[str]:
        return [field.column_name for field in cls().get_import_fields()]
