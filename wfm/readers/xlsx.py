"""Streaming xlsx worksheets within the input limits (openpyxl's reader parts, XML parsed by defusedxml)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.etree.ElementTree import ParseError

import pandas as pd

from wfm.errors import InputError
from wfm.readers.limits import EXCEL_ROWS, MB, cell_problem, check_input_file, check_zip, limit
from wfm.readers.totals import is_totals_label


EXCEL_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!",
                "#GETTING_DATA"}  # what a cell shows for a formula that failed


class UncachedFormula(str):
    """A formula cell with no stored value: the workbook was written by a program and never opened (and
    recalculated) in Excel, so there is nothing to read. Holds the formula's text."""


_TEXT_TYPES = ("str", "s", "inlineStr")  # a formula of these types with an empty stored value evaluated to ""


def _cell_parser(src, reader):
    """openpyxl's worksheet parser reading stored (cached) values, with a formula that has none given as an
    `UncachedFormula` instead of an empty cell (which would read a lost value as a blank: a shift as OFF).
    openpyxl writes a formula with an empty `<v>` and no type; Excel writes one that gave "" as type `str`."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class CachedValueParser(WorkSheetParser):
        def parse_cell(self, element):  # noqa: ANN001, ANN202 - openpyxl's signature
            cell = super().parse_cell(element)
            if element.find(FORMULA_TAG) is not None:
                formula = self.parse_formula(element)  # also registers a shared formula for the cells after it
                if not element.findtext(VALUE_TAG) and element.get("t", "n") not in _TEXT_TYPES:
                    text = getattr(formula, "text", None) or str(formula)
                    cell["value"] = UncachedFormula(text if text.startswith("=") else f"={text}")
            return cell

    wb = reader.wb
    return CachedValueParser(src, reader.shared_strings, data_only=True, epoch=wb.epoch,
                             date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)


def _uncached_problem(path: Path, sheet: str, cell: dict, column: str) -> InputError:
    from openpyxl.utils import get_column_letter

    ref = f"{get_column_letter(cell['column'])}{cell['row']}"
    return InputError([cell_problem(path, f"sheet '{sheet}', cell {ref}: the formula {cell['value']} has no stored "
                                          f"value (the workbook was written by a program and never opened in Excel), "
                                          f"so its value cannot be read; open the workbook in Excel and save it, or "
                                          f"paste the cells as values", cell["row"], column)])


def _xlsx_value(cell: dict) -> object:
    """A cell's value as pandas.read_excel gives it (whole numbers are ints), except an error value (`#N/A`, a
    formula that failed in Excel): its text, for the reader to refuse or leave out, never a blank (a shift read as
    OFF, a leave lost)."""
    value, kind = cell["value"], cell["data_type"]
    if kind == "e":
        return value if isinstance(value, str) and value else "#VALUE!"
    if kind == "n" and isinstance(value, float):
        try:
            as_int = int(value)
        except (OverflowError, ValueError):
            return value
        return as_int if as_int == value else value
    return value


def read_xlsx_table(path: Path, what: str) -> pd.DataFrame:
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
        frame = TextParser([header, *body], header=0, index_col=None, dtype=str, skip_blank_lines=False,
                           keep_default_na=False, na_values=[""]).read()  # "NA" is a team, "#N/A" an error: text
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
        check_zip(path, zf)
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
    path = Path(path)
    check_input_file(path, what=what)
    max_rows, max_blank = limit("WFM_MAX_ROWS"), limit("WFM_MAX_BLANK_ROWS")
    max_cols, max_chars = limit("WFM_MAX_COLUMNS"), limit("WFM_MAX_CELL_CHARS")
    header: list[object] = []
    with _guarded_xlsx(path) as reader:
        sheets = _worksheets(reader)
        if sheet is None:
            if not sheets:
                raise InputError("the workbook has no worksheet", file=path)
            sheet, target = sheets[0]
        else:
            target = next((part for name, part in sheets if name == sheet), None)
            if target is None:
                raise InputError(f"the workbook has no '{sheet}' sheet (sheets: "
                                 f"{', '.join(name for name, _ in sheets)})", file=path)
        with reader.archive.open(target) as src:
            parser = _cell_parser(src, reader)
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
                values = _row_values(path, sheet, row_number, cells, header, max_cols, max_chars)
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


def _row_values(path: Path, sheet: str, row_number: int, cells, header: list[object], max_cols: int,
                max_chars: int) -> dict[int, object]:
    """Column -> value of one row's non-empty cells, within the column and cell-size limits. A formula with no
    stored value is an `InputError` naming sheet and cell, except on a totals row (its sums are no data)."""
    values: dict[int, object] = {}
    uncached: list[dict] = []
    for cell in cells:
        value = cell["value"]
        if value is None or value == "":
            continue
        col = cell["column"]
        if col > max_cols:
            raise InputError([cell_problem(path, f"a value beyond the limit of {max_cols} columns (raise it with the "
                                                 f"environment variable WFM_MAX_COLUMNS if the file is genuine)",
                                           row_number, _column_name(header, row_number, col))])
        if isinstance(value, str) and len(value) > max_chars:
            raise InputError([cell_problem(path, f"the cell holds {len(value):,} characters, over the limit of "
                                                 f"{max_chars:,} (raise it with the environment variable "
                                                 f"WFM_MAX_CELL_CHARS if the file is genuine)", row_number,
                                           _column_name(header, row_number, col))])
        if isinstance(value, UncachedFormula):
            uncached.append(cell)
            continue
        values[col] = _xlsx_value(cell)
    if uncached and not any(map(is_totals_label, values.values())):
        raise _uncached_problem(path, sheet, uncached[0], _column_name(header, row_number, uncached[0]["column"]))
    return values


def _column_name(header: list[object], row_number: int, col: int) -> str:
    """How a problem names column `col`: its header, or its letter (in the header row, or with no header)."""
    from openpyxl.utils import get_column_letter

    if row_number > 1 and col <= len(header) and header[col - 1] not in (None, ""):
        return str(header[col - 1])
    return get_column_letter(col)


_VALUE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:v|t)(?:\s[^>]*)?>\s*[^<\s]")


def _check_rest_blank(path: Path, archive: zipfile.ZipFile, target: str, src, blank_from: int,
                      row_number: int) -> None:
    """After a long run of empty rows, scan the rest of the sheet's XML (as bytes, at C speed) for any value: none
    means the table ended; one is refused (a table with a huge gap in it is not a table this tool reads)."""
    start = max(0, src.tell() - 4 * 65536)  # the parser reads ahead: rescan what it may not have handed over yet
    chunk, tail = 4 * MB, b""
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
