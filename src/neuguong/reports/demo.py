"""Demo data: a saved draft of this year's exemplary-responsibility report for the root, so the report
page shows written text next to the live figures."""

from neuguong.core.dates import local_today

from .models import ReportDraft, ReportKind
from .periods import year_period

DEMO_NARRATIVE = {
    "intro": (
        "Ban Thường vụ Đảng ủy Khối đã ban hành kế hoạch thực hiện trách nhiệm nêu gương của cán bộ, đảng viên; "
        "các tổ chức cơ sở đảng cụ thể hóa thành các cam kết rõ việc, rõ người, rõ thời gian, rõ kết quả, "
        "đưa vào chương trình công tác năm và theo dõi hằng tháng."
    ),
    "notable_examples": (
        "Nhiều đồng chí bí thư cấp ủy, người đứng đầu cơ quan hoàn thành cam kết trước thời hạn, "
        "gương mẫu trong thực hiện nhiệm vụ chính trị và cải cách hành chính."
    ),
    "limitations": "Một số tổ chức cơ sở đảng còn chậm cập nhật tiến độ; còn cam kết quá hạn chưa hoàn thành.",
    "next_steps": "Tăng cường kiểm tra, giám sát; gắn kết quả thực hiện cam kết với đánh giá, xếp loại cuối năm.",
}


def seed_reports(*, root, size: str, log) -> None:
    period = year_period(local_today().year)
    ReportDraft.objects.update_or_create(
        organization=root,
        kind=ReportKind.COMMITMENTS,
        period_start=period.start,
        period_end=period.end,
        defaults={
            "narrative": DEMO_NARRATIVE,
            "recipients": "Ban Thường vụ Tỉnh ủy (để báo cáo)\nCác đảng bộ, chi bộ cơ sở\nLưu Văn phòng Đảng ủy",
        },
    )
    log("  bản thảo báo cáo mẫu")
