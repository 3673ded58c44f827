"""Spreadsheet import and export of a district's centre registry.

An import is all or nothing: every row goes through the same services as the form, inside a
transaction that is rolled back if any row is refused, or always on a dry run (the preview).
The officer sees each problem with its Excel row number and column.
"""

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from districts.models import AdministrativeUnit
from districts.selectors import in_portal
from learningcity import spreadsheets
from learningcity.permissions import ensure_may_change_unit
from learningcity.spreadsheets import SpreadsheetError, cell_text, column_positions, read_sheet
from learningcity.uploads import validate_spreadsheet
from learningcity.xlsx import Sheet

from . import services
from .choices import (
    ActivityReportStatus,
    CentreStatus,
    FundingSource,
    LearningTopic,
    Participants,
)
from .models import Centre
from .resources import STATUS_LABELS_VI, YES, CentreResource

MAX_ROWS = 500  # a district's file
MAX_PORTAL_ROWS = 20_000  # the Department's file of every ward of the portal
CENTRES_SHEET = "Trung tâm học tập cộng đồng"
GUIDE_SHEET = "Hướng dẫn"
CHANGE_REASON = "spreadsheet import"
STATUS_LABELS = dict(CentreStatus.choices)
OPTIONAL_COLUMNS = {"Phường/xã"}  # shown for the reader; the code identifies the ward


@dataclass
class ImportOutcome(spreadsheets.ImportOutcome):
    """An import's outcome, with the centres it registers and those it updates."""

    created: int = 0
    updated: int = 0


def _read(upload, *, max_rows: int) -> tuple[dict[str, int], list[tuple[int, tuple]]]:
    validate_spreadsheet(upload)
    header, rows = read_sheet(upload, max_rows=max_rows)
    if not any(cell_text(value) for value in header or ()) and not rows:
        raise SpreadsheetError(_("The file is empty. Fill in the template and upload it again."))
    positions = column_positions(header, CentreResource.column_names(), optional=OPTIONAL_COLUMNS)
    if not rows:
        raise SpreadsheetError(_("The file has no centre rows below the header."))
    if len(rows) > max_rows:
        raise SpreadsheetError(_("The file has more than %(limit)s rows.") % {"limit": max_rows})
    return positions, rows


def _messages(error: ValidationError, column_of: dict[str, str]) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    out = []
    for attribute, messages in error.message_dict.items():
        for message in messages:
            if attribute == NON_FIELD_ERRORS or attribute not in column_of:
                out.append(message)
            else:
                out.append(f"{column_of[attribute]}: {message}")
    return out


