"""Hostile files for benchmarks/adversarial.py: hand-made xlsx packages (dimension, blank-row, cell and zip
bombs, entity tricks), edited workspace tables, and checks on what wfm wrote."""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
{shared}</Types>"""
SHARED_TYPE = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
               'officedocument.spreadsheetml.sharedStrings+xml"/>\n')
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WB_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
{shared}</Relationships>"""
SHARED_REL = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              'sharedStrings" Target="sharedStrings.xml"/>\n')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}<worksheet xmlns="http://schemas.'
              'openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"


def col_name(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def row_xml(r: int, values: Iterable[object]) -> str:
    cells = []
    for c, v in enumerate(values):
        ref = f"{col_name(c)}{r}"
        if v is None or (isinstance(v, float) and v != v):
            continue
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            cells.append(f'<c r="{ref}"><v>{v}</v></c>')
        else:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}</t></is></c>')
    return f'<row r="{r}">{"".join(cells)}</row>'


def write_xlsx(path: Path, rows: Iterator[str], *, dimension: str = "", doctype: str = "",
               shared: str | None = None) -> None:
    """An xlsx package whose one sheet holds ROWS (row XML strings, streamed into the zip)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES.format(shared=SHARED_TYPE if shared else ""))
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WB_RELS.format(shared=SHARED_REL if shared else ""))
        if shared:
            z.writestr("xl/sharedStrings.xml", shared)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            dim = f'<dimension ref="{dimension}"/>' if dimension else ""
            f.write(SHEET_HEAD.format(doctype=doctype, dimension=dim).encode())
            for row in rows:
                f.write(row.encode())
            f.write(SHEET_TAIL.encode())


def table_rows(frame: pd.DataFrame) -> Iterator[str]:
    yield row_xml(1, frame.columns)
    for i, rec in enumerate(frame.itertuples(index=False), start=2):
        yield row_xml(i, rec)


def agents(ws: Path) -> pd.DataFrame:
    return pd.read_excel(ws / "agents.xlsx", sheet_name=0, dtype=str)


def write_agents_csv(ws: Path, frame: pd.DataFrame, name: str = "agents.csv") -> Path:
    path = ws / name
    frame.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
    return path


def set_config(ws: Path, key: str, value: str, nth: int = 0) -> Path:
    """Set the NTH `key = ...` line of config.toml to VALUE (comments dropped)."""
    path = ws / "config.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [i for i, ln in enumerate(lines) if re.match(rf"\s*{re.escape(key)}\s*=", ln)]
    lines[hits[nth]] = f"{key} = {value}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def formulas_in(xlsx: Path) -> list[str]:
    """Every formula (`<f>` element) in any sheet of XLSX: wfm writes none, so any found came from an input."""
    found = []
    with zipfile.ZipFile(xlsx) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                text = z.read(name).decode("utf-8", "replace")
                found += [f"{name}: {m[:60]}" for m in re.findall(r"<f[ >][^<]*", text)]
    return found


def csv_cells_starting(path: Path, chars: str = "=+-@\t\r") -> list[str]:
    """Cells of a CSV that a spreadsheet would run as a formula (plain numbers aside)."""
    bad = []
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.reader(f):
            for cell in row:
                if cell and cell[0] in chars and not re.fullmatch(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?", cell):
                    bad.append(cell[:40])
    return bad


def wfm_outputs(ws: Path) -> list[Path]:
    return [p for p in ws.rglob("*") if p.suffix in (".xlsx", ".csv", ".ics") and p.is_file()]
