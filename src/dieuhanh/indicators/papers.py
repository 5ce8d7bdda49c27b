"""The yearly report on the socio-economic targets of a unit (*báo cáo tình hình thực hiện các chỉ
tiêu phát triển kinh tế - xã hội*): "10/12 chỉ tiêu đạt và vượt", each target against its figure,
a chart of each figure as a share of its target, and the term targets. The figures are those of
the indicator pages and the IOC (`overview.summary`), as the reader may see them."""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from dieuhanh.core.papers import issuers
from dieuhanh.core.papers.kinds import PaperKind
from dieuhanh.core.papers.paper import Heading, Image, Paper, Table, Text
from dieuhanh.core.templatetags.dieuhanh import vn_number
from dieuhanh.indicators import overview
from dieuhanh.indicators.choices import Achievement
from dieuhanh.org.choices import OrganisationKind
from dieuhanh.org.models import AdminUnit, Organisation

if TYPE_CHECKING:
    from dieuhanh.core.http import AnyUser

SOCIO_ECONOMIC_REPORT = PaperKind(
    key="bao-cao-chi-tieu-kt-xh",
    label=gettext_lazy("Báo cáo thực hiện chỉ tiêu kinh tế - xã hội năm"),
    renders="Báo cáo tình hình thực hiện các chỉ tiêu kinh tế - xã hội của một đơn vị trong năm, có biểu đồ "
            "(ID: số của đơn vị/năm, ví dụ 10549/2026 là mã đơn vị hành chính/năm)",
    find="dieuhanh.indicators.papers.find_report",
    build="dieuhanh.indicators.papers.socio_economic_report",
    permission=("indicators", "view"),
    ident="mã đơn vị/năm",
    example="dieuhanh.indicators.papers.example_report",
    organisation="dieuhanh.indicators.papers.report_organisation",
)
# Colours of the chart's bars by how the figure stands against its target.
COLOURS = {Achievement.EXCEEDED: "#1b7a3e", Achievement.MET: "#3c9a5f", Achievement.NOT_MET: "#c0392b", None: "#9aa5b1"}
WORDS = {Achievement.EXCEEDED: "Vượt", Achievement.MET: "Đạt", Achievement.NOT_MET: "Không đạt", None: "Chưa có số liệu"}


class Report:
    def __init__(self, unit: AdminUnit, year: int, summary: overview.Summary, body: Organisation | None) -> None:
        self.unit, self.year, self.summary, self.body = unit, year, summary, body


def _reader(user: AnyUser | None) -> Any:
    """The command line reads as an administrator (an unsaved superuser: every unit, no grants)."""
    if user is not None:
        return user
    from dieuhanh.org.models import User

    reader = User(username="dieuhanh-document", is_superuser=True, is_active=True)
    reader._dieuhanh_grants = []  # type: ignore[attr-defined]  # no role grants to read for a user never saved
    return reader


def _body(unit: AdminUnit) -> Organisation | None:
    """The People's Committee of the unit (the body that reports on its targets), else its party committee."""
    orgs = Organisation.objects.filter(unit=unit).select_related("unit__parent", "parent")
    return (orgs.filter(kind=OrganisationKind.PEOPLES_COMMITTEE).first()
            or orgs.filter(kind=OrganisationKind.PARTY_COMMITTEE).first())


def report_organisation(report: Report) -> Organisation | None:
    return report.body


def example_report(user: AnyUser | None) -> str | None:
    """The unit with the most year targets in the latest year that has any, among those the user sees."""
    from django.db.models import Count

    from dieuhanh.indicators.choices import PeriodKind
    from dieuhanh.indicators.models import Target

    targets = Target.objects.visible_to(_reader(user)).filter(period_kind=PeriodKind.YEAR, is_current=True)
    found = (targets.filter(year_from__lte=timezone.localdate().year).values("year_from", "unit__code")
             .annotate(n=Count("id")).order_by("-year_from", "-n", "unit__code").first())
    return None if found is None else f"{found['unit__code']}/{found['year_from']}"


def find_report(ident: str, user: AnyUser | None) -> Report | None:
    code, _, year_text = ident.strip().partition("/")
    if not year_text.isdigit() or not 1990 <= int(year_text) <= 2100:
        return None
    year = int(year_text)
    units = AdminUnit.objects.filter(code=code).order_by("-valid_from")
    # the unit of that code in force in the year (a code is reused by the unit that took its place)
    unit = next((u for u in units if (u.valid_from is None or u.valid_from.year <= year)
                 and (u.valid_to is None or u.valid_to.year >= year)), None) or units.first()
    if unit is None:
        return None
    reader = _reader(user)
    from dieuhanh.core import access

    if not access.may(reader, "indicators", "view", unit.pk):
        return None
    return Report(unit, year, overview.summary(reader, unit=unit, year=year), _body(unit))


def _number(value: float | None, measure: str = "") -> str:
    if value is None:
        return "—"
    decimals = 0 if float(value).is_integer() else (1 if abs(value) >= 10 else 2)
    return vn_number(value, decimals)


