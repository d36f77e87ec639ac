import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from neuguong.audit.selectors import history_for
from neuguong.commitments.models import Commitment
from neuguong.commitments.selectors import my_commitments
from neuguong.core.errors import BusinessError
from neuguong.core.tests.factories import PersonFactory
from neuguong.meetings import services
from neuguong.meetings.models import MeetingRecord, MeetingState, ResolutionItem
from neuguong.meetings.selectors import current_record, previous_meeting, resolution_items

from .factories import plan

pytestmark = pytest.mark.django_db


def draft(tree, meeting, kind="minutes", **values):
    defaults = {
        "body": "Đồng chí Bí thư quán triệt nghị quyết; các đồng chí thảo luận.",
        "closing": "Thống nhất.",
    }
    return services.record_save_draft(
        actor=tree.secretary_a, meeting=meeting, kind=kind, **(defaults | values)
    )


def test_minutes_are_drafted_approved_then_immutable_and_approving_twice_is_refused(tree, held):
    record = draft(tree, held, votes_for=1, votes_against=0, votes_abstain=0)
    draft(tree, held, body="Nội dung sửa lại trước khi duyệt.", votes_for=1, votes_against=0, votes_abstain=0)
    services.record_approve(actor=tree.secretary_a, record=record)
    record.refresh_from_db()
    held.refresh_from_db()
    assert record.state == "approved" and record.version == 1 and held.state == MeetingState.APPROVED
    assert record.facts["counts"]["present"] == 1 and record.facts["absentees"][0]["reason"] == "Đi công tác"
    with pytest.raises(BusinessError) as exc:
        services.record_approve(actor=tree.secretary_a, record=record)
    assert exc.value.message == services.MSG_RECORD_NOT_DRAFT.format(kind="Biên bản")
    with pytest.raises(BusinessError) as exc:
        draft(tree, held, body="Sửa biên bản đã duyệt")
    assert exc.value.message == services.MSG_RECORD_APPROVED.format(kind="Biên bản")
    record.refresh_from_db()
    assert record.body == "Nội dung sửa lại trước khi duyệt."


def test_the_facts_of_approved_minutes_are_fixed_until_a_correction_is_opened(tree, held):
    services.record_approve(actor=tree.secretary_a, record=draft(tree, held))
    with pytest.raises(BusinessError) as exc:
        services.attendance_mark(
            actor=tree.secretary_a, meeting=held, marks={tree.person_a2.pk: ("present", "")}
        )
    assert exc.value.message == services.MSG_FACTS_LOCKED
    with pytest.raises(BusinessError) as exc:
        services.record_correct(actor=tree.secretary_a, meeting=held, kind="minutes", reason="")
    assert exc.value.message == services.MSG_CORRECTION_REASON
    correction = services.record_correct(
        actor=tree.secretary_a, meeting=held, kind="minutes", reason="Ghi nhầm đồng chí An vắng"
    )
    assert (
        correction.version == 2
        and correction.state == "draft"
        and correction.body == held.records.get(version=1).body
    )
    services.attendance_mark(actor=tree.secretary_a, meeting=held, marks={tree.person_a2.pk: ("present", "")})
    services.record_approve(actor=tree.secretary_a, record=correction)
    versions = dict(MeetingRecord.objects.filter(meeting=held).values_list("version", "state"))
    assert versions == {1: "superseded", 2: "approved"}
    first, second = (MeetingRecord.objects.get(meeting=held, version=v) for v in (1, 2))
    assert first.facts["counts"]["present"] == 1 and second.facts["counts"]["present"] == 2
    labels = [row["action_label"] for row in history_for(held)]
    assert "Lập bản đính chính" in labels and labels.count("Duyệt văn bản") == 2


def test_minutes_are_approved_only_once_the_meeting_is_held(tree):
    meeting = plan(tree.secretary_a, tree.branch_a)
    record = draft(tree, meeting, kind="resolution")  # the draft resolution is prepared before
    with pytest.raises(BusinessError) as exc:
        services.record_approve(actor=tree.secretary_a, record=record)
    assert exc.value.message == services.MSG_APPROVE_BEFORE_HELD


def test_a_resolution_is_adopted_by_a_majority_of_those_present(tree, held):
    record = draft(tree, held, kind="resolution")
    with pytest.raises(BusinessError) as exc:
        services.record_approve(actor=tree.secretary_a, record=record)
    assert exc.value.message == services.MSG_RESOLUTION_VOTES
    with pytest.raises(BusinessError) as exc:
        draft(tree, held, kind="resolution", votes_for=3, votes_against=0, votes_abstain=0)
    assert exc.value.message == services.MSG_VOTES_EXCEED.format(total=3, present=1)
    record = draft(tree, held, kind="resolution", votes_for=1, votes_against=0, votes_abstain=0)
    services.record_approve(actor=tree.secretary_a, record=record)
    assert current_record(held, "resolution").state == "approved"


