"""The report 'Báo cáo kết quả N năm thực hiện Kế hoạch số …': the figures on the plan page, the report
page, the DOCX, the XLSX annex and the API agree; the narrative is an editable draft; make_report writes
it; a đề án on resolution study carries its campaigns' figures."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document as Docx
from openpyxl import load_workbook

from neuguong.access.services import api_token_create
from neuguong.commitments import tally
from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.core.dates import local_today
from neuguong.docengine.docformat import format_cell
from neuguong.docengine.xlsx import layout
from neuguong.organizations.models import Agency
from neuguong.plans import report
from neuguong.reports.models import ReportDraft, ReportKind

from .factories import document, make_item, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(tree):
    """A plan running since 31/10 last year, three items, commitments of every status for two heads."""
    from neuguong.plans import services

    today = local_today()
    start = dt.date(today.year - 1, 10, 31)
    plan = services.plan_create(
        actor=tree.staff,
        document=document(tree.root, number=165, issued_on=start),
        title="Thực hiện trách nhiệm nêu gương trong các cơ quan cấp tỉnh",
        organization=tree.root,
        starts_on=start,
        ends_on=dt.date(today.year + 1, 12, 31),
    )
    first = make_item(
        tree, plan, number="1", title="Quán triệt các quy định", deadline=start + dt.timedelta(days=60)
    )
    second = make_item(tree, plan, number="2", title="Người đứng đầu nêu gương", deadline=today)
    sub = make_item(
        tree, plan, number="2.1", title="Đối thoại", parent=second, deadline=today, lead_unit=tree.org_a
    )
    services.plan_put_in_force(actor=tree.staff, plan=plan, on=start)
    Agency.objects.create(code="CQA", name="Sở Tài chính", organization=tree.org_a, head=tree.person_a)
    Agency.objects.create(code="CQB", name="Sở Tư pháp", organization=tree.org_b, head=tree.person_b)
    for i in range(18):
        deadline = start + dt.timedelta(days=20 + i * 17)
        CommitmentFactory(
            organization=(tree.root, tree.org_a, tree.org_b)[i % 3],
            responsible_person=tree.person_a if i % 2 else tree.person_b,
            plan_item=(first, second, sub)[i % 3],
            category="exemplary" if i % 4 else "other",
            deadline=deadline,
            completed_on=deadline + dt.timedelta(days=(i % 4) - 1) if i % 3 else None,
        )
    tally.rebuild(today)
    return plan, (start, start.replace(year=start.year + 1) - dt.timedelta(days=1))


def _api(client, user):
    token = api_token_create(user=user)
    token = token[1] if isinstance(token, tuple) else token
    return lambda url: client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").json()


def test_the_page_the_docx_the_xlsx_and_the_api_agree(tree, reported, client, login):
    plan, (start, end) = reported
    query = f"start={start.isoformat()}&end={end.isoformat()}"
    page = login(tree.staff).get(f"/ke-hoach/{plan.pk}/?{query}").context["progress"].as_dict()
    report_page = client.get(f"/bao-cao/ke-hoach/{plan.pk}/?{query}").context["figures"].progress.as_dict()
    api = _api(client, tree.staff)(f"/api/v1/plans/{plan.pk}/progress?{query}")
    assert page == report_page == api
    assert api["total"] > 0 and api["overdue"] > 0 and api["done"] > 0

    docx = Docx(io.BytesIO(client.get(f"/bao-cao/ke-hoach/{plan.pk}/tai.docx?{query}").content))
    tables = {t.rows[0].cells[1].text: t for t in docx.tables if len(t.rows) > 1}
    items = tables["Nội dung"]
    cells = [[c.text for c in row.cells] for row in items.rows[1:]]
    for row, want in zip(cells, api["items"], strict=False):
        by_status = want["by_status"]
        assert row[0] == want["number"]
        assert row[2:7] == [
            format_cell(want["total"] - by_status["cancelled"] - by_status["suspended"]),
            format_cell(by_status["done_on_time"]),
            format_cell(by_status["done_late"]),
            format_cell(want["open"] - want["overdue"]),
            format_cell(want["overdue"]),
        ]
        assert row[7] == format_cell(want["on_time_rate"])
        assert row[8] == format_cell(want["progress"])
    assert cells[-1][1] == "Toàn kế hoạch" and cells[-1][6] == format_cell(api["overdue"])
    assert cells[-1][7] == format_cell(api["on_time_rate"])

    workbook = load_workbook(io.BytesIO(client.get(f"/bao-cao/ke-hoach/{plan.pk}/tai.xlsx?{query}").content))
    sheet = workbook["PL1 Theo mục"]
    figures = report.plan_report_figures(
        user=tree.staff, plan=plan, start=start, end=end, today=local_today()
    )
    _, first_row, _ = layout(report.annex_sheets(figures)[0])
    rows = list(sheet.iter_rows(min_row=first_row, values_only=True))
    for row, want in zip(rows, api["items"], strict=False):
        assert row[0] == want["number"]
        assert row[5] == want["by_status"]["done_on_time"] and row[6] == want["by_status"]["done_late"]
        assert row[8] == want["overdue"]
    assert rows[len(api["items"])][1] == "Toàn kế hoạch" and rows[len(api["items"])][8] == api["overdue"]
    units = workbook["PL2 Đơn vị chủ trì"]
    _, first_row, totals_row = layout(report.annex_sheets(figures)[1])
    overdue_by_unit = {
        r[1]: r[6] for r in units.iter_rows(min_row=first_row, max_row=totals_row - 1, values_only=True)
    }
    assert overdue_by_unit == {row["label"]: row["overdue"] for row in api["by_lead_unit"]}


def test_the_title_counts_the_years_since_the_plan_started(tree, reported):
    plan, (start, end) = reported
    figures = report.plan_report_figures(
        user=tree.staff, plan=plan, start=start, end=end, today=local_today()
    )
    assert report.report_summary(figures) == (
        f"Kết quả 1 năm thực hiện Kế hoạch số 165-KH/ĐUK ngày {start:%d/%m/%Y} của Ban Thường vụ Đảng ủy Khối "
        "Các cơ quan tỉnh về thực hiện trách nhiệm nêu gương trong các cơ quan cấp tỉnh"
    )
    later = report.plan_report_figures(
        user=tree.staff, plan=plan, start=start + dt.timedelta(days=31), end=end, today=local_today()
    )
    assert "từ" in report.report_summary(later) and "1 năm" not in report.report_summary(later)


def test_the_narrative_is_an_editable_draft_of_the_plans_report(tree, reported, login):
    plan, (start, end) = reported
    client = login(tree.staff)
    url = f"/bao-cao/ke-hoach/{plan.pk}/?start={start.isoformat()}&end={end.isoformat()}"
    response = client.post(
        url,
        {
            "number": "12-BC/ĐUK",
            "n_intro": "Ban Thường vụ đã ban hành kế hoạch.",
            "n_limitations": "Còn chậm.",
            "recipients": "",
        },
    )
    assert response.status_code == 302
    draft = ReportDraft.objects.get(plan=plan)
    assert draft.kind == ReportKind.PLAN and draft.organization == tree.root
    assert draft.narrative["intro"] == "Ban Thường vụ đã ban hành kế hoạch."
    docx = Docx(
        io.BytesIO(client.get(f"/bao-cao/ke-hoach/{plan.pk}/tai.docx?start={start}&end={end}").content)
    )
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "Ban Thường vụ đã ban hành kế hoạch." in text and "Còn chậm." in text
    assert (
        "12-BC/ĐUK"
        in "\n".join(p.text for t in docx.tables for row in t.rows for c in row.cells for p in c.paragraphs)
        + text
    )
    # A secretary reports on her part: her organisation's draft, not the bloc's.
    secretary = login(tree.secretary_a)
    page = secretary.get(url)
    assert page.status_code == 200 and page.context["figures"].issuer == tree.org_a
    assert secretary.post(url, {"n_intro": "Của chi bộ", "number": ""}).status_code == 302
    assert ReportDraft.objects.get(plan=plan, organization=tree.org_a).narrative["intro"] == "Của chi bộ"
    assert ReportDraft.objects.get(plan=plan, organization=tree.root).narrative["intro"] != "Của chi bộ"


def test_outside_the_plan_the_report_is_a_404(tree, reported, login):
    plan, _ = reported
    # The bloc's plan applies to every organisation: outside is organisation A's own plan, for B.
    private = make_plan(tree, organization=tree.org_a, document=document(tree.org_a))
    client = login(tree.secretary_b)
    assert client.get(f"/bao-cao/ke-hoach/{private.pk}/").status_code == 404
    assert client.get(f"/bao-cao/ke-hoach/{private.pk}/tai.docx").status_code == 404
    assert client.post(f"/bao-cao/ke-hoach/{private.pk}/", {"n_intro": "x"}).status_code == 404
    assert login(tree.member_a).get(f"/bao-cao/ke-hoach/{plan.pk}/").status_code == 404


def test_make_report_plan_writes_docx_and_xlsx(tree, reported, tmp_path):
    plan, (start, end) = reported
    for suffix in ("docx", "xlsx"):
        out = tmp_path / f"bao-cao.{suffix}"
        call_command(
            "make_report",
            "plan",
            "--plan",
            str(plan.pk),
            "--from",
            str(start),
            "--to",
            str(end),
            "--out",
            str(out),
        )
        assert out.stat().st_size > 1000
    with pytest.raises(CommandError, match="--plan"):
        call_command(
            "make_report", "plan", "--from", str(start), "--to", str(end), "--out", str(tmp_path / "x.docx")
        )
    with pytest.raises(CommandError, match="Không tìm thấy kế hoạch"):
        call_command(
            "make_report",
            "plan",
            "--plan",
            "999999",
            "--from",
            str(start),
            "--to",
            str(end),
            "--out",
            str(tmp_path / "x.docx"),
        )
    with pytest.raises(CommandError, match="--org"):
        call_command(
            "make_report",
            "commitments",
            "--from",
            str(start),
            "--to",
            str(end),
            "--out",
            str(tmp_path / "x.docx"),
        )


def test_a_project_on_resolution_study_reports_its_campaigns(tree, reported, client):
    from neuguong.study.models import Campaign, Invitee, Session
    from neuguong.study.services import campaign_link_plan_item

    plan, (start, end) = reported
    item = plan.items.get(number="2")
    campaign = Campaign.objects.create(
        title="Học tập Nghị quyết 57", level="bloc", organizer=tree.root, audience_root=tree.root
    )
    Session.objects.create(
        campaign=campaign, title="Quán triệt", held_on=start + dt.timedelta(days=10), place="Hội trường"
    )
    for person in (tree.person_a, tree.person_b):
        Invitee.objects.create(campaign=campaign, person=person, organization=person.organization)
    campaign_link_plan_item(actor=tree.staff, campaign=campaign, plan_item=item)
    figures = report.plan_report_figures(
        user=tree.staff, plan=plan, start=start, end=end, today=local_today()
    )
    (row,) = figures.campaigns
    assert (row.campaign, row.item, row.sessions, row.invited) == (campaign, item, 1, 2)
    workbook = load_workbook(io.BytesIO(_xlsx(client, tree.staff, plan, start, end)))
    assert "PL5 Học tập nghị quyết" in workbook.sheetnames


def _xlsx(client, user, plan, start, end) -> bytes:
    client.force_login(user)
    return client.get(f"/bao-cao/ke-hoach/{plan.pk}/tai.xlsx?start={start}&end={end}").content
