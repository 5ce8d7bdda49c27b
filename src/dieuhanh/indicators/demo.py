"""The demo city's indicators (data/demo.yaml): Chí Linh's 12 socio-economic targets of
2021 with the actuals the articles give (10 of 12 met or exceeded), the party members admitted
(196 against 190), the 2020–2025 term targets with the mid-term review's adjustments of
16/5/2023 (both versions kept, with the deciding document), and the indicators derived live from
the tasks, petitions and dossiers. Everything goes through the indicator services, as the
committee office would enter it; figures the articles do not give are marked as assumptions in
the YAML.

`IndicatorLoader.run()` is called by `load_demo()` once: it is skipped when the city already has
its 2021 targets (`indicators_loaded`)."""

from __future__ import annotations

import datetime as dt
import random
from importlib import resources
from typing import Any

import yaml

from dieuhanh.demo.people import Cast
from dieuhanh.indicators import services
from dieuhanh.indicators.choices import PeriodKind
from dieuhanh.indicators.models import Target

DEMO_YEAR = 2021
TERM = (2020, 2025)


def indicators_data() -> dict[str, Any]:
    text = resources.files("dieuhanh.indicators").joinpath("data", "demo.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def indicators_loaded(cast: Cast) -> bool:
    """Whether the city's 2021 targets are already in the database."""
    return Target.objects.filter(unit=cast.city, year_from=DEMO_YEAR, period_kind=PeriodKind.YEAR).exists()


def _day(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


class IndicatorLoader:
    def __init__(self, cast: Cast, progress: Any = None) -> None:
        self.cast = cast
        self.progress = progress
        self.data = indicators_data()
        self.actor = cast.users["vanphong"]  # the committee office enters the figures
        self.admin = cast.users["admin"]  # and the administrator defines the indicators

    def run(self) -> dict[str, int]:
        counts = {"indicators": 0, "targets": 0, "actuals": 0}
        docs = self.data["documents"]
        city = self.cast.city
        for item in self.data["indicators"]:
            ind = services.do_save_indicator(
                actor=self.admin, code=item["code"], name=item["name"], measure=item["measure"],
                direction=item.get("direction", "higher"), aggregation=item.get("aggregation", "sum"),
                kind=item.get("kind", "entered"), derived_source=item.get("derived_source", ""),
                group=item.get("group", "socio_economic"), order=item.get("order", 0),
                description=item.get("description", ""),
            )
            counts["indicators"] += 1
            if "target_2021" in item:
                t = item["target_2021"]
                doc = docs["plan_2021"]
                services.do_set_target(
                    actor=self.actor, indicator=ind, unit=city, year_from=DEMO_YEAR, value=t["value"],
                    deciding_document=doc["text"], decided_on=_day(doc["date"]), note=self._note(t),
                )
                counts["targets"] += 1
            term = item.get("term")
            if term:
                for key, doc in (("original", docs["congress"]), ("adjusted", docs["midterm"])):
                    if key not in term:
                        continue
                    services.do_set_target(
                        actor=self.actor, indicator=ind, unit=city, period_kind=PeriodKind.TERM, year_from=TERM[0],
                        year_to=TERM[1], value=term[key]["value"], deciding_document=doc["text"],
                        decided_on=_day(doc["date"]), note=self._note(term[key]),
                    )
                    counts["targets"] += 1
            for a in item.get("actuals", ()):
                services.do_enter_actual(
                    actor=self.actor, indicator=ind, unit=city, year=a["year"], value=a["value"],
                    growth_percent=a.get("growth"), source=a.get("source", ""), note=self._note(a),
                )
                counts["actuals"] += 1
        if self.progress is not None:
            self.progress("Chỉ tiêu kinh tế - xã hội", counts["indicators"], counts["indicators"])
        return counts

    @staticmethod
    def _note(item: dict[str, Any]) -> str:
        parts = [item["note"]] if item.get("note") else []
        if item.get("assumption"):
            parts.append("Số liệu giả định của dữ liệu mẫu (bài báo không nêu).")
        return " ".join(parts)


def step(cast: Cast, rng: random.Random, today: dt.date, progress: Any) -> dict[str, int] | None:
    """The socio-economic targets and figures of the demo city (None: already there)."""
    if indicators_loaded(cast):
        return None
    IndicatorLoader(cast, progress).run()
    return {}
