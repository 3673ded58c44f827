"""Spreadsheet columns of the centre registry (django-import-export).

The headers are the officers' template and are the same whatever the interface language: a file
exported in English imports in Vietnamese and the other way round. A row is identified by the
ward's GSO code (the natural key: one centre per ward).
"""

import re
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import override
from import_export import fields, resources, widgets

from districts.resources import TextWidget
from learningcity.spreadsheets import cell_text
from learningcity.text import search_key

from .choices import CentreStatus
from .models import Centre

YES, NO = "Có", "Không"
STATUS_LABELS_VI = {CentreStatus.ACTIVE: "Đang hoạt động", CentreStatus.SUSPENDED: "Tạm dừng"}
_WHOLE = re.compile(r"^\d+$")
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


class WardCodeWidget(widgets.Widget):
    """A ward's GSO code: five digits, whether Excel kept it as text ("26734") or a number."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        return text.zfill(5) if _WHOLE.match(text) else text

    def render(self, value, obj=None, **kwargs):
        return value or ""


class DateCellWidget(widgets.Widget):
    """A date cell, or text written dd/mm/yyyy; empty means no date."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value)
        if not text:
            return None
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(_("“%(value)s” is not a date: write it dd/mm/yyyy.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return value  # a real date: the sheet shows it dd/mm/yyyy


class WholeNumberWidget(widgets.Widget):
    """A whole number ≥ 0 ("3", 3, 3.0); ``empty`` when the cell is blank."""

    def __init__(self, empty=0):
        super().__init__(coerce_to_string=False)
        self.empty = empty

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).replace(" ", "")
        if not text:
            return self.empty
        if _WHOLE.match(text):
            return int(text)
        raise ValueError(
            _("“%(value)s” is not a whole number of 0 or more.") % {"value": cell_text(value)}
        )

    def render(self, value, obj=None, **kwargs):
        return value


class YesNoWidget(widgets.Widget):
    """Có / Không (also yes/no, x, 1/0); blank means no."""

    _YES = {"co", "yes", "x", "1", "true", "c"}
    _NO = {"khong", "no", "0", "false", "k", ""}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        key = search_key(cell_text(value))
        if key in self._YES:
            return True
        if key in self._NO:
            return False
        raise ValueError(
            _("“%(value)s” is not understood: write %(yes)s or %(no)s.")
            % {"value": cell_text(value), "yes": YES, "no": NO}
        )

    def render(self, value, obj=None, **kwargs):
        return YES if value else NO


class CentreStatusWidget(widgets.Widget):
    """Đang hoạt động / Tạm dừng, or the code; blank means active."""

    def _accepted(self) -> dict[str, str]:
        accepted = {}
        with override("en"):
            for status in CentreStatus:
                for name in (status.value, str(status.label), STATUS_LABELS_VI[status]):
                    accepted[search_key(name)] = status.value
        return accepted

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return CentreStatus.ACTIVE.value
        status = self._accepted().get(search_key(text))
        if status is None:
            raise ValueError(
                _("Unknown status “%(value)s”; write %(accepted)s.")
                % {"value": text, "accepted": " / ".join(STATUS_LABELS_VI.values())}
            )
        return status

    def render(self, value, obj=None, **kwargs):
        return STATUS_LABELS_VI.get(value, value or "")


class CentreResource(resources.ModelResource):
    """The registry of one district, one centre per row, in the officers' template columns."""

    ward_code = fields.Field(
        attribute="ward__code", column_name="Mã phường/xã", widget=WardCodeWidget(), readonly=True
    )
    ward_name = fields.Field(
        attribute="ward__name", column_name="Phường/xã", widget=TextWidget(), readonly=True
    )
    name = fields.Field(attribute="name", column_name="Tên trung tâm", widget=TextWidget())
    decision_number = fields.Field(
        attribute="decision_number", column_name="Số quyết định thành lập", widget=TextWidget()
    )
    decision_date = fields.Field(
        attribute="decision_date",
        column_name="Ngày quyết định thành lập",
        widget=DateCellWidget(),
    )
    director = fields.Field(attribute="director", column_name="Giám đốc", widget=TextWidget())
    phone = fields.Field(attribute="phone", column_name="Điện thoại", widget=TextWidget())
    email = fields.Field(attribute="email", column_name="Email", widget=TextWidget())
    address = fields.Field(attribute="address", column_name="Địa chỉ", widget=TextWidget())
    rooms = fields.Field(attribute="rooms", column_name="Số phòng học", widget=WholeNumberWidget())
    has_library_corner = fields.Field(
        attribute="has_library_corner", column_name="Góc thư viện", widget=YesNoWidget()
    )
    computers = fields.Field(
        attribute="computers", column_name="Số máy tính", widget=WholeNumberWidget()
    )
    has_internet = fields.Field(
        attribute="has_internet", column_name="Kết nối Internet", widget=YesNoWidget()
    )
    status = fields.Field(attribute="status", column_name="Trạng thái", widget=CentreStatusWidget())
    model_decision_number = fields.Field(
        attribute="model_decision_number",
        column_name="Số QĐ công nhận TTHTCĐ điểm",
        widget=TextWidget(),
    )
    model_year = fields.Field(
        attribute="model_year",
        column_name="Năm công nhận TTHTCĐ điểm",
        widget=WholeNumberWidget(empty=None),
    )
    model_valid_until = fields.Field(
        attribute="model_valid_until",
        column_name="Hiệu lực TTHTCĐ điểm đến ngày",
        widget=DateCellWidget(),
    )

    class Meta:
        model = Centre
        fields = (
            "ward_code",
            "ward_name",
            "name",
            "decision_number",
            "decision_date",
            "director",
            "phone",
            "email",
            "address",
            "rooms",
            "has_library_corner",
            "computers",
            "has_internet",
            "status",
            "model_decision_number",
            "model_year",
            "model_valid_until",
        )
        import_id_fields = ()

    @classmethod
    def column_names(cls) -> list[str]:
        return [field.column_name for field in cls().get_export_fields()]

    @classmethod
    def column_of(cls) -> dict[str, str]:
        """Model attribute -> column header, for error messages."""
        return {f.attribute: f.column_name for f in cls().get_export_fields()}

    @classmethod
    def personal_columns(cls) -> set[str]:
        column_of = cls.column_of()
        return {column_of[name] for name in Centre.PERSONAL_FIELDS}
