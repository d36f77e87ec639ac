"""/api/v1/study/campaigns: campaigns with attendance and submission counts, scoped as the pages."""

from ninja import Query, Router, Schema

from neuguong.core.api import FIRST_PAGE, Id, PageParams, paginate_queryset

from .selectors import campaign_get, campaign_list, campaign_org_stats

router = Router(tags=["study"])


class CampaignOut(Schema):
    id: int
    title: str
    level: str
    organizer: str
    invited: int
    attended: int
    reflections_submitted: int
    reflections_graded: int


class CampaignPage(Schema):
    items: list[CampaignOut]
    count: int


class OrgStatsOut(Schema):
    organization: str
    invited: int
    expected: int
    attended: int
    made_up: int
    excused: int
    absent: int
    attendance_rate: float | None
    reflections_submitted: int
    reflections_graded: int
    quiz_participants: int
    quiz_average: float | None


class CampaignDetailOut(CampaignOut):
    organizations: list[OrgStatsOut]


def campaign_out(campaign) -> dict:
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "level": campaign.level,
        "organizer": campaign.organizer.code,
        "invited": campaign.invited_count,
        "attended": campaign.attended_count,
        "reflections_submitted": campaign.submitted_count,
        "reflections_graded": campaign.graded_count,
    }


@router.get("/study/campaigns", response=CampaignPage)
def list_campaigns(request, q: str = "", paging: Query[PageParams] = FIRST_PAGE):
    items, count = paginate_queryset(campaign_list(user=request.user, query=q[:100]), paging)
    return {"items": [campaign_out(c) for c in items], "count": count}


@router.get("/study/campaigns/{campaign_id}", response=CampaignDetailOut)
def get_campaign(request, campaign_id: Id):
    campaign = campaign_get(user=request.user, campaign_id=campaign_id)
    rows = campaign_org_stats(user=request.user, campaign=campaign)
    return {
        **campaign_out(campaign),
        "organizations": [
            {
                "organization": row.code,
                "attendance_rate": row.attendance_rate,
                **{
                    name: getattr(row, name)
                    for name in (
                        "invited",
                        "expected",
                        "attended",
                        "made_up",
                        "excused",
                        "absent",
                        "reflections_submitted",
                        "reflections_graded",
                        "quiz_participants",
                        "quiz_average",
                    )
                },
            }
            for row in rows
        ],
    }