def chart(tiles: list[dict[str, Any]]) -> bytes:
    """Each target's figure as a share of the target (%), a bar each, the 100% line marked."""
    import os
    from pathlib import Path

    from django.conf import settings

    # matplotlib keeps its font list in a cache folder: the data directory's, not a home folder
    # the server's account may not have.
    os.environ.setdefault("MPLCONFIGDIR", str(Path(settings.DATA_DIR) / "matplotlib"))
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    rows = list(reversed(tiles))
    names = [t["name"] if len(t["name"]) <= 48 else t["name"][:46] + "…" for t in rows]
    shares = [min(t["ratio"] * 100, 200.0) if t["ratio"] is not None else 0.0 for t in rows]
    fig, ax = plt.subplots(figsize=(6.4, 0.34 * len(rows) + 0.9), dpi=150)
    try:
        ax.barh(names, shares, color=[COLOURS.get(t["achievement"], COLOURS[None]) for t in rows], height=0.62)
        ax.axvline(100, color="#1f2d3d", linewidth=1, linestyle="--")
        for y, (share, t) in enumerate(zip(shares, rows, strict=True)):
            label = f"{share:.0f}%".replace(".", ",") if t["ratio"] is not None else "chưa có số liệu"
            ax.text(share + 2, y, label, va="center", fontsize=7)
        ax.set_xlim(0, max(125.0, max(shares, default=0) + 25))
        ax.set_xlabel("Thực hiện so với kế hoạch (%)", fontsize=8)
        ax.tick_params(axis="y", labelsize=7)
        ax.tick_params(axis="x", labelsize=7)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)


def socio_economic_report(r: Report, user: AnyUser | None) -> Paper:
    s = r.summary
    counted = [t for t in s.tiles if t["counted"]]
    body_org = r.body
    name = body_org.name if body_org is not None else r.unit.name
    blocks: list[Any] = [
        Text(f"{name} báo cáo tình hình thực hiện các chỉ tiêu phát triển kinh tế - xã hội năm {r.year} "
             f"của {r.unit.name} như sau:"),
        Heading("I. KẾT QUẢ CHUNG"),
        Text(f"Năm {r.year} có {s.met}/{s.total} chỉ tiêu đạt và vượt kế hoạch"
             + (f"; {s.total - s.met} chỉ tiêu không đạt hoặc chưa có số liệu." if s.total > s.met else "."), bold=True),
        Heading("II. KẾT QUẢ THỰC HIỆN TỪNG CHỈ TIÊU"),
    ]
    if counted:
        blocks.append(Table(
            ("TT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện", "So với kế hoạch", "Đánh giá"),
            tuple((str(i), t["name"], t["measure"], _number(t["target"]), _number(t["actual"]),
                   f"{t['ratio'] * 100:.1f}%".replace(".", ",") if t["ratio"] is not None else "—",
                   WORDS.get(t["achievement"], WORDS[None])) for i, t in enumerate(counted, 1)),
            (9.0, 58.0, 20.0, 20.0, 20.0, 20.0, 18.0),
            align=("center", "left", "center", "right", "right", "right", "center"), size=11,
        ))
        blocks.append(Image(chart(counted), width=150.0,
                            caption=f"Biểu đồ: mức thực hiện các chỉ tiêu năm {r.year} so với kế hoạch"))
    else:
        blocks.append(Text(f"Chưa có chỉ tiêu kinh tế - xã hội nào được giao kế hoạch năm {r.year}."))
    if s.terms:
        blocks.append(Heading("III. CÁC CHỈ TIÊU NHIỆM KỲ"))
        blocks.append(Table(
            ("TT", "Chỉ tiêu", "Nhiệm kỳ", "Chỉ tiêu nhiệm kỳ", "Lũy kế đến năm", "Đạt (%)"),
            tuple((str(i), t["name"], t["period"], _number(t["target"]), _number(t["to_date"]),
                   f"{t['ratio'] * 100:.1f}".replace(".", ",") if t["ratio"] is not None else "—")
                  for i, t in enumerate(s.terms, 1)),
            (9.0, 66.0, 24.0, 24.0, 24.0, 18.0),
            align=("center", "left", "center", "right", "right", "right"), size=11,
        ))
    missed = [t for t in counted if t["achievement"] != Achievement.EXCEEDED and t["achievement"] != Achievement.MET]
    blocks.append(Heading(f"{'IV' if s.terms else 'III'}. CÁC CHỈ TIÊU CHƯA ĐẠT"))
    if missed:
        for t in missed:
            blocks.append(Text(f"- {t['name']}: kế hoạch {_number(t['target'])} {t['measure']}, thực hiện "
                               f"{_number(t['actual'])} {t['measure'] if t['actual'] is not None else ''}".rstrip() + ".",
                               indent=False))
        blocks.append(Text("Đề nghị các cơ quan, đơn vị phụ trách làm rõ nguyên nhân, đề ra giải pháp khắc phục trong năm tới."))
    else:
        blocks.append(Text("Tất cả các chỉ tiêu có kế hoạch đều đạt hoặc vượt."))
    blocks.append(Text(f"Trên đây là báo cáo tình hình thực hiện các chỉ tiêu phát triển kinh tế - xã hội năm {r.year} "
                       f"của {r.unit.name}./."))
    day = min(timezone.localdate(), dt.date(r.year, 12, 31))
    sign = issuers.signing(body_org, day, unit=r.unit)
    return Paper(
        format=sign.format,
        issuer=sign.issuer,
        place=sign.place,
        kind="BC",
        kind_title="BÁO CÁO",
        subject=f"Tình hình thực hiện các chỉ tiêu phát triển kinh tế - xã hội năm {r.year}",
        body=tuple(blocks),
        signatures=(sign.signature,),
        year=r.year if r.year < timezone.localdate().year else timezone.localdate().year,
        recipients=("Thường trực cấp uỷ", "Thường trực HĐND", "Các cơ quan, đơn vị"),
        archive="VT, VP",
        keywords=("báo cáo", "chỉ tiêu kinh tế - xã hội", str(r.year)),
    )
