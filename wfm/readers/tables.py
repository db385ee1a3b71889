"""Reading raw tables from CSV or XLSX files: format sniffing, encodings, delimiters, column aliases.

Every input is bounded before and while it is read (the limits below, each overridable by an environment
variable): only regular files are read, their size is checked before reading, an xlsx workbook's unpacked size
is checked from its zip directory before any XML is parsed, its first sheet is streamed row by row (never padded
to its declared dimension), and XML is parsed with defusedxml (entity tricks are refused).
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import os
import re
import stat
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from xml.etree.ElementTree import ParseError

import pandas as pd

from wfm.errors import InputError, Problems

ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK/GB2312, common in Chinese ACD exports
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
_MB = 1024 * 1024
_FIRST_LINES_BYTES = 4 * _MB  # the header and the lines the delimiter is sniffed from are looked for in this much


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


def _too_big(path: Path, what: str, size: int, limit_mb: int, var: str) -> InputError:
    return InputError(f"the {what} file is {size / _MB:,.1f} MB, over the limit of {limit_mb:,} MB "
                      f"(raise it with the environment variable {var} if the file is genuine)", file=path)


def check_input_file(path: str | Path, *, what: str) -> None:
    """The checks `read_table` makes before reading, for readers that open a workbook themselves (the roster's
    Data sheet): a regular file, within the size limits, and for an xlsx within the unpacked-size limits."""
    path = Path(path)
    st = _stat_regular(path, what)
    if is_xlsx(path, what=what):
        if st.st_size > limit("WFM_MAX_XLSX_MB") * _MB:
            raise _too_big(path, what, st.st_size, limit("WFM_MAX_XLSX_MB"), "WFM_MAX_XLSX_MB")
        try:
            with zipfile.ZipFile(path) as zf:
                _check_zip(path, zf)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise InputError(f"cannot read the workbook: {exc}", file=path) from None
    elif st.st_size > limit("WFM_MAX_INPUT_MB") * _MB:
        raise _too_big(path, what, st.st_size, limit("WFM_MAX_INPUT_MB"), "WFM_MAX_INPUT_MB")


def is_xlsx(path: str | Path, *, what: str) -> bool:
    """Whether the file starts like an xlsx workbook (a zip archive), whatever its name says; `InputError` naming
    the file when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(XLSX_MAGIC)) == XLSX_MAGIC
    except OSError as exc:
        raise InputError(f"cannot read the {what} file: {exc.strerror or exc}", file=Path(path)) from None


def _stat_regular(path: Path, what: str) -> os.stat_result:
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


def read_table(path: str | Path, *, what: str) -> pd.DataFrame:
    """Read a CSV or XLSX file into a DataFrame of strings (first sheet, header in row 1).

    Raises `InputError` naming the file when it is missing, empty, not what its extension says, unreadable, not a
    regular file, or over one of the input limits (`limit`).
    """
    path = Path(path)
    st = _stat_regular(path, what)
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
        if size > limit("WFM_MAX_XLSX_MB") * _MB:
            raise _too_big(path, what, size, limit("WFM_MAX_XLSX_MB"), "WFM_MAX_XLSX_MB")
    elif size > limit("WFM_MAX_INPUT_MB") * _MB:
        raise _too_big(path, what, size, limit("WFM_MAX_INPUT_MB"), "WFM_MAX_INPUT_MB")
    if head.startswith(OLE_MAGIC):
        raise InputError("this is a legacy .xls workbook; save it as .xlsx or CSV", file=path)
    if is_xlsx:
        if suffix == ".csv":
            raise InputError("the file is named .csv but is an Excel workbook; rename it to .xlsx", file=path)
        frame = _read_xlsx(path, what)
    else:
        if suffix in (".xlsx", ".xlsm"):
            raise InputError("the file is named .xlsx but is not an Excel workbook (is it a CSV?)", file=path)
        try:
            with open(path, "rb") as fh:  # never more than the limit, even if the file grew since stat
                data = fh.read(limit("WFM_MAX_INPUT_MB") * _MB + 1)
        except OSError as exc:
            raise InputError(f"cannot read the {what} file: {exc.strerror or exc}", file=path) from None
        if len(data) > limit("WFM_MAX_INPUT_MB") * _MB:
            raise _too_big(path, what, len(data), limit("WFM_MAX_INPUT_MB"), "WFM_MAX_INPUT_MB")
        if not head.strip() and not data.strip():  # (strip copies: only when the start is blank)
            raise InputError(f"the {what} file is empty", file=path)
        if b"\x00" in data[:4096]:
            raise InputError(f"the file is binary, not a CSV {what} table", file=path)
        nul = data.find(b"\x00")
        if nul >= 0:  # further down: a damaged file (a NUL is no text); never read with the NULs dropped
            raise InputError([_problem(path, "the line holds NUL bytes: the file is damaged (a copy cut short or "
                                             "overwritten?)", data.count(b"\n", 0, nul) + 1, None)])
        frame = _read_csv(path, data)
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise InputError(f"the {what} file has a header but no rows", file=path)
    return frame


