from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router
from pydantic import BaseModel

from dieuhanh.core.case_api import add_action_routes
from dieuhanh.core.tests.exampleapp.cases import INSPECTIONS
from dieuhanh.core.tests.exampleapp.models import Inspection

router = Router()


class InspectionOut(BaseModel):
    id: int
    title: str
    state: str
    conclusion: str
    allowed_actions: list[str]


def _visible(request: HttpRequest, inspection_id: int) -> Inspection:
    found = Inspection.objects.visible_to(request.user).filter(pk=inspection_id).first()
    if found is None:
        raise Http404
    return found


def _out(request: HttpRequest, i: Inspection) -> dict[str, Any]:
    return {"id": i.pk, "title": i.title, "state": i.state, "conclusion": i.conclusion,
            "allowed_actions": INSPECTIONS.allowed_actions(request.user, i)}


@router.get("", response=list[InspectionOut], summary="Các cuộc kiểm tra thực tế")
def list_inspections(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(request, i) for i in Inspection.objects.visible_to(request.user).order_by("id")]


add_action_routes(router, INSPECTIONS, key="int:inspection_id", lookup=_visible, detail=_out, schema=InspectionOut)


@router.get("/{int:inspection_id}", response=InspectionOut, summary="Một cuộc kiểm tra thực tế")
def get_inspection(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    return _out(request, _visible(request, inspection_id))
