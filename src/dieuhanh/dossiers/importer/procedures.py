"""The import of the procedures catalogue (kind `procedures`): each row is read into a
procedure's fields (level, online service and fee in their words) and checked by
`services.validate_procedure`, as the catalogue form is; a procedure is created or updated by its
code, in batches of one transaction each. A bad row (a value the check refuses, a yes/no it
cannot read, a code too long or repeated in the file) goes to the error file."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from dieuhanh.core import tabular
from dieuhanh.dossiers import columns as cols
from dieuhanh.dossiers.choices import OnlineType
from dieuhanh.dossiers.importer.files import _Errors, _Source
from dieuhanh.dossiers.models import ImportJob, Procedure
from dieuhanh.dossiers.services import PROCEDURE_FIELDS, validate_procedure

_INT = re.compile(r"^\s*(\d+)")
_MONEY = re.compile(r"^\s*([\d.,\s]+)\s*(đ|đồng|dong|vnd|vnđ)?\s*$", re.IGNORECASE)


def _procedure_values(row: list[Any], layout: cols.Layout) -> tuple[dict[str, Any], list[tuple[str, Any, str]]]:
    ix, header = layout.index, layout.header
    problems: list[tuple[str, Any, str]] = []

    def text(field: str) -> str:
        i = ix.get(field)
        if i is None or i >= len(row):
            return ""
        value = row[i]
        return value.strip() if isinstance(value, str) else str(value).strip()

    data: dict[str, Any] = {"code": text("code"), "name": text("name"), "field": text("field")}
    data["level"] = cols.LEVELS.get(cols.key(text("level")), text("level"))
    days = text("processing_days")
    m = _INT.match(days)
    data["processing_days"] = int(m[1]) if m else days
    if "online_type" in ix:
        raw = text("online_type")
        data["online_type"] = cols.ONLINE_TYPES.get(cols.key(raw), raw)
    else:
        data["online_type"] = OnlineType.NONE
    if "fee" in ix:
        fee = text("fee")
        folded = cols.key(fee)
        if not fee:
            data["fee_vnd"], data["fee_note"] = None, ""
        elif folded in ("0", "khong", "khong thu") or folded.startswith(("mien ", "khong thu ")) or folded == "mien":
            data["fee_vnd"], data["fee_note"] = 0, "" if folded == "0" else fee
        elif (money := _MONEY.match(fee)) and re.sub(r"\D", "", money[1]):
            data["fee_vnd"], data["fee_note"] = int(re.sub(r"\D", "", money[1])), ""
        else:
            data["fee_vnd"], data["fee_note"] = None, fee[:300]
    if "postal_return" in ix:
        raw = cols.key(text("postal_return"))
        if raw in cols.YES or not raw:
            data["postal_return"] = True
        elif raw in cols.NO:
            data["postal_return"] = False
        else:
            problems.append((header["postal_return"], text("postal_return"), "Ghi «Có» hoặc «Không»."))
    if "deciding_body" in ix:
        data["deciding_body"] = text("deciding_body")[:300]
    for field, messages in validate_procedure(data).items():
        source = {"fee_vnd": "fee"}.get(field, field)
        problems.append((header.get(source, source), text(source) if source in ix else "", " ".join(messages)))
    if len(data["code"]) > 30:
        problems.append((header["code"], data["code"], "Mã thủ tục dài quá 30 ký tự."))
    return data, problems


def _import_procedures(source: _Source, job: ImportJob, errors: _Errors, progress: Any, batch_size: int) -> dict[str, int]:
    counts = {"processed": 0, "created": 0, "updated": 0, "unchanged": 0, "bad": 0}
    existing = {p.code: p for p in Procedure.objects.all()}
    seen: dict[str, int] = {}
    batch: list[tuple[int, dict[str, Any]]] = []

    def flush() -> None:
        with transaction.atomic():
            for _rownum, data in batch:
                proc = existing.get(data["code"])
                fields = {k: v for k, v in data.items() if k in PROCEDURE_FIELDS}
                if proc is not None and all(getattr(proc, k) == v for k, v in fields.items()):
                    counts["unchanged"] += 1
                    continue
                counts["created" if proc is None else "updated"] += 1
                proc = proc or Procedure(code=data["code"])
                for k, v in fields.items():
                    setattr(proc, k, v)
                proc.save()
                existing[proc.code] = proc
            errors.flush()
            ImportJob.objects.filter(pk=job.pk).update(
                processed_rows=counts["processed"], created_rows=counts["created"], updated_rows=counts["updated"],
                unchanged_rows=counts["unchanged"], bad_rows=counts["bad"], errors_path=errors.written,
                heartbeat_at=timezone.now(),
            )
        batch.clear()
        if progress:
            progress(counts["processed"], source.estimate)

    for rownum, row in source.rows:
        if tabular.is_blank(row):
            continue
        counts["processed"] += 1
        data, problems = _procedure_values(row, source.layout)
        code = data["code"]
        if code and code in seen:
            problems.append((source.layout.header["code"], code, f"Mã thủ tục trùng với dòng {seen[code]} trong tệp."))
        elif code:
            seen[code] = rownum
        if problems:
            counts["bad"] += 1
            errors.add(rownum, code, problems)
            continue
        batch.append((rownum, data))
        if len(batch) >= batch_size:
            flush()
    flush()
    return counts
