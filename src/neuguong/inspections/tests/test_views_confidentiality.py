"""Pages across roles and subtrees: what each side sees, and 404 for everything else."""

import pytest
from django.urls import reverse

from neuguong.core.dates import local_today
from neuguong.core.tests.factories import PersonFactory
from neuguong.inspections import services
from neuguong.inspections.models import InspectionState, StepKind
from neuguong.people.models import PositionTitle

from .factories import account_for, advance, make_inspection, pdf, seat

pytestmark = pytest.mark.django_db

FINDING = "Phát hiện MẬT: chưa xây dựng kế hoạch"
NOTE = "Ghi chép MẬT của đoàn"
DRAFT = "Dự thảo kết luận MẬT"
NOTICE_TEXT = "Thông báo kết luận gửi đối tượng"


@pytest.fixture
def concluded(tree):
    """An inspection of org A by the root committee, at the draft-conclusion stage with confidential
    parts, plus a commission member at root and a standing member of org B."""
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.EXAMINING)
    services.finding_add(actor=tree.staff, inspection=inspection, text=FINDING)
    services.working_note_add(
        actor=tree.staff,
        inspection=inspection,
        happened_on=local_today(),
        note=NOTE,
        files=[pdf("ghi-chep.pdf")],
    )
    services.inspection_transition(
        actor=tree.staff, inspection=inspection, action="submit_draft", happened_on=local_today(), note=DRAFT
    )
    commission = PersonFactory(organization=tree.root)
    seat(commission, PositionTitle.INSPECTION_MEMBER, tree.root)
    other = PersonFactory(organization=tree.org_b)
    seat(other, PositionTitle.STANDING_MEMBER, tree.org_b)
    inspection.refresh_from_db()
    return {
        "inspection": inspection,
        "commission": account_for(commission, "ubkt_root"),
        "other_standing": account_for(other, "tv_b"),
    }


def _user(tree, concluded, name):
    if name == "leader":
        return concluded["inspection"].leader.user
    return getattr(tree, name, None) or concluded[name]


INSIDERS = ["staff", "commission", "leader"]
SUBJECT_SIDE = ["secretary_a", "inspector_a"]
STRANGERS = ["secretary_b", "member_a", "outsider", "other_standing"]


