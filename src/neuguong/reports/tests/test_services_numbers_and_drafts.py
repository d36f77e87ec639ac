import datetime as dt

import pytest

from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.documents.models import Document
from neuguong.documents.numbers import DocumentType
from neuguong.reports.models import ReportDraft
from neuguong.reports.periods import (
    MSG_PERIOD_REVERSED,
    custom_period,
    half_period,
    quarter_period,
    year_period,
)
from neuguong.reports.services import MSG_TEXT_TOO_LONG, draft_save, propose_number


def _document(tree, number: int, on: dt.date, doc_type=DocumentType.REPORT) -> Document:
    return Document.objects.create(
        organization=tree.root,
        doc_type=doc_type,
        number=number,
        issuer="ĐUK",
        term_key=str(on.year),
        issued_on=on,
        summary="Báo cáo",
    )


def test_next_report_number_comes_from_the_register(tree):
    _document(tree, 12, dt.date(2026, 3, 1))
    _document(tree, 40, dt.date(2026, 3, 1), doc_type=DocumentType.PLAN)
    _document(tree, 99, dt.date(2025, 3, 1))
    proposed = propose_number(tree.root, dt.date(2026, 4, 7))
    assert proposed.number == "13-BC/ĐUK" and "năm 2026" in proposed.note


def test_first_report_of_the_year_is_number_01(tree):
    assert propose_number(tree.root, dt.date(2026, 1, 2)).number == "01-BC/ĐUK"


def test_draft_keeps_only_the_sections_of_its_kind(tree):
    period = year_period(2026)
    draft = draft_save(
        actor=tree.secretary_a,
        organization=tree.org_a,
        kind="tasks",
        period=period,
        narrative={"intro": " Chỉ đạo ", "notable_examples": "not a tasks section"},
    )
    assert draft.narrative == {"intro": "Chỉ đạo", "limitations": "", "next_steps": ""}
    again = draft_save(
        actor=tree.secretary_a, organization=tree.org_a, kind="tasks", period=period, narrative={}
    )
    assert again.pk == draft.pk and ReportDraft.objects.count() == 1


def test_draft_refuses_outsiders_and_overlong_text(tree):
    period = year_period(2026)
    with pytest.raises(OutOfScope):
        draft_save(actor=tree.secretary_b, organization=tree.org_a, kind="tasks", period=period, narrative={})
    with pytest.raises(OutOfScope):
        draft_save(actor=tree.inspector_a, organization=tree.org_a, kind="tasks", period=period, narrative={})
    with pytest.raises(BusinessError) as err:
        draft_save(
            actor=tree.secretary_a,
            organization=tree.org_a,
            kind="tasks",
            period=period,
            narrative={"intro": "x" * 20_001},
        )
    assert err.value.message == MSG_TEXT_TOO_LONG


def test_named_periods_and_their_labels():
    assert quarter_period(2026, 2) == custom_period(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert quarter_period(2026, 4).end == dt.date(2026, 12, 31)
    assert half_period(2026, 2).label == "6 tháng cuối năm 2026"
    assert custom_period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)).label == "năm 2026"
    assert (
        custom_period(dt.date(2026, 1, 5), dt.date(2026, 2, 1)).label
        == "từ ngày 05/01/2026 đến ngày 01/02/2026"
    )
    with pytest.raises(BusinessError) as err:
        custom_period(dt.date(2026, 2, 1), dt.date(2026, 1, 1))
    assert err.value.message == MSG_PERIOD_REVERSED
