"""Reads of consultations, always through `Draft.objects.visible_to(user)` / `Comment.objects.visible_to`.

`draft_summary` is THE figures of a consultation: the page, the synthesis report (DOCX, PDF), its XLSX
annex and `GET /api/v1/drafts/{id}/summary` all read it (a test compares them)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from neuguong.organizations.models import Organization
from neuguong.people.models import Person

from . import access
from .models import (
    Comment,
    CommenterKind,
    CommentGroup,
    DispositionKind,
    Draft,
    DraftKind,
    DraftState,
    DraftVersion,
    Section,
    Stance,
)

DRAFT_SORTS = {
    "-opens": ("-opens_at", "-id"),
    "opens": ("opens_at", "id"),
    "closes": ("closes_at", "id"),
    "title": ("title_folded", "id"),
    "state": ("state", "-opens_at"),
}
COMMENT_SORTS = {
    "section": ("section__position", "id"),
    "new": ("-created_at", "-id"),
    "old": ("created_at", "id"),
    "commenter": ("organization__name_folded", "id"),
}
UNDISPOSED = "none"  # the filter and the API's key for comments without an answer yet


def _plausible_id(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


# ------------------------------------------------------------------------------------------- drafts
def draft_list(
    *,
    user,
    query: str = "",
    state: str = "",
    kind: str = "",
    organization: Organization | None = None,
    year: int | None = None,
    sort: str = "-opens",
):
    """Drafts the user may open, filtered; newest window first by default."""
    qs = Draft.objects.visible_to(user).select_related("organization", "current_version")
    if query:
        qs = qs.search(query)
    if state in DraftState.values:
        qs = qs.filter(state=state)
    if kind in DraftKind.values:
        qs = qs.filter(kind=kind)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    if year:
        qs = qs.filter(opens_at__year=year)
    return qs.annotate(comment_count=Count("comments")).order_by(
        *DRAFT_SORTS.get(sort, DRAFT_SORTS["-opens"])
    )


def draft_get(*, user, draft_id) -> Draft:
    """The draft, or 404 when it does not exist or the user may not open it."""
    pk = _plausible_id(draft_id)
    if pk is None:
        raise Http404
    draft = (
        Draft.objects.visible_to(user)
        .select_related(
            "organization", "audience_root", "current_version", "consulted_version", "adopted_document"
        )
        .filter(pk=pk)
        .first()
    )
    if draft is None:
        raise Http404
    return draft


def draft_for_manage(*, user, draft_id) -> Draft:
    """The draft for its drafting committee's pages (404 for anyone else, like a missing draft)."""
    draft = draft_get(user=user, draft_id=draft_id)
    if not access.can_manage(user, draft):
        raise Http404
    return draft


def draft_for_oversight(*, user, draft_id) -> Draft:
    """The draft for the pages of every comment and the synthesis: the committee and those above."""
    draft = draft_get(user=user, draft_id=draft_id)
    if not access.oversees(user, draft):
        raise Http404
    return draft


def version_get(*, draft: Draft, number) -> DraftVersion:
    number = _plausible_id(number)
    version = draft.versions.filter(number=number).first() if number else None
    if version is None:
        raise Http404
    return version


def section_get(*, draft: Draft, section_id) -> Section:
    """A section of one of the draft's versions (404 otherwise)."""
    pk = _plausible_id(section_id)
    section = (
        Section.objects.select_related("version").filter(pk=pk, version__draft=draft).first() if pk else None
    )
    if section is None:
        raise Http404
    return section


def section_lookup(*, draft: Draft, section_id) -> Section | None:
    """For the API: the section named by id among the draft's versions, else None (the service then says
    so); another draft's section is answered exactly like a missing one."""
    pk = _plausible_id(section_id)
    return (
        Section.objects.select_related("version").filter(pk=pk, version__draft=draft).first() if pk else None
    )


def sections_of(version: DraftVersion) -> list[Section]:
    return list(version.sections.order_by("position", "pk"))


def full_labels(sections: list[Section]) -> dict[int, str]:
    """Each section named with the numbers of the sections above it, so that two "1." read apart:
    "II › 1. Quan điểm", "III › 1. Nâng cao nhận thức…", "Chương I › Điều 1. Phạm vi điều chỉnh"."""
    by_pk = {s.pk: s for s in sections}
    labels: dict[int, str] = {}
    for section in sections:
        numbers = []
        parent = by_pk.get(section.parent_id) if section.parent_id else None
        while parent is not None:
            numbers.append(parent.number.rstrip(".") or parent.label[:40])
            parent = by_pk.get(parent.parent_id) if parent.parent_id else None
        labels[section.pk] = " › ".join([*reversed(numbers), section.label])
    return labels


