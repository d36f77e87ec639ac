"""The draft's life through the services: drafting → open → closed → synthesis → approved → adopted, every
refusal with its message, and nothing half-written."""

import datetime as dt

import pytest

from neuguong.audit.models import AuditEvent
from neuguong.consultation import services
from neuguong.consultation.models import (
    Comment,
    CommenterKind,
    DispositionKind,
    Draft,
    DraftState,
    Stance,
)
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.documents.models import Document
from neuguong.documents.numbers import DocumentType

from .factories import AFTER, CLOSES, CREATED, DURING, OPENS, make_draft, open_draft, section


def test_a_draft_is_created_with_its_sections_nested_and_its_audience(tree):
    draft = make_draft(tree)
    assert draft.state == DraftState.DRAFTING
    assert draft.current_version.number == 1
    assert draft.current_version.preamble == "Căn cứ Điều lệ Đảng;"
    labels = [(s.depth, s.label) for s in draft.current_version.sections.order_by("position")]
    assert labels[:5] == [
        (0, "I. TÌNH HÌNH"),
        (0, "II. MỤC TIÊU, CHỈ TIÊU"),
        (1, "1. Mục tiêu chung"),
        (1, "2. Chỉ tiêu"),
        (2, "a) 100% cơ quan có kế hoạch cải cách hành chính hằng năm."),
    ]
    assert draft.audience_root == tree.root
    assert AuditEvent.objects.filter(action="consultation.draft_created", target_id=str(draft.pk)).exists()


def test_only_the_organisations_writers_create_its_drafts(tree):
    with pytest.raises(OutOfScope):
        make_draft(tree, actor=tree.secretary_b)
    with pytest.raises(OutOfScope):
        make_draft(tree, actor=tree.inspector_a, organization=tree.org_a)
    assert make_draft(tree, actor=tree.secretary_a, organization=tree.org_a).organization == tree.org_a


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        (OPENS, OPENS, services.MSG_WINDOW_ORDER),
        (OPENS, OPENS - dt.timedelta(minutes=1), services.MSG_WINDOW_ORDER),
        (OPENS, OPENS + dt.timedelta(days=367), services.MSG_WINDOW_TOO_LONG),
    ],
)
def test_a_window_that_cannot_be_is_refused(tree, opens, closes, message):
    with pytest.raises(BusinessError) as error:
        make_draft(tree, opens_at=opens, closes_at=closes)
    assert error.value.message == message
    assert not Draft.objects.exists()


def test_an_audience_outside_the_drafting_organisation_is_refused(tree):
    with pytest.raises(BusinessError) as error:
        make_draft(tree, actor=tree.secretary_a, organization=tree.org_a, audience_root=tree.org_b)
    assert error.value.message == services.MSG_AUDIENCE_OUTSIDE.format(
        name=tree.org_b.name, organization=tree.org_a.name
    )


def test_opening_needs_sections_and_a_future_deadline(tree):
    empty = make_draft(tree, text="")
    with pytest.raises(BusinessError) as error:
        services.draft_open(actor=tree.staff, draft=empty, now=CREATED)
    assert error.value.message == services.MSG_NO_SECTIONS
    draft = make_draft(tree)
    with pytest.raises(BusinessError) as error:
        services.draft_open(actor=tree.staff, draft=draft, now=AFTER)
    assert error.value.message.startswith("Thời điểm hết hạn góp ý (17:00 ngày 06/04/2021) đã qua")
    draft.refresh_from_db()
    assert draft.state == DraftState.DRAFTING and draft.consulted_version is None


