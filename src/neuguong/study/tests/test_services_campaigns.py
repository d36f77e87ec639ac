import datetime as dt

import pytest

from neuguong.audit.models import AuditEvent
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.tests.factories import PersonFactory
from neuguong.people.models import Membership, PersonStatus, Position, PositionTitle
from neuguong.study import services
from neuguong.study.events import StudyEvent
from neuguong.study.models import Invitee

from .factories import make_campaign

pytestmark = pytest.mark.django_db


def invited_names(campaign):
    return sorted(Invitee.objects.filter(campaign=campaign).values_list("person__full_name", flat=True))


def test_staff_creates_a_bloc_campaign_and_it_is_audited(tree):
    campaign = make_campaign(tree.staff, tree.root)
    assert campaign.audience_root == tree.root
    assert campaign.audience_statuses == ["official", "probationary"]
    assert AuditEvent.objects.filter(target_id=str(campaign.pk), action=StudyEvent.CAMPAIGN_CREATED).exists()


def test_secretary_cannot_organise_for_another_organisation(tree):
    with pytest.raises(OutOfScope):
        make_campaign(tree.secretary_b, tree.org_a)


def test_audience_must_lie_inside_the_organiser(tree):
    with pytest.raises(BusinessError) as exc:
        make_campaign(tree.staff, tree.org_a, audience_root=tree.org_b)
    assert exc.value.message == services.MSG_AUDIENCE_OUTSIDE


def test_empty_title_is_refused(tree):
    with pytest.raises(BusinessError) as exc:
        make_campaign(tree.staff, tree.root, title="   ")
    assert exc.value.message == services.MSG_TITLE_REQUIRED


def test_invited_list_covers_the_subtree_and_leaves_out_exempt_members(tree):
    exempt = PersonFactory(full_name="Lê Văn Miễn", organization=tree.branch_a, status=PersonStatus.EXEMPT)
    PersonFactory(full_name="Trần Chuyển Đi", organization=tree.branch_a, status=PersonStatus.TRANSFERRED_OUT)
    campaign = make_campaign(tree.secretary_a, tree.org_a)
    assert services.invitees_generate(actor=tree.secretary_a, campaign=campaign) == 2
    assert invited_names(campaign) == ["Nguyễn Nam Đình", "Nguyễn Văn An"]
    assert exempt.full_name not in invited_names(campaign)


def test_exempt_members_are_invited_when_chosen(tree):
    PersonFactory(full_name="Lê Văn Miễn", organization=tree.branch_a, status=PersonStatus.EXEMPT)
    campaign = make_campaign(
        tree.secretary_a, tree.org_a, audience_statuses=["official", "probationary", "exempt"]
    )
    services.invitees_generate(actor=tree.secretary_a, campaign=campaign)
    assert "Lê Văn Miễn" in invited_names(campaign)


def test_audience_by_position_takes_current_holders_only(tree):
    Position.objects.create(
        person=tree.person_a,
        title=PositionTitle.SECRETARY,
        organization=tree.branch_a,
        started_on=dt.date(2020, 1, 1),
    )
    Position.objects.create(
        person=tree.person_b,
        title=PositionTitle.SECRETARY,
        organization=tree.org_b,
        started_on=dt.date(2015, 1, 1),
        ended_on=dt.date(2020, 1, 1),
    )
    campaign = make_campaign(tree.staff, tree.root, audience_positions=["secretary"])
    services.invitees_generate(actor=tree.staff, campaign=campaign)
    assert invited_names(campaign) == ["Nguyễn Nam Đình"]


def test_generating_twice_adds_only_newcomers_and_keeps_join_dates(tree):
    campaign = make_campaign(tree.staff, tree.root)
    assert services.invitees_generate(actor=tree.staff, campaign=campaign) == 3
    newcomer = PersonFactory(organization=tree.org_b, admitted_on=dt.date(2026, 4, 1), official_on=None)
    Membership.objects.filter(person=newcomer).update(started_on=dt.date(2026, 4, 2))
    assert services.invitees_generate(actor=tree.staff, campaign=campaign) == 1
    assert Invitee.objects.get(campaign=campaign, person=newcomer).joined_on == dt.date(2026, 4, 2)
    assert Invitee.objects.filter(campaign=campaign).count() == 4


def test_only_the_organiser_generates_the_list(tree):
    campaign = make_campaign(tree.staff, tree.root)
    with pytest.raises(OutOfScope):
        services.invitees_generate(actor=tree.secretary_a, campaign=campaign)


def test_a_session_needs_a_place_or_a_link(tree):
    campaign = make_campaign(tree.staff, tree.root)
    with pytest.raises(BusinessError) as exc:
        services.session_add(actor=tree.staff, campaign=campaign, title="Buổi 1", held_on=dt.date(2026, 3, 1))
    assert exc.value.message == services.MSG_PLACE_OR_LINK
    online = services.session_add(
        actor=tree.staff,
        campaign=campaign,
        title="Trực tuyến",
        held_on=dt.date(2026, 3, 1),
        online_link="https://hop.example.vn/phong-1",
    )
    assert online.place == ""


def test_material_over_the_upload_limit_is_refused(tree, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.UPLOAD_MAX_BYTES = 1024
    campaign = make_campaign(tree.staff, tree.root)
    big = SimpleUploadedFile("nq57.pdf", b"x" * 2048, content_type="application/pdf")
    with pytest.raises(BusinessError):
        services.material_add(actor=tree.staff, campaign=campaign, title="Toàn văn", file=big)
    link = services.material_add(
        actor=tree.staff, campaign=campaign, title="Toàn văn", url="https://tulieuvankien.dangcongsan.vn/"
    )
    assert link.pk


def _document(organization, number=165, doc_type="plan", issuer="ĐUK"):
    from neuguong.documents.models import Document

    return Document.objects.create(
        organization=organization,
        doc_type=doc_type,
        number=number,
        issuer=issuer,
        term_key="2025-2030",
        issued_on=dt.date(2025, 11, 3),
        summary="Học tập, quán triệt Nghị quyết 57-NQ/TW",
    )


def test_campaign_links_a_registered_document_and_takes_its_title(tree):
    document = _document(tree.root)
    campaign = make_campaign(tree.staff, tree.root, title="", document=document)
    assert campaign.document == document
    assert campaign.title == "165-KH/ĐUK — Học tập, quán triệt Nghị quyết 57-NQ/TW"


def test_a_document_outside_the_actor_scope_cannot_be_linked(tree):
    document = _document(tree.org_b, number=3, issuer="CB")
    with pytest.raises(BusinessError) as exc:
        make_campaign(tree.secretary_a, tree.org_a, document=document)
    assert exc.value.message == services.MSG_DOCUMENT_NOT_FOUND
