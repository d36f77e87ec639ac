"""A role grant is an audit event read in Vietnamese: the account, the role's label, the organisation."""

from neuguong.access.events import AccessEvent
from neuguong.access.services import role_grant
from neuguong.audit.models import AuditEvent
from neuguong.audit.selectors import history_for


def test_a_role_grant_is_recorded_with_names_and_labels(tree):
    _, assignment = role_grant(actor=tree.staff, username="bt_b", role="secretary", organization=tree.org_b)
    event = AuditEvent.objects.get(action=AccessEvent.ROLE_GRANTED)
    assert (event.actor, event.org_path) == (tree.staff, tree.org_b.path)
    [row] = history_for(assignment)
    assert row["action_label"] == "Phân quyền"
    assert {c["field"]: c["new"] for c in row["changes"]} == {
        "Tài khoản": "bt_b",
        "Vai trò": "Bí thư / cấp ủy",
        "Phạm vi": tree.org_b.name,
    }
