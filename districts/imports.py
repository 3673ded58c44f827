"""Spreadsheet imports and exports of the districts app.

An import is all or nothing: the file is read and every row checked first; if anything is
wrong, nothing is written and the officer sees each problem with its Excel row number. The same
call with ``dry_run=True`` is the preview.
"""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from learningcity.permissions import Action, ensure_allowed
from learningcity.spreadsheets import (
    ImportOutcome,
    SpreadsheetError,
    cell_text,
    column_positions,
    read_sheet,
)
from learningcity.uploads import validate_spreadsheet
from learningcity.xlsx import Sheet, build_workbook

from .choices import CommitteeRole
from .models import CommitteeMember, SteeringCommittee
from .resources import ROLE_LABELS_VI, CommitteeMemberResource

MAX_ROWS = 500
MEMBERS_SHEET = "Thành viên Ban chỉ đạo"
GUIDE_SHEET = "Hướng dẫn"
CHANGE_REASON = "spreadsheet import"


def _parse_members(upload, outcome: ImportOutcome) -> list[CommitteeMember]:
    """Unsaved members, one per row; problems are added to ``outcome``."""
    try:
        validate_spreadsheet(upload)
        header, rows = read_sheet(upload, max_rows=MAX_ROWS)
        if not any(cell_text(value) for value in header) and not rows:
            raise SpreadsheetError(
                _("The file is empty. Fill in the template and upload it again.")
            )
        resource = CommitteeMemberResource()
        columns = resource.column_names()
        positions = column_positions(header, columns)
        if not rows:
            raise SpreadsheetError(_("The file has no member rows below the header."))
        if len(rows) > MAX_ROWS:
            raise SpreadsheetError(
                _("The file has more than %(limit)s member rows.") % {"limit": MAX_ROWS}
            )
    except ValidationError as exc:
        outcome.file_errors.extend(exc.messages)
        return []
    except SpreadsheetError as exc:
        outcome.file_errors.extend(str(message) for message in exc.args)
        return []

    import_fields = resource.get_import_fields()
    column_of = {f.attribute: f.column_name for f in import_fields}
    members = []
    for place, (number, values) in enumerate(rows, start=1):
        row = {
            column: values[index] if index < len(values) else None
            for column, index in positions.items()
        }
        member = CommitteeMember()
        errors = {}
        try:
            resource.import_instance(member, row)
        except ValidationError as exc:
            errors = exc.error_dict
        if member.order is None:
            member.order = place
        try:
            member.full_clean(exclude=["committee", *errors], validate_unique=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        preview = {"row": number}
        for f in import_fields:
            failed = f.attribute in errors
            preview[f.attribute] = (
                cell_text(row[f.column_name]) if failed else getattr(member, f.attribute)
            )
        valid_role = "role" not in errors and member.role in CommitteeRole.values
        preview["role_label"] = CommitteeRole(member.role).label if valid_role else preview["role"]
        outcome.rows.append(preview)
        for attribute, messages in ValidationError(errors).message_dict.items():
            for message in messages:
                if attribute == NON_FIELD_ERRORS:
                    outcome.errors.append((number, message))
                else:
                    outcome.errors.append(
                        (number, f"{column_of.get(attribute, attribute)}: {message}")
                    )
        members.append(member)
    return members


@transaction.atomic
def members_import(*, user, committee: SteeringCommittee, upload, dry_run: bool) -> ImportOutcome:
    """Replace ``committee``'s members with those listed in the XLSX ``upload``.

    The file is the full list: current members not in it are removed. Nothing is written on a
    dry run or if the file or any row has a problem.
    """
    locked = SteeringCommittee.objects.select_for_update().filter(pk=committee.pk).first()
    if locked is None:
        raise PermissionDenied(_("You do not have permission to do this."))
    ensure_allowed(user, locked, Action.CHANGE)
    outcome = ImportOutcome()
    if not locked.is_current:
        outcome.file_errors.append(_("Members can only be imported into the current committee."))
        return outcome

    members = _parse_members(upload, outcome)
    if dry_run or not outcome.is_valid:
        return outcome

    for old in locked.members.all():
        old._history_user = user
        old._change_reason = CHANGE_REASON
        old.delete()
    for member in members:
        member.committee = locked
    bulk_create_with_history(
        members, CommitteeMember, default_user=user, default_change_reason=CHANGE_REASON
    )
    outcome.written = len(members)
    return outcome


def member_template_sheets() -> list[Sheet]:
    """The empty members file officers fill in, with the accepted roles on a second sheet."""
    roles = [[label, role.value] for role, label in ROLE_LABELS_VI.items()]
    return [
        Sheet(
            title=MEMBERS_SHEET,
            headers=CommitteeMemberResource.column_names(),
            column_formats={0: "0"},
        ),
        Sheet(
            title=GUIDE_SHEET, headers=["Vai trò trong Ban chỉ đạo", "Mã (tiếng Anh)"], rows=roles
        ),
    ]


def member_template_xlsx() -> bytes:
    return build_workbook(member_template_sheets())


def members_export_sheets(committee: SteeringCommittee) -> list[Sheet]:
    """``committee``'s members in the template's columns: the file imports back unchanged.

    The caller has already checked that the user may see ``committee``.
    """
    dataset = CommitteeMemberResource().export(committee.members.order_by("order", "id"))
    return [
        Sheet(
            title=MEMBERS_SHEET,
            headers=list(dataset.headers),
            rows=[list(row) for row in dataset],
            column_formats={0: "0"},
        )
    ]


def members_export_xlsx(committee: SteeringCommittee) -> bytes:
    return build_workbook(members_export_sheets(committee))
