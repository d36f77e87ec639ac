"""The whole life of an inspection through the pages (Django test client, no browser): program → item →
decision → plan → notice → self-report by the subject → working notes, findings, breach, recommendation →
draft → conclusion → notice of conclusion → recommendation done → closed; coverage shows it."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from neuguong.commitments import services as commitment_services
from neuguong.core.dates import local_today
from neuguong.core.office_sheet import FIRST_DATA_ROW
from neuguong.core.tests.factories import PersonFactory
from neuguong.inspections import services
from neuguong.inspections.followup import commitment_for
from neuguong.inspections.models import Inspection, InspectionState, Program, Recommendation
from neuguong.inspections.selectors import breaches_for

from .factories import account_for, pdf

pytestmark = pytest.mark.django_db


def _post(client, url, data, *, expect=302):
    response = client.post(url, data)
    assert response.status_code == expect, response.content.decode()[:3000]
    return response


def test_the_whole_life_cycle_through_the_pages(tree, client):
    today = local_today()
    leader = PersonFactory(full_name="Trần Văn Trưởng Đoàn", organization=tree.root, card_number="99990001")
    leader_user = account_for(leader, "truong_doan_e2e")
    member = PersonFactory(full_name="Lê Thị Thành Viên", organization=tree.org_b, card_number="99990002")

    # 1. Office staff plan the program and its item.
    client.force_login(tree.staff)
    _post(
        client,
        reverse("inspections:program_create"),
        {
            "organization": "DUK",
            "body": "commission",
            "year": today.year,
            "title": "Chương trình KTGS năm nay",
        },
    )
    program = Program.objects.get()
    # Bad input: a subject outside the committee is named next to its field.
    response = client.post(
        reverse("inspections:create", args=[program.pk]),
        {
            "kind": "duty_inspection",
            "title": "Kiểm tra trách nhiệm nêu gương",
            "planned_start": dt.date(today.year, 1, 1).isoformat(),
            "planned_end": today.isoformat(),
            "subject_organizations": "A, KHONGCO",
            "leader": "99990001",
        },
    )
    assert response.status_code == 200
    assert "Không tìm thấy trong phạm vi của cấp ủy: KHONGCO." in response.content.decode()
    _post(
        client,
        reverse("inspections:create", args=[program.pk]),
        {
            "kind": "duty_inspection",
            "title": "Kiểm tra trách nhiệm nêu gương",
            "planned_start": dt.date(today.year, 1, 1).isoformat(),
            "planned_end": today.isoformat(),
            "subject_organizations": "A",
            "leader": "99990001",
            "team_members": "99990002",
        },
    )
    inspection = Inspection.objects.get()
    assert inspection.leader == leader and list(inspection.team_members.all()) == [member]
    page = client.get(reverse("inspections:program", args=[program.pk])).content.decode()
    assert "Kiểm tra trách nhiệm nêu gương" in page

    def step(action, user_client=None, **data):
        data.setdefault("happened_on", today.isoformat())
        return _post(user_client or client, reverse("inspections:action", args=[inspection.pk, action]), data)

    # 2. Decision, plan, notice.
    step("decide", number="05-QĐ/ĐUK", file=pdf("quyet-dinh.pdf"))
    step("plan", file=pdf("ke-hoach.pdf"))
    # The subject does not know of it yet.
    client.force_login(tree.secretary_a)
    assert client.get(reverse("inspections:detail", args=[inspection.pk])).status_code == 404
    client.force_login(tree.staff)
    step("notify", note="Thông báo về việc kiểm tra")

    # 3. The subject's secretary uploads the self-report.
    client.force_login(tree.secretary_a)
    page = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert "Thông báo về việc kiểm tra" in page and "Nộp báo cáo giải trình" in page
    step("self_report", file=pdf("bao-cao-giai-trinh.pdf"))

    # 4. The team leader works: notes, findings, breach, recommendation, draft.
    client.force_login(leader_user)
    _post(
        client,
        reverse("inspections:working_note", args=[inspection.pk]),
        {"happened_on": today.isoformat(), "note": "Làm việc với Ban Thường vụ Đảng ủy A"},
    )
    response = client.post(
        reverse("inspections:action", args=[inspection.pk, "submit_draft"]),
        {"happened_on": today.isoformat(), "note": "Dự thảo"},
    )
    assert services.MSG_NO_FINDING in response.content.decode()
    _post(
        client,
        reverse("inspections:finding_add", args=[inspection.pk]),
        {"text": "Chưa xây dựng kế hoạch nêu gương"},
    )
    _post(
        client,
        reverse("inspections:breach_add", args=[inspection.pk]),
        {"person": tree.person_a.card_number, "description": "Không gương mẫu thực hiện nhiệm vụ được giao"},
    )
    _post(
        client,
        reverse("inspections:recommendation_add", args=[inspection.pk]),
        {
            "text": "Xây dựng và ban hành kế hoạch nêu gương",
            "deadline": (today + dt.timedelta(days=30)).isoformat(),
            "lead_unit": "A",
        },
    )
    step("submit_draft", note="Dự thảo: Đảng ủy A cơ bản thực hiện tốt, còn hạn chế.")

    # The subject cannot read the draft: the page hides it, and the draft form is a 404.
    client.force_login(tree.secretary_a)
    page = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert "Dự thảo: Đảng ủy A" not in page and "Chưa xây dựng kế hoạch" not in page
    assert client.get(reverse("inspections:action", args=[inspection.pk, "conclude"])).status_code == 404

    # 5. The committee issues the conclusion and notifies it.
    client.force_login(tree.staff)
    step("conclude", number="12-KL/ĐUK", note="")
    step("notify_conclusion", note="Thông báo kết luận: khắc phục hạn chế trong 30 ngày.")
    recommendation = Recommendation.objects.get()
    commitment = commitment_for(recommendation)
    assert commitment is not None and commitment.organization == tree.org_a
    assert [b.person for b in breaches_for(tree.person_a, today.year)] == [tree.person_a]

    # The subject sees the notice of conclusion and the recommendation's progress.
    client.force_login(tree.secretary_a)
    page = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert "Thông báo kết luận: khắc phục" in page and "Xây dựng và ban hành kế hoạch nêu gương" in page
    assert "Chưa hoàn thành – trong hạn" in page

    # 6. Closing waits for the recommendation; done, it closes.
    client.force_login(tree.staff)
    response = client.post(
        reverse("inspections:action", args=[inspection.pk, "close"]), {"happened_on": today.isoformat()}
    )
    assert services.MSG_OPEN_RECOMMENDATIONS.format(count=1) in response.content.decode()
    commitment_services.commitment_complete(actor=tree.secretary_a, commitment=commitment, completed_on=today)
    step("close")
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CLOSED

    # 7. Coverage: A inspected this year, B never; the export says the same.
    page = client.get(reverse("inspections:coverage") + f"?org=DUK&year={today.year}").content.decode()
    assert "1</strong> tổ chức" in page
    export = client.get(reverse("inspections:coverage") + f"?org=DUK&year={today.year}&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(
        load_workbook(io.BytesIO(export.content))["To chuc"].iter_rows(
            min_row=FIRST_DATA_ROW, values_only=True
        )
    )
    assert sorted((r[2], r[3]) for r in rows) == [("A", "Kiểm tra"), ("B", "Chưa")]
    # The timeline (insiders only) shows each step with its author.
    page = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    for label in (
        "Quyết định kiểm tra, giám sát",
        "Báo cáo giải trình của đối tượng",
        "Kết luận",
        "Kết thúc",
    ):
        assert label in page
