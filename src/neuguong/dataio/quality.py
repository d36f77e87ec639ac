"""Data-quality report: the checks, each a queryset over what the user may see, counted per organisation."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, F, Func, OuterRef, Q, Value
from django.db.models.functions import Replace, Upper

from neuguong.organizations.models import BRANCH_KINDS, Organization, OrgKind, path_ids
from neuguong.people.models import ACTIVE_MEMBER_STATUSES, Person, PersonStatus

# Quy định về tổ chức cơ sở đảng: a branch needs ≥ 3 official members; ≥ 9 official members elect a
# branch committee (chi ủy); a grassroots branch with ≥ 30 members should become a đảng bộ cơ sở.
MIN_BRANCH_OFFICIAL = 3
BRANCH_COMMITTEE_FROM = 9
GRASSROOTS_COMMITTEE_FROM = 30


# Card numbers typed by hand or pasted from other systems: separators, case, leading zeros and full-width
# digits (Vietnamese IMEs) make "0011110001", "11 110 001" and "１１１１０００１" one card to a person, but
# three distinct values to the unique constraint. The duplicate check compares this key instead.
CARD_SEPARATORS = (" ", "\u00a0", "\t", ".", "-", "_", "/")
FULLWIDTH_DIGITS = tuple((chr(0xFF10 + d), str(d)) for d in range(10))


def card_key(value: str) -> str:
    """Python twin of `card_key_expr` (the SQL one is what the report uses)."""
    for sep in CARD_SEPARATORS:
        value = value.replace(sep, "")
    for wide, digit in FULLWIDTH_DIGITS:
        value = value.replace(wide, digit)
    return value.upper().lstrip("0")


def card_key_expr(field: str = "card_number"):
    """The normalised card number as one SQL expression (same result on SQLite and PostgreSQL)."""
    expr: F | Replace = F(field)
    for sep in CARD_SEPARATORS:
        expr = Replace(expr, Value(sep), Value(""))
    for wide, digit in FULLWIDTH_DIGITS:
        expr = Replace(expr, Value(wide), Value(digit))
    return Func(Upper(expr), Value("0"), function="LTRIM", output_field=CharField())


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    subject: str  # "people" | "organizations"


CHECKS = (
    Check("no_card", "Đảng viên chưa có số thẻ", "people"),
    Check("duplicate_card", "Số thẻ đảng viên bị trùng", "people"),
    Check("duplicate_citizen_id", "Số CCCD bị trùng", "people"),
    Check("duplicate_person", "Nghi trùng người (cùng họ tên và ngày sinh)", "people"),
    Check("official_without_date", "Đảng viên chính thức thiếu ngày chính thức", "people"),
    Check("small_branch", f"Chi bộ có dưới {MIN_BRANCH_OFFICIAL} đảng viên chính thức", "organizations"),
    Check(
        "branch_without_committee",
        f"Chi bộ có từ {BRANCH_COMMITTEE_FROM} đảng viên chính thức nhưng chưa ghi nhận chi ủy",
        "organizations",
    ),
    Check(
        "large_grassroots_branch",
        f"Chi bộ cơ sở có từ {GRASSROOTS_COMMITTEE_FROM} đảng viên (nên thành lập đảng bộ cơ sở)",
        "organizations",
    ),
)
CHECKS_BY_KEY = {c.key: c for c in CHECKS}


def _people(user, root: Organization | None):
    from neuguong.access.scope import scope_for

    qs = Person.objects.filter(scope_for(user).read_q("organization__path"))
    if root is not None:
        qs = qs.filter(organization__path__startswith=root.path)
    return qs


def _orgs(user, root: Organization | None):
    qs = Organization.objects.visible_to(user).active()
    if root is not None:
        qs = qs.subtree_of(root)
    return qs


def check_rows(key: str, *, user, root: Organization | None = None):
    """The rows a check flags (people or organisations), ordered for display."""
    people = _people(user, root)
    if key == "no_card":
        return people.filter(status__in=ACTIVE_MEMBER_STATUSES, card_number="").order_by(
            "organization__path", "name_folded"
        )
    # Duplicates are looked for among the rows the user may see (and under the chosen root) only: a row is
    # never flagged because of a record in an organisation the user cannot read. Each check is one query
    # (the grouping is a subquery), whatever the number of rows.
    if key == "duplicate_card":
        keyed = people.exclude(card_number="").annotate(card_key=card_key_expr())
        dupes = (
            keyed.exclude(card_key="")
            .order_by()
            .values("card_key")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values("card_key")
        )
        return keyed.filter(card_key__in=dupes).order_by("card_key", "name_folded", "pk")
    if key == "duplicate_citizen_id":
        keyed = people.exclude(citizen_id="").annotate(
            citizen_key=Replace(F("citizen_id"), Value(" "), Value(""))
        )
        dupes = (
            keyed.order_by()
            .values("citizen_key")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values("citizen_key")
        )
        return keyed.filter(citizen_key__in=dupes).order_by("citizen_key", "name_folded", "pk")
    if key == "duplicate_person":
        # The same person entered twice (e.g. in two organisations, with a different or missing card number).
        twin = people.filter(
            name_folded=OuterRef("name_folded"), date_of_birth=OuterRef("date_of_birth")
        ).exclude(pk=OuterRef("pk"))
        return (
            people.filter(date_of_birth__isnull=False)
            .exclude(name_folded="")
            .filter(Exists(twin))
            .order_by("name_folded", "date_of_birth", "pk")
        )
    if key == "official_without_date":
        return people.filter(status=PersonStatus.OFFICIAL, official_on__isnull=True).order_by(
            "organization__path", "name_folded"
        )
    orgs = _orgs(user, root).annotate(
        official=Count("people", filter=Q(people__status=PersonStatus.OFFICIAL)),
        members=Count("people", filter=Q(people__status__in=ACTIVE_MEMBER_STATUSES)),
    )
    if key == "small_branch":
        return orgs.filter(kind__in=BRANCH_KINDS, official__lt=MIN_BRANCH_OFFICIAL).order_by("path")
    if key == "branch_without_committee":
        return orgs.filter(
            kind__in=BRANCH_KINDS, official__gte=BRANCH_COMMITTEE_FROM, has_branch_committee=False
        ).order_by("path")
    if key == "large_grassroots_branch":
        return orgs.filter(kind=OrgKind.GRASSROOTS_BRANCH, members__gte=GRASSROOTS_COMMITTEE_FROM).order_by(
            "path"
        )
    raise KeyError(key)


def _group_ids(key: str, *, user, root) -> Counter:
    """{organisation id: flagged rows} for one check (people by their organisation, orgs by themselves)."""
    rows = check_rows(key, user=user, root=root)
    if CHECKS_BY_KEY[key].subject == "people":
        return Counter(
            dict(
                rows.order_by()
                .values_list("organization_id")
                .annotate(n=Count("pk"))
                .values_list("organization_id", "n")
            )
        )
    return Counter(dict.fromkeys(rows.values_list("pk", flat=True), 1))


def quality_summary(*, user, root: Organization | None = None) -> dict:
    """Totals per check, and per organisation one level under the report's root (a table to drill into)."""
    per_check = {c.key: _group_ids(c.key, user=user, root=root) for c in CHECKS}
    ids = set().union(*per_check.values())
    paths = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "path"))
    level = (root.depth + 1) if root is not None else 1
    groups: dict[int, dict[str, int]] = {}
    for key, counter in per_check.items():
        for org_id, n in counter.items():
            parts = path_ids(paths.get(org_id, ""))
            group_id = parts[min(level, len(parts) - 1)] if parts else org_id
            groups.setdefault(group_id, dict.fromkeys(per_check, 0))[key] += n
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=groups)}
    shown = sorted((g for g in groups if g in orgs), key=lambda g: orgs[g].path)
    rows = [{"organization": orgs[g], "counts": [groups[g][c.key] for c in CHECKS]} for g in shown]
    return {
        "checks": [{"check": c, "total": sum(per_check[c.key].values())} for c in CHECKS],
        "rows": rows,
    }
