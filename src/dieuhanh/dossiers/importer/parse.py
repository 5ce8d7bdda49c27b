"""The checking of a batch of dossier rows: each row becomes the values written to the dossier
table (in `write.WRITE_COLUMNS` order), or a bad row whose every problem goes to the error file.

Column by column first (`RowParser.parse`): each distinct text of a column (a date, a receipt
time, a (unit code, day) pair, a procedure code, a word) is worked out once and looked up with
`map`, the checks are comprehensions over whole columns and rows are put together with `zip`.
Rows that fail a check go through `_parse_rows`, which words every problem of the row."""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from typing import Any

from django.utils import timezone

from dieuhanh.core.tabular import UNREADABLE
from dieuhanh.dossiers import columns as cols
from dieuhanh.dossiers.choices import Source, Timeliness
from dieuhanh.dossiers.importer.files import _Errors
from dieuhanh.dossiers.importer.lookups import Lookups
from dieuhanh.dossiers.importer.values import Bad, _fmt, _infer_status, _SeenCodes, fast_fold
from dieuhanh.dossiers.models import ImportJob


class RowParser(Lookups):
    """The parsing of a batch, with the lookups of its import; the import (`_DossierImport`) sets
    the attributes below."""

    job: ImportJob
    layout: cols.Layout
    errors: _Errors
    seen: _SeenCodes
    width: int  # columns a row needs to hold every field

    def parse(self, batch: list[tuple[int, list[Any]]]) -> tuple[list[tuple[int, tuple[Any, ...]]], int, dt.datetime]:
        """The rows to write (row number, values in WRITE_COLUMNS order), the number of bad
        rows (already in the error file) and the time of the batch.

        Column by column: each column's texts go through their caches with `map` (a C loop), the
        checks are comprehensions over whole columns, and the rows are put together with `zip`.
        A row that fails a check, or needs a closer look, goes through `_parse_rows`, the
        row-by-row reading that words every problem of the row."""
        now = timezone.now()
        if not batch:
            return [], 0, now
        ix = self.layout.index
        nums = [n for n, _ in batch]
        rows = [r for _, r in batch]
        width = self.width
        if min(map(len, rows)) < width:
            rows = [r if len(r) >= width else [*r, *([""] * (width - len(r)))] for r in rows]
        columns = list(zip(*rows, strict=False))
        n = len(rows)
        blank = ("",) * n

        def col(field: str) -> tuple[Any, ...]:
            i = ix.get(field)
            return blank if i is None else columns[i]

        def text(field: str, limit: int) -> list[str]:
            return [(v if type(v) is str else str(v)).strip()[:limit] for v in col(field)]

        date, today, Bad_ = dt.date, self.today, Bad
        slow: set[int] = set()  # rows read again one by one

        codes = [(v if type(v) is str else str(v)).strip() for v in col("code")]
        repeated = self.seen.add(codes, nums)
        dup = {nums[i]: first for i, first in repeated.items()}
        slow.update(repeated)
        slow.update(i for i, c in enumerate(codes) if not c)  # no code (or an empty line)
        slow.update(i for i, c in enumerate(codes) if len(c) > 60 or "\ufffd" in c)

        receipts = list(map(self.receipt_of.__getitem__, col("received")))
        slow.update(i for i, v in enumerate(receipts) if type(v) is not tuple or v[0] is None or v[0] > today)
        received = [v[0] if type(v) is tuple else None for v in receipts]
        day_of = self.day_of.__getitem__

        def days(field: str, future_ok: bool = False) -> list[Any]:
            values = list(map(day_of, col(field)))
            if future_ok:
                slow.update(i for i, v in enumerate(values) if type(v) is Bad_)
            else:
                slow.update(i for i, v in enumerate(values) if v is not None and (type(v) is not date or v > today))
            return values

        result, returned, due = days("result"), days("returned"), days("due", future_ok=True)
        apology, new_due = days("apology_on"), days("new_due_on", future_ok=True)
        for later, earlier in ((result, received), (returned, result), (returned, received), (due, received)):
            slow.update(i for i, (a, b) in enumerate(zip(later, earlier, strict=True))
                        if type(a) is date and type(b) is date and a < b)
        procedures = list(map(self.procedure_of.__getitem__, col("procedure_code")))
        slow.update(i for i, v in enumerate(procedures) if type(v) is not tuple)
        units = list(map(self.unit_of.__getitem__, zip(col("unit_code"), received, strict=True)))
        slow.update(i for i, v in enumerate(units) if type(v) is not int)
        channels = list(map(self.channel_of.__getitem__, col("channel")))
        statuses = list(map(self.status_of.__getitem__, col("status")))
        methods = list(map(self.method_of.__getitem__, col("return_method")))
        for values in (channels, statuses, methods):
            slow.update(i for i, v in enumerate(values) if type(v) is Bad_)
        for i, v in enumerate(statuses):
            if v is None and i not in slow:  # no status written: from the dates
                statuses[i] = _infer_status(result[i], returned[i])
        names, bodies, steps = text("applicant_name", 200), text("current_body", 300), text("current_step", 200)
        slow.update(i for i, (a, b, c) in enumerate(zip(names, bodies, steps, strict=True))
                    if "\ufffd" in a or "\ufffd" in b or "\ufffd" in c)

        good: list[tuple[int, tuple[Any, ...]]] = []
        bad = 0
        keep = [i for i in range(n) if i not in slow] if slow else range(n)
        if keep:
            pick = operator.itemgetter(*keep) if len(keep) > 1 else (lambda seq: (seq[keep[0]],))
            g_received, g_result, g_procs = pick(received), pick(result), pick(procedures)
            g_receipts = pick(receipts)
            counts_from = self.counts_from.__getitem__
            g_start: list[Any] = [None if v is not None else counts_from((c, d, r[3]))
                       for v, c, d, r in zip(pick(due), pick(channels), g_received, g_receipts, strict=True)]
            self._fill_dues([(d, p[1]) for d, p in zip(g_start, g_procs, strict=True) if d is not None])
            due_of = self.due_of
            g_due = [v if v is not None else due_of[(d, p[1])]
                     for v, d, p in zip(pick(due), g_start, g_procs, strict=True)]
            early, on_time, late = Timeliness.EARLY.value, Timeliness.ON_TIME.value, Timeliness.LATE.value
            timeliness = ["" if r is None else early if r < d else on_time if r == d else late
                          for r, d in zip(g_result, g_due, strict=True)]
            db = self.db_date.__getitem__
            g_codes, g_names, g_given = pick(codes), pick(names), pick(due)
            folded = list(map(fast_fold, g_names))
            search = [((c.lower() if c.isascii() and " " not in c else fast_fold(c)) + (" " + f if f else ""))[:300]
                      for c, f in zip(g_codes, folded, strict=True)]
            now_db = self._adapt_datetime(now)
            rep = itertools.repeat
            out = zip(
                g_codes, [p[0] for p in g_procs], pick(units), pick(channels), pick(statuses), g_names,
                [r[1] for r in g_receipts], [r[2] for r in g_receipts], map(db, g_due), [v is None for v in g_given],
                map(db, pick(apology)), map(db, pick(new_due)), map(db, g_result), map(db, pick(returned)),
                pick(methods), timeliness, pick(bodies), pick(steps), rep(Source.IMPORT.value), search,
                rep(self.job.pk), rep(now_db), rep(""), rep(""), rep(""), rep(""), rep(now_db), strict=False,
            )
            good = list(zip(pick(nums), out, strict=False))
        if slow:
            more, bad = self._parse_rows([batch[i] if len(batch[i][1]) >= width else (nums[i], rows[i])
                                          for i in sorted(slow)], dup, now)
            good.extend(more)
        return good, bad, now

    def _parse_rows(self, rows: list[tuple[int, list[Any]]], dup: dict[int, int],
                    now: dt.datetime) -> tuple[list[tuple[int, tuple[Any, ...]]], int]:
        """Row by row: every problem of each row goes to the error file; returns the good rows
        and the number of bad ones. `dup` maps a row number to the earlier row with its code."""
        ix = self.layout.index
        header = self.layout.header
        h_code, h_recv, h_res, h_ret, h_due = (header[k] for k in ("code", "received", "result", "returned", "due"))
        width = max(ix.values()) + 1
        i_code, i_proc, i_unit = ix["code"], ix["procedure_code"], ix["unit_code"]
        i_chan, i_recv, i_due = ix["channel"], ix["received"], ix["due"]
        i_res, i_ret, i_stat = ix["result"], ix["returned"], ix["status"]
        i_name = ix.get("applicant_name")
        i_body, i_step = ix.get("current_body"), ix.get("current_step")
        i_apol, i_newdue, i_meth = ix.get("apology_on"), ix.get("new_due_on"), ix.get("return_method")
        day_of, when_of, secs_of, db_date = self.day_of, self.when_of, self.secs_of, self.db_date
        channel_of, status_of, method_of = self.channel_of, self.status_of, self.method_of
        procedure_of, unit_of = self.procedure_of, self.unit_of
        today, search, moment = self.today, self.search, self.moment
        job_id = self.job.pk
        now_db = self._adapt_datetime(now)
        source = Source.IMPORT.value
        early, on_time, late = Timeliness.EARLY.value, Timeliness.ON_TIME.value, Timeliness.LATE.value
        pending: list[tuple[int, list[Any], dt.date, int, dt.date | None]] = []  # appointment to compute
        good: list[tuple[int, list[Any]]] = []  # (row number, row to write)
        bad = 0

        for rownum, row in rows:
            if len(row) < width:
                row = [*row, *([""] * (width - len(row)))]
            code = row[i_code]
            code = (code if type(code) is str else str(code)).strip()
            problems: list[tuple[str, Any, str]] = []
            if not code:
                if not any((v.strip() if type(v) is str else v) for v in row):
                    continue  # an empty line
                problems.append((h_code, "", "Thiếu mã hồ sơ."))
            elif rownum in dup:
                problems.append((h_code, code, f"Mã hồ sơ trùng với dòng {dup[rownum]} trong tệp."))
            elif len(code) > 60:
                problems.append((h_code, code, "Mã hồ sơ dài quá 60 ký tự."))

            received_on = received_secs = None
            raw = row[i_recv]
            when: tuple[dt.date | None, Any] | Bad | None = None
            if type(raw) is str:
                # "dd/mm/yyyy HH:MM": the day and the time are each cached (their pairs are not:
                # almost every receipt has its own minute).
                day_part, _, time_part = raw.strip().partition(" ")
                day = day_of[day_part]
                if type(day) is dt.date:
                    when = (day, None) if not time_part else (day, secs_of[time_part])
                    if type(when[1]) is Bad:
                        when = when[1]
            if when is None:
                when = when_of[raw]
            if type(when) is tuple:
                received_on, received_secs = when
                if received_on is None:
                    problems.append((h_recv, "", "Thiếu ngày tiếp nhận."))
                elif received_on > today:
                    problems.append((h_recv, row[i_recv], "Ngày tiếp nhận ở tương lai."))
            else:
                problems.append((h_recv, row[i_recv], str(when)))
            result_on = day_of[row[i_res]]
            if result_on is not None:
                if type(result_on) is Bad:
                    problems.append((h_res, row[i_res], str(result_on)))
                    result_on = None
                elif result_on > today:
                    problems.append((h_res, row[i_res], "Ngày có kết quả ở tương lai."))
                elif received_on is not None and result_on < received_on:
                    problems.append((h_res, row[i_res], f"Ngày có kết quả trước ngày tiếp nhận {_fmt(received_on)}."))
            returned_on = day_of[row[i_ret]]
            if returned_on is not None:
                if type(returned_on) is Bad:
                    problems.append((h_ret, row[i_ret], str(returned_on)))
                    returned_on = None
                elif returned_on > today:
                    problems.append((h_ret, row[i_ret], "Ngày trả kết quả ở tương lai."))
                elif result_on is not None and returned_on < result_on:
                    problems.append((h_ret, row[i_ret], f"Ngày trả kết quả trước ngày có kết quả {_fmt(result_on)}."))
                elif received_on is not None and returned_on < received_on:
                    problems.append((h_ret, row[i_ret], f"Ngày trả kết quả trước ngày tiếp nhận {_fmt(received_on)}."))
            due_on = day_of[row[i_due]]
            if due_on is not None:
                if type(due_on) is Bad:
                    problems.append((h_due, row[i_due], str(due_on)))
                elif received_on is not None and due_on < received_on:
                    problems.append((h_due, row[i_due], f"Ngày hẹn trả trước ngày tiếp nhận {_fmt(received_on)}."))
            proc = procedure_of[row[i_proc]]
            if type(proc) is not tuple:
                problems.append((header["procedure_code"], str(row[i_proc]).strip(), str(proc)))
            ucode = row[i_unit]
            unit_id = None
            if type(ucode) is not str or ucode.strip():
                if received_on is not None:
                    unit_id = unit_of[(ucode, received_on)]
                    if type(unit_id) is Bad:
                        problems.append((header["unit_code"], str(ucode).strip(), str(unit_id)))
            else:
                problems.append((header["unit_code"], "", "Thiếu mã đơn vị tiếp nhận."))
            raw = row[i_chan]
            channel = channel_of[raw]
            if type(channel) is Bad:
                problems.append((header["channel"], raw, str(channel) if str(raw).strip() else "Thiếu kênh tiếp nhận."))
            raw = row[i_stat]
            if type(raw) is str and not raw.strip():
                status = _infer_status(result_on, returned_on)
            else:
                status = status_of[raw]
                if type(status) is Bad:
                    problems.append((header["status"], raw, str(status)))
            name = body = step = method = ""
            apology_on = new_due_on = None
            if i_name is not None:
                name = row[i_name]
                name = (name if type(name) is str else str(name)).strip()[:200]
            if i_body is not None:
                body = str(row[i_body]).strip()[:300]
            if i_step is not None:
                step = str(row[i_step]).strip()[:200]
            if i_apol is not None:
                apology_on = day_of[row[i_apol]]
                if type(apology_on) is Bad:
                    problems.append((header["apology_on"], row[i_apol], str(apology_on)))
                elif apology_on is not None and apology_on > today:
                    problems.append((header["apology_on"], row[i_apol], "Ngày xin lỗi ở tương lai."))
            if i_newdue is not None:
                new_due_on = day_of[row[i_newdue]]
                if type(new_due_on) is Bad:
                    problems.append((header["new_due_on"], row[i_newdue], str(new_due_on)))
            if i_meth is not None:
                raw = row[i_meth]
                if type(raw) is not str or raw.strip():
                    method = method_of[raw]
                    if type(method) is Bad:
                        problems.append((header["return_method"], raw, str(method)))
            if "\ufffd" in code or "\ufffd" in name or "\ufffd" in body or "\ufffd" in step:
                problems.append(("", "", UNREADABLE))
            if problems:
                bad += 1
                self.errors.add(rownum, code, problems)
                continue

            assert received_on is not None  # a row without it has a problem, skipped above
            out = [
                code, proc[0], unit_id, channel, status, name, db_date[received_on],  # type: ignore[index]
                None if received_secs is None else moment(received_on, received_secs),
                None, False, db_date[apology_on], db_date[new_due_on], db_date[result_on], db_date[returned_on],
                method, "", body, step, source, search(code, name), job_id, now_db, "", "", "", "", now_db,
            ]
            if due_on is None:
                start = self.counts_from[(channel, received_on, received_secs)]
                pending.append((rownum, out, start, proc[1], result_on))  # type: ignore[arg-type,index]
                continue
            out[8] = db_date[due_on]
            if result_on is not None:
                out[15] = early if result_on < due_on else on_time if result_on == due_on else late
            good.append((rownum, out))

        if pending:
            self._fill_dues((p[2], p[3]) for p in pending)
            for rownum, out, start, days_n, result_on in pending:
                due = self.due_of[(start, days_n)]
                out[8] = db_date[due]
                out[9] = True
                if result_on is not None:
                    out[15] = early if result_on < due else on_time if result_on == due else late
                good.append((rownum, out))
        return [(rownum, tuple(out)) for rownum, out in good], bad
