"""Vietnamese text on the way in (NFC, no invisible characters) and diacritics-free search keys."""

import re
import unicodedata

# Zero-width and byte-order characters that paste in from Word and web pages.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# Control characters that paste in from Word or a PDF, and the non-characters U+FFFE and U+FFFF:
# no XML document may hold them, so one of them would break every XLSX and DOCX the text goes
# into (a whole city report). Word's manual line break and page break become line breaks.
_CONTROLS = {
    **dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), 0xFFFE, 0xFFFF]),
    0x0B: "\n",
    0x0C: "\n",
}
_CLEAN = {**_INVISIBLE, **_CONTROLS}
_SPACES = re.compile(r"[ \t\r\f\v]+")


def normalize_text(value: str) -> str:
    """NFC form, invisible and control characters removed (tabs and line ends kept), surrounding
    white space trimmed."""
    return unicodedata.normalize("NFC", value.translate(_CLEAN)).strip()


def search_key(value: str) -> str:
    """Lower-case ASCII form for diacritics-insensitive search: "Thủ Đức" -> "thu duc"."""
    decomposed = unicodedata.normalize("NFD", value.translate(_INVISIBLE))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    # Lines are kept apart so that a search never matches across two fields.
    lines = (_SPACES.sub(" ", line).strip() for line in stripped.casefold().split("\n"))
    return "\n".join(lines).strip()
