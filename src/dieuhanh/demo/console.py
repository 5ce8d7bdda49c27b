"""`dieuhanh demo` in the terminal: a progress bar while the demo city loads, then what it
contains and the demo logins with their (published) password."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table


def _pending_migrations() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def run(*, force: bool = False, console: Console | None = None) -> int:
    """Load the demo city; returns the process exit code."""
    from dieuhanh.core import audit
    from dieuhanh.demo.loader import (
        DEMO_PASSWORD,
        DemoError,
        describe_personas,
        load_demo,
        other_users_exist,
        task_status_counts,
    )
    from dieuhanh.directives.choices import TaskStatus

    console = console or Console()
    if _pending_migrations():
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

    if result.work_skipped:
        console.print("Thành phố mẫu đã có sẵn (văn bản, nhiệm vụ không nạp lại); không có gì bị nhân đôi.")
    summary = Table(title=f"Thành phố mẫu Chí Linh — nạp trong {result.seconds:.1f} giây", show_header=False)
    for key, label in [("documents", "Văn bản"), ("meetings", "Cuộc họp"), ("tasks", "Nhiệm vụ"),
                       ("reports", "Báo cáo tiến độ"), ("adjustments", "Điều chỉnh"),
                       ("waiting_for_leader", "Đề xuất vượt thẩm quyền chờ ý kiến")]:
        if key in result.work:
            summary.add_row(label, str(result.work[key]))
    for status, count in task_status_counts().items():
        summary.add_row(f"Nhiệm vụ — {TaskStatus(status).label.lower()}", str(count))
    if result.petitions:
        summary.add_row("Buổi tiếp công dân, đối thoại", str(result.petitions.get("sessions", 0)))
        summary.add_row("Đơn thư", str(result.petitions.get("petitions", 0)))
    elif result.petitions_skipped:
        summary.add_row("Đơn thư", "đã có sẵn, không nạp lại")
    if result.dossiers:
        summary.add_row("Thủ tục hành chính", str(result.dossiers.get("procedures", 0)))
        summary.add_row("Hồ sơ một cửa", str(result.dossiers.get("dossiers", 0) + result.dossiers.get("native", 0)))
        summary.add_row("Hồ sơ đang quá hạn", str(result.dossiers.get("late_now", 0)))
    elif result.dossiers_skipped:
        summary.add_row("Hồ sơ một cửa", "đã có sẵn, không nạp lại")
    console.print(summary)

    table = Table(title=f"Tài khoản trình diễn — mật khẩu chung: [bold]{DEMO_PASSWORD}[/bold]")
    for col in ("Tên đăng nhập", "Vai trò", "Phạm vi", "Cán bộ", "Dùng để"):
        table.add_column(col, overflow="fold")
    for row in describe_personas():
        table.add_row(row["username"], row["role"], row["unit"], row["person"], row["description"])
    console.print(table)
    console.print("[yellow]Chỉ dùng để trình diễn: đổi hoặc xoá các tài khoản này trước khi dùng thật.[/yellow]")
    return 0
