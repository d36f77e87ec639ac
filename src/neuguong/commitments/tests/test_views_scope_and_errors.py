"""Every page of commitments: 404 for what is not the user's (role × inside/outside the subtree, GET and
POST), a business error shown in Vietnamese next to its field, and no 500 for bad input."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from neuguong.commitments import services
from neuguong.commitments.models import Commitment, CommitmentSeries, ExtensionRequest, Pledge, WorkProgram
from neuguong.core.dates import local_today

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def work(tree):
    """A's commitment for person_a with a pending report (with evidence) and a pending extension; A's
    work program; a commitment on B's board."""
    today = local_today()
    commitment = services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.org_a,
        title="Nhiệm vụ của A",
        deadline=today + dt.timedelta(days=10),
        responsible_person=tree.person_a,
    )
    report = services.progress_report_submit(
        actor=tree.member_a,
        commitment=commitment,
        percent=40,
        text="Đã làm phần 1",
        files=[SimpleUploadedFile("anh.pdf", PDF)],
    )
    extension = services.extension_request(
        actor=tree.member_a,
        commitment=commitment,
        requested_deadline=today + dt.timedelta(days=40),
        reason="Chờ số liệu",
    )
    program = services.work_program_create(
        actor=tree.secretary_a, organization=tree.org_a, year=today.year, title="Chương trình A"
    )
    in_b = services.commitment_create(
        actor=tree.secretary_b,
        organization=tree.org_b,
        title="Nhiệm vụ của B",
        deadline=today + dt.timedelta(days=5),
        responsible_person=tree.person_b,
    )
    return {
        "commitment": commitment,
        "report": report,
        "evidence": report.evidence.get(),
        "extension": extension,
        "program": program,
        "in_b": in_b,
    }


def _routes(work) -> dict[str, tuple[str, str, dict]]:
    c = work["commitment"].pk
    return {
        "detail": ("get", reverse("commitments:detail", args=[c]), {}),
        "report_page": ("get", reverse("commitments:report", args=[c]), {}),
        "report": ("post", reverse("commitments:report", args=[c]), {"percent": 50, "text": "Tiếp"}),
        "complete": ("post", reverse("commitments:complete", args=[c]), {"completed_on": local_today()}),
        "return": ("post", reverse("commitments:return", args=[c]), {"note": "Thiếu minh chứng"}),
        "extension_request": (
            "post",
            reverse("commitments:extension_request", args=[c]),
            {"requested_deadline": local_today() + dt.timedelta(days=60), "reason": "Thêm"},
        ),
        "extension_grant": (
            "post",
            reverse("commitments:extension_decide", args=[c, work["extension"].pk, "grant"]),
            {"note": ""},
        ),
        "report_accept": (
            "post",
            reverse("commitments:report_review", args=[c, work["report"].pk, "accept"]),
            {"note": ""},
        ),
        "halt": ("post", reverse("commitments:halt", args=[c]), {"halt": "suspended", "reason": "Chờ"}),
        "resume": ("post", reverse("commitments:resume", args=[c]), {"note": ""}),
        "evidence": ("get", reverse("commitments:evidence", args=[work["evidence"].pk]), {}),
        "evidence_delete": ("post", reverse("commitments:evidence_delete", args=[work["evidence"].pk]), {}),
        "create_page": ("get", reverse("commitments:create") + "?org=A", {}),
        "create": (
            "post",
            reverse("commitments:create") + "?org=A",
            {
                "title": "Việc mới",
                "people": [],
                "deadline": local_today(),
                "category": "other",
                "source_kind": "other",
            },
        ),
        "program": ("get", reverse("commitments:program", args=[work["program"].pk]), {}),
        "program_item": (
            "post",
            reverse("commitments:program", args=[work["program"].pk]),
            {"title": "Nội dung", "period": "q4"},
        ),
        "program_create": ("post", reverse("commitments:programs") + "?org=A", {"year": 2030, "title": ""}),
        "pledge_page": (
            "get",
            reverse("commitments:pledge") + f"?person={work['commitment'].responsible_person_id}",
            {},
        ),
        "pledge": (
            "post",
            reverse("commitments:pledge") + f"?person={work['commitment'].responsible_person_id}",
            {"items": "Nêu gương"},
        ),
        "pledge_template_page": ("get", reverse("commitments:pledge_template") + "?org=A", {}),
        "pledge_template": ("post", reverse("commitments:pledge_template") + "?org=A", {"items": "Một"}),
        "board_of_a": ("get", reverse("commitments:board") + "?org=A", {}),
        "board_export_of_a": ("get", reverse("commitments:board_export") + "?org=A", {}),
        "summary_of_a": ("get", reverse("commitments:summary") + "?org=A", {}),
    }


