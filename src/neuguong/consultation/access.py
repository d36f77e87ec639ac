"""Who may do what with a draft, decided on loaded objects (the QuerySets in `models.py` say the same in
SQL). One place, used by services, selectors, pages and the API.

- The drafting committee: the writers (office staff, secretaries) of the drafting organisation or above
  it; they edit, open, dispose of comments, approve and adopt (`can_manage`).
- The committees above (and the organisation's own readers, inspectors included) oversee: they read every
  comment, the summary and the synthesis (`oversees`).
- The audience, once the draft is put to comment: members of the audience's subtree with an invited
  status, named delegates, and the writers of organisations that may comment collectively (those in the
  audience's subtree, other than the drafting organisation, and named organisations).
"""

from __future__ import annotations

from neuguong.access.scope import scope_for
from neuguong.organizations.models import Organization
from neuguong.people.models import Person

from .facts import AudienceFacts, audience_facts
from .models import CommenterKind, Draft, DraftState

__all__ = ["AudienceFacts", "audience_facts"]


def can_manage(user, draft: Draft) -> bool:
    """The drafting committee: writers of the drafting organisation (or above it)."""
    return scope_for(user).can_write_path(draft.organization.path)


def oversees(user, draft: Draft) -> bool:
    """The drafting committee and the committees above: every comment, the summary and the synthesis."""
    return scope_for(user).can_read_path(draft.organization.path)


def was_put_to_comment(draft: Draft) -> bool:
    return draft.opened_at is not None


def person_commenter_kind(
    draft: Draft, person: Person, *, delegate_ids: set[int] | None = None
) -> str | None:
    """As whom `person` may comment on `draft`: a named delegate, a member of the audience's subtree with
    an invited status, or not at all (None)."""
    if delegate_ids is None:
        delegate_ids = set(draft.delegates.values_list("pk", flat=True))
    if person.pk in delegate_ids:
        return CommenterKind.DELEGATE
    root = draft.audience_root
    if (
        root is not None
        and person.status in draft.invited_statuses
        and person.organization.path.startswith(root.path)
    ):
        return CommenterKind.MEMBER
    return None


def organization_in_audience(draft: Draft, organization: Organization) -> bool:
    """Whether `organization` may send a collective comment: named, or in the audience's subtree (the
    drafting organisation itself excepted: it writes the draft)."""
    if organization.dissolved_on is not None:
        return False
    if draft.invited_organizations.filter(pk=organization.pk).exists():
        return True
    root = draft.audience_root
    return (
        root is not None
        and organization.path.startswith(root.path)
        and organization.pk != draft.organization_id
    )


def commenting_organizations(user, draft: Draft):
    """The organisations the user may send a collective comment for (their secretaries and the office)."""
    from django.db.models import Q

    scope = scope_for(user)
    if not scope.write_paths and not scope.is_global:
        return Organization.objects.none()
    writable = Organization.objects.writable_by(user)
    q = Q(pk__in=draft.invited_organizations.values("pk"))
    if draft.audience_root is not None:
        q |= Q(path__startswith=draft.audience_root.path)
    return writable.filter(q).exclude(pk=draft.organization_id)


def can_enter_for(user, person: Person) -> bool:
    """A secretary (or the office) may enter a comment gathered on paper for a member of their subtree."""
    return scope_for(user).can_write_path(person.organization.path)


def in_audience(user, draft: Draft) -> bool:
    """Whether the user belongs to the draft's audience in any capacity (as a person or for an organisation)."""
    facts = audience_facts(user)
    if facts.person_id:
        person = Person.objects.select_related("organization").get(pk=facts.person_id)
        if person_commenter_kind(draft, person) is not None:
            return True
    return commenting_organizations(user, draft).exists()


def may_read_synthesis(user, draft: Draft) -> bool:
    """The synthesis (dispositions, groups) and the summary: the committee and those above, always; the
    audience once it is approved, and only when the draft publishes it."""
    if oversees(user, draft):
        return True
    return (
        draft.publish_synthesis
        and draft.state in (DraftState.APPROVED, DraftState.ADOPTED)
        and was_put_to_comment(draft)
    )
