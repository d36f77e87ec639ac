"""Reporting duties point to their reminder commitment through a protecting foreign key (was a bare integer),
and the audit trail of targets and scoring moves from free-text actions to the typed events of events.py.

A duty whose stored id names no commitment (deleted outside the app) keeps existing, without a link: the
reminder was already gone, and the duty itself (period, deadline) still holds.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F

from neuguong.audit.migration_ops import rename_actions, reshape_changes

# Per model, old free-text action → typed event (targets/events.py).
RENAMES = {
    ("targets", "indicator"): {
        "create": "targets.indicator_created",
        "update": "targets.indicator_updated",
    },
    ("targets", "annualtarget"): {
        "create": "targets.annual_target_set",
        "update": "targets.annual_target_changed",
        "import": "targets.annual_target_imported",
    },
    ("targets", "actual"): {
        "create": "targets.actual_reported",
        "update": "targets.actual_corrected",
        "evidence_add": "targets.actual_evidence_added",
    },
    ("targets", "scoringset"): {
        "import": "targets.scoring_set_imported",
        "create": "targets.scoring_set_copied",
        "publish": "targets.scoring_set_published",
    },
    ("targets", "component"): {
        "update": "targets.component_updated",
    },
    ("targets", "scoringcycle"): {
        "create": "targets.cycle_opened",
        "team_set": "targets.cycle_team_set",
    },
    ("targets", "componentscore"): {
        "self_score": "targets.self_scored",
        "evidence_add": "targets.score_evidence_added",
        "appraise": "targets.appraised",
    },
    ("targets", "agencyassessment"): {
        "submit": "targets.assessment_submitted",
        "reopen": "targets.assessment_reopened",
        "send_for_response": "targets.sent_for_response",
        "respond": "targets.assessment_responded",
        "finalise": "targets.assessment_finalised",
        "import": "targets.survey_score_imported",
    },
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


def _readable_values(changes: dict, event) -> dict:
    """Old rows kept lists where the history now reads text: the team by username, the bands as dicts."""
    team = changes.get("team")
    if isinstance(team, dict):
        changes["team"] = {
            side: (", ".join(str(name) for name in value) or None) if isinstance(value, list) else value
            for side, value in team.items()
        }
    bands = changes.get("bands")
    if isinstance(bands, dict) and isinstance(bands.get("new"), list):
        ordered = sorted(bands["new"], key=lambda b: float(b.get("min_percent", 0)), reverse=True)
        text = "; ".join(f"{b.get('label')} từ {b.get('min_percent')} %" for b in ordered)
        changes["bands"] = {"old": bands.get("old"), "new": text}
    return changes


def readable_cycle_values(apps, schema_editor):
    for action in ("create", "team_set"):
        reshape_changes(apps, "targets", "scoringcycle", action, _readable_values)


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
        migrations.RunPython(readable_cycle_values, migrations.RunPython.noop),
        rename_actions(RENAMES),
    ]
