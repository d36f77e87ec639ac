"""Quên mật khẩu: the reset flow by e-mail, in Vietnamese, without saying which addresses exist."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from neuguong.access.models import AccountState

pytestmark = pytest.mark.django_db


def test_the_login_page_offers_the_reset(client):
    page = client.get(reverse("access:login")).content.decode()
    assert f'href="{reverse("access:password_reset")}">Quên mật khẩu?</a>' in page


def test_a_member_resets_the_password_by_email_and_logs_in_with_the_new_one(tree, client):
    tree.member_a.email = "dinh@example.vn"
    tree.member_a.save()
    AccountState.objects.create(user=tree.member_a, must_change_password=True)
    response = client.post(reverse("access:password_reset"), {"email": "DINH@example.vn"}, follow=True)
    assert "Hãy kiểm tra hộp thư" in response.content.decode()
    (message,) = mail.outbox
    assert message.subject == "Đặt lại mật khẩu Nêu Gương" and message.to == ["dinh@example.vn"]
    assert "Kính gửi đồng chí Nguyễn Nam Đình" in message.body
    link = re.search(r"http://testserver(/tai-khoan/dat-lai-mat-khau/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Đặt mật khẩu mới" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": "Chi bo so 3 hop ngay 5", "new_password2": "Chi bo so 3 hop ngay 5"},
        follow=True,
    )
    assert "Đã đặt mật khẩu mới" in done.content.decode()
    tree.member_a.refresh_from_db()
    assert tree.member_a.check_password("Chi bo so 3 hop ngay 5")
    assert not AccountState.objects.get(user=tree.member_a).must_change_password
    # The link works once.
    again = client.get(link, follow=True).content.decode()
    assert "Đường dẫn không còn dùng được" in again


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, tree):
    response = client.post(reverse("access:password_reset"), {"email": "ai.do@example.vn"}, follow=True)
    assert "Hãy kiểm tra hộp thư" in response.content.decode()
    assert mail.outbox == []


def test_a_weak_new_password_is_refused_in_vietnamese(tree, client):
    tree.member_a.email = "dinh@example.vn"
    tree.member_a.save()
    client.post(reverse("access:password_reset"), {"email": "dinh@example.vn"})
    link = re.search(r"http://testserver(/tai-khoan/dat-lai-mat-khau/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    page = client.post(form_url, {"new_password1": "123", "new_password2": "123"}).content.decode()
    assert "Mật khẩu quá ngắn: cần ít nhất 12 ký tự." in page
    assert "too short" not in page