def _check_zip(path: Path, zf: zipfile.ZipFile) -> None:
    """Refuse a workbook whose parts unpack beyond the limit (declared sizes: zipfile never inflates beyond them)."""
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    limit_mb = limit("WFM_MAX_XLSX_XML_MB")
    strings = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
    if strings > limit_mb * _MB // 8:
        raise InputError(f"the workbook's shared strings unpack to {strings / _MB:,.1f} MB, over the limit of "
                         f"{limit_mb / 8:,.0f} MB (an eighth of WFM_MAX_XLSX_XML_MB: they are read whole, not "
                         f"streamed); is it a zip bomb?", file=path)
    if total > limit_mb * _MB:
        biggest = max(infos, key=lambda i: i.file_size)
        raise InputError(f"the workbook unpacks to {total / _MB:,.1f} MB (largest part '{biggest.filename}': "
                         f"{biggest.file_size / _MB:,.1f} MB), over the limit of {limit_mb:,} MB; is it a zip bomb? "
                         f"(raise the limit with the environment variable WFM_MAX_XLSX_XML_MB if the file is "
                         f"genuine)", file=path)


def _xlsx_value(cell: dict) -> object:
    """A cell's value as pandas.read_excel gives it (errors are missing, whole numbers are ints)."""
    value, kind = cell["value"], cell["data_type"]
    if kind == "e":
        return float("nan")
    if kind == "n" and isinstance(value, float):
        try:
            as_int = int(value)
        except (OverflowError, ValueError):
            return value
        return as_int if as_int == value else value
    return value


def _read_xlsx(path: Path, what: str) -> pd.DataFrame:
    """The first worksheet as a frame of strings: index + 2 is the sheet row (`xlsx_rows`)."""
    from pandas.io.parsers import TextParser

    header: list[object] = []
    body: list[list[object]] = []
    index: list[int] = []
    width = 0
    for row_number, row in xlsx_rows(path, what=what):
        width = max(width, len(row))
        if row_number == 1:
            header = row
        else:
            body.append(row)
            index.append(row_number - 2)
    if not header and not body:
        return pd.DataFrame()
    for row in [header, *body]:
        row.extend([""] * (width - len(row)))
    try:
        frame = TextParser([header, *body], header=0, index_col=None, dtype=str, skip_blank_lines=False).read()
    except (ValueError, TypeError) as exc:
        raise InputError(f"cannot read the workbook: {exc}", file=path) from None
    frame.index = index
    # drop blank rows but keep the index, so row numbers stay those of the sheet
    return frame.dropna(how="all")


