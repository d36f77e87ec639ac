"""Pages of data in and out: imports (upload → mapping → preview → confirm), exports, accounts in bulk,
the data-quality report. Thin: nothing here catches a service's error (`core.middleware`: out of scope →
404; a business error → next to its field through `core.forms.submit_form`, or a message)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.core.forms import submit_form
from neuguong.core.office_sheet import office_file_response
from neuguong.core.paging import paginate
from neuguong.organizations.models import Organization
from neuguong.organizations.selectors import organization_for_write, organization_get, organization_list
from neuguong.people.selectors import person_list
from neuguong.people.views import people_filters

from . import accounts, exports, quality, services, tasks
from .columns import COLUMNS, ORGANIZATIONS, PEOPLE, header_key, resolve_headers
from .forms import AccountsForm, UploadForm
from .models import AccountBatch, ImportRun, ImportStatus


def _require_writer(user):
    if not services.may_import(user):
        raise Http404


def _require_reader(user):
    if not scope_for(user).has_org_role:
        raise Http404


def _own_run(request, run_id: int) -> ImportRun:
    run = ImportRun.objects.visible_to(request.user).select_related("organization").filter(pk=run_id).first()
    if run is None or not run.file:
        raise Http404
    return run


# --- import -----------------------------------------------------------------------------------------------


def _upload_page(request, form, *, status: int = 200):
    recent = ImportRun.objects.visible_to(request.user).exclude(file="")[:10]
    context = {"form": form, "recent": recent, "can_import": form is not None}
    return render(request, "dataio/index.html", context, status=status)


@login_required
def index_view(request):
    _require_reader(request.user)
    can_import = services.may_import(request.user)
    form = UploadForm(queryset=Organization.objects.writable_by(request.user)) if can_import else None
    return _upload_page(request, form)


@login_required
@require_POST
def import_upload_view(request):
    _require_writer(request.user)
    form = UploadForm(request.POST, request.FILES, queryset=Organization.objects.writable_by(request.user))
    if done := submit_form(
        form,
        lambda data: services.import_upload(
            actor=request.user, uploaded=data["file"], organization=data["organization"]
        ),
    ):
        return redirect("dataio:import_run", run_id=done.result.pk)
    return _upload_page(request, form, status=400)


def _mapping_rows(run: ImportRun) -> list[dict]:
    """For each header of each table: the column it maps to now and the choices offered."""
    out = []
    for table in run.tables:
        from .columns import detect_kind

        kind = detect_kind(table["headers"], run.mapping) or PEOPLE
        resolved, _unknown = resolve_headers(kind, table["headers"], run.mapping)
        choices = [(c.key, c.header) for c in COLUMNS[kind]]
        if not detect_kind(table["headers"], run.mapping):
            choices = [(c.key, f"{c.header} (đảng viên)") for c in COLUMNS[PEOPLE]] + [
                (c.key, f"{c.header} (tổ chức)") for c in COLUMNS[ORGANIZATIONS] if c.key not in dict(choices)
            ]
        headers = [
            {"text": h, "key": header_key(h), "selected": resolved.get(i, "")}
            for i, h in enumerate(table["headers"])
            if header_key(h)
        ]
        out.append({"name": table["name"], "kind": kind, "headers": headers, "choices": choices})
    return out


@login_required
def import_run_view(request, run_id: int):
    run = _own_run(request, run_id)
    context = {"run": run, "report": run.report or {}}
    if run.status == ImportStatus.UPLOADED:
        context["tables"] = _mapping_rows(run)
    return render(request, "dataio/run.html", context)


@login_required
def import_status_view(request, run_id: int):
    """Polled by the page while a step runs; reloads the page once it is done."""
    run = _own_run(request, run_id)
    response = render(request, "dataio/_progress.html", {"run": run})
    if not run.is_busy:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_mapping_view(request, run_id: int):
    run = _own_run(request, run_id)
    if run.status not in (ImportStatus.UPLOADED, ImportStatus.INVALID, ImportStatus.VALID):
        raise Http404
    valid = {c.key for columns in COLUMNS.values() for c in columns}
    mapping = {}
    for name, value in request.POST.items():
        if name.startswith("h:") and (value == "" or value in valid):
            mapping[name[2:][:200]] = value
    services.import_set_mapping(actor=request.user, run=run, mapping=mapping)
    tasks.validate_import.enqueue(run.pk)
    return redirect("dataio:import_run", run_id=run.pk)


@login_required
@require_POST
def import_remap_view(request, run_id: int):
    run = _own_run(request, run_id)
    if run.is_busy or run.status == ImportStatus.DONE:
        raise Http404
    services.import_remap(actor=request.user, run=run)
    return redirect("dataio:import_run", run_id=run.pk)


@login_required
@require_POST
def import_confirm_view(request, run_id: int):
    run = _own_run(request, run_id)
    services.import_confirm(actor=request.user, run=run)
    tasks.apply_import.enqueue(run.pk)
    messages.success(request, f"Đang ghi dữ liệu từ tệp «{run.original_name}».")
    return redirect("dataio:import_run", run_id=run.pk)


@login_required
def template_view(request):
    _require_reader(request.user)
    return exports.xlsx_response(exports.template_workbook(), "mau-nhap-du-lieu-neu-guong.xlsx")


# --- exports ----------------------------------------------------------------------------------------------


@login_required
def export_people_view(request):
    """Exactly the people list as filtered on the people page, in the import template."""
    _require_reader(request.user)
    filters = people_filters(request)
    people = person_list(user=request.user, **filters)
    workbook = exports.new_workbook()
    exports.write_people(
        workbook,
        people,
        scope=scope_for(request.user),
        with_citizen_id=request.GET.get("cccd") == "1",
        actor=request.user,
    )
    return exports.xlsx_response(workbook, "dang-vien.xlsx")


@login_required
def export_organizations_view(request):
    _require_reader(request.user)
    root = None
    if request.GET.get("org"):
        root = organization_get(user=request.user, code=request.GET["org"][:32])
    orgs = organization_list(
        user=request.user,
        query=request.GET.get("q", "")[:200],
        include_dissolved=request.GET.get("dissolved") == "1",
        root=root,
    )
    workbook = exports.new_workbook()
    exports.write_organizations(workbook, orgs)
    return exports.xlsx_response(workbook, "to-chuc.xlsx")


# --- accounts ---------------------------------------------------------------------------------------------


@login_required
def accounts_view(request, code: str):
    organization = organization_for_write(user=request.user, code=code)
    form = AccountsForm(request.POST or None, initial={"scheme": "card"})
    if request.method == "POST" and (
        done := submit_form(
            form,
            lambda data: accounts.account_batch_start(
                actor=request.user, organization=organization, scheme=data["scheme"]
            ),
        )
    ):
        tasks.create_accounts.enqueue(done.result.pk)
        return redirect("dataio:account_batch", batch_id=done.result.pk)
    eligible = accounts.eligible_people(organization)
    context = {
        "org": organization,
        "form": form,
        "eligible_count": eligible.count(),
        "batches": AccountBatch.objects.filter(actor=request.user, organization=organization)[:10],
    }
    return render(request, "dataio/accounts.html", context)


def _own_batch(request, batch_id: int) -> AccountBatch:
    batch = (
        AccountBatch.objects.select_related("organization").filter(pk=batch_id, actor=request.user).first()
    )
    if batch is None:
        raise Http404
    return batch


@login_required
def account_batch_view(request, batch_id: int):
    batch = _own_batch(request, batch_id)
    if request.htmx and batch.status != ImportStatus.APPLYING:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    return render(request, "dataio/account_batch.html", {"batch": batch})


@login_required
@require_POST
def account_batch_xlsx_view(request, batch_id: int):
    # POST: the first download forgets the one-time passwords (dataio.accounts.account_batch_download).
    batch = _own_batch(request, batch_id)
    rows = accounts.account_batch_download(actor=request.user, batch=batch)
    return exports.account_batch_response(batch, rows)


@login_required
@require_POST
def account_batch_clear_view(request, batch_id: int):
    batch = _own_batch(request, batch_id)
    accounts.account_batch_clear(actor=request.user, batch=batch)
    messages.success(request, "Đã xóa mật khẩu lần đầu khỏi hệ thống.")
    return redirect("dataio:account_batch", batch_id=batch.pk)


# --- data quality -----------------------------------------------------------------------------------------


def _quality_root(request) -> Organization | None:
    code = request.GET.get("org", "")[:32]
    return organization_get(user=request.user, code=code) if code else None


@login_required
def quality_view(request):
    _require_reader(request.user)
    root = _quality_root(request)
    summary = quality.quality_summary(user=request.user, root=root)
    return render(request, "dataio/quality.html", {"root": root, "checks": quality.CHECKS, **summary})


@login_required
def quality_check_view(request, key: str):
    _require_reader(request.user)
    check = quality.CHECKS_BY_KEY.get(key)
    if check is None:
        raise Http404
    root = _quality_root(request)
    rows = quality.check_rows(key, user=request.user, root=root)
    if check.subject == "people":
        rows = rows.select_related("organization")
    context = {"check": check, "root": root, **paginate(request, rows)}
    return render(request, "dataio/quality_check.html", context)


@login_required
def quality_xlsx_view(request):
    _require_reader(request.user)
    root = _quality_root(request)
    return office_file_response(
        exports.quality_sheets(user=request.user, root=root), "chat-luong-du-lieu.xlsx"
    )
