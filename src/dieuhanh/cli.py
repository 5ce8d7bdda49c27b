"""The `dieuhanh` command. Thin: parses arguments, shows progress, calls services."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.progress import Progress

app = typer.Typer(help="Điều Hành — phần mềm điều hành của cấp uỷ, chính quyền địa phương.", no_args_is_help=True)
calendar_app = typer.Typer(help="Lịch ngày làm việc.", no_args_is_help=True)
audit_app = typer.Typer(help="Nhật ký thay đổi.", no_args_is_help=True)
token_app = typer.Typer(help="Mã truy cập API.", no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")
app.add_typer(audit_app, name="audit")
app.add_typer(token_app, name="token")
units_app = typer.Typer(help="Đơn vị hành chính.", no_args_is_help=True)
app.add_typer(units_app, name="units")
petitions_app = typer.Typer(help="Tiếp công dân, xử lý đơn.", no_args_is_help=True)
app.add_typer(petitions_app, name="petitions")
import_app = typer.Typer(help="Nhập dữ liệu từ tệp .xlsx hoặc .csv.", no_args_is_help=True)
app.add_typer(import_app, name="import")
two_factor_app = typer.Typer(help="Đăng nhập hai bước.", no_args_is_help=True)
app.add_typer(two_factor_app, name="two-factor")


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


@app.command()
def migrate() -> None:
    """Tạo hoặc cập nhật cơ sở dữ liệu (SQLite mặc định hoặc DATABASE_URL)."""
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


@app.command()
def demo(
    force: Annotated[bool, typer.Option("--force", help="Nạp cả khi cơ sở dữ liệu đã có người dùng khác")] = False,
) -> None:
    """Nạp thành phố mẫu Chí Linh (chạy lại không nhân đôi) và in các tài khoản trình diễn."""
    _django()
    from dieuhanh.demo.console import run

    raise typer.Exit(run(force=force))


def web_concurrency(cpus: int) -> tuple[int, int]:
    """The web server's processes and threads per process for a machine of `cpus` cores: one
    process per core (at least two, so that one busy process never holds every request), two
    threads each (docs/decisions/0035, measured with bench/bench_load.py: more threads in a
    process take turns at the interpreter's lock, at a cost in CPU once each request is cheap)."""
    return max(2, cpus), 2


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Địa chỉ lắng nghe")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Cổng")] = 8000,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Số tiến trình máy chủ web (mặc định: theo số lõi CPU)")] = None,
    threads: Annotated[int | None, typer.Option(
        min=1, help="Số luồng mỗi tiến trình máy chủ web (mặc định: theo số lõi CPU)")] = None,
    queue_workers: Annotated[int, typer.Option(
        "--queue-workers", min=0, help="Số tiến trình chạy nền (việc trong hàng đợi, việc định kỳ); 0 khi chúng chạy "
        "ở máy khác bằng «dieuhanh worker»")] = 1,
) -> None:
    """Chạy máy chủ web (gunicorn) phục vụ Điều Hành, cùng một tiến trình chạy nền (dieuhanh worker).

    Dừng lệnh (Ctrl+C) là dừng cả hai; tiến trình chạy nền tự dừng bất ngờ thì được khởi động lại.
    Các tham số sau «--» được chuyển nguyên cho gunicorn, ví dụ «dieuhanh serve -- --keep-alive 5»."""
    _django()
    from django.conf import settings
    from django.core.management import call_command

    from dieuhanh.core.worker import serve_with_worker

    _refuse_unusable_keys()
    if settings.DEMO_MODE and host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo("Chế độ trình diễn chỉ phục vụ trên 127.0.0.1 (mật khẩu mẫu được công bố).", err=True)
        raise typer.Exit(2)
    if host not in settings.ALLOWED_HOSTS and host not in ("0.0.0.0", "::"):  # noqa: S104
        os.environ["DIEUHANH_ALLOWED_HOSTS"] = ",".join([*settings.ALLOWED_HOSTS, host])
    call_command("collectstatic", interactive=False, verbosity=0)
    from dieuhanh.core.platform import run_start_hooks

    run_start_hooks("serve")  # once, before gunicorn forks its processes (a killed import's indexes...)
    typer.echo(f"Điều Hành đang chạy tại http://{host}:{port}  (Ctrl+C để dừng)")
    # gunicorn with threads: a request waiting on the database lets the other run; SQLite in WAL mode serves
    # concurrent readers, and writers queue on the IMMEDIATE lock. No access log of gunicorn's own:
    # the app logs each request as a JSON line with its id, user, status and duration (core/logs.py).
    default_workers, default_threads = web_concurrency(os.cpu_count() or 1)
    web = [
        sys.executable, "-m", "gunicorn", "dieuhanh.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers or default_workers),
        "--threads", str(threads or default_threads), "--worker-class", "gthread", "--timeout", "120",
        # requests under way get 20 s to finish on a stop, inside the 30 s `serve` gives before it
        # kills; no control socket: gunicorn's default is one path per system user
        # (~/.gunicorn/gunicorn.ctl) that a second server on the machine takes over, and a way to
        # change the server at run time that this product does not use
        "--graceful-timeout", "20", "--no-control-socket",
        *ctx.args,  # gunicorn's own options, after ours: they win
    ]
    raise typer.Exit(serve_with_worker(web, [sys.executable, "-m", "dieuhanh.cli", "worker"],
                                       queue_workers=queue_workers))


