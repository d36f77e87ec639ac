"""Typed audit events of inspection and supervision: every action written is declared with a Vietnamese
label, and the history on the inspection's page reads as people read it."""

import datetime as dt
import importlib
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from neuguong.audit.events import is_declared, label_for
from neuguong.audit.models import AuditEvent
from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.core.dates import local_today
from neuguong.core.tests.factories import PersonFactory
from neuguong.inspections import services
from neuguong.inspections.events import InspectionEvent
from neuguong.inspections.models import Document, Inspection, InspectionState, StepKind

from .factories import advance, make_inspection, pdf

pytestmark = pytest.mark.django_db
TODAY = local_today()


@pytest.fixture
def lived(tree):
    """An inspection taken through every kind of event, with undeclared actions refused."""
    member = PersonFactory(full_name="Lê Thị Thành Viên", organization=tree.root)
    inspection = make_inspection(tree)
    services.inspection_update(
        actor=tree.staff,
        inspection=inspection,
        kind="thematic_supervision",
        title="Giám sát chuyên đề nêu gương",
        planned_start=inspection.planned_start,
        planned_end=inspection.planned_end,
        subject_organizations=[tree.org_a, tree.org_b],
        leader=inspection.leader,
    )
    services.inspection_set_team(
        actor=tree.staff, inspection=inspection, leader=inspection.leader, team_members=[member]
    )
    services.content_link_add(
        actor=tree.staff,
        inspection=inspection,
        target=CommitmentFactory(
            organization=tree.org_a, responsible_person=tree.person_a, title="Cam kết được xem xét"
        ),
    )
    advance(tree, inspection, InspectionState.EXAMINING)
    services.working_note_add(
        actor=tree.staff,
        inspection=inspection,
        happened_on=TODAY,
        note="Làm việc",
        files=[pdf("bien-ban.pdf")],
    )
    services.breach_add(
        actor=tree.staff, inspection=inspection, person=tree.person_a, description="Chưa gương mẫu"
    )
    recommendation = services.recommendation_add(
        actor=tree.staff,
        inspection=inspection,
        text="Khắc phục",
        deadline=TODAY + dt.timedelta(days=20),
        lead_unit=tree.org_a,
    )
    step = inspection.steps.get(kind=StepKind.SELF_REPORT)
    extra = services.document_add(actor=tree.staff, step=step, upload=pdf("phu-luc.pdf"))
    services.document_delete(actor=tree.staff, document=extra)
    advance(tree, inspection, InspectionState.DRAFT_CONCLUSION)
    services.inspection_transition(
        actor=tree.staff, inspection=inspection, action="reopen", happened_on=TODAY
    )
    advance(tree, inspection, InspectionState.NOTICE_ISSUED)
    services.recommendation_carry_over(actor=tree.staff, recommendation=recommendation, reason="Sang năm sau")
    services.inspection_transition(actor=tree.staff, inspection=inspection, action="close", happened_on=TODAY)
    other = make_inspection(tree, program=inspection.program)
    services.inspection_transition(
        actor=tree.staff, inspection=other, action="cancel", happened_on=TODAY, note="Trùng"
    )
    inspection.refresh_from_db()
    return inspection


def _own_events():
    types = ContentType.objects.filter(app_label="inspections")
    return AuditEvent.objects.filter(target_type__in=types)


def test_every_action_written_is_declared_in_the_apps_namespace(lived):
    written = set(_own_events().values_list("action", flat=True))
    assert written == set(InspectionEvent.values)
    for code in written:
        assert is_declared(code) and code.startswith("inspections.") and label_for(code) != code


def test_a_step_records_its_state_and_dates_and_the_documents_number(tree, lived):
    decided = _own_events().get(action=InspectionEvent.DECIDED, target_id=str(lived.pk))
    assert decided.changes == {
        "state": {"old": "planned", "new": "decided"},
        "decided_on": {"old": None, "new": TODAY.isoformat()},
    }
    assert decided.note == "Số văn bản: 01-QĐ/ĐUK"


def _history_section(page: str) -> str:
    start = page.index('id="history-title"')
    return page[start : page.index("</section>", start)]


