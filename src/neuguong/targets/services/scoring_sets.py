"""Scoring sets (bộ chỉ số): import, copy, publication, draft edits. Published sets are frozen."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from neuguong.audit.services import snapshot
from neuguong.core.errors import BusinessError
from neuguong.core.text import normalize_text
from neuguong.organizations.models import Organization

from .. import events, importers, rules
from ..models import (
    Area,
    Component,
    Criterion,
    ScoringSet,
    SetStatus,
)
from .common import (
    MSG_YEAR,
    TWO_PLACES,
    require_write,
    required_text,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MSG_SET_PUBLISHED = "Bộ chỉ số đã ban hành thì không sửa được; hãy tạo phiên bản mới."
MSG_SET_INVALID = "Bộ chỉ số chưa hợp lệ, chưa ban hành được: {problems}"
MSG_SET_EMPTY = "Bộ chỉ số chưa có tiêu chí thành phần nào."
MSG_MAX_POSITIVE = "Điểm tối đa phải lớn hơn 0."


# --------------------------------------------------------------------------------------------- scoring sets
def _next_version(organization: Organization, year: int) -> int:
    last = ScoringSet.objects.cchc().filter(organization=organization, year=year).order_by("-version").first()
    return (last.version + 1) if last else 1


def create_tree(scoring_set: ScoringSet, areas: list[importers.SetNode]) -> None:
    """Three bulk inserts for a whole set (areas, criteria, components); also how `evaluation` writes and
    copies its criteria trees."""
    area_rows = Area.objects.bulk_create(
        [
            Area(scoring_set=scoring_set, order=i, code=a.code, name=a.name, max_points=a.max_points)
            for i, a in enumerate(areas, start=1)
        ]
    )
    criteria_nodes, criteria = [], []
    for area_row, node in zip(area_rows, areas, strict=True):
        for i, c in enumerate(node.children, start=1):
            criteria_nodes.append(c)
            criteria.append(
                Criterion(
                    area=area_row, order=i, code=c.code, name=c.name, max_points=c.max_points, guide=c.guide
                )
            )
    criteria = Criterion.objects.bulk_create(criteria)
    Component.objects.bulk_create(
        [
            Component(
                criterion=crit, order=i, code=c.code, name=c.name, max_points=c.max_points, guide=c.guide
            )
            for crit, node in zip(criteria, criteria_nodes, strict=True)
            for i, c in enumerate(node.children, start=1)
        ]
    )


@transaction.atomic
def scoring_set_import(
    *, actor: "User", organization: Organization, name: str, year: int, upload
) -> ScoringSet:
    """A new draft set from XLSX (Mã | Nội dung | Điểm tối đa | Hướng dẫn chấm): all or nothing."""
    require_write(actor, organization.path)
    name = required_text(name, "Tên bộ chỉ số", "name")
    if not 2000 <= int(year) <= 2100:
        raise BusinessError(MSG_YEAR, field="year")
    areas, problems = importers.parse_scoring_rows(importers.read_rows(upload))
    if problems:
        raise importers.ImportProblems(problems)
    scoring_set = ScoringSet.objects.create(
        organization=organization, name=name[:255], year=year, version=_next_version(organization, year)
    )
    create_tree(scoring_set, areas)
    events.scoring_set_imported(
        actor=actor,
        scoring_set=scoring_set,
        components=Component.objects.filter(criterion__area__scoring_set=scoring_set).count(),
    )
    return scoring_set


def set_tree(scoring_set: ScoringSet) -> list[importers.SetNode]:
    """The set as nodes (three queries), e.g. to copy it or to check its sums."""
    areas = list(scoring_set.areas.prefetch_related("criteria__components"))
    return [
        importers.SetNode(
            row=0,
            code=a.code,
            name=a.name,
            max_points=a.max_points,
            children=[
                importers.SetNode(
                    row=0,
                    code=c.code,
                    name=c.name,
                    max_points=c.max_points,
                    guide=c.guide,
                    children=[
                        importers.SetNode(
                            row=0, code=x.code, name=x.name, max_points=x.max_points, guide=x.guide
                        )
                        for x in c.components.all()
                    ],
                )
                for c in a.criteria.all()
            ],
        )
        for a in areas
    ]


@transaction.atomic
def scoring_set_copy(
    *, actor: "User", source: ScoringSet, year: int | None = None, name: str = ""
) -> ScoringSet:
    """A new draft from an existing set: 'copy from last year' (another year) or a new version (same year)."""
    require_write(actor, source.organization.path)
    year = int(year or source.year)
    if not 2000 <= year <= 2100:
        raise BusinessError(MSG_YEAR, field="year")
    copy = ScoringSet.objects.create(
        organization=source.organization,
        name=normalize_text(name)[:255] or source.name,
        year=year,
        version=_next_version(source.organization, year),
        copied_from=source,
    )
    create_tree(copy, set_tree(source))
    events.scoring_set_copied(actor=actor, copy=copy)
    return copy


def set_problems(scoring_set: ScoringSet) -> list[str]:
    """Sum checks on a stored set, worded as the importer's (without row numbers)."""
    problems = []
    tree = set_tree(scoring_set)
    if not any(c.children for a in tree for c in a.children):
        return [MSG_SET_EMPTY]
    for area in tree:
        total = sum((c.max_points for c in area.children), Decimal(0))
        if total != area.max_points:
            problems.append(
                f"lĩnh vực {area.code}: tổng {rules.format_number(total)} ≠ {rules.format_number(area.max_points)}"
            )
        for criterion in area.children:
            total = sum((c.max_points for c in criterion.children), Decimal(0))
            if total != criterion.max_points:
                problems.append(
                    f"tiêu chí {criterion.code}: tổng {rules.format_number(total)} ≠ {rules.format_number(criterion.max_points)}"
                )
    return problems


