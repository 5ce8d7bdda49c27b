"""The files of a dossier or procedure import job: the import file, read by `core.tabular` (its
rows, streamed, and where each field is), its sha256 for the audit record, its batches, and the
job's error file (`DATA_DIR/imports/<job id>/`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dieuhanh.core import tabular
from dieuhanh.core.tabular import ImportRefused
from dieuhanh.dossiers import columns as cols

ERROR_HEADER = ("Dòng", "Mã hồ sơ", "Cột", "Giá trị", "Lỗi")


def _cell_text(value: Any) -> Any:
    """An xlsx cell as the importer reads it: text, or a date/datetime kept as such."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.time)):
        return value
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Source:
    """The rows of a .csv or .xlsx file, streamed: `layout` (where each field is), `rows`
    (iterator of (row number, values) below the header row, found among the first rows by the
    required columns it names), `estimate` (data rows, for the progress bar). Raises
    ImportRefused for a file that cannot be read, is empty or lacks a required column."""

    def __init__(self, path: Path, kind: str, mapping: dict[str, str]) -> None:
        self.path = path
        self.mapping = mapping
        self.table = tabular.open_table(path, cell=_cell_text)
        try:
            header = self.table.find_header(lambda values: cols.header_score(values, kind, mapping))
            if header is None:
                raise ImportRefused("Tệp trống: không có dòng tiêu đề.")
            try:
                self.layout = cols.match(header[1], kind, mapping)
            except cols.ColumnError as exc:
                raise ImportRefused(str(exc)) from None
        except BaseException:
            self.table.close()
            raise
        self.rows: Iterator[tuple[int, list[Any]]] = self.table.rows
        total = self.table.total  # rows in the file, the header's and those above it included
        self.estimate = None if total is None else max(0, total - header[0])

    def close(self) -> None:
        self.table.close()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _Errors(tabular.BadRows):
    """The error file of a job (`tabular.BadRows` written to `path`), created at the first bad
    row. Officers open it in Excel; its values and column names come from the imported file, so
    each field goes through `csv_value` (no formula runs from a cell of someone else's export)."""

    def __init__(self, path: Path, code_header: str) -> None:
        super().__init__(path, ERROR_HEADER)
        self.code_header = code_header


def _batches(source: _Source, batch_size: int) -> Iterator[list[tuple[int, list[Any]]]]:
    batch: list[tuple[int, list[Any]]] = []
    for item in source.rows:
        batch.append(item)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch
