"""Safe output of text that came from input files: never a spreadsheet formula, never an invalid character.

Every xlsx and CSV wfm writes goes through here (CONTRACT: "Text that came from an input file is written to
every xlsx and CSV as text, never as a spreadsheet formula").

xlsx
    A string is stored as a text cell (`data_type` "s"), never a formula ("f") or an error value ("e"),
    whatever it begins with; characters XML 1.0 cannot hold (openpyxl's `ILLEGAL_CHARACTERS_RE`: the C0
    controls other than tab, line feed and carriage return) are removed, and text is cut to Excel's 32,767
    characters. Text that begins with one of = + - @ tab CR also gets the cell style's *quote prefix* (what Excel
    sets when one types a leading apostrophe), so that editing the cell in Excel keeps it text. Numbers, dates
    and booleans are untouched. Helpers per way of writing a cell:

    - `set_cell(cell, value)` / `write_cell(ws, row, column, value)`: direct assignment (normal workbooks);
    - `safe_row(ws, values)` / `append_row(ws, values)`: `ws.append` (normal and write-only workbooks);
    - `text_cell(ws, value)`: a `WriteOnlyCell` for streamed (write-only) sheets that style their cells.

CSV (the OWASP CSV-injection guidance)
    `csv_text`: a text field that begins with = + - @ tab or CR, and is not a plain number (-3.5 stays a
    number), gets a leading apostrophe `'`; so does text that already begins with apostrophes followed by one
    of those characters, which makes `csv_unescape` (one leading apostrophe removed from such text) its exact
    inverse. `escape_frame` applies it to a frame's text columns and header; wfm's readers of its own CSVs undo
    it with `csv_unescape` / `unescape_series`.

Sheet titles
    `sheet_title(name, taken)`: valid in Excel (none of []:*?/\\, 1 to 31 characters, no apostrophe at either
    end, not the reserved "History") and unique, case-insensitively, among `taken`.
"""

from __future__ import annotations

import re

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet may read text beginning with these as a formula
MAX_CELL_CHARS = 32767  # Excel's limit on the text in one cell
MAX_TITLE_CHARS = 31

_TRIGGER_SET = frozenset(TRIGGERS)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")
_XLSX_RISKY_START = _TRIGGER_SET | {"#"}  # "#N/A" and friends would become error values
_CSV_RISKY = re.compile(r"\A['=+\-@\t\r]|[\000-\010\013\014\016-\037]")
_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
_RESERVED_TITLES = {"history"}  # Excel keeps "History" for its change tracking


