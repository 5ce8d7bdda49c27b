"""Distances on the map, and whether a point is plausibly in a ward or commune.

No boundaries are stored: a unit has a centroid and an area (from `vietnamadminunits`). A point
is *far* from a unit when it lies farther from the centroid than the unit's usual radius:
RADIUS_FACTOR times the radius of a disc of the unit's area (wards are not round: a point near
the edge of an elongated ward is farther than that disc's radius, rarely twice as far), never
less than MIN_RADIUS_KM (a small urban ward, a point picked on a phone's map a street off), and
NO_AREA_RADIUS_KM when the area is unknown. A far point is questioned, not refused: the citizen
may have chosen the wrong ward, or tapped the wrong place on the map (docs/decisions/0020)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dieuhanh.org.models import AdminUnit

EARTH_RADIUS_KM = 6371.0
RADIUS_FACTOR = 2.0
MIN_RADIUS_KM = 2.0
NO_AREA_RADIUS_KM = 10.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def usual_radius_km(unit: AdminUnit) -> float:
    if not unit.area_km2 or unit.area_km2 <= 0:
        return NO_AREA_RADIUS_KM
    return max(MIN_RADIUS_KM, RADIUS_FACTOR * math.sqrt(unit.area_km2 / math.pi))


@dataclass(frozen=True)
class Far:
    distance_km: float
    radius_km: float


def far_from(unit: AdminUnit, lat: float, lon: float) -> Far | None:
    """How far the point is from `unit`'s centroid when beyond its usual radius; None when it is
    within, or when the unit has no centroid (nothing to compare with)."""
    if unit.latitude is None or unit.longitude is None:
        return None
    distance = distance_km(unit.latitude, unit.longitude, lat, lon)
    radius = usual_radius_km(unit)
    return Far(distance, radius) if distance > radius else None
