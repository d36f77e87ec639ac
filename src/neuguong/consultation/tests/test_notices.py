"""Who is told: the audience when a draft is put to comment, those who have not commented two days before
the window closes (once), and the drafting committee's queue of comments awaiting an answer."""

import datetime as dt

import pytest
from django.core import mail

from neuguong.consultation import notices, rules, services
from neuguong.consultation.models import Stance
from neuguong.notifications.models import Notification
from neuguong.notifications.queue import queue_for

from .factories import AFTER, CLOSES, DURING, open_draft

pytestmark = pytest.mark.django_db

TITLE = "Đảng bộ Khối Các cơ quan tỉnh lấy ý kiến dự thảo Nghị quyết về tăng cường sự lãnh đạo của Đảng đối với công tác cải cách hành chính"


def _told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_putting_a_draft_to_comment_tells_its_audience(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = open_draft(tree)
    # The member invited, and the secretaries of the organisations that may comment collectively; not the
    # office that opened it, nor anyone outside.
    assert _told("consultation.opened") == ["member_a", "secretary_a", "secretary_b"]
    notice = Notification.objects.get(kind="consultation.opened", recipient=tree.member_a)
    assert notice.title == TITLE
    assert notice.text == f"Đồng chí góp ý đến {rules.local_time(CLOSES)} (giờ Việt Nam)."
    assert notice.url == f"/du-thao/{draft.pk}/"


def test_the_reminder_goes_once_to_those_who_have_not_commented(tree):
    draft = open_draft(tree)
    services.comment_submit(
        actor=tree.member_a, draft=draft, section=None, stance=Stance.AGREE, text="", now=DURING
    )
    assert notices.remind_closing(now=DURING) == 0  # a week before: not yet
    two_days_before = CLOSES - dt.timedelta(hours=47)
    assert notices.remind_closing(now=two_days_before) == 1
    assert _told("consultation.closing") == ["secretary_a", "secretary_b"]
    assert notices.remind_closing(now=two_days_before + dt.timedelta(hours=1)) == 0
    assert Notification.objects.filter(kind="consultation.closing").count() == 2
    del mail.outbox[:]


def test_the_committee_queue_shows_comments_awaiting_an_answer(tree):
    draft = open_draft(tree)
    assert not [i for i in queue_for(tree.staff).items if i.kind == "consultation.to_dispose"]
    services.comment_submit(
        actor=tree.member_a, draft=draft, section=None, stance=Stance.AGREE, text="", now=DURING
    )
    services.draft_close(actor=tree.staff, draft=draft, now=AFTER)
    items = [i for i in queue_for(tree.staff).items if i.kind == "consultation.to_dispose"]
    assert [i.title for i in items] == [f"1 ý kiến chờ tiếp thu, giải trình — Dự thảo {draft.title}"]
    assert items[0].url == f"/du-thao/{draft.pk}/y-kien/?disposition=none"
    assert not [i for i in queue_for(tree.secretary_a).items if i.kind == "consultation.to_dispose"]
    services.agreeing_acknowledge(actor=tree.staff, draft=draft, now=AFTER)
    assert not [i for i in queue_for(tree.staff).items if i.kind == "consultation.to_dispose"]
