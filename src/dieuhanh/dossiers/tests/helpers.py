"""A generated one-stop export for the import tests that kill a process in the middle."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

HEADER = ["Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Đơn vị tiếp nhận (mã)", "Kênh tiếp nhận", "Ngày tiếp nhận",
          "Ngày hẹn trả", "Ngày có kết quả", "Ngày trả kết quả", "Trạng thái", "Người nộp"]
BAD_PROCEDURE = "9.999999"


def write_export(path: Path, *, rows: int, bad_every: int, first_day: dt.date, days: int) -> int:
    """Write `rows` dossiers received over `days` days from `first_day` (every `bad_every`-th with
    an unknown procedure: a bad row); returns the number of good rows. Before 1/7/2025 every
    dossier is received by the old ward 10549; from then on by 10549 and 10546 in turn."""
    good = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(rows):
            day = first_day + dt.timedelta(days=i % days)
            proc = BAD_PROCEDURE if i % bad_every == 0 else ("1.001193", "1.004227", "2.001263")[i % 3]
            good += proc != BAD_PROCEDURE
            done = i % 4 == 0
            unit = "10546" if i % 2 == 0 and day >= dt.date(2025, 7, 1) else "10549"
            w.writerow([f"HS-{i:06d}", proc, "", unit, "Trực tuyến", f"{day:%d/%m/%Y} 08:{i % 60:02d}", "",
                        f"{day:%d/%m/%Y}" if done else "", "", "Đã có kết quả" if done else "Đang xử lý",
                        f"Người nộp {i % 500}"])
    return good
