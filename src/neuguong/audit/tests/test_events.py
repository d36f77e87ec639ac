"""Typed audit events: declared once with a Vietnamese label, read as people read them."""

import datetime as dt

import pytest
from django.db import models

from neuguong.audit.events import AuditAction, UnlabelledAuditAction, declared_actions, label_for, register
from neuguong.audit.models import AuditEvent
from neuguong.audit.selectors import format_value, history_for, history_rows
from neuguong.audit.services import audit_record


def test_every_declared_action_has_a_vietnamese_label_and_a_namespaced_or_generic_code():
    actions = declared_actions()
    assert actions
    generic = {choice.value for choice in AuditAction}
    for code, label in actions.items():
        assert label and label != code, code
        assert code in generic or "." in code, f"{code}: actions are named '<app>.<event>'"


def test_the_same_code_cannot_be_declared_with_two_labels():
    with pytest.raises(ValueError):

        @register
        class Clash(models.TextChoices):
            CREATED = "create", "Tạo khác"


@pytest.mark.django_db
def test_writing_an_undeclared_action_fails(tree):
    with pytest.raises(UnlabelledAuditAction):
        audit_record(actor=None, action="something_new", target=tree.root)
    assert not AuditEvent.objects.filter(action="something_new").exists()


@pytest.mark.django_db
def test_history_reads_labels_names_choices_dates_and_hides_bookkeeping(tree):
    person = tree.person_a
    audit_record(
        actor=tree.staff,
        action=AuditAction.UPDATED,
        target=person,
        changes={
            "organization": {"old": tree.org_b.pk, "new": tree.branch_a.pk},
            "status": {"old": "probationary", "new": "official"},
            "date_of_birth": {"old": None, "new": "1980-05-17"},
            "name_folded": {"old": "a", "new": "b"},
        },
    )
    [row] = history_for(person)
    assert row["action_label"] == "Cập nhật"
    assert {c["field"]: (c["old"], c["new"]) for c in row["changes"]} == {
        "Tổ chức đảng": ("Chi bộ Sở Tư pháp", "Chi bộ Phòng Ngân sách"),
        "Trạng thái": ("Dự bị", "Chính thức"),
        "Ngày sinh": (None, "17/05/1980"),
    }


def test_values_are_formatted_for_reading():
    assert format_value(models.BooleanField(), True, {}) == "Có"
    assert format_value(models.BooleanField(), False, {}) == "Không"
    assert format_value(models.DateField(), "2026-12-01", {}) == "01/12/2026"
    assert format_value(None, "2026-12-01", {}) == "01/12/2026"
    assert format_value(None, "", {}) is None
    assert format_value(
        models.DateTimeField(), dt.datetime(2026, 12, 1, 2, 30, tzinfo=dt.UTC).isoformat(), {}
    ) == ("01/12/2026 09:30")


@pytest.mark.django_db
def test_related_names_are_read_in_one_query_per_model(tree, django_assert_max_num_queries):
    events = [
        AuditEvent(
            action="update",
            target_id="1",
            changes={"organization": {"old": tree.org_a.pk, "new": tree.org_b.pk}},
        )
        for _ in range(20)
    ]
    from neuguong.people.models import Person

    with django_assert_max_num_queries(1):
        rows = history_rows(Person, events)
    assert all(row["changes"][0]["new"] == tree.org_b.name for row in rows)
    assert label_for("update") == "Cập nhật"
