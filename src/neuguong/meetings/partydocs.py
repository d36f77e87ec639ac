"""The minutes (biên bản, BB) and the resolution (nghị quyết chi bộ, NQ) of a meeting in the Party's
document format, filled through `neuguong.docengine`. Never assembled in a view.

Who issues and signs comes from the one rule (`docengine.issuers`, through `people.selectors.document_issuer`):
a chi bộ issues as "CHI BỘ …" under its superior đảng bộ and signs "T/M CHI BỘ / BÍ THƯ" (or K/T BÍ THƯ /
PHÓ BÍ THƯ for a deputy). An approved version is made from the facts frozen in it, so it never changes;
a draft is made from the meeting as it stands.
"""

import datetime as dt

from django.conf import settings

from neuguong.core.dates import LOCAL_ZONE
from neuguong.docengine.docformat import Heading, Paragraph, PartyDocument, Table, render_party_document
from neuguong.docengine.pdf import docx_to_pdf
from neuguong.people.selectors import document_issuer

from .models import MeetingRecord, RecordKind, RecordState
from .selectors import meeting_facts

DOC_TYPES = {RecordKind.MINUTES: ("BB", "BIÊN BẢN"), RecordKind.RESOLUTION: ("NQ", "NGHỊ QUYẾT")}


def _instant(value: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value).astimezone(LOCAL_ZONE) if value else None


def _clock(moment: dt.datetime | None) -> str:
    return f"{moment.hour} giờ {moment.minute:02d} phút" if moment else "…"


def _day(moment: dt.datetime | None) -> str:
    return f"{moment:%d/%m/%Y}" if moment else "…"


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(line.strip()) for line in (text or "").splitlines() if line.strip()]


def _votes(votes, present: int) -> str:
    against = votes[1] or 0
    abstain = votes[2] or 0
    return f"tán thành {votes[0]}/{present} đồng chí có mặt, không tán thành {against}, không biểu quyết {abstain}"


def _summary(facts: dict) -> str:
    """'Sinh hoạt chi bộ thường kỳ tháng 3 năm 2026' (the meeting's own kind and month)."""
    title = facts["title"]  # "Sinh hoạt thường kỳ tháng 3/2026"
    words, _, month = title.rpartition(" tháng ")
    number, _, year = month.partition("/")
    kind = words.replace("Sinh hoạt ", "", 1)
    return f"Sinh hoạt chi bộ {kind.lower()} tháng {number} năm {year}"


def _items_table(items: list[dict], *, with_status: bool) -> Table:
    columns = ["STT", "Nội dung công việc", "Người thực hiện", "Thời hạn"] + (
        ["Kết quả"] if with_status else []
    )
    # 165 mm of text width (A4, margins 30 and 15 mm); a date needs about 25 mm at 12 pt.
    widths: list[float] = [13, 58, 32, 27, 35] if with_status else [13, 88, 37, 27]
    rows = []
    for n, item in enumerate(items, 1):
        deadline = dt.date.fromisoformat(item["deadline"]).strftime("%d/%m/%Y")
        rows.append([n, item["title"], item["person"], deadline] + ([item["status"]] if with_status else []))
    return Table(columns=columns, rows=rows, widths_mm=widths, font_pt=12)


def _opening(facts: dict) -> list[Paragraph]:
    started = _instant(facts["started_at"]) or _instant(facts["starts_at"])
    counts = facts["counts"]
    absent = counts["excused"] + counts["absent"] + counts["unmarked"]
    where = facts["place"] or f"họp trực tuyến ({facts['online_link']})"
    lines = [
        Paragraph(f"Thời gian: bắt đầu lúc {_clock(started)}, ngày {_day(started)}."),
        Paragraph(f"Địa điểm: {where}."),
        Paragraph(f"Chủ trì: đồng chí {facts['chair'] or '…'}. Thư ký: đồng chí {facts['recorder'] or '…'}."),
        Paragraph(
            f"Tổng số đảng viên được triệu tập: {counts['expected']}; có mặt: {counts['present']}; vắng: {absent} "
            f"(có lý do: {counts['excused']}; không lý do: {counts['absent'] + counts['unmarked']})."
        ),
    ]
    if facts["absentees"]:
        lines.append(
            Paragraph(
                "Đảng viên vắng: "
                + "; ".join(
                    f"đồng chí {a['name']} ({a['status'].lower()}{': ' + a['reason'] if a['reason'] else ''})"
                    for a in facts["absentees"]
                )
                + "."
            )
        )
    return lines


