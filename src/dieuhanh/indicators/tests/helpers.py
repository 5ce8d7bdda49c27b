"""Building blocks for the indicator tests, made through the real services."""

from __future__ import annotations

from typing import Any

from dieuhanh.indicators import services
from dieuhanh.indicators.choices import Aggregation, Direction, Group, Kind


def indicator(world: Any, code: str, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "name": f"Chỉ tiêu {code}", "measure": "tỷ đồng", "direction": Direction.HIGHER,
        "aggregation": Aggregation.SUM, "kind": Kind.ENTERED, "group": Group.SOCIO_ECONOMIC,
    }
    values.update(fields)
    return services.do_save_indicator(actor=world.admin, code=code, **values)


def actual(world: Any, ind: Any, unit: Any, year: int, value: Any, **fields: Any) -> Any:
    return services.do_enter_actual(actor=world.admin, indicator=ind, unit=unit, year=year, value=value, **fields)


def target(world: Any, ind: Any, unit: Any, year: int, value: Any, **fields: Any) -> Any:
    return services.do_set_target(actor=world.admin, indicator=ind, unit=unit, year_from=year, value=value, **fields)
