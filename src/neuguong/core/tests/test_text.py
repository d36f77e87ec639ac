import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from neuguong.core.text import fold, normalize_text, search_key


def test_fold_removes_diacritics_case_and_stroked_d():
    assert fold("Nguyễn Nam Đình") == "nguyen nam dinh"
    assert fold("ĐẶNG THỊ ĐÀO") == "dang thi dao"


def test_fold_is_identical_for_nfc_and_nfd_input():
    name = "Trần Thị Thủy Đức"
    assert fold(unicodedata.normalize("NFD", name)) == fold(unicodedata.normalize("NFC", name))


def test_normalize_text_stores_nfc_and_folds_spaces():
    assert normalize_text("  Lê \t Thị\u00a0 Hoa ") == "Lê Thị Hoa"
    assert normalize_text(unicodedata.normalize("NFD", "Lê Thị Hoa")) == unicodedata.normalize(
        "NFC", "Lê Thị Hoa"
    )


def test_search_key_cuts_huge_queries():
    assert len(search_key("a" * 10_000)) == 100


@given(st.text())
def test_fold_is_idempotent_and_has_no_combining_marks(value):
    folded = fold(value)
    assert fold(folded) == folded
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", folded))


# An oracle written from the Vietnamese alphabet, not from Unicode's decomposition: each letter with its
# five tones (and the base letters ă â ê ô ơ ư đ) folds to its plain Latin letter.
_VIETNAMESE = {
    "a": "aàáảãạăằắẳẵặâầấẩẫậ",
    "d": "dđ",
    "e": "eèéẻẽẹêềếểễệ",
    "i": "iìíỉĩị",
    "o": "oòóỏõọôồốổỗộơờớởỡợ",
    "u": "uùúủũụưừứửữự",
    "y": "yỳýỷỹỵ",
}
_ORACLE = {letter: plain for plain, letters in _VIETNAMESE.items() for letter in letters}
_ORACLE |= {letter.upper(): plain for letter, plain in _ORACLE.items()}
_ALPHABET = "".join(_ORACLE) + "bcghklmnpqrstvxBCGHKLMNPQRSTVX \t\u00a0"


def _oracle_fold(value: str) -> str:
    plain = "".join(_ORACLE.get(ch, ch.lower()) for ch in value)
    return " ".join(plain.split())


@given(st.text(alphabet=_ALPHABET, max_size=30), st.sampled_from(["NFC", "NFD"]))
def test_fold_is_the_vietnamese_alphabet_without_tones_case_or_extra_spaces(value, form):
    assert fold(unicodedata.normalize(form, value)) == _oracle_fold(value)
