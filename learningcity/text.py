"""Vietnamese text on the way in (NFC, no invisible characters) and diacritics-free search keys."""

import re
import unicodedata

# Zero-width and byte-order characters that paste in from Word and web pages.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"[ \t\r\f\v]+")


def normalize_text(value: str) -> str:
    """NFC form, invisible characters removed, surrounding white space trimmed."""
    return unicodedata.normalize("NFC", value.translate(_INVISIBLE)).strip()


def search_key(value: str) -> str:
    """Lower-case ASCII form for diacritics-insensitive search: "Thủ Đức" -> "thu duc"."""
    decomposed = unicodedata.normalize("NFD", value.translate(_INVISIBLE))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    # Lines are kept apart so that a search never matches across two fields.
    lines = (_SPACES.sub(" ", line).strip() for line in stripped.casefold().split("\n"))
    return "\n".join(lines).strip()
