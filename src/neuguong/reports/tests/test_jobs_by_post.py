"""A background report job is made only by a POST (issue 19.12: a plain GET of …/tai.xlsx?background=1
created one, so a link preview, a crawler or a prefetch could queue reports)."""

import pytest
from django.urls import reverse

from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.core.dates import local_today
from neuguong.reports import views
from neuguong.reports.models import ReportJob

YEAR = local_today().year
Q = f"start={YEAR}-01-01&end={YEAR}-12-31"


def url(fmt="xlsx", code="DUK"):
    return reverse("reports:download", kwargs={"kind": "commitments", "code": code, "fmt": fmt}) + "?" + Q


@pytest.fixture
def data(tree):
    CommitmentFactory(responsible_person=tree.person_a, deadline=local_today())


def test_a_get_with_background_1_creates_no_job_and_offers_the_button(client, tree, data):
    client.force_login(tree.staff)
    response = client.get(url() + "&background=1")
    assert response.status_code == 200
    assert not ReportJob.objects.exists()
    page = response.content.decode()
    assert 'method="post"' in page and "Tạo trong nền" in page


def test_a_get_of_a_large_subtree_creates_no_job(client, tree, data, monkeypatch):
    monkeypatch.setattr(views, "SYNC_MAX_COMMITMENTS", 0)
    client.force_login(tree.staff)
    assert client.get(url()).status_code == 200
    assert not ReportJob.objects.exists()


def test_a_post_creates_the_job_and_answers_303_to_its_page(
    client, tree, data, django_capture_on_commit_callbacks
):
    client.force_login(tree.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url())
    job = ReportJob.objects.get()
    assert response.status_code == 303
    assert response["Location"] == reverse("reports:job", kwargs={"job_id": job.pk})


def test_the_report_page_offers_background_work_as_a_form(client, tree, data):
    client.force_login(tree.staff)
    page = client.get(reverse("reports:detail", kwargs={"kind": "commitments", "code": "DUK"}) + "?" + Q)
    assert "background=1" not in page.content.decode()


def test_a_post_outside_the_scope_is_404_and_creates_nothing(client, tree, data):
    client.force_login(tree.secretary_b)
    assert client.post(url(code="A")).status_code == 404
    assert not ReportJob.objects.exists()
