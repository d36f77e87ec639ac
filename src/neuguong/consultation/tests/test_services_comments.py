"""Comments: inside the window only (to the minute, Viet Nam time), with the stance's words, from the
audience, on the version put to comment, once per commenter and section, editable until the window closes."""

import datetime as dt

import pytest

from neuguong.consultation import services
from neuguong.consultation.models import Comment, CommenterKind, Stance
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.tests.factories import PersonFactory, UserFactory
from neuguong.people.models import PersonStatus

from .factories import AFTER, CLOSES, CREATED, DURING, OPENS, make_draft, open_draft, section

MINUTE = dt.timedelta(minutes=1)


def _comment(tree, draft, *, actor=None, now=DURING, **kwargs):
    kwargs.setdefault("section", None)
    kwargs.setdefault("stance", Stance.AGREE)
    kwargs.setdefault("text", "")
    return services.comment_submit(actor=actor or tree.member_a, draft=draft, now=now, **kwargs)


def test_a_comment_a_minute_before_the_window_opens_is_refused(tree):
    draft = open_draft(tree)
    with pytest.raises(BusinessError) as error:
        _comment(tree, draft, now=OPENS - MINUTE)
    assert error.value.message == (
        "Chưa đến thời gian góp ý: dự thảo nhận ý kiến từ 08:00 ngày 25/03/2021 đến 17:00 ngày 06/04/2021 "
        "(giờ Việt Nam)."
    )
    assert _comment(tree, draft, now=OPENS).pk


def test_a_comment_a_minute_after_the_window_closes_is_refused(tree):
    draft = open_draft(tree)
    with pytest.raises(BusinessError) as error:
        _comment(tree, draft, now=CLOSES + MINUTE)
    assert error.value.message == "Đã hết thời gian góp ý: hạn cuối là 17:00 ngày 06/04/2021 (giờ Việt Nam)."
    with pytest.raises(BusinessError):
        _comment(tree, draft, now=CLOSES)  # the window is [opens, closes)
    assert _comment(tree, draft, now=CLOSES - MINUTE).pk
    # The same instant written in UTC is the same instant.
    utc = (CLOSES + MINUTE).astimezone(dt.UTC)
    with pytest.raises(BusinessError):
        _comment(tree, draft, actor=tree.secretary_b, organization=tree.org_b, participant_count=3, now=utc)


def test_a_draft_not_yet_put_to_comment_takes_no_comment(tree):
    draft = make_draft(tree)
    with pytest.raises(BusinessError) as error:
        _comment(tree, draft)
    assert error.value.message == services.MSG_NOT_PUT_TO_COMMENT


def test_disagreeing_needs_a_reason_and_partly_agreeing_needs_the_words(tree):
    draft = open_draft(tree)
    with pytest.raises(BusinessError) as error:
        _comment(tree, draft, stance=Stance.DISAGREE, text="   ")
    assert error.value.message == services.MSG_REASON_REQUIRED and error.value.field == "text"
    with pytest.raises(BusinessError) as error:
        _comment(tree, draft, stance=Stance.PARTLY, text="")
    assert error.value.message == services.MSG_PARTLY_TEXT_REQUIRED
    with pytest.raises(BusinessError) as error:
        _comment(tree, draft, stance="maybe")
    assert error.value.message == services.MSG_STANCE
    with pytest.raises(BusinessError) as error:
        _comment(tree, draft, stance=Stance.PARTLY, text="x" * 5001)
    assert error.value.message == services.MSG_COMMENT_TOO_LONG.format(limit=5000)
    assert not Comment.objects.exists()


def test_a_comment_on_a_section_of_another_version_is_refused(tree):
    draft = open_draft(tree)
    _comment(tree, draft, stance=Stance.PARTLY, text="Sửa mục tiêu.", section=section(draft, "2. Chỉ tiêu"))
    services.draft_close(actor=tree.staff, draft=draft, now=DURING)
    version = services.version_create(actor=tree.staff, draft=draft, now=DURING)
    # Open another draft: a section of the first draft's new version is not one of its sections.
    other = open_draft(tree)
    with pytest.raises(BusinessError) as error:
        _comment(tree, other, section=section(draft, "2. Chỉ tiêu", version=version))
    assert error.value.message == services.MSG_SECTION_UNKNOWN
    # A new version of a draft still open for comment cannot exist, so build the case on the first draft:
    # its consulted version is 1; a section of version 2 is of another version.
    draft.state = "open"
    draft.save(update_fields=["state"])
    with pytest.raises(BusinessError) as error:
        _comment(
            tree,
            draft,
            actor=tree.secretary_b,
            organization=tree.org_b,
            participant_count=5,
            section=section(draft, "2. Chỉ tiêu", version=version),
        )
    assert error.value.message == services.MSG_SECTION_OTHER_VERSION.format(number=2, consulted=1)


def test_a_commenter_outside_the_audience_is_refused(tree):
    draft = open_draft(tree, actor=tree.secretary_a, organization=tree.org_a)
    outsider_user = UserFactory(username="binh")
    tree.person_b.user = outsider_user
    tree.person_b.save()
    with pytest.raises(BusinessError) as error:
        _comment(tree, draft, actor=outsider_user)
    assert error.value.message == services.MSG_NOT_IN_AUDIENCE
    with pytest.raises(BusinessError) as error:
        _comment(tree, draft, actor=tree.outsider)
    assert error.value.message == services.MSG_NO_MEMBER_RECORD
    # An organisation outside the audience is refused; one the actor cannot write for is not theirs.
    with pytest.raises(BusinessError) as error:
        _comment(tree, draft, actor=tree.secretary_b, organization=tree.org_b, participant_count=4)
    assert error.value.message == services.MSG_ORG_NOT_IN_AUDIENCE.format(name=tree.org_b.name)
    with pytest.raises(OutOfScope):
        _comment(tree, draft, actor=tree.member_a, organization=tree.branch_a, participant_count=4)
    assert not Comment.objects.exists()