def _open_xlsx(path: Path):
    """openpyxl's reader of the workbook at `path`, its manifest, shared strings, workbook and styles read (the
    caller closes `reader.archive`); the zip directory is checked against the limits first."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    with zipfile.ZipFile(path) as zf:
        _check_zip(path, zf)
    reader = ExcelReader(str(path), read_only=True, keep_vba=False, data_only=True, keep_links=False)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
    except BaseException:
        reader.archive.close()
        raise
    return reader


@contextmanager
def _guarded_xlsx(path: Path) -> Iterator:
    """`_open_xlsx` for the body of a `with`: any failure inside openpyxl or the XML parser (a hostile workbook
    can fail anywhere there) becomes an `InputError` naming the file; the archive is always closed."""
    reader = None
    try:
        reader = _open_xlsx(path)
        yield reader
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - see above
        raise InputError(f"cannot read the workbook: {_xml_reason(exc)}", file=path) from None
    finally:
        if reader is not None:
            reader.archive.close()


def _worksheets(reader) -> list[tuple[str, str]]:
    """(name, part) of every worksheet of the workbook, in order (chartsheets left out)."""
    return [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type]


def xlsx_sheet_names(path: str | Path, *, what: str) -> list[str]:
    """The worksheet names of an xlsx workbook, after the checks of `check_input_file`; `InputError` naming the
    file when it cannot be read."""
    path = Path(path)
    check_input_file(path, what=what)
    with _guarded_xlsx(path) as reader:
        return [name for name, _ in _worksheets(reader)]


def xlsx_rows(path: str | Path, *, what: str, sheet: str | None = None) -> Iterator[tuple[int, list[object]]]:
    """The non-empty rows of worksheet `sheet` (default the first) as (sheet row number, cell values from column
    A), streamed row by row within the input limits, whatever dimension the sheet declares.

    openpyxl's reader parts are used directly: its `load_workbook(read_only=True)` pads every row to the
    sheet's `<dimension>` tag, which is the whole sheet when the tag is missing. XML is parsed by defusedxml
    (openpyxl uses it when installed). Raises `InputError` naming the file (and row and column) for a file that
    is not a regular file, over a limit or unreadable, and for a missing `sheet`."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser

    path = Path(path)
    check_input_file(path, what=what)
    max_rows, max_cols = limit("WFM_MAX_ROWS"), limit("WFM_MAX_COLUMNS")
    max_chars, max_blank = limit("WFM_MAX_CELL_CHARS"), limit("WFM_MAX_BLANK_ROWS")
    header: list[object] = []
    with _guarded_xlsx(path) as reader:
        wb = reader.wb
        sheets = _worksheets(reader)
        if sheet is None:
            target = sheets[0][1] if sheets else None
            if target is None:
                raise InputError("the workbook has no worksheet", file=path)
        else:
            target = next((part for name, part in sheets if name == sheet), None)
            if target is None:
                raise InputError(f"the workbook has no '{sheet}' sheet (sheets: "
                                 f"{', '.join(name for name, _ in sheets)})", file=path)
        with reader.archive.open(target) as src:
            parser = WorkSheetParser(src, reader.shared_strings, data_only=True, epoch=wb.epoch,
                                     date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
            seen = blank_run = 0
            blank_from = 0
            for row_number, cells in parser.parse():
                seen += 1
                if row_number > max_rows + 1 or seen > max_rows + 1:
                    raise InputError(f"the sheet has more than {max_rows:,} rows (it goes on to row "
                                     f"{max(row_number, seen):,}), over the limit (raise it with the environment "
                                     f"variable WFM_MAX_ROWS if the file is genuine)", file=path)
                if row_number > EXCEL_ROWS:
                    raise InputError(f"the sheet goes on to row {row_number:,}, beyond Excel's last row "
                                     f"({EXCEL_ROWS:,}): not a valid workbook", file=path)
                values: dict[int, object] = {}
                for cell in cells:
                    value = cell["value"]
                    if value is None or value == "":
                        continue
                    col = cell["column"]
                    name = (str(header[col - 1]) if row_number > 1 and col <= len(header)
                            and header[col - 1] not in (None, "") else get_column_letter(col))
                    if col > max_cols:
                        raise InputError([_problem(path, f"a value beyond the limit of {max_cols} columns (raise it "
                                                         f"with the environment variable WFM_MAX_COLUMNS if the "
                                                         f"file is genuine)", row_number, name)])
                    if isinstance(value, str) and len(value) > max_chars:
                        raise InputError([_problem(path, f"the cell holds {len(value):,} characters, over the limit "
                                                         f"of {max_chars:,} (raise it with the environment variable "
                                                         f"WFM_MAX_CELL_CHARS if the file is genuine)",
                                                   row_number, name)])
                    values[col] = _xlsx_value(cell)
                if not values:
                    # formatted but empty rows below a table (up to the sheet's last row) are common: after a run
                    # of them, the rest of the sheet is only scanned for values instead of parsed row by row
                    blank_from = blank_from or row_number
                    blank_run += 1
                    if blank_run >= max_blank:
                        _check_rest_blank(path, reader.archive, target, src, blank_from, row_number)
                        break
                    continue
                blank_run = blank_from = 0
                row: list[object] = [""] * max(values)
                for col, value in values.items():
                    row[col - 1] = value
                if row_number == 1:
                    header = row
                yield row_number, row


_VALUE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:v|t)(?:\s[^>]*)?>\s*[^<\s]")


