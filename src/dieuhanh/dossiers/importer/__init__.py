"""Import of the province's one-stop exports (dossiers) and of the procedures catalogue, from
.csv or .xlsx files with the Vietnamese headers of `columns` (or their aliases, or a mapping).
The file, its header row and the error file are read and written by `core.tabular`, shared with
the other imports; the rest is here:

- `job`: who may import, and `import_file`, which runs a job from its file to its audit record;
- `files`: the import file's rows and layout, its sha256, its batches, the job's error file;
- `values`: dates, times, vocabulary words and names of a cell, each distinct text read once;
  the codes already seen in the file;
- `lookups`: units by code and receipt date, procedures by code, appointment dates;
- `parse`: the checking of a batch, column by column, and row by row for the bad rows;
- `write`: the writing of a batch (upsert, status events, counters), the bulk-load settings;
- `dossiers`: one dossier import, and its second, parsing process;
- `procedures`: the import of the procedures catalogue.

The dossier import is a bulk writer by design (decision 7), not a loop over `services.do_*`: a
province's export holds millions of rows, and the statuses it carries were decided in the
province's system, not here. What it keeps of the house rules:
- **Idempotent.** The dossier code is the natural key. Each batch first reads the stored values of
  its codes (one `SELECT ... WHERE code IN (...)` per chunk) and writes only the rows that are new
  or differ, with `INSERT ... ON CONFLICT (code) DO UPDATE` (SQLite ≥ 3.24 and PostgreSQL alike).
  Re-importing the same file writes nothing; a newer export updates only what changed.
- **History.** Each status change of an imported dossier appends a `DossierEvent` (kind `import`,
  from → to status, with the job). A dossier's first import records no event: its history starts
  at the status it had in that export, which is the `from_status` of its first later event.
- **Never overwrites work done here.** A dossier received on Điều Hành (`source=native`) found in
  a file is reported as a bad row and left alone (the upsert also refuses it in SQL).
- **Honest.** Every bad row (unknown procedure or unit — a unit code resolves by the receipt date,
  since codes were reused in the 2025 reform —, impossible or future dates, a code repeated in the
  file, an unreadable value, a missing required value, a unit outside the importer's scope) is
  written with its row number (as in the spreadsheet: the header is row 1), column, value and
  reason to an error file (CSV in UTF-8 with BOM, so Excel opens it) under
  `DATA_DIR/imports/<job id>/`; good rows still load. A file without a required column is refused
  whole, before anything is written.
- **Consistent when killed.** Each batch (rows, events and the job's counters) is one
  transaction: a killed run leaves every batch committed or absent, and running the file again
  completes it without duplicates.
- **Audited once per job**, not per row: one audit event (action `import`) with the counts and the
  file's sha256. The rows themselves carry `import_job`, and the events carry the job.

Speed (see bench/bench_dossier_import.py): a million rows into SQLite take a little longer than
a bare `executemany` of the same raw rows into a table with the dossier table's schema; most of
the time is SQLite maintaining that table's indexes. What keeps the rest small:
- a batch is read column by column: each distinct text of a column (a date, a receipt time, a
  (unit code, day) pair, a procedure code, a word) is worked out once and looked up with `map`;
  the checks are comprehensions over whole columns and rows are put together with `zip`. Rows
  that fail a check go through `_parse_rows`, which words every problem of the row (`parse`);
- the appointment date, when the export leaves it empty, is `services.appointment` (the
  processing time in working days after receipt), computed for the batch's distinct (day, days)
  pairs with `calendar.add_many` and marked `due_computed`;
- the file is read and checked by a second process while this one writes the batches it sends
  (two threads would take turns on the interpreter lock), in code order: SQLite with one
  `executemany`, PostgreSQL with INSERT statements of a thousand rows;
- a large load (a first import, many rows compared with what the table holds) sets the dossier
  table's secondary indexes aside after its first batch and builds them again at the end
  (`indexes.py`); a first load into an empty table skips the lookup of stored codes while no
  one else adds dossiers;
- on SQLite the writing connection takes a larger page cache and checks the foreign keys once per
  batch instead of once per row (`write._bulk_session`); Python's cycle collector runs less often
  during the import (`write._fewer_collections`); names are folded for search by a translation
  table (`values.fast_fold`).
"""

from __future__ import annotations

from dieuhanh.core.tabular import ImportRefused
from dieuhanh.dossiers.importer.dossiers import _DossierImport, parse_worker
from dieuhanh.dossiers.importer.files import _Errors, sha256_of
from dieuhanh.dossiers.importer.job import BATCH_SIZE, ImportResult, check_may_import, import_file
from dieuhanh.dossiers.importer.values import Bad, _SeenCodes, fast_fold

# What the rest of the application and the tests use (the names beginning with _ by the tests).
__all__ = [
    "BATCH_SIZE", "Bad", "ImportRefused", "ImportResult", "_DossierImport", "_Errors", "_SeenCodes",
    "check_may_import", "fast_fold", "import_file", "parse_worker", "sha256_of",
]
