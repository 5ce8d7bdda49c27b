"""Benchmark: formal documents (issue 18) — 1,000 documents as .docx and as PDF, and the memory.

Each document is a conclusion notice of a ward's People's Committee (Decree 30/2020 format) or of
its Party committee (Hướng dẫn 36-HD/VPTW), alternately, with a table of ten tasks under the 5 rõ
and its recipients and signature: what `dieuhanh document thong-bao-ket-luan` makes, built from
fixed data so that no database is needed.

It prints, per document:
- .docx by the engine (core/papers/docx.py), beside the same words written by python-docx as
  plain paragraphs and a plain table, in the same run (the baseline: what the layout costs);
- PDF by LibreOffice headless in batches (one start of LibreOffice per `--batch` documents, as
  the queue's bulk job converts), beside one start per document for `--single` documents (what
  a download from a page costs);
and the peak memory of this process and of the LibreOffice processes it started.

    .venv/bin/python bench/bench_papers.py            # 1,000 documents, batches of 100
    .venv/bin/python bench/bench_papers.py --small    # 20 documents, for CI
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup(data_dir: Path) -> None:
    os.environ["DIEUHANH_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dieuhanh.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _papers(count: int) -> list:
    from dieuhanh.core.papers.paper import Heading, Issuer, Paper, Signature, Table, Text

    rows = tuple(
        (str(i), f"Rà soát, hoàn thiện hồ sơ đất đai tồn đọng của tổ dân phố số {i}", "Phòng Kinh tế (đồng chí Lê Thị An)\n"
         "Phối hợp: Công an phường", f"{(dt.date(2026, 3, 1) + dt.timedelta(days=7 * i)):%d/%m/%Y}", "450 triệu đồng\n6 người",
         "100% hồ sơ được rà soát, cập nhật vào cơ sở dữ liệu", "Trần Văn Lãnh")
        for i in range(1, 11)
    )
    papers = []
    for n in range(count):
        party = n % 2 == 1
        papers.append(Paper(
            format="party" if party else "state",
            issuer=Issuer(name="Đảng uỷ phường Chí Linh" if party else "Ủy ban nhân dân\nphường Chí Linh",
                          code="ĐU" if party else "UBND", parent="Đảng bộ thành phố Hải Phòng" if party else ""),
            place="Chí Linh", kind="TB", kind_title="THÔNG BÁO",
            subject=f"Kết luận tại cuộc họp giao ban số {n + 1} năm 2026",
            body=(
                Text("Ngày 03/02/2026, hội nghị đã nghe báo cáo tình hình thực hiện nhiệm vụ tháng 01 và ý kiến "
                     "tham gia của các đại biểu. Sau khi thảo luận, hội nghị kết luận như sau:"),
                Heading("Giao 10 nhiệm vụ"),
                Table(("TT", "Nhiệm vụ (rõ việc)", "Chủ trì, phối hợp (rõ người)", "Thời hạn", "Nguồn lực",
                       "Kết quả cần đạt (rõ kết quả)", "Lãnh đạo phụ trách"), rows,
                      (8.0, 40.0, 30.0, 21.0, 21.0, 27.0, 18.0), size=11),
                Text("Đề nghị các cơ quan, đơn vị, cá nhân được giao triển khai thực hiện, báo cáo kết quả./."),
            ),
            signatures=(Signature(position="BÍ THƯ" if party else "CHỦ TỊCH", name="Nguyễn Văn Định",
                                  authority=("T/M BAN THƯỜNG VỤ",) if party else ("TM. ỦY BAN NHÂN DÂN",)),),
            number=n + 1, day=dt.date(2026, 2, 5),
            recipients=("Thường trực Đảng uỷ", "Các chi bộ") if party else ("Chủ tịch, các Phó Chủ tịch", "Công an phường"),
            archive="Văn phòng Đảng uỷ" if party else "VT, VP",
        ))
    return papers


def _plain(paper) -> bytes:
    """The baseline: the same words by python-docx, as plain paragraphs and a plain table."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(14)
    for line in (paper.issuer.parent, paper.issuer.name, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 f"Số {paper.number}", paper.place, paper.kind_title, paper.subject):
        doc.add_paragraph(line)
    for block in paper.body:
        if hasattr(block, "rows"):
            table = doc.add_table(rows=len(block.rows) + 1, cols=len(block.headers))
            for c, title in enumerate(block.headers):
                table.cell(0, c).text = title
            for r, row in enumerate(block.rows, start=1):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        else:
            doc.add_paragraph(getattr(block, "text", ""))
    for line in (*paper.recipients, paper.archive, paper.signatures[0].position, paper.signatures[0].name):
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


