"""Plan items point to the commitment they became through a protecting foreign key (was a bare integer), and
the study module's audit trail moves from free-text actions to the typed events of events.py.

A plan item whose stored id names no commitment (deleted outside the app) keeps existing, without a link; it
is not turned into a second commitment (only items never linked are, at grading).

Attendance marks and enrolments were recorded on the person; they are now events of the mark and of the
enrolment themselves (their fields read "Điểm danh: Có mặt", not the person's own "Trạng thái"). Old rows
move to the mark or enrolment they describe when it can be found (same person, same campaign and session,
or same course title); the others keep the person as their record.
"""

import django.db.models.deletion
import neuguong.study.models
from django.conf import settings
from django.db import migrations, models
from django.db.models import F

from neuguong.audit.migration_ops import rename_actions

# Per model, old free-text action → typed event (study/events.py).
RENAMES = {
    ("study", "campaign"): {
        "create": "study.campaign_created",
        "update": "study.campaign_updated",
        "invite": "study.invitees_added",
        "import": "study.questions_imported",
    },
    ("study", "material"): {
        "create": "study.material_added",
    },
    ("study", "session"): {
        "create": "study.session_added",
    },
    ("study", "reflection"): {
        "update": "study.reflection_saved",
        "submit": "study.reflection_submitted",
        "grade": "study.reflection_graded",
        "return": "study.reflection_returned",
        "excuse": "study.reflection_excused",
    },
    ("study", "quizround"): {
        "create": "study.quiz_round_created",
    },
    ("study", "course"): {
        "create": "study.course_opened",
    },
    ("study", "enrolment"): {
        "complete": "study.enrolment_result_recorded",
    },
    ("study", "positionrequirement"): {
        "update": "study.position_requirement_set",
    },
}
# Study events that were written on the person: (old action, new action, the study model they now belong to).
ON_PERSON = [("attendance", "study.attendance_marked", "attendance"), ("enrol", "study.enrolled", "enrolment")]


def link_commitments(apps, schema_editor):
    PlanItem = apps.get_model("study", "PlanItem")
    Commitment = apps.get_model("commitments", "Commitment")
    PlanItem.objects.filter(commitment_ref__in=Commitment.objects.values("pk")).update(
        commitment=F("commitment_ref")
    )


def unlink_commitments(apps, schema_editor):
    PlanItem = apps.get_model("study", "PlanItem")
    PlanItem.objects.update(commitment_ref=F("commitment"))


def _session_note(attendance) -> str:
    session = attendance.session
    return f"{session.campaign.title} — {session.title} ({session.held_on:%d/%m/%Y})"


def _own_records(apps, model: str, events: list) -> dict[int, int]:
    """{event id: id of the mark or enrolment it describes}, where exactly one matches."""
    person_ids = {int(e.target_id) for e in events if e.target_id.isdigit()}
    candidates: dict[tuple[int, str], list[int]] = {}
    if model == "attendance":
        Attendance = apps.get_model("study", "Attendance")
        rows = Attendance.objects.filter(invitee__person_id__in=person_ids).select_related(
            "invitee", "session__campaign"
        )
        for row in rows:
            candidates.setdefault((row.invitee.person_id, _session_note(row)), []).append(row.pk)
        key = lambda e: e.note  # noqa: E731
    else:
        Enrolment = apps.get_model("study", "Enrolment")
        for row in Enrolment.objects.filter(person_id__in=person_ids).select_related("course"):
            candidates.setdefault((row.person_id, row.course.title), []).append(row.pk)
        key = lambda e: (e.changes.get("course") or {}).get("new") or ""  # noqa: E731
    found = {}
    for event in events:
        if not event.target_id.isdigit():
            continue
        matches = candidates.get((int(event.target_id), key(event)), [])
        if len(matches) == 1:
            found[event.pk] = matches[0]
    return found