def _check_rest_blank(path: Path, archive: zipfile.ZipFile, target: str, src, blank_from: int,
                      row_number: int) -> None:
    """After a long run of empty rows, scan the rest of the sheet's XML (as bytes, at C speed) for any value: none
    means the table ended; one is refused (a table with a huge gap in it is not a table this tool reads)."""
    start = max(0, src.tell() - 4 * 65536)  # the parser reads ahead: rescan what it may not have handed over yet
    chunk, tail = 4 * _MB, b""
    row_tag = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*\br=[\"']%d[\"']" % row_number)
    with archive.open(target) as rest:
        rest.seek(start)
        block = rest.read(chunk)
        found = row_tag.search(block)
        if found:  # values before the last empty row parsed were read already
            block = block[found.end():]
        while block:
            if _VALUE_TAG.search(tail + block):
                raise InputError(f"rows {blank_from:,} to {row_number:,} and more are empty, and values follow "
                                 f"further down: delete the empty rows (or raise WFM_MAX_BLANK_ROWS, now "
                                 f"{limit('WFM_MAX_BLANK_ROWS'):,})", file=path)
            tail = block[-256:]
            block = rest.read(chunk)


def _problem(path: Path, message: str, row: int, column: str):
    from wfm.errors import Problem

    return Problem(str(path), message, row, column)


def _xml_reason(exc: Exception) -> str:
    """A short reason for a failure to read a workbook; entity tricks are named as such."""
    try:
        from defusedxml.common import DefusedXmlException
    except ImportError:  # pragma: no cover - defusedxml is a dependency
        DefusedXmlException = ()  # type: ignore[assignment]
    chain, seen = exc, set()
    while chain is not None and id(chain) not in seen:  # openpyxl wraps the parser's error in its own
        seen.add(id(chain))
        if isinstance(chain, (DefusedXmlException, ParseError)):
            exc = chain
            break
        chain = chain.__cause__ or chain.__context__
    if isinstance(exc, DefusedXmlException):
        return f"its XML uses entity declarations or external references, which are refused ({type(exc).__name__})"
    if isinstance(exc, ParseError):
        return f"its XML is malformed ({exc})"
    if isinstance(exc, MemoryError):
        return "it needs more memory than is available"
    return str(exc) or type(exc).__name__


def _encoding(path: Path, data: bytes) -> str:
    """The first of ENCODINGS that decodes the whole file (checked in chunks, never holding a decoded copy)."""
    chunk = 8 * _MB
    for enc in ENCODINGS:
        decoder = codecs.getincrementaldecoder(enc)()
        try:
            for start in range(0, len(data), chunk):
                decoder.decode(data[start:start + chunk], final=start + chunk >= len(data))
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return enc
    raise InputError("cannot decode the file as UTF-8 or GBK/GB18030 text", file=path)


def _first_lines(data: bytes, enc: str, n: int) -> list[str]:
    """The first `n` non-blank lines of the text, from its first few megabytes only."""
    prefix = codecs.getincrementaldecoder(enc)(errors="replace").decode(data[:_FIRST_LINES_BYTES], final=False)
    lines = prefix.splitlines()
    if len(data) > _FIRST_LINES_BYTES and len(lines) > 1:
        lines = lines[:-1]  # cut short
    return [ln for ln in lines if ln.strip()][:n]