def test_the_history_on_the_page_reads_in_vietnamese(tree, login, lived):
    history = _history_section(
        login(tree.staff).get(reverse("inspections:detail", args=[lived.pk])).content.decode()
    )
    for label in (
        "Thêm cuộc kiểm tra, giám sát vào chương trình",
        "Sửa nội dung, đối tượng, thời gian",
        "Đổi đoàn kiểm tra, giám sát",
        "Liên kết nội dung",
        "Ra quyết định",
        "Ban hành kết luận",
        "Kết thúc",
        "Ghi chép làm việc",
        "Ghi phát hiện",
        "Ghi vi phạm trách nhiệm nêu gương",
        "Thêm kiến nghị",
        "Tải tệp lên",
        "Xóa tệp (vẫn lưu vết)",
        "Chuyển tiếp kiến nghị",
    ):
        assert label in history, label
    # Names, choice labels and dd/mm/yyyy instead of ids, codes and ISO dates.
    for shown in (
        "Giám sát chuyên đề",
        "Chi bộ Sở Tư pháp, Đảng bộ Sở Tài chính",
        "Lê Thị Thành Viên",
        "Trần Văn Trưởng",
        "Nguyễn Nam Đình",
        "Cam kết được xem xét",
        "Đã có quyết định",
        "Đối tượng",
        "Thành viên đoàn",
        "Tệp đính kèm",
        f"{TODAY:%d/%m/%Y}",
        "phu-luc.pdf",
    ):
        assert shown in history, shown
    for hidden in (
        "inspections.",
        "thematic_supervision",
        "decided<",
        "True",
        "False",
        TODAY.isoformat(),
        "Team",
        "subjects",
    ):
        assert hidden not in history, hidden
    assert not re.search(r"<td>\d+</td>", history), "an id is shown where a name belongs"


def test_the_history_takes_a_few_queries_whatever_the_number_of_events(
    tree, lived, django_assert_max_num_queries
):
    from neuguong.inspections.selectors import inspection_history

    inspection = Inspection.objects.get(pk=lived.pk)
    mine = [inspection, *inspection.documents.all(), *inspection.findings.all(), *inspection.breaches.all()]
    mine += list(inspection.recommendations.all())
    expected = sum(AuditEvent.objects.for_object(record).count() for record in mine)
    with django_assert_max_num_queries(16):
        rows = inspection_history(inspection)
    assert len(rows) == expected > 15
    assert [row["event"].at for row in rows] == sorted((row["event"].at for row in rows), reverse=True)


# --- the data migration of stored actions ---------------------------------------------------------------

migration = importlib.import_module("neuguong.inspections.migrations.0003_typed_audit_actions")


def _old_event(target, action: str, **fields) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=str(target.pk),
        target_repr=str(target),
        **fields,
    )


def test_stored_actions_are_renamed_and_back_again(tree):
    from django.apps import apps

    from neuguong.organizations.models import Organization

    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.DECIDED)
    document = Document.objects.get()
    AuditEvent.objects.all().delete()
    old = [
        _old_event(inspection.program, "create"),
        _old_event(inspection, "create"),
        _old_event(inspection, "update", changes={"title": {"old": "a", "new": "b"}}),
        _old_event(inspection, "inspection.subjects", changes={"subjects": {"old": "A", "new": "A; B"}}),
        _old_event(inspection, "inspection.team", changes={"team": {"old": [], "new": [tree.person_a.pk]}}),
        _old_event(inspection, "inspection.decide", note="Ra quyết định"),
        _old_event(inspection, "inspection.conclude", note="Ban hành kết luận"),
        _old_event(inspection, "inspection.working_note", note="Ghi chép làm việc"),
        _old_event(document, "create", note="Quyết định kiểm tra, giám sát"),
        _old_event(document, "delete", note="van-ban.pdf"),
        # Not this app's: left alone.
        _old_event(tree.org_a, "create"),
        _old_event(Organization.objects.get(pk=tree.org_b.pk), "update"),
    ]
    before = list(AuditEvent.objects.order_by("pk").values_list("action", "note", "changes"))
    migration.forward(apps, None)
    after = dict(AuditEvent.objects.values_list("pk", "action"))
    assert [after[e.pk] for e in old] == [
        "inspections.program_created",
        "inspections.item_created",
        "inspections.item_updated",
        "inspections.item_updated",
        "inspections.team_changed",
        "inspections.decided",
        "inspections.concluded",
        "inspections.working_note_added",
        "inspections.document_added",
        "inspections.document_deleted",
        "create",
        "update",
    ]
    decided = AuditEvent.objects.get(pk=old[5].pk)
    assert decided.note == "" and label_for(decided.action) == "Ra quyết định"
    assert AuditEvent.objects.get(pk=old[4].pk).changes == {
        "team_members": {"old": [], "new": [tree.person_a.pk]}
    }
    migration.backward(apps, None)
    assert list(AuditEvent.objects.order_by("pk").values_list("action", "note", "changes")) == before
