import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.tests.factories import PersonFactory
from neuguong.meetings import rules, services
from neuguong.meetings.selectors import rules_for

from .factories import at, plan

pytestmark = pytest.mark.django_db


def test_the_nearest_settings_up_the_tree_apply_and_are_kept_on_each_meeting(tree):
    assert rules_for(tree.branch_a) == rules.DEFAULTS
    services.settings_save(
        actor=tree.staff, organization=tree.root, schedule_due_day=15, documents_lead_days=2
    )
    services.settings_save(
        actor=tree.secretary_a, organization=tree.org_a, min_minutes_regular=100, small_branch_members=3
    )
    values = rules_for(tree.branch_a)
    assert (values.schedule_due_day, values.documents_lead_days, values.min_minutes_regular) == (20, 1, 100)
    assert rules_for(tree.org_b).schedule_due_day == 15
    # branch_a has two members: fewer than 3, so excused from the minimum length.
    meeting = plan(tree.secretary_a, tree.branch_a, starts_at=at(dt.date(2026, 5, 8)))
    assert meeting.min_minutes == 0 and meeting.schedule_due_on == dt.date(2026, 4, 20)
    PersonFactory(organization=tree.branch_a)
    other = plan(tree.secretary_a, tree.branch_a, starts_at=at(dt.date(2026, 6, 8)))
    assert other.min_minutes == 100
    services.settings_save(actor=tree.secretary_a, organization=tree.org_a, min_minutes_regular=120)
    meeting.refresh_from_db()
    assert meeting.min_minutes == 0  # the rule in force when it was planned


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"schedule_due_day": 31},
            services.MSG_SETTINGS_RANGE.format(label="Hạn nhập lịch (ngày của tháng trước)", low=1, high=28),
        ),
        (
            {"documents_lead_days": -1},
            services.MSG_SETTINGS_RANGE.format(label="Gửi tài liệu trước (ngày)", low=0, high=30),
        ),
    ],
)
def test_settings_out_of_range_are_refused(tree, values, message):
    with pytest.raises(BusinessError) as exc:
        services.settings_save(actor=tree.staff, organization=tree.root, **values)
    assert exc.value.message == message


def test_settings_belong_to_a_committee_and_its_writers(tree):
    with pytest.raises(BusinessError) as exc:
        services.settings_save(actor=tree.secretary_a, organization=tree.branch_a, thematic_per_year=2)
    assert exc.value.message == services.MSG_SETTINGS_KIND
    with pytest.raises(OutOfScope):
        services.settings_save(actor=tree.secretary_b, organization=tree.org_a, thematic_per_year=2)


def test_criteria_are_typed_one_a_line_and_a_wrong_line_is_named(tree):
    assert services.parse_criteria("Chuẩn bị tài liệu | 20\n\nThảo luận | 30") == [
        ("Chuẩn bị tài liệu", 20),
        ("Thảo luận", 30),
    ]
    with pytest.raises(BusinessError) as exc:
        services.parse_criteria("Chuẩn bị | 20\nThảo luận, không điểm")
    assert exc.value.message == services.MSG_CRITERION_LINE.format(line=2)


def test_the_settings_page_saves_and_shows_what_it_changed(tree, login):
    client = login(tree.secretary_a)
    url = f"{reverse('meetings:settings')}?org=A"
    response = client.post(
        url,
        {
            "schedule_due_day": 18,
            "documents_lead_days": 2,
            "min_minutes_regular": 90,
            "min_minutes_combined": 120,
            "small_branch_members": 0,
            "thematic_per_year": 4,
            "scoring_criteria": "Chuẩn bị nội dung | 40\nThảo luận | 60",
        },
        follow=True,
    )
    page = response.content.decode()
    assert (
        "Đã lưu quy định sinh hoạt chi bộ của Đảng bộ Sở Tài chính." in page
        and "Lưu quy định sinh hoạt" in page
    )
    assert rules_for(tree.branch_a).scoring_criteria == (("Chuẩn bị nội dung", 40), ("Thảo luận", 60))
    assert login(tree.secretary_b).get(url).status_code == 404


def test_a_meeting_is_scored_against_the_criteria_within_their_maximum(tree, held):
    with pytest.raises(BusinessError) as exc:
        services.meeting_score(actor=tree.secretary_a, meeting=held, points=[5])
    assert exc.value.message == services.MSG_SCORE_NO_CRITERIA
    services.settings_save(
        actor=tree.staff, organization=tree.root, scoring_criteria=[("Chuẩn bị", 40), ("Thảo luận", 60)]
    )
    with pytest.raises(BusinessError) as exc:
        services.meeting_score(actor=tree.secretary_a, meeting=held, points=[41, 10])
    assert exc.value.message == services.MSG_SCORE_RANGE.format(title="Chuẩn bị", max=40)
    score = services.meeting_score(actor=tree.secretary_a, meeting=held, points=[35, 50])
    assert (score.total, score.maximum) == (85, 100)


def test_the_home_page_tells_the_member_and_the_secretary_what_waits(tree, announced, login):
    page = login(tree.member_a).get("/").content.decode()
    assert announced.title in page and "Xác nhận" in page
    services.invitee_reply(user=tree.member_a, meeting=announced, reply="attending")
    assert "Sẽ dự họp" in login(tree.member_a).get("/").content.decode()
    page = login(tree.secretary_a).get("/").content.decode()
    month = rules.next_month(timezone.localdate())
    assert f"chưa có lịch sinh hoạt tháng {month.month}/{month.year}" in page