ROUTES = [
    "detail",
    "report_page",
    "report",
    "complete",
    "return",
    "extension_request",
    "extension_grant",
    "report_accept",
    "halt",
    "resume",
    "evidence",
    "evidence_delete",
    "create_page",
    "create",
    "program",
    "program_item",
    "program_create",
    "pledge_page",
    "pledge",
    "pledge_template_page",
    "pledge_template",
    "board_of_a",
    "board_export_of_a",
    "summary_of_a",
]


# Outside A's subtree (secretary of B, someone without a role) nothing of A exists: every route is a 404.
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("user", ["secretary_b", "outsider"])
def test_nothing_of_another_subtree_exists(tree, work, login, user, route):
    method, url, data = _routes(work)[route]
    response = getattr(login(getattr(tree, user)), method)(url, data)
    assert response.status_code == 404, route
    assert "Không tìm thấy trang" in response.content.decode()


# Inside the subtree, an action the role may not take is answered like a missing page too (not a form
# message that would say the page exists): the inspector reads but does not act; the member acts only on
# her own commitment and does not manage it.
@pytest.mark.parametrize(
    ("user", "route"),
    [
        ("inspector_a", "report_page"),
        ("inspector_a", "report"),
        ("inspector_a", "complete"),
        ("inspector_a", "return"),
        ("inspector_a", "extension_request"),
        ("inspector_a", "extension_grant"),
        ("inspector_a", "report_accept"),
        ("inspector_a", "halt"),
        ("inspector_a", "resume"),
        ("inspector_a", "evidence_delete"),
        ("inspector_a", "create_page"),
        ("inspector_a", "create"),
        ("inspector_a", "program_item"),
        ("inspector_a", "program_create"),
        ("inspector_a", "pledge"),
        ("inspector_a", "pledge_template_page"),
        ("inspector_a", "pledge_template"),
        ("member_a", "return"),
        ("member_a", "extension_grant"),
        ("member_a", "report_accept"),
        ("member_a", "halt"),
        ("member_a", "resume"),
        ("member_a", "create_page"),
        ("member_a", "create"),
        ("member_a", "program"),
        ("member_a", "program_item"),
        ("member_a", "pledge_template"),
        ("member_a", "board_of_a"),
    ],
)
def test_an_action_the_role_may_not_take_is_a_404(tree, work, login, user, route):
    method, url, data = _routes(work)[route]
    response = getattr(login(getattr(tree, user)), method)(url, data)
    assert response.status_code == 404, route


@pytest.mark.parametrize(
    ("user", "route"),
    [
        ("staff", "detail"),
        ("secretary_a", "detail"),
        ("inspector_a", "detail"),
        ("member_a", "detail"),
        ("inspector_a", "evidence"),
        ("member_a", "report_page"),
        ("secretary_a", "create_page"),
        ("staff", "create_page"),
        ("inspector_a", "program"),
        ("secretary_a", "pledge_page"),
        ("member_a", "pledge_page"),
        ("secretary_a", "pledge_template_page"),
        ("inspector_a", "board_of_a"),
        ("inspector_a", "summary_of_a"),
    ],
)
def test_pages_inside_the_subtree_open(tree, work, login, user, route):
    method, url, data = _routes(work)[route]
    assert getattr(login(getattr(tree, user)), method)(url, data).status_code == 200, route


def test_a_report_or_extension_of_another_commitment_is_a_404(tree, work, login):
    other = services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.org_a,
        title="Việc khác",
        deadline=local_today() + dt.timedelta(days=3),
        responsible_person=tree.person_a2,
    )
    client = login(tree.secretary_a)
    decide = reverse("commitments:extension_decide", args=[other.pk, work["extension"].pk, "grant"])
    review = reverse("commitments:report_review", args=[other.pk, work["report"].pk, "accept"])
    assert client.post(decide, {"note": ""}).status_code == 404
    assert client.post(review, {"note": ""}).status_code == 404
    bogus = reverse("commitments:report_review", args=[work["commitment"].pk, work["report"].pk, "delete"])
    assert client.post(bogus).status_code == 404
    assert ExtensionRequest.objects.get().state == "pending"


