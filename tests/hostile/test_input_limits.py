"""Hostile inputs: every one ends in a clear InputError (exit 2 from the CLI), quickly and in bounded memory.

The files are generated here: minimal xlsx workbooks written part by part (so that a sheet can hold what no
spreadsheet program would write), CSV files, a FIFO. Cases that would eat the machine if a limit broke run in a
subprocess under a 1 GB address-space cap.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from wfm.errors import InputError
from wfm.readers.tables import check_input_file, read_table

CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
      '</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
AGENTS_HEADER = ("agent_id", "name", "team", "skills", "contract_hours_week")


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(r: int, values: tuple[str, ...]) -> str:
    return f'<row r="{r}">' + "".join(_cell(f"{chr(65 + j)}{r}", v) for j, v in enumerate(values)) + "</row>"


HEAD = _row(1, AGENTS_HEADER) + _row(2, ("A001", "Ann", "t1", "billing", "40"))


def write_xlsx(path: Path, *chunks: str, prolog: str = "", dimension: str = "") -> Path:
    """A minimal workbook whose first sheet's <sheetData> is the chunks, written as they come."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CT)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}<worksheet '
                     f'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}'
                     f'<sheetData>'.encode())
            for chunk in chunks:
                fh.write(chunk.encode())
            fh.write(b"</sheetData></worksheet>")
    return path


def run_capped(path: Path, *, cap_gb: float = 1.0, env: dict[str, str] | None = None,
               timeout: float = 60) -> tuple[str, float]:
    """read_table(path) in a subprocess whose address space is capped; returns (its report, seconds)."""
    script = textwrap.dedent(f"""
        import resource, sys
        cap = int({cap_gb} * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        from wfm.errors import InputError
        from wfm.readers.tables import read_table
        try:
            frame = read_table(sys.argv[1], what="agents")
        except InputError as exc:
            print("INPUTERROR", exc)
        else:
            print("ROWS", len(frame), list(frame.index[:3]))
    """)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "OPENBLAS_NUM_THREADS": "1", **(env or {})})
    seconds = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return proc.stdout.strip(), seconds


@contextlib.contextmanager
def deadline(seconds: int):
    """Fail instead of hanging (a FIFO opened for reading blocks until a writer comes)."""
    def _timeout(signum, frame):
        raise TimeoutError(f"still reading after {seconds} s")
    old = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _message(exc: pytest.ExceptionInfo) -> str:
    return str(exc.value)


# --- not regular files ---------------------------------------------------------------------------------------

def test_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "history.csv"
    os.mkfifo(fifo)
    with deadline(10), pytest.raises(InputError) as exc:
        read_table(fifo, what="history")
    assert "named pipe" in _message(exc) and str(fifo) in _message(exc)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_device_is_refused_before_reading():
    with deadline(10), pytest.raises(InputError) as exc:
        read_table("/dev/zero", what="history")
    assert "device" in _message(exc)


def test_check_input_file_makes_the_same_checks_without_reading(tmp_path, monkeypatch):
    fifo = tmp_path / "roster.xlsx"
    os.mkfifo(fifo)
    with deadline(10), pytest.raises(InputError, match="named pipe"):
        check_input_file(fifo, what="roster")
    bomb = write_xlsx(tmp_path / "bomb.xlsx", HEAD, " " * (3 << 20))
    monkeypatch.setenv("WFM_MAX_XLSX_XML_MB", "2")
    with pytest.raises(InputError, match="zip bomb"):
        check_input_file(bomb, what="roster")
    monkeypatch.delenv("WFM_MAX_XLSX_XML_MB")
    check_input_file(bomb, what="roster")


def test_folder_and_missing_file_are_refused(tmp_path):
    with pytest.raises(InputError, match="got a folder"):
        read_table(tmp_path, what="agents")
    with pytest.raises(InputError, match="not found"):
        read_table(tmp_path / "nope.xlsx", what="agents")


# --- xlsx: sheet shape -----------------------------------------------------------------------------------------

