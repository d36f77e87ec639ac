import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuguong.core.errors import BusinessError
from neuguong.documents.numbers import (
    ABBREVIATION,
    MSG_NUMBER_FORMAT,
    MSG_TYPE_MISMATCH,
    MSG_UNKNOWN_TYPE,
    DocumentNumber,
    DocumentType,
    check_type,
    format_number,
    parse_number,
    types_for_abbreviation,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("165-KH/ĐUK", DocumentNumber(165, "KH", "ĐUK")),
        ("08-QĐi/TW", DocumentNumber(8, "QĐi", "TW")),
        ("3255-QĐ/TU", DocumentNumber(3255, "QĐ", "TU")),
        (" 06 - CTr / TU ", DocumentNumber(6, "CTr", "TU")),
        ("07-đa/tu", DocumentNumber(7, "ĐA", "TU")),
    ],
)
def test_party_document_numbers_are_parsed(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw", ["", "165/ĐUK", "KH-165/ĐUK", "165-KH", "165-KH/", "abc"])
def test_malformed_numbers_are_refused(raw):
    with pytest.raises(BusinessError) as exc:
        parse_number(raw)
    assert exc.value.message == MSG_NUMBER_FORMAT


def test_unknown_abbreviation_is_refused():
    with pytest.raises(BusinessError) as exc:
        parse_number("12-XY/TU")
    assert exc.value.message == MSG_UNKNOWN_TYPE.format(abbr="XY")


def test_qd_is_ambiguous_so_the_type_is_chosen():
    assert set(types_for_abbreviation("QĐ")) == {DocumentType.DECISION, DocumentType.REGULATION_QD}
    parsed = parse_number("3255-QĐ/TU")
    check_type(parsed, DocumentType.DECISION)
    check_type(parsed, DocumentType.REGULATION_QD)
    with pytest.raises(BusinessError) as exc:
        check_type(parsed, DocumentType.REGULATION)
    assert exc.value.message == MSG_TYPE_MISMATCH.format(abbr="QĐ", label="Quy định", expected="QĐi")


@given(
    number=st.integers(min_value=1, max_value=999999),
    doc_type=st.sampled_from(list(DocumentType)),
    issuer=st.sampled_from(["TW", "TU", "ĐUK", "HU", "ĐU", "CB"]),
)
def test_format_then_parse_round_trips(number, doc_type, issuer):
    text = format_number(number, ABBREVIATION[doc_type], issuer)
    parsed = parse_number(text)
    assert (parsed.number, parsed.abbreviation, parsed.issuer) == (number, ABBREVIATION[doc_type], issuer)
    check_type(parsed, doc_type)


@given(st.text(max_size=40))
def test_parser_never_crashes_on_any_text(raw):
    try:
        parsed = parse_number(raw)
    except BusinessError:
        return
    assert parsed.number >= 1