def _read_csv(path: Path, data: bytes) -> pd.DataFrame:
    max_rows, max_cols = limit("WFM_MAX_ROWS"), limit("WFM_MAX_COLUMNS")
    lines_in_file = data.count(b"\n") + (not data.endswith(b"\n"))
    if lines_in_file > max_rows + 1:
        raise InputError(f"the file has {lines_in_file:,} lines, more than the limit of {max_rows:,} rows (raise it "
                         f"with the environment variable WFM_MAX_ROWS if the file is genuine)", file=path)
    enc = _encoding(path, data)
    lines = _first_lines(data, enc, 20)
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
    except csv.Error as exc:
        raise InputError(f"not a readable CSV table: {exc}", file=path) from None
    if n_fields > max_cols:
        raise InputError([_problem(path, f"the header has {n_fields:,} columns, over the limit of {max_cols} (raise "
                                         f"it with the environment variable WFM_MAX_COLUMNS if the file is genuine)",
                                   1, None)])
    quoted_empty: list[int] = []
    try:
        problems = _scan_csv(path, data, enc, delimiter, header, n_fields, strict=True, quoted_empty=quoted_empty)
    except csv.Error as exc:
        # rows with too many fields are the likelier cause (and were always reported first): look for them
        try:
            problems = _scan_csv(path, data, enc, delimiter, header, n_fields, strict=False,
                                 quoted_empty=quoted_empty)
        except csv.Error:
            problems = Problems()
        if not problems.items:
            raise InputError(f"not a readable CSV table: {exc}", file=path) from None
    if problems.items:
        raise InputError(problems.items)
    try:
        with warnings.catch_warnings():
            # trailing empty fields beyond the header (checked above: nothing but blanks) are dropped, as meant
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(io.BytesIO(data), encoding=enc, sep=delimiter, dtype=str, keep_default_na=False,
                                skip_blank_lines=True, on_bad_lines="error", engine="c", index_col=False)
    except (pd.errors.ParserError, csv.Error, ValueError, UnicodeDecodeError) as exc:
        reason = str(exc).replace("Error tokenizing data. C error: ", "").strip()
        raise InputError(f"not a readable CSV table: {reason}", file=path) from None
    drop = [i for i in quoted_empty if i < len(frame)]
    if drop:
        frame = frame.drop(index=frame.index[drop])
    return frame.replace({"": None}).reset_index(drop=True)


def _scan_csv(path: Path, data: bytes, enc: str, delimiter: str, header: str, n_fields: int, *,
              strict: bool, quoted_empty: list[int]) -> Problems:
    """One streaming pass over the records: rows with more fields than the header are problems; a cell or a row
    count over the limits stops with an InputError. Quoting errors raise csv.Error (when `strict`)."""
    max_rows, max_chars = limit("WFM_MAX_ROWS"), limit("WFM_MAX_CELL_CHARS")
    problems = Problems()
    too_long = 0
    text = io.TextIOWrapper(io.BytesIO(data), encoding=enc, newline="")
    records = csv.reader(text, delimiter=delimiter, strict=strict)
    quoted_empty.clear()
    rows = -1  # the C engine's data rows so far (the first record it does not skip is the header)
    try:
        for i, r in enumerate(records, start=1):
            if r and not (len(r) == 1 and r[0] != "" and not r[0].strip()):  # the C engine skips blank lines
                rows += 1
                if r == [""] and rows > 0:  # a line holding only "": the python engine skipped it, the C one not
                    quoted_empty.append(rows - 1)
            if len(r) > n_fields and any(c.strip() for c in r[n_fields:]):
                too_long += 1
                if too_long <= 20:
                    problems.error(path, f"row has {len(r)} fields but the header has {n_fields} (wrong delimiter "
                                         f"or an unquoted '{delimiter}' in a value?)", row=i)
            for j, cell in enumerate(r):
                if len(cell) > max_chars:
                    raise InputError([_problem(path, f"the cell holds {len(cell):,} characters, over the limit of "
                                                     f"{max_chars:,} (raise it with the environment variable "
                                                     f"WFM_MAX_CELL_CHARS if the file is genuine)", i,
                                               _csv_column(header, delimiter, j))])
            if i > max_rows + 1:
                raise InputError(f"the file has more than {max_rows:,} rows, over the limit (raise it with the "
                                 f"environment variable WFM_MAX_ROWS if the file is genuine)", file=path)
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise InputError([_problem(path, f"a cell holds more than {max_chars:,} characters, over the limit "
                                             f"(raise it with the environment variable WFM_MAX_CELL_CHARS if the "
                                             f"file is genuine)", records.line_num, None)]) from None
        raise
    return problems


def _csv_column(header: str, delimiter: str, j: int) -> str:
    try:
        names = next(csv.reader([header], delimiter=delimiter))
    except csv.Error:
        names = []
    return names[j].strip() if j < len(names) and names[j].strip() else f"column {j + 1}"


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
