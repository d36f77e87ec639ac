"""The study results report (DOCX, Party format, through `neuguong.docengine`) and its XLSX annex.

Both are built from the same selectors as the campaign page, so they show exactly what the user may see.
"""

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Subquery

from neuguong.core.dates import local_today
from neuguong.core.office_sheet import Column as OfficeColumn
from neuguong.core.office_sheet import OfficeSheet, office_sheet, office_workbook
from neuguong.docengine.docformat import (
    Block,
    Heading,
    Paragraph,
    PartyDocument,
    Table,
    render_party_document,
)
from neuguong.docengine.titles import join_title
from neuguong.people.selectors import document_issuer

from . import selectors
from .models import (
    Attendance,
    AttendanceStatus,
    Campaign,
    QuizAttempt,
    Reflection,
    ReflectionGrade,
    ReflectionStatus,
)

ORG_COLUMNS = [
    OfficeColumn("Mã", 10),
    OfficeColumn("Tổ chức đảng", 36),
    OfficeColumn("Triệu tập", 10, "int"),
    OfficeColumn("Phải dự", 10, "int"),
    OfficeColumn("Dự học", 10, "int"),
    OfficeColumn("Học bù", 10, "int"),
    OfficeColumn("Vắng có lý do", 10, "int"),
    OfficeColumn("Vắng không lý do", 10, "int"),
    OfficeColumn("Tỷ lệ dự (%)", 10, "number"),
    OfficeColumn("Thu hoạch đã nộp", 11, "int"),
    OfficeColumn("Đã chấm", 10, "int"),
    OfficeColumn("Được miễn", 10, "int"),
    OfficeColumn("Việc vận dụng", 11, "int"),
    OfficeColumn("Thành cam kết", 11, "int"),
    OfficeColumn("Cam kết đã hoàn thành", 12, "int"),
    OfficeColumn("Dự thi", 10, "int"),
    OfficeColumn("Điểm thi TB", 10, "number"),
]


def _org_values(row: selectors.OrgRow) -> list:
    return [
        row.code,
        row.name,
        row.invited,
        row.expected,
        row.attended,
        row.made_up,
        row.excused,
        row.absent,
        row.attendance_rate,
        row.reflections_submitted,
        row.reflections_graded,
        row.reflections_excused,
        row.plan_items,
        row.plan_commitments,
        row.plan_commitments_done,
        row.quiz_participants,
        row.quiz_average,
    ]


CAMPAIGN_LIST_COLUMNS = [
    OfficeColumn("Nghị quyết / nội dung", 50),
    OfficeColumn("Cấp", 14),
    OfficeColumn("Đơn vị tổ chức", 30),
    OfficeColumn("Triệu tập", 11, "int"),
    OfficeColumn("Dự học", 11, "int"),
    OfficeColumn("Thu hoạch nộp", 11, "int"),
    OfficeColumn("Đã chấm", 11, "int"),
]


def campaign_list_xlsx(campaigns, *, organization: str = "") -> bytes:
    """The campaign list as filtered on the page, as an office file (core/office_sheet.py)."""
    rows = (
        (
            c.title,
            c.get_level_display(),
            c.organizer.name,
            c.invited_count,
            c.attended_count,
            c.submitted_count,
            c.graded_count,
        )
        for c in campaigns.iterator(chunk_size=500)
    )
    return office_sheet(
        title="Danh sách đợt học tập, quán triệt nghị quyết",
        organization=organization,
        columns=CAMPAIGN_LIST_COLUMNS,
        rows=rows,
        sheet_name="Đợt học tập",
    )


