import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from neuguong.commitments import services
from neuguong.commitments.models import Commitment, Evidence, ProgressReport
from neuguong.core.dates import local_today

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def board(tree):
    """One commitment on A's board (person_a) and one on B's board (person_b)."""
    today = local_today()
    in_a = services.commitment_create(
        actor=tree.staff,
        organization=tree.org_a,
        title="Nhiệm vụ của A",
        deadline=today + dt.timedelta(days=10),
        responsible_person=tree.person_a,
    )
    in_b = services.commitment_create(
        actor=tree.staff,
        organization=tree.org_b,
        title="Nhiệm vụ của B",
        deadline=today - dt.timedelta(days=3),
        responsible_person=tree.person_b,
        reason="Nhập bổ sung",
    )
    return in_a, in_b


# Who sees commitment A's page: role × inside/outside the subtree.
@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("staff", 200),
        ("secretary_a", 200),
        ("inspector_a", 200),
        ("member_a", 200),
        ("secretary_b", 404),
        ("outsider", 404),
    ],
)
def test_commitment_page_is_scoped(tree, board, login, user, status):
    response = login(getattr(tree, user)).get(reverse("commitments:detail", args=[board[0].pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("user", "status", "sees_a", "sees_b"),
    [
        ("staff", 200, True, True),
        ("secretary_a", 200, True, False),
        ("inspector_a", 200, True, False),
        ("secretary_b", 200, False, True),
        ("member_a", 404, False, False),
        ("outsider", 404, False, False),
    ],
)
def test_board_shows_only_the_users_subtree(tree, board, login, user, status, sees_a, sees_b):
    response = login(getattr(tree, user)).get(reverse("commitments:board"))
    assert response.status_code == status
    body = response.content.decode()
    assert ("Nhiệm vụ của A" in body) is sees_a
    assert ("Nhiệm vụ của B" in body) is sees_b


def test_board_filters_by_status_and_person(tree, board, login):
    client = login(tree.staff)
    body = client.get(reverse("commitments:board"), {"status": "open_overdue"}).content.decode()
    assert "Nhiệm vụ của B" in body and "Nhiệm vụ của A" not in body
    body = client.get(reverse("commitments:board"), {"person": tree.person_a.pk}).content.decode()
    assert "Nhiệm vụ của A" in body and "Nhiệm vụ của B" not in body
    assert client.get(reverse("commitments:board"), {"org": "NOPE"}).status_code == 404


def test_board_query_count_does_not_grow_with_rows(tree, login, django_assert_max_num_queries):
    today = local_today()
    for i in range(30):
        services.commitment_create(
            actor=tree.staff,
            organization=tree.org_a,
            title=f"Việc {i}",
            deadline=today + dt.timedelta(days=i),
            responsible_person=tree.person_a if i % 2 else tree.person_a2,
            lead_unit=tree.branch_a,
        )
    client = login(tree.secretary_a)
    # Session, user, scope (3), tally state and counts, the page, and its three lookups (organisation,
    # person, lead unit): a constant, whatever the number of rows.
    with django_assert_max_num_queries(13):
        assert client.get(reverse("commitments:board")).status_code == 200
    member = login(tree.member_a)
    with django_assert_max_num_queries(10):
        assert member.get(reverse("commitments:mine")).status_code == 200
    client = login(tree.secretary_a)
    with django_assert_max_num_queries(12):  # children paged (count, page), counted; the menu's unread count
        assert client.get(reverse("commitments:summary"), {"org": "A"}).status_code == 200


def test_export_has_exactly_the_filtered_rows(tree, board, login):
    response = login(tree.staff).get(reverse("commitments:board_export"), {"status": "open_overdue"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[4][:2] == ("STT", "Nội dung công việc")  # under the title, organisation and date rows
    assert [row[1] for row in rows[5:]] == ["Nhiệm vụ của B"]
    assert rows[5][0] == 1 and rows[5][-1] == "Chưa hoàn thành – quá hạn"


@pytest.mark.parametrize(("user", "status"), [("secretary_b", 200), ("secretary_a", 200), ("member_a", 404)])
def test_export_is_scoped(tree, board, login, user, status):
    response = login(getattr(tree, user)).get(reverse("commitments:board_export"))
    assert response.status_code == status
    if status == 200:
        titles = [
            r[1]
            for r in list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[5:]
        ]
        assert titles == (["Nhiệm vụ của B"] if user == "secretary_b" else ["Nhiệm vụ của A"])


def test_my_commitments_groups_by_status(tree, board, login):
    body = login(tree.member_a).get(reverse("commitments:mine")).content.decode()
    assert "Nhiệm vụ của A" in body
    assert "Chưa hoàn thành – trong hạn" in body
    assert "Nhiệm vụ của B" not in body


def test_member_reports_with_evidence_through_the_page(tree, board, login):
    client = login(tree.member_a)
    url = reverse("commitments:report", args=[board[0].pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"percent": 40, "text": "Đã làm xong phần 1", "files": [SimpleUploadedFile("anh.pdf", PDF)]}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    page = client.get(reverse("commitments:detail", args=[board[0].pk])).content.decode()
    assert "anh.pdf" in page
    download = client.get(reverse("commitments:evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert login(tree.secretary_b).get(reverse("commitments:evidence", args=[evidence.pk])).status_code == 404
    assert (
        login(tree.secretary_b).post(reverse("commitments:evidence_delete", args=[evidence.pk])).status_code
        == 404
    )
    client = login(tree.member_a)
    assert client.post(reverse("commitments:evidence_delete", args=[evidence.pk])).status_code == 302
    evidence.refresh_from_db()
    assert evidence.deleted_by == tree.member_a
    assert client.get(reverse("commitments:evidence", args=[evidence.pk])).status_code == 404


def test_report_form_keeps_input_and_shows_the_error(tree, board, login):
    client = login(tree.member_a)
    response = client.post(
        reverse("commitments:report", args=[board[0].pk]),
        {
            "percent": 40,
            "text": "Giữ lại nội dung",
            "files": [SimpleUploadedFile("virus.exe", b"MZ\x00\x00")],
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Giữ lại nội dung" in body
    assert "Tệp «virus.exe» không được chấp nhận" in body
    assert not ProgressReport.objects.exists()


def test_percent_above_100_is_refused_by_the_form(tree, board, login):
    response = login(tree.member_a).post(
        reverse("commitments:report", args=[board[0].pk]), {"percent": 140, "text": "x"}
    )
    assert response.status_code == 200
    assert not ProgressReport.objects.exists()


def test_member_cannot_open_the_report_page_of_someone_elses_commitment(tree, board, login):
    assert login(tree.member_a).get(reverse("commitments:report", args=[board[1].pk])).status_code == 404
    assert login(tree.inspector_a).get(reverse("commitments:report", args=[board[0].pk])).status_code == 404


def test_secretary_assigns_to_several_people_from_the_page(tree, login):
    client = login(tree.secretary_a)
    url = reverse("commitments:create") + "?org=A"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Nêu gương",
            "people": [tree.person_a.pk, tree.person_a2.pk],
            "co_units": [tree.branch_a.pk],
            "deadline": (local_today() + dt.timedelta(days=30)).isoformat(),
            "category": "exemplary",
            "source_kind": "document",
        },
    )
    assert response.status_code == 302
    assert Commitment.objects.filter(title="Nêu gương").count() == 2
    assert set(Commitment.objects.filter(title="Nêu gương").values_list("co_units", flat=True)) == {
        tree.branch_a.pk
    }
    assert login(tree.secretary_b).get(reverse("commitments:create") + "?org=A").status_code == 404


def test_life_cycle_actions_through_the_page(tree, board, login):
    commitment = board[0]
    secretary = login(tree.secretary_a)
    response = secretary.post(
        reverse("commitments:halt", args=[commitment.pk]), {"halt": "suspended", "reason": ""}
    )
    assert response.status_code == 400
    response = secretary.post(
        reverse("commitments:halt", args=[commitment.pk]), {"halt": "suspended", "reason": "Chờ"}
    )
    assert response.status_code == 302
    secretary.post(reverse("commitments:resume", args=[commitment.pk]))
    today = local_today()
    response = secretary.post(
        reverse("commitments:complete", args=[commitment.pk]), {"completed_on": today.isoformat()}
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.completed_on == today


def test_calendar_and_summary_render(tree, board, login):
    client = login(tree.staff)
    today = local_today()
    body = client.get(
        reverse("commitments:calendar"), {"y": board[0].deadline.year, "m": board[0].deadline.month}
    ).content.decode()
    assert "Nhiệm vụ của A" in body
    assert client.get(reverse("commitments:calendar"), {"y": "x"}).status_code == 200
    body = client.get(reverse("commitments:summary"), {"org": "DUK"}).content.decode()
    assert tree.org_a.name in body and tree.org_b.name in body
    assert login(tree.secretary_a).get(reverse("commitments:summary"), {"org": "B"}).status_code == 404
    assert today


def test_home_shows_my_open_commitments(tree, board, login):
    body = login(tree.member_a).get("/").content.decode()
    assert "Việc của tôi: 1 việc đang làm" in body
    assert "Nhiệm vụ của A" in body
    assert "Việc của tôi:" not in login(tree.outsider).get("/").content.decode()


def test_calendar_query_count_does_not_grow(tree, login, django_assert_max_num_queries):
    today = local_today()
    for i in range(20):
        services.commitment_create(
            actor=tree.staff,
            organization=tree.org_a,
            title=f"Việc {i}",
            deadline=today.replace(day=28) if today.day <= 28 else today,
            responsible_person=tree.person_a,
        )
    client = login(tree.staff)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("commitments:calendar")).status_code == 200


def test_board_rows_escape_titles_and_show_the_original_deadline(tree, login):
    from neuguong.commitments.tests.factories import CommitmentFactory

    today = local_today()
    extended = CommitmentFactory(
        responsible_person=tree.person_a,
        title="<script>alert(1)</script> Báo cáo",
        original_deadline=today,
        deadline=today + dt.timedelta(days=30),
    )
    CommitmentFactory(
        responsible_person=None, lead_unit=tree.branch_a, organization=tree.org_a, deadline=today
    )
    html = login(tree.secretary_a).get(reverse("commitments:board")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Báo cáo" in html
    assert reverse("commitments:detail", kwargs={"commitment_id": extended.pk}) in html
    assert f"ban đầu {today:%d/%m/%Y}" in html
    assert tree.branch_a.name in html and tree.person_a.full_name in html
    assert "Chưa hoàn thành – trong hạn" in html


def test_summary_cells_link_each_count_to_the_filtered_board(tree, login):
    from neuguong.commitments.tests.factories import CommitmentFactory

    CommitmentFactory(responsible_person=tree.person_a, deadline=local_today() - dt.timedelta(days=2))
    html = login(tree.staff).get(reverse("commitments:summary")).content.decode()
    assert f'{reverse("commitments:board")}?org=A&amp;status=open_overdue">1</a>' in html


def test_the_document_page_lists_the_commitments_assigned_from_it(tree, login):
    """Commitments adds its panel to the document's page (core/registry.py), documents does not import it."""
    from neuguong.documents.services import document_register

    document = document_register(
        actor=tree.secretary_a,
        organization=tree.org_a,
        doc_type="plan",
        number_text="01-KH/ĐU",
        issued_on=local_today(),
        summary="Kế hoạch học tập",
    )
    services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.org_a,
        title="Việc từ kế hoạch",
        deadline=local_today() + dt.timedelta(days=9),
        responsible_person=tree.person_a,
        source_kind="document",
        source_object=document,
    )
    url = reverse("documents:detail", args=[document.pk])
    page = login(tree.secretary_a).get(url).content.decode()
    assert "Việc từ kế hoạch" in page
    assert f"{reverse('commitments:create')}?org=A&amp;document={document.pk}" in page
    reader = login(tree.inspector_a).get(url).content.decode()
    assert "Việc từ kế hoạch" in reader and "Giao nhiệm vụ từ văn bản" not in reader
    form = login(tree.secretary_a).get(f"{reverse('commitments:create')}?org=A&document={document.pk}")
    assert form.context["form"].initial["source_note"] == "01-KH/ĐU"