def test_one_cell_at_xfd1048576_is_refused_quickly_in_bounded_memory(tmp_path):
    path = write_xlsx(tmp_path / "agents.xlsx", HEAD, '<row r="1048576">' + _cell("XFD1048576", "x") + "</row>",
                      dimension='<dimension ref="A1:XFD1048576"/>')
    assert path.stat().st_size < 4096
    report, seconds = run_capped(path)
    assert report.startswith("INPUTERROR"), report
    assert "row 1048576" in report and "XFD" in report and "200 columns" in report
    assert seconds < 20


def test_an_empty_formatted_cell_at_xfd1048576_is_ignored(tmp_path):
    path = write_xlsx(tmp_path / "agents.xlsx", HEAD, '<row r="1048576"><c r="XFD1048576" s="0"/></row>',
                      dimension='<dimension ref="A1:XFD1048576"/>')
    report, seconds = run_capped(path)
    assert report == "ROWS 1 [0]"
    assert seconds < 20


def test_many_blank_rows_end_the_table_in_seconds(tmp_path):
    blank = "".join(f'<row r="{r}">{_cell(f"A{r}", "")}</row>' for r in range(3, 300_003))
    path = write_xlsx(tmp_path / "agents.xlsx", HEAD, blank)
    started = time.monotonic()
    frame = read_table(path, what="agents")
    assert time.monotonic() - started < 10
    assert list(frame["agent_id"]) == ["A001"]


def test_a_value_after_a_long_run_of_blank_rows_is_refused(tmp_path):
    blank = "".join(f'<row r="{r}" s="1" customFormat="1"/>' for r in range(3, 30_003))
    path = write_xlsx(tmp_path / "agents.xlsx", HEAD, blank, _row(40_000, ("A002", "Bob", "t1", "billing", "40")))
    with pytest.raises(InputError) as exc:
        read_table(path, what="agents")
    assert "empty" in _message(exc) and "WFM_MAX_BLANK_ROWS" in _message(exc)


def test_blank_rows_and_gaps_keep_sheet_row_numbers(tmp_path):
    blank = "".join(f'<row r="{r}"/>' for r in range(3, 503))
    path = write_xlsx(tmp_path / "agents.xlsx", HEAD, blank, _row(600, ("A002", "Bob", "t1", "billing", "40")),
                      _row(1_048_576, ("A003", "Cy", "t2", "faults", "20")))
    frame = read_table(path, what="agents")
    assert list(frame.index + 2) == [2, 600, 1_048_576]  # index + 2 is the sheet row
    assert list(frame["name"]) == ["Ann", "Bob", "Cy"]


def test_rows_beyond_the_row_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("WFM_MAX_ROWS", "100")
    rows = "".join(_row(r, (f"A{r}", "x", "t", "billing", "40")) for r in range(3, 200))
    path = write_xlsx(tmp_path / "agents.xlsx", HEAD, rows)
    with pytest.raises(InputError, match="more than 100 rows.*WFM_MAX_ROWS"):
        read_table(path, what="agents")


def test_over_long_xlsx_cell_is_refused_with_row_and_column(tmp_path):
    path = write_xlsx(tmp_path / "agents.xlsx", HEAD, _row(3, ("A002", "x" * 20_000, "t1", "billing", "40")))
    with pytest.raises(InputError) as exc:
        read_table(path, what="agents")
    assert "row 3, column 'name'" in _message(exc) and "20,000 characters" in _message(exc)
    assert "WFM_MAX_CELL_CHARS" in _message(exc)


def test_a_200_mb_cell_in_a_small_workbook_is_refused_within_1_gb(tmp_path):
    path = write_xlsx(tmp_path / "agents.xlsx", HEAD, '<row r="3"><c r="B3" t="inlineStr"><is><t>',
                      *(["x" * (1 << 20)] * 200), "</t></is></c></row>")
    assert path.stat().st_size < 1_000_000
    report, seconds = run_capped(path)
    assert report.startswith("INPUTERROR") and "row 3, column 'name'" in report, report
    assert seconds < 20


# --- xlsx: XML and zip tricks ----------------------------------------------------------------------------------

