"""Every consultation page for every role inside and outside the subtree: what a user may not reach answers
404 exactly like a missing draft, and the same addresses answer those who may, so the 404s are no accident.

The draft is org A's (its secretary writes it), put to org A's subtree: member_a (chi bộ A1) is in its
audience; the bloc's office (staff) is a committee above; inspector_a reads org A; secretary_b (chi bộ B)
and the outsider are outside."""

import pytest
from django.urls import reverse

from neuguong.consultation import services
from neuguong.consultation.models import Stance

from .factories import live_draft, section

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(tree):
    draft = live_draft(tree)
    goal = section(draft, "2. Chỉ tiêu")
    member_comment = services.comment_submit(
        actor=tree.member_a,
        draft=draft,
        section=goal,
        stance=Stance.DISAGREE,
        text="Lý do riêng của đảng viên A.",
    )
    collective = services.comment_submit(
        actor=tree.secretary_a,
        draft=draft,
        section=None,
        stance=Stance.PARTLY,
        text="Ý kiến tập thể của chi bộ A1.",
        organization=tree.branch_a,
        participant_count=9,
    )
    return draft, goal, member_comment, collective


def pages(draft, goal, comment) -> dict[str, str]:
    args = [draft.pk]
    return {
        "detail": reverse("consultation:detail", args=args),
        "edit": reverse("consultation:edit", args=args),
        "audience": reverse("consultation:audience", args=args),
        "text": reverse("consultation:text", args=args),
        "section_add": reverse("consultation:section_add", args=args),
        "section_edit": reverse("consultation:section_edit", args=[draft.pk, goal.pk]),
        "new_version": reverse("consultation:new_version", args=args),
        "withdraw": reverse("consultation:withdraw", args=args),
        "adopt": reverse("consultation:adopt", args=args),
        "comment_create": reverse("consultation:comment_create", args=args),
        "comments": reverse("consultation:comments", args=args),
        "comment": reverse("consultation:comment", args=[draft.pk, comment.pk]),
        "synthesis": reverse("consultation:synthesis", args=args),
        "report_docx": reverse("consultation:report", args=[draft.pk, "docx"]),
        "report_xlsx": reverse("consultation:report", args=[draft.pk, "xlsx"]),
        "comments_xlsx": reverse("consultation:comments", args=args) + "?export=xlsx",
    }


COMMITTEE = {
    "detail",
    "edit",
    "audience",
    "text",
    "section_add",
    "section_edit",
    "new_version",
    "withdraw",
    "adopt",
    "comments",
    "comment",
    "synthesis",
    "report_docx",
    "report_xlsx",
    "comments_xlsx",
}
OVERSIGHT = {"detail", "comments", "comment", "synthesis", "report_docx", "report_xlsx", "comments_xlsx"}
REACHABLE = {
    "secretary_a": COMMITTEE,
    "staff": COMMITTEE,  # the committees above write there too
    "inspector_a": OVERSIGHT,
    "member_a": {"detail", "comment_create"},
    "secretary_b": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("name", list(REACHABLE))
def test_every_page_answers_only_those_who_may_reach_it(tree, client, consultation, name):
    draft, goal, member_comment, _collective = consultation
    client.force_login(getattr(tree, name))
    for page, url in pages(draft, goal, member_comment).items():
        status = client.get(url).status_code
        expected = 200 if page in REACHABLE[name] else 404
        assert status == expected, (name, page, status)


@pytest.mark.parametrize("name", ["member_a", "secretary_b", "outsider", "inspector_a"])
def test_steps_and_dispositions_posted_by_others_are_404_and_change_nothing(tree, client, consultation, name):
    draft, _goal, member_comment, _collective = consultation
    client.force_login(getattr(tree, name))
    for step in ("close", "approve", "open", "reopen"):
        assert client.post(reverse("consultation:step", args=[draft.pk, step])).status_code == 404
    response = client.post(
        reverse("consultation:comment", args=[draft.pk, member_comment.pk]),
        {"kind": "explained", "text": "x"},
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    member_comment.refresh_from_db()
    assert draft.state == "open" and member_comment.disposition == ""


def test_a_draft_still_being_written_is_the_committees_alone(tree, client):
    draft = live_draft(tree, opened=False)
    for name, status in (("secretary_a", 200), ("staff", 200), ("member_a", 404), ("secretary_b", 404)):
        client.force_login(getattr(tree, name))
        assert client.get(reverse("consultation:detail", args=[draft.pk])).status_code == status, name
        listing = client.get(reverse("consultation:list")).content.decode()
        assert (draft.title in listing) is (status == 200), name


def test_the_audience_reads_its_own_comments_and_not_the_others(tree, client, consultation):
    draft, _goal, _member_comment, _collective = consultation
    client.force_login(tree.member_a)
    page = client.get(reverse("consultation:detail", args=[draft.pk])).content.decode()
    assert "Lý do riêng của đảng viên A." in page
    assert "Ý kiến tập thể của chi bộ A1." not in page
    assert "Tổng hợp nhanh" not in page and "Lịch sử thay đổi" not in page
    # The secretary reads the collective comment they sent, not the member's.
    client.force_login(tree.secretary_a)
    page = client.get(reverse("consultation:detail", args=[draft.pk])).content.decode()
    assert "Tổng hợp nhanh" in page  # the drafting committee


def test_shared_comments_are_read_by_the_audience_when_the_draft_says_so(tree, client):
    draft = live_draft(tree, comments_visibility="audience")
    services.comment_submit(
        actor=tree.secretary_a,
        draft=draft,
        section=None,
        stance=Stance.PARTLY,
        text="Ý kiến chung của A1.",
        organization=tree.branch_a,
        participant_count=9,
    )
    from neuguong.consultation.models import Comment

    assert Comment.objects.visible_to(tree.member_a).count() == 1
    assert Comment.objects.visible_to(tree.secretary_b).count() == 0


def test_a_missing_or_malformed_address_is_404(tree, client, consultation):
    draft, _goal, _member_comment, _collective = consultation
    client.force_login(tree.secretary_a)
    for url in (
        "/du-thao/999999/",
        f"/du-thao/{draft.pk}/y-kien/999999/",
        f"/du-thao/{draft.pk}/phan/999999/sua/",
        f"/du-thao/{draft.pk}/gop-y/?phan=abc",
        f"/du-thao/{draft.pk}/gop-y/?phan=999999",
        f"/du-thao/{draft.pk}/bao-cao.exe",
        f"/du-thao/{draft.pk}/buoc/nothing/",
        f"/du-thao/{draft.pk}/?lan=9",
        f"/du-thao/{draft.pk}/so-sanh/",
    ):
        method = client.post if "/buoc/" in url else client.get
        assert method(url).status_code == 404, url