def campaign_annex_xlsx(*, user, campaign: Campaign) -> bytes:
    """Phụ lục, as an office file (core/office_sheet.py): the totals per organisation, then every visible
    invitee with their attendance per session, reflection and best quiz score."""
    rows = selectors.campaign_org_stats(user=user, campaign=campaign)
    total = selectors.totals_of(rows)
    title = f"Phụ lục: Kết quả học tập, quán triệt {campaign.title}"
    summary = OfficeSheet(
        title=title,
        organization=campaign.organizer.name,
        sheet_name="Tổng hợp",
        columns=ORG_COLUMNS,
        rows=(_org_values(row) for row in rows),
        totals=["", "Tổng cộng", *_org_values(total)[2:]],
    )
    sessions = list(campaign.sessions.all())
    best = (
        QuizAttempt.objects.filter(invitee=OuterRef("pk"), score__isnull=False)
        .order_by()
        .values("invitee")
        .annotate(best=Max("score"))
        .values("best")[:1]
    )
    invitees = (
        selectors.invitee_list(user=user, campaign=campaign)
        .annotate(best=Subquery(best))
        .order_by("organization__path", "person__name_folded")
        .values_list(
            "pk", "person__full_name", "organization__name", "reflection__status", "reflection__grade", "best"
        )
    )
    marks: dict[tuple[int, int], str] = {}
    for invitee_id, session_id, label in Attendance.objects.filter(
        invitee__in=invitees.values("pk")
    ).values_list("invitee_id", "session_id", "status"):
        marks[(invitee_id, session_id)] = label
    status_labels = dict(AttendanceStatus.choices)
    reflection_labels = dict(ReflectionStatus.choices)
    grade_labels = dict(ReflectionGrade.choices)
    people = OfficeSheet(
        title=title,
        organization=campaign.organizer.name,
        sheet_name="Danh sách",
        columns=[
            OfficeColumn("Họ và tên", 28),
            OfficeColumn("Tổ chức đảng", 36),
            *[OfficeColumn(f"{s.title} ({s.held_on:%d/%m/%Y})", 16) for s in sessions],
            OfficeColumn("Thu hoạch", 14),
            OfficeColumn("Xếp loại", 12),
            OfficeColumn("Điểm thi cao nhất", 11, "number"),
        ],
        rows=(
            [
                name,
                org_name,
                *[status_labels.get(marks.get((pk, s.pk), ""), "") for s in sessions],
                reflection_labels.get(reflection_status, "") if reflection_status else "Chưa viết",
                grade_labels.get(grade, "") if grade else "",
                float(best_score) if best_score is not None else None,
            ]
            for pk, name, org_name, reflection_status, grade, best_score in invitees.iterator(chunk_size=2000)
        ),
    )
    return office_workbook([summary, people])


def rollup_to_children(rows: list[selectors.OrgRow], organizer) -> list[selectors.OrgRow]:
    """Rows summed per direct subordinate of the organiser (the report's table; branches are in the annex)."""
    from neuguong.organizations.models import Organization, path_ids

    depth = organizer.depth + 1
    groups: dict[int, list[selectors.OrgRow]] = {}
    for row in rows:
        ids = path_ids(row.path)
        key = ids[depth] if len(ids) > depth else ids[-1]
        groups.setdefault(key, []).append(row)
    orgs = Organization.objects.in_bulk(list(groups))
    rolled = []
    for key, members in groups.items():
        total = selectors.totals_of(members)
        total.organization_id, total.code = key, orgs[key].code
        total.name, total.path = orgs[key].name, orgs[key].path
        rolled.append(total)
    return sorted(rolled, key=lambda row: row.path)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}".replace(".", ",") if whole else "0"


