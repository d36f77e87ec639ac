"""The decision (quyết định) and the notice of conclusion (thông báo kết luận) in the Party's document
format, filled through `neuguong.docengine`. Never assembled in a view.

Who issues and signs comes from the one rule (`docengine.issuers`): a program of the commission is issued
by "ĐẢNG ỦY … / ỦY BAN KIỂM TRA" and signed "T/M ỦY BAN KIỂM TRA / CHỦ NHIỆM"; a program of the committee
by the committee, signed "T/M BAN THƯỜNG VỤ / BÍ THƯ" (or T/M ĐẢNG ỦY for a đảng bộ cơ sở)."""

import datetime as dt

from django.conf import settings

from neuguong.core.dates import local_today
from neuguong.core.text import fold
from neuguong.docengine.docformat import (
    Block,
    Heading,
    Paragraph,
    PartyDocument,
    Table,
    render_party_document,
)
from neuguong.docengine.issuers import Issuer
from neuguong.docengine.titles import join_title
from neuguong.people.selectors import document_issuer

from .models import ISSUED_STATES, InspectionState, Level, ProgramBody, StepKind

# A subjects list longer than this stays out of the decision's title (Điều 1 names them all).
TITLE_SUBJECTS_MAX_CHARS = 120


def _issuer(inspection, on: dt.date) -> tuple[Issuer, str]:
    """The issuer by the one rule, and the issuer part of the number ("ĐUK", or "UBKTĐUK")."""
    committee = inspection.program.organization
    commission = inspection.program.body == ProgramBody.COMMISSION
    abbreviation = committee.abbreviation or committee.code
    issuer = document_issuer(organization=committee, on=on, commission=commission)
    return issuer, (f"UBKT{abbreviation}" if commission else abbreviation)


DOC_TYPES = {"QĐ": "QUYẾT ĐỊNH", "TB": "THÔNG BÁO"}


def _render(issuer, issuer_abbreviation, step, issued_on, abbreviation, summary, body, recipients) -> bytes:
    spec = PartyDocument(
        **issuer.document_fields(),
        number=step.number if step else "",
        doc_abbreviation=abbreviation,
        issuer_abbreviation=issuer_abbreviation,
        place=settings.DOCUMENT_PLACE_NAME,
        issued_on=issued_on,
        doc_type=DOC_TYPES[abbreviation],
        summary=summary,
        body=body,
        recipients=issuer.recipients(*recipients),
    )
    return render_party_document(spec)


def _subject_names(inspection) -> list[str]:
    return [
        s.organization.name if s.organization_id else f"đồng chí {s.person.full_name}"
        for s in inspection.subjects.all()
    ]


def _last_step(inspection, kind: str):
    return inspection.steps.filter(kind=kind).order_by("-happened_on", "-id").first()


def _verb(inspection) -> str:
    return "giám sát" if inspection.is_supervision else "kiểm tra"


def _program_basis(inspection) -> str:
    """The program the decision carries out, named once ("Chương trình kiểm tra, giám sát năm 2026 …")."""
    program = inspection.program
    title = " ".join(program.title.split())
    if fold(title).startswith(("chuong trinh", "ke hoach")):
        return title if str(program.year) in title else f"{title} năm {program.year}"
    return f"Chương trình kiểm tra, giám sát năm {program.year}: {title}"


def _towards(inspection, *, limit: int | None = None) -> str:
    """' đối với Chi bộ X; …' unless the inspection's title already names its subjects ('… tại Chi bộ X'),
    or they are longer than `limit`."""
    names = _subject_names(inspection)
    subjects = "; ".join(names)
    if not subjects or any(name.casefold() in inspection.title.casefold() for name in names):
        return ""
    return "" if limit is not None and len(subjects) > limit else f" đối với {subjects}"


def decision_title(inspection) -> str:
    """'về việc kiểm tra việc thực hiện … đối với …' — the inspection's own title never doubles the verb."""
    title = join_title(f"về việc {_verb(inspection)}", inspection.title)
    return title + _towards(inspection, limit=TITLE_SUBJECTS_MAX_CHARS)


def decision_document(inspection) -> bytes:
    """QUYẾT ĐỊNH về việc kiểm tra/giám sát: its legal bases, the team, the subjects, content and period."""
    step = _last_step(inspection, StepKind.DECISION)
    issued_on = step.happened_on if step else local_today()
    issuer, issuer_abbreviation = _issuer(inspection, issued_on)
    verb = _verb(inspection)
    subjects = "; ".join(_subject_names(inspection))
    team = list(inspection.team_members.all())
    leader = inspection.leader.full_name if inspection.leader_id else "……"
    body = [
        *[Paragraph(line) for line in issuer.inspection_bases(program=_program_basis(inspection))],
        Paragraph("Xét đề nghị của bộ phận tham mưu,"),
        Paragraph(issuer.decides_line, bold=True, align="center", indent=False),
        Paragraph(
            f"Điều 1. Thành lập Đoàn {verb} để {join_title(verb, inspection.title)}{_towards(inspection)}. "
            "Đoàn gồm các đồng chí có tên sau:"
        ),
        Table(
            columns=["STT", "Họ và tên", "Nhiệm vụ"],
            rows=[[1, leader, "Trưởng đoàn"]]
            + [[i, p.full_name, "Thành viên"] for i, p in enumerate(team, 2)],
            widths_mm=[15, 95, 55],
        ),
        Paragraph(
            f"Điều 2. Thời gian {verb} dự kiến từ ngày {inspection.planned_start:%d/%m/%Y} "
            f"đến ngày {inspection.planned_end:%d/%m/%Y}."
            + (f" Nội dung: {inspection.content}" if inspection.content else "")
        ),
        Paragraph(
            f"Điều 3. Đoàn {verb}, {subjects} và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành "
            "Quyết định này."
        ),
    ]
    return _render(
        issuer, issuer_abbreviation, step, issued_on, "QĐ", decision_title(inspection), body, ["Như Điều 3"]
    )


def notice_title(inspection) -> str:
    return f"Kết luận {_verb(inspection)} đối với {'; '.join(_subject_names(inspection))}"


def conclusion_notice_document(inspection) -> bytes:
    """THÔNG BÁO kết luận: the notice text sent to the subject and its recommendations (who, by when)."""
    step = _last_step(inspection, StepKind.CONCLUSION_NOTICE)
    issued_on = step.happened_on if step else local_today()
    issuer, issuer_abbreviation = _issuer(inspection, issued_on)
    verb = _verb(inspection)
    conclusion = _last_step(inspection, StepKind.CONCLUSION)
    decision = _last_step(inspection, StepKind.DECISION)
    text = step.note if step else ""
    body: list[Block] = [
        Paragraph(
            f"Thực hiện Quyết định số {getattr(decision or conclusion, 'number', '') or '…'}"
            f", Đoàn {verb} đã tiến hành {verb} đối với {'; '.join(_subject_names(inspection))}."
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
    subjects = [name[:1].upper() + name[1:] for name in _subject_names(inspection)]
    return _render(
        issuer, issuer_abbreviation, step, issued_on, "TB", notice_title(inspection), body, subjects
    )


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
