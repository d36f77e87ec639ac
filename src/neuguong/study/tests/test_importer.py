"""The question-bank importer: every row is checked before anything is written (hypothesis for the parser)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuguong.study import importer, services
from neuguong.study.models import Question

from .factories import make_campaign, question_rows, xlsx_bytes

HEADER = ("Câu hỏi", "A", "B", "C", "D", "Đáp án")
text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=0, max_size=30
)
answer = st.sampled_from(["A", "B", "C", "D", "a", "A,C", "B; D", "E", "", "1", "AB"])
row = st.tuples(text, text, text, text, text, answer)


@given(st.lists(row, max_size=30))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_row_becomes_a_question_or_an_error_never_both(rows):
    result = importer.parse_question_rows([HEADER, *rows])
    rows_with_errors = {int(e.split(":")[0].split()[1]) for e in result.errors if e.startswith("Dòng ")}
    imported_rows = {q.row for q in result.questions}
    assert not rows_with_errors & imported_rows
    for question in result.questions:
        assert question.text
        assert len(question.options) >= 2 and all(question.options)
        assert question.correct and all(0 <= i < len(question.options) for i in question.correct)


@given(st.lists(row, max_size=30))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_row_without_an_answer_is_always_reported(rows):
    rows = [*rows, ("Câu thiếu đáp án?", "Có", "Không", "", "", "")]
    result = importer.parse_question_rows([HEADER, *rows])
    assert importer.ROW_NO_ANSWER.format(row=len(rows) + 1) in result.errors


def test_answer_letters_map_to_options():
    result = importer.parse_question_rows([HEADER, ("Câu 1?", "x", "y", "z", "", "b, c")])
    assert result.questions[0].correct == [1, 2]
    result = importer.parse_question_rows([HEADER, ("Câu 1?", "x", "y", "", "", "C")])
    assert result.errors == [importer.ROW_BAD_ANSWER.format(row=2, value="C")]


def test_a_bad_header_is_reported():
    assert importer.parse_question_rows([("Nội dung", "Phương án")]).errors == [importer.MSG_HEADER]


@pytest.mark.django_db
def test_import_writes_nothing_when_one_question_lacks_its_answer(tree):
    campaign = make_campaign(tree.staff, tree.root)
    rows = [*question_rows(4), ("Câu thứ năm?", "Có", "Không", "", "", "")]
    with pytest.raises(services.QuestionImportError) as exc:
        services.questions_import(actor=tree.staff, campaign=campaign, content=xlsx_bytes(rows))
    assert exc.value.message == services.MSG_QUESTIONS_IMPORT
    assert exc.value.errors == ["Dòng 6: thiếu đáp án đúng."]
    assert not Question.objects.exists()
    assert (
        services.questions_import(actor=tree.staff, campaign=campaign, content=xlsx_bytes(question_rows(4)))
        == 4
    )


@pytest.mark.django_db
def test_a_file_that_is_not_a_workbook_is_refused(tree):
    campaign = make_campaign(tree.staff, tree.root)
    with pytest.raises(services.BusinessError) as exc:
        services.questions_import(actor=tree.staff, campaign=campaign, content=b"%PDF-1.4 not excel")
    assert exc.value.message == importer.MSG_NOT_XLSX


@pytest.mark.django_db
def test_only_the_organiser_imports_questions(tree):
    campaign = make_campaign(tree.staff, tree.root)
    with pytest.raises(services.OutOfScope):
        services.questions_import(
            actor=tree.secretary_a, campaign=campaign, content=xlsx_bytes(question_rows(2))
        )