def section_descendants(section: Section) -> list[Section]:
    """The sections inside `section`, in reading order (one query)."""
    sections = sections_of(section.version)
    inside: set[int] = {section.pk}
    found = []
    for item in sections:
        if item.parent_id in inside:
            inside.add(item.pk)
            found.append(item)
    return found


def nested_sections(version: DraftVersion) -> list[dict]:
    """The sections as given: [{id, number, title, text, children}] (the API's shape)."""
    rows: dict[int | None, list[dict]] = defaultdict(list)
    for section in sections_of(version):
        rows[section.parent_id].append(
            {
                "id": section.pk,
                "number": section.number,
                "title": section.title,
                "text": section.text,
                "children": [],
                "_pk": section.pk,
            }
        )
    for items in rows.values():
        for item in items:
            item["children"] = rows.get(item["_pk"], [])
    for items in rows.values():
        for item in items:
            item.pop("_pk", None)
    return rows.get(None, [])


# ------------------------------------------------------------------------------------------- audience
def _invited_people(draft: Draft):
    """Members of the audience's subtree with an invited status (named delegates are counted apart)."""
    statuses = draft.invited_statuses
    if draft.audience_root is None or not statuses:
        return Person.objects.none()
    return Person.objects.filter(
        organization__path__startswith=draft.audience_root.path, status__in=statuses
    ).exclude(pk__in=draft.delegates.values("pk"))


def invited_counts(draft: Draft) -> dict[str, int]:
    """Members invited per organisation (id → count), and the named delegates under "delegates"."""
    counts = {
        str(row["organization_id"]): row["n"]
        for row in _invited_people(draft).values("organization_id").annotate(n=Count("pk")).order_by()
    }
    counts["delegates"] = draft.delegates.count()
    return counts


def audience_size(draft: Draft) -> dict:
    """The audience in numbers (as it was when put to comment; else as it would be now)."""
    counts = draft.invited_counts if draft.opened_at else invited_counts(draft)
    members = sum(n for key, n in counts.items() if key != "delegates")
    organizations = len(participation_units(draft))
    return {"members": members, "delegates": counts.get("delegates", 0), "organizations": organizations}


@dataclass
class Unit:
    """A row of the participation table: an organisation directly under the audience's root (with its
    subtree), a named organisation, or the named delegates."""

    key: str
    name: str
    path: str = ""
    invited: int = 0
    members_commented: int = 0
    collective: int = 0
    participants: int = 0
    comments: int = 0

    @property
    def share(self) -> float | None:
        return self.members_commented / self.invited if self.invited else None

    @property
    def took_part(self) -> bool:
        return bool(self.comments)


def participation_units(draft: Draft) -> list[Unit]:
    """The rows of the participation table: the members directly in the audience's root organisation (when
    it is not the drafting one, or has no organisations under it), each organisation directly under it,
    each named organisation outside that subtree, and the named delegates."""
    units: list[Unit] = []
    root = draft.audience_root
    if root is not None:
        children = list(Organization.objects.filter(parent=root).order_by("name_folded"))
        if root.pk != draft.organization_id or not children:
            units.append(Unit(key=f"root{root.pk}", name=root.name, path=f"={root.path}"))
        units += [Unit(key=str(o.pk), name=o.name, path=o.path) for o in children]
    covered = [root.path] if root is not None else []
    for organization in draft.invited_organizations.order_by("name_folded"):
        if not any(organization.path.startswith(path) for path in covered):
            units.append(Unit(key=str(organization.pk), name=organization.name, path=organization.path))
    if draft.delegates.exists():
        units.append(Unit(key="delegates", name="Đại biểu được mời"))
    return units


def _unit_for(units: list[Unit], path: str) -> Unit | None:
    """The unit an organisation (by path) is counted in: the exact root row, else the deepest unit above."""
    best = None
    for unit in units:
        if unit.path.startswith("="):
            if path == unit.path[1:]:
                return unit
        elif unit.path and path.startswith(unit.path) and (best is None or len(unit.path) > len(best.path)):
            best = unit
    return best


