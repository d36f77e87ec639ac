import datetime as dt

import pytest
from django.urls import reverse

from neuguong.commitments import reminders, services
from neuguong.commitments.models import Commitment, Pledge, WorkProgram
from neuguong.core.dates import local_today
from neuguong.notifications.models import Notification


def test_secretary_builds_a_program_and_an_exemplary_item_becomes_a_commitment(tree, login):
    client = login(tree.secretary_a)
    year = local_today().year
    response = client.post(reverse("commitments:programs") + "?org=A", {"year": year, "title": ""})
    program = WorkProgram.objects.get()
    assert response.status_code == 302
    assert program.organization == tree.org_a
    response = client.post(
        reverse("commitments:program", args=[program.pk]),
        {
            "title": "Bí thư nêu gương",
            "period": "q4",
            "is_exemplary": "on",
            "responsible_person": tree.person_a.pk,
        },
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert commitment.deadline == dt.date(year, 12, 31)
    assert commitment.source_kind == "work_program"


@pytest.mark.parametrize(
    ("user", "status"), [("secretary_a", 200), ("inspector_a", 200), ("secretary_b", 404)]
)
def test_program_page_is_scoped(tree, login, user, status):
    program = services.work_program_create(
        actor=tree.secretary_a, organization=tree.org_a, year=2026, title="CT"
    )
    assert (
        login(getattr(tree, user)).get(reverse("commitments:program", args=[program.pk])).status_code
        == status
    )


def test_inspector_cannot_add_program_items(tree, login):
    program = services.work_program_create(
        actor=tree.secretary_a, organization=tree.org_a, year=2026, title="CT"
    )
    response = login(tree.inspector_a).post(
        reverse("commitments:program", args=[program.pk]), {"title": "x", "period": "m1"}
    )
    assert response.status_code == 404


def test_member_registers_her_pledge_from_the_template(tree, login):
    client = login(tree.member_a)
    page = client.get(reverse("commitments:pledge")).content.decode()
    assert "Hoàn thành tốt nhiệm vụ chuyên môn được giao" in page
    response = client.post(reverse("commitments:pledge"), {"items": "Nêu gương học tập\nKhông vi phạm"})
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert (pledge.person, pledge.is_proxy_entry) == (tree.person_a, False)
    assert Commitment.objects.filter(responsible_person=tree.person_a, source_kind="pledge").count() == 2


def test_secretary_enters_a_pledge_for_a_member_as_proxy(tree, login):
    client = login(tree.secretary_a)
    url = reverse("commitments:pledge") + f"?person={tree.person_a2.pk}"
    assert "nhập thay" in client.get(url).content.decode()
    client.post(url, {"items": "Hoàn thành nhiệm vụ"})
    assert Pledge.objects.get().is_proxy_entry
    assert login(tree.secretary_b).get(url).status_code == 404


def test_secretary_edits_the_pledge_template(tree, login):
    client = login(tree.secretary_a)
    response = client.post(reverse("commitments:pledge_template") + "?org=A", {"items": "Một\nHai"})
    assert response.status_code == 302
    assert services.pledge_template_for(tree.branch_a, local_today().year) == ["Một", "Hai"]
    assert login(tree.member_a).get(reverse("commitments:pledge_template")).status_code == 404


def test_notifications_list_shows_reminders_and_marks_them_read(tree, login):
    today = local_today()
    services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.org_a,
        title="Sắp đến hạn",
        deadline=today + dt.timedelta(days=1),
        responsible_person=tree.person_a,
    )
    reminders.plan_reminders(today=today)
    reminders.send_due_reminders(now=dt.datetime.now(dt.UTC), today=today)
    client = login(tree.member_a)
    # The old address leads to the notifications module's list.
    assert client.get(reverse("commitments:notifications")).url == reverse("notifications:list")
    assert "Sắp đến hạn" in client.get(reverse("notifications:list")).content.decode()
    assert "thông báo mới" in client.get(reverse("commitments:mine")).content.decode()
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert (
        login(tree.secretary_b).get(reverse("notifications:list")).content.decode().count("Sắp đến hạn") == 0
    )
