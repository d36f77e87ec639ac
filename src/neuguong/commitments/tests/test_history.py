"""The history on a commitment's page reads in Vietnamese: labels, names, choice labels, dd/mm/yyyy, Có/Không;
no codes, ids or bookkeeping; a pending extension request is not a changed deadline until granted."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from neuguong.audit.events import is_declared
from neuguong.audit.models import AuditEvent
from neuguong.audit.selectors import history_for
from neuguong.commitments import services
from neuguong.commitments.events import CommitmentEvent
from neuguong.core.dates import local_today
from neuguong.core.tests.factories import PersonFactory


def _history_html(client, commitment) -> str:
    page = client.get(reverse("commitments:detail", args=[commitment.pk])).content.decode()
    return page[page.index('id="history-title"') :]


def _changes(row) -> dict:
    return {change["field"]: (change["old"], change["new"]) for change in row["changes"]}


@pytest.fixture
def assigned(tree):
    """Two people given the same item at once (one batch), the first one's commitment."""
    today = local_today()
    made = services.commitment_assign_many(
        actor=tree.secretary_a,
        organization=tree.org_a,
        people=[tree.person_a, tree.person_a2],
        title="Nêu gương học tập",
        deadline=today + dt.timedelta(days=10),
        lead_unit=tree.branch_a,
        category="exemplary",
        source_kind="document",
        co_units=[tree.branch_a],
    )
    return next(c for c in made if c.responsible_person_id == tree.person_a.pk)


def test_a_pending_extension_request_is_not_a_changed_deadline(tree, assigned, login):
    deadline = assigned.deadline
    requested = deadline + dt.timedelta(days=30)
    services.extension_request(
        actor=tree.member_a, commitment=assigned, requested_deadline=requested, reason="Chờ số liệu quý"
    )
    row = history_for(assigned)[0]
    assert row["action_label"] == "Đề nghị gia hạn"
    assert _changes(row) == {"Thời hạn đề nghị": (None, f"{requested:%d/%m/%Y}")}
    # The deadline itself has not moved: only the creation says "Thời hạn", and the page says so too.
    assert ["Thời hạn" in _changes(row) for row in history_for(assigned)] == [False, True]
    html = _history_html(login(tree.secretary_a), assigned)
    assert html.count("<td>Thời hạn</td>") == 1 and "Thời hạn đề nghị" in html


def test_the_grant_of_an_extension_reads_with_labels_names_and_dates(tree, assigned, login):
    deadline = assigned.deadline
    requested = deadline + dt.timedelta(days=30)
    extension = services.extension_request(
        actor=tree.member_a, commitment=assigned, requested_deadline=requested, reason="Chờ số liệu quý"
    )
    services.extension_decide(actor=tree.secretary_a, extension=extension, grant=True, note="Đồng ý")
    services.commitment_halt(actor=tree.secretary_a, commitment=assigned, halt="suspended", reason="Chờ")
    services.commitment_resume(actor=tree.secretary_a, commitment=assigned)

    rows = history_for(assigned)
    labels = [row["action_label"] for row in rows]
    assert labels == [
        "Tiếp tục thực hiện",
        "Tạm dừng thực hiện",
        "Đồng ý gia hạn",
        "Đề nghị gia hạn",
        "Giao nhiệm vụ",
    ]
    assert _changes(rows[2]) == {"Thời hạn": (f"{deadline:%d/%m/%Y}", f"{requested:%d/%m/%Y}")}
    created = _changes(rows[-1])
    assert created["Tổ chức theo dõi"] == (None, tree.org_a.name)
    assert created["Người chịu trách nhiệm"] == (None, tree.person_a.full_name)
    assert created["Đơn vị chủ trì"] == (None, tree.branch_a.name)
    assert created["Đơn vị phối hợp"] == (None, tree.branch_a.name)
    assert created["Nhóm"] == (None, "Trách nhiệm nêu gương (QĐ 101, 08, 55)")
    assert created["Nguồn"] == (None, "Văn bản")
    assert created["Thời hạn"] == (None, f"{deadline:%d/%m/%Y}")
    assert _changes(rows[1])["Hủy/tạm dừng"] == (None, "Tạm dừng")

    html = _history_html(login(tree.secretary_a), assigned)
    assert "Đồng ý gia hạn" in html and f"{requested:%d/%m/%Y}" in html
    for code in ("extension_grant", "extension_request", "halt_suspended", "commitments."):
        assert code not in html
    assert f"Tổ chức theo dõi {tree.org_a.pk}" not in html
    assert f"<td>{tree.org_a.pk}</td>" not in html and f"<td>{tree.person_a.pk}</td>" not in html
    assert "Created by" not in html and "created by" not in html.lower()
    assert not re.search(r">\s*(True|False)\s*<", html)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", html)
    assert assigned.batch and assigned.batch not in html
    assert "Đợt giao" not in html


