"""What the petitions' tests share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dieuhanh.petitions.choices import Complexity, Kind, State
from dieuhanh.petitions.models import Petition


def unsaved_petition(**fields: Any) -> Petition:
    """A petition that is never saved, for the deadline arithmetic: a first-time complaint
    received by post on Monday 9/2/2026 unless `fields` say otherwise."""
    values: dict[str, Any] = {
        "kind": Kind.COMPLAINT, "received_on": dt.date(2026, 2, 9), "channel": "post", "multi_site": False,
        "state": State.RECEIVED, "level": 1, "complexity": Complexity.NORMAL, "remote": False,
        "extensions": 0, "suspended_days": 0,
    }
    values.update(fields)
    return Petition(**values)
