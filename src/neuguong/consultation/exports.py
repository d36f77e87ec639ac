"""XLSX exports of exactly what a list shows (same filters, same scope), in an office file's shape."""

from __future__ import annotations

import datetime as dt

from neuguong.docengine.xlsx import AnnexSheet, Column, build_workbook

from .models import CommenterKind, DispositionKind, DraftKind, Stance
from .rules import display_state, local_time


def _text(value):
    """Text as text: openpyxl would store a value starting with "=" as a formula."""
    if isinstance(value, str) and value.startswith("="):
        return " " + value
    return value


def drafts_workbook(drafts, *, now: dt.datetime) -> bytes:
    rows = [
        [
            i,
            _text(d.title),
            DraftKind(d.kind).label,
            _text(d.organization.name),
            display_state(d, now)[1],
            local_time(d.opens_at),
            local_time(d.closes_at),
            d.current_version.number if d.current_version_id else None,
            d.comment_count,
        ]
        for i, d in enumerate(drafts, 1)
    ]
    sheet = AnnexSheet(
        title="Dự thảo",
        heading=["DANH SÁCH DỰ THẢO LẤY Ý KIẾN"],
        columns=[
            Column("TT", kind="int", width=6),
            Column("Tên văn bản", width=60),
            Column("Loại", width=16),
            Column("Cấp ủy soạn thảo", width=34),
            Column("Trạng thái", width=24),
            Column("Bắt đầu góp ý", width=20),
            Column("Hết hạn góp ý", width=20),
            Column("Bản dự thảo (lần)", kind="int", width=10),
            Column("Số ý kiến", kind="int", total=True, width=10),
        ],
        rows=rows,
    )
    return build_workbook([sheet])


def comments_workbook(draft, comments) -> bytes:
    rows = [
        [
            i,
            _text(c.section.label if c.section_id else "Toàn bộ dự thảo"),
            _text(c.commenter_name),
            CommenterKind(c.commenter_kind).label,
            c.participant_count,
            Stance(c.stance).label,
            _text(c.text),
            _text(c.group.summary if c.group_id else ""),
            DispositionKind(c.disposition).label if c.disposition else "Chưa xử lý",
            _text(c.disposition_text),
            "Có" if c.on_paper else "",
            local_time(c.created_at),
        ]
        for i, c in enumerate(comments, 1)
    ]
    sheet = AnnexSheet(
        title="Ý kiến góp ý",
        heading=["Ý KIẾN GÓP Ý DỰ THẢO", draft.title],
        columns=[
            Column("TT", kind="int", width=6),
            Column("Phần dự thảo", width=28),
            Column("Người, tổ chức góp ý", width=30),
            Column("Là", width=16),
            Column("Số người thảo luận", kind="int", width=10),
            Column("Ý kiến", width=14),
            Column("Nội dung góp ý", width=60),
            Column("Nhóm ý kiến", width=30),
            Column("Tiếp thu, giải trình", width=16),
            Column("Nội dung tiếp thu, giải trình", width=50),
            Column("Nhập từ phiếu giấy", width=10),
            Column("Thời điểm gửi", width=18),
        ],
        rows=rows,
    )
    return build_workbook([sheet])
