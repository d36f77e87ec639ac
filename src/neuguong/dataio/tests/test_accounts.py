import io

import openpyxl
import pytest
from django.urls import reverse

from neuguong.access.models import AccountState, Role, RoleAssignment
from neuguong.audit.models import AuditEvent
from neuguong.core.office_sheet import FIRST_DATA_ROW
from neuguong.core.tests.factories import PersonFactory
from neuguong.dataio.accounts import SKIP_NO_CARD, account_batch_run, account_batch_start
from neuguong.dataio.events import DataioEvent
from neuguong.dataio.models import AccountBatch, ImportStatus
from neuguong.people.models import PersonStatus

pytestmark = pytest.mark.django_db


def test_accounts_for_members_skip_exempt_deceased_removed_and_rerun_creates_only_missing(tree, login):
    exempt = PersonFactory(organization=tree.branch_a, status=PersonStatus.EXEMPT)
    deceased = PersonFactory(organization=tree.branch_a, status=PersonStatus.DECEASED)
    removed = PersonFactory(organization=tree.branch_a, status=PersonStatus.REMOVED)
    client = login(tree.secretary_a)
    response = client.post("/du-lieu/tai-khoan/A/", {"scheme": "card"})
    batch = AccountBatch.objects.get()
    assert response["Location"] == f"/du-lieu/tai-khoan/dot/{batch.pk}/"
    assert batch.status == ImportStatus.DONE
    # person_a already has an account (member_a); only person_a2 gets one
    assert [row[2] for row in batch.rows] == ["11110002"]
    tree.person_a2.refresh_from_db()
    user = tree.person_a2.user
    assert user.username == "11110002"
    assert user.check_password(batch.rows[0][3])
    assert AccountState.objects.get(user=user).must_change_password
    assert RoleAssignment.objects.filter(user=user, role=Role.MEMBER, organization=tree.branch_a).exists()
    assert AuditEvent.objects.filter(
        action=DataioEvent.ACCOUNT_CREATED, actor=tree.secretary_a, target_id=str(tree.person_a2.pk)
    ).exists()
    for person in (exempt, deceased, removed):
        person.refresh_from_db()
        assert person.user is None
    # the print page and the XLSX carry the one-time password
    page = client.get(f"/du-lieu/tai-khoan/dot/{batch.pk}/").content.decode()
    assert batch.rows[0][3] in page and "data-print" in page
    xlsx = b"".join(client.post(f"/du-lieu/tai-khoan/dot/{batch.pk}/xlsx/").streaming_content)
    rows = list(
        openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)["Tài khoản"].iter_rows(
            min_row=FIRST_DATA_ROW, values_only=True
        )
    )
    assert rows[0] == (1, "Nguyễn Văn An", "Chi bộ Phòng Ngân sách", "11110002", batch.rows[0][3])
    # re-running creates nothing new
    client.post("/du-lieu/tai-khoan/A/", {"scheme": "card"})
    assert AccountBatch.objects.order_by("-id").first().created_count == 0
    # clearing forgets the passwords
    client.post(f"/du-lieu/tai-khoan/dot/{batch.pk}/xoa/")
    batch.refresh_from_db()
    assert batch.rows[0][3] == "" and batch.cleared_at


def test_first_login_is_forced_to_change_password(tree, client):
    batch = account_batch_start(actor=tree.staff, organization=tree.org_b, scheme="name_year")
    account_batch_run(batch=batch)
    _name, _org, username, password = batch.rows[0]
    assert username == "nguyenvanbinh1980"
    # Through the login page: authentication needs the request (the login throttle keys on its address).
    assert (
        client.post(reverse("access:login"), {"username": username, "password": password}).status_code == 302
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("access:password_change")


def test_name_scheme_deduplicates_and_card_scheme_skips_people_without_card(tree):
    twin = PersonFactory(organization=tree.org_b, full_name="Nguyễn Văn Bình", card_number="")
    batch = account_batch_start(actor=tree.staff, organization=tree.org_b, scheme="name_year")
    account_batch_run(batch=batch)
    assert sorted(r[2] for r in batch.rows) == ["nguyenvanbinh1980", "nguyenvanbinh1980.2"]
    twin2 = PersonFactory(organization=tree.org_b, card_number="")
    batch = account_batch_start(actor=tree.staff, organization=tree.org_b, scheme="card")
    account_batch_run(batch=batch)
    assert batch.rows == [] and batch.skipped == [[twin2.full_name, tree.org_b.name, SKIP_NO_CARD]]
    assert twin.pk


@pytest.mark.parametrize(
    ("user", "code", "status"),
    [
        ("staff", "B", 200),
        ("secretary_a", "A1", 200),
        ("secretary_a", "B", 404),
        ("inspector_a", "A", 404),
        ("member_a", "A1", 404),
        ("outsider", "A", 404),
    ],
)
def test_accounts_page_by_role(tree, login, user, code, status):
    client = login(getattr(tree, user))
    assert client.get(f"/du-lieu/tai-khoan/{code}/").status_code == status
    assert client.post(f"/du-lieu/tai-khoan/{code}/", {"scheme": "card"}).status_code in (status, 302)
    if status == 404:
        assert not AccountBatch.objects.exists()


def test_another_users_batch_is_404(tree, login):
    batch = account_batch_start(actor=tree.staff, organization=tree.org_b, scheme="card")
    client = login(tree.secretary_b)
    assert client.get(f"/du-lieu/tai-khoan/dot/{batch.pk}/").status_code == 404
    assert client.post(f"/du-lieu/tai-khoan/dot/{batch.pk}/xlsx/").status_code == 404
