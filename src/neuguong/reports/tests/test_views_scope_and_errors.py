"""The report pages that write (drafts, templates), their background jobs and the choice form: out of
scope is a 404 on GET and POST, a refused input is shown next to its field in the service's words, a bad
period or format is the 400 page with its message, never a 500."""

import importlib
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from neuguong.audit.events import label_for
from neuguong.audit.models import AuditEvent
from neuguong.core.dates import local_today
from neuguong.docengine import docformat
from neuguong.reports import services
from neuguong.reports.events import ReportEvent
from neuguong.reports.models import ReportDraft, ReportJob, ReportTemplate
from neuguong.reports.periods import MSG_PERIOD_REVERSED, year_period

pytestmark = pytest.mark.django_db
YEAR = local_today().year
Q = f"start={YEAR}-01-01&end={YEAR}-12-31"

# Who may write a draft or a template for which organisation (else 404, GET or POST).
WRITE_MATRIX = [
    ("staff", "DUK", True),
    ("staff", "B", True),
    ("secretary_a", "A", True),
    ("secretary_a", "A1", True),
    ("secretary_a", "B", False),
    ("secretary_a", "DUK", False),
    ("inspector_a", "A", False),
    ("inspector_a", "B", False),
    ("secretary_b", "A", False),
    ("member_a", "A1", False),
    ("outsider", "A", False),
]


def _docx(extra: str = "") -> bytes:
    from docx import Document

    document = Document(str(docformat.DEFAULT_TEMPLATE))
    if extra:
        document.add_paragraph(extra)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("who", "code", "writes"), WRITE_MATRIX)
def test_drafts_and_templates_are_written_only_inside_the_writers_subtree(tree, login, who, code, writes):
    organization = {"DUK": tree.root, "A": tree.org_a, "A1": tree.branch_a, "B": tree.org_b}[code]
    template = ReportTemplate.objects.create(
        organization=organization, kind="", original_name="cu.docx", uploaded_by=tree.staff, file="x.docx"
    )
    client = login(getattr(tree, who))
    detail = reverse("reports:detail", kwargs={"kind": "commitments", "code": code}) + "?" + Q
    templates = reverse("reports:templates", kwargs={"code": code})
    deactivate = reverse("reports:template_deactivate", kwargs={"code": code, "template_id": template.pk})
    draft = client.post(detail, {"signing_authority": "T/M BAN THƯỜNG VỤ", "n_intro": "Nội dung"})
    upload = client.post(templates, {"kind": "", "file": SimpleUploadedFile("rieng.docx", _docx())})
    stop = client.post(deactivate)
    if writes:
        assert (draft.status_code, upload.status_code, stop.status_code) == (302, 302, 302)
        assert ReportDraft.objects.get().narrative["intro"] == "Nội dung"
    else:
        assert (draft.status_code, upload.status_code, stop.status_code) == (404, 404, 404)
        assert not ReportDraft.objects.exists()
        assert list(ReportTemplate.objects.values_list("original_name", "is_active")) == [("cu.docx", True)]


def test_a_template_of_another_organisation_cannot_be_stopped_through_ones_own_address(tree, login):
    foreign = ReportTemplate.objects.create(
        organization=tree.org_b, kind="", original_name="b.docx", uploaded_by=tree.staff, file="x.docx"
    )
    client = login(tree.secretary_a)
    url = reverse("reports:template_deactivate", kwargs={"code": "A", "template_id": foreign.pk})
    assert client.post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


@pytest.mark.parametrize(
    ("who", "status"), [("staff", 200), ("secretary_a", 200), ("secretary_b", 404), ("outsider", 404)]
)
def test_the_dashboard_panel_follows_the_tree(tree, login, who, status):
    url = reverse("reports:panel", kwargs={"code": "A"}) + "?" + Q
    assert login(getattr(tree, who)).get(url).status_code == status


