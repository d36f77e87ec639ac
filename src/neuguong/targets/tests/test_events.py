"""Typed audit events of targets and scoring: every event a yearly cycle writes is declared with a Vietnamese
label, the histories on the pages read in Vietnamese, and the stored free-text actions map to the typed ones
and back."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from neuguong.audit.events import is_declared, label_for
from neuguong.audit.models import AuditEvent
from neuguong.targets import services
from neuguong.targets.events import TargetEvent
from neuguong.targets.models import AgencyAssessment, Component, Indicator, ScoringCycle, ScoringSet

from .factories import SET_ROWS, agencies_for, pdf, xlsx
from .test_services_cycle import AFTER, BEFORE, appraise_all, self_score_all

pytestmark = pytest.mark.django_db
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CODES = {
    "draft",
    "published",
    "submitted",
    "awaiting_response",
    "responded",
    "finalised",
    "higher",
    "quarterly",
}


def assert_reads_in_vietnamese(rows):
    """Labels, not codes; names, not ids; choice labels; dd/mm/yyyy; Có/Không; no bookkeeping fields."""
    assert rows
    for row in rows:
        assert row["action_label"] == label_for(row["event"].action) != row["event"].action
        for change in row["changes"]:
            assert not re.fullmatch(r"[A-Za-z_ ]+", change["field"]), change  # a field's name, not its label
            for value in (change["old"], change["new"]):
                text = str(value or "")
                assert text not in {"True", "False"} | CODES, change
                assert not ISO_DATE.search(text), change


@pytest.fixture
def year_of_work(tree):
    """Indicators and targets with an actual, and a whole scoring cycle, all through the services."""
    agency_a, _, agency_b = agencies_for(tree)
    indicator = services.indicator_create(
        actor=tree.staff, organization=tree.root, code="CT1", name="Tỷ lệ hồ sơ", unit="%", baseline="90,5"
    )
    services.indicator_update(
        actor=tree.staff, indicator=indicator, name="Tỷ lệ hồ sơ đúng hạn", baseline="91"
    )
    target = services.annual_target_set(
        actor=tree.staff, indicator=indicator, agency=agency_a, year=2026, target_value="95"
    )
    services.annual_target_set(
        actor=tree.staff, indicator=indicator, agency=agency_a, year=2026, target_value="96"
    )
    services.annual_targets_import(
        actor=tree.staff,
        organization=tree.root,
        upload=xlsx([("Mã chỉ tiêu", "Mã cơ quan", "Năm", "Chỉ tiêu năm"), ("CT1", "CQA", 2026, "97,5")]),
    )
    services.actual_record(
        actor=tree.secretary_a, annual_target=target, period=1, value="50", reported_on=dt.date(2026, 1, 5)
    )
    services.actual_record(
        actor=tree.secretary_a,
        annual_target=target,
        period=1,
        value="60",
        reported_on=dt.date(2026, 1, 5),
        files=[pdf()],
    )
    draft = services.scoring_set_import(
        actor=tree.staff, organization=tree.root, name="Bộ chỉ số", year=2026, upload=xlsx(SET_ROWS)
    )
    component = Component.objects.filter(criterion__area__scoring_set=draft, code="2.1.2").get()
    services.component_update(actor=tree.staff, component=component, name="Công khai TTHC", max_points="8")
    scoring_set = services.scoring_set_publish(actor=tree.staff, scoring_set=draft)
    services.scoring_set_copy(actor=tree.staff, source=scoring_set, year=2027)
    cycle = services.cycle_create(
        actor=tree.staff,
        organization=tree.root,
        scoring_set=scoring_set,
        name="Chấm điểm CCHC năm 2026",
        year=2026,
        self_deadline=dt.date(2026, 12, 15),
        survey_max_points="10",
        team=[tree.staff],
        agencies=[agency_a, agency_b],
    )
    services.cycle_team_set(actor=tree.staff, cycle=cycle, users=[tree.staff, tree.inspector_a])
    a = AgencyAssessment.objects.get(cycle=cycle, agency=agency_a)
    b = AgencyAssessment.objects.get(cycle=cycle, agency=agency_b)
    self_score_all(tree.secretary_a, a, ["4", "2", "6", "9,5", "8"], BEFORE)
    services.assessment_submit(actor=tree.secretary_a, assessment=a, difficulties="Thiếu người", today=BEFORE)
    services.assessment_reopen(actor=tree.staff, assessment=b, until=AFTER, reason="Có đơn", today=AFTER)
    appraise_all(tree.staff, a, ["4", "2", "5", "9", "7,5"])
    services.appraisal_send_for_response(actor=tree.staff, assessment=a, today=AFTER)
    services.assessment_respond(actor=tree.secretary_a, assessment=a, response_text="Đề nghị xem lại")
    services.survey_scores_import(
        actor=tree.staff, cycle=cycle, upload=xlsx([("Mã cơ quan", "Điểm"), ("CQA", "8,25")])
    )
    services.assessment_finalise(actor=tree.staff, assessment=a)
    return {"indicator": indicator, "target": target, "set": scoring_set, "cycle": cycle, "a": a}


def test_every_event_of_a_year_of_work_is_declared_with_a_label(tree, year_of_work):
    written = set(
        AuditEvent.objects.filter(target_type__app_label="targets").values_list("action", flat=True)
    )
    assert written == set(TargetEvent.values)  # each business event happened, each is declared
    assert all(is_declared(action) for action in written)


def test_the_histories_on_the_pages_read_in_vietnamese(tree, client, year_of_work):
    work = year_of_work
    client.force_login(tree.staff)
    pages = {
        "indicator": reverse("targets:indicator", args=[work["indicator"].pk]),
        "target": reverse("targets:target", args=[work["target"].pk]),
        "set": reverse("targets:set", args=[work["set"].pk]),
        "assessment": reverse("targets:assessment", args=[work["a"].pk]),
    }
    histories = {name: client.get(url).context["history"] for name, url in pages.items()}
    for rows in histories.values():
        assert_reads_in_vietnamese(rows)
    target_changes = {
        (row["action_label"], c["field"], c["old"], c["new"])
        for row in histories["target"]
        for c in row["changes"]
    }
    assert ("Sửa chỉ tiêu năm", "Chỉ tiêu năm", "95", "96") in target_changes
    assert ("Nhập chỉ tiêu năm từ Excel", "Chỉ tiêu năm", "96", "97,5") in target_changes
    assert ("Báo cáo kết quả thực hiện", "Ngày báo cáo", None, "05/01/2026") in target_changes
    assert ("Sửa kết quả thực hiện", "Kết quả thực hiện", "50", "60") in target_changes
    assert (
        "Thêm tài liệu kiểm chứng kết quả",
        "Tài liệu kiểm chứng",
        None,
        "minh-chung.pdf",
    ) in target_changes
    assessment_changes = {
        (row["action_label"], c["field"], c["old"], c["new"])
        for row in histories["assessment"]
        for c in row["changes"]
    }
    assert ("Nộp bản tự chấm điểm", "Trạng thái", "Đang tự chấm", "Đã nộp") in assessment_changes
    assert ("Nhập điểm điều tra xã hội học", "Điểm điều tra xã hội học", None, "8,25") in assessment_changes
    page = client.get(pages["indicator"]).content.decode()
    assert "Thêm chỉ tiêu" in page and "Càng cao càng tốt" in page and "90,5" in page


def test_the_cycles_own_history_reads_its_team_and_bands(tree, year_of_work):
    from neuguong.audit.selectors import history_for

    rows = history_for(ScoringCycle.objects.get(pk=year_of_work["cycle"].pk))
    assert_reads_in_vietnamese(rows)
    changes = {
        (row["action_label"], c["field"]): (c["old"], c["new"]) for row in rows for c in row["changes"]
    }
    assert changes["Cập nhật tổ thẩm định", "Tổ thẩm định"] == ("staff", "inspector_a, staff")
    changes = {field: new for (action, field), (_, new) in changes.items() if action == "Mở đợt chấm điểm"}
    assert changes["Tổ thẩm định"] == "staff"
    assert changes["Xếp loại"].startswith("Xuất sắc từ 90 %; Tốt từ 80 %")
    assert changes["Bộ chỉ số"] == "Bộ chỉ số (2026, phiên bản 1)"
    assert changes["Số cơ quan được đánh giá"] == "2"


def test_the_agency_does_not_read_appraisal_side_events_before_the_result(tree, client, year_of_work):
    assessment = AgencyAssessment.objects.exclude(pk=year_of_work["a"].pk).get()  # B: not finalised
    services.survey_scores_import(
        actor=tree.staff,
        cycle=year_of_work["cycle"],
        upload=xlsx([("Mã cơ quan", "Điểm"), ("CQB", "5")]),
    )
    client.force_login(tree.secretary_b)
    history = client.get(reverse("targets:assessment", args=[assessment.pk])).context["history"]
    assert [row["event"].action for row in history] == [TargetEvent.ASSESSMENT_REOPENED]


def _migration():
    return importlib.import_module("neuguong.targets.migrations.0003_duty_commitment_fk_typed_events")


def test_stored_free_text_actions_map_to_the_typed_events_and_back(tree):
    migration = _migration()
    indicator = Indicator.objects.create(organization=tree.root, code="X", name="X", unit="%")
    scoring_set = ScoringSet.objects.create(organization=tree.root, name="Bộ", year=2026)
    indicator_type = ContentType.objects.get_for_model(Indicator)
    set_type = ContentType.objects.get_for_model(ScoringSet)
    old = [
        (indicator_type, indicator.pk, "create"),
        (indicator_type, indicator.pk, "update"),
        (set_type, scoring_set.pk, "create"),
        (set_type, scoring_set.pk, "import"),
        (set_type, scoring_set.pk, "publish"),
        (ContentType.objects.get_for_model(tree.root), tree.root.pk, "update"),  # another app's: untouched
    ]
    rows = [
        AuditEvent.objects.create(target_type=kind, target_id=str(pk), target_repr="x", action=action)
        for kind, pk, action in old
    ]
    rename = migration.Migration.operations[-1]  # rename_actions(RENAMES)
    rename.code(apps, None)
    assert [AuditEvent.objects.get(pk=row.pk).action for row in rows] == [
        TargetEvent.INDICATOR_CREATED,
        TargetEvent.INDICATOR_UPDATED,
        TargetEvent.SCORING_SET_COPIED,
        TargetEvent.SCORING_SET_IMPORTED,
        TargetEvent.SCORING_SET_PUBLISHED,
        "update",
    ]
    rename.reverse_code(apps, None)
    assert [AuditEvent.objects.get(pk=row.pk).action for row in rows] == [action for _, _, action in old]


def test_every_old_action_maps_to_a_declared_event():
    renames = _migration().RENAMES
    assert all(is_declared(new) for mapping in renames.values() for new in mapping.values())
