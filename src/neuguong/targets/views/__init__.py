"""Pages of targets and scoring, by sub-domain: thin — parse input, call one selector or service, render.
Anything out of scope is a 404, the same as a missing record. Every view is re-exported for `urls.py`."""

from .cycles import (
    appraise_view,
    assessment_action_view,
    assessment_view,
    cycle_create_view,
    cycle_detail_view,
    cycle_survey_view,
    cycle_team_view,
    ranking_view,
    score_evidence_view,
    self_score_view,
    transparency_view,
)
from .indicators import (
    actual_evidence_view,
    index_view,
    indicator_create_view,
    indicator_detail_view,
    indicator_edit_view,
    overdue_view,
    target_create_view,
    target_detail_view,
    targets_import_view,
)
from .scoring_sets import (
    component_edit_view,
    scoring_index_view,
    set_copy_view,
    set_detail_view,
    set_import_view,
    set_publish_view,
)

__all__ = [
    "actual_evidence_view",
    "appraise_view",
    "assessment_action_view",
    "assessment_view",
    "component_edit_view",
    "cycle_create_view",
    "cycle_detail_view",
    "cycle_survey_view",
    "cycle_team_view",
    "index_view",
    "indicator_create_view",
    "indicator_detail_view",
    "indicator_edit_view",
    "overdue_view",
    "ranking_view",
    "score_evidence_view",
    "scoring_index_view",
    "self_score_view",
    "set_copy_view",
    "set_detail_view",
    "set_import_view",
    "set_publish_view",
    "target_create_view",
    "target_detail_view",
    "targets_import_view",
    "transparency_view",
]
