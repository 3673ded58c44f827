"""Spreadsheet columns for the indicators app (django-import-export).

The framework travels as one flat sheet, one row per indicator, keyed by codes (natural keys):
the Department exports it, edits it in Excel and imports it back into the current framework (or
a chosen one). Groups and areas are created or renamed from the rows; targets are written as
"2025:70; 2030:90". The whole file is refused if any row is wrong.

The column headers are the same whatever the interface language, like every template of the
portal: a file exported in English imports in Vietnamese and the other way round.
"""

import io
import re
import warnings
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max, Prefetch
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import RowResult
from openpyxl import load_workbook

from learningcity.permissions import Action, restrict
from learningcity.spreadsheets import cell_text
from learningcity.text import search_key
from learningcity.uploads import validate_spreadsheet
from learningcity.xlsx import Sheet, build_workbook

from .choices import Aggregation, Direction, Unit
from .computed import SOURCES
from .models import Area, Framework, Indicator, IndicatorGroup, Target

FRAMEWORK_SHEET = "Bộ chỉ số"
# Units as the officers' templates write them, whatever the interface language.
UNIT_LABELS_VI = {
    Unit.COUNT: "số lượng",
    Unit.PERCENT: "%",
    Unit.YES_NO: "có/không",
    Unit.VND: "đồng",
    Unit.SCORE: "điểm",
}
MAX_ROWS = 1000
MAX_PLACES = 4  # decimal places the value columns keep
MAX_WHOLE_DIGITS = 14  # max_digits 18 minus the 4 places


# -- numbers as officers write them -------------------------------------------------------------

_VI_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.234.567 or 1.234,5
_EN_GROUPED = re.compile(r"^-?\d{1,3}(,\d{3}){2,}(\.\d+)?$|^-?\d{1,3}(,\d{3})+\.\d+$")


class NumberError(ValueError):
    pass


def parse_decimal(value, *, percent_format: bool = False) -> Decimal | None:
    """A spreadsheet cell as a Decimal: numbers as they are; text as people type it in Vietnam
    ("12,5", "1.234.567", "1.234,5", "45%", "1 234") or in English ("12.5", "1,234,567.5").

    ``percent_format``: the cell is shown as a percentage in Excel, which stores 45% as 0.45.
    Raises NumberError with a message for the user.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        number = Decimal(int(value))
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if percent_format:
            value *= 100
        # Excel keeps 15 significant digits; rounding drops the noise of binary fractions.
        number = Decimal(repr(round(value, 10)))
    elif isinstance(value, Decimal):
        number = value
    else:
        text = cell_text(value)
        if not text:
            return None
        number = _parse_text(text)
    if not number.is_finite():
        raise NumberError(_("“%(value)s” is not a number.") % {"value": cell_text(value)})
    if number.normalize().as_tuple().exponent < -MAX_PLACES:
        raise NumberError(
            _("“%(value)s” has more than %(places)s decimal places.")
            % {"value": cell_text(value), "places": MAX_PLACES}
        )
    if abs(number) >= Decimal(10) ** MAX_WHOLE_DIGITS:
        raise NumberError(_("“%(value)s” is too large.") % {"value": cell_text(value)})
    return number


def _parse_text(text: str) -> Decimal:
    compact = re.sub(r"[\s\u00a0\u202f]", "", text)
    if compact.endswith("%"):
        compact = compact[:-1]
    if _VI_GROUPED.match(compact):
        compact = compact.replace(".", "").replace(",", ".")
    elif _EN_GROUPED.match(compact):
        compact = compact.replace(",", "")
    else:
        compact = compact.replace(",", ".")  # "12,5": the Vietnamese decimal comma
    try:
        return Decimal(compact)
    except InvalidOperation as exc:
        raise NumberError(_("“%(value)s” is not a number.") % {"value": text}) from exc


def native_number(value: Decimal | None):
    """A Decimal as Excel should store it: a whole number as an int, else a float."""
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def plain_number(value: Decimal) -> str:
    """70.0000 -> "70", 12.5000 -> "12.5": for numbers inside text."""
    return format(value.normalize(), "f")


# -- widgets ------------------------------------------------------------------------------------


class TextWidget(widgets.Widget):
    """Text as the model stores it: NFC, no invisible characters, trimmed."""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return value or ""


class NumberWidget(widgets.Widget):
    """A decimal number; empty is None."""

    def clean(self, value, row=None, **kwargs):
        try:
            return parse_decimal(value)
        except NumberError as exc:
            raise ValueError(str(exc)) from exc

    def render(self, value, obj=None, **kwargs):
        return native_number(value)


class WholeNumberWidget(widgets.Widget):
    """A whole number ("3", 3, 3.0); empty is None."""

    def clean(self, value, row=None, **kwargs):
        try:
            number = parse_decimal(value)
        except NumberError as exc:
            raise ValueError(str(exc)) from exc
        if number is None:
            return None
        if number != number.to_integral_value() or number < 0:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": cell_text(value)})
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return value


class YearWidget(WholeNumberWidget):
    """A year of the programme's era, as targets take them ("2023"); empty is None."""

    def clean(self, value, row=None, **kwargs):
        year = super().clean(value, row, **kwargs)
        if year is not None and not 2000 <= year <= 2100:
            raise ValueError(_("The year must be between 2000 and 2100."))
        return year


