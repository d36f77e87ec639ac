"""The one place where service errors become pages: 404 for what is not yours, a message for the rest."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django_htmx.middleware import HtmxMiddleware

from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.forms import BootstrapFormMixin, Done, submit_form
from neuguong.core.middleware import ServiceErrorMiddleware

MSG = "Hạn hoàn thành phải sau ngày bắt đầu."


def _request(method: str, path: str = "/cam-ket/1/", **headers):
    factory = RequestFactory()
    request = getattr(factory, method.lower())(path, **headers)
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    HtmxMiddleware(lambda r: None)(request)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return request


def _middleware():
    return ServiceErrorMiddleware(lambda request: None)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_out_of_scope_is_answered_with_the_404_page(method):
    response = _middleware().process_exception(_request(method), OutOfScope("Không có quyền."))
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy trang" in body and "Không có quyền" not in body


@pytest.mark.django_db
def test_business_error_on_a_post_becomes_a_message_and_a_303_back():
    request = _request("POST", HTTP_REFERER="http://testserver/cam-ket/1/?tab=bao-cao")
    response = _middleware().process_exception(request, BusinessError(MSG))
    assert response.status_code == 303
    assert response["Location"] == "http://testserver/cam-ket/1/?tab=bao-cao"
    assert [m.message for m in get_messages(request)] == [MSG]


@pytest.mark.django_db
def test_a_foreign_referer_is_not_followed():
    request = _request("POST", "/cam-ket/1/hoan-thanh/", HTTP_REFERER="https://evil.example/")
    response = _middleware().process_exception(request, BusinessError(MSG))
    assert response["Location"] == "/cam-ket/1/hoan-thanh/"


@pytest.mark.django_db
def test_an_htmx_post_is_redirected_by_header_not_swapped():
    request = _request("POST", HTTP_HX_REQUEST="true", HTTP_REFERER="http://testserver/cam-ket/")
    response = _middleware().process_exception(request, BusinessError(MSG))
    assert response.status_code == 204 and response["HX-Redirect"] == "http://testserver/cam-ket/"


@pytest.mark.django_db
def test_business_error_on_a_get_is_a_400_page_with_the_message():
    response = _middleware().process_exception(_request("GET"), BusinessError(MSG))
    assert response.status_code == 400
    assert MSG in response.content.decode()


def test_other_exceptions_are_left_to_django():
    assert _middleware().process_exception(_request("GET"), ValueError("x")) is None


class _DeadlineForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField()
    deadline = forms.DateField()


def test_submit_form_runs_the_service_for_a_valid_form():
    form = _DeadlineForm({"title": "Báo cáo", "deadline": "31/12/2026"})
    done = submit_form(form, lambda data: data["title"].upper())
    assert done == Done("BÁO CÁO")


def test_submit_form_puts_a_business_error_next_to_its_field():
    def service(data):
        raise BusinessError(MSG, field="deadline")

    form = _DeadlineForm({"title": "Báo cáo", "deadline": "31/12/2026"})
    assert submit_form(form, service) is None
    assert form.errors == {"deadline": [MSG]}
    assert "is-invalid" in form.fields["deadline"].widget.attrs["class"]


def test_submit_form_puts_an_error_without_a_known_field_above_the_form():
    def service(data):
        raise BusinessError(MSG, field="no_such_field")

    form = _DeadlineForm({"title": "Báo cáo", "deadline": "31/12/2026"})
    assert submit_form(form, service) is None
    assert form.non_field_errors() == [MSG]


def test_submit_form_does_not_run_the_service_for_an_invalid_or_unbound_form():
    calls = []
    assert submit_form(_DeadlineForm({"title": ""}), calls.append) is None
    assert submit_form(_DeadlineForm(), calls.append) is None
    assert calls == []


def test_submit_form_lets_out_of_scope_reach_the_middleware():
    def service(data):
        raise OutOfScope("Không có quyền.")

    with pytest.raises(OutOfScope):
        submit_form(_DeadlineForm({"title": "a", "deadline": "31/12/2026"}), service)


def test_blank_choices_read_in_vietnamese():
    from django.db import models

    field = models.CharField(choices=[("a", "A")], blank=True).formfield()
    assert field.choices[0] == ("", "— Chọn —")
