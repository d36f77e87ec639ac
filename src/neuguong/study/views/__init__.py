"""Pages of the study module, by sub-domain: thin views over the selectors and services. Every view is
re-exported for `urls.py`."""

from .attendance import (
    checkin_view,
    session_attendance_view,
    session_qr_view,
)
from .campaigns import (
    campaign_create_view,
    campaign_detail_view,
    campaign_docx_view,
    campaign_edit_view,
    campaign_invite_view,
    campaign_list_view,
    campaign_list_xlsx_view,
    campaign_xlsx_view,
    invitee_list_view,
    material_create_view,
    session_create_view,
)
from .quizzes import (
    attempt_view,
    questions_view,
    round_create_view,
    round_detail_view,
    round_start_view,
)
from .reflections import (
    _reflection_form_view,
    reflection_enter_view,
    reflection_list_view,
    reflection_mine_view,
    reflection_review_view,
)
from .training import (
    certificate_view,
    course_create_view,
    course_detail_view,
    course_list_view,
    enrolment_complete_view,
    theory_gap_view,
)

__all__ = [
    "_reflection_form_view",
    "attempt_view",
    "campaign_create_view",
    "campaign_detail_view",
    "campaign_docx_view",
    "campaign_edit_view",
    "campaign_invite_view",
    "campaign_list_view",
    "campaign_list_xlsx_view",
    "campaign_xlsx_view",
    "certificate_view",
    "checkin_view",
    "course_create_view",
    "course_detail_view",
    "course_list_view",
    "enrolment_complete_view",
    "invitee_list_view",
    "material_create_view",
    "questions_view",
    "reflection_enter_view",
    "reflection_list_view",
    "reflection_mine_view",
    "reflection_review_view",
    "round_create_view",
    "round_detail_view",
    "round_start_view",
    "session_attendance_view",
    "session_create_view",
    "session_qr_view",
    "theory_gap_view",
]