def test_each_resolution_item_becomes_a_commitment_linked_to_it_on_the_members_list(tree, held):
    deadline = timezone.localdate() + dt.timedelta(days=30)
    items = services.resolution_items_add(
        actor=tree.secretary_a,
        meeting=held,
        items=[
            {
                "title": "Hoàn thành số hóa hồ sơ đảng viên",
                "responsible_person": tree.person_a,
                "deadline": deadline,
            },
            {"title": "Rà soát bản cam kết năm", "responsible_person": tree.person_a2, "deadline": deadline},
        ],
    )
    commitment = Commitment.objects.get(
        source_id=items[0].pk, source_type=ContentType.objects.get_for_model(ResolutionItem)
    )
    assert commitment.source == items[0] and commitment.source_kind == "meeting"
    assert commitment.organization == tree.branch_a and commitment.responsible_person == tree.person_a
    assert commitment.source_note == f"Nghị quyết {held.title}"
    assert [c.title for c in my_commitments(user=tree.member_a, today=timezone.localdate())] == [
        "Hoàn thành số hóa hồ sơ đảng viên"
    ]
    assert [row.label for row in resolution_items(held, today=timezone.localdate())] == [
        "Chưa hoàn thành – trong hạn",
        "Chưa hoàn thành – trong hạn",
    ]


def test_a_bad_item_writes_no_item_and_no_commitment(tree, held):
    outsider = PersonFactory(full_name="Ngô Ngoài Chi Bộ", organization=tree.org_b)
    deadline = timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(BusinessError) as exc:
        services.resolution_items_add(
            actor=tree.secretary_a,
            meeting=held,
            items=[
                {"title": "Việc một", "responsible_person": tree.person_a, "deadline": deadline},
                {"title": "Việc hai", "responsible_person": outsider, "deadline": deadline},
            ],
        )
    assert exc.value.message == "Nhiệm vụ 2: " + services.MSG_PERSON_OUTSIDE.format(name="Ngô Ngoài Chi Bộ")
    with pytest.raises(BusinessError) as exc:
        services.resolution_items_add(
            actor=tree.secretary_a,
            meeting=held,
            items=[{"title": "Việc", "responsible_person": tree.person_a, "deadline": dt.date(2000, 1, 1)}],
        )
    assert exc.value.message.startswith("Nhiệm vụ 1: thời hạn không được trước ngày họp")
    assert not ResolutionItem.objects.exists() and not Commitment.objects.exists()


def test_items_wait_for_the_meeting_and_stop_once_the_resolution_is_approved(tree, held):
    upcoming = plan(tree.secretary_a, tree.branch_a, kind="thematic")
    item = {
        "title": "Việc",
        "responsible_person": tree.person_a,
        "deadline": timezone.localdate() + dt.timedelta(days=9),
    }
    with pytest.raises(BusinessError) as exc:
        services.resolution_items_add(actor=tree.secretary_a, meeting=upcoming, items=[item])
    assert exc.value.message == services.MSG_ITEMS_BEFORE_HELD
    services.record_approve(
        actor=tree.secretary_a,
        record=draft(tree, held, kind="resolution", votes_for=1, votes_against=0, votes_abstain=0),
    )
    with pytest.raises(BusinessError) as exc:
        services.resolution_items_add(actor=tree.secretary_a, meeting=held, items=[item])
    assert exc.value.message == services.MSG_RESOLUTION_LOCKED


def test_the_next_meeting_reviews_what_the_last_one_decided(tree, held):
    services.resolution_items_add(
        actor=tree.secretary_a,
        meeting=held,
        items=[
            {
                "title": "Nộp báo cáo quý",
                "responsible_person": tree.person_a,
                "deadline": timezone.localdate(),
            }
        ],
    )
    following = plan(tree.secretary_a, tree.branch_a, kind="thematic")
    assert previous_meeting(following) == held
    assert [
        row.item.title for row in resolution_items(previous_meeting(following), today=timezone.localdate())
    ] == ["Nộp báo cáo quý"]


def test_votes_on_an_agenda_item_are_counts_within_those_present(tree, held):
    with pytest.raises(BusinessError) as exc:
        services.agenda_item_add(
            actor=tree.secretary_a, meeting=held, kind="vote", title="Biểu quyết kết nạp"
        )
    assert exc.value.message == services.MSG_VOTES_REQUIRED
    with pytest.raises(BusinessError) as exc:
        services.agenda_item_add(
            actor=tree.secretary_a,
            meeting=held,
            kind="information",
            title="Thời sự",
            votes_for=1,
            votes_against=0,
            votes_abstain=0,
        )
    assert exc.value.message == services.MSG_VOTES_NOT_FOR_KIND.format(kind="Thông tin, phổ biến")
    item = services.agenda_item_add(
        actor=tree.secretary_a,
        meeting=held,
        kind="vote",
        title="Biểu quyết",
        votes_for=1,
        votes_against=0,
        votes_abstain=0,
    )
    assert (item.votes_for, item.votes_against, item.votes_abstain) == (1, 0, 0)
    with pytest.raises(BusinessError) as exc:
        services.agenda_item_update(
            actor=tree.secretary_a,
            item=item,
            kind="vote",
            title="Biểu quyết",
            votes_for=2,
            votes_against=0,
            votes_abstain=0,
        )
    assert exc.value.message == services.MSG_VOTES_EXCEED.format(total=2, present=1)
