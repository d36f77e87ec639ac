import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from neuguong.access.services import api_token_create
from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.core.dates import local_today
from neuguong.docengine import docformat
from neuguong.docengine.docformat import document_text
from neuguong.reports.models import ReportDraft, ReportJob, ReportTemplate
from neuguong.reports.periods import MSG_PERIOD_REVERSED

YEAR = local_today().year
Q = f"start={YEAR}-01-01&end={YEAR}-12-31"


@pytest.fixture
def data(tree):
    today = local_today()
    a, b = tree.person_a, tree.person_b
    past = today - dt.timedelta(days=3)
    made = [
        CommitmentFactory(responsible_person=a, deadline=past, completed_on=past, category="exemplary"),
        CommitmentFactory(responsible_person=a, deadline=past, completed_on=today, category="exemplary"),
        CommitmentFactory(responsible_person=a, deadline=past, category="political"),
        CommitmentFactory(responsible_person=b, deadline=past, lead_unit=tree.org_b),
        CommitmentFactory(responsible_person=b, deadline=today, lead_unit=tree.org_b),
    ]
    # Keep every deadline inside this calendar year, whatever day the tests run.
    for c in made:
        if c.deadline.year != YEAR:
            c.deadline = c.original_deadline = dt.date(YEAR, 1, 1)
            c.completed_on = dt.date(YEAR, 1, 1) if c.completed_on else None
            c.save()
    return made


def _detail(kind="commitments", code="DUK"):
    return reverse("reports:detail", kwargs={"kind": kind, "code": code}) + "?" + Q


def _download(fmt, kind="commitments", code="DUK"):
    return reverse("reports:download", kwargs={"kind": kind, "code": code, "fmt": fmt}) + "?" + Q


# ---------------------------------------------------------------------------------------- scope matrix
MATRIX = [
    ("staff", "DUK", 200),
    ("staff", "B", 200),
    ("secretary_a", "A", 200),
    ("secretary_a", "A1", 200),
    ("secretary_a", "B", 404),
    ("secretary_a", "DUK", 404),
    ("inspector_a", "A", 200),
    ("inspector_a", "B", 404),
    ("member_a", "A1", 404),
    ("outsider", "A", 404),
]


