import unicodedata

from learningcity.text import normalize_text, search_key


def test_normalize_text_turns_nfd_into_nfc():
    nfd = unicodedata.normalize("NFD", "Thành phố Thủ Đức")
    assert nfd != "Thành phố Thủ Đức"
    assert normalize_text(nfd) == "Thành phố Thủ Đức"


def test_normalize_text_removes_invisible_characters_and_trims():
    assert normalize_text("  Quận\u200b 1\ufeff ") == "Quận 1"


def test_search_key_ignores_case_and_diacritics():
    assert search_key("Thành phố THỦ ĐỨC") == "thanh pho thu duc"
    assert search_key(unicodedata.normalize("NFD", "Đa Kao")) == "da kao"
    assert search_key("  Bình   Thạnh ") == "binh thanh"