def test_the_other_events_of_a_commitment_read_in_vietnamese(tree, assigned, login):
    report = services.progress_report_submit(
        actor=tree.secretary_a, commitment=assigned, percent=40, text="Đã làm phần 1"
    )
    services.report_return(actor=tree.secretary_a, report=report, note="Thiếu minh chứng")
    services.progress_report_submit(actor=tree.member_a, commitment=assigned, percent=70, text="Bổ sung")
    services.report_accept(actor=tree.secretary_a, report=assigned.reports.first(), note="")
    services.commitment_complete(actor=tree.member_a, commitment=assigned, completed_on=local_today())
    services.commitment_return(actor=tree.secretary_a, commitment=assigned, note="Chưa đạt")
    rows = history_for(assigned)
    assert [row["action_label"] for row in rows[:6]] == [
        "Trả lại kết quả hoàn thành",
        "Ghi nhận hoàn thành",
        "Chấp nhận báo cáo tiến độ",
        "Báo cáo tiến độ",
        "Trả lại báo cáo tiến độ",
        "Báo cáo tiến độ",
    ]
    assert _changes(rows[4]) == {
        "Báo cáo tiến độ": (None, f"Báo cáo 40% ngày {local_today():%d/%m/%Y}"),
        "Báo cáo bị trả lại": ("Không", "Có"),
    }
    assert _changes(rows[5]) == {"Tiến độ (%)": ("0", "40")}
    assert rows[5]["event"].on_behalf_of == tree.person_a.full_name  # the secretary entered it for her
    html = _history_html(login(tree.member_a), assigned)
    assert not re.search(r">\s*(True|False)\s*<", html)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", html)


def test_every_action_written_by_commitments_is_declared(tree):
    """With undeclared actions refused, every event of the life cycle is written (none raises) and
    each stored action has a label."""
    today = local_today()
    head = PersonFactory(organization=tree.org_a)
    made = services.commitment_assign(
        actor=tree.secretary_a,
        organization=tree.org_a,
        people=[tree.person_a, head],
        title="Việc",
        deadline=today + dt.timedelta(days=40),
    ).commitments
    commitment = made[0]
    services.commitment_update(actor=tree.secretary_a, commitment=commitment, title="Việc đã sửa")
    report = services.progress_report_submit(
        actor=tree.secretary_a, commitment=commitment, percent=10, text="x"
    )
    services.report_accept(actor=tree.secretary_a, report=report)
    extension = services.extension_request(
        actor=tree.secretary_a,
        commitment=commitment,
        requested_deadline=today + dt.timedelta(days=60),
        reason="y",
    )
    services.extension_decide(actor=tree.secretary_a, extension=extension, grant=False)
    services.commitment_halt(actor=tree.secretary_a, commitment=made[1], halt="cancelled", reason="Thôi")
    program = services.work_program_create(
        actor=tree.secretary_a, organization=tree.org_a, year=today.year, title=""
    )
    services.work_program_item_add(
        actor=tree.secretary_a, program=program, title="Nêu gương", quarter=4, is_exemplary=True
    )
    services.pledge_template_save(
        actor=tree.secretary_a, organization=tree.org_a, year=today.year, items=["Một"]
    )
    services.pledge_template_save(
        actor=tree.secretary_a, organization=tree.org_a, year=today.year, items=["Hai"]
    )
    services.pledge_register(actor=tree.member_a, person=tree.person_a, year=today.year, items=["Nêu gương"])
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        CommitmentEvent.CREATED,
        CommitmentEvent.UPDATED,
        CommitmentEvent.EXTENSION_REFUSED,
        CommitmentEvent.CANCELLED,
        CommitmentEvent.PROGRAM_CREATED,
        CommitmentEvent.PROGRAM_ITEM_ADDED,
        CommitmentEvent.PLEDGE_TEMPLATE_CREATED,
        CommitmentEvent.PLEDGE_TEMPLATE_UPDATED,
        CommitmentEvent.PLEDGE_REGISTERED,
    } <= actions
    assert all(is_declared(action) for action in actions)
    refused = history_for(commitment)[0]
    assert refused["action_label"] == "Không đồng ý gia hạn"
    assert _changes(refused) == {"Thời hạn đề nghị": (f"{today + dt.timedelta(days=60):%d/%m/%Y}", None)}


def test_the_program_page_shows_its_history(tree, login):
    program = services.work_program_create(
        actor=tree.secretary_a, organization=tree.org_a, year=local_today().year, title="Chương trình A"
    )
    page = login(tree.inspector_a).get(reverse("commitments:program", args=[program.pk])).content.decode()
    assert "Lập chương trình công tác năm" in page and tree.org_a.name in page
