"""Target pages and API: role × scope, bad actuals, XLSX import all-or-nothing, query counts, overdue."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from neuguong.access.services import api_token_create
from neuguong.core.dates import local_today
from neuguong.targets import services
from neuguong.targets.models import Actual, ActualEvidence, AnnualTarget, Indicator

from .factories import agencies_for, pdf, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def target_env(tree):
    agency_a, _agency_a1, agency_b = agencies_for(tree)
    indicator = services.indicator_create(
        actor=tree.staff,
        organization=tree.root,
        code="CT01",
        name="Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn",
        unit="%",
        baseline="95,5",
        source="Nghị quyết 05-NQ/ĐUK",
    )
    year = local_today().year
    target_a = services.annual_target_set(
        actor=tree.staff, indicator=indicator, agency=agency_a, year=year, target_value="98"
    )
    target_b = services.annual_target_set(
        actor=tree.staff, indicator=indicator, agency=agency_b, year=year, target_value="97"
    )
    return indicator, target_a, target_b


def api(client, user, url, **kwargs):
    token = api_token_create(user=user)
    if "data" in kwargs:
        return client.post(
            url,
            json.dumps(kwargs["data"]),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize(
    ("username", "indicator_page", "target_a", "target_b"),
    [
        ("staff", 200, 200, 200),
        ("secretary_a", 200, 200, 404),
        ("inspector_a", 200, 200, 404),
        ("secretary_b", 200, 404, 200),
        ("member_a", 404, 404, 404),
        ("outsider", 404, 404, 404),
    ],
)
def test_target_pages_and_api_role_by_scope(
    tree, client, target_env, username, indicator_page, target_a, target_b
):
    indicator, a, b = target_env
    user = getattr(tree, username)
    client.force_login(user)
    assert client.get(reverse("targets:indicator", args=[indicator.pk])).status_code == indicator_page
    assert (
        client.get(reverse("targets:indicator", args=[indicator.pk]) + "?format=xlsx").status_code
        == indicator_page
    )
    assert client.get(reverse("targets:target", args=[a.pk])).status_code == target_a
    assert client.get(reverse("targets:target", args=[b.pk])).status_code == target_b
    assert api(client, user, f"/api/v1/targets/{a.pk}").status_code == target_a
    listed = json.loads(api(client, user, "/api/v1/targets").content)
    assert {item["agency_code"] for item in listed["items"]} == (
        ({"CQA"} if target_a == 200 else set()) | ({"CQB"} if target_b == 200 else set())
    )


def test_read_only_roles_cannot_record_actuals(tree, client, target_env):
    _, a, _ = target_env
    client.force_login(tree.inspector_a)
    response = client.post(reverse("targets:target", args=[a.pk]), {"period": 1, "value": "99"})
    assert response.status_code == 404
    assert (
        api(
            client, tree.inspector_a, f"/api/v1/targets/{a.pk}/actuals", data={"period": 1, "value": "99"}
        ).status_code
        == 404
    )
    assert not Actual.objects.exists()


def test_actual_that_is_not_a_number_is_refused_next_to_the_field(tree, client, target_env):
    _, a, _ = target_env
    client.force_login(tree.secretary_a)
    response = client.post(
        reverse("targets:target", args=[a.pk]),
        {"period": 1, "value": "chín mươi", "note": "giữ", "files": pdf()},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "«chín mươi» không phải là một số." in page
    assert not Actual.objects.exists() and not ActualEvidence.objects.exists()
    bad = api(client, tree.secretary_a, f"/api/v1/targets/{a.pk}/actuals", data={"period": 1, "value": "abc"})
    assert bad.status_code == 400
    assert json.loads(bad.content)["detail"] == "«abc» không phải là một số."


def test_recording_an_actual_gives_the_status_of_the_one_rule(tree, client, target_env):
    _, a, _ = target_env
    client.force_login(tree.secretary_a)
    response = client.post(
        reverse("targets:target", args=[a.pk]),
        {"period": 1, "value": "98,5", "files": pdf("bao-cao-quy-1.pdf")},
    )
    assert response.status_code == 302
    actual = Actual.objects.get()
    assert actual.value == Decimal("98.5")
    assert actual.evidence.get().original_name == "bao-cao-quy-1.pdf"
    data = json.loads(api(client, tree.secretary_a, f"/api/v1/targets/{a.pk}").content)
    assert data["periods"][0]["status"] == "exceeded"
    page = client.get(reverse("targets:target", args=[a.pk])).content.decode()
    assert "Vượt" in page and "<svg" in page and "bao-cao-quy-1.pdf" in page
    evidence = actual.evidence.get()
    assert client.get(reverse("targets:actual_evidence", args=[evidence.pk])).status_code == 200
    client.force_login(tree.secretary_b)
    assert client.get(reverse("targets:actual_evidence", args=[evidence.pk])).status_code == 404


def test_a_renamed_executable_is_refused_as_evidence(tree, client, target_env):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from neuguong.core.uploads import MSG_FILE_CONTENT

    _, a, _ = target_env
    client.force_login(tree.secretary_a)
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("targets:target", args=[a.pk]), {"period": 1, "value": "99", "files": fake}
    )
    assert MSG_FILE_CONTENT.format(name="bao-cao.pdf") in response.content.decode()
    assert not Actual.objects.exists()


def test_import_of_annual_targets_is_all_or_nothing(tree, client, target_env):
    client.force_login(tree.staff)
    year = local_today().year
    rows = [
        ("Mã chỉ tiêu", "Mã cơ quan", "Năm", "Chỉ tiêu năm"),
        ("CT01", "CQA1", year, "96,5"),
        ("CT09", "CQA", year, 90),
        ("CT01", "CQB", "năm nay", 90),
        ("CT01", "CQB", year, "nhiều"),
    ]
    response = client.post(reverse("targets:targets_import"), {"organization": "DUK", "file": xlsx(rows)})
    page = response.content.decode()
    assert "Dòng 3: không có chỉ tiêu mã «CT09»." in page
    assert "Dòng 4: năm «năm nay» không hợp lệ." in page
    assert "Dòng 5: «nhiều» không phải là một số." in page
    assert AnnualTarget.objects.count() == 2
    good = [rows[0], ("CT01", "CQA1", year, "96,5"), ("CT01", "CQB", year, 99)]
    assert (
        client.post(
            reverse("targets:targets_import"), {"organization": "DUK", "file": xlsx(good)}
        ).status_code
        == 302
    )
    assert AnnualTarget.objects.get(agency__code="CQB").target_value == Decimal("99")
    assert AnnualTarget.objects.get(agency__code="CQA1").target_value == Decimal("96.5")


def test_secretary_imports_only_for_agencies_in_her_scope(tree, client, target_env):
    client.force_login(tree.secretary_a)
    rows = [("Mã chỉ tiêu", "Mã cơ quan", "Năm", "Chỉ tiêu năm"), ("CT01", "CQB", 2026, 1)]
    # She cannot even name the root as the importing committee.
    response = client.post(reverse("targets:targets_import"), {"organization": "DUK", "file": xlsx(rows)})
    assert "Không tìm thấy tổ chức" in response.content.decode() or response.status_code == 404


def test_rollup_counts_statuses_over_the_subtree(tree, client, target_env):
    indicator, a, b = target_env
    services.actual_record(
        actor=tree.secretary_a, annual_target=a, period=1, value="97", reported_on=local_today()
    )
    services.actual_record(
        actor=tree.secretary_b, annual_target=b, period=1, value="97", reported_on=local_today()
    )
    client.force_login(tree.staff)
    from neuguong.targets import selectors

    rollup = selectors.indicator_rollup(
        user=tree.staff, indicator=indicator, year=a.year, organization=None, today=local_today()
    )
    first = rollup["periods"][0]
    assert (first.counts["not_met"], first.counts["met"], first.reported) == (1, 1, 2)
    assert first.value_mean == Decimal("97.00")
    only_a = selectors.indicator_rollup(
        user=tree.staff, indicator=indicator, year=a.year, organization=tree.org_a, today=local_today()
    )
    assert only_a["agencies"] == 1


def test_missed_deadlines_are_listed_as_overdue(tree, client, target_env):
    indicator, a, _ = target_env
    Indicator.objects.filter(pk=indicator.pk).update(report_due_days=0)
    last_year = services.annual_target_set(
        actor=tree.staff,
        indicator=Indicator.objects.get(pk=indicator.pk),
        agency=a.agency,
        year=local_today().year - 1,
        target_value="90",
    )
    client.force_login(tree.secretary_a)
    page = client.get(reverse("targets:overdue")).content.decode()
    assert page.count(f"/chi-tieu/muc-tieu/{last_year.pk}/") == 4
    assert "Sở Tư pháp" not in page
    assert client.get(reverse("targets:overdue") + "?format=xlsx").status_code == 200


def test_target_lists_keep_query_counts_flat(tree, client, django_assert_max_num_queries):
    from neuguong.core.tests.factories import OrganizationFactory
    from neuguong.organizations.models import Agency

    indicator = services.indicator_create(
        actor=tree.staff, organization=tree.root, code="CT02", name="Số ngày", unit="ngày", direction="lower"
    )
    year = local_today().year
    for i in range(30):
        org = OrganizationFactory(parent=tree.root, code=f"G{i}")
        agency = Agency.objects.create(code=f"CQ{i:03d}", name=f"Sở {i}", organization=org)
        target = services.annual_target_set(
            actor=tree.staff, indicator=indicator, agency=agency, year=year, target_value=5
        )
        Actual.objects.create(
            annual_target=target, period=1, value=i % 7, reported_on=local_today(), reported_by=tree.staff
        )
    client.force_login(tree.staff)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("targets:indicator", args=[indicator.pk]) + f"?year={year}")
    assert page.content.decode().count("/chi-tieu/muc-tieu/") == 30
    for i in range(30, 60):
        org = OrganizationFactory(parent=tree.root, code=f"G{i}")
        agency = Agency.objects.create(code=f"CQ{i:03d}", name=f"Sở {i}", organization=org)
        services.annual_target_set(
            actor=tree.staff, indicator=indicator, agency=agency, year=year, target_value=5
        )
    page = client.get(reverse("targets:indicator", args=[indicator.pk]) + f"?year={year}").content.decode()
    assert page.count("/chi-tieu/muc-tieu/") == 50  # one page of the table; the roll-up counts all 60
    assert "Tổng hợp năm" in page and ": 60 cơ quan" in page
    with django_assert_max_num_queries(12):
        client.get(reverse("targets:index"))
    with django_assert_max_num_queries(12):
        client.get(reverse("targets:overdue"))
    with django_assert_max_num_queries(12):
        api(client, tree.staff, "/api/v1/targets")


def test_each_reporting_period_is_reminded_through_a_commitment_completed_by_the_report(tree, target_env):
    from neuguong.commitments.models import Commitment
    from neuguong.commitments.status import commitment_status

    _indicator, a, _ = target_env
    reminders = Commitment.objects.filter(source_kind="target", organization=a.agency.organization).order_by(
        "deadline"
    )
    assert reminders.count() == 4
    first = reminders.first()
    assert first.deadline == dt.date(a.year, 4, 10)
    assert first.lead_unit == tree.org_a
    assert "Quý 1" in first.title or "quý 1" in first.title
    assert first.source_id == a.pk
    today = max(local_today(), dt.date(a.year, 1, 1))
    services.actual_record(
        actor=tree.secretary_a,
        annual_target=a,
        period=1,
        value="98",
        reported_on=dt.date(a.year, 3, 31) if today >= dt.date(a.year, 3, 31) else today,
    )
    first.refresh_from_db()
    assert first.completed_on is not None
    assert commitment_status(first, local_today()) == "done_on_time"
    # A secretary of another committee does not see the reminders of A's agency.
    assert not Commitment.objects.visible_to(tree.secretary_b).filter(pk=first.pk).exists()


def test_a_period_that_has_not_started_cannot_be_reported(tree, target_env):
    _, a, _ = target_env
    future = services.annual_target_set(
        actor=tree.staff,
        indicator=a.indicator,
        agency=a.agency,
        year=local_today().year + 1,
        target_value="1",
    )
    with pytest.raises(services.BusinessError) as exc:
        services.actual_record(actor=tree.secretary_a, annual_target=future, period=2, value="1")
    assert exc.value.message == services.MSG_PERIOD_NOT_STARTED.format(label=f"Quý 2/{future.year}")
