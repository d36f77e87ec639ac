"""Wires each app's API router into the one /api/v1/ root."""

from neuguong.core.api import api
from neuguong.organizations.api import router as organizations_router
from neuguong.people.api import router as people_router

api.add_router("/", organizations_router)
api.add_router("/", people_router)
