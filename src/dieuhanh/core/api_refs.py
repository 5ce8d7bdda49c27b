"""The references that several apps' API answers share: a unit, and any named record (a person,
an organisation). One class each, so the OpenAPI schema has one component of each name
(`dieuhanh.api.schema_name_clashes`)."""

from __future__ import annotations

from pydantic import BaseModel


class Ref(BaseModel):
    id: int
    name: str


class UnitRef(BaseModel):
    id: int
    code: str
    name: str