def participation(draft: Draft) -> list[Unit]:
    """Invited, commented and share per unit, in four queries whatever the audience's size. Organisations
    dissolved since, with nobody invited and no comment, are left out."""
    units = participation_units(draft)
    counts = draft.invited_counts if draft.opened_at else invited_counts(draft)
    delegates = next((u for u in units if u.key == "delegates"), None)
    if delegates is not None:
        delegates.invited = counts.get("delegates", 0)
    org_ids = [int(key) for key in counts if key != "delegates"]
    paths = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "path")) if org_ids else {}
    for key, n in counts.items():
        unit = None if key == "delegates" else _unit_for(units, paths.get(int(key), ""))
        if unit is not None:
            unit.invited += n
    rows = (
        Comment.objects.filter(draft=draft)
        .values("organization__path", "commenter_kind")
        .annotate(n=Count("pk"), p=Sum("participant_count"))
        .order_by()
    )
    for row in rows:
        kind = row["commenter_kind"]
        unit = delegates if kind == CommenterKind.DELEGATE else _unit_for(units, row["organization__path"])
        if unit is None:
            continue
        unit.comments += row["n"]
        if kind == CommenterKind.ORGANIZATION:
            unit.collective += row["n"]
            unit.participants += row["p"] or 0
    # A member is counted once in their unit, whatever the number of sections they commented on.
    people = (
        Comment.objects.filter(draft=draft, person__isnull=False)
        .values_list("person_id", "organization__path", "commenter_kind")
        .distinct()
        .order_by()
    )
    seen: dict[str, set[int]] = defaultdict(set)
    for person_id, path, kind in people:
        unit = delegates if kind == CommenterKind.DELEGATE else _unit_for(units, path)
        if unit is not None:
            seen[unit.key].add(person_id)
    for unit in units:
        unit.members_commented = len(seen.get(unit.key, ()))
    dissolved = set(
        Organization.objects.filter(
            pk__in=[int(u.key) for u in units if u.key.isdigit()], dissolved_on__isnull=False
        ).values_list("pk", flat=True)
    )
    return [u for u in units if u.invited or u.comments or not (u.key.isdigit() and int(u.key) in dissolved)]


# -------------------------------------------------------------------------------------------- summary
@dataclass
class SectionFigures:
    section: Section | None  # None: the whole draft
    label: str
    depth: int = 0
    full_label: str = "Toàn bộ dự thảo"  # with the numbers of the sections above it
    total: int = 0
    stance: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Stance.values, 0))
    disposition: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys([*DispositionKind.values, UNDISPOSED], 0)
    )


@dataclass
class Summary:
    draft: Draft
    total: int
    stance: dict[str, int]
    disposition: dict[str, int]
    commenter_kind: dict[str, int]
    on_paper: int
    participants: int
    sections: list[SectionFigures]
    units: list[Unit]

    @property
    def disposed(self) -> int:
        return self.total - self.disposition[UNDISPOSED]

    @property
    def organizations_invited(self) -> int:
        return sum(1 for u in self.units if u.key != "delegates")

    @property
    def organizations_took_part(self) -> int:
        return sum(1 for u in self.units if u.key != "delegates" and u.took_part)

    @property
    def members_invited(self) -> int:
        return sum(u.invited for u in self.units)

    @property
    def members_commented(self) -> int:
        return sum(u.members_commented for u in self.units)


def draft_summary(draft: Draft) -> Summary:
    """Every count of the consultation: by stance, by answer, by commenter, by section of the version put
    to comment (and the whole draft), and the participation by organisation."""
    version = draft.consulted_version or draft.current_version
    sections = sections_of(version) if version else []
    whole = SectionFigures(section=None, label="Toàn bộ dự thảo")
    labels = full_labels(sections)
    rows = {None: whole} | {s.pk: SectionFigures(section=s, label=s.label, depth=s.depth) for s in sections}
    for pk, figures in rows.items():
        if pk is not None:
            figures.full_label = labels[pk]
    stance = dict.fromkeys(Stance.values, 0)
    disposition = dict.fromkeys([*DispositionKind.values, UNDISPOSED], 0)
    kinds = dict.fromkeys(CommenterKind.values, 0)
    on_paper = participants = total = 0
    grouped = (
        Comment.objects.filter(draft=draft)
        .values("section_id", "stance", "disposition", "commenter_kind", "on_paper")
        .annotate(n=Count("pk"), p=Sum("participant_count"))
        .order_by()
    )
    for row in grouped:
        n = row["n"]
        answer = row["disposition"] or UNDISPOSED
        of_section = rows.get(row["section_id"])
        if of_section is not None:
            of_section.total += n
            of_section.stance[row["stance"]] += n
            of_section.disposition[answer] += n
        total += n
        stance[row["stance"]] += n
        disposition[answer] += n
        kinds[row["commenter_kind"]] += n
        # Paper forms of members (an organisation's written submission is counted with the collective ones).
        on_paper += n if row["on_paper"] and row["commenter_kind"] != CommenterKind.ORGANIZATION else 0
        participants += row["p"] or 0
    return Summary(
        draft=draft,
        total=total,
        stance=stance,
        disposition=disposition,
        commenter_kind=kinds,
        on_paper=on_paper,
        participants=participants,
        sections=[whole, *(rows[s.pk] for s in sections)],
        units=participation(draft),
    )


