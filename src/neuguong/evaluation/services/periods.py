"""Opening a review period and keeping its audience: every member active on the period's end date (or
today, while the period runs) in the organisation's subtree, probationary and exempt ones marked, each
reviewed where the rule set says when they moved during the period; and the organisations below."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Q

from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError
from neuguong.organizations.models import GRASSROOTS_KINDS, Organization, OrgKind, Term
from neuguong.people.models import ACTIVE_MEMBER_STATUSES, Membership, Person, PersonStatus, Position

from .. import events, levels, shipped
from ..models import Period, PeriodKind, Review, ReviewState, RuleSet, SubjectKind
from .common import clean_text, require_write

MSG_ORG_CANNOT_DECIDE = (
    "«{name}» là {kind}: kỳ kiểm điểm do cấp ủy có thẩm quyền quyết định xếp loại mở (chi bộ cơ sở, đảng bộ cơ sở "
    "hoặc cấp trên)."
)
MSG_ORG_CLOSED = "Tổ chức «{name}» đã giải thể hoặc sáp nhập."
MSG_RULE_SET_NOT_PUBLISHED = "Chỉ dùng được bộ quy định đã ban hành."
MSG_RULE_SET_UNKNOWN = "Không có bộ quy định đã ban hành mã «{code}»."
MSG_RULE_SET_YEAR = "Bộ quy định {code} áp dụng từ năm {year_from}: không dùng được cho năm {year}."
MSG_YEAR = "Năm phải từ 2000 đến 2100."
MSG_QUARTER = "Chọn quý từ 1 đến 4."
MSG_TERM = "Chọn nhiệm kỳ của tổ chức (hoặc của cấp trên) chứa năm {year}."
MSG_PERIOD_EXISTS = "{organization} đã có kỳ «{name}»."
MSG_DEADLINE_ORDER = "Các hạn phải theo thứ tự: tự kiểm điểm ≤ họp chi bộ ≤ đề xuất ≤ quyết định."
MSG_DEADLINE_RANGE = "Hạn «{label}» phải từ {start} đến {end}."
MSG_CIVIL_SERVANT_DUE = "Hạn xếp loại công chức, viên chức phải trước ngày 15/12/{year}."
MSG_NOTHING_TO_REVIEW = "Chọn ít nhất một loại đối tượng: đảng viên hoặc tổ chức đảng trực thuộc."
MSG_NO_AUDIENCE = "Không có đảng viên hay tổ chức đảng nào để kiểm điểm trong kỳ này."

DECIDING_KINDS = (OrgKind.SUPERIOR, OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_BRANCH)
LEADER_TITLES = None  # every post counts (bí thư, cấp ủy viên, thủ trưởng cơ quan, …)


def period_dates(
    kind: str, year: int, quarter: int | None, term: Term | None
) -> tuple[dt.date, dt.date, str]:
    if kind == PeriodKind.QUARTER:
        assert quarter is not None  # checked by the caller
        start = dt.date(year, 3 * (quarter - 1) + 1, 1)
        end = (dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)) - dt.timedelta(days=1)
        return start, end, f"quý {quarter}/{year}"
    if kind == PeriodKind.TERM:
        assert term is not None  # checked by the caller
        return dt.date(term.start_year, 1, 1), dt.date(term.end_year, 12, 31), f"nhiệm kỳ {term.name}"
    return dt.date(year, 1, 1), dt.date(year, 12, 31), f"năm {year}"


def default_deadlines(kind: str, end: dt.date) -> dict[str, dt.date]:
    """December for a year (self-assessment by 05/12, civil-servant rating before 15/12, the chi bộ by
    20/12, proposal by 25/12, decision by 15/01); the last weeks of a quarter or term likewise."""
    if kind == PeriodKind.YEAR:
        year = end.year
        return {
            "self_assessment_due": dt.date(year, 12, 5),
            "civil_servant_rating_due": dt.date(year, 12, 14),
            "meeting_due": dt.date(year, 12, 20),
            "proposal_due": dt.date(year, 12, 25),
            "decision_due": dt.date(year + 1, 1, 15),
        }
    return {
        "self_assessment_due": end - dt.timedelta(days=20),
        "civil_servant_rating_due": end - dt.timedelta(days=14),
        "meeting_due": end - dt.timedelta(days=10),
        "proposal_due": end - dt.timedelta(days=5),
        "decision_due": end + dt.timedelta(days=15),
    }


DEADLINE_LABELS = {
    "self_assessment_due": "tự kiểm điểm",
    "civil_servant_rating_due": "xếp loại công chức, viên chức",
    "meeting_due": "họp chi bộ kiểm điểm",
    "proposal_due": "đề xuất mức xếp loại",
    "decision_due": "quyết định",
}


def _check_deadlines(kind: str, start: dt.date, end: dt.date, deadlines: dict[str, dt.date]) -> None:
    latest = end + dt.timedelta(days=120)
    for key, label in DEADLINE_LABELS.items():
        day = deadlines[key]
        if not start <= day <= latest:
            raise BusinessError(
                MSG_DEADLINE_RANGE.format(label=label, start=f"{start:%d/%m/%Y}", end=f"{latest:%d/%m/%Y}"),
                field=key,
            )
    order = [deadlines[k] for k in ("self_assessment_due", "meeting_due", "proposal_due", "decision_due")]
    if order != sorted(order):
        raise BusinessError(MSG_DEADLINE_ORDER, field="meeting_due")
    if kind == PeriodKind.YEAR and deadlines["civil_servant_rating_due"] >= dt.date(end.year, 12, 15):
        raise BusinessError(MSG_CIVIL_SERVANT_DUE.format(year=end.year), field="civil_servant_rating_due")


def published_rule_set(code: str) -> RuleSet:
    """The latest published version of a rule set code ("124", "366", or a committee's own)."""
    shipped.ensure_shipped()
    rule_set = RuleSet.objects.published().filter(code=(code or "").strip()[:16]).order_by("-version").first()
    if rule_set is None:
        raise BusinessError(MSG_RULE_SET_UNKNOWN.format(code=(code or "")[:16]), field="rule_set")
    return rule_set


@transaction.atomic
def period_open(
    *,
    actor,
    organization: Organization,
    rule_set: RuleSet,
    year: int,
    kind: str = PeriodKind.YEAR,
    quarter: int | None = None,
    term: Term | None = None,
    name: str = "",
    includes_members: bool | None = None,
    includes_organizations: bool | None = None,
    today: dt.date | None = None,
    **deadlines: dt.date | None,
) -> Period:
    """Open a period and list its audience (a review per subject). Deadlines not given take the defaults."""
    today = today or local_today()
    require_write(actor, organization.path)
    if not organization.is_active:
        raise BusinessError(MSG_ORG_CLOSED.format(name=organization.name), field="organization")
    if organization.kind not in DECIDING_KINDS:
        raise BusinessError(
            MSG_ORG_CANNOT_DECIDE.format(
                name=organization.name, kind=organization.get_kind_display().lower()
            ),
            field="organization",
        )
    if not rule_set.is_published:
        raise BusinessError(MSG_RULE_SET_NOT_PUBLISHED, field="rule_set")
    try:
        year = int(year)
    except (TypeError, ValueError) as exc:
        raise BusinessError(MSG_YEAR, field="year") from exc
    if not 2000 <= year <= 2100:
        raise BusinessError(MSG_YEAR, field="year")
    if kind not in PeriodKind.values:
        kind = PeriodKind.YEAR
    if kind == PeriodKind.QUARTER and quarter not in (1, 2, 3, 4):
        raise BusinessError(MSG_QUARTER, field="quarter")
    if kind == PeriodKind.TERM:
        if (
            term is None
            or term.organization_id not in organization.ancestor_ids
            or not term.contains_year(year)
        ):
            raise BusinessError(MSG_TERM.format(year=year), field="term")
    else:
        term = None
    if kind != PeriodKind.QUARTER:
        quarter = None
    if year < rule_set.year_from:
        raise BusinessError(
            MSG_RULE_SET_YEAR.format(code=rule_set.code, year_from=rule_set.year_from, year=year),
            field="rule_set",
        )
    start, end, label = period_dates(kind, year, quarter, term)
    chosen = default_deadlines(kind, end) | {k: v for k, v in deadlines.items() if v is not None}
    _check_deadlines(kind, start, end, chosen)
    if includes_members is None:
        includes_members = organization.kind in GRASSROOTS_KINDS
    if includes_organizations is None:
        includes_organizations = organization.kind != OrgKind.GRASSROOTS_BRANCH
    if not includes_members and not includes_organizations:
        raise BusinessError(MSG_NOTHING_TO_REVIEW, field="includes_members")
    name = clean_text(name, "Tên kỳ", "name", required=False, limit=255, lines=False) or (
        f"Kiểm điểm, đánh giá, xếp loại chất lượng {label}"
    )
    period = Period(
        organization=organization,
        rule_set=rule_set,
        kind=kind,
        year=year,
        quarter=quarter,
        term=term,
        name=name,
        starts_on=start,
        ends_on=end,
        includes_members=includes_members,
        includes_organizations=includes_organizations,
        created_by=actor,
        **chosen,
    )
    clash = Period.objects.filter(organization=organization, kind=kind, year=year, quarter=quarter).first()
    if clash is not None:
        raise BusinessError(MSG_PERIOD_EXISTS.format(organization=organization.name, name=clash.name))
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError as exc:  # two secretaries opening the same period at once
        raise BusinessError(MSG_PERIOD_EXISTS.format(organization=organization.name, name=name)) from exc
    reviews = audience(period, today=today)
    if not reviews:
        raise BusinessError(MSG_NO_AUDIENCE)
    Review.objects.bulk_create(reviews, batch_size=500)
    events.period_opened(actor=actor, period=period, reviews=len(reviews))
    return period


def _grassroots_of(path: str, orgs: dict[str, tuple[int, str, str]]) -> str:
    """The name of the grassroots organisation on a path (the quota counts members per grassroots
    organisation); the organisation itself when none is on it."""
    parts = [p for p in path.strip("/").split("/") if p]
    for i in range(len(parts), 0, -1):
        prefix = "/" + "/".join(parts[:i]) + "/"
        row = orgs.get(prefix)
        if row and row[1] in GRASSROOTS_KINDS:
            return row[2]
    row = orgs.get(path)
    return row[2] if row else ""


def audience(period: Period, *, today: dt.date) -> list[Review]:
    """Unsaved reviews for everyone the period covers (a few queries whatever the size)."""
    root = period.organization
    day = max(period.starts_on, min(period.ends_on, today))
    rules = period.rule_set.rules()
    subtree = {
        o["path"]: (o["pk"], o["kind"], o["name"])
        for o in Organization.objects.filter(path__startswith=root.path).values("pk", "path", "kind", "name")
    }
    by_id = {pk: (path, kind, name) for path, (pk, kind, name) in subtree.items()}
    # Paths of the ancestors too (for the grassroots organisation of members of a grassroots period).
    for o in Organization.objects.filter(pk__in=root.ancestor_ids).values("pk", "path", "kind", "name"):
        subtree.setdefault(o["path"], (o["pk"], o["kind"], o["name"]))
    reviews: list[Review] = []
    if period.includes_members:
        in_subtree = list(by_id)
        candidates = Person.objects.filter(status__in=ACTIVE_MEMBER_STATUSES).filter(
            Q(organization_id__in=in_subtree)
            | Q(
                pk__in=Membership.objects.filter(organization_id__in=in_subtree, started_on__lte=day)
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.starts_on))
                .values("person_id")
            )
        )
        candidates = candidates.filter(Q(admitted_on__isnull=True) | Q(admitted_on__lte=day))
        people = list(candidates.values("pk", "organization_id", "status"))
        spans: dict[int, list] = defaultdict(list)
        for person_id, org_id, started, ended in Membership.objects.filter(
            person_id__in=[p["pk"] for p in people]
        ).values_list("person_id", "organization_id", "started_on", "ended_on"):
            spans[person_id].append((org_id, started, ended))
        posts = set(
            Position.objects.filter(person_id__in=[p["pk"] for p in people], started_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
            .values_list("person_id", flat=True)
        )
        for person in people:
            home, others = levels.home_organization(
                spans.get(person["pk"]) or [(person["organization_id"], period.starts_on, None)],
                period.starts_on,
                day,
                rules.transfer_rule,
            )
            if home is None:
                home = person["organization_id"]
            if home not in by_id:
                continue
            path = by_id[home][0]
            previous = [o for o in others if o != home]
            reviews.append(
                Review(
                    period=period,
                    person_id=person["pk"],
                    subject_kind=SubjectKind.LEADER if person["pk"] in posts else SubjectKind.MEMBER,
                    home_organization_id=home,
                    quota_group=_grassroots_of(path, subtree)[:255],
                    is_probationary=person["status"] == PersonStatus.PROBATIONARY,
                    is_exempt=person["status"] == PersonStatus.EXEMPT,
                    transferred_from_id=previous[-1] if previous else None,
                )
            )
    if period.includes_organizations:
        for child in Organization.objects.filter(parent=root, dissolved_on__isnull=True).order_by(
            "name_folded"
        ):
            reviews.append(
                Review(
                    period=period,
                    organization=child,
                    subject_kind=SubjectKind.ORGANIZATION,
                    home_organization=child,
                    quota_group=child.get_kind_display(),
                )
            )
    return reviews


@transaction.atomic
def period_refresh_audience(*, actor, period: Period, today: dt.date | None = None) -> tuple[int, int]:
    """Add those who joined since the period was opened; mark those no longer in it (their rows and
    entries stay). Returns (added, left)."""
    today = today or local_today()
    period = Period.objects.select_for_update().select_related("organization", "rule_set").get(pk=period.pk)
    require_write(actor, period.organization.path)
    if not period.is_open:
        from .common import MSG_PERIOD_CLOSED

        raise BusinessError(MSG_PERIOD_CLOSED.format(period=period.name))
    wanted = audience(period, today=today)
    existing = {(r.person_id, r.organization_id): r for r in period.reviews.all()}
    keys = {(r.person_id, r.organization_id) for r in wanted}
    added = [r for r in wanted if (r.person_id, r.organization_id) not in existing]
    back = [r for key, r in existing.items() if key in keys and r.state == ReviewState.LEFT]
    gone = [
        r
        for key, r in existing.items()
        if key not in keys and r.state not in (ReviewState.LEFT, ReviewState.DECIDED, ReviewState.PUBLISHED)
    ]
    Review.objects.bulk_create(added, batch_size=500)
    Review.objects.filter(pk__in=[r.pk for r in gone]).update(state=ReviewState.LEFT)
    # Someone who came back takes up where they were: with entries, self-assessed at least.
    for review in back:
        review.state = ReviewState.SELF_ASSESSED if review.entries.exists() else ReviewState.NOT_STARTED
        review.save(update_fields=["state", "updated_at"])
    if added or gone or back:
        events.audience_refreshed(actor=actor, period=period, added=len(added) + len(back), left=len(gone))
    return len(added) + len(back), len(gone)