@pytest.mark.parametrize("name", INSIDERS)
def test_insiders_see_drafts_findings_and_working_notes(tree, concluded, login, name):
    response = login(_user(tree, concluded, name)).get(
        reverse("inspections:detail", args=[concluded["inspection"].pk])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert FINDING in body and NOTE in body and DRAFT in body
    assert "ghi-chep.pdf" in body


@pytest.mark.parametrize("name", SUBJECT_SIDE)
def test_the_subject_sees_the_notice_and_self_report_but_not_the_draft(tree, concluded, login, name):
    client = login(_user(tree, concluded, name))
    inspection = concluded["inspection"]
    response = client.get(reverse("inspections:detail", args=[inspection.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Thông báo đến đối tượng" in body
    assert "Báo cáo giải trình của đối tượng" in body
    for secret in (FINDING, NOTE, DRAFT, "ghi-chep.pdf", "Quyết định kiểm tra"):
        assert secret not in body
    # The confidential files answer 404, exactly like a missing file.
    note_doc = inspection.documents.get(kind=StepKind.WORKING_NOTE)
    decision_doc = inspection.documents.get(kind=StepKind.DECISION)
    self_report_doc = inspection.documents.get(kind=StepKind.SELF_REPORT)
    for doc in (note_doc, decision_doc):
        assert client.get(reverse("inspections:document", args=[inspection.pk, doc.pk])).status_code == 404
    assert client.get(reverse("inspections:document", args=[inspection.pk, 999999])).status_code == 404
    assert (
        client.get(reverse("inspections:document", args=[inspection.pk, self_report_doc.pk])).status_code
        == 200
    )
    # Team pages are 404 too.
    for name_ in ("finding_add", "working_note", "breach_add", "recommendation_add"):
        assert client.get(reverse(f"inspections:{name_}", args=[inspection.pk])).status_code == 404
    assert client.get(reverse("inspections:action", args=[inspection.pk, "conclude"])).status_code == 404


@pytest.mark.parametrize("name", STRANGERS)
def test_strangers_get_404_everywhere(tree, concluded, login, name):
    client = login(_user(tree, concluded, name))
    inspection = concluded["inspection"]
    urls = [
        reverse("inspections:detail", args=[inspection.pk]),
        reverse("inspections:program", args=[inspection.program_id]),
        reverse("inspections:document", args=[inspection.pk, inspection.documents.first().pk]),
        reverse("inspections:action", args=[inspection.pk, "conclude"]),
        reverse("inspections:finding_add", args=[inspection.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("inspections:list")).content.decode()
    assert inspection.title not in listing


def test_the_subject_sees_the_notice_of_conclusion_and_recommendations_only_once_issued(
    tree, concluded, login
):
    inspection = concluded["inspection"]
    client = login(tree.secretary_a)
    advance(tree, inspection, InspectionState.CONCLUDED)
    body = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert DRAFT not in body and "Kết luận" not in body.split("Kiến nghị")[0].split("Các bước")[1]
    services.inspection_transition(
        actor=tree.staff,
        inspection=inspection,
        action="notify_conclusion",
        happened_on=local_today(),
        note=NOTICE_TEXT,
        files=[pdf("thong-bao-ket-luan.pdf")],
    )
    body = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert NOTICE_TEXT in body and "thong-bao-ket-luan.pdf" in body
    assert DRAFT not in body and FINDING not in body


def test_an_overseer_sees_issued_documents_but_no_draft_or_findings(tree, concluded, login):
    from neuguong.core.tests.factories import Role, UserFactory, grant

    overseer = UserFactory(username="bt_root")
    grant(overseer, Role.SECRETARY, tree.root)
    inspection = concluded["inspection"]
    body = login(overseer).get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert "Quyết định kiểm tra" in body
    assert FINDING not in body and NOTE not in body and DRAFT not in body
    assert "Báo cáo giải trình" not in body


def test_the_subject_uploads_the_self_report_through_the_page(tree, login):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.NOTIFIED)
    client = login(tree.secretary_a)
    url = reverse("inspections:action", args=[inspection.pk, "self_report"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"happened_on": local_today().isoformat(), "note": "", "file": pdf("bc.pdf")})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.EXAMINING
    assert inspection.documents.get(kind=StepKind.SELF_REPORT).uploaded_by == tree.secretary_a


def test_a_bad_upload_is_shown_next_to_the_field_and_nothing_changes(tree, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from neuguong.core import uploads

    inspection = make_inspection(tree)
    client = login(tree.staff)
    response = client.post(
        reverse("inspections:action", args=[inspection.pk, "decide"]),
        {"happened_on": local_today().isoformat(), "file": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert response.status_code == 200
    assert uploads.MSG_FILE_TYPE.format(name="x.exe") in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.PLANNED


def test_the_inspection_list_is_scoped_and_has_bounded_queries(tree, login, django_assert_max_num_queries):
    from .factories import make_program

    program = make_program(tree)
    for _ in range(5):
        make_inspection(tree, program=program, people=[tree.person_b])
    client = login(tree.staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("inspections:list"))
    assert response.status_code == 200
    assert response.content.decode().count("Kiểm tra việc thực hiện trách nhiệm nêu gương") >= 5


def test_the_home_page_lists_the_subjects_inspections_and_the_nav_links_them(tree, login):
    inspection = make_inspection(tree)
    client = login(tree.secretary_a)
    assert inspection.title not in client.get(reverse("portal:home")).content.decode()
    advance(tree, inspection, InspectionState.NOTIFIED)
    home = client.get(reverse("portal:home")).content.decode()
    assert inspection.title in home and reverse("inspections:list") in home
    assert inspection.title not in login(tree.secretary_b).get(reverse("portal:home")).content.decode()


def test_the_list_export_holds_exactly_the_filtered_visible_rows(tree, login):
    import io

    from openpyxl import load_workbook

    from neuguong.core.office_sheet import FIRST_DATA_ROW

    from .factories import make_program

    program = make_program(tree)
    first = make_inspection(tree, program=program)
    make_inspection(tree, program=program, subjects=[tree.org_b])
    advance(tree, first, InspectionState.NOTIFIED)
    client = login(tree.staff)
    rows = lambda response: list(  # noqa: E731
        load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)
    )
    assert len(rows(client.get(reverse("inspections:list"), {"export": "xlsx"}))) == 2
    only_notified = rows(client.get(reverse("inspections:list"), {"export": "xlsx", "state": "notified"}))
    assert [(r[4], r[7]) for r in only_notified] == [(tree.org_a.name, "Đã thông báo đến đối tượng")]
    # The subject's secretary sees only its own, notified, inspection.
    subject_rows = rows(login(tree.secretary_a).get(reverse("inspections:list"), {"export": "xlsx"}))
    assert [r[4] for r in subject_rows] == [tree.org_a.name]