class ChoiceWidget(widgets.Widget):
    """One of ``choices`` by its code or its label in Vietnamese or English, ignoring case and
    diacritics. Exports the code, which reads the same in every language."""

    def __init__(self, choices, also: dict | None = None):
        self.choices = choices
        self.also = also or {}  # more accepted names: {choice: name}
        super().__init__()

    def _accepted(self) -> dict[str, str]:
        accepted = {}
        for language in ("en", "vi"):
            with override(language):
                for choice in self.choices:
                    accepted[search_key(str(choice.label))] = choice.value
        for choice in self.choices:
            accepted[search_key(choice.value)] = choice.value
        for choice, name in self.also.items():
            accepted[search_key(name)] = choice.value
        return accepted

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return ""  # the model reports a missing value
        code = self._accepted().get(search_key(text))
        if code is None:
            raise ValueError(
                _("Unknown value “%(value)s”; accepted values: %(accepted)s.")
                % {"value": text, "accepted": ", ".join(c.value for c in self.choices)}
            )
        return code

    def render(self, value, obj=None, **kwargs):
        return value or ""


class ComputedWidget(widgets.Widget):
    """The name of the portal's own data an indicator is computed from, or empty."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if text and text not in SOURCES:
            raise ValueError(
                _("Unknown source “%(value)s”; accepted values: %(accepted)s, or empty.")
                % {"value": text, "accepted": ", ".join(SOURCES)}
            )
        return text

    def render(self, value, obj=None, **kwargs):
        return value or ""


def parse_targets(value) -> dict[int, Decimal]:
    """ "2025:70; 2030:90" -> {2025: Decimal(70), 2030: Decimal(90)}. Raises ValueError."""
    text = cell_text(value)
    targets: dict[int, Decimal] = {}
    for part in filter(None, (p.strip() for p in re.split(r"[;\n]", text))):
        year_text, colon, number_text = part.partition(":")
        year_text = year_text.strip()
        if not colon or not re.fullmatch(r"\d{4}", year_text):
            raise ValueError(
                _("“%(part)s” is not written “year:target”, for example “2025:70; 2030:90”.")
                % {"part": part}
            )
        year = int(year_text)
        if not 2000 <= year <= 2100:
            raise ValueError(_("The year must be between 2000 and 2100."))
        if year in targets:
            raise ValueError(_("The year %(year)s is given twice.") % {"year": year})
        try:
            number = parse_decimal(number_text.strip())
        except NumberError as exc:
            raise ValueError(str(exc)) from exc
        if number is None:
            raise ValueError(_("The target of %(year)s is missing.") % {"year": year})
        targets[year] = number
    return targets


def render_targets(targets) -> str:
    return "; ".join(f"{t.year}:{plain_number(t.value)}" for t in targets)


# -- the framework resource ---------------------------------------------------------------------

GROUP_CODE, GROUP_NAME = "Mã nhóm", "Tên nhóm"
AREA_CODE, AREA_NAME = "Mã lĩnh vực", "Tên lĩnh vực"
TARGETS = "Chỉ tiêu"


class FrameworkResource(resources.ModelResource):
    """The indicators of one framework version, one row each, with their group and area.

    ``framework``: the version an import writes to; the current one when not given. Groups,
    areas and indicators are matched by code within it; nothing is deleted. An indicator of a
    version that approved data uses keeps its meaning: its locked fields cannot change and no
    indicator can be added (``Indicator.clean``); create a new version instead.
    """

    group_code = fields.Field(attribute="area__group__code", column_name=GROUP_CODE, readonly=True)
    group_name = fields.Field(attribute="area__group__name", column_name=GROUP_NAME, readonly=True)
    area_code = fields.Field(attribute="area__code", column_name=AREA_CODE, readonly=True)
    area_name = fields.Field(attribute="area__name", column_name=AREA_NAME, readonly=True)
    code = fields.Field(attribute="code", column_name="Mã chỉ số", widget=TextWidget())
    name = fields.Field(attribute="name", column_name="Tên chỉ số", widget=TextWidget())
    name_en = fields.Field(
        attribute="name_en", column_name="Tên chỉ số (tiếng Anh)", widget=TextWidget()
    )
    unit = fields.Field(
        attribute="unit", column_name="Đơn vị tính", widget=ChoiceWidget(Unit, UNIT_LABELS_VI)
    )
    aggregation = fields.Field(
        attribute="aggregation", column_name="Cách tổng hợp", widget=ChoiceWidget(Aggregation)
    )
    direction = fields.Field(
        attribute="direction", column_name="Chiều tốt", widget=ChoiceWidget(Direction)
    )
    denominator_label = fields.Field(
        attribute="denominator_label", column_name="Mẫu số", widget=TextWidget()
    )
    computed = fields.Field(attribute="computed", column_name="Tự tính từ", widget=ComputedWidget())
    baseline = fields.Field(
        attribute="baseline", column_name="Giá trị cơ sở", widget=NumberWidget()
    )
    baseline_year = fields.Field(
        attribute="baseline_year", column_name="Năm cơ sở", widget=YearWidget()
    )
    targets = fields.Field(column_name=TARGETS, readonly=True)
    target_source = fields.Field(
        attribute="target_source", column_name="Nguồn chỉ tiêu", widget=TextWidget()
    )
    order = fields.Field(attribute="order", column_name="Thứ tự", widget=WholeNumberWidget())

    class Meta:
        model = Indicator
        name = "Bộ chỉ số (framework)"
        fields = (
            "group_code",
            "group_name",
            "area_code",
            "area_name",
            "code",
            "name",
            "name_en",
            "unit",
            "aggregation",
            "direction",
            "denominator_label",
            "computed",
            "baseline",
            "baseline_year",
            "targets",
            "target_source",
            "order",
        )
        import_id_fields = ("code",)
        clean_model_instances = True
        report_skipped = False

    def __init__(self, framework: Framework | None = None, **kwargs):
        super().__init__(**kwargs)
        self.framework = framework
        self._reset()

    def _reset(self) -> None:
        self._user = None
        self._locked = False
        self._groups: dict[str, IndicatorGroup] = {}
        self._areas: dict[str, Area] = {}
        self._group_rows: dict[str, tuple[int, str]] = {}  # code -> (row, name) first seen
        self._area_rows: dict[str, tuple[int, str, str]] = {}  # code -> (row, group, name)
        self._codes: dict[str, int] = {}  # indicator code -> row number first seen

    @classmethod
    def column_names(cls) -> list[str]:
        return [field.column_name for field in cls().get_export_fields()]

    def get_framework(self) -> Framework:
        if self.framework is None:
            self.framework = Framework.objects.get(is_current=True)
        return self.framework

    # -- export ---------------------------------------------------------------------------------

    def get_queryset(self):
        return Indicator.objects.filter(area__group__framework=self.get_framework())

    def filter_export(self, queryset, **kwargs):
        return (
            queryset.select_related("area__group")
            .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("year")))
            .order_by(
                "area__group__framework", "area__group__order", "area__order", "order", "code"
            )
        )

    def dehydrate_targets(self, indicator: Indicator) -> str:
        if indicator.pk is None:  # a new row, in the preview's "before" column
            return ""
        return render_targets(indicator.targets.all())

    def export_sheets(self, queryset=None) -> list[Sheet]:
        """The framework (or ``queryset``'s indicators) as the sheet the import reads."""
        return [dataset_sheet(self.export(queryset))]

    # -- import ---------------------------------------------------------------------------------

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """Import ``dataset`` (keyword ``user`` required); all or nothing, in one transaction."""
        framework = self.get_framework()
        user = kwargs.get("user")
        allowed = restrict(Framework.objects.filter(pk=framework.pk), user, Action.CHANGE)
        if user is None or not allowed.exists():
            raise PermissionDenied(_("You do not have permission to do this."))
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    def before_import(self, dataset, **kwargs):
        self._reset()
        self._user = kwargs.get("user")
        self._locked = self.get_framework().is_locked
        try:
            if len(dataset) > MAX_ROWS:
                raise ValueError(_("The file has more than %(limit)s rows.") % {"limit": MAX_ROWS})
            dataset.headers = match_headers(list(dataset.headers or []), self.column_names())
        except ValueError:
            del dataset[:]  # a file error: no row is worth reading
            raise

    def get_instance(self, instance_loader, row):
        code = cell_text(row.get(self.fields["code"].column_name))
        if not code:
            return None
        return (
            Indicator.objects.filter(area__group__framework=self.get_framework(), code=code)
            .select_related("area__group")
            .first()
        )

    def before_import_row(self, row, **kwargs):
        code = cell_text(row.get(self.fields["code"].column_name))
        number = kwargs.get("row_number", 0) + 1  # the Excel row, below the header
        if code in self._codes:
            raise ValidationError(
                {
                    "code": _("The code %(code)s is already on row %(row)s.")
                    % {"code": code, "row": self._codes[code]}
                }
            )
        if code:
            self._codes[code] = number

    def import_instance(self, instance, row, **kwargs):
        number = kwargs.get("row_number", 0) + 1
        old_order = instance.order if instance.pk else None
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            area = self._area_for(row, number)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        else:
            instance.area = area
            if instance.order is None and "order" not in errors:  # empty: keep, or add last
                last = area.indicators.aggregate(last=Max("order"))["last"]
                instance.order = old_order if old_order is not None else (last or 0) + 1
        try:
            instance._import_targets = parse_targets(row.get(TARGETS))
        except ValueError as exc:
            errors.setdefault("targets", []).append(str(exc))
        if instance.pk is None and self._locked:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _(
                    "Approved data uses this framework version, so no indicator can be added. "
                    "Create a new version of the framework instead."
                )
            )
        if errors:
            raise ValidationError(errors)

    def _area_for(self, row, number: int) -> Area:
        """The row's area, its group created or renamed as the row says (saved: the import
        runs in a transaction that is rolled back on a dry run or an error)."""
        group_code = cell_text(row.get(GROUP_CODE))
        group_name = cell_text(row.get(GROUP_NAME))
        area_code = cell_text(row.get(AREA_CODE))
        area_name = cell_text(row.get(AREA_NAME))
        errors = []
        if not group_code:
            errors.append(_("%(column)s is missing.") % {"column": GROUP_CODE})
        if not area_code:
            errors.append(_("%(column)s is missing.") % {"column": AREA_CODE})
        seen = self._group_rows.get(group_code)
        if group_code and seen and group_name and seen[1] and seen[1] != group_name:
            errors.append(
                _("Group %(code)s has another name on row %(row)s.")
                % {"code": group_code, "row": seen[0]}
            )
        seen_area = self._area_rows.get(area_code)
        if area_code and seen_area and seen_area[1] != group_code:
            errors.append(
                _("Area %(code)s is in group %(group)s on row %(row)s.")
                % {"code": area_code, "group": seen_area[1], "row": seen_area[0]}
            )
        elif area_code and seen_area and area_name and seen_area[2] and seen_area[2] != area_name:
            errors.append(
                _("Area %(code)s has another name on row %(row)s.")
                % {"code": area_code, "row": seen_area[0]}
            )
        if errors:
            raise ValidationError({"area": errors})
        self._group_rows.setdefault(group_code, (number, group_name))
        self._area_rows.setdefault(area_code, (number, group_code, area_name))

        framework = self.get_framework()
        group = self._groups.get(group_code)
        if group is None:
            group = IndicatorGroup.objects.filter(framework=framework, code=group_code).first()
            if group is None:
                last = framework.groups.aggregate(last=Max("order"))["last"]
                group = IndicatorGroup(framework=framework, code=group_code, order=(last or 0) + 1)
            self._groups[group_code] = group
        if (group_name and group.name != group_name) or group.pk is None:
            group.name = group_name
            self._save_part(group)

        area = self._areas.get(area_code)
        if area is None:
            area = Area.objects.filter(group__framework=framework, code=area_code).first()
            if area is None:
                last = group.areas.aggregate(last=Max("order"))["last"]
                area = Area(group=group, code=area_code, order=(last or 0) + 1)
            self._areas[area_code] = area
        if area.group_id != group.pk or (area_name and area.name != area_name) or area.pk is None:
            area.group = group
            if area_name:
                area.name = area_name
            self._save_part(area)
        return area

    @staticmethod
    def _save_part(obj) -> None:
        try:
            obj.full_clean()
        except ValidationError as exc:
            label = GROUP_NAME if isinstance(obj, IndicatorGroup) else AREA_NAME
            raise ValidationError(
                {"area": [f"{label}: {message}" for message in exc.messages]}
            ) from exc
        obj.save()

    def do_instance_save(self, instance, is_create):
        instance._history_user = self._user
        instance._change_reason = "spreadsheet import"
        super().do_instance_save(instance, is_create)

    def after_save_instance(self, instance, row, **kwargs):
        targets = getattr(instance, "_import_targets", {})
        instance.targets.exclude(year__in=list(targets)).delete()
        for year, value in targets.items():
            Target.objects.update_or_create(
                indicator=instance, year=year, defaults={"value": value}
            )

    def import_row(self, row, instance_loader, **kwargs):
        """As the parent, with errors keyed by the file's column names rather than fields; a
        blank row (kept so that row numbers are Excel's) is skipped."""
        if not any(cell_text(value) for value in row.values()):
            result = self.get_row_result_class()()
            result.import_type = RowResult.IMPORT_TYPE_SKIP
            return result
        result = super().import_row(row, instance_loader, **kwargs)
        if getattr(result.validation_error, "error_dict", None) is not None:
            columns = {name: field.column_name for name, field in self.fields.items()}
            columns["area"] = f"{AREA_CODE} / {GROUP_CODE}"
            by_column: dict = {}
            for key, messages in result.validation_error.message_dict.items():
                by_column.setdefault(columns.get(key, key), []).extend(messages)
            result.validation_error = ValidationError(by_column)
        return result


