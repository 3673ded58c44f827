"""Uploaded documents: accepted by what the bytes are, not by what the name claims."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# Office files are zip archives; these entries tell which application wrote them.
_OFFICE_MARKERS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
_SIGNATURES = {
    ".pdf": [b"%PDF-"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".png": [b"\x89PNG\r\n\x1a\n"],
}
DOCUMENT_EXTENSIONS = [".pdf", ".docx", ".xlsx", ".jpg", ".jpeg", ".png"]
SPREADSHEET_EXTENSIONS = [".xlsx"]


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def _check_office_archive(upload, marker: str) -> None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError(_("The file is damaged or is not what its name says.")) from exc
    if marker not in names or "[Content_Types].xml" not in names:
        raise ValidationError(_("The file is damaged or is not what its name says."))
    # A small archive that unpacks to gigabytes would exhaust the server (a "zip bomb").
    if unpacked > settings.UPLOAD_MAX_UNPACKED_BYTES:
        raise ValidationError(_("The file unpacks to more data than the portal accepts."))


def validate_upload(upload, allowed: list[str]) -> None:
    """Raise ValidationError unless ``upload`` is one of ``allowed`` types, by content, in size."""
    extension = _extension(upload.name or "")
    if extension not in allowed:
        raise ValidationError(
            _("Only these file types are accepted: %(types)s.")
            % {"types": ", ".join(e.lstrip(".").upper() for e in allowed)}
        )
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
            }
        )
    # A file already stored (a model's FieldFile, checked again by every full_clean of its row)
    # is closed until read: whatever is opened here is closed here, or each save leaks it.
    opened_here = getattr(upload, "closed", False)
    upload.seek(0)
    try:
        if extension in _OFFICE_MARKERS:
            _check_office_archive(upload, _OFFICE_MARKERS[extension])
        else:
            head = upload.read(16)
            if not any(head.startswith(sig) for sig in _SIGNATURES[extension]):
                raise ValidationError(_("The file is damaged or is not what its name says."))
    finally:
        if opened_here:
            upload.close()
        else:
            upload.seek(0)


def validate_document(upload) -> None:
    """PDF, Word, Excel or an image: the scans and files officers attach as evidence."""
    validate_upload(upload, DOCUMENT_EXTENSIONS)


def validate_spreadsheet(upload) -> None:
    validate_upload(upload, SPREADSHEET_EXTENSIONS)