def campaign_report_docx(*, user, campaign: Campaign) -> bytes:
    """Báo cáo kết quả học tập, quán triệt: Party document format, figures from the campaign's statistics."""
    organizer = campaign.organizer
    all_rows = selectors.campaign_org_stats(user=user, campaign=campaign)
    total = selectors.totals_of(all_rows)
    rows = rollup_to_children(all_rows, organizer)
    sessions = list(campaign.sessions.all())
    grades = dict(
        Reflection.objects.filter(
            invitee__in=selectors.invitee_list(user=user, campaign=campaign).values("pk")
        )
        .exclude(grade="")
        .values("grade")
        .annotate(n=Count("pk"))
        .values_list("grade", "n")
    )
    body: list[Block] = [
        Heading("I. CÔNG TÁC TRIỂN KHAI"),
        Paragraph(
            f"Thực hiện kế hoạch học tập, quán triệt {campaign.title}, {organizer.name} đã tổ chức "
            f"{len([s for s in sessions if not s.is_makeup])} buổi học và "
            f"{len([s for s in sessions if s.is_makeup])} buổi học bù cho {total.invited} đảng viên "
            "được triệu tập."
        ),
        *[
            Paragraph(
                f"- {s.title}: ngày {s.held_on:%d/%m/%Y}"
                + (f", tại {s.place}" if s.place else "")
                + (", có hình thức trực tuyến" if s.online_link else "")
                + ("." if not s.is_makeup else " (học bù).")
            )
            for s in sessions
        ],
        Heading("II. KẾT QUẢ"),
        Paragraph(
            f"1. Tham dự: {total.attended} đồng chí dự học, {total.made_up} đồng chí học bù, trên tổng số "
            f"{total.expected} đồng chí phải dự (đạt {_pct(total.attended + total.made_up, total.expected)}%); "
            f"vắng có lý do {total.excused}, vắng không lý do {total.absent}."
        ),
        Paragraph(
            f"2. Viết thu hoạch và kế hoạch vận dụng: {total.reflections_submitted} bài đã nộp, "
            f"{total.reflections_graded} bài đã chấm (xuất sắc {grades.get('excellent', 0)}, tốt "
            f"{grades.get('good', 0)}, đạt {grades.get('pass', 0)}, chưa đạt {grades.get('fail', 0)}); "
            f"{total.reflections_excused} đồng chí được miễn. Có {total.plan_items} việc làm cụ thể trong kế "
            f"hoạch vận dụng, {total.plan_commitments} việc đã đưa vào theo dõi thực hiện cam kết "
            f"({total.plan_commitments_done} việc đã hoàn thành)."
        ),
        Paragraph(
            f"3. Thi tìm hiểu: {total.quiz_participants} đồng chí dự thi"
            + (
                f", điểm bình quân {total.quiz_average:.2f}".replace(".", ",") + "/10."
                if total.quiz_average is not None
                else "."
            )
        ),
        Table(
            columns=[
                "TT",
                "Tổ chức đảng",
                "Triệu tập",
                "Dự học",
                "Học bù",
                "Tỷ lệ (%)",
                "Thu hoạch nộp",
                "Đã chấm",
            ],
            rows=[
                [
                    index,
                    row.name,
                    row.invited,
                    row.attended,
                    row.made_up,
                    _pct(row.attended + row.made_up, row.expected),
                    row.reflections_submitted,
                    row.reflections_graded,
                ]
                for index, row in enumerate(rows, start=1)
            ],
            total_row=[
                "",
                "Tổng cộng",
                total.invited,
                total.attended,
                total.made_up,
                _pct(total.attended + total.made_up, total.expected),
                total.reflections_submitted,
                total.reflections_graded,
            ],
            widths_mm=[10, 60, 18, 16, 16, 18, 20, 17],
            caption="Chi tiết theo tổ chức đảng xem Phụ lục kèm theo.",
            font_pt=11,
        ),
        Heading("III. ĐÁNH GIÁ, KIẾN NGHỊ"),
        Paragraph("(Cấp ủy bổ sung nhận xét, đánh giá và kiến nghị trước khi ký ban hành.)", italic=True),
    ]
    today = local_today()
    issuer = document_issuer(organization=organizer, on=today)
    spec = PartyDocument(
        **issuer.document_fields(),
        issuer_abbreviation=organizer.abbreviation,
        doc_abbreviation="BC",
        doc_type="BÁO CÁO",
        summary=join_title("Kết quả học tập, quán triệt", campaign.title, lower_first=False),
        issued_on=today,
        place=settings.DOCUMENT_PLACE_NAME,
        body=body,
        recipients=issuer.recipients("Các tổ chức đảng trực thuộc"),
    )
    return render_party_document(spec)
