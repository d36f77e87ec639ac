"""The menu: the person's name, the current section marked, larger text on request, readable colours."""

import re
from pathlib import Path

from django.urls import reverse

from neuguong.access.context_processors import TEXT_SIZE_COOKIE

APP_CSS = Path(__file__).resolve().parents[2] / "core" / "static" / "neuguong" / "app.css"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_menu_text_on_the_red_bar_reaches_4_5_to_1():
    css = APP_CSS.read_text()
    red = re.search(r"--party-red:\s*(#[0-9a-fA-F]{6})", css).group(1)
    assert re.search(
        r"\.navbar\.bg-party \.nav-link, \.navbar\.bg-party \.navbar-brand \{ color: #fff; \}", css
    )
    assert _contrast("#ffffff", red) >= 4.5


def test_the_menu_shows_the_persons_name_not_the_login(tree, login):
    html = login(tree.member_a).get(reverse("portal:home")).content.decode()
    assert "Nguyễn Nam Đình</button>" in html
    assert "Tên đăng nhập: member_a" in html


def test_the_current_section_is_marked(tree, login):
    html = login(tree.staff).get(reverse("commitments:board")).content.decode()
    assert re.search(r'class="nav-link dropdown-toggle active"[^>]*>Công việc<', html)
    assert 'aria-current="page">Nhiệm vụ<' in html
    home = login(tree.staff).get(reverse("portal:home")).content.decode()
    assert re.search(r'class="nav-link active" href="/" aria-current="page">Trang chủ<', home)


def test_larger_text_is_switched_on_and_off_for_this_device(tree, login):
    client = login(tree.member_a)
    response = client.post(reverse("access:text_size"), HTTP_REFERER="http://testserver/cam-ket/cua-toi/")
    assert response.status_code == 302 and response["Location"] == "http://testserver/cam-ket/cua-toi/"
    assert client.cookies[TEXT_SIZE_COOKIE].value == "large"
    assert '<html lang="vi" class="text-large">' in client.get(reverse("portal:home")).content.decode()
    client.post(reverse("access:text_size"))
    assert '<html lang="vi">' in client.get(reverse("portal:home")).content.decode()


def test_the_login_form_uses_the_sites_styling(client):
    html = client.get(reverse("access:login")).content.decode()
    assert 'class="form-control"' in html and "btn-party" in html