def match_headers(header: list, columns: list[str]) -> list:
    """``header`` with each column spelt as in ``columns`` (any order, case, diacritics).

    Raises ValueError listing the missing, unknown and repeated columns."""
    expected = {search_key(column): column for column in columns}
    matched, unknown, repeated = [], [], []
    for value in header:
        text = cell_text(value)
        column = expected.get(search_key(text)) if text else None
        if text and column is None:
            unknown.append(text)
        elif column is not None and column in matched:
            repeated.append(text)
        matched.append(column or text)
    missing = [column for column in columns if column not in matched]
    if not (missing or unknown or repeated):
        return matched
    problems = [
        _("The columns do not match the template. Expected columns: %(expected)s.")
        % {"expected": ", ".join(columns)}
    ]
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    if repeated:
        problems.append(
            _("Columns given more than once: %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    raise ValueError(" ".join(problems))


def dataset_sheet(dataset: tablib.Dataset, title: str = FRAMEWORK_SHEET) -> Sheet:
    return Sheet(title=title, headers=list(dataset.headers or []), rows=[list(r) for r in dataset])


class PortalXLSX(base_formats.XLSX):
    """XLSX through the portal's own writer (learningcity.xlsx) and a careful reader: checked
    like every upload, the whole first sheet read, trailing blank rows dropped."""

    def export_data(self, dataset, **kwargs):
        return build_workbook([dataset_sheet(dataset, dataset.title or FRAMEWORK_SHEET)])

    def create_dataset(self, in_stream):
        content = in_stream if isinstance(in_stream, bytes) else in_stream.encode()
        validate_spreadsheet(SimpleUploadedFile("import.xlsx", content))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # styles and extensions openpyxl skips
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                sheet.reset_dimensions()  # the size a file declares may be wrong
                rows = sheet.iter_rows(values_only=True)
                header = list(next(rows, ()))
                data = [list(r) for r in rows]
            finally:
                workbook.close()
        while data and not any(cell_text(v) for v in data[-1]):
            data.pop()  # blank rows inside the table stay, so that row numbers are Excel's
        if len(data) > MAX_ROWS:
            raise ValueError(_("The file has more than %(limit)s rows.") % {"limit": MAX_ROWS})
        width = max([len(header), *(len(r) for r in data)])
        dataset = tablib.Dataset()
        dataset.headers = [cell_text(h) for h in header] + [""] * (width - len(header))
        for values in data:
            dataset.append(values + [None] * (width - len(values)))
        return dataset
