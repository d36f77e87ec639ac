"""Study campaigns: opening and editing them, materials, sessions, and the invited list."""

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery

from neuguong.audit.services import snapshot
from neuguong.core.dates import check_date, local_today
from neuguong.core.errors import BusinessError
from neuguong.core.text import normalize_text
from neuguong.core.uploads import check_upload
from neuguong.organizations.models import Organization
from neuguong.people.models import (
    ACTIVE_MEMBER_STATUSES,
    Membership,
    Person,
    PersonStatus,
    Position,
    PositionTitle,
)

from .. import events
from ..models import (
    Campaign,
    CampaignLevel,
    Invitee,
    Material,
    Session,
)
from .common import (
    MSG_BAD_POSITION,
    require_write,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MSG_FILE_TOO_LARGE = "Tệp quá lớn (tối đa {limit} MB)."
MSG_TITLE_REQUIRED = "Tên nghị quyết / nội dung học tập không được để trống."
MSG_DOCUMENT_NOT_FOUND = "Không tìm thấy văn bản này trong sổ văn bản thuộc phạm vi của bạn."
MSG_AUDIENCE_OUTSIDE = "Tổ chức được triệu tập phải thuộc đơn vị tổ chức học tập."
MSG_STATUSES_REQUIRED = "Chọn ít nhất một trạng thái đảng viên được triệu tập."
MSG_BAD_STATUS = "Trạng thái đảng viên không hợp lệ."
MSG_ORG_CLOSED = "Tổ chức «{name}» đã giải thể hoặc sáp nhập."
MSG_PLACE_OR_LINK = "Cần ghi địa điểm hoặc đường dẫn học trực tuyến."
MSG_MATERIAL_FILE_OR_URL = "Cần tải lên tệp hoặc ghi đường dẫn tài liệu."


# --- campaigns ---------------------------------------------------------------------------------------


def _clean_audience(
    organizer: Organization, audience_root: Organization, positions: Iterable[str], statuses: Iterable[str]
) -> tuple[list[str], list[str]]:
    if not audience_root.path.startswith(organizer.path):
        raise BusinessError(MSG_AUDIENCE_OUTSIDE, field="audience_root")
    if not audience_root.is_active:
        raise BusinessError(MSG_ORG_CLOSED.format(name=audience_root.name), field="audience_root")
    positions = sorted(set(positions))
    if any(code not in PositionTitle.values for code in positions):
        raise BusinessError(MSG_BAD_POSITION, field="audience_positions")
    statuses = sorted(set(statuses))
    if not statuses:
        raise BusinessError(MSG_STATUSES_REQUIRED, field="audience_statuses")
    if any(code not in ACTIVE_MEMBER_STATUSES for code in statuses):
        raise BusinessError(MSG_BAD_STATUS, field="audience_statuses")
    return positions, statuses


def _clean_questions(questions: Iterable[str]) -> list[str]:
    return [q for q in (normalize_text(q)[:1000] for q in questions) if q][:20]


@transaction.atomic
def campaign_create(
    *,
    actor: "User",
    title: str,
    level: str,
    organizer: Organization,
    audience_root: Organization | None = None,
    audience_positions: Iterable[str] = (),
    audience_statuses: Iterable[str] | None = None,
    reflection_questions: Iterable[str] = (),
    reflection_due: dt.date | None = None,
    description: str = "",
    document=None,
) -> Campaign:
    """Open a study campaign. Exempt members are excluded unless their status is chosen explicitly."""
    require_write(actor, organizer.path)
    if document is not None:
        from neuguong.documents.models import Document

        if not Document.objects.visible_to(actor).filter(pk=document.pk).exists():
            raise BusinessError(MSG_DOCUMENT_NOT_FOUND, field="document")
        title = title or f"{document.number_text} — {document.summary}"
    title = normalize_text(title)[:255]
    if not title:
        raise BusinessError(MSG_TITLE_REQUIRED, field="title")
    check_date(reflection_due, field="reflection_due", label="Hạn nộp thu hoạch")
    if level not in CampaignLevel.values:
        raise BusinessError("Cấp tổ chức không hợp lệ.", field="level")
    if not organizer.is_active:
        raise BusinessError(MSG_ORG_CLOSED.format(name=organizer.name), field="organizer")
    audience_root = audience_root or organizer
    if audience_statuses is None:
        audience_statuses = [PersonStatus.OFFICIAL, PersonStatus.PROBATIONARY]
    positions, statuses = _clean_audience(organizer, audience_root, audience_positions, audience_statuses)
    campaign = Campaign.objects.create(
        title=title,
        document=document,
        level=level,
        organizer=organizer,
        audience_root=audience_root,
        audience_positions=positions,
        audience_statuses=statuses,
        reflection_questions=_clean_questions(reflection_questions),
        reflection_due=reflection_due,
        description=description.strip()[:5000],
        created_by=actor,
    )
    events.campaign_created(actor=actor, campaign=campaign)
    return campaign


@transaction.atomic
def campaign_link_plan_item(*, actor: "User", campaign: Campaign, plan_item=None) -> Campaign:
    """Say which plan item the campaign carries out (None: none). The plans module checks that the item's
    plan applies to the organiser (core.registry.PLAN_ITEM_LINK); this module never imports it."""
    from neuguong.core import registry

    campaign = Campaign.objects.select_for_update().select_related("organizer").get(pk=campaign.pk)
    require_write(actor, campaign.organizer.path)
    if plan_item is not None:
        registry.plan_item_link(plan_item, campaign.organizer, new_work=False)
    before = snapshot(campaign, ["plan_item"])
    campaign.plan_item = plan_item
    campaign.save(update_fields=["plan_item", "updated_at"])
    events.campaign_updated(actor=actor, campaign=campaign, before=before)
    return campaign


@transaction.atomic
def campaign_update(*, actor: "User", campaign: Campaign, **values: Any) -> Campaign:
    """Change a campaign's title, questions, due date, notes or audience (the invited list is kept)."""
    require_write(actor, campaign.organizer.path)
    allowed = {
        "title",
        "level",
        "audience_root",
        "audience_positions",
        "audience_statuses",
        "reflection_questions",
        "reflection_due",
        "description",
    }
    check_date(values.get("reflection_due"), field="reflection_due", label="Hạn nộp thu hoạch")
    if set(values) - allowed:
        raise ValueError(f"not editable: {sorted(set(values) - allowed)}")
    before = snapshot(campaign, sorted(allowed))
    if "title" in values:
        values["title"] = normalize_text(values["title"])[:255]
        if not values["title"]:
            raise BusinessError(MSG_TITLE_REQUIRED, field="title")
    if "reflection_questions" in values:
        values["reflection_questions"] = _clean_questions(values["reflection_questions"])
    positions, statuses = _clean_audience(
        campaign.organizer,
        values.get("audience_root", campaign.audience_root),
        values.get("audience_positions", campaign.audience_positions),
        values.get("audience_statuses", campaign.audience_statuses),
    )
    values["audience_positions"], values["audience_statuses"] = positions, statuses
    for name, value in values.items():
        setattr(campaign, name, value)
    campaign.save()
    events.campaign_updated(actor=actor, campaign=campaign, before=before)
    return campaign


def _check_file_size(upload, *, limit: int, message: str, field: str) -> None:
    if upload is not None and getattr(upload, "size", 0) > limit:
        raise BusinessError(message, field=field)


@transaction.atomic
def material_add(*, actor: "User", campaign: Campaign, title: str, file=None, url: str = "") -> Material:
    require_write(actor, campaign.organizer.path)
    title = normalize_text(title)[:255]
    if not title:
        raise BusinessError("Tên tài liệu không được để trống.", field="title")
    if not file and not url:
        raise BusinessError(MSG_MATERIAL_FILE_OR_URL, field="file")
    limit = settings.UPLOAD_MAX_BYTES
    _check_file_size(
        file, limit=limit, message=MSG_FILE_TOO_LARGE.format(limit=limit // (1024 * 1024)), field="file"
    )
    if file:
        check_upload(file, field="file")
    file_name = (getattr(file, "name", "") or "")[:255] if file else ""
    material = Material.objects.create(campaign=campaign, title=title, file=file or "", url=url)
    events.material_added(actor=actor, material=material, file_name=file_name)
    return material


@transaction.atomic
def session_add(
    *,
    actor: "User",
    campaign: Campaign,
    title: str,
    held_on: dt.date,
    start_time: dt.time | None = None,
    place: str = "",
    online_link: str = "",
    is_makeup: bool = False,
) -> Session:
    require_write(actor, campaign.organizer.path)
    check_date(held_on, field="held_on", label="Ngày học", required=True)
    title = normalize_text(title)[:255] or ("Buổi học bù" if is_makeup else "Buổi học")
    place = normalize_text(place)[:255]
    if not place and not online_link:
        raise BusinessError(MSG_PLACE_OR_LINK, field="place")
    session = Session.objects.create(
        campaign=campaign,
        title=title,
        held_on=held_on,
        start_time=start_time,
        place=place,
        online_link=online_link,
        is_makeup=is_makeup,
    )
    events.session_added(actor=actor, session=session)
    return session


def audience_queryset(campaign: Campaign, *, on: dt.date | None = None):
    """People matching the campaign's audience today: subtree, statuses, and (if any) current positions."""
    day = on or local_today()
    qs = Person.objects.filter(
        organization__path__startswith=campaign.audience_root.path,
        status__in=campaign.audience_statuses,
    )
    if campaign.audience_positions:
        holding = Position.objects.filter(
            person=OuterRef("pk"), title__in=campaign.audience_positions, started_on__lte=day
        ).exclude(ended_on__lt=day)
        qs = qs.filter(Exists(holding))
    return qs


@transaction.atomic
def invitees_generate(*, actor: "User", campaign: Campaign) -> int:
    """Add everyone in the audience who is not invited yet, in bulk; returns how many were added."""
    require_write(actor, campaign.organizer.path)
    current_membership = (
        Membership.objects.filter(person=OuterRef("pk"), ended_on__isnull=True)
        .order_by("-started_on")
        .values("started_on")[:1]
    )
    already = Invitee.objects.filter(campaign=campaign, person=OuterRef("pk"))
    rows = (
        audience_queryset(campaign)
        .filter(~Exists(already))
        .annotate(joined=Subquery(current_membership))
        .values_list("pk", "organization_id", "joined")
    )
    invitees = [
        Invitee(campaign=campaign, person_id=pk, organization_id=org_id, joined_on=joined)
        for pk, org_id, joined in rows.iterator(chunk_size=2000)
    ]
    Invitee.objects.bulk_create(invitees, batch_size=1000, ignore_conflicts=True)
    events.invitees_added(actor=actor, campaign=campaign, added=len(invitees))
    return len(invitees)