def test_a_job_is_only_its_requesters(tree, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(
            actor=tree.secretary_a,
            kind="commitments",
            organization=tree.org_a,
            period=year_period(YEAR),
            fmt="xlsx",
        )
    job.refresh_from_db()
    assert job.result
    for name in ("secretary_b", "staff", "outsider"):
        client = login(getattr(tree, name))
        assert client.get(reverse("reports:job", kwargs={"job_id": job.pk})).status_code == 404
        assert client.get(reverse("reports:job_download", kwargs={"job_id": job.pk})).status_code == 404
    assert (
        login(tree.secretary_a).get(reverse("reports:job_download", kwargs={"job_id": job.pk})).status_code
        == 200
    )


def test_a_job_cannot_be_queued_outside_the_readers_subtree(tree):
    from neuguong.core.errors import OutOfScope

    with pytest.raises(OutOfScope):
        services.job_start(
            actor=tree.secretary_a,
            kind="commitments",
            organization=tree.org_b,
            period=year_period(YEAR),
            fmt="xlsx",
        )
    assert not ReportJob.objects.exists()


# --- the choice form and the other forms: the message next to its field ----------------------------------


def _form_errors(response) -> dict:
    assert response.status_code == 200
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def test_the_choice_form_puts_a_reversed_period_on_the_end_date_and_a_foreign_code_on_the_code(tree, login):
    client = login(tree.secretary_a)
    url = reverse("reports:index")
    base = {
        "kind": "commitments",
        "org": "A",
        "period": "custom",
        "start": f"{YEAR}-05-01",
        "end": f"{YEAR}-04-01",
    }
    response = client.get(url, base)
    assert _form_errors(response) == {"end": [MSG_PERIOD_REVERSED]}
    assert MSG_PERIOD_REVERSED in response.content.decode()
    assert 'name="start" value="' in response.content.decode()
    assert _form_errors(client.get(url, base | {"org": "B", "end": f"{YEAR}-06-01"})) == {
        "org": ["Không tìm thấy tổ chức có mã «B» trong phạm vi của bạn."]
    }
    response = client.get(url, base | {"end": f"{YEAR}-06-01"})
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("reports:detail", kwargs={"kind": "commitments", "code": "A"})
        + f"?start={YEAR}-05-01&end={YEAR}-06-01"
    )


def test_a_template_too_big_or_misspelt_is_refused_on_the_file(tree, login):
    client = login(tree.staff)
    url = reverse("reports:templates", kwargs={"code": "DUK"})
    big = SimpleUploadedFile("lon.docx", b"0" * (services.TEMPLATE_MAX_BYTES + 1))
    assert _form_errors(client.post(url, {"kind": "", "file": big})) == {
        "file": [services.MSG_TEMPLATE_TOO_BIG]
    }
    not_docx = SimpleUploadedFile("mau.docx", b"PK\x03\x04 not really")
    assert _form_errors(client.post(url, {"kind": "", "file": not_docx})) == {
        "file": [docformat.MSG_TEMPLATE_NOT_DOCX]
    }
    assert not ReportTemplate.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "start=2026-05-01&end=2026-04-01",
        "kind=year&year=abc",
        "kind=year&year=99999",
        "kind=quarter&year=2026&part=9",
        "kind=nonsense",
        "start=31/02/2026&end=2026-03-01",
        "start=1900-01-01&end=2100-01-01",
    ],
)
@pytest.mark.parametrize("page", ["detail", "download", "dashboard", "panel"])
def test_a_bad_period_is_the_400_page_with_its_message_never_a_500(tree, login, page, query):
    client = login(tree.staff)
    url = {
        "detail": reverse("reports:detail", kwargs={"kind": "commitments", "code": "DUK"}),
        "download": reverse("reports:download", kwargs={"kind": "commitments", "code": "DUK", "fmt": "xlsx"}),
        "dashboard": reverse("reports:dashboard", kwargs={"code": "DUK"}),
        "panel": reverse("reports:panel", kwargs={"code": "DUK"}),
    }[page]
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_a_bad_period_posted_to_a_draft_comes_back_as_a_message(tree, login):
    client = login(tree.staff)
    url = (
        reverse("reports:detail", kwargs={"kind": "commitments", "code": "DUK"})
        + "?start=2026-05-01&end=2026-04-01"
    )
    response = client.post(url, {"signing_authority": "T/M"}, HTTP_REFERER=f"http://testserver{url}")
    assert response.status_code == 303
    assert not ReportDraft.objects.exists()


