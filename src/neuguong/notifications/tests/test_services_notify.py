import pytest
from django.core import mail
from django.db import transaction

from neuguong.audit.models import AuditEvent
from neuguong.core.errors import BusinessError
from neuguong.core.tests.tasks import enqueued_tasks
from neuguong.notifications import services
from neuguong.notifications.kinds import UnknownNotificationKind, declared_kinds, label_for
from neuguong.notifications.models import Delivery, EmailDelivery, Notification, Preference

from .kinds import SampleNotice

pytestmark = pytest.mark.django_db


def ping(tree, recipients, actor=None, **kw):
    return services.notify(
        kind=SampleNotice.PING,
        recipients=recipients,
        actor=actor,
        target=tree.org_a,
        title=kw.pop("title", "Nguyễn Nam Đình báo cáo 90 % — Nhiệm vụ thử"),
        url="/cam-ket/1/",
        **kw,
    )


def test_notify_writes_one_notification_per_recipient_naming_its_object(tree):
    rows = ping(tree, [tree.secretary_a, tree.secretary_b.pk, tree.secretary_a], actor=tree.member_a)
    assert [n.recipient_id for n in rows] == [tree.secretary_a.pk, tree.secretary_b.pk]
    n = Notification.objects.get(recipient=tree.secretary_a)
    assert (n.kind, n.actor_id, n.title, n.url) == (
        "tests.ping",
        tree.member_a.pk,
        "Nguyễn Nam Đình báo cáo 90 % — Nhiệm vụ thử",
        "/cam-ket/1/",
    )
    assert n.target == tree.org_a and n.target_repr == str(tree.org_a)
    assert n.read_at is None and n.delivery == Delivery.EMAIL
    assert EmailDelivery.objects.filter(notification__in=rows).count() == 2


def test_the_actor_is_not_told_of_their_own_action_nor_an_inactive_account(tree):
    tree.secretary_b.is_active = False
    tree.secretary_b.save()
    assert ping(tree, [tree.secretary_a, tree.secretary_b], actor=tree.secretary_a) == []
    assert not Notification.objects.exists()


def test_an_undeclared_kind_is_refused(tree):
    with pytest.raises(UnknownNotificationKind):
        services.notify(kind="tests.nobody", recipients=[tree.staff], actor=None, target=None, title="x")


def test_each_recipient_gets_the_kind_as_they_chose(tree):
    services.preferences_save(actor=tree.secretary_b, choices={"tests.ping": Delivery.IN_APP})
    services.preferences_save(actor=tree.staff, choices={"tests.ping": Delivery.DIGEST})
    rows = {n.recipient_id: n.delivery for n in ping(tree, [tree.secretary_a, tree.secretary_b, tree.staff])}
    assert rows == {
        tree.secretary_a.pk: Delivery.EMAIL,  # the kind's default
        tree.secretary_b.pk: Delivery.IN_APP,
        tree.staff.pk: Delivery.DIGEST,
    }
    assert list(EmailDelivery.objects.values_list("notification__recipient", flat=True)) == [
        tree.secretary_a.pk
    ]


def test_a_rolled_back_change_tells_nobody(tree):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        ping(tree, [tree.secretary_a])
        raise Boom
    assert not Notification.objects.exists() and not EmailDelivery.objects.exists()


def test_emails_leave_after_the_commit_with_one_task_per_transaction(
    tree, django_capture_on_commit_callbacks
):
    tree.secretary_a.email = "bithu.a@example.vn"
    tree.secretary_a.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        ping(tree, [tree.secretary_a], title="Lần một")
        ping(tree, [tree.secretary_a], title="Lần hai")
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1  # one sender enqueued, however many notifications
    assert sorted(m.subject for m in mail.outbox) == ["Lần hai", "Lần một"]
    assert mail.outbox[0].to == ["bithu.a@example.vn"]
    assert all(e.status == "sent" for e in EmailDelivery.objects.all())