# ---------------------------------------------------------------------------------------------------------
# Business errors: the Vietnamese message (the service's constant) next to the field it concerns.


def _field_errors(response, form_key: str = "form") -> dict:
    return {name: list(errors) for name, errors in response.context[form_key].errors.items()}


def test_assignment_with_a_past_deadline_asks_for_the_reason_next_to_it(tree, login):
    response = login(tree.secretary_a).post(
        reverse("commitments:create") + "?org=A",
        {
            "title": "Việc cũ",
            "people": [tree.person_a.pk],
            "deadline": local_today() - dt.timedelta(days=2),
            "category": "other",
            "source_kind": "other",
        },
    )
    assert response.status_code == 200
    assert _field_errors(response) == {"reason": [services.MSG_DEADLINE_PAST]}
    assert services.MSG_DEADLINE_PAST in response.content.decode()
    assert 'value="Việc cũ"' in response.content.decode() or "Việc cũ</textarea>" in response.content.decode()
    assert not Commitment.objects.exists()


def test_assignment_to_every_head_where_there_is_none(tree, login):
    response = login(tree.secretary_a).post(
        reverse("commitments:create") + "?org=A",
        {
            "title": "Nêu gương",
            "all_heads": "on",
            "deadline": local_today() + dt.timedelta(days=30),
            "category": "exemplary",
            "source_kind": "other",
        },
    )
    assert _field_errors(response) == {"all_heads": [services.MSG_NO_HEADS]}


def test_recurring_assignment_running_backwards_is_refused_on_the_deadline(tree, login):
    response = login(tree.secretary_a).post(
        reverse("commitments:create") + "?org=A",
        {
            "title": "Báo cáo tháng",
            "people": [tree.person_a.pk],
            "start_on": local_today() + dt.timedelta(days=40),
            "deadline": local_today() + dt.timedelta(days=10),
            "recurrence": "monthly",
            "category": "other",
            "source_kind": "other",
        },
    )
    assert _field_errors(response) == {"deadline": [services.MSG_PERIOD]}
    assert not CommitmentSeries.objects.exists()


def test_assignment_messages_say_what_was_assigned_to_whom(tree, login):
    client = login(tree.secretary_a)
    base = {"deadline": local_today() + dt.timedelta(days=30), "category": "other", "source_kind": "other"}
    response = client.post(
        reverse("commitments:create") + "?org=A", {**base, "title": "Một việc", "people": [tree.person_a.pk]}
    )
    commitment = Commitment.objects.get(title="Một việc")
    assert response.url == reverse("commitments:detail", args=[commitment.pk])
    page = client.get(response.url).content.decode()
    assert f"Đã giao nhiệm vụ «Một việc» cho {tree.person_a.full_name}." in page
    response = client.post(
        reverse("commitments:create") + "?org=A",
        {**base, "title": "Hằng tháng", "people": [tree.person_a.pk], "recurrence": "monthly"},
    )
    board = client.get(response.url).content.decode()
    occurrences = Commitment.objects.filter(series__isnull=False).count()
    assert f"Đã giao nhiệm vụ định kỳ «Hằng tháng»: {occurrences} kỳ cho 1 người/đơn vị." in board


def test_too_many_evidence_files_are_refused_next_to_the_files(tree, work, login):
    files = [SimpleUploadedFile(f"anh{i}.pdf", PDF) for i in range(services.MAX_FILES_PER_REPORT + 1)]
    response = login(tree.member_a).post(
        reverse("commitments:report", args=[work["commitment"].pk]),
        {"percent": 60, "text": "Giữ lại", "files": files},
    )
    message = services.MSG_TOO_MANY_FILES.format(limit=services.MAX_FILES_PER_REPORT)
    assert _field_errors(response) == {"files": [message]}
    assert work["commitment"].reports.count() == 1


def test_completion_in_the_future_is_refused_next_to_the_date(tree, work, login):
    response = login(tree.member_a).post(
        reverse("commitments:complete", args=[work["commitment"].pk]),
        {"completed_on": local_today() + dt.timedelta(days=1)},
    )
    assert response.status_code == 400
    assert _field_errors(response, "complete_form") == {"completed_on": [services.MSG_COMPLETED_FUTURE]}
    assert services.MSG_COMPLETED_FUTURE in response.content.decode()


