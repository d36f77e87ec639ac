"""/api/v1/drafts: exactly the issue's endpoints, scoped like the pages, the services' rules with their
Vietnamese messages (400), malformed input (422), hidden answered like missing (404)."""

import datetime as dt

import pytest
from django.utils import timezone

from neuguong.access.services import api_token_create
from neuguong.consultation import services
from neuguong.consultation.models import Draft, Stance

from .factories import live_draft

pytestmark = pytest.mark.django_db


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user)}"}


def _iso(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat()


SECTIONS = [
    {
        "number": "I.",
        "title": "MỤC TIÊU",
        "text": "",
        "children": [
            {"number": "1.", "title": "Chỉ tiêu", "text": "100% cơ quan.", "children": []},
        ],
    },
    {"number": "II.", "title": "GIẢI PHÁP", "text": "Các giải pháp.", "children": []},
]


def _create(client, tree, **extra):
    now = timezone.now()
    body = {
        "organization": tree.org_a.code,
        "title": "Kế hoạch cải cách hành chính năm 2026",
        "kind": "plan",
        "opens_at": _iso(now - dt.timedelta(hours=1)),
        "closes_at": _iso(now + dt.timedelta(days=3)),
        "sections": SECTIONS,
        **extra,
    }
    return client.post("/api/v1/drafts", body, content_type="application/json", **auth(tree.secretary_a))


def test_a_draft_is_created_opened_commented_answered_and_approved_through_the_api(tree, client):
    response = _create(client, tree)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["state"] == "drafting" and created["version"] == 1
    goal = created["sections"][0]["children"][0]
    assert goal["number"] == "1." and goal["title"] == "Chỉ tiêu" and isinstance(goal["id"], int)
    draft_id = created["id"]
    opened = client.post(f"/api/v1/drafts/{draft_id}/open", **auth(tree.secretary_a))
    assert opened.status_code == 200 and opened.json()["state"] == "open"
    # The member sees the draft with the same section ids and comments on one.
    seen = client.get(f"/api/v1/drafts/{draft_id}", **auth(tree.member_a)).json()
    assert seen["sections"][0]["children"][0]["id"] == goal["id"]
    comment = client.post(
        f"/api/v1/drafts/{draft_id}/comments",
        {"section": goal["id"], "stance": "partly", "text": "Nêu lộ trình từng năm."},
        content_type="application/json",
        **auth(tree.member_a),
    )
    assert comment.status_code == 201, comment.content
    assert comment.json()["commenter_kind"] == "member" and comment.json()["disposition"] is None
    cid = comment.json()["id"]
    # Approving with a comment left is refused with the count.
    services.draft_close(actor=tree.secretary_a, draft=Draft.objects.get(pk=draft_id))
    refused = client.post(f"/api/v1/drafts/{draft_id}/approve-synthesis", **auth(tree.secretary_a))
    assert refused.status_code == 400 and refused.json()["detail"] == services.MSG_UNDISPOSED.format(count=1)
    answered = client.post(
        f"/api/v1/drafts/{draft_id}/comments/{cid}/disposition",
        {"kind": "explained", "text": "Lộ trình nằm trong kế hoạch thực hiện."},
        content_type="application/json",
        **auth(tree.secretary_a),
    )
    assert answered.status_code == 200 and answered.json()["disposition"]["kind"] == "explained"
    approved = client.post(f"/api/v1/drafts/{draft_id}/approve-synthesis", **auth(tree.secretary_a))
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    summary = client.get(f"/api/v1/drafts/{draft_id}/summary", **auth(tree.secretary_a)).json()
    assert (
        summary["total"] == 1
        and summary["stance"]["partly"] == 1
        and summary["disposition"]["explained"] == 1
    )


@pytest.mark.parametrize(
    ("name", "listed", "detail", "summary"),
    [
        ("secretary_a", True, 200, 200),
        ("staff", True, 200, 200),
        ("inspector_a", True, 200, 200),
        ("member_a", True, 200, 404),
        ("secretary_b", False, 404, 404),
        ("outsider", False, 404, 404),
    ],
)
def test_the_api_is_scoped_like_the_pages(tree, client, name, listed, detail, summary):
    draft = live_draft(tree)
    headers = auth(getattr(tree, name))
    listing = client.get("/api/v1/drafts", **headers).json()
    assert (draft.pk in [item["id"] for item in listing["items"]]) is listed
    response = client.get(f"/api/v1/drafts/{draft.pk}", **headers)
    assert response.status_code == detail
    if detail == 404:
        assert response.json() == {"detail": "Không tìm thấy."}
    assert client.get(f"/api/v1/drafts/{draft.pk}/summary", **headers).status_code == summary
    opened = client.post(f"/api/v1/drafts/{draft.pk}/open", **headers)
    assert opened.status_code in ((400,) if name in ("secretary_a", "staff") else (404,))


def test_comments_through_the_api_are_the_callers_own_unless_shared(tree, client):
    draft = live_draft(tree)
    services.comment_submit(actor=tree.member_a, draft=draft, section=None, stance=Stance.AGREE, text="")
    services.comment_submit(
        actor=tree.secretary_a,
        draft=draft,
        section=None,
        stance=Stance.PARTLY,
        text="Tập thể A1.",
        organization=tree.branch_a,
        participant_count=8,
    )
    mine = client.get(f"/api/v1/drafts/{draft.pk}/comments", **auth(tree.member_a)).json()
    assert mine["count"] == 1 and mine["items"][0]["commenter_kind"] == "member"
    everyone = client.get(f"/api/v1/drafts/{draft.pk}/comments", **auth(tree.inspector_a)).json()
    assert everyone["count"] == 2


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"stance": "disagree", "text": ""}, 400, services.MSG_REASON_REQUIRED),
        ({"stance": "partly"}, 400, services.MSG_PARTLY_TEXT_REQUIRED),
        ({"stance": "maybe"}, 400, services.MSG_STANCE),
        ({"stance": "agree", "section": 999999}, 400, services.MSG_SECTION_UNKNOWN),
        (
            {"stance": "agree", "organization": "KHONGCO", "participant_count": 3},
            400,
            "Không tìm thấy tổ chức «KHONGCO».",
        ),
        ({"text": "thiếu ý kiến"}, 422, "Dữ liệu không hợp lệ."),
        ({"stance": "agree", "section": "abc"}, 422, "Dữ liệu không hợp lệ."),
    ],
)
def test_bad_comments_are_refused_with_a_clear_message(tree, client, body, status, detail):
    draft = live_draft(tree)
    response = client.post(
        f"/api/v1/drafts/{draft.pk}/comments", body, content_type="application/json", **auth(tree.member_a)
    )
    assert response.status_code == status and response.json()["detail"] == detail
    assert not draft.comments.exists()