def test_billion_laughs_is_refused_cleanly(tmp_path):
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10))
    path = write_xlsx(tmp_path / "agents.xlsx", HEAD, _row(3, ("A002", "&lol9;")),
                      prolog=f"<!DOCTYPE lolz [{entities}]>")
    report, seconds = run_capped(path)
    assert report.startswith("INPUTERROR") and "entity" in report, report
    assert seconds < 20


def test_external_entity_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "agents.xlsx", HEAD, _row(3, ("A002", "&xxe;")),
                      prolog='<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
    with pytest.raises(InputError) as exc:
        read_table(path, what="agents")
    assert "entity" in _message(exc) and "root:" not in _message(exc)


def test_openpyxl_parses_with_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML, "defusedxml must be installed (a dependency): openpyxl then parses with it"


def test_sheet_unpacking_beyond_the_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "agents.xlsx", HEAD, " " * (3 << 20))  # 3 MB of XML whitespace
    monkeypatch.setenv("WFM_MAX_XLSX_XML_MB", "2")
    started = time.monotonic()
    with pytest.raises(InputError) as exc:
        read_table(path, what="agents")
    assert time.monotonic() - started < 1
    assert "xl/worksheets/sheet1.xml" in _message(exc) and "zip bomb" in _message(exc)


def test_default_unpacked_limit_refuses_a_300_mb_sheet(tmp_path):
    path = write_xlsx(tmp_path / "agents.xlsx", HEAD, *([" " * (1 << 20)] * 300))
    assert path.stat().st_size < 1_000_000
    with pytest.raises(InputError, match="over the limit of 256 MB"):
        read_table(path, what="agents")


def test_shared_strings_over_their_limit_are_refused_before_parsing(tmp_path):
    """Shared strings are read whole: 40 MB of tiny strings (a 0.1 MB file) would take most of a minute."""
    path = write_xlsx(tmp_path / "agents.xlsx", HEAD)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                                            'main">' + "<si><t>ab</t></si>" * 2_400_000 + "</sst>")
    started = time.monotonic()
    with pytest.raises(InputError, match="shared strings unpack to .* over the limit of 32 MB"):
        read_table(path, what="agents")
    assert time.monotonic() - started < 1


def test_not_a_zip_and_a_broken_zip_are_refused(tmp_path):
    broken = tmp_path / "agents.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(InputError, match="cannot read the workbook"):
        read_table(broken, what="agents")


def test_xlsx_over_the_size_limit_is_refused_from_stat(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "agents.xlsx", HEAD)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as zf:
        zf.writestr("xl/media/image1.bin", os.urandom(3 << 19))  # 1.5 MB that does not compress
    monkeypatch.setenv("WFM_MAX_XLSX_MB", "1")
    with pytest.raises(InputError, match="over the limit of 1 MB.*WFM_MAX_XLSX_MB"):
        read_table(path, what="agents")
    monkeypatch.delenv("WFM_MAX_XLSX_MB")
    assert list(read_table(path, what="agents")["agent_id"]) == ["A001"]


