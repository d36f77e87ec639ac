"""Builders for study records used across this app's tests (they go through the services)."""

import datetime as dt
import io

from openpyxl import Workbook

from neuguong.study import rules, services


def make_campaign(actor, organizer, **kwargs):
    values = {
        "title": "Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, công nghệ",
        "level": "bloc",
        "organizer": organizer,
        "reflection_questions": ["Nội dung cốt lõi?", "Liên hệ bản thân?"],
    }
    values.update(kwargs)
    return services.campaign_create(actor=actor, **values)


def make_session(actor, campaign, held_on=dt.date(2026, 3, 10), **kwargs):
    values = {"title": "Buổi 1", "held_on": held_on, "place": "Hội trường tầng 3"}
    values.update(kwargs)
    return services.session_add(actor=actor, campaign=campaign, **values)


def xlsx_bytes(rows, header=("Câu hỏi", "A", "B", "C", "D", "Đáp án")) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if header:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def question_rows(count: int):
    return [(f"Câu hỏi số {n}?", "Đúng", "Sai", "Không rõ", "", "A") for n in range(1, count + 1)]


# A quiz week: Monday 09/03/2026 07:30 – Friday 13/03 17:30.
OPENS, CLOSES = rules.weekly_window(dt.date(2026, 3, 9))


def make_round(actor, campaign, **kwargs):
    values = {
        "title": "Tuần 1",
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "question_count": 5,
        "time_limit_minutes": 15,
        "max_attempts": 1,
    }
    return services.quiz_round_create(actor=actor, campaign=campaign, **(values | kwargs))
