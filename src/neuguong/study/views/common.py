"""What the study pages share: 404 unless allowed, and the campaign the user manages."""

from django.http import Http404

from .. import selectors
from ..models import Campaign


def require(condition: bool) -> None:
    if not condition:
        raise Http404


def managed_campaign(request, campaign_id: int) -> Campaign:
    """The campaign, when the user may manage it (organiser's write scope); else 404."""
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    require(selectors.can_manage(request.user, campaign))
    return campaign