def _state_error(client, url: str, data: dict | None = None) -> str:
    """An error about the commitment's state: back on the page as it now is, with the message."""
    response = client.post(url, data or {})
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert response.url == reverse("commitments:detail", args=[int(url.split("/")[2])])
    return messages


def test_a_second_extension_request_is_refused_with_a_message(tree, work, login):
    url = reverse("commitments:extension_request", args=[work["commitment"].pk])
    data = {"requested_deadline": local_today() + dt.timedelta(days=90), "reason": "Thêm nữa"}
    assert _state_error(login(tree.member_a), url, data) == [services.MSG_EXTENSION_PENDING]
    assert ExtensionRequest.objects.count() == 1


def test_an_extension_not_later_than_the_deadline_is_refused_next_to_the_date(tree, login):
    commitment = services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.org_a,
        title="Việc",
        deadline=local_today() + dt.timedelta(days=10),
        responsible_person=tree.person_a,
    )
    response = login(tree.member_a).post(
        reverse("commitments:extension_request", args=[commitment.pk]),
        {"requested_deadline": commitment.deadline, "reason": "Xin thêm"},
    )
    message = services.MSG_EXTENSION_LATER.format(deadline=f"{commitment.deadline:%d/%m/%Y}")
    assert _field_errors(response, "extension_form") == {"requested_deadline": [message]}
    assert message in response.content.decode()


def test_returning_a_report_without_a_note_says_so_beside_that_report(tree, work, login):
    response = login(tree.secretary_a).post(
        reverse("commitments:report_review", args=[work["commitment"].pk, work["report"].pk, "return"]),
        {"note": " "},
    )
    assert response.status_code == 400
    assert _field_errors(response, "note_form") == {"note": [services.MSG_RETURN_NOTE]}
    body = response.content.decode()
    # Beside the report's own form (before the extension section), not in a banner of the page.
    assert body.index(services.MSG_RETURN_NOTE) < body.index("Gia hạn</h2>")
    assert body.count(services.MSG_RETURN_NOTE) == 1


def test_deciding_an_extension_twice_says_it_is_decided(tree, work, login):
    client = login(tree.secretary_a)
    url = reverse(
        "commitments:extension_decide", args=[work["commitment"].pk, work["extension"].pk, "refuse"]
    )
    assert client.post(url, {"note": "Không đủ lý do"}, follow=True).status_code == 200
    assert _state_error(client, url) == [services.MSG_EXTENSION_DECIDED]
    page = client.get(reverse("commitments:detail", args=[work["commitment"].pk])).content.decode()
    assert "Không đồng ý" in page


def test_resuming_a_commitment_that_is_not_halted_says_so(tree, work, login):
    client = login(tree.secretary_a)
    url = reverse("commitments:resume", args=[work["commitment"].pk])
    assert _state_error(client, url) == [services.MSG_NOT_HALTED]
    response = client.post(url, follow=True)
    assert services.MSG_NOT_HALTED in response.content.decode()


def test_returning_a_completion_without_a_note_says_so_on_its_form(tree, work, login):
    services.commitment_complete(
        actor=tree.secretary_a, commitment=work["commitment"], completed_on=local_today()
    )
    response = login(tree.secretary_a).post(
        reverse("commitments:return", args=[work["commitment"].pk]), {"note": ""}
    )
    assert response.status_code == 400
    assert _field_errors(response, "note_form") == {"note": [services.MSG_RETURN_NOTE]}


def test_halting_a_completed_commitment_is_refused_with_a_message(tree, work, login):
    services.commitment_complete(
        actor=tree.secretary_a, commitment=work["commitment"], completed_on=local_today()
    )
    url = reverse("commitments:halt", args=[work["commitment"].pk])
    data = {"halt": "cancelled", "reason": "Thôi"}
    assert _state_error(login(tree.secretary_a), url, data) == [services.MSG_ALREADY_DONE]


def test_a_second_program_for_the_year_is_refused_next_to_the_year(tree, work, login):
    response = login(tree.secretary_a).post(
        reverse("commitments:programs") + "?org=A", {"year": work["program"].year, "title": ""}
    )
    assert response.status_code == 200
    assert _field_errors(response) == {
        "year": [services.MSG_PROGRAM_EXISTS.format(year=work["program"].year)]
    }
    assert WorkProgram.objects.count() == 1


