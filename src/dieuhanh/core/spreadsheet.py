"""Text written into a file someone opens in Excel or LibreOffice, whoever wrote it: every .xlsx
export (through the app's one writer, `core.xlsx`) and the import error files (.csv) pass their
text through here.

Much of that text comes from outside: a citizen's petition, a task title, an applicant's name, a
cell of an imported file. Two things in it must not reach the file as they are:

- characters XML 1.0 forbids (the C0 controls but tab, line feed and carriage return; U+FFFE,
  U+FFFF; lone surrogates). openpyxl refuses them (IllegalCharacterError: the whole export fails,
  for everyone whose scope holds the row), and a file holding them does not open. They carry no
  meaning in our text, so they are dropped.
- text a spreadsheet takes for a formula (formula or "CSV" injection, OWASP): `=HYPERLINK(...)`
  sends whoever clicks it to a site of the writer's choosing, `=cmd|...` once ran programs
  through DDE. Excel and LibreOffice read a cell starting with `=`, `+`, `-` or `@`, even after
  spaces, tabs or line breaks, as a formula when it comes from a CSV file or is typed again.
  In an .xlsx the cell is stored as an inline string with Excel's quote prefix (shown as text, and kept
  text when edited, in Excel and LibreOffice alike), so the reader sees exactly what was written;
  in a CSV, which has no cell types, an apostrophe goes in front."""

from __future__ import annotations

import re
from typing import Any

# Kept as a character class so a writer can scan for these and its own specials in one pass.
FORBIDDEN_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_FORBIDDEN = re.compile(f"[{FORBIDDEN_CLASS}]")
FORMULA_START = frozenset("=+-@")
# "-5", "+84 912 345 678", "1.500,5": read as numbers, never as formulas, so a CSV keeps them bare.
_PLAIN_NUMBER = re.compile(r"[+-]?[\d., ]*\d")


def clean_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids; tabs and line breaks stay."""
    return _FORBIDDEN.sub("", text)


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would read `text` as a formula if it were not marked as text."""
    first = text[:1]  # the common case answered without a copy: the register calls this per cell
    if first in FORMULA_START:
        return True
    return first.isspace() and text.lstrip()[:1] in FORMULA_START


def csv_value(value: Any) -> Any:
    """A value for a CSV file opened in a spreadsheet: text cleaned, and text that looks like a
    formula (but is not a plain number) behind an apostrophe. Other values as they are."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    if looks_like_formula(text) and not _PLAIN_NUMBER.fullmatch(text.strip()):
        return "'" + text
    return text