def test_the_whole_life_of_a_draft(tree):
    draft = open_draft(tree)
    assert draft.state == DraftState.OPEN and draft.consulted_version == draft.current_version
    # The invited members were counted when it was put to comment.
    assert sum(n for k, n in draft.invited_counts.items() if k != "delegates") == 3
    goal = section(draft, "2. Chỉ tiêu")
    member = services.comment_submit(
        actor=tree.member_a,
        draft=draft,
        section=goal,
        stance=Stance.PARTLY,
        text="Nên nêu chỉ tiêu theo năm.",
        now=DURING,
    )
    assert member.commenter_kind == CommenterKind.MEMBER and member.organization == tree.branch_a
    collective = services.comment_submit(
        actor=tree.secretary_b,
        draft=draft,
        section=None,
        stance=Stance.AGREE,
        text="",
        organization=tree.org_b,
        participant_count=12,
        now=DURING,
    )
    assert collective.commenter_kind == CommenterKind.ORGANIZATION and collective.participant_count == 12
    # After the window: a new version to revise, each comment answered, the synthesis approved.
    version = services.version_create(actor=tree.staff, draft=draft, now=AFTER)
    draft.refresh_from_db()
    assert draft.state == DraftState.SYNTHESIS and version.number == 2 and draft.current_version == version
    revised = section(draft, "2. Chỉ tiêu", version=version)
    assert revised.origin == goal
    services.section_update(
        actor=tree.staff, draft=draft, section=revised, number="2.", title="Chỉ tiêu đến năm 2025", text=""
    )
    services.comment_dispose(
        actor=tree.staff, comment=member, kind=DispositionKind.ACCEPTED, text="Đã sửa.", now=AFTER
    )
    member.refresh_from_db()
    assert member.revised_section == revised  # the commented section's successor, by default
    with pytest.raises(BusinessError) as error:
        services.synthesis_approve(actor=tree.staff, draft=draft, now=AFTER)
    assert error.value.message == services.MSG_UNDISPOSED.format(count=1)
    assert services.agreeing_acknowledge(actor=tree.staff, draft=draft, now=AFTER) == 1
    services.synthesis_approve(actor=tree.staff, draft=draft, now=AFTER)
    draft.refresh_from_db()
    assert draft.state == DraftState.APPROVED
    document = services.draft_adopt(
        actor=tree.staff,
        draft=draft,
        doc_type=DocumentType.RESOLUTION,
        issued_on=dt.date(2021, 4, 20),
        summary="Về tăng cường sự lãnh đạo của Đảng đối với công tác cải cách hành chính",
        today=dt.date(2021, 4, 20),
        now=AFTER,
    )
    draft.refresh_from_db()
    assert draft.state == DraftState.ADOPTED and draft.adopted_document == document
    assert document.number_text == "01-NQ/ĐUK" and document.file_name == "van-ban-thong-qua.docx"
    from neuguong.docengine.docformat import document_text

    text = document_text(document.file.read())
    assert "NGHỊ QUYẾT" in text and "2. Chỉ tiêu đến năm 2025" in text
    # The adopted text never changes.
    with pytest.raises(BusinessError) as error:
        services.section_update(
            actor=tree.staff, draft=draft, section=revised, number="2.", title="X", text=""
        )
    assert error.value.message == services.MSG_ADOPTED_IMMUTABLE
    with pytest.raises(BusinessError) as error:
        services.version_create(actor=tree.staff, draft=draft, now=AFTER)
    assert error.value.message == services.MSG_ADOPTED_IMMUTABLE
    actions = list(AuditEvent.objects.for_object(draft).order_by("id").values_list("action", flat=True))
    assert actions == [
        "consultation.draft_created",
        "consultation.audience_changed",
        "consultation.opened",
        "consultation.closed",
        "consultation.synthesis_started",
        "consultation.version_created",
        "consultation.section_changed",
        "consultation.synthesis_approved",
        "consultation.adopted",
    ]


def test_adoption_refuses_a_type_the_kind_does_not_allow_and_writes_nothing(tree):
    draft = open_draft(tree)
    services.synthesis_approve(actor=tree.staff, draft=draft, now=AFTER)
    with pytest.raises(BusinessError) as error:
        services.draft_adopt(
            actor=tree.staff,
            draft=draft,
            doc_type=DocumentType.PLAN,
            issued_on=dt.date(2021, 4, 20),
            summary="Về cải cách hành chính",
            today=dt.date(2021, 4, 20),
        )
    assert error.value.message == "Văn bản nghị quyết chỉ vào sổ với loại: Nghị quyết."
    assert not Document.objects.exists()
    draft.refresh_from_db()
    assert draft.state == DraftState.APPROVED


def test_withdrawing_needs_a_reason_and_ends_the_consultation(tree):
    draft = open_draft(tree)
    with pytest.raises(BusinessError) as error:
        services.draft_withdraw(actor=tree.staff, draft=draft, reason="  ")
    assert error.value.message == services.MSG_WITHDRAW_REASON
    services.draft_withdraw(actor=tree.staff, draft=draft, reason="Chuyển sang kỳ họp sau")
    with pytest.raises(BusinessError) as error:
        services.comment_submit(
            actor=tree.member_a, draft=draft, section=None, stance=Stance.AGREE, text="", now=DURING
        )
    assert error.value.message == services.MSG_NO_LONGER_OPEN.format(state="Đã rút dự thảo")


def test_ending_the_consultation_early_and_the_scheduler_closing_a_passed_window(tree):
    early = open_draft(tree)
    services.draft_close(actor=tree.staff, draft=early, now=DURING)
    early.refresh_from_db()
    assert early.state == DraftState.CLOSED and early.closed_at == DURING and early.closes_at == CLOSES
    late = open_draft(tree)
    assert services.close_due(now=CLOSES - dt.timedelta(minutes=1)) == 0
    assert services.close_due(now=CLOSES) == 1
    late.refresh_from_db()
    assert late.state == DraftState.CLOSED and late.closed_at == CLOSES
    assert services.close_due(now=AFTER) == 0


def test_the_window_can_be_extended_while_open_but_not_shortened_nor_the_text_renamed(tree):
    draft = open_draft(tree)
    services.draft_update(actor=tree.staff, draft=draft, closes_at=CLOSES + dt.timedelta(days=2), now=DURING)
    with pytest.raises(BusinessError) as error:
        services.draft_update(actor=tree.staff, draft=draft, closes_at=CLOSES, now=DURING)
    assert error.value.message == services.MSG_EXTEND_ONLY
    with pytest.raises(BusinessError) as error:
        services.draft_update(actor=tree.staff, draft=draft, title="Nghị quyết khác", now=DURING)
    assert error.value.message == services.MSG_FROZEN_AFTER_OPEN
    assert Comment.objects.count() == 0
