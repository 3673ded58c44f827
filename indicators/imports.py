"""A district's indicator values through a spreadsheet: the pre-filled template and its import.

An import is all or nothing: the file is read and every row checked, then the values go through
``services.values_save`` (the same checks as the form) inside a transaction that is rolled back
on a dry run (the preview) or if anything is wrong. Problems come back with their Excel row.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from learningcity.permissions import Action, ensure_allowed
from learningcity.spreadsheets import ImportOutcome, SpreadsheetError, cell_text, read_sheet
from learningcity.text import search_key
from learningcity.uploads import validate_spreadsheet
from learningcity.xlsx import Sheet, build_workbook

from . import services
from .choices import Unit
from .models import Submission, Value
from .resources import UNIT_LABELS_VI, NumberError, match_headers, native_number, parse_decimal

MAX_ROWS = 1000
MAX_NOTE = 2000  # Value.note
VALUES_SHEET = "Chỉ số"
GUIDE_SHEET = "Hướng dẫn"
CODE, NAME, UNIT = "Mã chỉ số", "Tên chỉ số", "Đơn vị tính"
VALUE, NUMERATOR, DENOMINATOR, NOTE = "Giá trị", "Tử số", "Mẫu số", "Ghi chú minh chứng"
COLUMNS = [CODE, NAME, UNIT, VALUE, NUMERATOR, DENOMINATOR, NOTE]

# The template is the officers' document: Vietnamese whatever the interface language.
UNIT_RULES_VI = {
    Unit.COUNT: "Số nguyên từ 0 trở lên, ví dụ 1250 hoặc 1.250.",
    Unit.PERCENT: "Từ 0 đến 100, có thể có phần thập phân, ví dụ 12,5.",
    Unit.YES_NO: "1 hoặc “có”; 0 hoặc “không”.",
    Unit.VND: "Số tiền bằng đồng, số nguyên, ví dụ 150000000 hoặc 150.000.000.",
    Unit.SCORE: "Từ 0 đến 100, có thể có phần thập phân.",
}
RATIO_SUFFIX_VI = " (Tử số/Mẫu số)"
COMPUTED_SUFFIX_VI = " (tự tính)"
YES_WORDS = {"co", "yes", "x", "dat"}
NO_WORDS = {"khong", "no", "chua"}


def _ordered_values(submission: Submission):
    return submission.values.select_related("indicator").order_by(
        "indicator__area__group__order",
        "indicator__area__order",
        "indicator__order",
        "indicator__code",
    )


def unit_label(indicator) -> str:
    label = UNIT_LABELS_VI.get(indicator.unit, indicator.unit)
    if indicator.computed:
        return label + COMPUTED_SUFFIX_VI
    if indicator.is_ratio:
        return label + RATIO_SUFFIX_VI
    return label


def values_template_sheets(*, submission: Submission) -> list[Sheet]:
    """The district's values of ``submission`` in the import's columns, one row per indicator
    in framework order, with a guide sheet. The caller has checked that the user may see it."""
    rows, ratios = [], []
    for value in _ordered_values(submission):
        indicator = value.indicator
        rows.append(
            [
                indicator.code,
                indicator.name,
                unit_label(indicator),
                None if indicator.is_ratio else native_number(value.value),
                native_number(value.numerator) if indicator.is_ratio else None,
                native_number(value.denominator) if indicator.is_ratio else None,
                value.note or None,
            ]
        )
        if indicator.is_ratio and not indicator.computed:
            ratios.append(indicator)
    return [
        Sheet(title=VALUES_SHEET, headers=COLUMNS, rows=rows),
        Sheet(title=GUIDE_SHEET, headers=["Mục", "Hướng dẫn"], rows=_guide_rows(ratios)),
    ]


def _guide_rows(ratios) -> list[list[str]]:
    rows = [
        [CODE, "Giữ nguyên mã; không thêm dòng, không lặp mã. Có thể xóa dòng không cập nhật."],
        [NAME, "Chỉ để đọc; cổng không đọc lại cột này."],
        [UNIT, "Chỉ để đọc: đơn vị của giá trị; xem các đơn vị bên dưới."],
        [VALUE, "Giá trị của chỉ số. Để trống với chỉ số tính theo tỷ lệ (Tử số/Mẫu số)."],
        [NUMERATOR, "Chỉ dùng cho chỉ số tính theo tỷ lệ: số đạt yêu cầu."],
        [DENOMINATOR, "Chỉ dùng cho chỉ số tính theo tỷ lệ: tổng số (lớn hơn 0), xem bên dưới."],
        [NOTE, "Nguồn số liệu, văn bản minh chứng (tối đa 2.000 ký tự)."],
        [
            "Số thập phân",
            "Dùng dấu phẩy (12,5) hoặc dấu chấm (12.5); dấu chấm ngăn cách hàng nghìn "
            "(1.250.000) cũng được chấp nhận. Tối đa 4 chữ số thập phân.",
        ],
    ]
    rows += [[label, UNIT_RULES_VI[unit]] for unit, label in UNIT_LABELS_VI.items()]
    rows.append(
        [
            "(tự tính)",
            "Cổng tự tính từ dữ liệu đã có (Ban chỉ đạo, kế hoạch, sơ kết); giá trị nhập vào bị "
            "bỏ qua.",
        ]
    )
    rows.append(
        [
            "(Tử số/Mẫu số)",
            "Nhập Tử số và Mẫu số, để trống Giá trị; cổng tính Giá trị = Tử số / Mẫu số, "
            "nhân 100 (%).",
        ]
    )
    rows += [
        [indicator.code, f"Tử số/Mẫu số. Mẫu số: {indicator.denominator_label}."]
        for indicator in ratios
    ]
    return rows


def values_template_xlsx(*, submission: Submission) -> bytes:
    return build_workbook(values_template_sheets(submission=submission))


# -- the import ---------------------------------------------------------------------------------


def _read_file(upload) -> tuple[dict[str, int], list[tuple[int, list]]]:
    validate_spreadsheet(upload)
    header, rows = read_sheet(upload, max_rows=MAX_ROWS, sheet_key="chi so", percent=True)
    if not any(cell_text(value) for value in header) and not rows:
        raise SpreadsheetError(_("The file is empty. Fill in the template and upload it again."))
    try:
        matched = match_headers(list(header), COLUMNS)
    except ValueError as exc:
        raise SpreadsheetError(str(exc)) from exc
    positions = {column: index for index, column in enumerate(matched) if column in COLUMNS}
    if not rows:
        raise SpreadsheetError(_("The file has no indicator rows below the header."))
    if len(rows) > MAX_ROWS:
        raise SpreadsheetError(_("The file has more than %(limit)s rows.") % {"limit": MAX_ROWS})
    return positions, rows


def _yes_no(raw) -> object:
    """ "có"/"không" (and yes/no) as 1/0; anything else as it is."""
    if isinstance(raw, str):
        key = search_key(raw)
        if key in YES_WORDS:
            return 1
        if key in NO_WORDS:
            return 0
    return raw


def _row_entry(indicator, cells: dict, problems: list[str]) -> services.Entry | None:
    """The row as an Entry for the service; unreadable cells are added to ``problems``."""
    numbers = {}
    for column in (VALUE, NUMERATOR, DENOMINATOR):
        raw, percent = cells[column]
        if column == VALUE and indicator.unit == Unit.YES_NO:
            raw = _yes_no(raw)
        try:
            numbers[column] = parse_decimal(raw, percent_format=percent and column == VALUE)
        except NumberError as exc:
            problems.append(f"{column}: {exc}")
    note = cell_text(cells[NOTE][0])
    if len(note) > MAX_NOTE:
        problems.append(
            _("%(column)s: at most %(limit)s characters (it has %(length)s).")
            % {"column": NOTE, "limit": MAX_NOTE, "length": len(note)}
        )
    if problems:
        return None
    value, numerator, denominator = numbers[VALUE], numbers[NUMERATOR], numbers[DENOMINATOR]
    if indicator.is_ratio and value is not None and numerator is None and denominator is None:
        problems.append(
            _(
                "This indicator is a ratio: leave %(value)s empty and give %(numerator)s and "
                "%(denominator)s (%(label)s)."
            )
            % {
                "value": VALUE,
                "numerator": NUMERATOR,
                "denominator": DENOMINATOR,
                "label": indicator.denominator_label,
            }
        )
        return None
    if not indicator.is_ratio and (numerator is not None or denominator is not None):
        problems.append(
            _("This indicator takes %(value)s only; leave %(numerator)s and %(denominator)s empty.")
            % {"value": VALUE, "numerator": NUMERATOR, "denominator": DENOMINATOR}
        )
        return None
    return services.Entry(
        value=None if indicator.is_ratio else value,
        numerator=numerator,
        denominator=denominator,
        note=note,
    )


def _preview(number: int, code: str, name: str, cells: dict, entry) -> dict:
    if entry is not None:
        value, numerator, denominator = entry.value, entry.numerator, entry.denominator
        note = entry.note
    else:  # unreadable: show what the file says
        value, numerator, denominator, note = (
            cell_text(cells[column][0]) or None for column in (VALUE, NUMERATOR, DENOMINATOR, NOTE)
        )
    return {
        "row": number,
        "code": code,
        "name": name,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "note": note or "",
    }


def values_import(*, user, submission: Submission, upload, dry_run: bool) -> ImportOutcome:
    """Import the values of ``submission`` from the XLSX ``upload`` (the template's columns).

    Rows are matched by indicator code; computed indicators are ignored; an indicator without a
    row keeps its value. ``dry_run``: check everything through the service, write nothing.
    PermissionDenied when ``user`` may not change the submission.
    """
    ensure_allowed(user, submission, Action.CHANGE)
    outcome = ImportOutcome()
    current = Submission.objects.get(pk=submission.pk)
    if not current.is_editable:
        outcome.file_errors.append(
            _("These values are “%(status)s” and can no longer be edited.")
            % {"status": current.get_status_display()}
        )
        return outcome
    try:
        positions, rows = _read_file(upload)
    except ValidationError as exc:
        outcome.file_errors.extend(exc.messages)
        return outcome
    except SpreadsheetError as exc:
        outcome.file_errors.extend(str(message) for message in exc.args)
        return outcome

    indicators = {v.indicator.code: v.indicator for v in _ordered_values(current)}
    entries: dict[str, services.Entry] = {}
    row_of: dict[str, int] = {}
    for number, values in rows:
        cells = {
            column: values[index] if index < len(values) else (None, False)
            for column, index in positions.items()
        }
        code = cell_text(cells[CODE][0])
        indicator = indicators.get(code)
        problems: list[str] = []
        if not code:
            problems.append(_("%(column)s is missing.") % {"column": CODE})
        elif indicator is None:
            problems.append(_("Unknown indicator code “%(code)s”.") % {"code": code})
        elif code in row_of:
            problems.append(
                _("The indicator %(code)s is already on row %(row)s.")
                % {"code": code, "row": row_of[code]}
            )
        entry = None
        if not problems:
            row_of[code] = number
            if indicator.computed:
                continue  # the portal computes it; the file's value is ignored
            entry = _row_entry(indicator, cells, problems)
        name = indicator.name if indicator else cell_text(cells[NAME][0])
        outcome.rows.append(_preview(number, code, name, cells, entry))
        outcome.errors.extend((number, str(problem)) for problem in problems)
        if entry is not None:
            entries[code] = entry

    try:
        with transaction.atomic():
            services.values_save(user=user, submission=current, entries=entries)
            saved = {
                v.indicator.code: v
                for v in Value.objects.filter(
                    submission=current, indicator__code__in=list(entries)
                ).select_related("indicator")
            }
            for row in outcome.rows:
                if row["code"] in entries and row["code"] in saved:
                    row["value"] = saved[row["code"]].value  # a ratio's value, as stored
            if dry_run or outcome.errors:
                transaction.set_rollback(True)
            else:
                outcome.written = len(entries)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for code, errors in exc.error_dict.items():
                messages = [m for error in errors for m in error.messages]
                if code in row_of:
                    outcome.errors.extend((row_of[code], f"{code}: {m}") for m in messages)
                else:
                    outcome.file_errors.extend(messages)
        else:
            outcome.file_errors.extend(exc.messages)
    outcome.errors.sort(key=lambda error: error[0])
    return outcome