def test_opening_marks_read_once(tree):
    (n,) = ping(tree, [tree.secretary_a])
    services.notification_open(user=tree.secretary_a, notification=n)
    first = Notification.objects.get(pk=n.pk).read_at
    assert first is not None
    services.notification_open(user=tree.secretary_a, notification=Notification.objects.get(pk=n.pk))
    assert Notification.objects.get(pk=n.pk).read_at == first
    ping(tree, [tree.secretary_a])
    ping(tree, [tree.secretary_a])
    assert services.notifications_mark_all_read(user=tree.secretary_a) == 2
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_preferences_keep_only_choices_away_from_the_default_and_are_audited(tree):
    changed = services.preferences_save(
        actor=tree.member_a,
        choices={"tests.ping": Delivery.DIGEST, "tests.digest_by_default": Delivery.DIGEST},
    )
    assert changed == 1  # the second is already its kind's default
    assert list(Preference.objects.values_list("kind", "delivery")) == [("tests.ping", "digest")]
    event = AuditEvent.objects.get(action="notifications.preferences_changed")
    assert event.changes == {
        "Thông báo thử": {
            "old": "Trong ứng dụng và thư điện tử ngay",
            "new": "Trong ứng dụng và thư tổng hợp mỗi ngày",
        }
    }
    services.preferences_save(actor=tree.member_a, choices={"tests.ping": Delivery.EMAIL})
    assert not Preference.objects.exists()  # back to the default: no row


def test_preferences_refuse_an_unknown_kind_or_delivery(tree):
    with pytest.raises(BusinessError) as unknown:
        services.preferences_save(actor=tree.member_a, choices={"tests.nobody": Delivery.EMAIL})
    assert unknown.value.message == services.MSG_KIND == "Loại thông báo không có trong danh sách."
    with pytest.raises(BusinessError) as bad:
        services.preferences_save(actor=tree.member_a, choices={"tests.ping": "sms"})
    assert bad.value.message == services.MSG_DELIVERY == "Cách nhận thông báo không hợp lệ."


def test_every_module_declares_its_kinds_with_vietnamese_labels():
    codes = {kind.code: kind for kind in declared_kinds()}
    for code in (
        "commitments.report_submitted",
        "commitments.returned",
        "commitments.extension_requested",
        "commitments.completion_submitted",
        "study.reflection_submitted",
        "study.reflection_graded",
        "targets.sent_for_response",
        "inspections.notified",
    ):
        assert code in codes, code
    assert label_for("commitments.report_submitted") == "Có báo cáo tiến độ chờ xem xét"
    assert codes["commitments.report_submitted"].group == "Cam kết, nhiệm vụ"


EMAIL_TASK = "neuguong.notifications.tasks.send_notification_emails"


@pytest.mark.django_db(transaction=True)
def test_a_sender_committing_row_by_row_enqueues_the_email_task_once(tree):
    """An outbox commits each row on its own: alone, every commit enqueued its own e-mail task; inside
    emails_sent_once() the batch enqueues one, and every e-mail still leaves once."""
    for user, address in ((tree.secretary_a, "bithu.a@example.vn"), (tree.secretary_b, "bithu.b@example.vn")):
        user.email = address
        user.save()

    def three_rows():
        for n in range(3):
            with transaction.atomic():
                ping(tree, [tree.secretary_a, tree.secretary_b], title=f"Lần {n}")

    with enqueued_tasks() as alone:
        three_rows()
    assert alone.count(EMAIL_TASK) == 3  # the commits are real: one task each
    mail.outbox.clear()
    with enqueued_tasks() as batched, services.emails_sent_once():
        three_rows()
        assert batched == []  # nothing before the batch ends
    assert batched == [EMAIL_TASK]
    assert sorted((m.subject, m.to[0]) for m in mail.outbox) == sorted(
        (f"Lần {n}", address) for n in range(3) for address in ("bithu.a@example.vn", "bithu.b@example.vn")
    )


@pytest.mark.django_db(transaction=True)
def test_a_batch_that_wrote_no_email_or_was_rolled_back_enqueues_nothing(tree):
    class Boom(Exception):
        pass

    with enqueued_tasks() as enqueued:
        with services.emails_sent_once():
            ping(tree, [tree.member_a], actor=tree.member_a)  # the actor is never told: nothing written
        with pytest.raises(Boom), transaction.atomic(), services.emails_sent_once():
            ping(tree, [tree.secretary_a])
            raise Boom
        with transaction.atomic(), services.emails_sent_once(), services.emails_sent_once():
            ping(tree, [tree.secretary_a])  # nested: the outer batch enqueues, after the commit
    assert enqueued == [EMAIL_TASK]
    assert EmailDelivery.objects.count() == 1
