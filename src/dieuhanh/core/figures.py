"""The tables of figures of the statistics pages (petitions, one-stop dossiers): each page
declares its columns, core/_stat_table.html draws the rows and the total under them and the
`stat_cells` tag of core's tag library formats each figure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class StatColumn:
    """A column of figures: its heading and the attribute of a row it shows, a count or, with
    `percent`, a rate; `share`, the attribute of a rate shown in brackets after the count;
    `alert`, a row's count above zero shows red (the total's never does)."""

    label: StrOrPromise
    key: str
    percent: bool = False
    share: str = ""
    alert: bool = False