@pytest.mark.parametrize(("who", "code", "status"), MATRIX)
@pytest.mark.parametrize("page", ["detail", "docx", "xlsx", "dashboard", "templates", "api"])
def test_role_by_subtree_matrix(client, tree, data, who, code, status, page):
    user = getattr(tree, who)
    if page == "api":
        token = api_token_create(user=user)
        response = client.get(f"/api/v1/reports/figures?org={code}&{Q}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == status
        return
    client.force_login(user)
    url = {
        "detail": _detail(code=code),
        "docx": _download("docx", code=code),
        "xlsx": _download("xlsx", code=code),
        "dashboard": reverse("reports:dashboard", kwargs={"code": code}) + "?" + Q,
        "templates": reverse("reports:templates", kwargs={"code": code}),
    }[page]
    assert client.get(url).status_code == status


def _token(user) -> str:
    return api_token_create(user=user)


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(_detail())
    assert response.status_code == 302 and response["Location"].startswith(reverse("access:login"))


def test_inspector_can_read_but_not_save_a_draft(client, tree, data):
    client.force_login(tree.inspector_a)
    assert client.post(_detail(code="A"), {"signing_authority": "T/M"}).status_code == 404
    assert not ReportDraft.objects.exists()


# --------------------------------------------------------------------------------------- one truth
def _numbers_from_docx_table(data: bytes, caption: str) -> list[list[str]]:
    """The cells of the table printed under `caption` in a DOCX."""
    from docx import Document
    from docx.table import Table

    items = list(Document(io.BytesIO(data)).iter_inner_content())
    for i, item in enumerate(items):
        if not isinstance(item, Table) and item.text == caption:
            table = next(t for t in items[i + 1 :] if isinstance(t, Table))
            return [[cell.text for cell in row.cells] for row in table.rows]
    raise AssertionError(caption)


def test_dashboard_report_annex_and_api_answer_the_same_figures(client, tree, data):
    client.force_login(tree.staff)
    token = _token(tree.staff)
    api = client.get(f"/api/v1/reports/figures?org=DUK&{Q}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    totals = api["totals"]
    assert totals["total"] == 5 and totals["by_status"]["done_on_time"] == 1

    page = client.get(reverse("reports:dashboard", kwargs={"code": "DUK"}) + "?" + Q).content.decode()
    for code, n in totals["by_status"].items():
        assert re.search(rf'data-status="{code}">{n}<', page), code
    assert f"data-total>{totals['total']}<" in page

    docx_rows = _numbers_from_docx_table(
        client.get(_download("docx")).content, "Bảng 1. Cam kết, nhiệm vụ theo trạng thái"
    )
    docx_counts = {row[1]: int(row[2].replace(".", "")) for row in docx_rows[1:-1]}
    from neuguong.commitments.status import STATUS_LABELS

    assert docx_counts == {STATUS_LABELS[c]: n for c, n in totals["by_status"].items()}
    assert docx_rows[-1][2] == str(totals["total"])

    wb = load_workbook(io.BytesIO(client.get(_download("xlsx")).content))
    ws = wb["PL1 Tổ chức trực thuộc"]
    first = 1 + next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "STT")
    header = [c.value for c in ws[first - 1]]
    by_child_api = {row["label"]: row for row in api["by_child"]}
    for r in range(first, ws.max_row):
        label = ws.cell(row=r, column=2).value
        if label in by_child_api:
            total_col = header.index("Tổng số") + 1
            assert ws.cell(row=r, column=total_col).value == by_child_api[label]["total"]
            for code, n in by_child_api[label]["by_status"].items():
                assert ws.cell(row=r, column=header.index(STATUS_LABELS[code]) + 1).value == n
    tasks = load_workbook(io.BytesIO(client.get(_download("xlsx", kind="tasks")).content))[
        "PL1 Đơn vị chủ trì"
    ]
    unit = next(row for row in api["by_lead_unit"] if row["label"] == tree.org_b.name)
    unit_row = next(
        r for r in range(1, tasks.max_row + 1) if tasks.cell(row=r, column=2).value == tree.org_b.name
    )
    assert [tasks.cell(row=unit_row, column=c).value for c in range(3, 8)] == [
        unit["total"] - unit["by_status"]["cancelled"] - unit["by_status"]["suspended"],
        unit["gov"]["done_on_time"],
        unit["gov"]["done_late"],
        unit["gov"]["open_on_time"],
        unit["gov"]["open_overdue"],
    ]


def test_annex_totals_match_the_sum_of_rows(client, tree, data):
    client.force_login(tree.staff)
    ws = load_workbook(io.BytesIO(client.get(_download("xlsx")).content))["PL1 Tổ chức trực thuộc"]
    header_row = next(r for r in range(1, 8) if ws.cell(row=r, column=1).value == "STT")
    totals_row = next(
        r for r in range(header_row, ws.max_row + 1) if ws.cell(row=r, column=1).value == "Tổng cộng"
    )
    formula = ws.cell(row=totals_row, column=3).value
    assert formula == f"=SUM(C{header_row + 1}:C{totals_row - 1})"


# --------------------------------------------------------------------------------------- documents
def test_commitments_report_is_a_party_document_with_the_draft_text(client, tree, data):
    client.force_login(tree.staff)
    response = client.post(
        _detail(),
        {
            "signing_authority": "T/M BAN THƯỜNG VỤ",
            "signer_position": "Phó Bí thư",
            "signer_name": "Trần Văn Bình",
            "recipients": "Ban Thường vụ Tỉnh ủy\nLưu Văn phòng",
            "n_notable_examples": "Đồng chí Nguyễn Nam Đình hoàn thành sớm các cam kết.",
        },
    )
    assert response.status_code == 302
    text = document_text(client.get(_download("docx")).content)
    lines = text.splitlines()
    assert lines[:3] == ["ĐẢNG BỘ TỈNH NGHỆ AN", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", "*"]
    assert "Số      -BC/ĐUK" in lines
    assert f"Kết quả thực hiện trách nhiệm nêu gương năm {YEAR}" in lines
    assert "Đồng chí Nguyễn Nam Đình hoàn thành sớm các cam kết." in lines
    assert lines[-3:] == ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Trần Văn Bình"]
    assert "- Ban Thường vụ Tỉnh ủy," in lines and "- Lưu Văn phòng." in lines


def test_report_over_a_scope_with_no_data_says_so(client, tree):
    client.force_login(tree.staff)
    text = document_text(client.get(_download("docx", code="B")).content)
    assert "không có cam kết, nhiệm vụ nào đến hạn" in text
    wb = load_workbook(io.BytesIO(client.get(_download("xlsx", code="B")).content))
    assert wb.worksheets[0].cell(row=5, column=1).value == "STT"
    assert wb.worksheets[0].cell(row=6, column=1).value == "Tổng cộng"


def test_period_ending_before_it_starts_is_refused(client, tree):
    client.force_login(tree.staff)
    url = (
        reverse("reports:detail", kwargs={"kind": "commitments", "code": "DUK"})
        + "?start=2026-05-01&end=2026-04-01"
    )
    response = client.get(url)
    assert response.status_code == 400 and MSG_PERIOD_REVERSED in response.content.decode()
    token = _token(tree.staff)
    api = client.get(
        "/api/v1/reports/figures?org=DUK&start=2026-05-01&end=2026-04-01",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert api.status_code == 400 and api.json()["detail"] == MSG_PERIOD_REVERSED


def test_unknown_kind_and_format_are_404(client, tree):
    client.force_login(tree.staff)
    assert client.get(reverse("reports:detail", kwargs={"kind": "xyz", "code": "DUK"})).status_code == 404
    assert client.get(_download("odt")).status_code == 404


def test_an_uploaded_template_with_a_misspelt_field_is_refused_naming_it(client, tree):
    client.force_login(tree.staff)
    from docx import Document

    document = Document(str(docformat.DEFAULT_TEMPLATE))
    for p in docformat._all_paragraphs(document):
        for run in p.runs:
            run.text = run.text.replace("{{ trich_yeu }}", "{{ trich_yue }}")
    out = io.BytesIO()
    document.save(out)
    upload = SimpleUploadedFile("mau.docx", out.getvalue())
    response = client.post(reverse("reports:templates", kwargs={"code": "DUK"}), {"kind": "", "file": upload})
    assert response.status_code == 200
    assert (
        "Mẫu văn bản có trường không hợp lệ «{{ trich_yue }}» — có phải «{{ trich_yeu }}»?"
        in response.content.decode()
    )
    assert not ReportTemplate.objects.exists()


def test_an_organisation_template_is_used_for_its_subtree(client, tree, data):
    client.force_login(tree.staff)
    from docx import Document

    document = Document(str(docformat.DEFAULT_TEMPLATE))
    document.add_paragraph("Mẫu riêng của Đảng ủy Khối")
    out = io.BytesIO()
    document.save(out)
    response = client.post(
        reverse("reports:templates", kwargs={"code": "DUK"}),
        {"kind": "", "file": SimpleUploadedFile("rieng.docx", out.getvalue())},
    )
    assert response.status_code == 302
    assert "Mẫu riêng của Đảng ủy Khối" in document_text(client.get(_download("docx", code="A")).content)


def test_background_job_makes_the_file_and_shows_a_download_link(
    client, tree, data, django_capture_on_commit_callbacks
):
    client.force_login(tree.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_download("xlsx"))
    job = ReportJob.objects.get()
    assert response.status_code == 303 and response["Location"] == reverse(
        "reports:job", kwargs={"job_id": job.pk}
    )
    page = client.get(response["Location"]).content.decode()
    assert "Hoàn thành" in page and reverse("reports:job_download", kwargs={"job_id": job.pk}) in page
    download = client.get(reverse("reports:job_download", kwargs={"job_id": job.pk}))
    assert download.status_code == 200
    client.force_login(tree.secretary_a)
    assert client.get(reverse("reports:job", kwargs={"job_id": job.pk})).status_code == 404


def test_home_page_shows_the_dashboard_panel(client, tree, data):
    client.force_login(tree.secretary_a)
    page = client.get("/").content.decode()
    panel_url = reverse("reports:panel", kwargs={"code": "A"})
    assert f'hx-get="{panel_url}?{Q.replace("&", "&amp;")}"' in page
    panel = client.get(f"{panel_url}?{Q}").content.decode()
    assert "Cam kết, nhiệm vụ năm" in panel and "data-dash-total>3<" in panel
    client.force_login(tree.secretary_b)
    assert client.get(f"{panel_url}?{Q}").status_code == 404


def test_dashboard_query_count_is_bounded(client, tree, data, django_assert_max_num_queries):
    client.force_login(tree.staff)
    url = reverse("reports:dashboard", kwargs={"code": "DUK"}) + "?" + Q
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


# ------------------------------------------------------------------------------------------- command
def test_make_report_writes_docx_and_xlsx(tree, data, tmp_path):
    out = tmp_path / "bc.docx"
    call_command(
        "make_report",
        "commitments",
        "--org",
        "DUK",
        "--from",
        f"{YEAR}-01-01",
        "--to",
        f"{YEAR}-12-31",
        "--out",
        str(out),
    )
    assert "BÁO CÁO" in document_text(out.read_bytes())
    out_x = tmp_path / "bc.xlsx"
    call_command(
        "make_report",
        "tasks",
        "--org",
        "A",
        "--from",
        f"{YEAR}-01-01",
        "--to",
        f"{YEAR}-12-31",
        "--out",
        str(out_x),
    )
    ws = load_workbook(out_x).worksheets[0]
    assert ws.title == "PL1 Đơn vị chủ trì" and ws["A5"].value == "STT"


def test_make_report_refuses_bad_input(tree, tmp_path):
    with pytest.raises(CommandError, match=MSG_PERIOD_REVERSED):
        call_command(
            "make_report",
            "tasks",
            "--org",
            "DUK",
            "--from",
            "2026-05-01",
            "--to",
            "2026-04-01",
            "--out",
            str(tmp_path / "x.docx"),
        )
    with pytest.raises(CommandError, match="Không tìm thấy tổ chức «NOPE»"):
        call_command(
            "make_report",
            "tasks",
            "--org",
            "NOPE",
            "--from",
            "2026-01-01",
            "--to",
            "2026-04-01",
            "--out",
            str(tmp_path / "x.docx"),
        )
    with pytest.raises(CommandError, match="đuôi"):
        call_command(
            "make_report",
            "tasks",
            "--org",
            "DUK",
            "--from",
            "2026-01-01",
            "--to",
            "2026-04-01",
            "--out",
            str(tmp_path / "x.odt"),
        )


def test_without_a_draft_the_secretary_is_proposed_as_signer_and_part_two_is_left_out(client, tree, data):
    from neuguong.people.models import Position, PositionTitle

    Position.objects.create(
        person=tree.person_a2,
        title=PositionTitle.SECRETARY,
        organization=tree.root,
        started_on=dt.date(2020, 1, 1),
    )
    client.force_login(tree.staff)
    lines = document_text(client.get(_download("docx")).content).splitlines()
    assert lines[-3:] == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Văn An"]
    assert "II. HẠN CHẾ VÀ PHƯƠNG HƯỚNG" not in lines


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")), reason="LibreOffice or poppler not installed"
)
def test_pdf_through_libreoffice_has_the_document_text(client, tree, data, tmp_path):
    client.force_login(tree.staff)
    response = client.get(_download("pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "bc.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "BÁO CÁO" in text
    assert f"Kết quả thực hiện trách nhiệm nêu gương năm {YEAR}" in text


def test_without_libreoffice_pdf_is_refused_and_docx_offered(client, tree, data, monkeypatch):
    from neuguong.docengine import pdf
    from neuguong.reports import rendering

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    client.force_login(tree.staff)
    response = client.get(_download("pdf"))
    assert response.status_code == 400 and rendering.MSG_PDF_UNAVAILABLE in response.content.decode()
    page = client.get(_detail()).content.decode()
    assert "tai.pdf" not in page and "chưa xuất được PDF" in page


def test_child_rows_escape_organisation_names(client, tree, data):
    from neuguong.organizations.models import Organization

    Organization.objects.filter(pk=tree.org_b.pk).update(name="<b>Chi bộ</b> & Sở")
    client.force_login(tree.staff)
    page = client.get(reverse("reports:dashboard", kwargs={"code": "DUK"}) + "?" + Q).content.decode()
    assert "&lt;b&gt;Chi bộ&lt;/b&gt; &amp; Sở" in page
    assert "<b>Chi bộ</b>" not in page


def test_charts_not_drawn_yet_come_after_the_dashboard_and_then_with_it(client, tree, data):
    """After a write the figures change and their charts are not drawn: the page is sent without them
    and fetches them (htmx, on load); once drawn they are kept with the figures and inlined."""
    from django.core.cache import cache

    from neuguong.docengine import charts

    client.force_login(tree.staff)
    url = reverse("reports:dashboard", kwargs={"code": "DUK"}) + "?" + Q
    cache.clear()
    charts._CACHE.clear()
    page = client.get(url).content.decode()
    charts_url = reverse("reports:dashboard_charts", kwargs={"code": "DUK"})
    assert "<svg" not in page and page.count("data-charts-pending") == 2
    assert f'hx-get="{charts_url}?' in page and 'id="dashboard-child-chart" data-charts-pending' in page
    # One request draws the three: the panel's two, and the page's chart of the children out of band.
    charts = client.get(f"{charts_url}?{Q}").content.decode()
    assert charts.count("<svg") == 3 and "Số cam kết theo trạng thái" in charts
    assert '<div id="dashboard-child-chart" hx-swap-oob="true"><figure><svg' in charts
    again = client.get(url).content.decode()
    assert again.count("<svg") == 3 and "data-charts-pending" not in again
    client.force_login(tree.secretary_b)  # hidden is answered like missing
    assert client.get(f"{charts_url}?{Q}").status_code == 404
