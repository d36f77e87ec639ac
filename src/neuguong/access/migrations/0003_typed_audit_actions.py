"""Typed audit events (issue 12): "role_grant" becomes "access.role_granted", and its "role@code" value
becomes the user, the role and the organisation, read with their names and labels."""

from django.db import migrations

from neuguong.audit.migration_ops import rename_actions, reshape_changes


def grants_read_with_names(apps, schema_editor):
    organizations = dict(apps.get_model("organizations", "Organization").objects.values_list("code", "pk"))
    assignment = apps.get_model("access", "RoleAssignment")

    def reshape(changes, event):
        role = (changes.get("role") or {}).get("new")
        if not isinstance(role, str) or "@" not in role:
            return changes
        role, code = role.split("@", 1)
        changes["role"] = {"old": None, "new": role}
        changes["organization"] = {"old": None, "new": organizations.get(code, code)}
        user_id = assignment.objects.filter(pk=event.target_id).values_list("user_id", flat=True).first()
        if user_id is not None:
            changes["user"] = {"old": None, "new": user_id}
        return changes

    reshape_changes(apps, "access", "roleassignment", "role_grant", reshape)


def grants_back_to_role_at_code(apps, schema_editor):
    codes = {pk: code for code, pk in apps.get_model("organizations", "Organization").objects.values_list("code", "pk")}

    def reshape(changes, event):
        organization = changes.pop("organization", None)
        changes.pop("user", None)
        if organization is not None and changes.get("role"):
            org = organization.get("new")
            changes["role"] = {"old": None, "new": f"{changes['role'].get('new')}@{codes.get(org, org)}"}
        return changes

    reshape_changes(apps, "access", "roleassignment", "role_grant", reshape)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0002_initial"),
        ("organizations", "0002_initial"),
        ("audit", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(grants_read_with_names, grants_back_to_role_at_code),
        rename_actions({("access", "roleassignment"): {"role_grant": "access.role_granted"}}),
    ]