def test_a_section_of_another_version_is_named_as_such(tree, client):
    draft = live_draft(tree)
    services.draft_close(actor=tree.secretary_a, draft=draft)
    version = services.version_create(actor=tree.secretary_a, draft=draft)
    Draft.objects.filter(pk=draft.pk).update(state="open")
    newer = version.sections.order_by("position").first()
    response = client.post(
        f"/api/v1/drafts/{draft.pk}/comments",
        {"section": newer.pk, "stance": "agree"},
        content_type="application/json",
        **auth(tree.member_a),
    )
    assert response.status_code == 400
    assert response.json()["detail"] == services.MSG_SECTION_OTHER_VERSION.format(number=2, consulted=1)


def test_a_time_without_a_zone_is_viet_nam_time(tree, client):
    now = timezone.localtime()
    naive = (now + dt.timedelta(days=2)).replace(tzinfo=None, microsecond=0)
    response = _create(client, tree, closes_at=naive.strftime("%Y-%m-%dT%H:%M:%S"))
    assert response.status_code == 201, response.content
    assert response.json()["closes_at"].endswith("+07:00")
    assert response.json()["closes_at"].startswith(naive.strftime("%Y-%m-%dT%H:%M:%S"))


@pytest.mark.parametrize(
    ("extra", "detail"),
    [
        ({"kind": "memo"}, services.MSG_KIND),
        ({"title": "  "}, services.MSG_TITLE_REQUIRED),
        ({"organization": "B"}, "Không tìm thấy tổ chức «B»."),
        (
            {"sections": [{"number": "", "title": "", "text": ""}]},
            "Có phần không có số thứ tự, tiêu đề và nội dung.",
        ),
    ],
)
def test_bad_drafts_are_refused_and_nothing_is_written(tree, client, extra, detail):
    response = _create(client, tree, **extra)
    assert response.status_code == 400 and response.json()["detail"] == detail
    assert not Draft.objects.exists()


def test_a_deeply_nested_body_is_refused_not_a_500(tree, client):
    deep: dict = {"number": "1.", "title": "x", "text": "", "children": []}
    node = deep
    for _ in range(20):
        child = {"number": "1.", "title": "x", "text": "", "children": []}
        node["children"] = [child]
        node = child
    response = _create(client, tree, sections=[deep])
    assert response.status_code in (400, 422)
    assert not Draft.objects.exists()
