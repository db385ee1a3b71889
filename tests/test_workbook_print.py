"""The printed workbook: the smallest text on paper, computed from each sheet's page set-up and column widths;
a page per team (Roster) and per day (Detail); the Data sheet not printed; a LibreOffice rendering."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from wfm.publish import plan_from_code, write_roster_workbook
from wfm.sample import build_sample

START = dt.date(2026, 11, 30)
CODES = ["E0700", "D0900", "L1330", "N2200", "E0800", "L1400"]
PAPER_MM = {9: (210, 297), 8: (297, 420)}  # A4, A3 (ECMA-376 paperSize codes)


def synthetic_roster(sample, days: int) -> pd.DataFrame:
    """Five shifts a week per agent from the sample's templates (not a solved roster: shape is what matters)."""
    rows = []
    for i, a in enumerate(sample.agents):
        for d in range(days):
            if (i + d) % 7 in (5, 6):
                continue
            code = "P1000" if a.contract_hours_week < 40 else CODES[(i + d // 7) % len(CODES)]
            rows.append(plan_from_code(a, START + dt.timedelta(days=d), code, sample.config))
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module", params=[7, 28])
def printed(request, tmp_path_factory):
    days = request.param
    sample = build_sample(START, days=days, small=True)
    path = tmp_path_factory.mktemp(f"print{days}") / "roster.xlsx"
    write_roster_workbook(path, synthetic_roster(sample, days), sample.agents, sample.config, start=START, days=days)
    return days, sample, load_workbook(path)


def column_pt(width: float) -> float:
    """The wider reading of a column width in points: Excel (7 px a character + 5 px at 96 dpi) or LibreOffice
    rendering it with DejaVu Sans when Calibri is missing (7 pt a character, measured on its PDF)."""
    return max((int(width * 7 + 0.5) + 5) * 0.75, width * 7.0)


def page_widths(ws) -> list[float]:
    """Width in points of each page across: print-title columns plus the columns up to the next column break."""
    width: dict[int, float] = {}
    for dim in ws.column_dimensions.values():  # openpyxl reads a run of equal columns as one (min..max)
        for c in range(dim.min or column_index_from_string(dim.index), (dim.max or dim.min or 0) + 1):
            width[c] = dim.width
    last = max(width)
    widths = [column_pt(width.get(c) or 8.43) for c in range(1, last + 1)]
    breaks = sorted(b.id for b in ws.col_breaks.brk)
    titles = 0.0
    if ws.print_title_cols:
        first, to = (column_index_from_string(x.strip("$")) for x in ws.print_title_cols.split(":"))
        titles = sum(widths[first - 1:to])
    bounds = [0] + breaks + [last]
    return [(titles if i else 0.0) + sum(widths[a:b]) for i, (a, b) in enumerate(zip(bounds, bounds[1:]))]


def smallest_print_pt(ws) -> tuple[float, float]:
    """(smallest font size on paper, print scale) from the page set-up, margins and column widths."""
    short, long_ = PAPER_MM[ws.page_setup.paperSize]
    paper_w = (long_ if ws.page_setup.orientation == "landscape" else short) * 72 / 25.4
    printable = paper_w - (ws.page_margins.left + ws.page_margins.right) * 72
    widest = max(page_widths(ws))
    if ws.sheet_properties.pageSetUpPr.fitToPage:
        scale = min(1.0, printable / widest)
    else:
        scale = (ws.page_setup.scale or 100) / 100
        assert widest * scale <= printable, f"{ws.title}: a page is {widest:.0f} pt wide, the paper {printable:.0f}"
    sizes = [c.font.sz or 11 for row in ws.iter_rows() for c in row if c.value not in (None, "")]
    return min(sizes) * scale, scale


@pytest.mark.parametrize("sheet", ["Roster", "Detail"])
def test_roster_and_detail_print_at_8_pt_or_more(printed, sheet):
    days, _, wb = printed
    size, scale = smallest_print_pt(wb[sheet])
    assert scale == 1.0 and size >= 8.0


def test_paper_a4_for_a_week_a3_for_four_and_weekly_pages_across(printed):
    days, sample, wb = printed
    ws = wb["Roster"]
    assert ws.page_setup.paperSize == (9 if days == 7 else 8)
    first_day = 7  # column G
    for b in ws.col_breaks.brk:  # a page across starts on a Monday column
        assert (b.id + 1 - first_day) % 7 == 0
    assert ws.print_title_cols == "$A:$B" and ws.print_title_rows == "$3:$3"
    assert ws.page_setup.pageOrder == "overThenDown"  # a team's weeks on consecutive pages
    if days == 28:
        assert len(ws.col_breaks.brk) >= 1  # four weeks do not fit across one page at 100%
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text


def test_detail_has_a_page_per_day(printed):
    days, _, wb = printed
    ws = wb["Detail"]
    day_rows = [c.row for c in ws["A"] if isinstance(c.value, str) and re.fullmatch(r"\w{3} \d{4}-\d\d-\d\d", c.value)]
    assert len(day_rows) == days
    assert sorted(b.id for b in ws.row_breaks.brk) == [r - 1 for r in day_rows[1:]]


def test_data_sheet_is_hidden_and_coverage_prints_its_charts(printed):
    _, _, wb = printed
    assert wb["Data"].sheet_state == "hidden"
    area = wb["Coverage"].print_area
    assert area and not area.startswith("'Coverage'!$A$")  # the charts, not the table


@pytest.mark.slow
def test_libreoffice_renders_the_full_sample_week_in_at_most_40_pages(tmp_path):
    """The full sample (119 agents, 6 queues, 7 days) as HR prints it; in Chinese where a CJK font is present."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (CI installs libreoffice-calc-nogui)")
    from dataclasses import replace

    sample = build_sample(START, days=7)
    roster = synthetic_roster(sample, 7)
    cjk = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout.strip() \
        if shutil.which("fc-list") else ""
    config = replace(sample.config, centre=replace(sample.config.centre, language="zh")) if cjk else sample.config
    path = tmp_path / "week.xlsx"
    write_roster_workbook(path, roster, sample.agents, config, start=START, days=7)
    result = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                             "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                            capture_output=True, text=True, timeout=240)
    pdf = (tmp_path / "week.pdf").read_bytes() if (tmp_path / "week.pdf").is_file() else b""
    assert pdf.startswith(b"%PDF"), result.stderr
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert 8 <= pages <= 40  # at least a page per team (8 teams)
    if cjk:  # the names and labels are drawn with a font that has CJK glyphs
        families = {name.replace(" ", "").lower().encode() for line in cjk.splitlines() for name in line.split(",")}
        fonts = {f.lower() for f in re.findall(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([^\s/]+)", pdf)}
        assert fonts & families, (fonts, families)