def summary_data(summary: Summary) -> dict:
    """The summary as plain data: the API's answer, and what the tests compare with the page and files."""
    return {
        "draft": summary.draft.pk,
        "total": summary.total,
        "stance": dict(summary.stance),
        "disposition": dict(summary.disposition),
        "commenter_kind": dict(summary.commenter_kind),
        "on_paper": summary.on_paper,
        "participants": summary.participants,
        "organizations_invited": summary.organizations_invited,
        "organizations_took_part": summary.organizations_took_part,
        "members_invited": summary.members_invited,
        "members_commented": summary.members_commented,
        "sections": [
            {
                "id": row.section.pk if row.section else None,
                "label": row.label,
                "total": row.total,
                "stance": dict(row.stance),
                "disposition": dict(row.disposition),
            }
            for row in summary.sections
        ],
        "participation": [
            {
                "organization": unit.name,
                "invited": unit.invited,
                "members_commented": unit.members_commented,
                "share": round(unit.share, 4) if unit.share is not None else None,
                "collective": unit.collective,
                "participants": unit.participants,
                "comments": unit.comments,
            }
            for unit in summary.units
        ],
    }


# ------------------------------------------------------------------------------------------- comments
def comment_list(
    *,
    user,
    draft: Draft,
    section: Section | str | None = "",
    stance: str = "",
    disposition: str = "",
    commenter_kind: str = "",
    query: str = "",
    sort: str = "section",
):
    """The draft's comments the user may read (every one for the committee and those above), filtered;
    `section` "" for all, None for those on the whole draft."""
    qs = (
        Comment.objects.visible_to(user)
        .filter(draft=draft)
        .select_related(
            "section", "person", "organization", "revised_section__version", "group", "entered_by"
        )
    )
    if section is None:
        qs = qs.filter(section__isnull=True)
    elif isinstance(section, Section):
        qs = qs.filter(section=section)
    if stance in Stance.values:
        qs = qs.filter(stance=stance)
    if disposition == UNDISPOSED:
        qs = qs.filter(disposition="")
    elif disposition in DispositionKind.values:
        qs = qs.filter(disposition=disposition)
    if commenter_kind in CommenterKind.values:
        qs = qs.filter(commenter_kind=commenter_kind)
    if query:
        from neuguong.core.text import without_nul

        words = without_nul(query).strip()[:100]
        qs = qs.filter(
            Q(text__icontains=words)
            | Q(organization__name__icontains=words)
            | Q(person__full_name__icontains=words)
        )
    return qs.order_by(*COMMENT_SORTS.get(sort, COMMENT_SORTS["section"]))


def my_comments(*, user, draft: Draft):
    """What the user wrote or entered, and their organisations' collective comments."""
    from neuguong.access.scope import scope_for

    scope = scope_for(user)
    q = Q(entered_by=user)
    if scope.person_id:
        q |= Q(person_id=scope.person_id)
    if scope.write_paths:
        paths = Q(pk__in=[])
        for path in scope.write_paths:
            paths |= Q(organization__path__startswith=path)
        q |= Q(commenter_kind=CommenterKind.ORGANIZATION) & paths
    return (
        Comment.objects.filter(draft=draft)
        .filter(q)
        .select_related("section", "person", "organization", "revised_section")
        .order_by("section__position", "id")
    )