class OfficePeak:
    """The peak resident memory (VmHWM) of the LibreOffice processes seen while it runs, read
    from /proc every 0.2 s. (The children's figure of getrusage would count this process's own
    memory: a child starts as a copy of it before it becomes LibreOffice.)"""

    def __init__(self) -> None:
        import threading

        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            for proc in Path("/proc").iterdir():
                if not proc.name.isdigit():
                    continue
                try:
                    if (proc / "comm").read_text().strip() != "soffice.bin":
                        continue
                    for line in (proc / "status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            self.peak_kib = max(self.peak_kib, int(line.split()[1]))
                except OSError:
                    continue

    def __enter__(self) -> OfficePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _timed(label: str, items: list, work, progress) -> list[float]:
    times = []
    task = progress.add_task(label, total=len(items))
    for item in items:
        t = time.perf_counter()
        work(item)
        times.append((time.perf_counter() - t) * 1000)
        progress.advance(task)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100, help="documents per start of LibreOffice")
    parser.add_argument("--single", type=int, default=10, help="documents converted one start each")
    parser.add_argument("--small", action="store_true", help="20 documents, batches of 10, 3 single (CI)")
    args = parser.parse_args()
    if args.small:
        args.documents, args.batch, args.single = 20, 10, 3
    from rich.progress import Progress

    with tempfile.TemporaryDirectory(prefix="bench-papers-") as tmp:
        _setup(Path(tmp))
        from dieuhanh.core.papers import docx, pdf

        if pdf.office() is None:
            print("LibreOffice is not installed (libreoffice-writer-nogui): ./scripts/test installs it.")
            return 1
        papers = _papers(args.documents)
        with Progress() as progress, OfficePeak() as office:
            _timed("warm-up", papers[:4], docx.render, progress)
            plain = _timed(".docx, plain python-docx (baseline)", papers, _plain, progress)
            files: list[bytes] = []
            engine = _timed(".docx, the engine", papers, lambda p: files.append(docx.render(p)), progress)
            batches = [files[i:i + args.batch] for i in range(0, len(files), args.batch)]
            task = progress.add_task(f"PDF, {args.batch} per start of LibreOffice", total=len(files))
            t0 = time.perf_counter()
            pdf_bytes = 0
            for batch in batches:
                made = pdf.convert_many(batch)
                pdf_bytes += sum(map(len, made))
                progress.advance(task, len(batch))
            batched_ms = (time.perf_counter() - t0) * 1000 / len(files)
            single = _timed("PDF, one start per document", files[:args.single], pdf.convert, progress)
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    med_plain, med_engine, med_single = statistics.median(plain), statistics.median(engine), statistics.median(single)
    print(f"\n{args.documents} documents (a conclusion notice with a table of 10 tasks; state and party alternately)")
    print(f"  .docx, the engine            {med_engine:8.1f} ms a document (median; p95 "
          f"{statistics.quantiles(engine, n=20)[-1]:.1f}), {sum(map(len, files)) / len(files) / 1024:.0f} KiB each")
    print(f"  .docx, plain python-docx     {med_plain:8.1f} ms a document (baseline; the engine is "
          f"{med_engine / med_plain:.2f}×)")
    print(f"  PDF, {args.batch:>4} per start          {batched_ms:8.1f} ms a document (whole batches over "
          f"{len(files)}), {pdf_bytes / len(files) / 1024:.0f} KiB each")
    print(f"  PDF, one start each          {med_single:8.1f} ms a document (median of {len(single)}; the batch is "
          f"{batched_ms / med_single:.2f}× of it)")
    print(f"  peak memory: {own:.0f} MiB this process (all {len(files)} .docx held), {office.peak_kib / 1024:.0f} MiB "
          f"the largest LibreOffice process (converting {args.batch} at a start)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
