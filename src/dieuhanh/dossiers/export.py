"""The dossier register (*sổ theo dõi hồ sơ*) as .xlsx, for the rows the register shows (same
`visible_to`, same `DossierFilter`), all pages.

A province's register runs to hundreds of thousands of rows: it is streamed by the app's one
.xlsx writer (`core.xlsx`, which writes SpreadsheetML directly) from a `values_list` iterator (no
model instances), with each column's width given, so memory stays flat whatever the row count."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dieuhanh.core.xlsx import MAX_ROWS, XLSX_TYPE, Sheet, write_xlsx
from dieuhanh.dossiers.choices import OPEN_STATUSES, Channel, ReturnMethod, Source, Status, Timeliness

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SHEET_TITLE = gettext_lazy("Sổ theo dõi hồ sơ")
LATE_NOW = gettext_lazy("Đang quá hạn")

# (header, column width, the queryset field it comes from, or None for "late now")
COLUMNS: list[tuple[StrOrPromise, int, str | None]] = [
    (gettext_lazy("Mã hồ sơ"), 26, "code"),
    (gettext_lazy("Mã thủ tục"), 12, "procedure__code"),
    (gettext_lazy("Tên thủ tục"), 48, "procedure__name"),
    (gettext_lazy("Lĩnh vực"), 20, "procedure__field"),
    (gettext_lazy("Đơn vị tiếp nhận"), 24, "unit__name"),
    (gettext_lazy("Mã đơn vị"), 10, "unit__code"),
    (gettext_lazy("Kênh tiếp nhận"), 16, "channel"),
    (gettext_lazy("Người nộp hồ sơ"), 26, "applicant_name"),
    (gettext_lazy("Ngày tiếp nhận"), 12, "received_on"),
    (gettext_lazy("Ngày hẹn trả"), 12, "due_on"),
    (gettext_lazy("Ngày hẹn lại (sau xin lỗi)"), 14, "new_due_on"),
    (gettext_lazy("Ngày có kết quả"), 12, "result_on"),
    (gettext_lazy("Ngày trả kết quả"), 12, "returned_on"),
    (gettext_lazy("Hình thức trả"), 18, "return_method"),
    (gettext_lazy("Trạng thái"), 20, "status"),
    (gettext_lazy("Tiến độ"), 10, "timeliness"),
    (LATE_NOW, 10, None),
    (gettext_lazy("Cơ quan đang xử lý"), 30, "current_body"),
    (gettext_lazy("Bước đang xử lý"), 26, "current_step"),
    (gettext_lazy("Nguồn"), 14, "source"),
]
FIELDS = [f for _h, _w, f in COLUMNS if f is not None]
LABELS: dict[str, dict[str, StrOrPromise]] = {
    "channel": dict(Channel.choices),
    "return_method": dict(ReturnMethod.choices),
    "status": dict(Status.choices),
    "timeliness": dict(Timeliness.choices),
    "source": dict(Source.choices),
}

# --- the register ------------------------------------------------------------------------------------------


def register_rows(values: Iterable[tuple[Any, ...]], today: dt.date) -> Iterable[list[Any]]:
    """`values_list(*FIELDS)` rows as the sheet's rows: labels for codes, "Có" when late now."""
    index = {f: i for i, f in enumerate(FIELDS)}
    status_i, due_i = index["status"], index["due_on"]
    labelled = [(index[f], {code: str(label) for code, label in labels.items()}) for f, labels in LABELS.items()]
    late_at = [h for h, _w, _f in COLUMNS].index(LATE_NOW)
    for raw in values:
        row: list[Any] = list(raw)
        late = row[status_i] in OPEN_STATUSES and row[due_i] is not None and row[due_i] < today
        for i, labels in labelled:
            row[i] = labels.get(row[i], row[i]) if row[i] else None
        row.insert(late_at, _("Có") if late else None)
        yield row


def write_register(dossiers: Any, target: str | IO[bytes], *, today: dt.date | None = None,
                   chunk_size: int = 5000) -> int:
    """Write the register of `dossiers` (a queryset) to `target` (a path or binary file); returns
    the number of rows. At most the `MAX_ROWS` newest rows fit in a sheet Excel opens."""
    today = today or timezone.localdate()
    ordered = dossiers.order_by("-received_on", "-id").values_list(*FIELDS)
    values = ordered[:MAX_ROWS].iterator(chunk_size=chunk_size)
    sheet = Sheet(title=str(SHEET_TITLE), headers=[str(h) for h, _w, _f in COLUMNS], widths=[w for _h, w, _f in COLUMNS],
                  rows=register_rows(values, today))
    return write_xlsx(target, [sheet])[0]


def register_response(dossiers: Any, *, today: dt.date | None = None, stem: str = "so-theo-doi-ho-so") -> FileResponse:
    """The register as a download, `stem-dd-mm-yyyy.xlsx`. The file is written to a temporary
    file first (an .xlsx is a zip whose directory comes last), then sent in chunks; the temporary
    file goes away when the response is closed."""
    today = today or timezone.localdate()
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    write_register(dossiers, tmp, today=today)
    tmp.seek(0)
    response = FileResponse(tmp, as_attachment=True, filename=f"{stem}-{today:%d-%m-%Y}.xlsx",
                            content_type=XLSX_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