def comment_get(*, user, draft: Draft, comment_id) -> Comment:
    pk = _plausible_id(comment_id)
    comment = (
        Comment.objects.visible_to(user)
        .select_related("section", "person", "organization", "revised_section__version", "version", "group")
        .filter(pk=pk, draft=draft)
        .first()
        if pk
        else None
    )
    if comment is None:
        raise Http404
    return comment


def comment_counts_by_section(draft: Draft) -> dict[int | None, int]:
    return dict(
        Comment.objects.filter(draft=draft).values_list("section_id").annotate(n=Count("pk")).order_by()
    )


def groups_of(draft: Draft):
    return (
        CommentGroup.objects.filter(draft=draft)
        .select_related("section")
        .annotate(size=Count("comments"))
        .order_by("section__position", "id")
    )


@dataclass
class SynthesisBlock:
    """One section's comments in the synthesis: its groups (each with its comments) and the comments alone."""

    figures: SectionFigures
    groups: list[tuple[CommentGroup, list[Comment]]]
    comments: list[Comment]


def synthesis(draft: Draft, summary: Summary | None = None) -> list[SynthesisBlock]:
    """The synthesis section by section (the whole draft first), in two queries."""
    summary = summary or draft_summary(draft)
    comments = list(
        Comment.objects.filter(draft=draft)
        .select_related("person", "organization", "group", "revised_section__version")
        .order_by("group_id", "id")
    )
    by_section: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in comments:
        by_section[comment.section_id].append(comment)
    blocks = []
    for figures in summary.sections:
        key = figures.section.pk if figures.section else None
        items = by_section.get(key, [])
        if not items:
            continue
        groups: dict[int, tuple[CommentGroup, list[Comment]]] = {}
        alone = []
        for comment in items:
            if comment.group is not None:
                groups.setdefault(comment.group.pk, (comment.group, []))[1].append(comment)
            else:
                alone.append(comment)
        blocks.append(SynthesisBlock(figures=figures, groups=list(groups.values()), comments=alone))
    return blocks


def group_disposition(comments: list[Comment]) -> str:
    """A group's answer when all its comments share it, else "" (mixed or not yet answered)."""
    kinds = {c.disposition for c in comments}
    return kinds.pop() if len(kinds) == 1 else ""


# ---------------------------------------------------------------------------------------------- diff
_TOKENS = re.compile(r"\s+|[^\s]+")
DIFF_TOKEN_LIMIT = 4_000_000  # above (old tokens × new tokens) the text is compared line by line


