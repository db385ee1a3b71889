"""CSV tables within the input limits: encoding (UTF-8 or GB18030), delimiter and header sniffed, every record
checked for width and cell size before pandas parses the file."""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from pathlib import Path

import pandas as pd

from wfm.errors import InputError, Problems
from wfm.readers.limits import MB, cell_problem, limit

FIRST_LINES_BYTES = 4 * MB  # the header and the lines the delimiter is sniffed from are looked for in this much
ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK/GB2312, common in Chinese ACD exports


def _encoding(path: Path, data: bytes) -> str:
    """The first of ENCODINGS that decodes the whole file (checked in chunks, never holding a decoded copy)."""
    chunk = 8 * MB
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


_UNICODE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # before UTF-16: FF FE 00 00
                 (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def wide_text_as_utf8(path: Path, data: bytes) -> bytes | None:
    """A UTF-16 or UTF-32 text with its byte-order mark (Excel's "Unicode text" export and some ACD tools: UTF-16
    LE, tab-separated) re-encoded as UTF-8, to be read like any CSV; None for a file without such a mark. A file
    that does not decode is refused naming the line (a true binary file with a lucky first two bytes)."""
    enc = next((e for bom, e in _UNICODE_BOMS if data.startswith(bom)), None)
    if enc is None:
        return None
    decoder, out, chunk = codecs.getincrementaldecoder(enc)(), io.BytesIO(), 8 * MB
    start = 0
    try:  # a chunk at a time: never the whole file as a str beside its bytes
        for start in range(0, len(data), chunk):
            out.write(decoder.decode(data[start:start + chunk], final=start + chunk >= len(data)).encode("utf-8"))
        return out.getvalue()
    except UnicodeDecodeError as exc:
        bad = start + max(exc.start, 0)
        line = data[:bad].decode(enc, errors="replace").count("\n") + 1
        raise InputError([cell_problem(path, f"the file starts like {enc.upper()} text (a byte-order mark) but does "
                                             f"not decode as it: a damaged or binary file", line, None)]) from None


def looks_like_utf16_without_bom(head: bytes) -> bool:
    """Text whose every other byte is NUL (ASCII in UTF-16 with no byte-order mark)."""
    pairs = head[:len(head) // 2 * 2]
    return len(pairs) >= 8 and (pairs[1::2].count(0) == len(pairs) // 2 or pairs[0::2].count(0) == len(pairs) // 2)


def _without_sep_line(data: bytes) -> tuple[bytes, str | None]:
    """The text without Excel's delimiter line (`sep=;` as the first line, which Excel reads and hides), and the
    delimiter it names; (data, None) when there is none. Row numbers stay those Excel shows (header = row 1)."""
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    first, newline, rest = data[len(bom):len(bom) + 16].partition(b"\n")
    m = re.fullmatch(rb"\s*sep=(.)\s*", first) if newline else None
    if m is None or m.group(1) not in b",;\t|":
        return data, None
    return bom + data[len(bom) + len(first) + 1:], m.group(1).decode()


def _first_lines(data: bytes, enc: str, n: int) -> list[str]:
    """The first `n` non-blank lines of the text, from its first few megabytes only."""
    prefix = codecs.getincrementaldecoder(enc)(errors="replace").decode(data[:FIRST_LINES_BYTES], final=False)
    lines = prefix.splitlines()
    if len(data) > FIRST_LINES_BYTES and len(lines) > 1:
        lines = lines[:-1]  # cut short
    return [ln for ln in lines if ln.strip()][:n]


def read_csv_table(path: Path, data: bytes) -> pd.DataFrame:
    max_rows, max_cols = limit("WFM_MAX_ROWS"), limit("WFM_MAX_COLUMNS")
    lines_in_file = data.count(b"\n") + (not data.endswith(b"\n"))
    if lines_in_file > max_rows + 1:
        raise InputError(f"the file has {lines_in_file:,} lines, more than the limit of {max_rows:,} rows (raise it "
                         f"with the environment variable WFM_MAX_ROWS if the file is genuine)", file=path)
    data, given = _without_sep_line(data)
    enc = _encoding(path, data)
    lines = _first_lines(data, enc, 20)
    if not lines:
        raise InputError("the file is empty", file=path)
    header = lines[0]
    try:
        delimiter = given or csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    if delimiter not in header and not given:
        # a one-column header: pick any delimiter that the header does contain
        delimiter = next((d for d in ",;\t|" if d in header), ",")
    try:
        n_fields = len(next(csv.reader([header], delimiter=delimiter)))
    except csv.Error as exc:
        raise InputError(f"not a readable CSV table: {exc}", file=path) from None
    if n_fields > max_cols:
        raise InputError([cell_problem(path, f"the header has {n_fields:,} columns, over the limit of {max_cols} "
                                             f"(raise it with the environment variable WFM_MAX_COLUMNS if the file "
                                             f"is genuine)", 1, None)])
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
    return _without_trailing_blank_rows(frame).replace({"": None}).reset_index(drop=True)


def _without_trailing_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The table without the rows of bare delimiters (`,,,`) Excel writes below the data when cells there were
    formatted or cleared; such a row between rows stays, to be reported with its row number."""
    end = len(frame)
    while end > 0:  # from the end, a block at a time: the data's last row is usually the file's
        block = frame.iloc[max(0, end - 1000):end]
        filled = block.apply(lambda col: col.str.strip().ne("")).any(axis=1).to_numpy().nonzero()[0]
        if len(filled):
            return frame.iloc[:end - len(block) + filled[-1] + 1]
        end -= len(block)
    return frame.iloc[:0]


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
                    raise InputError([cell_problem(path, f"the cell holds {len(cell):,} characters, over the limit of "
                                                     f"{max_chars:,} (raise it with the environment variable "
                                                     f"WFM_MAX_CELL_CHARS if the file is genuine)", i,
                                               _csv_column(header, delimiter, j))])
            if i > max_rows + 1:
                raise InputError(f"the file has more than {max_rows:,} rows, over the limit (raise it with the "
                                 f"environment variable WFM_MAX_ROWS if the file is genuine)", file=path)
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise InputError([cell_problem(path, f"a cell holds more than {max_chars:,} characters, over the limit "
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