# --- typed events --------------------------------------------------------------------------------------


def test_drafts_and_templates_write_declared_events_with_old_and_new_values(tree):
    period = year_period(YEAR)
    draft = services.draft_save(
        actor=tree.staff,
        organization=tree.root,
        kind="commitments",
        period=period,
        narrative={"intro": "Một"},
    )
    services.draft_save(
        actor=tree.staff,
        organization=tree.root,
        kind="commitments",
        period=period,
        narrative={"intro": "Hai"},
    )
    upload = SimpleUploadedFile("rieng.docx", _docx())
    template = services.template_upload(actor=tree.staff, organization=tree.root, kind="", uploaded=upload)
    services.template_deactivate(actor=tree.staff, template=template)
    services.template_deactivate(actor=tree.staff, template=template)  # already stopped: nothing to record
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.action for e in events] == [
        ReportEvent.DRAFT_CREATED,
        ReportEvent.DRAFT_UPDATED,
        ReportEvent.TEMPLATE_UPLOADED,
        ReportEvent.TEMPLATE_DEACTIVATED,
    ]
    assert list(events[1].changes) == ["narrative"]
    assert events[1].changes["narrative"]["old"]["intro"] == "Một"
    assert events[1].changes["narrative"]["new"]["intro"] == "Hai"
    assert events[2].changes == {"original_name": {"old": None, "new": "rieng.docx"}}
    assert events[3].changes == {"is_active": {"old": True, "new": False}}
    assert all(e.target_id in (str(draft.pk), str(template.pk)) for e in events)

    from neuguong.audit.selectors import history_for

    [stopped, uploaded] = history_for(template)
    assert stopped["action_label"] == "Ngừng dùng mẫu văn bản"
    assert stopped["changes"] == [{"field": "Đang dùng", "old": "Có", "new": "Không"}]
    assert uploaded["changes"] == [{"field": "Tên tệp", "old": None, "new": "rieng.docx"}]


migration = importlib.import_module("neuguong.reports.migrations.0003_typed_audit_actions")


def test_stored_actions_are_renamed_and_back_again(tree):
    from django.apps import apps

    draft = ReportDraft.objects.create(
        organization=tree.root, kind="commitments", period_start=f"{YEAR}-01-01", period_end=f"{YEAR}-12-31"
    )
    template = ReportTemplate.objects.create(
        organization=tree.root, kind="", original_name="m.docx", uploaded_by=tree.staff, file="x.docx"
    )

    def event(target, action):
        return AuditEvent.objects.create(
            action=action,
            target_type=ContentType.objects.get_for_model(type(target)),
            target_id=str(target.pk),
            target_repr=str(target),
        )

    old = [
        event(draft, "create"),
        event(draft, "update"),
        event(template, "create"),
        event(template, "deactivate"),
    ]
    other = event(tree.root, "create")
    migration.forward(apps, None)
    renamed = dict(AuditEvent.objects.values_list("pk", "action"))
    assert [renamed[e.pk] for e in old] == [c.value for c in ReportEvent]
    assert all(label_for(renamed[e.pk]) != renamed[e.pk] for e in old)
    assert renamed[other.pk] == "create"
    migration.backward(apps, None)
    assert [AuditEvent.objects.get(pk=e.pk).action for e in old] == [
        "create",
        "update",
        "create",
        "deactivate",
    ]