def inline_diff(old: str, new: str) -> SafeString:
    """The new text with what was removed struck through and what was added underlined (escaped)."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    if len(a) * len(b) > DIFF_TOKEN_LIMIT:
        a, b = (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            out.append(f'<del class="diff-del">{escape("".join(a[i1:i2]))}</del>')
        if tag in ("insert", "replace"):
            out.append(f'<ins class="diff-ins">{escape("".join(b[j1:j2]))}</ins>')
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


@dataclass
class DiffRow:
    change: str  # same | changed | added | removed
    old: Section | None
    new: Section | None
    depth: int
    head: SafeString
    body: SafeString

    @property
    def label(self) -> str:
        return (self.new or self.old).label  # type: ignore[union-attr]


CHANGE_LABELS = {"same": "Không đổi", "changed": "Sửa", "added": "Thêm mới", "removed": "Bỏ"}


def _head(section: Section) -> str:
    return " ".join(part for part in (section.number, section.title) if part)


def version_diff(old: DraftVersion, new: DraftVersion) -> list[DiffRow]:
    """The differences section by section: each section of the new version against the one it came from
    (through the versions in between), and the old sections that were dropped, where they stood."""
    old_sections = sections_of(old)
    new_sections = sections_of(new)
    ancestry = _origin_map(old, new) if new.number > old.number else {}
    matched_old: dict[int, Section] = {}
    rows: list[DiffRow] = []
    old_by_pk = {s.pk: s for s in old_sections}
    for section in new_sections:
        origin_pk = ancestry.get(section.pk)
        before = old_by_pk.get(origin_pk) if origin_pk else None
        if before is None:
            rows.append(
                DiffRow(
                    "added",
                    None,
                    section,
                    section.depth,
                    inline_diff("", _head(section)),
                    inline_diff("", section.text),
                )
            )
            continue
        matched_old[before.pk] = section
        same = _head(before) == _head(section) and before.text == section.text
        rows.append(
            DiffRow(
                "same" if same else "changed",
                before,
                section,
                section.depth,
                inline_diff(_head(before), _head(section)),
                inline_diff(before.text, section.text),
            )
        )
    # Dropped sections, each after the row of the nearest kept section before it.
    for index, section in enumerate(old_sections):
        if section.pk in matched_old:
            continue
        removed = DiffRow(
            "removed",
            section,
            None,
            section.depth,
            inline_diff(_head(section), ""),
            inline_diff(section.text, ""),
        )
        anchor = next(
            (matched_old[s.pk] for s in reversed(old_sections[:index]) if s.pk in matched_old), None
        )
        position = 0 if anchor is None else next(i for i, r in enumerate(rows) if r.new is anchor) + 1
        while position < len(rows) and rows[position].change == "removed":
            position += 1
        rows.insert(position, removed)
    return rows


def _origin_map(old: DraftVersion, new: DraftVersion) -> dict[int, int]:
    """For each section of `new`, the section of `old` it descends from (one query per version between)."""
    current = dict(new.sections.values_list("pk", "origin_id"))
    if new.number - old.number <= 1:
        return {pk: origin for pk, origin in current.items() if origin}
    mapping: dict[int, int | None] = dict(current)
    for _ in range(new.number - old.number - 1):
        origins = dict(
            Section.objects.filter(pk__in=[o for o in mapping.values() if o]).values_list("pk", "origin_id")
        )
        mapping = {pk: origins.get(o) if o else None for pk, o in mapping.items()}
    return {pk: o for pk, o in mapping.items() if o}


# --------------------------------------------------------------------------------------- for the home
def open_for_me(*, user, now: dt.datetime, limit: int = 5) -> list[Draft]:
    """Drafts put to the user for comment whose window is open now, soonest deadline first."""
    return list(
        Draft.objects.visible_to(user)
        .filter(state=DraftState.OPEN, opens_at__lte=now, closes_at__gt=now)
        .select_related("organization")
        .order_by("closes_at")[:limit]
    )


def awaiting_answers(*, user, limit: int = 5) -> list[Draft]:
    """Drafts the user's committee must still answer comments of (closed or in synthesis)."""
    from neuguong.access.scope import scope_for

    scope = scope_for(user)
    if not scope.write_paths and not scope.is_global:
        return []
    return list(
        Draft.objects.filter(scope.write_q("organization__path"))
        .filter(state__in=[DraftState.OPEN, DraftState.CLOSED, DraftState.SYNTHESIS])
        .annotate(waiting=Count("comments", filter=Q(comments__disposition="")))
        .filter(waiting__gt=0)
        .select_related("organization")
        .order_by("closes_at")[:limit]
    )


# ------------------------------------------------------------------------------------------- the page
@dataclass
class DraftPage:
    """What the draft's page shows to this user (one selector; the view only renders it)."""

    draft: Draft
    version: DraftVersion | None
    versions: list[DraftVersion]
    sections: list[Section]
    state: tuple[str, str]
    manage: bool
    oversees: bool
    accepting: bool
    editable: bool
    comment_as: str | None  # the user's own commenter kind, if in the audience
    organizations: list[Organization]
    may_enter_paper: bool
    mine: list[Comment]
    mine_by_section: dict[int | None, Comment]
    counts: dict[int | None, int]
    summary: Summary | None
    synthesis_readable: bool
    audience: dict
    time_left: str


