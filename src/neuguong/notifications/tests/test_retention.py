"""Retention: notifications read long ago and old sent digests go; unread ones stay whatever their age."""

import datetime as dt
from unittest import mock

import pytest

from neuguong.core.dates import LOCAL_ZONE
from neuguong.core.scheduler import SCHEDULED_JOBS
from neuguong.notifications import mail as notification_mail
from neuguong.notifications import services
from neuguong.notifications.models import Delivery, Digest, EmailDelivery, Notification
from neuguong.notifications.retention import prune_notifications

from .kinds import SampleNotice

THEN = dt.datetime(2025, 1, 6, 9, 0, tzinfo=LOCAL_ZONE)
NOW = THEN + dt.timedelta(days=500)


def ping(tree, user, title):
    (notification,) = services.notify(
        kind=SampleNotice.PING, recipients=[user], actor=None, target=tree.org_a, title=title, url="/"
    )
    return notification


@pytest.mark.django_db
def test_read_notifications_older_than_the_retention_go_with_their_email_and_unread_ones_stay(tree):
    tree.secretary_a.email = "bithu.a@example.vn"
    tree.secretary_a.save()
    with mock.patch("django.utils.timezone.now", return_value=THEN):
        old_read = ping(tree, tree.secretary_a, "Đọc từ lâu")
        ping(tree, tree.secretary_a, "Chưa đọc")
        services.notification_open(user=tree.secretary_a, notification=old_read)
    with mock.patch("django.utils.timezone.now", return_value=NOW - dt.timedelta(days=10)):
        recent = ping(tree, tree.secretary_a, "Đọc gần đây")
        services.notification_open(user=tree.secretary_a, notification=recent)
    notification_mail.send_emails(now=NOW)
    assert EmailDelivery.objects.count() == 3
    assert prune_notifications(now=NOW, keep_days=400) == {"notifications": 1, "digests": 0}
    assert set(Notification.objects.values_list("title", flat=True)) == {"Chưa đọc", "Đọc gần đây"}
    assert EmailDelivery.objects.count() == 2
    assert prune_notifications(now=NOW, keep_days=400) == {"notifications": 0, "digests": 0}


@pytest.mark.django_db
def test_sent_digests_older_than_the_retention_go_and_are_never_planned_again(tree):
    services.preferences_save(actor=tree.secretary_a, choices={"tests.ping": Delivery.DIGEST})
    tree.secretary_a.email = "bithu.a@example.vn"
    tree.secretary_a.save()
    with mock.patch("django.utils.timezone.now", return_value=THEN):
        ping(tree, tree.secretary_a, "Sáng")
    next_day = THEN.date() + dt.timedelta(days=1)
    notification_mail.plan_digests(today=next_day)
    assert notification_mail.send_digests(now=THEN + dt.timedelta(days=1), today=next_day)["sent"] == 1
    assert prune_notifications(now=NOW, keep_days=400)["digests"] == 1
    assert not Digest.objects.exists()
    assert notification_mail.plan_digests(today=NOW.date()) == 0
    assert any(job.name == "notifications.prune" for job in SCHEDULED_JOBS)
