"""Reading raw tables from CSV or XLSX files: format sniffing, encodings, delimiters, column aliases."""

from __future__ import annotations

import csv
import difflib
import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from wfm.errors import InputError, Problems

ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK/GB2312, common in Chinese ACD exports
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls


def read_table(path: str | Path, *, what: str) -> pd.DataFrame:
    """Read a CSV or XLSX file into a DataFrame of strings (first sheet, header in row 1).

    Raises `InputError` naming the file when it is missing, empty, not what its extension says, or unreadable.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{what} file not found", file=path)
    if path.is_dir():
        raise InputError(f"expected a {what} file, got a folder", file=path)
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"the {what} file is empty", file=path)
    suffix = path.suffix.lower()
    if data.startswith(OLE_MAGIC):
        raise InputError("this is a legacy .xls workbook; save it as .xlsx or CSV", file=path)
    if data.startswith(XLSX_MAGIC):
        if suffix == ".csv":
            raise InputError("the file is named .csv but is an Excel workbook; rename it to .xlsx", file=path)
        frame = _read_xlsx(path, data)
    else:
        if suffix in (".xlsx", ".xlsm"):
            raise InputError("the file is named .xlsx but is not an Excel workbook (is it a CSV?)", file=path)
        if b"\x00" in data[:4096]:
            raise InputError(f"the file is binary, not a CSV {what} table", file=path)
        frame = _read_csv(path, data)
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise InputError(f"the {what} file has a header but no rows", file=path)
    return frame


def _read_xlsx(path: Path, data: bytes) -> pd.DataFrame:
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=str, engine="openpyxl")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"cannot read the workbook: {exc}", file=path) from None
    # drop blank rows but keep the index, so row numbers stay those of the sheet
    return frame.dropna(how="all")


def _decode(path: Path, data: bytes) -> str:
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError("cannot decode the file as UTF-8 or GBK/GB18030 text", file=path)


def _read_csv(path: Path, data: bytes) -> pd.DataFrame:
    text = _decode(path, data)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise InputError("the file is empty", file=path)
    header = lines[0]
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    if delimiter not in header:
        # a one-column header: pick any delimiter that the header does contain
        delimiter = next((d for d in ",;\t|" if d in header), ",")
    try:
        n_fields = len(next(csv.reader([header], delimiter=delimiter)))
        too_long = [(i, len(r)) for i, r in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
                                                      start=1)
                    if len(r) > n_fields and any(c.strip() for c in r[n_fields:])]
    except csv.Error as exc:
        raise InputError(f"not a readable CSV table: {exc}", file=path) from None
    if too_long:
        problems = Problems()
        for line, n in too_long[:20]:
            problems.error(path, f"row has {n} fields but the header has {n_fields} (wrong delimiter or an unquoted "
                                 f"'{delimiter}' in a value?)", row=line)
        raise InputError(problems.items)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            skip_blank_lines=True, on_bad_lines="error", engine="python", index_col=False)
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise InputError(f"not a readable CSV table: {exc}", file=path) from None
    return frame.replace({"": None}).reset_index(drop=True)


def normalise_columns(frame: pd.DataFrame, *, path: Path, aliases: Mapping[str, str], required: list[str],
                      optional: list[str], problems: Problems) -> pd.DataFrame:
    """Map alias headers (Chinese or vendor names) to contract names; report missing and unknown columns."""
    rename: dict[str, str] = {}
    for col in frame.columns:
        key = col.strip().lower().replace(" ", "_")
        if key in required or key in optional:
            rename[col] = key
        elif col.strip() in aliases:
            rename[col] = aliases[col.strip()]
        elif key in aliases:
            rename[col] = aliases[key]
    frame = frame.rename(columns=rename)
    duplicated = [c for c in frame.columns[frame.columns.duplicated()]]
    for col in sorted(set(duplicated)):
        problems.error(path, "column appears more than once", row=1, column=col)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    known = set(required) | set(optional)
    unknown = [c for c in frame.columns if c not in known]
    for col in required:
        if col not in frame.columns:
            close = difflib.get_close_matches(col, unknown, n=1, cutoff=0.6)
            hint = f" (is '{close[0]}' meant to be '{col}'?)" if close else ""
            if len(frame.columns) == 1 and any(d in frame.columns[0] for d in ";\t|,"):
                hint = " (the header looks like one column: is the delimiter unusual?)"
            problems.error(path, f"required column '{col}' is missing{hint}", row=1, column=col)
    for col in unknown:
        problems.warning(path, "column is not used and will be ignored", row=1, column=col)
    return frame[[c for c in frame.columns if c in known]]


def report_rows(problems: Problems, path: Path, mask: pd.Series, column: str, message: str,
                *, limit: int = 20, severity: str = "error") -> None:
    """Add one problem per flagged row (file row numbers: header is row 1), summarising beyond `limit`."""
    rows = list(mask[mask].index)
    add = problems.error if severity == "error" else problems.warning
    for idx in rows[:limit]:
        add(path, message, row=int(idx) + 2, column=column)
    if len(rows) > limit:
        add(path, f"{message} ({len(rows) - limit} more rows like this, from row {int(rows[limit]) + 2})",
            column=column)


def drop_implausible_times(parsed: pd.Series, problems: Problems, path: Path, column: str) -> pd.Series:
    """Report timestamps outside 1970-2200 (garbage read as a date) and return the times as datetime64[ns]."""
    years = parsed.dt.year
    implausible = parsed.notna() & ((years < 1970) | (years > 2200))
    report_rows(problems, path, implausible, column, "date out of range (1970 to 2200)")
    return parsed.where(~implausible).astype("datetime64[ns]")
