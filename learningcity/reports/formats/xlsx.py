"""The report as a workbook: a summary sheet first, then one sheet per section table.

Every sheet goes through ``learningcity.xlsx`` (bold frozen header, real numbers and dates,
number formats), like every other XLSX of the portal.
"""

import datetime

from django.utils.translation import gettext as _

from learningcity.xlsx import Sheet, build_workbook, sheet_title

from ..sections import Scope, Section

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def section_number(index: int) -> str:
    return ROMAN[index] if index < len(ROMAN) else str(index + 1)


def _summary(
    *, scope: Scope, title: str, sections: list[Section], compiled_at: datetime.datetime
) -> Sheet:
    report = _("Report")
    rows: list[list] = [
        [report, _("Subject"), title],
        [report, _("Period"), scope.label],
        [report, _("From"), scope.start],
        [report, _("To"), scope.end],
        [report, _("District"), scope.district.name if scope.district else _("Whole city")],
        [report, _("Compiled at"), compiled_at],
    ]
    for index, section in enumerate(sections):
        name = f"{section_number(index)}. {section.title}"
        rows += [[name, label, value] for label, value in section.figures]
        if section.no_data:
            rows.append([name, _("Note"), section.no_data])
    return Sheet(title=_("Summary"), headers=[_("Section"), _("Figure"), _("Value")], rows=rows)


def _section_sheets(index: int, section: Section) -> list[Sheet]:
    number = section_number(index)
    if not section.tables:
        notes = [*section.paragraphs, section.no_data] if section.no_data else section.paragraphs
        return [
            Sheet(
                title=sheet_title(f"{number}. {section.title}"),
                headers=[section.title],
                rows=[[note] for note in notes],
            )
        ]
    sheets = []
    for position, table in enumerate(section.tables, start=1):
        # The number keeps titles apart once Excel's 31-character limit cuts them.
        prefix = number if len(section.tables) == 1 else f"{number}.{position}"
        sheets.append(
            Sheet(
                title=sheet_title(f"{prefix}. {table.title}"),
                headers=table.headers,
                rows=table.rows,
                column_formats=table.formats,
            )
        )
    return sheets


def workbook(
    *, scope: Scope, title: str, sections: list[Section], compiled_at: datetime.datetime
) -> bytes:
    sheets = [_summary(scope=scope, title=title, sections=sections, compiled_at=compiled_at)]
    for index, section in enumerate(sections):
        sheets += _section_sheets(index, section)
    return build_workbook(sheets)