def minutes_body(record: MeetingRecord, facts: dict) -> list:
    counts = facts["counts"]
    body: list = [*_opening(facts)]
    if facts["previous"]["items"]:
        body += [
            Heading("I. KIỂM ĐIỂM VIỆC THỰC HIỆN NGHỊ QUYẾT KỲ TRƯỚC"),
            Paragraph(
                f"Kết quả thực hiện các nhiệm vụ theo nghị quyết {facts['previous']['title'].lower()}:"
            ),
            _items_table(facts["previous"]["items"], with_status=True),
        ]
    numbering = iter(["I", "II", "III", "IV", "V", "VI"][1 if facts["previous"]["items"] else 0 :])
    body.append(Heading(f"{next(numbering)}. NỘI DUNG SINH HOẠT"))
    if facts["topic"]:
        body.append(Paragraph(f"Chủ đề: {facts['topic']}"))
    for item in facts["agenda"]:
        presenter = f" (đồng chí {item['presenter']} trình bày)" if item["presenter"] else ""
        body.append(Heading(f"{item['position']}. {item['title']}{presenter}", level=2))
        body += _paragraphs(item["notes"])
        if item["votes"]:
            body.append(Paragraph(f"Kết quả biểu quyết: {_votes(item['votes'], counts['present'])}."))
    if record.body.strip():
        body += [Heading(f"{next(numbering)}. DIỄN BIẾN, Ý KIẾN THẢO LUẬN"), *_paragraphs(record.body)]
    if record.closing.strip():
        body += [Heading(f"{next(numbering)}. KẾT LUẬN CỦA ĐỒNG CHÍ CHỦ TRÌ"), *_paragraphs(record.closing)]
    if facts["items"]:
        body += [
            Heading(f"{next(numbering)}. NHIỆM VỤ ĐƯỢC GIAO"),
            _items_table(facts["items"], with_status=False),
        ]
    ended = _instant(facts["ended_at"])
    body.append(Paragraph(f"Buổi sinh hoạt kết thúc lúc {_clock(ended)} cùng ngày."))
    if record.votes_for is not None:
        body.append(
            Paragraph(
                "Biên bản đã được đọc lại trước chi bộ và được thông qua: "
                f"{_votes((record.votes_for, record.votes_against, record.votes_abstain), counts['present'])}."
            )
        )
    body.append(
        Paragraph(
            f"THƯ KÝ\n(ký, ghi rõ họ tên)\n\n\n{facts['recorder']}", bold=True, align="left", indent=False
        )
    )
    return body


def resolution_body(record: MeetingRecord, facts: dict) -> list:
    counts = facts["counts"]
    started = _instant(facts["started_at"]) or _instant(facts["starts_at"])
    body: list = [
        Paragraph(
            f"Ngày {_day(started)}, {facts['organization']} tổ chức {facts['title'].lower()}; "
            f"có {counts['present']}/{counts['expected']} đảng viên dự họp."
        ),
        Paragraph(f"Nội dung: {facts['topic']}"),
        Paragraph("Sau khi thảo luận, Chi bộ thống nhất"),
        Paragraph("QUYẾT NGHỊ:", bold=True, align="center", indent=False),
        Heading("I. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NHIỆM VỤ"),
        *_paragraphs(record.body),
    ]
    if facts["previous"]["items"]:
        body += [
            Paragraph("Kết quả thực hiện các nhiệm vụ theo nghị quyết kỳ trước:"),
            _items_table(facts["previous"]["items"], with_status=True),
        ]
    body.append(Heading("II. PHƯƠNG HƯỚNG, NHIỆM VỤ"))
    body += _paragraphs(record.closing)
    if facts["items"]:
        body.append(_items_table(facts["items"], with_status=False))
    body += [
        Heading("III. TỔ CHỨC THỰC HIỆN"),
        Paragraph(
            "Các đồng chí đảng viên được phân công có trách nhiệm thực hiện nhiệm vụ đúng thời hạn và báo cáo kết "
            "quả tại buổi sinh hoạt chi bộ kỳ sau; chi ủy (bí thư chi bộ) theo dõi, đôn đốc việc thực hiện."
        ),
    ]
    if record.votes_for is not None:
        body.append(
            Paragraph(
                "Nghị quyết được Chi bộ biểu quyết thông qua: "
                f"{_votes((record.votes_for, record.votes_against, record.votes_abstain), counts['present'])}."
            )
        )
    return body


def record_document(record: MeetingRecord) -> bytes:
    """The DOCX of one version: the approved one from its frozen facts, a draft from the meeting now."""
    meeting = record.meeting
    facts = record.facts if record.state != RecordState.DRAFT and record.facts else meeting_facts(meeting)
    started = _instant(facts["started_at"]) or _instant(facts["starts_at"])
    issued_on = started.date() if started else meeting.starts_at.astimezone(LOCAL_ZONE).date()
    issuer = document_issuer(organization=meeting.organization, on=issued_on)
    abbreviation, doc_type = DOC_TYPES[RecordKind(record.kind)]
    body = (
        minutes_body(record, facts) if record.kind == RecordKind.MINUTES else resolution_body(record, facts)
    )
    recipients = ["Đảng viên trong chi bộ"] if record.kind == RecordKind.RESOLUTION else []
    spec = PartyDocument(
        **issuer.document_fields(),
        number=record.number,
        doc_abbreviation=abbreviation,
        issuer_abbreviation=meeting.organization.abbreviation or "CB",
        place=settings.DOCUMENT_PLACE_NAME,
        issued_on=issued_on,
        doc_type=doc_type,
        summary=_summary(facts),
        body=body,
        recipients=issuer.recipients(*recipients),
    )
    return render_party_document(spec)


def record_pdf(record: MeetingRecord) -> bytes:
    return docx_to_pdf(record_document(record))


def filename(record: MeetingRecord, fmt: str) -> str:
    kind = "bien-ban" if record.kind == RecordKind.MINUTES else "nghi-quyet"
    month = record.meeting.for_month
    return f"{kind}-{record.meeting.organization.code}-{month:%Y-%m}-lan-{record.version}.{fmt}"