@app.command()
def worker(
    queues: Annotated[str, typer.Option(help="Các hàng đợi xử lý, cách nhau bằng dấu phẩy («*»: tất cả)")] = "*",
    interval: Annotated[float, typer.Option(min=0.0, help="Số giây chờ khi hàng đợi trống")] = 1.0,
    once: Annotated[bool, typer.Option("--once", "--batch", help="Chạy hết việc đang chờ rồi dừng")] = False,
) -> None:
    """Chạy một tiến trình chạy nền: nhận việc trong hàng đợi (nhập tệp, gửi thư, nhắc việc) và đặt lịch việc định kỳ.

    Chạy bao nhiêu tiến trình cũng được, trên một hay nhiều máy dùng chung cơ sở dữ liệu: mỗi việc chỉ một
    tiến trình nhận, mỗi việc định kỳ chạy một lần mỗi kỳ. Tiến trình bị ngắt giữa chừng thì việc đang làm
    được tiến trình khác làm lại (ngay khi thấy tiến trình cũ trên cùng máy đã dừng, nếu không thì sau
    DIEUHANH_WORKER_STALE_SECONDS giây). Khi khởi động, tiến trình dựng lại những gì một lượt nhập bị ngắt để dở
    (chỉ mục, bộ đếm thống kê). SIGTERM hay Ctrl+C: làm xong
    việc đang làm rồi dừng."""
    _django()
    from dieuhanh.core.worker import run_worker

    _refuse_unusable_keys()
    names = [q.strip() for q in queues.split(",") if q.strip()]
    if not names:
        raise typer.BadParameter("cần ít nhất một hàng đợi", param_hint="--queues")
    ran = run_worker(queues=names, interval=interval, once=once)
    if once:
        typer.echo(f"Đã chạy {_n(ran)} việc.")


def _refuse_unusable_keys() -> None:
    """Stop before serving when the field keys do not open the database's identities (core.fieldkeys)."""
    from dieuhanh.core.fieldkeys import problem

    if message := problem():
        typer.echo(message, err=True)
        raise typer.Exit(2)


def _passphrase(path: Path | None) -> str | None:
    """The backup passphrase: the first line of `path`, else DIEUHANH_BACKUP_PASSPHRASE, else None."""
    from dieuhanh.core.backup import BackupError, read_passphrase

    if path is not None:
        try:
            return read_passphrase(path)
        except BackupError as exc:
            raise typer.BadParameter(str(exc), param_hint="--passphrase-file") from None
    return os.environ.get("DIEUHANH_BACKUP_PASSPHRASE") or None


