"""Titles are said once: no doubled words where a lead meets a typed name, nor after the document type."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuguong.docengine.docformat import PartyDocument, document_text, render_party_document
from neuguong.docengine.titles import clean_summary, doubled_phrases, join_title


@pytest.mark.parametrize(
    ("lead", "tail", "joined"),
    [
        ("về việc kiểm tra", "Kiểm tra việc thực hiện", "về việc kiểm tra việc thực hiện"),
        ("về việc giám sát", "Giám sát chuyên đề việc A", "về việc giám sát chuyên đề việc A"),
        ("về việc kiểm tra", "Thực hiện Nghị quyết 57", "về việc kiểm tra thực hiện Nghị quyết 57"),
        (
            "Kết quả học tập, quán triệt",
            "Học tập, quán triệt Nghị quyết",
            "Kết quả học tập, quán triệt nghị quyết",
        ),
    ],
)
def test_join_title_says_the_meeting_words_once(lead, tail, joined):
    assert join_title(lead, tail) == joined


def test_join_title_keeps_a_capital_when_asked():
    assert join_title("Kết quả học tập, quán triệt", "Nghị quyết số 57-NQ/TW", lower_first=False) == (
        "Kết quả học tập, quán triệt Nghị quyết số 57-NQ/TW"
    )


@pytest.mark.parametrize(
    ("doc_type", "summary", "clean"),
    [
        ("QUYẾT ĐỊNH", "Quyết định quyết định về việc kiểm tra", "về việc kiểm tra"),
        ("THÔNG BÁO", "Thông báo thông báo kết luận kiểm tra", "Kết luận kiểm tra"),
        ("BÁO CÁO", "Báo cáo kết quả thực hiện", "Kết quả thực hiện"),
        (
            "BÁO CÁO",
            "Kết quả học tập, quán triệt học tập, quán triệt Nghị quyết",
            "Kết quả học tập, quán triệt Nghị quyết",
        ),
        (
            "BÁO CÁO",
            "Kết quả thực hiện trách nhiệm nêu gương năm 2026",
            "Kết quả thực hiện trách nhiệm nêu gương năm 2026",
        ),
    ],
)
def test_a_summary_does_not_repeat_its_type_nor_any_phrase(doc_type, summary, clean):
    assert clean_summary(doc_type, summary) == clean


words = st.sampled_from(["quyết", "định", "Quyết", "kiểm", "tra", "việc", "thông", "báo", "về", "A,", "–"])


@given(doc_type=st.sampled_from(["QUYẾT ĐỊNH", "THÔNG BÁO", "BÁO CÁO"]), summary=st.lists(words, max_size=14))
def test_no_cleaned_summary_has_a_doubled_phrase_or_starts_with_its_type(doc_type, summary):
    clean = clean_summary(doc_type, " ".join(summary))
    assert doubled_phrases(clean) == []
    assert (
        not clean.casefold().startswith(doc_type.casefold() + " ") and clean.casefold() != doc_type.casefold()
    )


def test_the_document_prints_the_cleaned_summary_under_its_type():
    spec = PartyDocument(
        issuing_body="Chi bộ A",
        doc_type="QUYẾT ĐỊNH",
        summary="Quyết định về việc kiểm tra kiểm tra việc thực hiện nhiệm vụ",
        issued_on=dt.date(2026, 4, 7),
    )
    lines = document_text(render_party_document(spec)).splitlines()
    assert lines[lines.index("QUYẾT ĐỊNH") + 1] == "về việc kiểm tra việc thực hiện nhiệm vụ"
