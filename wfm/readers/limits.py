"""Input limits and the checks made before a file is read: a regular file, within the size limits, and for an
xlsx workbook within the unpacked-size limits (from its zip directory, before any XML is parsed).

Each limit is overridable by an environment variable (`limit`).
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from wfm.errors import InputError, Problem

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls


# Input limits: default, and the environment variable that overrides it.
MAX_CSV_MB = 512          # WFM_MAX_INPUT_MB: size of a CSV file
MAX_XLSX_MB = 100         # WFM_MAX_XLSX_MB: size of an xlsx file as stored (compressed)
MAX_XLSX_XML_MB = 256     # WFM_MAX_XLSX_XML_MB: unpacked size of all parts of an xlsx workbook (zip bombs)
MAX_ROWS = 5_000_000      # WFM_MAX_ROWS: rows of a table (sheet row number / CSV lines)
MAX_COLUMNS = 200         # WFM_MAX_COLUMNS: columns of a table
MAX_CELL_CHARS = 10_000   # WFM_MAX_CELL_CHARS: characters in one cell
MAX_BLANK_ROWS = 10_000   # WFM_MAX_BLANK_ROWS: empty xlsx rows in a row after which the rest is only scanned
MAX_QUEUES = 500          # WFM_MAX_QUEUES: different queues in a history (each is fitted on its own)
MAX_AGENT_DAYS = 20_000   # WFM_MAX_AGENT_DAYS: agents x days of one roster (its model takes ~0.1 MB per agent-day)
EXCEL_ROWS = 1_048_576    # the last row of an Excel sheet

_LIMITS = {
    "WFM_MAX_INPUT_MB": MAX_CSV_MB,
    "WFM_MAX_XLSX_MB": MAX_XLSX_MB,
    "WFM_MAX_XLSX_XML_MB": MAX_XLSX_XML_MB,
    "WFM_MAX_ROWS": MAX_ROWS,
    "WFM_MAX_COLUMNS": MAX_COLUMNS,
    "WFM_MAX_CELL_CHARS": MAX_CELL_CHARS,
    "WFM_MAX_BLANK_ROWS": MAX_BLANK_ROWS,
    "WFM_MAX_QUEUES": MAX_QUEUES,
    "WFM_MAX_AGENT_DAYS": MAX_AGENT_DAYS,
}
MB = 1024 * 1024


def limit(name: str) -> int:
    """The limit `name` (one of the WFM_MAX_* names): the environment's value when set, else the default."""
    default = _LIMITS[name]
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        value = 0
    if value <= 0:
        raise InputError(f"the environment variable {name} must be a positive whole number (default {default}), "
                         f"got '{raw}'", file=name)
    return value


def too_big(path: Path, what: str, size: int, limit_mb: int, var: str) -> InputError:
    return InputError(f"the {what} file is {size / MB:,.1f} MB, over the limit of {limit_mb:,} MB "
                      f"(raise it with the environment variable {var} if the file is genuine)", file=path)


def check_input_file(path: str | Path, *, what: str) -> None:
    """The checks `read_table` makes before reading, for readers that open a workbook themselves (the roster's
    Data sheet): a regular file, within the size limits, and for an xlsx within the unpacked-size limits."""
    path = Path(path)
    st = stat_regular(path, what)
    if is_xlsx(path, what=what):
        if st.st_size > limit("WFM_MAX_XLSX_MB") * MB:
            raise too_big(path, what, st.st_size, limit("WFM_MAX_XLSX_MB"), "WFM_MAX_XLSX_MB")
        try:
            with zipfile.ZipFile(path) as zf:
                check_zip(path, zf)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise InputError(f"cannot read the workbook: {exc}", file=path) from None
    elif st.st_size > limit("WFM_MAX_INPUT_MB") * MB:
        raise too_big(path, what, st.st_size, limit("WFM_MAX_INPUT_MB"), "WFM_MAX_INPUT_MB")


def is_xlsx(path: str | Path, *, what: str) -> bool:
    """Whether the file starts like an xlsx workbook (a zip archive), whatever its name says; `InputError` naming
    the file when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(XLSX_MAGIC)) == XLSX_MAGIC
    except OSError as exc:
        raise InputError(f"cannot read the {what} file: {exc.strerror or exc}", file=Path(path)) from None


def stat_regular(path: Path, what: str) -> os.stat_result:
    """The file's stat, after checking that it exists and is a regular file (never open a FIFO or a device)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{what} file not found", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read the {what} file: {exc.strerror or exc}", file=path) from None
    _check_regular(path, what, st)
    return st


def _check_regular(path: Path, what: str, st: os.stat_result) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"expected a {what} file, got a folder", file=path)
    if not stat.S_ISREG(st.st_mode):
        kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else
                "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
        raise InputError(f"expected a {what} file, got {kind}; only regular files are read", file=path)


def check_zip(path: Path, zf: zipfile.ZipFile) -> None:
    """Refuse a workbook whose parts unpack beyond the limit (declared sizes: zipfile never inflates beyond them)."""
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    limit_mb = limit("WFM_MAX_XLSX_XML_MB")
    strings = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
    if strings > limit_mb * MB // 8:
        raise InputError(f"the workbook's shared strings unpack to {strings / MB:,.1f} MB, over the limit of "
                         f"{limit_mb / 8:,.0f} MB (an eighth of WFM_MAX_XLSX_XML_MB: they are read whole, not "
                         f"streamed); is it a zip bomb?", file=path)
    if total > limit_mb * MB:
        biggest = max(infos, key=lambda i: i.file_size)
        raise InputError(f"the workbook unpacks to {total / MB:,.1f} MB (largest part '{biggest.filename}': "
                         f"{biggest.file_size / MB:,.1f} MB), over the limit of {limit_mb:,} MB; is it a zip bomb? "
                         f"(raise the limit with the environment variable WFM_MAX_XLSX_XML_MB if the file is "
                         f"genuine)", file=path)


def cell_problem(path: Path, message: str, row: int, column: str | None) -> Problem:
    """A problem at one cell (row number, column name) of the file."""
    return Problem(str(path), message, row, column)
