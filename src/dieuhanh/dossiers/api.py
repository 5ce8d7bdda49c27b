"""API v1 for one-stop dossiers: /api/v1/dossiers."""

from ninja import Router

dossiers_router = Router()
