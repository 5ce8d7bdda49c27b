"""Formatting for templates and exports: dates as dd/mm/yyyy, money with a dot between
thousands and a comma before decimals ("1.500.000.000 đồng", "13.416,4 tỷ đồng"; the other way
round on an English page), percentages; and the tags the shared page parts of core/templates/core use (`query_with`,
`form_fields`, `stat_cells`, `wrap`).

The same functions are used by the .xlsx export (dates there are real dates with a
dd/mm/yyyy number format), so a figure reads the same on screen and on paper."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token, token_kwargs
from django.template.context import Context
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_noop

register = template.Library()

BILLION = Decimal(1_000_000_000)
MILLION = Decimal(1_000_000)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _separators() -> tuple[str, str]:
    """The thousands and decimal separators of the active language: "." and "," in Vietnamese,
    "," and "." in English, so a page never mixes "1.062" and "1,062"."""
    from django.utils.translation import get_language

    if (get_language() or "vi").split("-")[0] == "en":
        return ",", "."
    return ".", ","


def group_digits(value: Any, decimals: int = 0) -> str:
    """12345678.9 → "12.345.678,9" (decimals=1; "12,345,678.9" in English). Trailing zeros
    of the fraction are dropped. For reading only: a number in a link or a form value is
    printed bare (`{{ unit.pk }}`, never grouped, see USE_THOUSAND_SEPARATOR in settings)."""
    number = _decimal(value)
    if number is None:
        return ""
    quant = Decimal(1).scaleb(-decimals) if decimals else Decimal(1)
    number = number.quantize(quant, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    thousands, point = _separators()
    text = sign + thousands.join(groups)
    fraction = fraction.rstrip("0")
    return f"{text}{point}{fraction}" if fraction else text


@register.filter
def vn_date(value: Any) -> str:
    """A date (or datetime, in local time) as dd/mm/yyyy."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


@register.filter
def vn_datetime(value: Any) -> str:
    """A datetime in local time as "HH:MM dd/mm/yyyy"."""
    if not isinstance(value, dt.datetime):
        return vn_date(value)
    from django.utils import timezone

    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%H:%M %d/%m/%Y")


@register.filter
def vn_number(value: Any, decimals: int = 0) -> str:
    return group_digits(value, int(decimals))


@register.filter
def vn_percent(value: Any, decimals: int = 1) -> str:
    """0.9123 → "91,2%"; None (nothing to divide by) → "—"."""
    if value is None or value == "":
        return "—"
    return f"{group_digits(float(value) * 100, int(decimals))}%"


@register.simple_tag
def stat_cells(row: Any, columns: Any, total: bool = False) -> list[dict[str, Any]]:
    """The figures of `row` under `columns` (core.figures.StatColumn), formatted: each cell's
    text, its share in brackets and whether it shows red (never on the `total` row)."""
    cells = []
    for column in columns:
        value = getattr(row, column.key)
        cells.append({
            "text": vn_percent(value) if column.percent else group_digits(value),
            "share": vn_percent(getattr(row, column.share)) if column.share else "",
            "alert": column.alert and not total and bool(value),
        })
    return cells


@register.filter
def vn_money(value: Any) -> str:
    """Whole đồng: 1500000000 → "1.500.000.000 đồng"."""
    number = _decimal(value)
    if number is None:
        return ""
    return gettext("%(amount)s đồng") % {"amount": group_digits(number)}


@register.filter
def vn_money_short(value: Any) -> str:
    """Large sums the way reports write them: 13416400000000 → "13.416,4 tỷ đồng",
    87000000 → "87 triệu đồng"; smaller sums in whole đồng."""
    number = _decimal(value)
    if number is None:
        return ""
    if abs(number) >= BILLION:
        return gettext("%(amount)s tỷ đồng") % {"amount": group_digits(number / BILLION, 1)}
    if abs(number) >= MILLION:
        return gettext("%(amount)s triệu đồng") % {"amount": group_digits(number / MILLION, 1)}
    return vn_money(number)


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters replaced (pagination, sorting), so a
    filtered list keeps its filters when paged or re-sorted."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def form_fields(form: Any, names: str, wide: str = "") -> list[tuple[Any, bool]]:
    """The bound fields `names` (space-separated) of `form` in that order, each with whether it is
    one of `wide`: a group of fields as an entry form lays them out (core/_fields.html)."""
    full = set(str(wide or "").split())
    return [(form[name], name in full) for name in str(names).split()]