def draft_page(*, user, draft: Draft, now: dt.datetime, version_number=None) -> DraftPage:
    from neuguong.access.scope import scope_for

    from . import rules

    manage = access.can_manage(user, draft)
    oversees = access.oversees(user, draft)
    versions = list(draft.versions.order_by("number")) if oversees else []
    version = draft.consulted_version or draft.current_version
    if oversees:
        version = draft.current_version
        if version_number is not None:
            version = next((v for v in versions if str(v.number) == str(version_number)), None)
            if version is None:
                raise Http404
    elif draft.state == DraftState.ADOPTED:
        version = draft.current_version  # the adopted text is the audience's to read too
    facts = access.audience_facts(user)
    comment_as = own_commenter_kind(user=user, draft=draft)
    organizations = list(access.commenting_organizations(user, draft)[:50]) if draft.opened_at else []
    mine = list(my_comments(user=user, draft=draft)) if draft.opened_at else []
    if oversees:
        # The committee reads every comment on its own page; here only what the user said as a member.
        mine = [c for c in mine if c.person_id and c.person_id == facts.person_id]
    editable = False
    if manage and version is not None and version.pk == draft.current_version_id:
        editable = draft.state in (DraftState.DRAFTING, DraftState.CLOSED, DraftState.SYNTHESIS) and (
            draft.consulted_version_id != version.pk
        )
    scope = scope_for(user)
    return DraftPage(
        draft=draft,
        version=version,
        versions=versions,
        sections=sections_of(version) if version else [],
        state=rules.display_state(draft, now),
        manage=manage,
        oversees=oversees,
        accepting=rules.accepts_comments(draft, now),
        editable=editable,
        comment_as=comment_as,
        organizations=organizations,
        may_enter_paper=bool(scope.write_paths) and draft.opened_at is not None,
        mine=mine,
        mine_by_section={c.section_id: c for c in mine if c.commenter_kind != CommenterKind.ORGANIZATION},
        counts=comment_counts_by_section(draft) if oversees else {},
        summary=draft_summary(draft) if oversees and draft.opened_at else None,
        synthesis_readable=access.may_read_synthesis(user, draft) and draft.opened_at is not None,
        audience=audience_size(draft) if oversees else {},
        time_left=rules.time_left(draft.closes_at, now) if draft.state == DraftState.OPEN else "",
    )


def own_commenter_kind(*, user, draft: Draft) -> str | None:
    """As whom the user may comment on the draft in person (member or delegate), or None."""
    facts = access.audience_facts(user)
    if not facts.person_id or not draft.opened_at:
        return None
    person = Person.objects.select_related("organization").get(pk=facts.person_id)
    return access.person_commenter_kind(draft, person)


def paper_people(*, user, draft: Draft):
    """The members a secretary may enter paper comments for: the audience's members in their subtrees."""
    from neuguong.access.scope import scope_for

    scope = scope_for(user)
    people = Person.objects.filter(scope.write_q("organization__path")).select_related("organization")
    audience = Q(pk__in=draft.delegates.values("pk"))
    if draft.audience_root is not None and draft.invited_statuses:
        audience |= Q(
            organization__path__startswith=draft.audience_root.path, status__in=draft.invited_statuses
        )
    return people.filter(audience)


# ------------------------------------------------------------------------------------------ after adoption
TARGET_HEADINGS = ("chi tieu",)
TASK_HEADINGS = ("nhiem vu", "giai phap")


@dataclass
class AdoptedRow:
    """A section of the adopted text on the "after adoption" page: whether it reads like a target (a point
    under a "Chỉ tiêu" heading) or a task (an item under "Nhiệm vụ, giải pháp"), and what it already became."""

    section: Section
    label: str
    name: str
    unit: str
    target: bool
    task: bool
    indicator: object | None


def _under(section: Section, by_pk: dict[int, Section], words: tuple[str, ...], *, itself: bool) -> bool:
    from neuguong.core.text import fold

    node: Section | None = section if itself else by_pk.get(section.parent_id or 0)
    while node is not None:
        if fold(node.title).startswith(words):
            return True
        node = by_pk.get(node.parent_id or 0)
    return False


def _is_task(section: Section, by_pk: dict[int, Section]) -> bool:
    """An item right under a "Nhiệm vụ, giải pháp" heading."""
    from neuguong.core.text import fold

    parent = by_pk.get(section.parent_id or 0)
    return parent is not None and fold(parent.title).startswith(TASK_HEADINGS)


def adopted_rows(draft: Draft) -> list[AdoptedRow]:
    """The adopted version's sections in reading order, with what each suggests and what it became (two
    queries)."""
    from .models import AdoptedIndicator

    sections = sections_of(draft.current)
    by_pk = {s.pk: s for s in sections}
    parents = {s.parent_id for s in sections if s.parent_id}
    labels = full_labels(sections)
    made = {
        link.section_id: link.indicator
        for link in AdoptedIndicator.objects.filter(draft=draft).select_related("indicator")
    }
    rows = []
    for section in sections:
        words = section.title or section.text.split("\n", 1)[0]
        rows.append(
            AdoptedRow(
                section=section,
                label=labels[section.pk],
                name=words[:500],
                unit="%" if "%" in f"{section.title} {section.text}" else "",
                target=section.pk not in parents and _under(section, by_pk, TARGET_HEADINGS, itself=True),
                task=_is_task(section, by_pk),
                indicator=made.get(section.pk),
            )
        )
    return rows
