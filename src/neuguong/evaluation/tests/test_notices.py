"""Who is told what in the annual review, and what waits in whose queue: the chi bộ's reviewers get the
member's self-assessment, the deciding committee gets each proposal (settled when the period is decided),
the member gets a return and the published level; self-assessment reminders through the outbox, each
sent once, cancelled when the member has written it meanwhile."""

import datetime as dt

import pytest
from django.utils import timezone

from neuguong.access.models import Role
from neuguong.core.dates import LOCAL_ZONE
from neuguong.core.tests.factories import UserFactory, grant
from neuguong.evaluation import reminders, services
from neuguong.evaluation.models import ReminderKind, Review, SelfAssessmentReminder
from neuguong.evaluation.notices import EvaluationNotice
from neuguong.evaluation.waiting import SELF_DUE, TO_DECIDE, TO_PROPOSE, waiting_for
from neuguong.notifications.models import Notification
from neuguong.notifications.queue import queue_for

from .factories import YEAR, open_period, review_of, scores, self_and_propose

TODAY = dt.date(YEAR, 12, 3)
DECIDED_ON = dt.date(YEAR, 12, 28)
LATER = dt.date(YEAR + 1, 1, 5)


@pytest.fixture
def deputy(tree):
    """A second writer of the committee (phó bí thư): told of what the secretary does."""
    user = UserFactory(username="deputy_a")
    grant(user, Role.SECRETARY, tree.org_a)
    return user


@pytest.fixture
def period(tree):
    return open_period(tree, includes_organizations=False)