@transaction.atomic
def centres_import(
    *, user, district: AdministrativeUnit | None, upload, dry_run: bool
) -> ImportOutcome:
    """Register or update ``district``'s centres from the XLSX ``upload``, one row per ward;
    with ``district`` None, the centres of every ward of the portal (the Department's file).

    A row whose ward already has a centre updates it; the others register new centres. Centres
    not in the file are left as they are. Nothing is written on a dry run or if the file or
    any row has a problem.
    """
    ensure_may_change_unit(user, district.pk if district else None)
    outcome = ImportOutcome()
    try:
        positions, rows = _read(upload, max_rows=MAX_ROWS if district else MAX_PORTAL_ROWS)
    except ValidationError as exc:
        outcome.file_errors.extend(exc.messages)
        return outcome
    except SpreadsheetError as exc:
        outcome.file_errors.extend(str(message) for message in exc.args)
        return outcome

    resource = CentreResource()
    column_of = CentreResource.column_of()
    code_column = column_of["ward__code"]
    import_fields = [f for f in resource.get_import_fields() if not f.readonly]
    parsed = []
    for number, values in rows:
        row = {column: values[i] if i < len(values) else None for column, i in positions.items()}
        parsed.append((number, row, resource.fields["ward_code"].clean(row)))
    codes = [code for _number, _row, code in parsed]
    wards = {
        ward.code: ward
        for ward in in_portal(AdministrativeUnit.objects.wards(), district="parent")
        .filter(code__in=codes)
        .select_related("parent")
    }
    existing = {
        centre.ward.code: centre
        for centre in Centre.objects.filter(
            ward__code__in=codes, ward__level="ward"
        ).select_related("ward")
    }

    seen: dict[str, int] = {}
    accepted: list[tuple[int, tuple]] = []  # (Excel row number, (ward, centre, fields))
    for number, row, code in parsed:
        ward = wards.get(code)
        preview = {"row": number, "ward_code": code, "ward_name": ward.name if ward else ""}
        outcome.rows.append(preview)
        errors: list[str] = []
        if not code:
            errors.append(_("%(column)s: this field is required.") % {"column": code_column})
        elif ward is None:
            errors.append(
                _("%(column)s: there is no ward with the code “%(code)s”.")
                % {"column": code_column, "code": code}
            )
        elif district is not None and ward.parent_id != district.pk:
            errors.append(
                _("The ward %(ward)s (%(code)s) belongs to %(other)s, not to %(district)s.")
                % {
                    "ward": ward.name,
                    "code": code,
                    "other": ward.parent.name,
                    "district": district.name,
                }
            )
        elif code in seen:
            errors.append(
                _("The ward %(code)s is already on row %(row)s: one centre per ward.")
                % {"code": code, "row": seen[code]}
            )
        if code:
            seen.setdefault(code, number)

        instance = Centre()
        try:
            resource.import_instance(instance, row)
        except ValidationError as exc:
            errors.extend(_messages(exc, column_of))
            # The row is refused already; still say what else is wrong with it.
            try:
                instance.clean_fields(exclude=[*exc.error_dict, "ward"])
            except ValidationError as more:
                errors.extend(_messages(more, column_of))
        values = {f.attribute: getattr(instance, f.attribute) for f in import_fields}
        preview.update(values)
        preview["status_label"] = STATUS_LABELS.get(values.get("status"), values.get("status"))
        centre = existing.get(code)
        preview["action"] = _("update") if centre else _("new")
        if errors:
            outcome.errors.extend((number, message) for message in errors)
        else:
            accepted.append((number, (ward, centre, values)))

    if accepted:
        refused = services.centres_save_many(
            user=user,
            rows=[row for _number, row in accepted],
            reason=CHANGE_REASON,
            check_only=not outcome.is_valid,  # the other rows' problems are reported too
        )
        for index, error in sorted(refused.items()):
            number = accepted[index][0]
            outcome.errors.extend((number, message) for message in _messages(error, column_of))
        if outcome.is_valid:
            outcome.updated = sum(1 for _n, (_w, centre, _v) in accepted if centre)
            outcome.created = len(accepted) - outcome.updated
            outcome.written = len(accepted)

    if dry_run or not outcome.is_valid:
        transaction.set_rollback(True)
        if not outcome.is_valid:
            outcome.created = outcome.updated = 0
    return outcome


def template_sheets() -> list[Sheet]:
    """The empty registry file officers fill in, with how to write each column."""
    guide = [
        ["Mã phường/xã", "Mã số của phường/xã/thị trấn theo danh mục của Tổng cục Thống kê."],
        ["Ngày ...", "Ngày ghi theo dạng dd/mm/yyyy."],
        ["Góc thư viện, Kết nối Internet", f"{YES} hoặc Không."],
        ["Trạng thái", " hoặc ".join(STATUS_LABELS_VI.values())],
        [
            "TTHTCĐ điểm",
            "Chỉ điền khi trung tâm được công nhận là TTHTCĐ điểm: số quyết định, năm công nhận "
            "và ngày hết hiệu lực.",
        ],
    ]
    return [
        Sheet(title=CENTRES_SHEET, headers=CentreResource.column_names(), column_formats={0: "@"}),
        Sheet(title=GUIDE_SHEET, headers=["Cột", "Cách ghi"], rows=guide),
    ]


def export_sheets(centres, *, with_contact) -> list[Sheet]:
    """``centres`` in the template's columns: the file imports back unchanged.

    ``with_contact(centre)`` says whether the reader may see the centre's director and contact;
    when not, those cells are left empty.
    """
    resource = CentreResource()
    headers = CentreResource.column_names()
    personal = {
        i for i, header in enumerate(headers) if header in CentreResource.personal_columns()
    }
    fields_ = resource.get_export_fields()
    rows = []
    for centre in centres:
        shows = with_contact(centre)
        rows.append(
            [
                None if (i in personal and not shows) else f.export(centre)
                for i, f in enumerate(fields_)
            ]
        )
    return [
        Sheet(
            title=CENTRES_SHEET,
            headers=headers,
            rows=rows,
            column_formats={0: "@", 4: "dd/mm/yyyy", 16: "dd/mm/yyyy"},
        )
    ]


