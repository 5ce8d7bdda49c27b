"""API v1 for petitions: /api/v1/petitions."""

from ninja import Router

petitions_router = Router()
