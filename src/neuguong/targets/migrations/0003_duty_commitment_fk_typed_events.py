"""Reporting duties point to their reminder commitment through a protecting foreign key (was a bare integer),
and the audit trail of targets and scoring moves from free-text actions to the typed events of events.py.

A duty whose stored id names no commitment (deleted outside the app) keeps existing, without a link: the
reminder was already gone, and the duty itself (period, deadline) still holds.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F

# (model, old free-text action) → typed event (targets/events.py).
ACTIONS = {
    ("indicator", "create"): "targets.indicator_created",
    ("indicator", "update"): "targets.indicator_updated",
    ("annualtarget", "create"): "targets.annual_target_set",
    ("annualtarget", "update"): "targets.annual_target_changed",
    ("annualtarget", "import"): "targets.annual_target_imported",
    ("actual", "create"): "targets.actual_reported",
    ("actual", "update"): "targets.actual_corrected",
    ("actual", "evidence_add"): "targets.actual_evidence_added",
    ("scoringset", "import"): "targets.scoring_set_imported",
    ("scoringset", "create"): "targets.scoring_set_copied",
    ("scoringset", "publish"): "targets.scoring_set_published",
    ("component", "update"): "targets.component_updated",
    ("scoringcycle", "create"): "targets.cycle_opened",
    ("scoringcycle", "team_set"): "targets.cycle_team_set",
    ("componentscore", "self_score"): "targets.self_scored",
    ("componentscore", "evidence_add"): "targets.score_evidence_added",
    ("componentscore", "appraise"): "targets.appraised",
    ("agencyassessment", "submit"): "targets.assessment_submitted",
    ("agencyassessment", "reopen"): "targets.assessment_reopened",
    ("agencyassessment", "send_for_response"): "targets.sent_for_response",
    ("agencyassessment", "respond"): "targets.assessment_responded",
    ("agencyassessment", "finalise"): "targets.assessment_finalised",
    ("agencyassessment", "import"): "targets.survey_score_imported",
}


def link_commitments(apps, schema_editor):
    ReportingDuty = apps.get_model("targets", "ReportingDuty")
    Commitment = apps.get_model("commitments", "Commitment")
    ReportingDuty.objects.filter(commitment_ref__in=Commitment.objects.values("pk")).update(
        commitment=F("commitment_ref")
    )


def unlink_commitments(apps, schema_editor):
    ReportingDuty = apps.get_model("targets", "ReportingDuty")
    ReportingDuty.objects.update(commitment_ref=F("commitment"))


def _readable_old_values(event) -> bool:
    """Old rows kept lists where the history now reads text: the team by username, the bands as dicts."""
    changed = False
    team = event.changes.get("team")
    if isinstance(team, dict):
        for side in ("old", "new"):
            if isinstance(team.get(side), list):
                team[side] = ", ".join(str(name) for name in team[side]) or None
                changed = True
    bands = event.changes.get("bands")
    if isinstance(bands, dict) and isinstance(bands.get("new"), list):
        ordered = sorted(bands["new"], key=lambda b: float(b.get("min_percent", 0)), reverse=True)
        bands["new"] = "; ".join(f"{b.get('label')} từ {b.get('min_percent')} %" for b in ordered)
        changed = True
    return changed


def typed_actions(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for (model, old), new in ACTIONS.items():
        rows = AuditEvent.objects.filter(
            target_type__app_label="targets", target_type__model=model, action=old
        )
        if model == "scoringcycle":
            for event in rows.iterator(chunk_size=2000):
                if _readable_old_values(event):
                    event.save(update_fields=["changes"])
        rows.update(action=new)


def free_text_actions(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for (model, old), new in ACTIONS.items():
        AuditEvent.objects.filter(
            target_type__app_label="targets", target_type__model=model, action=new
        ).update(action=old)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_initial"),
        ("commitments", "0005_status_tallies"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("targets", "0002_actual_reported_by_optional"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="reportingduty", old_name="commitment_id", new_name="commitment_ref"),
        migrations.AddField(
            model_name="reportingduty",
            name="commitment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="target_duties",
                to="commitments.commitment",
                verbose_name="nhiệm vụ nhắc báo cáo",
            ),
        ),
        migrations.RunPython(link_commitments, unlink_commitments),
        migrations.RemoveField(model_name="reportingduty", name="commitment_ref"),
        migrations.AlterField(
            model_name="actual",
            name="annual_target",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="actuals",
                to="targets.annualtarget",
                verbose_name="chỉ tiêu năm",
            ),
        ),
        migrations.AlterField(
            model_name="actual",
            name="reported_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="người báo cáo",
            ),
        ),
        migrations.AlterField(
            model_name="annualtarget",
            name="indicator",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="annual_targets",
                to="targets.indicator",
                verbose_name="chỉ tiêu",
            ),
        ),
        migrations.AlterField(
            model_name="scoringcycle",
            name="scoring_set",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cycles",
                to="targets.scoringset",
                verbose_name="bộ chỉ số",
            ),
        ),
        migrations.RunPython(typed_actions, free_text_actions),
    ]
