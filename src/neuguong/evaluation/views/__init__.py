"""Pages of the annual review, by sub-domain (periods, reviews, rule sets and the report)."""

from .periods import (
    decision_docx_view,
    index_view,
    period_create_view,
    period_decide_view,
    period_publish_view,
    period_refresh_view,
    period_view,
)
from .reviews import (
    mine_view,
    review_appraise_view,
    review_excuse_view,
    review_meeting_view,
    review_opinion_view,
    review_propose_view,
    review_return_view,
    review_self_view,
    review_view,
)
from .rule_sets import (
    disciplines_view,
    report_view,
    rule_set_copy_view,
    rule_set_criterion_view,
    rule_set_edit_view,
    rule_set_publish_view,
    rule_set_view,
    rule_sets_view,
)

__all__ = [
    "decision_docx_view",
    "disciplines_view",
    "index_view",
    "mine_view",
    "period_create_view",
    "period_decide_view",
    "period_publish_view",
    "period_refresh_view",
    "period_view",
    "report_view",
    "review_appraise_view",
    "review_excuse_view",
    "review_meeting_view",
    "review_opinion_view",
    "review_propose_view",
    "review_return_view",
    "review_self_view",
    "review_view",
    "rule_set_copy_view",
    "rule_set_criterion_view",
    "rule_set_edit_view",
    "rule_set_publish_view",
    "rule_set_view",
    "rule_sets_view",
]