def test_member_statuses_decide_who_is_invited(tree):
    draft = open_draft(tree, invite_probationary=False)
    tree.person_a.status = PersonStatus.PROBATIONARY
    tree.person_a.save()
    with pytest.raises(BusinessError) as error:
        _comment(tree, draft)
    assert error.value.message == services.MSG_NOT_IN_AUDIENCE


def test_a_named_delegate_comments_as_a_delegate(tree):
    delegate = PersonFactory(full_name="Lê Thị Kim Oanh", organization=tree.org_b)
    user = UserFactory(username="oanh")
    delegate.user = user
    delegate.save()
    draft = open_draft(tree, audience_root=None, delegates=[delegate])
    comment = _comment(tree, draft, actor=user, stance=Stance.PARTLY, text="Bổ sung giải pháp.")
    assert comment.commenter_kind == CommenterKind.DELEGATE
    with pytest.raises(BusinessError):  # members are not asked when only delegates are
        _comment(tree, draft)


def test_a_second_comment_on_the_same_section_is_an_edit_instead(tree):
    draft = open_draft(tree)
    goal = section(draft, "2. Chỉ tiêu")
    _comment(tree, draft, section=goal)
    with pytest.raises(BusinessError) as error:
        _comment(tree, draft, section=goal)
    assert error.value.message == services.MSG_DUPLICATE_PERSON.format(
        name="Nguyễn Nam Đình", where="về «2. Chỉ tiêu»"
    )
    _comment(tree, draft, section=None)  # the whole draft is another place
    assert Comment.objects.count() == 2


def test_a_secretary_enters_a_members_paper_comment_recorded_as_such(tree):
    draft = open_draft(tree)
    comment = _comment(
        tree,
        draft,
        actor=tree.secretary_a,
        person=tree.person_a2,
        stance=Stance.DISAGREE,
        text="Chưa sát thực tế.",
    )
    assert comment.on_paper and comment.person == tree.person_a2 and comment.entered_by == tree.secretary_a
    from neuguong.audit.models import AuditEvent

    event = AuditEvent.objects.for_object(comment).get()
    assert event.on_behalf_of == "Nguyễn Văn An" and event.note == "Nhập từ phiếu góp ý giấy"
    with pytest.raises(OutOfScope):  # another organisation's member
        _comment(tree, draft, actor=tree.secretary_b, person=tree.person_a2)


def test_a_collective_comment_counts_the_members_who_took_part(tree):
    draft = open_draft(tree)
    for bad in (0, -3, 100_001, None, "mười"):
        with pytest.raises(BusinessError) as error:
            _comment(tree, draft, actor=tree.secretary_a, organization=tree.org_a, participant_count=bad)
        assert error.value.message == "Số đảng viên tham gia thảo luận phải từ 1 đến 100.000."
    comment = _comment(tree, draft, actor=tree.secretary_a, organization=tree.org_a, participant_count=25)
    assert comment.organization == tree.org_a and comment.person is None
    with pytest.raises(BusinessError):  # the drafting organisation writes the draft, it does not comment
        _comment(tree, draft, actor=tree.staff, organization=tree.root, participant_count=5)


def test_a_comment_is_edited_until_the_window_closes_and_only_by_its_author(tree):
    draft = open_draft(tree)
    comment = _comment(tree, draft, stance=Stance.PARTLY, text="Ý kiến đầu.")
    services.comment_edit(
        actor=tree.member_a, comment=comment, stance=Stance.DISAGREE, text="Không nên.", now=DURING
    )
    comment.refresh_from_db()
    assert comment.stance == Stance.DISAGREE and comment.text == "Không nên."
    with pytest.raises(OutOfScope):
        services.comment_edit(
            actor=tree.secretary_b, comment=comment, stance=Stance.AGREE, text="", now=DURING
        )
    with pytest.raises(BusinessError) as error:
        services.comment_edit(actor=tree.member_a, comment=comment, stance=Stance.AGREE, text="", now=AFTER)
    assert error.value.message.startswith("Đã hết thời gian góp ý")
    with pytest.raises(BusinessError) as error:
        services.comment_edit(
            actor=tree.member_a, comment=comment, stance=Stance.DISAGREE, text="", now=DURING
        )
    assert error.value.message == services.MSG_REASON_REQUIRED
    comment.refresh_from_db()
    assert comment.text == "Không nên."


def test_comments_wait_for_a_lock_on_the_draft_so_none_slips_past_closing(tree):
    """The window check and the write happen under the draft's row lock (the close takes it too)."""
    draft = open_draft(tree)
    services.draft_close(actor=tree.staff, draft=draft, now=CREATED + dt.timedelta(days=6))
    with pytest.raises(BusinessError) as error:
        _comment(tree, draft, now=DURING)
    assert error.value.message == services.MSG_NO_LONGER_OPEN.format(state="Đã hết thời gian góp ý")