# --- Roll-up exports ------------------------------------------------------------------------------


def _pct(value):
    return None if value is None else float(value)


def _figures_row(figures) -> list:
    return [
        figures.centres,
        figures.active_centres,
        figures.model_centres,
        figures.reports_in,
        _pct(figures.share_reporting),
        figures.reports_accepted,
        *(figures.participants[p] for p in Participants.values),
        figures.using_it,
        _pct(figures.it_share),
        *(figures.funding[s] for s in FundingSource.values),
        figures.funding_total,
        figures.classes_total,
        figures.sessions_total,
        figures.evaluated,
    ]


def _figures_headers(bands) -> list[str]:
    return [
        _("Centres registered"),
        _("Active centres"),
        _("Model centres"),
        _("Reports in (submitted or accepted)"),
        _("Share reporting (%)"),
        _("Reports accepted"),
        *(str(p.label) for p in Participants),
        _("Centres using IT"),
        _("Share using IT (%)"),
        *(str(s.label) for s in FundingSource),
        _("Funding in total"),
        _("Classes"),
        _("Sessions"),
        _("Centres evaluated"),
        *(band.display_name for band in bands),
    ]


def rollup_sheets(rollup, *, district=None, centres=None) -> list[Sheet]:
    """The figures of a roll-up page: one row per district and the total (the city, or the one
    district), classes by topic, and for a district its centres."""
    bands = rollup.bands

    def ratings(figures) -> list[int]:
        return [figures.ratings[b.code] for b in bands]

    headers = [_("GSO code"), _("District"), *_figures_headers(bands)]
    number_formats = dict.fromkeys(range(2, len(headers)), "#,##0")
    number_formats.update({6: "0.0", 13: "0.0"})  # the two shares, in percent
    if district is None:
        units = [(d.code, d.name, f) for d, f in rollup.districts]
        units.append(("", _("Whole city"), rollup.total))
    else:
        units = [(district.code, district.name, rollup.total)]
    summary = Sheet(
        title=_("Summary %(year)s") % {"year": rollup.year},
        headers=headers,
        rows=[[code, name, *_figures_row(f), *ratings(f)] for code, name, f in units],
        column_formats=number_formats,
    )
    topics = Sheet(
        title=_("Classes by topic"),
        headers=[
            _("GSO code"),
            _("District"),
            *(f"{t.label}: {_('classes')}" for t in LearningTopic),
            *(f"{t.label}: {_('sessions')}" for t in LearningTopic),
        ],
        rows=[
            [
                code,
                name,
                *(f.classes[t] for t in LearningTopic.values),
                *(f.sessions[t] for t in LearningTopic.values),
            ]
            for code, name, f in units
        ],
        column_formats=dict.fromkeys(range(2, 2 + 2 * len(LearningTopic)), "#,##0"),
    )
    sheets = [summary, topics]
    if centres is not None:
        band_names = {b.code: b.display_name for b in bands}
        status_labels = dict(ActivityReportStatus.choices)
        sheets.append(
            Sheet(
                title=_("Centres"),
                headers=[
                    _("Ward code"),
                    _("Ward"),
                    _("Centre"),
                    _("Model centre"),
                    _("Report"),
                    _("Participants"),
                    _("Uses IT"),
                    _("Evaluation points"),
                    _("Rating"),
                ],
                rows=[
                    [
                        c.ward.code,
                        c.ward.name,
                        c.name,
                        YES if c.is_model_at(rollup.as_of) else "",
                        str(status_labels.get(c.report_status, _("Not reported"))),
                        c.report_participants,
                        (YES if c.report_uses_it else "") if c.report_status else None,
                        c.evaluation_points,
                        band_names.get(c.evaluation_rating, ""),
                    ]
                    for c in centres
                ],
                column_formats={0: "@", 5: "#,##0", 7: "0"},
            )
        )
    return sheets


def not_reported_sheets(centres, *, year: int) -> list[Sheet]:
    status_labels = dict(ActivityReportStatus.choices)
    return [
        Sheet(
            title=_("Not reported %(year)s") % {"year": year},
            headers=[_("District"), _("Ward code"), _("Ward"), _("Centre"), _("Report")],
            rows=[
                [
                    c.ward.parent.name,
                    c.ward.code,
                    c.ward.name,
                    c.name,
                    str(status_labels.get(c.report_status, _("None"))),
                ]
                for c in centres
            ],
            column_formats={1: "@"},
        )
    ]
