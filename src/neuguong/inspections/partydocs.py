"""The decision (quyết định) and the notice of conclusion (thông báo kết luận) in the Party's document
format, filled through the reports engine (`neuguong.docengine.docformat`). Never assembled in a view."""

from django.conf import settings

from neuguong.core.dates import local_today
from neuguong.docengine.docformat import Heading, Paragraph, PartyDocument, Table, render_party_document

from .models import ISSUED_STATES, InspectionState, Level, ProgramBody, StepKind

COMMISSION_PREFIX = "ỦY BAN KIỂM TRA"


def _issuer(inspection) -> dict:
    committee = inspection.program.organization
    name = committee.name.upper()
    abbreviation = committee.abbreviation or committee.code
    if inspection.program.body == ProgramBody.COMMISSION:
        return {
            "superior_body": name,
            "issuing_body": f"{COMMISSION_PREFIX} {name}",
            "issuer_abbreviation": f"UBKT{abbreviation}",
            "signing_authority": f"T/M {COMMISSION_PREFIX}",
            "signer_position": "CHỦ NHIỆM",
        }
    return {
        "superior_body": committee.superior_body,
        "issuing_body": name,
        "issuer_abbreviation": abbreviation,
        "signing_authority": "T/M BAN THƯỜNG VỤ",
        "signer_position": "BÍ THƯ",
    }


def _subjects_text(inspection) -> str:
    parts = []
    for subject in inspection.subjects.all():
        parts.append(
            subject.organization.name if subject.organization_id else f"đồng chí {subject.person.full_name}"
        )
    return "; ".join(parts)


def _last_step(inspection, kind: str):
    return inspection.steps.filter(kind=kind).order_by("-happened_on", "-id").first()


def decision_document(inspection) -> bytes:
    """QUYẾT ĐỊNH về việc kiểm tra/giám sát: the team, the subjects, the content and the period."""
    step = _last_step(inspection, StepKind.DECISION)
    verb = "giám sát" if inspection.is_supervision else "kiểm tra"
    subjects = _subjects_text(inspection)
    team = list(inspection.team_members.all())
    leader = inspection.leader.full_name if inspection.leader_id else "……"
    body = [
        Paragraph(f"Căn cứ Chương trình {verb} năm {inspection.program.year}: {inspection.program.title};"),
        Paragraph("Xét đề nghị của bộ phận tham mưu,"),
        Heading("QUYẾT ĐỊNH", level=1),
        Paragraph(f"Điều 1. Thành lập Đoàn {verb} đối với {subjects} về: {inspection.title}.", indent=True),
        Paragraph(f"Đồng chí {leader} làm trưởng đoàn."),
    ]
    if team:
        body.append(
            Table(
                columns=["STT", "Họ và tên", "Nhiệm vụ"],
                rows=[[i, p.full_name, "Thành viên"] for i, p in enumerate(team, 1)],
            )
        )
    body += [
        Paragraph(
            f"Điều 2. Thời gian {verb} dự kiến từ ngày {inspection.planned_start:%d/%m/%Y} "
            f"đến ngày {inspection.planned_end:%d/%m/%Y}."
            + (f" Nội dung: {inspection.content}" if inspection.content else "")
        ),
        Paragraph(
            f"Điều 3. Đoàn {verb}, {subjects} và các tổ chức, cá nhân có liên quan thi hành Quyết định này."
        ),
    ]
    spec = PartyDocument(
        **_issuer(inspection),
        number=step.number if step else "",
        doc_abbreviation="QĐ",
        place=settings.DOCUMENT_PLACE_NAME,
        issued_on=step.happened_on if step else local_today(),
        doc_type="QUYẾT ĐỊNH",
        summary=f"về việc {verb} {inspection.title[0].lower()}{inspection.title[1:]}",
        body=body,
        recipients=[*_recipient_subjects(inspection), "Như Điều 3", "Lưu"],
    )
    return render_party_document(spec)


def _recipient_subjects(inspection) -> list[str]:
    return [
        s.organization.name if s.organization_id else f"Đồng chí {s.person.full_name}"
        for s in inspection.subjects.all()
    ]


def conclusion_notice_document(inspection) -> bytes:
    """THÔNG BÁO kết luận: the notice text sent to the subject and its recommendations (who, by when)."""
    step = _last_step(inspection, StepKind.CONCLUSION_NOTICE)
    verb = "giám sát" if inspection.is_supervision else "kiểm tra"
    conclusion = _last_step(inspection, StepKind.CONCLUSION)
    text = step.note if step else ""
    body = [
        Paragraph(
            f"Thực hiện Quyết định số {(_last_step(inspection, StepKind.DECISION) or conclusion).number or '…'}"
            f", Đoàn {verb} đã tiến hành {verb} đối với {_subjects_text(inspection)}."
        ),
    ]
    if conclusion and conclusion.number:
        body.append(Paragraph(f"Căn cứ Kết luận số {conclusion.number}, thông báo như sau:"))
    body += [Paragraph(line) for line in (text or "……").splitlines() if line.strip()]
    recommendations = list(inspection.recommendations.select_related("responsible_person", "lead_unit"))
    if recommendations:
        body.append(Heading("Kiến nghị, yêu cầu khắc phục", level=2))
        body.append(
            Table(
                columns=["STT", "Nội dung", "Người/đơn vị thực hiện", "Thời hạn"],
                rows=[
                    [
                        index,
                        r.text,
                        ", ".join(
                            x
                            for x in (
                                getattr(r.responsible_person, "full_name", ""),
                                getattr(r.lead_unit, "name", ""),
                            )
                            if x
                        ),
                        r.deadline.strftime("%d/%m/%Y"),
                    ]
                    for index, r in enumerate(recommendations, 1)
                ],
                widths_mm=[12, 85, 45, 23],
            )
        )
    spec = PartyDocument(
        **_issuer(inspection),
        number=step.number if step else "",
        doc_abbreviation="TB",
        place=settings.DOCUMENT_PLACE_NAME,
        issued_on=step.happened_on if step else local_today(),
        doc_type="THÔNG BÁO",
        summary=f"Kết luận {verb} đối với {_subjects_text(inspection)}",
        body=body,
        recipients=[*_recipient_subjects(inspection), "Lưu"],
    )
    return render_party_document(spec)


NOTIFIED_OF_CONCLUSION = (InspectionState.NOTICE_ISSUED, InspectionState.CLOSED)


def may_generate(name: str, inspection, level: str) -> bool:
    """Insiders draft the decision at any time and the notice once the conclusion is issued; overseers get
    the decision once taken and the notice once sent; the subject only the notice once sent."""
    if name == "quyet-dinh":
        if level == Level.INSIDER:
            return inspection.state != InspectionState.CANCELLED
        return level == Level.OVERSEER and inspection.decided_on is not None
    if name == "thong-bao-ket-luan":
        if level == Level.INSIDER:
            return inspection.state in ISSUED_STATES
        return inspection.state in NOTIFIED_OF_CONCLUSION
    return False


GENERATORS = {"quyet-dinh": decision_document, "thong-bao-ket-luan": conclusion_notice_document}
