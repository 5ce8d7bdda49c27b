"""The `dieuhanh` command. Thin: parses arguments, shows progress, calls services."""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import Annotated

import typer

app = typer.Typer(help="Điều Hành — phần mềm điều hành của cấp uỷ, chính quyền địa phương.", no_args_is_help=True)
calendar_app = typer.Typer(help="Lịch ngày làm việc.", no_args_is_help=True)
audit_app = typer.Typer(help="Nhật ký thay đổi.", no_args_is_help=True)
token_app = typer.Typer(help="Mã truy cập API.", no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")
app.add_typer(audit_app, name="audit")
app.add_typer(token_app, name="token")


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dieuhanh.settings")
    import django

    django.setup()


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"ngày không hợp lệ: {value!r} (dạng YYYY-MM-DD)") from None


@calendar_app.command("add")
def calendar_add(
    from_: Annotated[str, typer.Option("--from", help="Ngày bắt đầu (YYYY-MM-DD), không tính vào thời hạn")],
    days: Annotated[int, typer.Option("--days", min=0, help="Số ngày")],
    working: Annotated[bool, typer.Option("--working", help="Tính theo ngày làm việc")] = False,
) -> None:
    """In ra ngày hết hạn: FROM cộng DAYS ngày (hoặc ngày làm việc), theo Bộ luật Dân sự Đ.147–148."""
    start = _date(from_)
    _django()
    from dieuhanh.core import calendar

    typer.echo(calendar.add(start, days, working=working).isoformat())


def main() -> None:
    sys.exit(app())  # type: ignore[func-returns-value]


if __name__ == "__main__":
    main()
