"""/api/v1/drafts: the consultation through the same selectors and services as the pages (404 when not
visible, 400 with the Vietnamese message when a rule refuses, 422 when the input is malformed).

Times are ISO 8601; one written without a zone is a time in Viet Nam (Asia/Ho_Chi_Minh)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Query, Router, Schema, Status

from neuguong.core.api import Id, PageParams, paginate_queryset
from neuguong.core.errors import BusinessError
from neuguong.organizations.models import Organization
from neuguong.people.models import Person

from . import access, services
from .models import CommentVisibility, Draft
from .outline import from_nested
from .rules import display_state
from .selectors import (
    comment_get,
    comment_list,
    draft_get,
    draft_list,
    draft_summary,
    nested_sections,
    section_lookup,
    summary_data,
)

router = Router(tags=["consultation"])

MSG_ORG_UNKNOWN = "Không tìm thấy tổ chức «{code}»."
MSG_PERSON_UNKNOWN = "Không tìm thấy đảng viên có mã {id} trong phạm vi của bạn."
MSG_VERSION_UNKNOWN = "Dự thảo không có bản lần {number}."


class SectionIn(Schema):
    number: str = ""
    title: str = ""
    text: str = ""
    children: list[SectionIn] = []


class SectionOut(Schema):
    id: int
    number: str
    title: str
    text: str
    children: list[SectionOut]


class DraftIn(Schema):
    organization: str
    title: str
    kind: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    sections: list[SectionIn] = []
    preamble: str = ""
    comments_visibility: str = CommentVisibility.COMMITTEE
    publish_synthesis: bool = False
    audience_root: str | None = None
    invite_official: bool = True
    invite_probationary: bool = True
    invite_exempt: bool = False
    delegates: list[int] = []
    invited_organizations: list[str] = []


class DraftListOut(Schema):
    id: int
    organization: str
    organization_name: str
    title: str
    kind: str
    state: str
    state_label: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    version: int | None
    adopted_document: str | None


class DraftOut(DraftListOut):
    consulted_version: int | None
    comments_visibility: str
    publish_synthesis: bool
    preamble: str
    sections: list[SectionOut]


class DraftPage(Schema):
    items: list[DraftListOut]
    count: int


class CommentIn(Schema):
    section: int | None = None
    stance: str
    text: str = ""
    organization: str | None = None
    participant_count: int | None = None
    person: int | None = None


class DispositionIn(Schema):
    kind: str
    text: str = ""
    revised_section: int | None = None


class DispositionOut(Schema):
    kind: str
    text: str
    revised_section: int | None
    revised_version: int | None


class CommentOut(Schema):
    id: int
    draft: int
    section: int | None
    stance: str
    text: str
    commenter_kind: str
    person: int | None
    person_name: str | None
    organization: str
    organization_name: str
    participant_count: int | None
    on_paper: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    disposition: DispositionOut | None


class CommentPage(Schema):
    items: list[CommentOut]
    count: int


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value else None


def draft_out(draft: Draft, *, with_sections: bool = False, version=None) -> dict:
    state, label = display_state(draft, timezone.now())
    data = {
        "id": draft.pk,
        "organization": draft.organization.code,
        "organization_name": draft.organization.name,
        "title": draft.title,
        "kind": draft.kind,
        "state": state,
        "state_label": label,
        "opens_at": _local(draft.opens_at),
        "closes_at": _local(draft.closes_at),
        "version": draft.current_version.number if draft.current_version is not None else None,
        "adopted_document": draft.adopted_document.number_text
        if draft.adopted_document is not None
        else None,
    }
    if with_sections:
        version = version or draft.current_version
        data |= {
            "consulted_version": draft.consulted_version.number
            if draft.consulted_version is not None
            else None,
            "comments_visibility": draft.comments_visibility,
            "publish_synthesis": draft.publish_synthesis,
            "preamble": version.preamble if version else "",
            "sections": nested_sections(version) if version else [],
        }
    return data


def comment_out(comment, *, with_disposition: bool) -> dict:
    disposition = None
    if with_disposition and comment.disposition:
        revised = comment.revised_section
        disposition = {
            "kind": comment.disposition,
            "text": comment.disposition_text,
            "revised_section": revised.pk if revised else None,
            "revised_version": revised.version.number if revised else None,
        }
    return {
        "id": comment.pk,
        "draft": comment.draft_id,
        "section": comment.section_id,
        "stance": comment.stance,
        "text": comment.text,
        "commenter_kind": comment.commenter_kind,
        "person": comment.person_id,
        "person_name": comment.person.full_name if comment.person_id else None,
        "organization": comment.organization.code,
        "organization_name": comment.organization.name,
        "participant_count": comment.participant_count,
        "on_paper": comment.on_paper,
        "created_at": _local(comment.created_at),
        "updated_at": _local(comment.updated_at),
        "disposition": disposition,
    }


def _organization(request, code: str, *, field: str, writable: bool = False) -> Organization:
    """The organisation named by code among those the caller sees (or writes in), else a 400 naming it."""
    qs = (
        Organization.objects.writable_by(request.user)
        if writable
        else Organization.objects.visible_to(request.user)
    )
    organization = qs.filter(code=code[:32].replace("\x00", "")).first()
    if organization is None:
        raise BusinessError(MSG_ORG_UNKNOWN.format(code=code[:32]), field=field)
    return organization


def _person(request, person_id: int, *, field: str) -> Person:
    person = None
    if 0 < person_id < 2**62:
        person = (
            Person.objects.visible_to(request.user)
            .select_related("organization")
            .filter(pk=person_id)
            .first()
        )
    if person is None:
        raise BusinessError(MSG_PERSON_UNKNOWN.format(id=person_id), field=field)
    return person


@router.get("/drafts", response=DraftPage)
def list_drafts(
    request,
    q: str = "",
    state: str = "",
    kind: str = "",
    org: str = "",
    paging: Query[PageParams] | None = None,
):
    organization = None
    if org:
        organization = (
            Organization.objects.visible_to(request.user).filter(code=org[:32].replace("\x00", "")).first()
        )
        if organization is None:
            from django.http import Http404

            raise Http404
    qs = draft_list(
        user=request.user, query=q[:100], state=state[:16], kind=kind[:24], organization=organization
    )
    items, count = paginate_queryset(qs, paging or PageParams())
    return {"items": [draft_out(d) for d in items], "count": count}


@router.post("/drafts", response={201: DraftOut})
def create_draft(request, payload: DraftIn):
    organization = _organization(request, payload.organization, field="organization", writable=True)
    nodes = from_nested([section.dict() for section in payload.sections])
    draft = services.draft_create(
        actor=request.user,
        organization=organization,
        kind=payload.kind,
        title=payload.title,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        comments_visibility=payload.comments_visibility,
        publish_synthesis=payload.publish_synthesis,
        sections=nodes,
        preamble=payload.preamble,
        audience_root=_organization(request, payload.audience_root, field="audience_root")
        if payload.audience_root is not None
        else None,
        invite_official=payload.invite_official,
        invite_probationary=payload.invite_probationary,
        invite_exempt=payload.invite_exempt,
        delegates=[_person(request, pk, field="delegates") for pk in payload.delegates[:2000]],
        invited_organizations=[
            _organization(request, code, field="invited_organizations")
            for code in payload.invited_organizations[:2000]
        ],
    )
    return Status(201, draft_out(draft_get(user=request.user, draft_id=draft.pk), with_sections=True))


@router.get("/drafts/{draft_id}", response=DraftOut)
def get_draft(request, draft_id: Id, version: Id | None = None):
    """The draft with the sections as given, each with its id (the current version for the drafting
    committee, or `version`; the version put to comment for the audience, the adopted one once adopted)."""
    draft = draft_get(user=request.user, draft_id=draft_id)
    chosen = None
    if access.oversees(request.user, draft):
        if version is not None:
            chosen = draft.versions.filter(number=version).first() if 0 < version < 30000 else None
            if chosen is None:
                raise BusinessError(MSG_VERSION_UNKNOWN.format(number=version), field="version")
    elif draft.state != "adopted":
        chosen = draft.consulted_version
    return draft_out(draft, with_sections=True, version=chosen)


@router.post("/drafts/{draft_id}/open", response=DraftOut)
def open_draft(request, draft_id: Id):
    draft = draft_get(user=request.user, draft_id=draft_id)
    services.draft_open(actor=request.user, draft=draft)
    return draft_out(draft_get(user=request.user, draft_id=draft_id), with_sections=True)


@router.get("/drafts/{draft_id}/comments", response=CommentPage)
def list_comments(
    request, draft_id: Id, stance: str = "", disposition: str = "", paging: Query[PageParams] | None = None
):
    """The comments the caller may read (every one for the drafting committee and those above; else their
    own, and everyone's when the draft lets its audience read one another's)."""
    draft = draft_get(user=request.user, draft_id=draft_id)
    qs = comment_list(user=request.user, draft=draft, stance=stance[:16], disposition=disposition[:20])
    items, count = paginate_queryset(qs, paging or PageParams())
    readable = access.may_read_synthesis(request.user, draft)
    return {"items": [comment_out(c, with_disposition=readable) for c in items], "count": count}


@router.post("/drafts/{draft_id}/comments", response={201: CommentOut})
def submit_comment(request, draft_id: Id, payload: CommentIn):
    draft = draft_get(user=request.user, draft_id=draft_id)
    section = None
    if payload.section is not None:
        section = section_lookup(draft=draft, section_id=payload.section)
        if section is None:
            raise BusinessError(services.MSG_SECTION_UNKNOWN, field="section")
    comment = services.comment_submit(
        actor=request.user,
        draft=draft,
        section=section,
        stance=payload.stance,
        text=payload.text,
        organization=_organization(request, payload.organization, field="organization")
        if payload.organization is not None
        else None,
        participant_count=payload.participant_count,
        person=_person(request, payload.person, field="person") if payload.person is not None else None,
    )
    comment = comment_get(user=request.user, draft=draft, comment_id=comment.pk)
    return Status(201, comment_out(comment, with_disposition=False))


@router.post("/drafts/{draft_id}/comments/{comment_id}/disposition", response=CommentOut)
def dispose_comment(request, draft_id: Id, comment_id: Id, payload: DispositionIn):
    draft = draft_get(user=request.user, draft_id=draft_id)
    comment = comment_get(user=request.user, draft=draft, comment_id=comment_id)
    revised = None
    if payload.revised_section is not None:
        revised = section_lookup(draft=draft, section_id=payload.revised_section)
        if revised is None:
            raise BusinessError(services.MSG_LINKED_SECTION_UNKNOWN, field="revised_section")
    services.comment_dispose(
        actor=request.user, comment=comment, kind=payload.kind, text=payload.text, revised_section=revised
    )
    return comment_out(
        comment_get(user=request.user, draft=draft, comment_id=comment_id), with_disposition=True
    )


@router.post("/drafts/{draft_id}/approve-synthesis", response=DraftOut)
def approve_synthesis(request, draft_id: Id):
    draft = draft_get(user=request.user, draft_id=draft_id)
    services.synthesis_approve(actor=request.user, draft=draft)
    return draft_out(draft_get(user=request.user, draft_id=draft_id), with_sections=True)


@router.get("/drafts/{draft_id}/summary")
def get_summary(request, draft_id: Id):
    """Counts per stance and per answer, per section and per organisation: the figures of the page and
    the report. The drafting committee's and those above it; the audience's once approved, if published."""
    draft = draft_get(user=request.user, draft_id=draft_id)
    if not draft.opened_at or not access.may_read_synthesis(request.user, draft):
        from django.http import Http404

        raise Http404
    return summary_data(draft_summary(draft))
