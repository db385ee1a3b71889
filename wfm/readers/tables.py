"""Reading raw tables from CSV or XLSX files: format sniffing, encodings, delimiters, column aliases.

Every input is bounded before and while it is read (the limits of `wfm.readers.limits`, each overridable by
an environment variable): only regular files are read, their size is checked before reading, an xlsx workbook's
unpacked size is checked from its zip directory before any XML is parsed, its first sheet is streamed row by row
(never padded to its declared dimension), and XML is parsed with defusedxml (entity tricks are refused).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from wfm.errors import EmptyTableError, InputError, Problems
from wfm.readers.csv_table import ENCODINGS, looks_like_utf16_without_bom, read_csv_table, wide_text_as_utf8
from wfm.readers.limits import (EXCEL_ROWS, MAX_AGENT_DAYS, MAX_BLANK_ROWS, MAX_CELL_CHARS, MAX_COLUMNS, MAX_CSV_MB,
                                MAX_QUEUES, MAX_ROWS, MAX_XLSX_MB, MAX_XLSX_XML_MB, MB, OLE_MAGIC, XLSX_MAGIC,
                                cell_problem, check_input_file, is_xlsx, limit, stat_regular, too_big)
from wfm.readers.xlsx import read_xlsx_table, xlsx_rows, xlsx_sheet_names


def read_table(path: str | Path, *, what: str) -> pd.DataFrame:
    """Read a CSV or XLSX file into a DataFrame of strings (first sheet, header in row 1).

    Raises `InputError` naming the file when it is missing, empty, not what its extension says, unreadable, not a
    regular file, or over one of the input limits (`limit`).
    """
    path = Path(path)
    st = stat_regular(path, what)
    suffix = path.suffix.lower()
    size = st.st_size
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise InputError(f"cannot read the {what} file: {exc.strerror or exc}", file=path) from None
    if size <= len(head) and not head.strip():
        raise InputError(f"the {what} file is empty", file=path)
    is_xlsx = head.startswith(XLSX_MAGIC)
    if is_xlsx:
        if size > limit("WFM_MAX_XLSX_MB") * MB:
            raise too_big(path, what, size, limit("WFM_MAX_XLSX_MB"), "WFM_MAX_XLSX_MB")
    elif size > limit("WFM_MAX_INPUT_MB") * MB:
        raise too_big(path, what, size, limit("WFM_MAX_INPUT_MB"), "WFM_MAX_INPUT_MB")
    if head.startswith(OLE_MAGIC):
        raise InputError("this is a legacy .xls workbook; save it as .xlsx or CSV", file=path)
    if is_xlsx:
        if suffix == ".csv":
            raise InputError("the file is named .csv but is an Excel workbook; rename it to .xlsx", file=path)
        frame = read_xlsx_table(path, what)
    else:
        if suffix in (".xlsx", ".xlsm"):
            raise InputError("the file is named .xlsx but is not an Excel workbook (is it a CSV?)", file=path)
        try:
            with open(path, "rb") as fh:  # never more than the limit, even if the file grew since stat
                data = fh.read(limit("WFM_MAX_INPUT_MB") * MB + 1)
        except OSError as exc:
            raise InputError(f"cannot read the {what} file: {exc.strerror or exc}", file=path) from None
        if len(data) > limit("WFM_MAX_INPUT_MB") * MB:
            raise too_big(path, what, len(data), limit("WFM_MAX_INPUT_MB"), "WFM_MAX_INPUT_MB")
        if not head.strip() and not data.strip():  # (strip copies: only when the start is blank)
            raise InputError(f"the {what} file is empty", file=path)
        wide = wide_text_as_utf8(path, data)
        if wide is not None:
            data = wide
            if not data.strip():
                raise InputError(f"the {what} file is empty", file=path)
        if b"\x00" in data[:4096]:
            if looks_like_utf16_without_bom(data[:4096]):
                raise InputError(f"the {what} file looks like UTF-16 text without a byte-order mark; save it as "
                                 f"CSV UTF-8 (or as Unicode text, which writes the mark)", file=path)
            raise InputError(f"the file is binary, not a CSV {what} table", file=path)
        nul = data.find(b"\x00")
        if nul >= 0:  # further down: a damaged file (a NUL is no text); never read with the NULs dropped
            raise InputError([cell_problem(path, "the line holds NUL bytes: the file is damaged (a copy cut short or "
                                             "overwritten?)", data.count(b"\n", 0, nul) + 1, None)])
        frame = read_csv_table(path, data)
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise EmptyTableError(f"the {what} file has a header but no rows", file=path)
    return frame



HEADER_SEARCH_ROWS = 10  # title rows above the header of an exported report: looked through this far


def _contract_name(cell: object, aliases: Mapping[str, str], names: list[str]) -> str | None:
    """The contract column among `names` that a header cell stands for (itself or by an alias), else None."""
    if not isinstance(cell, str):
        return None
    key = cell.strip().lower().replace(" ", "_")
    name = key if key in names else aliases.get(cell.strip(), aliases.get(key))
    return name if name in names else None


def header_below_titles(frame: pd.DataFrame, *, path: Path, aliases: Mapping[str, str], required: list[str],
                        problems: Problems) -> pd.DataFrame:
    """A report exported with its title, period or blank rows above the header: when the first row names none
    of the `required` columns and one of the next `HEADER_SEARCH_ROWS` rows names at least two of them, that row
    is the header and the rows above it are skipped (a warning). Rows keep their index, so row numbers stay the
    file's."""
    if any(_contract_name(c, aliases, required) for c in frame.columns):
        return frame
    for pos, (idx, row) in enumerate(frame.head(HEADER_SEARCH_ROWS).iterrows()):
        if len({n for c in row.tolist() if (n := _contract_name(c, aliases, required))}) < 2:
            continue
        header = [str(c).strip() if isinstance(c, str) and c.strip() else f"Unnamed: {j}"
                  for j, c in enumerate(row.tolist())]
        body = frame.iloc[pos + 1:].copy()
        body.columns = header
        row_number = int(idx) + 2
        problems.warning(path, f"header on row {row_number}: the {row_number - 1} rows above it (a report's title "
                               f"or period) skipped", row=row_number)
        if body.empty:
            raise EmptyTableError(f"the file has a header (row {row_number}) but no rows", file=path)
        return body
    return frame


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


__all__ = ["ENCODINGS", "EXCEL_ROWS", "MAX_AGENT_DAYS", "MAX_BLANK_ROWS", "MAX_CELL_CHARS", "MAX_COLUMNS",
           "MAX_CSV_MB", "MAX_QUEUES", "MAX_ROWS", "MAX_XLSX_MB", "MAX_XLSX_XML_MB", "check_input_file",
           "drop_implausible_times", "header_below_titles", "is_xlsx", "limit", "normalise_columns", "read_table",
           "report_rows", "xlsx_rows", "xlsx_sheet_names"]