def clean_text(text: str) -> str:
    """`text` without the control characters an xlsx cannot hold (tab, line feed and CR are kept)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def starts_like_formula(text: str) -> bool:
    """True when a spreadsheet could take `text` for a formula (it begins with = + - @ tab or CR)."""
    return text[:1] in _TRIGGER_SET


# ---------------------------------------------------------------------------------------------------- xlsx

def xlsx_text(value):
    """A value as it may be stored in a cell: strings cleaned (`clean_text`) and cut to 32,767 characters;
    anything else unchanged."""
    if isinstance(value, str):
        value = clean_text(value)
        if len(value) > MAX_CELL_CHARS:
            value = value[:MAX_CELL_CHARS]
    return value


def set_cell(cell: Cell, value) -> Cell:
    """Assign `value` to `cell` so that a string is stored as text (never a formula or error value)."""
    value = xlsx_text(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if starts_like_formula(value):
            cell.quotePrefix = True
    return cell


def write_cell(ws, row: int, column: int, value) -> Cell:
    """`ws.cell(row, column, value)` for a normal worksheet, with `value` written as `set_cell` does."""
    return set_cell(ws.cell(row=row, column=column), value)


def text_cell(ws, value) -> Cell:
    """A write-only cell (`WriteOnlyCell`) holding `value` as `set_cell` writes it."""
    return set_cell(Cell(ws, row=1, column=1), value)


def safe_value(ws, value):
    """`value` ready for `ws.append` on a normal or write-only sheet: plain values as they are, a string that
    openpyxl would take for a formula or an error value (or that needs the quote prefix) as a text cell."""
    if not isinstance(value, str):
        return value
    if value[:1] not in _XLSX_RISKY_START and len(value) <= MAX_CELL_CHARS \
            and ILLEGAL_CHARACTERS_RE.search(value) is None:
        return value
    value = xlsx_text(value)
    if value[:1] not in _XLSX_RISKY_START:
        return value
    return set_cell(Cell(ws, row=1, column=1), value)


def safe_row(ws, values) -> list:
    """A row for `ws.append` with every string made safe (`safe_value`)."""
    return [safe_value(ws, v) for v in values]


def append_row(ws, values) -> None:
    """`ws.append(values)` with every string written as text."""
    ws.append(safe_row(ws, values))


# ----------------------------------------------------------------------------------------------------- CSV

def csv_needs_quote(text: str) -> bool:
    """True when `csv_text` prefixes an apostrophe to (cleaned) `text`."""
    first = text[:1]
    if first in _TRIGGER_SET:
        return _NUMBER.match(text) is None
    return first == "'" and text.lstrip("'")[:1] in _TRIGGER_SET


def csv_text(value):
    """A CSV field for `value`: a string cleaned of control characters and, when a spreadsheet could read it as
    a formula, prefixed with an apostrophe; anything else unchanged."""
    if not isinstance(value, str) or _CSV_RISKY.search(value) is None:
        return value
    value = clean_text(value)
    return "'" + value if csv_needs_quote(value) else value


def csv_unescape(value):
    """Undo `csv_text`: one leading apostrophe removed when (more apostrophes and) = + - @ tab or CR follow."""
    if isinstance(value, str) and value[:1] == "'" and value.lstrip("'")[:1] in _TRIGGER_SET:
        return value[1:]
    return value


_UNESCAPE_RE = r"^'(?='*[=+\-@\t\r])"


def unescape_series(series: pd.Series) -> pd.Series:
    """`csv_unescape` on every string of a (string or object) column."""
    if pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(series.dtype):
        return series.str.replace(_UNESCAPE_RE, "", regex=True)
    return series.map(csv_unescape, na_action="ignore")


def escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with `csv_text` applied to its header and to the strings of its text (object, string, category)
    columns; numeric and date columns are left as they are. Returns `df` itself when nothing changes."""
    out = None
    for j in range(len(df.columns)):
        s = df.iloc[:, j]
        kind = s.dtype
        if not (pd.api.types.is_object_dtype(kind) or pd.api.types.is_string_dtype(kind)
                or isinstance(kind, pd.CategoricalDtype)):
            continue
        if isinstance(kind, pd.CategoricalDtype):
            s = s.astype(object)
        risky = s.map(lambda v: isinstance(v, str) and _CSV_RISKY.search(v) is not None)
        if not risky.any():
            continue
        if out is None:
            out = df.copy()
        fixed = s.astype(object).copy()
        fixed[risky.to_numpy(dtype=bool)] = [csv_text(v) for v in s[risky.to_numpy(dtype=bool)]]
        out.isetitem(j, fixed)
    names = [csv_text(c) if isinstance(c, str) else c for c in df.columns]
    if names != list(df.columns):
        if out is None:
            out = df.copy()
        out.columns = names
    return df if out is None else out


# ---------------------------------------------------------------------------------------------- sheet titles

def sheet_title(name, taken: set[str], *, default: str = "Sheet") -> str:
    """A valid Excel sheet title made from `name`, unique case-insensitively among `taken` (a set of casefolded
    titles already in the workbook, to which the new title's casefolded form is added)."""
    base = _TITLE_BAD.sub("_", clean_text(str(name))).replace("\n", " ").replace("\r", " ").replace("\t", " ")
    base = base.strip().strip("'").strip() or default
    keys = {t.casefold() for t in taken}

    def fit(text: str, limit: int) -> str:
        return text[:limit].rstrip().rstrip("'") or default[:limit]

    title = fit(base, MAX_TITLE_CHARS)
    k = 1
    while title.casefold() in keys or title.casefold() in _RESERVED_TITLES:
        k += 1
        suffix = f"~{k}"
        title = fit(base, MAX_TITLE_CHARS - len(suffix)) + suffix
    taken.add(title.casefold())
    return title


__all__ = ["TRIGGERS", "append_row", "clean_text", "csv_needs_quote", "csv_text", "csv_unescape", "escape_frame",
           "safe_row", "safe_value", "set_cell", "sheet_title", "starts_like_formula", "text_cell",
           "unescape_series", "write_cell", "xlsx_text"]