def _notices(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


@pytest.mark.django_db
def test_a_self_assessment_goes_to_the_chi_bo_and_a_proposal_to_the_deciders(tree, deputy, period):
    review = review_of(period, tree.person_a)
    services.review_self_assess(actor=tree.member_a, review=review, text="…", scores=scores(), today=TODAY)
    [told] = _notices(deputy, EvaluationNotice.SELF_ASSESSED)
    assert told.title == f"{tree.person_a.full_name} gửi bản tự kiểm điểm — {period.name}"
    assert told.url == f"/danh-gia/kiem-diem/{review.pk}/"
    assert _notices(tree.secretary_a, EvaluationNotice.SELF_ASSESSED)
    assert not _notices(tree.member_a, EvaluationNotice.SELF_ASSESSED)  # never told of one's own act

    services.review_propose(actor=tree.secretary_a, review=review, scores=scores(), level="htt", today=TODAY)
    told.refresh_from_db()
    assert told.read_at is not None  # settled: it no longer waits
    [proposal] = _notices(deputy, EvaluationNotice.PROPOSED)
    assert proposal.title.startswith(f"Đề xuất xếp loại {tree.person_a.full_name}: Hoàn thành tốt nhiệm vụ")
    assert not _notices(tree.secretary_a, EvaluationNotice.PROPOSED)


@pytest.mark.django_db
def test_the_decision_settles_proposals_and_publication_tells_each_member_their_level(tree, deputy, period):
    for person in (tree.person_a, tree.person_a2):
        self_and_propose(tree, review_of(period, person))
    assert Notification.objects.filter(kind=EvaluationNotice.PROPOSED, read_at__isnull=True).count() == 2
    services.period_decide(actor=tree.secretary_a, period=period, decided_on=DECIDED_ON, today=LATER)
    assert not Notification.objects.filter(kind=EvaluationNotice.PROPOSED, read_at__isnull=True).exists()
    services.period_publish(actor=tree.secretary_a, period=period)
    [result] = _notices(tree.member_a, EvaluationNotice.PUBLISHED)
    assert result.title == (
        f"Kết quả xếp loại chất lượng đảng viên của đồng chí: Hoàn thành tốt nhiệm vụ — {period.name}"
    )
    assert result.url == "/danh-gia/cua-toi/"


@pytest.mark.django_db
def test_a_returned_review_goes_back_to_the_member(tree, deputy, period):
    review = review_of(period, tree.person_a)
    self_and_propose(tree, review)
    services.review_return(actor=tree.secretary_a, review=review, reason="Bổ sung phần hạn chế")
    [told] = _notices(tree.member_a, EvaluationNotice.RETURNED)
    assert told.text == "Bổ sung phần hạn chế"
    assert not Notification.objects.filter(kind=EvaluationNotice.PROPOSED, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_queue_has_one_line_per_period_for_each_side(tree, deputy, period, django_assert_max_num_queries):
    review = review_of(period, tree.person_a)
    [mine] = waiting_for(tree.member_a, 10)
    assert (mine.kind, mine.url) == (SELF_DUE[0], f"/danh-gia/kiem-diem/{review.pk}/")
    services.review_self_assess(actor=tree.member_a, review=review, text="…", scores=scores(), today=TODAY)
    services.review_self_assess(
        actor=tree.secretary_a,
        review=review_of(period, tree.person_a2),
        text="…",
        scores=scores(),
        today=TODAY,
    )
    assert waiting_for(tree.member_a, 10) == []
    [to_propose] = waiting_for(deputy, 10)
    assert to_propose.kind == TO_PROPOSE[0] and to_propose.title.startswith("2 bản tự kiểm điểm")
    for person in (tree.person_a, tree.person_a2):
        services.review_propose(
            actor=tree.secretary_a, review=review_of(period, person), scores=scores(), today=TODAY
        )
    with django_assert_max_num_queries(6):
        [to_decide] = waiting_for(deputy, 10)
    assert to_decide.kind == TO_DECIDE[0] and to_decide.title.startswith(
        "2 đề xuất mức xếp loại chờ quyết định"
    )
    assert to_decide.url == f"/danh-gia/ky/{period.pk}/?state=proposed"
    assert [i.kind for i in queue_for(deputy).items if i.kind.startswith("evaluation.")] == [TO_DECIDE[0]]
    assert waiting_for(tree.secretary_b, 10) == []  # another subtree


def test_reminder_days_before_on_and_after_the_deadline():
    deadline = dt.date(YEAR, 12, 5)
    day = lambda today: reminders.reminder_day(deadline, today, (7, 1), 7)  # noqa: E731
    assert day(dt.date(YEAR, 11, 27)) is None
    assert day(dt.date(YEAR, 11, 28)) == (ReminderKind.BEFORE, dt.date(YEAR, 11, 28))
    assert day(dt.date(YEAR, 12, 3)) == (ReminderKind.BEFORE, dt.date(YEAR, 11, 28))
    assert day(dt.date(YEAR, 12, 5)) == (ReminderKind.BEFORE, dt.date(YEAR, 12, 4))
    assert day(dt.date(YEAR, 12, 6)) == (ReminderKind.OVERDUE, dt.date(YEAR, 12, 6))
    assert day(dt.date(YEAR, 12, 12)) == (ReminderKind.OVERDUE, dt.date(YEAR, 12, 6))
    assert day(dt.date(YEAR, 12, 13)) is None


@pytest.mark.django_db
def test_reminders_are_planned_once_sent_once_and_cancelled_once_written(tree, period):
    assert period.self_assessment_due == dt.date(YEAR, 12, 5)
    # The audience was drawn up on 01/12 (the test's story; the rows themselves were written today).
    Review.objects.filter(period=period).update(created_at=dt.datetime(YEAR, 12, 1, 8, tzinfo=LOCAL_ZONE))
    review = review_of(period, tree.person_a)
    day = dt.date(YEAR, 12, 4)
    now = timezone.now()
    assert reminders.plan_reminders(today=day) == 1  # only person_a has an account
    assert reminders.plan_reminders(today=day) == 0  # a repeated run adds nothing
    assert reminders.send_due_reminders(now=now, today=day) == {"sent": 1, "failed": 0, "cancelled": 0}
    assert reminders.send_due_reminders(now=now, today=day) == {"sent": 0, "failed": 0, "cancelled": 0}
    [told] = _notices(tree.member_a, EvaluationNotice.SELF_ASSESSMENT_DUE)
    assert told.title == f"Nhắc tự kiểm điểm: còn 1 ngày — {period.name}"
    assert told.url == f"/danh-gia/kiem-diem/{review.pk}/"

    late = dt.date(YEAR, 12, 6)
    assert reminders.plan_reminders(today=late) == 1
    services.review_self_assess(actor=tree.member_a, review=review, text="…", scores=scores(), today=late)
    assert reminders.send_due_reminders(now=now, today=late) == {"sent": 0, "failed": 0, "cancelled": 1}
    assert SelfAssessmentReminder.objects.count() == 2
    assert reminders.plan_reminders(today=dt.date(YEAR, 12, 7)) == 0  # written: nothing more to remind


@pytest.mark.django_db
def test_a_member_added_after_a_reminder_day_gets_only_the_later_ones(tree, period):
    Review.objects.filter(period=period).update(created_at=dt.datetime(YEAR, 12, 4, 8, tzinfo=LOCAL_ZONE))
    assert reminders.plan_reminders(today=dt.date(YEAR, 12, 3)) == 0  # the 28/11 reminder came before them
    assert reminders.plan_reminders(today=dt.date(YEAR, 12, 4)) == 1
