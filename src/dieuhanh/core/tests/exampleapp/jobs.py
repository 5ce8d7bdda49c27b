"""The example app's periodic jobs (apps.py): each adds a line "<job> <day> <pid>" to
DATA_DIR/periodic-example.log, so a test sees how many times, for which period and in which
process each ran."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from django.conf import settings


def _note(job: str, day: dt.date) -> str:
    line = f"{job} {day.isoformat()} {os.getpid()}\n"
    with (Path(settings.DATA_DIR) / "periodic-example.log").open("a", encoding="utf-8") as f:
        f.write(line)
    return line.strip()


def hourly(day: dt.date) -> str:
    return _note("hourly", day)


def daily(day: dt.date) -> str:
    return _note("daily", day)


def weekly(day: dt.date) -> str:
    return _note("weekly", day)


def monthly(day: dt.date) -> str:
    return _note("monthly", day)
