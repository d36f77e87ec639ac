"""Typed audit events (issue 12): the actions stored before commitments/events.py get their declared
codes, and a pending extension request no longer reads as a changed deadline."""

from django.db import migrations

from neuguong.audit.migration_ops import rename_actions, reshape_changes

COMMITMENT_ACTIONS = {
    "create": "commitments.created",
    "update": "commitments.updated",
    "report": "commitments.progress_reported",
    "evidence_delete": "commitments.evidence_deleted",
    "report_accept": "commitments.report_accepted",
    "report_return": "commitments.report_returned",
    "complete": "commitments.completed",
    "completion_return": "commitments.completion_returned",
    "extension_request": "commitments.extension_requested",
    "extension_grant": "commitments.extension_granted",
    "extension_refuse": "commitments.extension_refused",
    "halt_suspended": "commitments.suspended",
    "halt_cancelled": "commitments.cancelled",
    "resume": "commitments.resumed",
}


def requests_name_the_requested_deadline(apps, schema_editor):
    """{"deadline": {old, new}} of a request becomes {"requested_deadline": {None, new}}: the deadline
    itself changes only when the request is granted."""

    def reshape(changes, event):
        deadline = changes.pop("deadline", None)
        if deadline is not None:
            changes["requested_deadline"] = {"old": None, "new": deadline.get("new")}
        return changes

    reshape_changes(apps, "commitments", "commitment", "extension_request", reshape)


def requests_back_to_a_deadline_change(apps, schema_editor):
    extension_request = apps.get_model("commitments", "ExtensionRequest")

    def reshape(changes, event):
        requested = changes.pop("requested_deadline", None)
        if requested is not None:
            previous = (
                extension_request.objects.filter(
                    commitment_id=event.target_id, requested_deadline=requested.get("new")
                )
                .values_list("previous_deadline", flat=True)
                .first()
            )
            changes["deadline"] = {"old": previous.isoformat() if previous else None, "new": requested.get("new")}
        return changes

    reshape_changes(apps, "commitments", "commitment", "extension_request", reshape)


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0005_status_tallies"),
        ("audit", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # Reshaped while the rows still carry the old action (and, unapplied, after it is restored).
        migrations.RunPython(requests_name_the_requested_deadline, requests_back_to_a_deadline_change),
        rename_actions(
            {
                ("commitments", "commitment"): COMMITMENT_ACTIONS,
                ("commitments", "workprogram"): {"create": "commitments.program_created"},
                ("commitments", "workprogramitem"): {"create": "commitments.program_item_added"},
                ("commitments", "pledgetemplate"): {
                    "create": "commitments.pledge_template_created",
                    "update": "commitments.pledge_template_updated",
                },
                ("commitments", "pledge"): {"create": "commitments.pledge_registered"},
            }
        ),
    ]
