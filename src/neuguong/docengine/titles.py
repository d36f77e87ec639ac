"""Document titles said once: no "QUYẾT ĐỊNH / Quyết định …", no "về việc kiểm tra kiểm tra việc …".

A title is often built from a lead ("về việc kiểm tra") and a name a user typed ("Kiểm tra việc thực hiện
…"); the words where the two meet are said once (`join_title`), a summary does not start with its
document type again, and a phrase of up to four words is never said twice in a row (`clean_summary`).
"""

from __future__ import annotations

_PUNCTUATION = ",.;:!?()[]\"'“”«»"
MAX_PHRASE_WORDS = 4


def _key(word: str) -> str:
    return word.strip(_PUNCTUATION).casefold()


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def join_title(lead: str, tail: str, *, lower_first: bool = True) -> str:
    """`lead` then `tail`, the words that end the lead and begin the tail said once:
    join_title("về việc kiểm tra", "Kiểm tra việc thực hiện") == "về việc kiểm tra việc thực hiện"."""
    lead_words, tail_words = lead.split(), tail.split()
    for size in range(min(len(lead_words), len(tail_words)), 0, -1):
        if [_key(w) for w in lead_words[-size:]] == [_key(w) for w in tail_words[:size]]:
            tail_words = tail_words[size:]
            break
    rest = " ".join(tail_words)
    if lower_first and lead_words:
        rest = _lower_first(rest)
    return " ".join(part for part in (" ".join(lead_words), rest) if part)


def doubled_phrases(text: str) -> list[str]:
    """Phrases of one to four words said twice in a row ('quyết định quyết định'), as found."""
    words = text.split()
    found = []
    for size in range(1, MAX_PHRASE_WORDS + 1):
        for i in range(len(words) - 2 * size + 1):
            first, second = words[i : i + size], words[i + size : i + 2 * size]
            if [_key(w) for w in first] == [_key(w) for w in second] and all(_key(w) for w in first):
                found.append(" ".join(first + second))
    return found


def _collapse(words: list[str]) -> list[str]:
    changed = True
    while changed:
        changed = False
        for size in range(MAX_PHRASE_WORDS, 0, -1):
            for i in range(len(words) - 2 * size + 1):
                first, second = words[i : i + size], words[i + size : i + 2 * size]
                if [_key(w) for w in first] == [_key(w) for w in second] and all(_key(w) for w in first):
                    words = words[: i + size] + words[i + 2 * size :]
                    changed = True
                    break
            if changed:
                break
    return words


def clean_summary(doc_type: str, summary: str) -> str:
    """The summary under a document type, without the type said again at its start and without a
    phrase said twice in a row: ("QUYẾT ĐỊNH", "Quyết định về việc …") → "về việc …",
    ("BÁO CÁO", "Báo cáo kết quả …") → "Kết quả …"."""
    words = _collapse(summary.split())
    type_words = [_key(w) for w in doc_type.split()]
    if type_words and [_key(w) for w in words[: len(type_words)]] == type_words:
        words = words[len(type_words) :]
        if words and _key(words[0]) != "về":  # "về việc …" stays as written under QUYẾT ĐỊNH
            words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)
