"""Distances on the map and a unit's usual radius (org.geo)."""

from __future__ import annotations

import pytest

from dieuhanh.org import geo
from dieuhanh.org.models import AdminUnit


def test_distance_between_two_known_places():
    # Hoàn Kiếm Lake to Hải Phòng Opera House: about 88 km as the crow flies.
    assert geo.distance_km(21.0288, 105.8525, 20.8569, 106.6829) == pytest.approx(88.3, abs=0.5)
    assert geo.distance_km(21.0, 106.0, 21.0, 106.0) == 0


def test_the_usual_radius_follows_the_area():
    assert geo.usual_radius_km(AdminUnit(area_km2=20.0)) == pytest.approx(2 * (20 / 3.14159265) ** 0.5)
    assert geo.usual_radius_km(AdminUnit(area_km2=0.5)) == geo.MIN_RADIUS_KM  # a small urban ward
    assert geo.usual_radius_km(AdminUnit(area_km2=None)) == geo.NO_AREA_RADIUS_KM


def test_far_from_needs_a_centre():
    ward = AdminUnit(latitude=21.1302, longitude=106.3947, area_km2=20.0)
    assert geo.far_from(ward, 21.1400, 106.4000) is None
    far = geo.far_from(ward, 21.0285, 105.8542)
    assert far is not None and far.distance_km > 50 and far.radius_km == pytest.approx(5.05, abs=0.01)
    assert geo.far_from(AdminUnit(area_km2=20.0), 0.0, 0.0) is None
