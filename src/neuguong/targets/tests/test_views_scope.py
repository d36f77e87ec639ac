"""Every targets and scoring page answers 404 for an object outside the user's subtree, on GET and on POST,
exactly as for a missing one; a read-only role gets 404 on every write; and nothing is written meanwhile."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from neuguong.audit.models import AuditEvent
from neuguong.core.dates import local_today
from neuguong.targets import services
from neuguong.targets.models import (
    Actual,
    AgencyAssessment,
    AnnualTarget,
    Component,
    ComponentScore,
    ScoreEvidence,
    ScoringSet,
)

from .factories import SET_ROWS, agencies_for, open_cycle, pdf, xlsx

pytestmark = pytest.mark.django_db

ACTIONS = ["nop", "mo-lai", "gui-giai-trinh", "giai-trinh", "cong-bo"]


def _committee_objects(tree, *, secretary, organization, agency, head_agency=None):
    """One committee's own indicator, target (with an actual and its evidence), draft set, cycle and
    assessment (with a self-score's evidence)."""
    year = local_today().year
    indicator = services.indicator_create(
        actor=secretary, organization=organization, code="RIENG", name="Chỉ tiêu riêng", unit="%"
    )
    target = services.annual_target_set(
        actor=secretary, indicator=indicator, agency=agency, year=year, target_value="90"
    )
    actual = services.actual_record(
        actor=secretary,
        annual_target=target,
        period=1,
        value="50",
        reported_on=max(dt.date(year, 1, 1), local_today()),
        files=[pdf()],
    )
    draft = services.scoring_set_import(
        actor=secretary, organization=organization, name="Bộ riêng", year=year, upload=xlsx(SET_ROWS)
    )
    published = ScoringSet.objects.filter(organization__parent__isnull=True, status="published").get()
    cycle = services.cycle_create(
        actor=secretary,
        organization=organization,
        scoring_set=published,
        name=f"Đợt riêng {organization.code}",
        year=year,
        self_deadline=local_today() + dt.timedelta(days=5),
        team=[secretary],
        agencies=[agency],
    )
    assessment = AgencyAssessment.objects.get(cycle=cycle)
    component = Component.objects.filter(criterion__area__scoring_set=published).order_by("code").first()
    services.self_score_save(
        actor=secretary, assessment=assessment, component=component, score="1", files=[pdf()]
    )
    return {
        "indicator": indicator,
        "target": target,
        "actual_evidence": actual.evidence.get(),
        "draft": draft,
        "draft_component": Component.objects.filter(criterion__area__scoring_set=draft).first(),
        "cycle": cycle,
        "assessment": assessment,
        "component": component,
        "score_evidence": ScoreEvidence.objects.get(score__assessment=assessment),
    }


@pytest.fixture
def world(tree):
    agency_a, _agency_a1, agency_b = agencies_for(tree)
    open_cycle(tree, [agency_a, agency_b], deadline=local_today() + dt.timedelta(days=5))
    return {
        "a": _committee_objects(tree, secretary=tree.secretary_a, organization=tree.org_a, agency=agency_a),
        "b": _committee_objects(tree, secretary=tree.secretary_b, organization=tree.org_b, agency=agency_b),
    }


def reads(objects) -> list[str]:
    o = objects
    return [
        reverse("targets:indicator", args=[o["indicator"].pk]),
        reverse("targets:indicator", args=[o["indicator"].pk]) + "?format=xlsx",
        reverse("targets:target", args=[o["target"].pk]),
        reverse("targets:actual_evidence", args=[o["actual_evidence"].pk]),
        reverse("targets:set", args=[o["draft"].pk]),
        reverse("targets:set", args=[o["draft"].pk]) + "?format=xlsx",
        reverse("targets:cycle", args=[o["cycle"].pk]),
        reverse("targets:ranking", args=[o["cycle"].pk]),
        reverse("targets:ranking", args=[o["cycle"].pk]) + "?format=docx",
        reverse("targets:assessment", args=[o["assessment"].pk]),
        reverse("targets:assessment", args=[o["assessment"].pk]) + "?format=docx",
        reverse("targets:transparency", args=[o["assessment"].pk]),
        reverse("targets:score_evidence", args=[o["score_evidence"].pk]),
    ]


def writes(objects) -> list[tuple[str, dict]]:
    """Every form of the pages above, with data that would be accepted from the right user."""
    o = objects
    a, c = o["assessment"].pk, o["component"].pk
    return [
        (reverse("targets:target", args=[o["target"].pk]), {"period": 1, "value": "99"}),
        (
            reverse("targets:indicator_edit", args=[o["indicator"].pk]),
            {"name": "Đổi tên", "unit": "%", "direction": "higher", "report_due_days": 5},
        ),
        (reverse("targets:set_publish", args=[o["draft"].pk]), {}),
        (reverse("targets:set_copy", args=[o["draft"].pk]), {"year": 2030}),
        (reverse("targets:component_edit", args=[o["draft_component"].pk]), {"name": "X", "max_points": "4"}),
        (
            reverse("targets:cycle_team", args=[o["cycle"].pk]),
            {"team": get_user_model().objects.get(username="staff").pk},
        ),
        (reverse("targets:cycle_survey", args=[o["cycle"].pk]), {"file": xlsx([("Mã cơ quan", "Điểm")])}),
        (reverse("targets:self_score", args=[a, c]), {"score": "1", "explanation": "x"}),
        (reverse("targets:appraise", args=[a, c]), {"score": "1"}),
        *(
            (reverse("targets:assessment_action", args=[a, action]), {"response_text": "x", "reason": "x"})
            for action in ACTIONS
        ),
    ]


def edit_pages(objects) -> list[str]:
    return [
        reverse("targets:indicator_edit", args=[objects["indicator"].pk]),
        reverse("targets:component_edit", args=[objects["draft_component"].pk]),
    ]


def _written():
    return (
        AuditEvent.objects.count(),
        Actual.objects.count(),
        ScoringSet.objects.count(),
        AnnualTarget.objects.count(),
        ComponentScore.objects.filter(self_score__isnull=False).count(),
    )


@pytest.mark.parametrize(("username", "own", "other"), [("secretary_a", "a", "b"), ("secretary_b", "b", "a")])
def test_another_committees_objects_answer_404_on_every_page_and_form(
    tree, client, world, username, own, other
):
    client.force_login(getattr(tree, username))
    transparency = reverse("targets:transparency", args=[world[own]["assessment"].pk])
    for url in [*reads(world[own]), *edit_pages(world[own])]:  # the same addresses work for their owner
        assert client.get(url).status_code == (404 if url == transparency else 200), url
    before = _written()
    for url in [*reads(world[other]), *edit_pages(world[other])]:
        assert client.get(url).status_code == 404, url
    for url, data in writes(world[other]):
        assert client.post(url, data).status_code == 404, url
    assert _written() == before


def test_a_user_without_any_role_gets_404_everywhere(tree, client, world):
    client.force_login(tree.outsider)
    before = _written()
    lists = [
        reverse(name)
        for name in (
            "targets:index",
            "targets:indicator_create",
            "targets:target_create",
            "targets:targets_import",
            "targets:overdue",
            "targets:scoring",
            "targets:set_import",
            "targets:cycle_create",
        )
    ]
    for url in [*lists, *reads(world["a"]), *edit_pages(world["a"])]:
        assert client.get(url).status_code == 404, url
    for url, data in writes(world["a"]):
        assert client.post(url, data).status_code == 404, url
    assert _written() == before


def test_a_read_only_inspector_reads_the_pages_of_her_subtree_but_every_write_is_404(tree, client, world):
    a = world["a"]
    client.force_login(tree.inspector_a)
    transparency = reverse("targets:transparency", args=[a["assessment"].pk])
    for url in reads(a):
        if url != transparency:  # shown once the result is finalised
            assert client.get(url).status_code == 200, url
    before = _written()
    for url in edit_pages(a):
        assert client.get(url).status_code == 404, url
    # The appraisal team's steps (appraise, reopen, send, finalise, survey) are refused to everyone outside
    # the team with MSG_NOT_IN_TEAM: test_views_errors.
    team_only = {
        reverse("targets:appraise", args=[a["assessment"].pk, a["component"].pk]),
        reverse("targets:cycle_survey", args=[a["cycle"].pk]),
        *(
            reverse("targets:assessment_action", args=[a["assessment"].pk, x])
            for x in ("mo-lai", "gui-giai-trinh", "cong-bo")
        ),
    }
    for url, data in writes(a):
        if url not in team_only:
            assert client.post(url, data).status_code == 404, url
    assert _written() == before


def test_a_secretary_reads_the_blocs_indicator_set_and_cycle_but_cannot_change_them(tree, client, world):
    indicator = services.indicator_create(
        actor=tree.staff, organization=tree.root, code="KHOI", name="Chỉ tiêu của khối", unit="%"
    )
    draft = services.scoring_set_import(
        actor=tree.staff, organization=tree.root, name="Nháp khối", year=2026, upload=xlsx(SET_ROWS)
    )
    component = Component.objects.filter(criterion__area__scoring_set=draft).first()
    client.force_login(tree.secretary_a)
    assert client.get(reverse("targets:indicator", args=[indicator.pk])).status_code == 200
    assert client.get(reverse("targets:set", args=[draft.pk])).status_code == 200
    before = _written()
    assert client.get(reverse("targets:indicator_edit", args=[indicator.pk])).status_code == 404
    assert client.get(reverse("targets:component_edit", args=[component.pk])).status_code == 404
    assert client.post(reverse("targets:set_publish", args=[draft.pk])).status_code == 404
    assert client.post(reverse("targets:set_copy", args=[draft.pk]), {"year": 2027}).status_code == 404
    assert _written() == before


def test_missing_objects_answer_the_same_404(tree, client, world):
    client.force_login(tree.staff)
    missing = {key: SimpleNamespace(pk=10**6) for key in world["a"]}
    for url in reads(missing):
        assert client.get(url).status_code == 404, url
    for url, data in writes(missing):
        assert client.post(url, data).status_code == 404, url
