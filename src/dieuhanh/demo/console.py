"""`dieuhanh demo` in the terminal: a progress bar while the demo city loads, then what it
contains and the demo logins with their (published) password."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table


def pending_migrations() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def run(*, force: bool = False, console: Console | None = None) -> int:
    """Load the demo city; returns the process exit code."""
    from dieuhanh.core import audit
    from dieuhanh.core.platform import demo_steps
    from dieuhanh.demo.loader import (
        DEMO_PASSWORD,
        DemoError,
        describe_personas,
        load_demo,
        other_users_exist,
    )

    console = console or Console()
    if pending_migrations():
        console.print("[red]Cơ sở dữ liệu chưa được khởi tạo đầy đủ: hãy chạy migrate trước.[/red]")
        return 1
    from django.conf import settings

    if other_users_exist() and not (force or settings.DEMO_MODE):
        console.print(
            "[red]Cơ sở dữ liệu này đã có người dùng không thuộc thành phố mẫu.[/red] Thành phố mẫu tạo các "
            "tài khoản có mật khẩu công khai (kể cả tài khoản quản trị 'admin'), nên chỉ nạp vào cơ sở dữ liệu "
            "riêng cho bản trình diễn (DIEUHANH_DEMO=1). Dùng --force nếu chắc chắn."
        )
        return 1

    bars: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    ) as progress:

        def report(step: str, done: int, total: int) -> None:
            if step not in bars:
                bars[step] = progress.add_task(step, total=max(total, 1))
            progress.update(bars[step], completed=done, total=max(total, 1))

        try:
            with audit.channel("cli"):
                result = load_demo(report)
        except DemoError as exc:
            console.print(f"[red]{exc}[/red]")
            return 1

    summary = Table(title=f"Thành phố mẫu Chí Linh — nạp trong {result.seconds:.1f} giây", show_header=False)
    for app_step in demo_steps():
        key = app_step.key or app_step.label
        if key in result.skipped:
            summary.add_row(app_step.label, "đã có sẵn, không nạp lại")
            continue
        counts = result.counts.get(key, {})
        for name, label in app_step.summary:
            if name in counts:
                summary.add_row(label, str(counts[name]))
    console.print(summary)

    table = Table(title=f"Tài khoản trình diễn — mật khẩu chung: [bold]{DEMO_PASSWORD}[/bold]")
    for col in ("Tên đăng nhập", "Vai trò", "Phạm vi", "Cán bộ", "Dùng để"):
        table.add_column(col, overflow="fold")
    for row in describe_personas():
        table.add_row(row["username"], row["role"], row["unit"], row["person"], row["description"])
    console.print(table)
    console.print("[yellow]Chỉ dùng để trình diễn: đổi hoặc xoá các tài khoản này trước khi dùng thật.[/yellow]")
    return 0