def person_events_to_own_records(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old, new, model in ON_PERSON:
        rows = AuditEvent.objects.filter(
            target_type__app_label="people", target_type__model="person", action=old
        )
        events = list(rows)
        if not events:
            continue
        rows.update(action=new)
        own_type, _ = ContentType.objects.get_or_create(app_label="study", model=model)
        found = _own_records(apps, model, events)
        for event in events:
            if event.pk not in found:
                continue
            # An empty reason was recorded as a change from nothing to nothing.
            changes = {k: v for k, v in event.changes.items() if (v.get("old") or "") != (v.get("new") or "")}
            AuditEvent.objects.filter(pk=event.pk).update(
                target_type=own_type, target_id=str(found[event.pk]), changes=changes
            )


def person_events_back_to_the_person(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    person_type = None
    for old, new, model in ON_PERSON:
        moved = AuditEvent.objects.filter(target_type__app_label="study", target_type__model=model, action=new)
        if moved.exists():
            person_type, _ = ContentType.objects.get_or_create(app_label="people", model="person")
            Record = apps.get_model("study", model)
            person_of = (
                dict(Record.objects.values_list("pk", "invitee__person_id"))
                if model == "attendance"
                else dict(Record.objects.values_list("pk", "person_id"))
            )
            for event in moved:
                person_id = person_of.get(int(event.target_id))
                if person_id is not None:
                    AuditEvent.objects.filter(pk=event.pk).update(
                        target_type=person_type, target_id=str(person_id)
                    )
        AuditEvent.objects.filter(action=new).update(action=old)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_initial"),
        ("commitments", "0005_status_tallies"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("people", "0003_name_order_index"),
        ("study", "0004_quiz_option_orders_reflection_reminders"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="planitem", old_name="commitment_id", new_name="commitment_ref"),
        migrations.AddField(
            model_name="planitem",
            name="commitment",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="study_plan_items",
                to="commitments.commitment",
                verbose_name="nhiệm vụ theo dõi",
            ),
        ),
        migrations.RunPython(link_commitments, unlink_commitments),
        migrations.RemoveField(model_name="planitem", name="commitment_ref"),
        migrations.AlterField(
            model_name='attendance',
            name='invitee',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='study.invitee', verbose_name='người được triệu tập'),
        ),
        migrations.AlterField(
            model_name='attendance',
            name='marked_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người điểm danh'),
        ),
        migrations.AlterField(
            model_name='attendance',
            name='method',
            field=models.CharField(choices=[('secretary', 'Bí thư/cán bộ điểm danh'), ('qr', 'Tự điểm danh bằng mã QR')], max_length=16, verbose_name='cách điểm danh'),
        ),
        migrations.AlterField(
            model_name='attendance',
            name='session',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='study.session', verbose_name='buổi học'),
        ),
        migrations.AlterField(
            model_name='campaign',
            name='audience_positions',
            field=models.JSONField(blank=True, choices=[('secretary', 'Bí thư'), ('deputy_secretary', 'Phó Bí thư'), ('committee_member', 'Cấp ủy viên'), ('standing_member', 'Ủy viên Ban Thường vụ'), ('inspection_member', 'Ủy viên Ủy ban Kiểm tra'), ('head_of_agency', 'Thủ trưởng cơ quan'), ('deputy_head_of_agency', 'Phó Thủ trưởng cơ quan')], default=list, help_text='Để trống: mọi đảng viên.', verbose_name='đối tượng: chức vụ'),
        ),
        migrations.AlterField(
            model_name='campaign',
            name='audience_statuses',
            field=models.JSONField(choices=[('official', 'Chính thức'), ('probationary', 'Dự bị'), ('exempt', 'Miễn sinh hoạt'), ('transferred_out', 'Chuyển đi'), ('deceased', 'Từ trần'), ('removed', 'Xóa tên/Khai trừ'), ('non_member', 'Không phải đảng viên')], default=neuguong.study.models._default_statuses, verbose_name='đối tượng: trạng thái'),
        ),
        migrations.AlterField(
            model_name='enrolment',
            name='course',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enrolments', to='study.course', verbose_name='lớp'),
        ),
        migrations.AlterField(
            model_name='enrolment',
            name='person',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='course_enrolments', to='people.person', verbose_name='học viên'),
        ),
        migrations.AlterField(
            model_name='material',
            name='campaign',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='materials', to='study.campaign', verbose_name='đợt học tập'),
        ),
        migrations.AlterField(
            model_name='quizround',
            name='campaign',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='quiz_rounds', to='study.campaign', verbose_name='đợt học tập'),
        ),
        migrations.AlterField(
            model_name='session',
            name='campaign',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='study.campaign', verbose_name='đợt học tập'),
        ),
        rename_actions(RENAMES),
        migrations.RunPython(person_events_to_own_records, person_events_back_to_the_person),
    ]
