""" "Việc chờ tôi xử lý": what waits for each role, from every module, oldest first, in a number of
queries that does not grow with the items."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from neuguong.commitments import services as commitments
from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.core.dates import local_today
from neuguong.inspections.tests.factories import advance, make_inspection, make_program
from neuguong.notifications.queue import queue_for
from neuguong.study import services as study
from neuguong.study.models import Invitee
from neuguong.study.tests.factories import make_campaign
from neuguong.targets.models import AgencyAssessment, AssessmentStatus
from neuguong.targets.tests.factories import agencies_for, open_cycle

pytestmark = pytest.mark.django_db
TODAY = local_today()


def kinds(user) -> list[str]:
    return [item.kind for item in queue_for(user).items]


def commitment(tree, organization, person, title):
    return commitments.commitment_create(
        actor=tree.staff,
        organization=organization,
        title=title,
        deadline=TODAY + dt.timedelta(days=20),
        responsible_person=person,
    )


@pytest.fixture
def waiting(tree):
    """One thing waiting in each module, each for a different person."""
    # Commitments: a report of a member of branch A (no secretary there: org A's reviews it), an
    # extension asked in B, a completion on the root's board (the office reviews), one returned to A.
    report_on = commitment(tree, tree.branch_a, tree.person_a, "Đối thoại với cán bộ")
    commitments.progress_report_submit(
        actor=tree.member_a, commitment=report_on, percent=90, text="Đã xong 9/10"
    )
    asked = commitment(tree, tree.org_b, tree.person_b, "Rà soát thủ tục")
    commitments.extension_request(
        actor=tree.secretary_b,
        commitment=asked,
        requested_deadline=TODAY + dt.timedelta(days=60),
        reason="Chờ",
    )
    CommitmentFactory(
        organization=tree.root,
        responsible_person=tree.person_b,
        title="Nêu gương tiết kiệm",
        deadline=TODAY,
        completed_on=TODAY,
        completion_pending=True,
    )
    returned = commitment(tree, tree.branch_a, tree.person_a, "Viết báo cáo chuyên đề")
    commitments.progress_report_submit(actor=tree.member_a, commitment=returned, percent=50, text="Một nửa")
    commitments.commitment_return(actor=tree.secretary_a, commitment=returned, note="Thiếu minh chứng")
    # Study: a reflection of a member of branch A, submitted.
    campaign = make_campaign(tree.staff, tree.root)
    study.invitees_generate(actor=tree.staff, campaign=campaign)
    study.reflection_save(
        actor=tree.member_a,
        invitee=Invitee.objects.get(campaign=campaign, person=tree.person_a),
        answers=["a", "b"],
        plan_items=[{"title": "Áp dụng", "deadline": TODAY + dt.timedelta(days=30)}],
        submit=True,
    )
    # Targets: B's self-assessment submitted to the team (inspector_a); A's sent back for its response.
    agency_a, _, agency_b = agencies_for(tree)
    cycle = open_cycle(tree, [agency_a, agency_b], team=[tree.inspector_a])
    # (The scoring itself is tested in targets; here only the states the queue reads.)
    AgencyAssessment.objects.filter(cycle=cycle, agency=agency_b).update(
        status=AssessmentStatus.SUBMITTED, submitted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    AgencyAssessment.objects.filter(cycle=cycle, agency=agency_a).update(
        status=AssessmentStatus.AWAITING_RESPONSE
    )
    # Inspections: org B notified (its secretary owes the self-report); another examined by its leader.
    program = make_program(tree)
    notified = make_inspection(tree, program=program, subjects=[tree.org_b])
    advance(tree, notified, "notified")
    examined = make_inspection(tree, program=program, subjects=[tree.org_a])
    advance(tree, examined, "examining")
    return {"examined": examined}


def test_each_role_sees_what_waits_for_them_and_nothing_else(tree, waiting):
    assert sorted(kinds(tree.secretary_a)) == sorted(
        ["commitments.report_to_review", "study.reflection_to_grade", "targets.response_due"]
    )
    assert sorted(kinds(tree.secretary_b)) == sorted(
        ["commitments.extension_to_decide", "inspections.self_report_due"]
    )
    assert kinds(tree.staff) == ["commitments.completion_to_confirm"]
    assert kinds(tree.member_a) == ["commitments.returned"]
    assert kinds(tree.inspector_a) == ["targets.appraisal_due"]
    leader = waiting["examined"].leader.user
    assert kinds(leader) == ["inspections.draft_due"]
    assert kinds(tree.outsider) == []


def test_items_name_the_person_and_the_object_and_come_oldest_first(tree, waiting):
    items = queue_for(tree.secretary_a).items
    report = next(i for i in items if i.kind == "commitments.report_to_review")
    assert report.title == "Nguyễn Nam Đình báo cáo 90 % — Đối thoại với cán bộ"
    assert report.kind_label == "Báo cáo chờ xem xét"
    assert report.organization == "Chi bộ Phòng Ngân sách"
    assert report.url == f"/cam-ket/{report.target_id}/"
    assert report.target_type == "commitments.commitment"
    assert [i.waiting_since for i in items] == sorted(i.waiting_since for i in items)
    (returned,) = queue_for(tree.member_a).items
    assert returned.title == "Bị trả lại — Viết báo cáo chuyên đề"


def test_a_decided_item_leaves_the_queue(tree, waiting):
    report = tree.person_a.commitments.get(title="Đối thoại với cán bộ").reports.get()
    commitments.report_accept(actor=tree.secretary_a, report=report)
    assert "commitments.report_to_review" not in kinds(tree.secretary_a)


def _queries(user) -> int:
    for attribute in ("_neuguong_scope", "_neuguong_reviewer_of", "_inspection_facts"):
        user.__dict__.pop(attribute, None)
    with CaptureQueriesContext(connection) as captured:
        queue_for(user)
    return len(captured)


@pytest.mark.parametrize("role", ["secretary_a", "secretary_b", "staff", "member_a", "inspector_a"])
def test_the_number_of_queries_does_not_grow_with_the_items(tree, waiting, role):
    user = getattr(tree, role)
    before = _queries(user)
    assert (
        before <= 16
    )  # scope (2), reviewer roles (1), commitments (4), study (2), targets (3), inspections (4)
    # Three times as much waiting everywhere the user looks.
    for i in range(3):
        c = commitment(tree, tree.branch_a, tree.person_a, f"Việc thêm {i}")
        commitments.progress_report_submit(actor=tree.member_a, commitment=c, percent=10, text="Bắt đầu")
        b = commitment(tree, tree.org_b, tree.person_b, f"Việc B thêm {i}")
        commitments.extension_request(
            actor=tree.secretary_b,
            commitment=b,
            requested_deadline=TODAY + dt.timedelta(days=90),
            reason="Chờ",
        )
        CommitmentFactory(
            organization=tree.root,
            responsible_person=tree.person_b,
            deadline=TODAY,
            completed_on=TODAY,
            completion_pending=True,
        )
        r = commitment(tree, tree.branch_a, tree.person_a, f"Trả lại {i}")
        commitments.progress_report_submit(actor=tree.member_a, commitment=r, percent=5, text="Ít")
        commitments.commitment_return(actor=tree.secretary_a, commitment=r, note="Làm lại")
    assert _queries(user) == before


def test_the_home_page_fetches_the_queue_after_it_is_shown_and_the_panel_lists_what_waits(
    client, tree, waiting
):
    """The home page does not wait for the queue (a placeholder htmx fills); the fragment is the panel."""
    from django.urls import reverse

    client.force_login(tree.secretary_a)
    home = client.get("/").content.decode()
    url = reverse("notifications:queue_panel")
    assert f'hx-get="{url}"' in home
    assert "queue-panel-title" not in home
    panel = client.get(url).content.decode()
    assert "Việc chờ tôi xử lý: " in panel
    assert "Viết báo cáo chuyên đề" not in panel  # returned to person A, not waiting for secretary A
    assert "Đối thoại với cán bộ" in panel


def test_the_queue_panel_is_empty_for_someone_nothing_waits_for_and_asks_to_sign_in(client, tree, waiting):
    from django.urls import reverse

    url = reverse("notifications:queue_panel")
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(tree.outsider)
    response = client.get(url)
    assert response.status_code == 200 and response.content == b""