def test_streamed_xlsx_reads_like_pandas(tmp_path):
    """The streaming reader gives what pandas.read_excel(dtype=str) gives, blank rows dropped, row numbers kept;
    text pandas would take for missing ("NA") is text, as the CSV reader keeps it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["agent_id", "name", None, "contract_hours_week", "rate", "since", "flag"])
    ws.append(["A1", "Ann", None, 40, 2.5, dt.datetime(2026, 12, 1, 8, 15), True])
    ws.append([])
    ws.append(["NA", "", None, 3.0, "x", dt.date(2026, 1, 1), False])
    ws.cell(row=7, column=9, value="beyond the header")
    ws.cell(row=9, column=1, value=dt.time(8, 15))
    path = tmp_path / "agents.xlsx"
    wb.save(path)
    expected = pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl", keep_default_na=False,
                             na_values=[""]).dropna(how="all")
    assert expected.loc[2, "agent_id"] == "NA"
    expected.columns = [str(c).strip() for c in expected.columns]
    pd.testing.assert_frame_equal(read_table(path, what="agents"), expected)


# --- CSV -------------------------------------------------------------------------------------------------------

def test_csv_over_the_row_limit_is_refused_quickly(tmp_path):
    path = tmp_path / "history.csv"
    path.write_bytes(b"interval_start,queue,offered\n" + b"2026-12-01T08:00:00,billing,1\n" * 5_000_001)
    started = time.monotonic()
    with pytest.raises(InputError, match="more than the limit of 5,000,000 rows.*WFM_MAX_ROWS"):
        read_table(path, what="history")
    assert time.monotonic() - started < 5


def test_csv_over_the_size_limit_is_refused_from_stat(tmp_path, monkeypatch):
    path = tmp_path / "history.csv"
    path.write_bytes(b"interval_start,queue,offered\n" + b"2026-12-01T08:00:00,billing,1\n" * 70_000)
    monkeypatch.setenv("WFM_MAX_INPUT_MB", "1")
    with pytest.raises(InputError, match="over the limit of 1 MB.*WFM_MAX_INPUT_MB"):
        read_table(path, what="history")


def test_over_long_csv_cell_is_refused_with_row_and_column(tmp_path):
    path = tmp_path / "agents.csv"
    path.write_text("agent_id,name,team\nA1,Ann,t1\nA2," + "y" * 50_000 + ",t1\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_table(path, what="agents")
    assert "row 3, column 'name'" in _message(exc) and "50,000 characters" in _message(exc)


def test_a_300_mb_line_is_refused(tmp_path):
    path = tmp_path / "history.csv"
    with open(path, "wb") as fh:
        fh.write(b"interval_start,queue,offered\n")
        for _ in range(300):
            fh.write(b"z" * (1 << 20))
    report, seconds = run_capped(path, cap_gb=1.5)
    assert report.startswith("INPUTERROR") and "row 2" in report and "characters" in report, report
    assert seconds < 20


def test_csv_with_too_many_columns_is_refused(tmp_path):
    path = tmp_path / "agents.csv"
    path.write_text(",".join(f"c{i}" for i in range(300)) + "\n" + ",".join("1" * 300) + "\n")
    with pytest.raises(InputError, match="300 columns, over the limit of 200.*WFM_MAX_COLUMNS"):
        read_table(path, what="agents")


def test_a_bad_limit_in_the_environment_is_a_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "agents.csv"
    path.write_text("agent_id,name\nA1,Ann\n")
    monkeypatch.setenv("WFM_MAX_ROWS", "lots")
    with pytest.raises(InputError, match="WFM_MAX_ROWS must be a positive whole number"):
        read_table(path, what="agents")


def test_csv_reading_stays_within_a_few_times_the_file_size(tmp_path):
    """20 MB of history read under a 1 GB address-space cap (the old reader needed about 21x the file size)."""
    path = tmp_path / "history.csv"
    line = b"2026-12-01T08:15:00,billing,123,120,3,240.5,12.3,0.850\n"
    path.write_bytes(b"interval_start,queue,offered,handled,abandoned,aht_s,asa_s,service_level\n"
                     + line * (20_000_000 // len(line)))
    report, seconds = run_capped(path)
    assert report.startswith("ROWS 36363"), report
    assert seconds < 20


# --- the CLI ---------------------------------------------------------------------------------------------------

def test_cli_exits_2_with_the_message_and_no_traceback(tmp_path, cli):
    ws = tmp_path / "ws"
    assert cli("init", ws)[0] == 0
    agents = write_xlsx(tmp_path / "hostile.xlsx", HEAD, '<row r="1048576">' + _cell("XFD1048576", "x") + "</row>")
    code, out, err = cli("validate", "--config", ws / "config.toml", "--agents", agents)
    assert code == 2
    assert "XFD" in out + err and "hostile.xlsx" in out + err
    assert "Traceback" not in out + err

    fifo = tmp_path / "history.csv"
    os.mkfifo(fifo)
    with deadline(30):
        code, out, err = cli("forecast", "--history", fifo, "--start", "2026-12-01", "--days", "7",
                             "-o", tmp_path / "f.csv")
    assert code == 2
    assert "named pipe" in out + err and "Traceback" not in out + err
