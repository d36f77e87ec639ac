"""Text normalisation for Vietnamese: storage in NFC, search keys without diacritics or case."""

import re
import unicodedata

# Unicode does not decompose đ/Đ (U+0111/U+0110) into d + a mark, so it is mapped by hand.
_STROKED = str.maketrans({"đ": "d", "Đ": "D"})
_SPACES = re.compile(r"\s+")


def normalize_text(value: str) -> str:
    """NFC, trimmed, inner runs of white space folded to one space: how names are stored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value or "")).strip()


def fold(value: str) -> str:
    """Search key: lower case, no diacritics, đ→d, single spaces. Identical for NFC and NFD input."""
    decomposed = unicodedata.normalize("NFD", (value or "").translate(_STROKED))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.translate(_STROKED)).strip().casefold()


MAX_QUERY_LENGTH = 100


def without_nul(value: str) -> str:
    """Typed input as a database can compare it: PostgreSQL refuses NUL characters outright."""
    return (value or "").replace("\x00", "")


def search_key(query: str) -> str:
    """A user's search query folded and cut to a sane length (a 10,000-character query is not an error)."""
    return fold(without_nul(query)[: MAX_QUERY_LENGTH * 4])[:MAX_QUERY_LENGTH]