class WrapNode(template.Node):
    def __init__(self, name: FilterExpression, values: dict[str, FilterExpression], nodelist: NodeList) -> None:
        self.name, self.values, self.nodelist = name, values, nodelist

    def render(self, context: Context) -> str:
        # The body is template output, already escaped where it printed variables.
        body = mark_safe(self.nodelist.render(context))  # noqa: S308
        values = {key: value.resolve(context) for key, value in self.values.items()}
        assert context.template is not None  # a tag renders inside a template
        wrapper = context.template.engine.get_template(self.name.resolve(context))
        with context.push(body=body, **values):
            return wrapper.render(context)


@register.tag
def wrap(parser: Parser, token: Token) -> WrapNode:
    """`{% wrap "core/_card_table.html" title="…" %}…{% endwrap %}`: an include with a body. The
    template renders with the markup between the tags as `body`, and the values given, so a
    card or a table is written once around what each page puts in it."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes the template to render around its body")
    values = token_kwargs(bits[2:], parser, support_legacy=False)
    if len(values) != len(bits) - 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes its values as name=value")
    nodelist = parser.parse(("endwrap",))
    parser.delete_first_token()
    return WrapNode(parser.compile_filter(bits[1]), values, nodelist)


@register.filter(name="tr")
def translate_label(value: Any) -> str:
    """Translate a choice label at run time (`{{ report.get_period_display|tr }}`). The
    labels are Vietnamese in `choices.py`; their English is in locale/en."""
    return gettext(str(value)) if value not in (None, "") else ""


# The choice labels shown in the UI, marked here so `makemessages` puts them in the catalogue
# (choices.py keeps plain strings, which are also the Vietnamese text of the database).
CHOICE_LABELS = [
    gettext_noop("Đang thực hiện"),
    gettext_noop("Sắp đến hạn"),
    gettext_noop("Quá hạn"),
    gettext_noop("Hoàn thành đúng hạn"),
    gettext_noop("Hoàn thành quá hạn"),
    gettext_noop("Đã huỷ"),
    gettext_noop("Báo cáo tuần"),
    gettext_noop("Báo cáo tháng"),
    gettext_noop("Báo cáo đột xuất"),
    gettext_noop("Thời hạn"),
    gettext_noop("Kết quả cần đạt"),
    gettext_noop("Đơn vị chủ trì"),
    gettext_noop("Người chủ trì"),
    gettext_noop("Lãnh đạo chịu trách nhiệm"),
    gettext_noop("Kinh phí"),
    gettext_noop("Hoàn thành xuất sắc"),
    gettext_noop("Hoàn thành tốt"),
    gettext_noop("Hoàn thành"),
    gettext_noop("Không hoàn thành"),
    gettext_noop("Nghị quyết"),
    gettext_noop("Kết luận"),
    gettext_noop("Chỉ thị"),
    gettext_noop("Quyết định"),
    gettext_noop("Chương trình"),
    gettext_noop("Kế hoạch"),
    gettext_noop("Đề án"),
    gettext_noop("Thông báo"),
    gettext_noop("Báo cáo"),
    gettext_noop("Biên bản"),
    gettext_noop("Hướng dẫn"),
    gettext_noop("Quy định"),
    gettext_noop("Công văn"),
    gettext_noop("Văn bản hành chính nhà nước (Số: 15/QĐ-UBND)"),
    gettext_noop("Văn bản của Đảng (Số 12-NQ/TU)"),
]


@register.filter
def minutes(value: Any) -> int:
    """A timedelta as whole minutes (the lockout page: "khoá trong 30 phút")."""
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds() // 60)
    return 0


@register.simple_tag
def due_soon_days() -> int:
    """How many working days "due soon" looks ahead (`core.calendar.due_soon_days`): the pages
    say "đến hạn trong 3 ngày làm việc" from the setting, never from a number in the template."""
    from dieuhanh.core.calendar import due_soon_days as days

    return days()


@register.filter(name="person_label")
def person_label_filter(person: Any) -> str:
    """A person as the pickers show them: «name — post, body» (`core.forms.person_label`)."""
    from dieuhanh.core.forms import person_label

    return person_label(person) if person is not None else ""


@register.filter(name="shorten")
def shorten_filter(value: Any, chars: int) -> str:
    """`value` cut between words to at most `chars` characters (`lib.text.shorten`): what lists
    use instead of `truncatechars`, which cuts mid-word."""
    from dieuhanh.lib.text import shorten

    return shorten(value, int(chars))
