"""The one on-time rate reaches every page, document, annex and API alike (issue 13.3: one overdue and
one done on time showed 100 %)."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from neuguong.access.services import api_token_create
from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.core.dates import local_today

YEAR = local_today().year
Q = f"start={YEAR}-01-01&end={YEAR}-12-31"

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_overdue_one_on_time(tree):
    today = local_today()
    past = max(today - dt.timedelta(days=3), dt.date(YEAR, 1, 1))
    if past >= today:  # 1 January: nothing can be overdue yet this year
        pytest.skip("no earlier day in this calendar year")
    b = tree.person_b
    CommitmentFactory(responsible_person=b, deadline=past, completed_on=past, lead_unit=tree.org_b)
    CommitmentFactory(responsible_person=b, deadline=past, lead_unit=tree.org_b)


def _evaluate(formula: str, ws, row: int) -> float | str:
    """The annex's rate formula =IF(sum=0,"",a/(sum)) evaluated over the sheet's cells."""
    body = formula.removeprefix("=")
    values = re.sub(r"([A-Z]+)(\d+)", lambda m: str(ws[f"{m.group(1)}{m.group(2)}"].value or 0), body)
    condition, value = re.fullmatch(r'IF\((.*)=0,"",(.*)\)', values).groups()
    # Only digits, + / and parentheses are left: the cells' numbers.
    return "" if eval(condition) == 0 else eval(value)


def test_api_dashboard_summary_and_annexes_say_fifty_percent(client, tree, one_overdue_one_on_time):
    client.force_login(tree.staff)
    token = api_token_create(user=tree.staff)
    api = client.get(f"/api/v1/reports/figures?org=B&{Q}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert api["totals"]["on_time_rate"] == 50.0
    assert api["totals"]["on_time_share_of_done"] == 100.0

    dashboard = client.get(reverse("reports:dashboard", kwargs={"code": "B"}) + "?" + Q).content.decode()
    assert "data-dash-rate>50,0%<" in dashboard
    assert "(đúng hạn 100,0% trong số đã hoàn thành)" in dashboard

    summary = client.get(reverse("commitments:summary") + "?org=DUK").content.decode()
    row = summary[summary.index(tree.org_b.name) :]
    assert "50 %" in row[: row.index("</tr>")]

    for kind, sheet in (("commitments", "PL1 Tổ chức trực thuộc"), ("tasks", "PL1 Đơn vị chủ trì")):
        url = reverse("reports:download", kwargs={"kind": kind, "code": "DUK", "fmt": "xlsx"}) + "?" + Q
        ws = load_workbook(io.BytesIO(client.get(url).content))[sheet]
        header_row = next(r for r in range(1, 12) if ws.cell(row=r, column=1).value == "STT")
        header = [c.value for c in ws[header_row]]
        rate_col = header.index("Tỷ lệ hoàn thành đúng hạn") + 1
        row = next(
            r for r in range(header_row, ws.max_row + 1) if ws.cell(row=r, column=2).value == tree.org_b.name
        )
        assert _evaluate(ws.cell(row=row, column=rate_col).value, ws, row) == 0.5, kind
