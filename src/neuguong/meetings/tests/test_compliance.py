"""The compliance report: one selector read by the page, the DOCX, the XLSX and the API (same figures)."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from neuguong.access.services import api_token_create
from neuguong.commitments import services as commitments
from neuguong.commitments.models import Commitment
from neuguong.docengine.docformat import document_text
from neuguong.meetings import rules, services
from neuguong.meetings.exports import compliance_docx
from neuguong.meetings.selectors import compliance

from .factories import at

pytestmark = pytest.mark.django_db

YEAR = 2025
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _meeting(
    actor,
    org,
    day: dt.date,
    *,
    late: bool = False,
    kind: str = "regular",
    minutes: int = 100,
    present=(),
    excused=(),
):
    meeting = services.meeting_plan(
        actor=actor,
        organization=org,
        kind=kind,
        starts_at=at(day),
        topic="Sinh hoạt thường kỳ",
        place="Phòng họp",
    )
    announce_on = meeting.schedule_due_on + dt.timedelta(days=3 if late else -1)
    services.meeting_announce(actor=actor, meeting=meeting, now=at(announce_on, 9))
    return _hold(actor, meeting, minutes=minutes, present=present, excused=excused)


def _hold(actor, meeting, *, minutes: int, present=(), excused=()):
    end = meeting.starts_at + dt.timedelta(minutes=minutes)
    meeting = services.meeting_hold(actor=actor, meeting=meeting, ended_at=end, now=end)
    marks = {p.pk: ("present", "") for p in present} | {p.pk: ("excused", "Ốm") for p in excused}
    services.attendance_mark(actor=actor, meeting=meeting, marks=marks, now=end)
    return meeting


@pytest.fixture
def year(tree):
    a = tree.secretary_a
    january = _meeting(a, tree.branch_a, dt.date(YEAR, 1, 9), present=[tree.person_a, tree.person_a2])
    services.document_add(
        actor=a,
        meeting=january,
        title="Dự thảo",
        upload=SimpleUploadedFile("a.pdf", PDF),
        now=at(dt.date(YEAR, 1, 7)),
    )
    _meeting(
        a,
        tree.branch_a,
        dt.date(YEAR, 2, 12),
        late=True,
        minutes=80,
        present=[tree.person_a],
        excused=[tree.person_a2],
    )
    march = services.meeting_plan(
        actor=a,
        organization=tree.branch_a,
        kind="regular",
        starts_at=at(dt.date(YEAR, 3, 27)),
        topic="Tháng 3",
        place="P",
    )
    services.meeting_announce(actor=a, meeting=march, now=at(dt.date(YEAR, 2, 18)))
    replacement = services.meeting_postpone(
        actor=a,
        meeting=march,
        reason="Bão",
        new_starts_at=at(dt.date(YEAR, 4, 2)),
        now=at(dt.date(YEAR, 3, 26)),
    )
    services.meeting_announce(actor=a, meeting=replacement, now=at(dt.date(YEAR, 3, 30)))
    _hold(a, replacement, minutes=95, present=[tree.person_a, tree.person_a2])
    _meeting(a, tree.branch_a, dt.date(YEAR, 4, 20), kind="combined", minutes=125, present=[tree.person_a])
    items = services.resolution_items_add(
        actor=a,
        meeting=january,
        items=[
            {
                "title": "Việc xong muộn",
                "responsible_person": tree.person_a,
                "deadline": dt.date(YEAR, 2, 28),
            },
            {"title": "Việc còn dở", "responsible_person": tree.person_a2, "deadline": dt.date(YEAR, 2, 28)},
        ],
    )
    late = Commitment.objects.get(source_id=items[0].pk, source_kind="meeting")
    commitments.commitment_complete(actor=a, commitment=late, completed_on=dt.date(YEAR, 3, 5))
    _meeting(tree.secretary_b, tree.org_b, dt.date(YEAR, 1, 15), present=[tree.person_b])
    return compliance(organization=tree.root, year=YEAR)


def test_each_chi_bo_month_by_month_held_postponed_missing(tree, year):
    rows = {row.organization.code: row for row in year.rows}
    assert list(rows) == ["A1", "B"]  # the chi bộ only, in tree order
    a = rows["A1"]
    assert a.cells[:5] == ["held", "held", "held_late", "held", "missing"]
    assert a.cells[5:] == ["missing"] * 7
    assert (a.held, a.postponed, a.missing, a.thematic) == (3, 1, 8, 1)
    assert (a.meetings_held, a.short, a.announcements, a.announcements_late) == (4, 1, 4, 1)
    assert (a.expected, a.present, a.attendance_rate) == (8, 6, 75.0)
    assert (a.documents, a.documents_late) == (1, 0)
    assert a.items["done_late"] == 1 and a.items["open_overdue"] == 1 and a.items_on_time_rate == 0.0
    assert rows["B"].cells == ["held"] + ["missing"] * 11
    assert year.month_totals[0] == {"held": 2, "postponed": 0, "missing": 0}
    assert year.month_totals[2] == {"held": 0, "postponed": 1, "missing": 1}
    assert (year.totals.held, year.totals.postponed, year.totals.missing) == (4, 1, 19)


def test_page_docx_xlsx_and_api_show_the_same_figures(tree, year, client, login):
    url = f"{reverse('meetings:compliance')}?org=DUK&year={YEAR}"
    page = login(tree.staff).get(url)
    report = page.context["report"]
    assert report.month_totals == year.month_totals
    html = page.content.decode()
    assert "4</strong> lượt chi bộ họp đúng tháng" in html and "<strong>19</strong> lượt không họp" in html
    # XLSX: PL1's totals rows, PL2's figures by chi bộ.
    workbook = load_workbook(
        io.BytesIO(login(tree.staff).get(url.replace("tuan-thu/", "tuan-thu/phu-luc.xlsx")).content)
    )
    months = workbook["PL1 Theo tháng"]
    values = [[c.value for c in row] for row in months.iter_rows(min_row=4)]
    by_label = {row[0]: row[1:13] for row in values if row and row[0]}
    assert by_label["Số chi bộ đã họp"] == [t["held"] for t in year.month_totals]
    assert by_label["Số chi bộ không họp"] == [t["missing"] for t in year.month_totals]
    assert by_label["Chi bộ Phòng Ngân sách"][:5] == ["✓", "✓", "H✓", "✓", "✗"]
    figures = {
        row[0].value: [c.value for c in row[1:]]
        for row in workbook["PL2 Chỉ số"].iter_rows(min_row=4)
        if row[0].value
    }
    assert figures["Chi bộ Phòng Ngân sách"][:6] == [3, 1, 8, 1, 8, 6]
    # DOCX: the same totals in words and tables.
    text = document_text(compliance_docx(year))
    assert "4 lượt chi bộ sinh hoạt thường kỳ đúng tháng, 1 lượt hoãn, 19 lượt không sinh hoạt" in text
    assert "Tỷ lệ đảng viên có mặt: 77,8 %" in text  # (6 + 1) / (8 + 1)
    assert "Thông báo lịch muộn: 1/5 buổi" in text
    # API: the counts per month equal the page's.
    raw = api_token_create(user=tree.staff)
    response = client.get(
        f"/api/v1/meetings/compliance?org=DUK&year={YEAR}", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 200
    body = response.json()
    assert [{k: m[k] for k in ("held", "postponed", "missing")} for m in body["months"]] == year.month_totals
    assert body["rows"][0]["months"] == year.rows[0].cells
    assert body["totals"]["items"]["done_late"] == 1 and body["count"] == 2


def test_the_report_is_scoped_like_everything_else(tree, year, login):
    assert (
        login(tree.secretary_b).get(f"{reverse('meetings:compliance')}?org=A&year={YEAR}").status_code == 404
    )
    page = login(tree.secretary_a).get(f"{reverse('meetings:compliance')}?org=A&year={YEAR}")
    assert [row.organization.code for row in page.context["report"].rows] == ["A1"]
    assert login(tree.member_a).get(reverse("meetings:compliance")).status_code == 404
    assert login(tree.secretary_b).get(f"{reverse('meetings:compliance_xlsx')}?org=A").status_code == 404


def test_a_postponed_month_whose_meeting_never_came_becomes_missing():
    facts = rules.MonthFacts(postponed=True)
    month = dt.date(2025, 3, 1)
    assert rules.month_cell(facts, month=month, today=dt.date(2025, 4, 10)) == "postponed"
    assert rules.month_cell(facts, month=month, today=dt.date(2025, 5, 1)) == "missing"
    assert (
        rules.month_cell(
            rules.MonthFacts(postponed=True, upcoming=True), month=month, today=dt.date(2025, 6, 1)
        )
        == "postponed"
    )
    assert (
        rules.month_cell(rules.MonthFacts(upcoming=True), month=month, today=dt.date(2025, 3, 31))
        == "scheduled"
    )
    assert rules.month_cell(rules.MonthFacts(), month=month, today=dt.date(2025, 3, 31)) == "none"


def test_the_report_takes_a_fixed_number_of_queries(tree, year, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        compliance(organization=tree.root, year=YEAR)
