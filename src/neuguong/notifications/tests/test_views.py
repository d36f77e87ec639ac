import pytest
from django.urls import reverse

from neuguong.notifications import services
from neuguong.notifications.kinds import declared_kinds
from neuguong.notifications.models import Notification, Preference

from .kinds import SampleNotice

pytestmark = pytest.mark.django_db


def ping(tree, recipient, title="Nguyễn Nam Đình báo cáo 90 % — Đối thoại", url="/cam-ket/"):
    (n,) = services.notify(
        kind=SampleNotice.PING,
        recipients=[recipient],
        actor=tree.member_a,
        target=tree.org_a,
        title=title,
        url=url,
    )
    return n


def test_the_menu_shows_the_unread_count_and_the_persons_name(tree, login):
    ping(tree, tree.secretary_a)
    ping(tree, tree.secretary_a, title="Thứ hai")
    page = login(tree.secretary_a).get(reverse("portal:home")).content.decode()
    assert "data-unread-count>2</span>" in page
    member_page = login(tree.member_a).get(reverse("portal:home")).content.decode()
    assert "data-unread-count" not in member_page
    assert ">Nguyễn Nam Đình</button>" in member_page  # the person's name, not "member_a"


def test_the_list_shows_only_the_users_own_newest_first_and_opening_marks_read(tree, login):
    first = ping(tree, tree.secretary_a, title="Cũ hơn")
    second = ping(tree, tree.secretary_a, title="Mới hơn")
    ping(tree, tree.secretary_b, title="Của người khác")
    client = login(tree.secretary_a)
    page = client.get(reverse("notifications:list")).content.decode()
    assert page.index("Mới hơn") < page.index("Cũ hơn")
    assert "Của người khác" not in page
    assert "2 chưa đọc" in page
    response = client.get(reverse("notifications:open", args=[first.pk]))
    assert (response.status_code, response.url) == (302, "/cam-ket/")
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert Notification.objects.get(pk=second.pk).read_at is None
    assert "1 chưa đọc" in client.get(reverse("notifications:list")).content.decode()
    unread_only = client.get(reverse("notifications:list"), {"chua-doc": "1"}).content.decode()
    assert "Mới hơn" in unread_only and "Cũ hơn" not in unread_only


def test_another_users_notification_is_a_404_and_stays_unread(tree, login):
    theirs = ping(tree, tree.secretary_b)
    assert login(tree.secretary_a).get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_link_to_another_site_is_not_followed(tree, login):
    n = ping(tree, tree.secretary_a, url="https://example.com/lua-dao")
    assert login(tree.secretary_a).get(reverse("notifications:open", args=[n.pk])).url == reverse(
        "notifications:list"
    )


def test_mark_all_read_says_how_many(tree, login):
    ping(tree, tree.secretary_a)
    ping(tree, tree.secretary_a)
    response = login(tree.secretary_a).post(reverse("notifications:mark_all_read"), follow=True)
    assert "Đã đánh dấu 2 thông báo là đã đọc." in response.content.decode()
    assert response.redirect_chain[0][1] == 303
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_list_page_costs_the_same_whatever_the_number_of_notifications(
    tree, login, django_assert_max_num_queries
):
    client = login(tree.secretary_a)
    for i in range(40):
        ping(tree, tree.secretary_a, title=f"Thông báo {i}")
    # Session, user, scope (2), the unread count in the menu and on the page, the page and its count.
    with django_assert_max_num_queries(9):
        assert client.get(reverse("notifications:list")).status_code == 200


def test_the_preferences_page_lists_every_kind_by_module_and_saves(tree, login):
    client = login(tree.member_a)
    page = client.get(reverse("notifications:preferences")).content.decode()
    for text in (
        "Cam kết, nhiệm vụ",
        "Có báo cáo tiến độ chờ xem xét",
        "Học tập nghị quyết",
        "Thông báo thử",
    ):
        assert text in page
    data = {kind.code: kind.default for kind in declared_kinds()}
    data["tests.ping"] = "in_app"
    response = client.post(reverse("notifications:preferences"), data, follow=True)
    assert "Đã lưu cách nhận thông báo: 1 loại thay đổi." in response.content.decode()
    assert Preference.objects.get(user=tree.member_a).delivery == "in_app"
    assert (
        'value="in_app" class="form-check-input" id="id_tests.ping_0" checked>' in response.content.decode()
    )
    # A kind left out of the form keeps its choice.
    client.post(reverse("notifications:preferences"), {"tests.digest_by_default": "email"})
    assert dict(Preference.objects.values_list("kind", "delivery")) == {
        "tests.ping": "in_app",
        "tests.digest_by_default": "email",
    }


def test_the_preferences_form_keeps_the_input_and_says_what_is_wrong(tree, login):
    response = login(tree.member_a).post(reverse("notifications:preferences"), {"tests.ping": "sms"})
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ. sms không phải là một trong các lựa chọn khả thi." in (
        response.content.decode()
    )
    assert not Preference.objects.exists()


def test_pages_need_a_login(client):
    for name in ("notifications:list", "notifications:preferences", "notifications:queue"):
        assert client.get(reverse(name)).status_code == 302