def _progress_bar() -> tuple[Progress, Callable[[str, int, int | None], None]]:
    """A progress display for a service's `progress(step, done, total)` callback: one bar per step."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    bar = Progress(*columns, console=console, transient=True)
    tasks: dict[str, TaskID] = {}

    def progress(step: str, done: int, total: int | None) -> None:
        if step not in tasks:
            tasks[step] = bar.add_task(step, total=total)
        bar.update(tasks[step], completed=done, total=total)

    return bar, progress


@app.command()
def backup(
    output: Annotated[Path, typer.Option("--output", "-o", dir_okay=False, help="Tệp bản sao lưu sẽ ghi (.tar.gz)")],
    passphrase_file: Annotated[Path | None, typer.Option(
        "--passphrase-file", exists=True, dir_okay=False,
        help="Tệp có mật khẩu (dòng đầu) để mã hoá khoá trong bản sao lưu; hoặc biến DIEUHANH_BACKUP_PASSPHRASE")] = None,
    keys_separate: Annotated[Path | None, typer.Option(
        "--keys-separate", dir_okay=False,
        help="Không đưa khoá vào bản sao lưu mà ghi ra tệp này, để cất ở nơi khác")] = None,
) -> None:
    """Sao lưu toàn bộ vào một tệp: cơ sở dữ liệu (bản chụp nhất quán, phần mềm vẫn chạy), tệp đã tải lên,
    khoá mã hoá thông tin người gửi đơn (mã hoá bằng mật khẩu, hoặc ghi ra tệp riêng) và bản kê số dòng,
    mã băm."""
    passphrase = _passphrase(passphrase_file)
    if (passphrase is None) == (keys_separate is None):
        typer.echo("Chọn một trong hai cách giữ khoá mã hoá: --passphrase-file (hoặc DIEUHANH_BACKUP_PASSPHRASE) để mã "
                   "hoá khoá trong bản sao lưu, hoặc --keys-separate TỆP để ghi khoá ra tệp riêng. / Choose how the "
                   "field keys are kept: --passphrase-file or --keys-separate FILE (exactly one).", err=True)
        raise typer.Exit(2)
    _django()
    from dieuhanh.core.backup import BackupError, create

    bar, progress = _progress_bar()
    try:
        with bar:
            manifest = create(output, passphrase=passphrase, keys_out=keys_separate, progress=progress)
    except BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    db = manifest["database"]
    files = sum(manifest["files"].values())
    typer.echo(f"Đã sao lưu vào {output}: {_n(len(db['tables']))} bảng, {_n(db['rows'])} dòng, {_n(files)} tệp; "
               f"khoá {manifest['keys']['fingerprint']} "
               + ("mã hoá bằng mật khẩu trong bản sao lưu." if passphrase else f"ghi riêng ở {keys_separate}: cất tệp này "
                  "ở nơi khác bản sao lưu."))


@app.command()
def document(
    kind: Annotated[str | None, typer.Argument(help="Loại văn bản (xem --list)")] = None,
    ident: Annotated[str | None, typer.Argument(metavar="ID", help="Số (id) của đối tượng, hoặc mã hồ sơ")] = None,
    list_kinds: Annotated[bool, typer.Option("--list", help="In các loại văn bản, mỗi loại một dòng")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="docx hoặc pdf")] = "docx",
    output: Annotated[Path | None, typer.Option("--output", "-o", dir_okay=False,
                                                help="Tệp sẽ ghi (mặc định: tên theo số, ký hiệu văn bản)")] = None,
) -> None:
    """Tạo một văn bản theo thể thức (Nghị định 30/2020/NĐ-CP, Hướng dẫn 36-HD/VPTW) từ dữ liệu, ra .docx hoặc PDF.

    «dieuhanh document --list» in các loại; «dieuhanh document thong-bao-ket-luan 11 --format pdf -o tb.pdf»."""
    _django()
    from dieuhanh.core.papers import kinds
    from dieuhanh.core.papers.pdf import PdfError
    from dieuhanh.demo.console import pending_migrations

    if pending_migrations():
        typer.echo("Cơ sở dữ liệu chưa có cấu trúc mới nhất: chạy «dieuhanh migrate» trước.", err=True)
        raise typer.Exit(1)

    if list_kinds:
        for key, found in kinds.all_kinds().items():
            example = found.an_example(None)
            typer.echo(f"{key}\t{found.renders}" + (f"; ví dụ: dieuhanh document {key} {example}" if example else ""))
        return
    if not kind or ident is None:
        typer.echo("Cần loại văn bản và ID, ví dụ: dieuhanh document thong-bao-ket-luan 11 --format pdf "
                   "(các loại: dieuhanh document --list).", err=True)
        raise typer.Exit(2)
    if fmt not in kinds.FORMATS:
        typer.echo(f"Định dạng «{fmt}» không có: chọn docx hoặc pdf.", err=True)
        raise typer.Exit(2)
    try:
        chosen = kinds.kind(kind)
    except kinds.UnknownKind:
        typer.echo(f"Không có loại văn bản «{kind}». Các loại: {', '.join(kinds.all_kinds())}.", err=True)
        raise typer.Exit(2) from None
    obj = chosen.lookup(ident, None)
    if obj is None:
        typer.echo(f"Không tìm thấy {chosen.ident} «{ident}» cho loại văn bản «{kind}».", err=True)
        raise typer.Exit(2)
    paper = chosen.paper(obj, None)
    try:
        data = kinds.render(paper, fmt)
    except PdfError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    target = output or Path(kinds.file_name(paper, kind, fmt))
    target.write_bytes(data)
    typer.echo(f"Đã ghi {target} ({_n(len(data))} byte).")


@app.command()
def restore(
    archive: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Tệp bản sao lưu (.tar.gz)")],
    passphrase_file: Annotated[Path | None, typer.Option(
        "--passphrase-file", exists=True, dir_okay=False,
        help="Tệp có mật khẩu sao lưu (dòng đầu); hoặc biến DIEUHANH_BACKUP_PASSPHRASE")] = None,
    keys_file: Annotated[Path | None, typer.Option(
        "--keys-file", exists=True, dir_okay=False, help="Tệp khoá đã ghi riêng khi sao lưu (--keys-separate)")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Thay tệp khoá khác đang có (giữ bản cũ bên cạnh) và tệp trùng tên trong thư mục dữ liệu")] = False,
) -> None:
    """Phục hồi bản sao lưu vào cơ sở dữ liệu trống (DATABASE_URL) và thư mục dữ liệu hiện hành.

    Kiểm tra mã băm từng phần, mật khẩu hoặc tệp khoá, và cơ sở dữ liệu trống trước khi ghi bất cứ gì;
    sau đó nạp cơ sở dữ liệu, tệp, khoá, cập nhật cấu trúc và so số dòng từng bảng với bản kê."""
    passphrase = _passphrase(passphrase_file)
    _django()
    from dieuhanh.core.backup import BackupError
    from dieuhanh.core.backup import restore as run_restore

    bar, progress = _progress_bar()
    try:
        with bar:
            result = run_restore(archive, passphrase=passphrase, keys_file=keys_file, force=force,
                                 progress=progress)
    except BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    m = result.manifest
    typer.echo(f"Đã phục hồi bản sao lưu ngày {m['created_at']} ({m['vendor']}, phiên bản {m['product_version']}): "
               f"{_n(len(result.tables))} bảng, {_n(sum(result.tables.values()))} dòng"
               + (f"; khoá ghi vào {result.keys_written}." if result.keys_written else "."))
    for table, (before, now) in result.differences.items():
        typer.echo(f"  {table}: {_n(before)} dòng trong bản sao lưu, {_n(now)} dòng sau khi cập nhật cấu trúc", err=True)
    typer.echo("Kiểm tra tiếp: dieuhanh audit verify")


@token_app.command("create")
def token_create(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập")],
    name: Annotated[str, typer.Option(help="Ghi chú mục đích sử dụng")] = "",
) -> None:
    """Cấp mã truy cập API cho người dùng; mã chỉ hiện một lần."""
    _django()
    from django.contrib.auth import get_user_model

    from dieuhanh.core import audit
    from dieuhanh.core.tokens import do_create_token

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        typer.echo(f"Không có người dùng {username!r}.", err=True)
        raise typer.Exit(1)
    with audit.channel("cli"):
        token, _ = do_create_token(user=user, actor=user, name=name)
    typer.echo(token)


@two_factor_app.command("reset")
def two_factor_reset(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập của người mất điện thoại")],
    by: Annotated[str, typer.Option("--by", help="Tên đăng nhập của quản trị viên đặt lại (ghi vào nhật ký)")],
) -> None:
    """Gỡ ứng dụng xác thực và mã khôi phục của người dùng (mất điện thoại, hết mã khôi phục); lần
    đăng nhập sau người đó đăng ký lại. Ghi nhật ký với tên quản trị viên."""
    _django()
    from django.contrib.auth import get_user_model

    from dieuhanh.core import audit, twofactor
    from dieuhanh.org import scope
    from dieuhanh.org.choices import Role

    users = get_user_model().objects
    user = users.filter(username=username).first()
    admin = users.filter(username=by, is_active=True).first()
    if user is None:
        typer.echo(f"Không có người dùng {username!r}.", err=True)
        raise typer.Exit(1)
    if admin is None or not scope.has_role(admin, Role.ADMIN):
        typer.echo(f"{by!r} không phải quản trị hệ thống đang hoạt động.", err=True)
        raise typer.Exit(1)
    with audit.channel("cli"):
        removed = twofactor.do_remove(user, actor=admin)
    typer.echo(f"Đã gỡ {removed} thiết bị xác thực của {username}; lần đăng nhập sau người này đăng ký lại.")


@audit_app.command("verify")
def audit_verify() -> None:
    """Kiểm tra chuỗi băm của nhật ký thay đổi; nêu sự kiện đầu tiên bị sửa hoặc xoá."""
    _django()
    from rich.progress import Progress

    from dieuhanh.core.audit import verify_chain
    from dieuhanh.core.models import AuditEvent

    total = AuditEvent.objects.count()
    with Progress(transient=True) as progress:
        bar = progress.add_task("Kiểm tra nhật ký", total=total)
        report = verify_chain(progress=lambda n: progress.advance(bar, n))
    if report.ok:
        typer.echo(f"Nhật ký nguyên vẹn: {report.checked} sự kiện, chuỗi băm khớp.")
        return
    typer.echo(
        f"Nhật ký bị thay đổi: sự kiện số {report.broken_seq} (id {report.broken_id}) — {report.reason}. "
        f"{report.checked} sự kiện trước đó khớp.",
        err=True,
    )
    raise typer.Exit(1)


@units_app.command("load")
def units_load(
    legacy: Annotated[
        str,
        typer.Option(
            "--legacy",
            help="Đơn vị trước 1/7/2025: all (tất cả), none (không nạp) hoặc mã tỉnh cũ, ví dụ 30 hoặc 30,31",
        ),
    ] = "all",
) -> None:
    """Nạp danh mục đơn vị hành chính từ gói vietnamadminunits.

    34 tỉnh, 3.321 xã từ 1/7/2025, và đơn vị trước 1/7/2025 cùng quan hệ kế thừa.
    Chạy lại nhiều lần không tạo bản ghi trùng."""
    value = legacy.strip().lower()
    codes: list[str] | None = None
    if value == "none":
        codes = []
    elif value != "all":
        codes = [code.strip() for code in value.split(",") if code.strip()]
        if not codes or not all(code.isdigit() and len(code) == 2 for code in codes):
            raise typer.BadParameter(f"cần all, none hoặc mã tỉnh 2 chữ số cách nhau dấu phẩy: {legacy!r}")
    _django()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from dieuhanh.core.audit import channel
    from dieuhanh.org.choices import UnitLevel
    from dieuhanh.org.loaders import UnitLoadError, load_current_units, load_legacy_units

    console = Console()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    tasks: dict[str, TaskID] = {}
    with Progress(*columns, console=console) as bar, channel("cli"):

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)

        try:
            results = [("Từ 1/7/2025", load_current_units(progress))]
            if codes != []:
                results.append(("Trước 1/7/2025", load_legacy_units(codes, progress)))
        except UnitLoadError as exc:
            console.print(f"[red]Lỗi:[/red] {exc}")
            raise typer.Exit(1) from None

    def n(value: int) -> str:
        return f"{value:,}".replace(",", ".")

    for label, r in results:
        levels = ", ".join(f"{UnitLevel(lv).label.lower()} {n(count)}" for lv, count in r.by_level.items())
        seconds = f"{r.seconds:.1f}".replace(".", ",")
        console.print(
            f"[bold]{label}[/bold] ({levels}): tạo mới {n(r.units_created)}, cập nhật {n(r.units_updated)}, "
            f"giữ nguyên {n(r.units_unchanged)} đơn vị; kế thừa: tạo mới {n(r.successions_created)}, "
            f"cập nhật {n(r.successions_updated)}, xoá {n(r.successions_removed)}; {seconds} giây"
        )


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@petitions_app.command("sweep")
def petitions_sweep(
    today: Annotated[str | None, typer.Option("--today", help="Ngày rà soát (YYYY-MM-DD), mặc định hôm nay")] = None,
) -> None:
    """Rà soát mọi đơn: đánh dấu lại đơn kéo dài, đếm đơn quá hạn.

    Báo cả số đơn đang giải quyết có hạn đã lưu khác hạn tính lại theo bảng quy tắc thời hạn và
    lịch ngày làm việc hiện hành."""
    day = _date(today) if today else None
    _django()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from dieuhanh.petitions.detection import run_sweep

    console = Console()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("Rà soát đơn", total=None)
        result = run_sweep(day, progress=lambda done, total: bar.update(task, completed=done, total=total))
    console.print(
        f"Đã rà soát {_n(result.checked)} đơn, {_n(result.open)} đơn đang giải quyết: quá hạn {_n(result.overdue)}, "
        f"kéo dài {_n(result.prolonged)} (mới đánh dấu {_n(result.flagged)}, bỏ đánh dấu {_n(result.cleared)})."
    )
    if result.stale:
        console.print(
            f"[yellow]{_n(result.stale)} đơn đang giải quyết có hạn đã lưu khác hạn tính theo bảng quy tắc và lịch "
            "hiện hành[/yellow] (ví dụ sau khi công bố thêm ngày nghỉ); hạn mới được tính lại ở bước xử lý tiếp theo."
        )


@app.command()
def reminders(
    today: Annotated[str | None, typer.Option("--today", help="Ngày rà soát (YYYY-MM-DD), mặc định hôm nay")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ liệt kê, không tạo thông báo nào")] = False,
) -> None:
    """Chạy ngay lượt nhắc việc của một ngày: nhiệm vụ, mốc, đơn, hồ sơ sắp đến hạn, quá hạn, chờ ý kiến.

    In số thông báo đã tạo (hoặc sẽ tạo, với --dry-run) theo quy tắc và kênh: trong phần mềm (trong đó
    số được gộp vào thông báo tóm tắt, và số thông báo tóm tắt), thư gửi ngay (qua hàng đợi), thư
    tổng hợp hằng ngày. Chạy lại trong cùng ngày không tạo thêm gì."""
    day = _date(today) if today else None
    _django()
    from django.utils import timezone
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from dieuhanh.notifications import reminders as engine

    day = day or timezone.localdate()
    console = Console()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("Rà soát nhắc việc", total=None)
        result = engine.run(
            day, dry_run=dry_run,
            progress=lambda label, done, total: bar.update(task, completed=done, total=total, description=label or "Ghi"),
        )
    if not result.working_day:
        console.print(f"Ngày {day:%d/%m/%Y} không phải ngày làm việc: không nhắc việc; lượt của ngày làm việc kế tiếp sẽ nhắc.")
        return
    verb = "sẽ tạo (chạy thử, chưa ghi gì)" if dry_run else "đã tạo"
    table = Table(title=f"Nhắc việc ngày {day:%d/%m/%Y}: thông báo {verb}")
    for header in ("Quy tắc", "Đối tượng", "Trong phần mềm", "Gộp", "Thông báo tóm tắt", "Thư gửi ngay", "Thư tổng hợp"):
        table.add_column(header, justify="left" if header == "Quy tắc" else "right")
    keys = ("in_app", "bundled", "summaries", "immediate", "digest")
    for code, counts in result.sent.items():
        found = result.found.get(code)
        table.add_row(engine.label(code), "" if found is None else _n(found), *(_n(counts[k]) for k in keys))
    totals = [sum(c[k] for c in result.sent.values()) for k in keys]
    table.add_row("Tổng", _n(sum(result.found.values())), *(_n(t) for t in totals), style="bold")
    console.print(table)
    console.print("«Gộp»: số thông báo (một đối tượng, một người) gom vào các thông báo tóm tắt; mỗi người nhận một "
                  "thông báo tóm tắt cho mỗi quy tắc có nhiều hơn ngưỡng `bundle_above`. Thư chỉ gửi thông báo tóm tắt.")
    if not dry_run and totals[3]:
        console.print(f"{_n(totals[3])} thư gửi ngay đã vào hàng đợi: tiến trình `dieuhanh worker` sẽ gửi.")


@petitions_app.command("dedup-eval")
def petitions_dedup_eval(
    file: Annotated[
        Path | None, typer.Option("--file", exists=True, dir_okay=False, help="Tệp YAML đơn mẫu (mặc định: bộ kèm theo)")
    ] = None,
    threshold: Annotated[
        float | None, typer.Option("--threshold", min=0.0, max=1.0, help="Ngưỡng độ giống (mặc định của phần mềm)")
    ] = None,
    errors: Annotated[bool, typer.Option("--errors", help="In các cặp đoán sai")] = False,
) -> None:
    """Đo độ chính xác, độ phủ và F1 của việc phát hiện đơn trùng trên bộ đơn mẫu.

    Xét mọi cặp đơn cùng đơn vị; cặp được coi là trùng khi độ giống đạt ngưỡng."""
    import yaml
    from rich.console import Console
    from rich.table import Table

    from dieuhanh.petitions import detection

    try:
        records = detection.load_eval_set(file) if file else detection.load_eval_set()
        limit = detection.THRESHOLD if threshold is None else threshold
        pairs = detection.eval_pairs(records)
    except (KeyError, TypeError, ValueError, AttributeError, yaml.YAMLError) as exc:
        typer.echo(f"Tệp đơn mẫu không đúng dạng (id, unit, petitioner, subject, content, received_on): {exc}", err=True)
        raise typer.Exit(1) from None
    precision, recall, f1, tp, fp, fn = detection.evaluate(records, threshold=limit)
    console = Console()
    units = len({r["unit"] for r in records})
    console.print(f"{_n(len(records))} đơn, {units} đơn vị, {_n(len(pairs))} cặp cùng đơn vị, {_n(tp + fn)} cặp trùng; "
                  f"ngưỡng {limit:.2f}")
    table = Table("Độ chính xác", "Độ phủ", "F1", "Đúng", "Báo nhầm", "Bỏ sót")
    table.add_row(f"{precision:.3f}", f"{recall:.3f}", f"{f1:.3f}", _n(tp), _n(fp), _n(fn))
    console.print(table)
    if errors:
        subjects = {r["id"]: r["subject"] for r in records}
        for a, b, truth, s in sorted(pairs, key=lambda x: -x[3]):
            if truth != (s >= limit):
                label = "bỏ sót" if truth else "báo nhầm"
                console.print(f"{label} {s:.3f}  {a} «{subjects[a]}» — {b} «{subjects[b]}»")


# --- import ----------------------------------------------------------------------------------------


def _run_import(file: Path, kind: str, mapping: list[str] | None, batch: int, job_id: int | None = None) -> None:
    """Run one import with a progress bar (rows/s) and print its summary. Exit 2 when the file is
    refused (unreadable, required columns missing); 0 otherwise, bad rows included."""
    _django()
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from dieuhanh.core.audit import channel
    from dieuhanh.dossiers import importer
    from dieuhanh.dossiers.models import ImportJob

    console = Console()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
               TimeElapsedColumn())
    job = ImportJob.objects.get(pk=job_id) if job_id is not None else None
    started = time.monotonic()
    with Progress(*columns, console=console, transient=True) as bar, channel("cli"):
        task = bar.add_task(f"Nhập {file.name}", total=None, rate="")

        def progress(done: int, total: int | None) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            bar.update(task, completed=done, total=max(total or 0, done) or None,
                       rate=f"{_n(round(rate))} dòng/giây")

        try:
            result = importer.import_file(file, kind=kind, mapping=mapping, batch_size=batch, progress=progress,
                                          job=job)
        except importer.ImportRefused as exc:
            console.print(f"[red]Không nhập được tệp {file.name}:[/red] {exc}", soft_wrap=True)
            raise typer.Exit(2) from None
    seconds = f"{result.seconds:.1f}".replace(".", ",")
    rate = _n(round(result.total / result.seconds)) if result.seconds else "—"
    lines = [
        f"Lượt nhập số {result.job_id}: đã đọc {_n(result.total)} dòng trong {seconds} giây ({rate} dòng/giây).",
        f"  thêm mới {_n(result.created)}, cập nhật {_n(result.updated)}, không đổi {_n(result.unchanged)}, "
        f"dòng lỗi {_n(result.bad)}",
    ]
    if result.ignored_columns:
        lines.append("  bỏ qua các cột: " + ", ".join(f"«{h}»" for h in result.ignored_columns))
    if result.errors_path:
        lines.append(f"  [yellow]Các dòng lỗi (số dòng, cột, lý do):[/yellow] {result.errors_path}")
    for line in lines:
        console.print(line, soft_wrap=True)


FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Tệp .xlsx hoặc .csv")]


@import_app.command("dossiers")
def import_dossiers(
    file: FileArg,
    map_: Annotated[list[str] | None, typer.Option(
        "--map", help="Ánh xạ cột khác tên mẫu: «Tên cột trong tệp=trường», ví dụ «Số biên nhận=code»; lặp lại được"
    )] = None,
    batch: Annotated[int, typer.Option("--batch", min=100, help="Số dòng mỗi lần ghi (một giao dịch)")] = 25_000,
) -> None:
    """Nhập hồ sơ thủ tục hành chính từ tệp xuất của hệ thống một cửa.

    Mã hồ sơ là khoá: nhập lại cùng tệp không thêm gì, tệp mới hơn chỉ cập nhật hồ sơ thay đổi.
    Dòng lỗi được ghi ra tệp lỗi (số dòng, cột, lý do); các dòng đúng vẫn được nhập."""
    _run_import(file, "dossiers", map_, batch)


@import_app.command("procedures")
def import_procedures(
    file: FileArg,
    map_: Annotated[list[str] | None, typer.Option("--map", help="Ánh xạ cột: «Tên cột trong tệp=trường»")] = None,
) -> None:
    """Nhập danh mục thủ tục hành chính (mã thủ tục là khoá; nhập lại không nhân đôi)."""
    _run_import(file, "procedures", map_, 1_000)


@import_app.command("indicators")
def import_indicators(
    file: FileArg,
    user: Annotated[str, typer.Option("--user", help="Tên đăng nhập của người nhập (văn phòng hoặc quản trị)")],
    kind: Annotated[str, typer.Option(
        "--kind", help="actuals (số liệu thực hiện), targets (chỉ tiêu) hoặc auto (theo dòng tiêu đề)"
    )] = "auto",
) -> None:
    """Nhập số liệu thực hiện hoặc chỉ tiêu từ tệp .xlsx/.csv (cùng mẫu với trang «Nhập từ tệp»).

    Mỗi dòng được ghi riêng: dòng lỗi được báo số dòng và lý do, các dòng đúng vẫn được nhập.
    Mã thoát 2 khi không đọc được tệp hoặc thiếu cột bắt buộc."""
    _django()
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied, ValidationError
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from dieuhanh.core.audit import channel
    from dieuhanh.indicators import importer

    console = Console()
    if kind not in importer.KINDS:
        console.print(f"[red]Giá trị không hợp lệ cho «--kind»:[/red] {kind!r} (actuals, targets hoặc auto).")
        raise typer.Exit(2)
    actor = get_user_model().objects.filter(username=user, is_active=True).first()
    if actor is None:
        console.print(f"[red]Không có người dùng «{user}».[/red]")
        raise typer.Exit(1)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar, channel("cli"):
        task = bar.add_task(f"Nhập {file.name}", total=None)

        def progress(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=max(total or 0, done) or None)

        try:
            report = importer.import_figures(file, actor=actor, kind=kind, progress=progress)
        except PermissionDenied as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        except ValidationError as exc:
            console.print(f"[red]Không nhập được tệp {file.name}:[/red] {importer.message_of(exc)}", soft_wrap=True)
            raise typer.Exit(2) from None
    what = "chỉ tiêu" if report.kind == "targets" else "số liệu thực hiện"
    console.print(
        f"Nhập {what} từ {file.name}: đã đọc {_n(report.rows)} dòng; thêm mới {_n(report.created)}, "
        f"cập nhật {_n(report.updated)}, không đổi {_n(report.unchanged)}, dòng lỗi {_n(len(report.errors))}.",
        soft_wrap=True,
    )
    if report.errors:
        console.print("[yellow]Các dòng lỗi (số dòng: lý do):[/yellow]")
        for n, reason in report.errors:
            console.print(f"  dòng {n}: {reason}", soft_wrap=True, markup=False)


@import_app.command("resume")
def import_resume(
    job_id: Annotated[int, typer.Argument(help="Số lượt nhập")],
    force: Annotated[bool, typer.Option("--force", help="Chạy lại cả khi lượt nhập còn ghi là đang chạy")] = False,
    batch: Annotated[int, typer.Option("--batch", min=100, help="Số dòng mỗi lần ghi")] = 25_000,
) -> None:
    """Chạy lại một lượt nhập bị ngắt hoặc bị lỗi trên chính tệp của nó, đến khi hoàn tất."""
    _django()
    from dieuhanh.dossiers import jobs
    from dieuhanh.dossiers.choices import JobState
    from dieuhanh.dossiers.models import ImportJob

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        typer.echo(f"Không có lượt nhập số {job_id}.", err=True)
        raise typer.Exit(1)
    state = jobs.state_of(job)
    if state == JobState.DONE or (state in jobs.ACTIVE_STATES and not force):
        typer.echo(f"Lượt nhập số {job_id} đang ở trạng thái «{JobState(state).label}»; không chạy lại "
                   "(dùng --force nếu chắc chắn tiến trình cũ đã dừng).", err=True)
        raise typer.Exit(1)
    path = Path(job.file_path)
    if not path.is_file():
        typer.echo(f"Không còn tệp {path} của lượt nhập số {job_id}.", err=True)
        raise typer.Exit(2)
    _run_import(path, job.kind, [f"{k}={v}" for k, v in (job.mapping or {}).items()], batch, job_id=job.pk)


def main() -> None:
    sys.exit(app())  # type: ignore[func-returns-value]


if __name__ == "__main__":
    main()