@transaction.atomic
def scoring_set_publish(*, actor: "User", scoring_set: ScoringSet) -> ScoringSet:
    """Freeze a draft set (its sums must add up); from now on a change needs a new version."""
    scoring_set = ScoringSet.objects.select_for_update().get(pk=scoring_set.pk)
    require_write(actor, scoring_set.organization.path)
    if scoring_set.is_published:
        raise BusinessError(MSG_SET_PUBLISHED)
    problems = set_problems(scoring_set)
    if problems:
        raise BusinessError(MSG_SET_INVALID.format(problems="; ".join(problems)))
    before = snapshot(scoring_set)
    scoring_set.status = SetStatus.PUBLISHED
    scoring_set.published_at = timezone.now()
    scoring_set.save(update_fields=["status", "published_at", "updated_at"])
    events.scoring_set_published(actor=actor, scoring_set=scoring_set, before=before)
    return scoring_set


@transaction.atomic
def component_update(
    *, actor: "User", component: Component, name: str, max_points, guide: str = ""
) -> Component:
    """Edit a component of a draft set; the criterion's maximum follows (sums are checked at publication)."""
    component = Component.objects.select_related("criterion__area__scoring_set__organization").get(
        pk=component.pk
    )
    scoring_set = component.criterion.area.scoring_set
    require_write(actor, scoring_set.organization.path)
    if scoring_set.is_published:
        raise BusinessError(MSG_SET_PUBLISHED)
    maximum = rules.parse_number(max_points, field="max_points", **rules.POINTS)
    if maximum <= 0:
        raise BusinessError(MSG_MAX_POSITIVE, field="max_points")
    before = snapshot(component)
    component.name = required_text(name, "Tiêu chí thành phần", "name")[:1000]
    component.max_points = maximum.quantize(TWO_PLACES)
    component.guide = (guide or "").strip()
    component.save()
    events.component_updated(actor=actor, component=component, before=before)
    return component
