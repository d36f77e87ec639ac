"""Text normalisation for Vietnamese: storage in NFC, search keys without diacritics or case."""

import re
import unicodedata

# Unicode does not decompose đ/Đ (U+0111/U+0110) into d + a mark, so it is mapped by hand.
_STROKED = str.maketrans({"đ": "d", "Đ": "D"})
_SPACES = re.compile(r"\s+")
# Characters that print as nothing: zero-width space/joiners, word joiner, BOM, soft hyphen, bidi controls.
# "1000\u200b2502" looked like 10002502 and passed as a new card number beside it.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def strip_invisible(value: str) -> str:
    return _INVISIBLE.sub("", value or "")


def normalize_text(value: str) -> str:
    """NFC, invisible characters removed, trimmed, inner runs of white space folded to one space: how names
    are stored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", strip_invisible(value))).strip()


def normalize_code(value: str) -> str:
    """A code or number (organisation code, card number, CCCD): NFKC (full-width digits become digits),
    no invisible characters, no white space at all."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", strip_invisible(value)))


def fold(value: str) -> str:
    """Search key: lower case, no diacritics, đ→d, single spaces. Identical for NFC and NFD input."""
    decomposed = unicodedata.normalize("NFD", strip_invisible(value).translate(_STROKED))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.translate(_STROKED)).strip().casefold()


MAX_QUERY_LENGTH = 100


def without_nul(value: str) -> str:
    """Typed input as a database can compare it: PostgreSQL refuses NUL characters outright."""
    return (value or "").replace("\x00", "")


def search_key(query: str) -> str:
    """A user's search query folded and cut to a sane length (a 10,000-character query is not an error)."""
    return fold(without_nul(query)[: MAX_QUERY_LENGTH * 4])[:MAX_QUERY_LENGTH]