def test_a_second_pledge_for_the_year_is_refused(tree, login):
    client = login(tree.member_a)
    assert client.post(reverse("commitments:pledge"), {"items": "Nêu gương"}).status_code == 302
    response = client.post(reverse("commitments:pledge"), {"items": "Lần nữa"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        services.MSG_PLEDGE_EXISTS.format(year=local_today().year)
    ]
    assert Pledge.objects.count() == 1


# ---------------------------------------------------------------------------------------------------------
# Bad input never answers 500.


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("commitments:board", {"person": "abc", "due_from": "31/02/2026", "year": "99999", "sort": "x;"}),
        ("commitments:board", {"org": "\x00", "status": "nope", "page": "-1"}),
        ("commitments:board", {"person": "9" * 30, "page": "9" * 30}),
        ("commitments:board_export", {"due_to": "hôm qua", "category": "x"}),
        ("commitments:calendar", {"y": "0", "m": "13"}),
        ("commitments:calendar", {"y": "9" * 30, "m": "-1", "person": "x"}),
        ("commitments:summary", {"org": "x" * 500, "page": "abc"}),
        ("commitments:summary", {"org": "A\x00"}),
        ("commitments:create", {"org": "A\x00"}),
        ("commitments:board", {"q": "\x00"}),
        ("commitments:create", {"org": "A", "document": "9" * 30}),
        ("commitments:create", {"org": "A", "document": "-1"}),
        ("commitments:pledge", {"person": "9" * 30}),
        ("commitments:pledge", {"person": "1 OR 1=1"}),
        ("commitments:programs", {"org": "\x00", "page": "x"}),
        ("commitments:pledge_template", {"org": "x" * 200}),
        ("commitments:mine", {"page": "x"}),
        ("notifications:list", {"page": "9" * 30, "chua-doc": "x"}),
    ],
)
def test_malformed_parameters_never_crash(tree, work, login, name, params):
    response = login(tree.secretary_a).get(reverse(name), params)
    assert response.status_code in (200, 404), (name, params)


@pytest.mark.parametrize("object_id", [0, 2**31, 2**63 - 1, 10**20])
def test_out_of_range_ids_are_404(tree, work, login, object_id):
    client = login(tree.staff)
    for name in ("commitments:detail", "commitments:report"):
        assert client.get(reverse(name, args=[object_id])).status_code == 404
    assert client.get(reverse("commitments:program", args=[object_id])).status_code == 404
    assert client.get(reverse("commitments:evidence", args=[object_id])).status_code == 404
    decide = reverse("commitments:extension_decide", args=[work["commitment"].pk, object_id, "grant"])
    assert client.post(decide).status_code == 404


@pytest.mark.parametrize(
    ("route", "data"),
    [
        ("complete", {"completed_on": "31/02/2026"}),
        ("complete", {}),
        ("extension_request", {"requested_deadline": "x", "reason": "y" * 5000}),
        ("halt", {"halt": "destroyed", "reason": "x"}),
        ("return", {"note": "x" * 5000}),
        ("report", {"percent": "-5", "text": ""}),
        ("report", {"percent": "9" * 30, "text": "x"}),
        ("create", {"title": "", "people": ["x", "99999999999999999999"], "deadline": "0000-00-00"}),
        (
            "create",
            {
                "title": "x",
                "lead_unit": "abc",
                "co_units": ["-1"],
                "deadline": "2026-01-01",
                "recurrence": "daily",
            },
        ),
        ("program_item", {"title": "x", "period": "q9", "responsible_person": "z"}),
        ("program_create", {"year": "1000000", "title": "x"}),
        ("pledge_template", {"items": ""}),
    ],
)
def test_malformed_forms_are_answered_with_the_form_never_a_500(tree, work, login, route, data):
    _, url, _ = _routes(work)[route]
    response = login(tree.staff).post(url, data)
    assert response.status_code in (200, 400), (route, data)
    forms = ("form", "complete_form", "extension_form", "halt_form", "note_form")
    assert any(key in response.context and response.context[key].errors for key in forms)


def test_a_review_says_whose_report_and_what_was_decided(tree, work, login):
    url = reverse("commitments:report_review", args=[work["commitment"].pk, work["report"].pk, "accept"])
    response = login(tree.secretary_a).post(url, {"note": ""}, follow=True)
    expected = f"Đã xem xét báo cáo 40 % của {tree.person_a.full_name}: chấp nhận."
    assert expected in response.content.decode()
