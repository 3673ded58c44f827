"""Every string the Vietnamese UI shows is translated in locale/vi.

Strings are extracted with Django's own template lexer and Babel's Python extractor, so the
check needs no system gettext.
"""

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract as babel_extract
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ["learningcity", "districts", "indicators", "awards", "clc"]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}


def extract(path: Path, code: str):
    for _lineno, message, _comments, context in babel_extract(
        extract_python, io.BytesIO(code.encode()), keywords=KEYWORDS
    ):
        yield path, context, message if isinstance(message, str) else message[0]


def source_strings():
    templates = [*ROOT.joinpath("templates").rglob("*.html")]
    for app in SOURCE_DIRS:
        templates += ROOT.joinpath(app).rglob("templates/**/*.html")
    for path in templates:
        yield from extract(path, templatize(path.read_text(encoding="utf-8"), origin=str(path)))
    for app in SOURCE_DIRS:
        for path in ROOT.joinpath(app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield from extract(path, path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalogue():
    with open(ROOT / "locale/vi/LC_MESSAGES/django.po", "rb") as f:
        return read_po(f, locale="vi")


def test_every_ui_string_has_a_vietnamese_translation(catalogue):
    missing = []
    for path, context, msgid in source_strings():
        if not msgid:
            continue
        message = catalogue.get(msgid, context=context)
        forms = (
            message.string
            if message and isinstance(message.string, tuple)
            else (message.string if message else "",)
        )
        if not all(forms) or (message and message.fuzzy):
            missing.append(f"{path.relative_to(ROOT)}: {msgid!r}")
    assert not missing, "Untranslated in locale/vi:\n" + "\n".join(sorted(set(missing)))


def test_the_check_sees_template_and_python_strings():
    found = {msgid for _path, _context, msgid in source_strings()}
    assert "Programme overview" in found  # a template
    assert "District officer" in found  # a TextChoices label
    assert "%(counter)s commune-level unit" in found  # a blocktranslate plural


def test_translations_keep_their_placeholders(catalogue):
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(set(placeholder.findall(ids[-1])))
        for string in strings:
            if string and sorted(set(placeholder.findall(string))) != expected:
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert not wrong, "Placeholders differ:\n" + "\n".join(wrong)
