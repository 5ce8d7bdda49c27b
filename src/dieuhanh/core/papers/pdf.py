"""A .docx turned into a PDF that looks like it, by LibreOffice run headless (Debian's
`libreoffice-writer-nogui`, installed by the README's commands): the same layout engine reads the
.docx a user opens, and with `fonts-liberation` it sets Times New Roman in Liberation Serif, whose
letters have the same widths, so lines and pages break where they do in Word (decision 0045).

LibreOffice takes a second or two to start; `convert_many` converts a batch in one start (the
queue's job for bulk requests). Each process uses its own LibreOffice profile under the data
directory (two instances may not share one); a conversion that fails or takes longer than
`DIEUHANH_PDF_TIMEOUT` seconds (120) raises `PdfError` with what LibreOffice said, in Vietnamese."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from django.conf import settings

_lock = threading.Lock()  # one conversion at a time per process: the profile is the process's


class PdfError(RuntimeError):
    """The PDF could not be made (no LibreOffice, a timeout, a file it refused)."""


def office() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    configured = os.environ.get("DIEUHANH_SOFFICE")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def timeout() -> float:
    try:
        return max(5.0, float(os.environ.get("DIEUHANH_PDF_TIMEOUT", "120")))
    except ValueError:
        return 120.0


def _profile() -> Path:
    """This process's LibreOffice profile. The first time, the profiles of processes that have
    ended are removed (a server restarted every day would otherwise leave one a day)."""
    root = Path(settings.DATA_DIR) / "office"
    mine = root / f"profile-{os.getpid()}"
    if not mine.exists():
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for other in root.glob("profile-*"):
            pid = other.name.removeprefix("profile-")
            if pid.isdigit() and not _running(int(pid)):
                shutil.rmtree(other, ignore_errors=True)
    return mine


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def convert(docx: bytes) -> bytes:
    """The PDF of one .docx file."""
    return convert_many([docx])[0]


def convert_many(files: list[bytes]) -> list[bytes]:
    """The PDFs of several .docx files, in order, from one start of LibreOffice."""
    if not files:
        return []
    program = office()
    if program is None:
        raise PdfError("Không tạo được tệp PDF: máy chủ chưa cài LibreOffice (gói libreoffice-writer-nogui). "
                       "Tệp .docx vẫn tải được.")
    with _lock, tempfile.TemporaryDirectory(prefix="dieuhanh-pdf-") as work:
        folder = Path(work)
        names = []
        for index, data in enumerate(files):
            path = folder / f"{index:05d}.docx"
            path.write_bytes(data)
            names.append(path)
        command = [program, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                   f"-env:UserInstallation={_profile().as_uri()}", "--convert-to", "pdf:writer_pdf_Export",
                   "--outdir", str(folder / "out"), *map(str, names)]
        env = {**os.environ, "HOME": str(folder), "SAL_USE_VCLPLUGIN": "svp"}
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout(), env=env, check=False)  # noqa: S603
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"Không tạo được tệp PDF: LibreOffice chạy quá {timeout():.0f} giây.") from exc
        results = []
        for path in names:
            out = folder / "out" / (path.stem + ".pdf")
            if not out.exists():
                said = (done.stderr or done.stdout or b"").decode("utf-8", "replace").strip()[-300:]
                raise PdfError(f"Không tạo được tệp PDF (LibreOffice trả mã {done.returncode}): {said or 'không rõ lý do'}")
            results.append(out.read_bytes())
        return results
