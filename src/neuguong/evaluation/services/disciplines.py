"""Discipline decisions (kỷ luật đảng) recorded as facts of the year: they cap a member's or an
organisation's level (the rule set says how), unless self-detected and remedied where the rules say so."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError
from neuguong.organizations.models import Organization
from neuguong.people.models import Person

from .. import events
from ..models import Discipline, DisciplineForm
from .common import clean_text, require_write

MSG_SUBJECT = "Chọn đảng viên hoặc tổ chức đảng bị kỷ luật (một trong hai)."
MSG_FORM = "Chọn hình thức kỷ luật."
MSG_FORM_FOR_ORG = "Tổ chức đảng chỉ bị khiển trách, cảnh cáo hoặc giải tán."
MSG_FORM_FOR_PERSON = "Đảng viên bị khiển trách, cảnh cáo, cách chức hoặc khai trừ."
MSG_DECIDED_FUTURE = "Ngày quyết định không được sau ngày hôm nay."

ORG_FORMS = (DisciplineForm.REPRIMAND, DisciplineForm.WARNING, DisciplineForm.DISSOLUTION)


@transaction.atomic
def discipline_record(
    *,
    actor,
    form: str,
    decided_on: dt.date,
    decision_number: str,
    reason: str,
    person: Person | None = None,
    organization: Organization | None = None,
    self_remedied: bool = False,
    today: dt.date | None = None,
) -> Discipline:
    today = today or local_today()
    if (person is None) == (organization is None):
        raise BusinessError(MSG_SUBJECT, field="person")
    subject_org = person.organization if person is not None else organization
    assert subject_org is not None  # one of them, checked above
    require_write(actor, subject_org.path)
    if form not in DisciplineForm.values:
        raise BusinessError(MSG_FORM, field="form")
    if organization is not None and form not in ORG_FORMS:
        raise BusinessError(MSG_FORM_FOR_ORG, field="form")
    if person is not None and form == DisciplineForm.DISSOLUTION:
        raise BusinessError(MSG_FORM_FOR_PERSON, field="form")
    if decided_on is None or decided_on > today:
        raise BusinessError(MSG_DECIDED_FUTURE, field="decided_on")
    discipline = Discipline.objects.create(
        person=person,
        organization=organization,
        form=form,
        decided_on=decided_on,
        decision_number=clean_text(
            decision_number, "Số quyết định", "decision_number", limit=64, lines=False
        ),
        reason=clean_text(reason, "Nội dung vi phạm", "reason", limit=5000),
        self_remedied=bool(self_remedied),
        created_by=actor,
    )
    events.discipline_recorded(actor=actor, discipline=discipline)
    return discipline
