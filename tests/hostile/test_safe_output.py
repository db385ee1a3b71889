"""Hostile text (formulas, DDE, control characters) from input files is written to every xlsx and CSV as text,
and wfm reads back what it wrote (CONTRACT: "... as text, never as a spreadsheet formula")."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
import tomllib

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from wfm.atomic import write_csv
from wfm.config import parse_config
from wfm.forecast.excel import write_forecast_xlsx
from wfm.publish import plan_from_code, write_roster_workbook
from wfm.publish.readback import read_roster_workbook
from wfm.readers.forecast import read_forecast
from wfm.roster import check_workbook
from wfm.safe_text import (
    TRIGGERS, append_row, clean_text, csv_text, csv_unescape, escape_frame, set_cell, sheet_title, text_cell,
    xlsx_text,
)
from wfm.sample import build_sample

START = dt.date(2026, 11, 30)
CODES = ["E0700", "D0900", "L1330", "N2200", "E0800", "L1400"]
HOSTILE = ['=HYPERLINK("http://x/?"&A1,"click")', "=cmd|' /C calc'!A0", "+1", "-x", "@SUM(1)", "张三",
           "a\tb", "ctl\x01\x1fchar", "#N/A", "=1+1", "-3.5", "'=quoted", "line\nbreak", "cr\rx", "+cmd|x", "=",
           "@", "-"]
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")


def _no_formulas(path) -> int:
    """Assert no cell of any sheet is a formula or error value; returns the number of cells looked at."""
    wb = load_workbook(path)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                n += 1
                assert c.data_type not in ("f", "e"), (ws.title, c.coordinate, c.value)
    return n


# ------------------------------------------------------------------------------------------- roster workbook

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The small sample hotline with hostile agent ids, names, teams, centre name and shift name; its roster
    written as a workbook."""
    sample = build_sample(START, days=3, small=True)
    text = sample.config_text.replace('name = "Small sample hotline"', f"name = {json.dumps(HOSTILE[0])}", 1)
    text = text.replace('name = "Early"', f"name = {json.dumps('=2+3 Early' + chr(1))}", 1)
    config = parse_config(tomllib.loads(text), path="config.toml", text=text)
    teams = sorted({a.team for a in sample.agents})
    team_of = {t: f"{HOSTILE[(k + 1) % len(HOSTILE)]}{k}" for k, t in enumerate(teams)}
    agents = []
    for i, a in enumerate(sample.agents):
        aid = HOSTILE[i] if i < len(HOSTILE) else a.agent_id
        name = HOSTILE[(i + 3) % len(HOSTILE)]
        agents.append(dataclasses.replace(a, agent_id=aid, name=name, team=team_of[a.team]))
    rows = []
    for i, a in enumerate(agents):
        for d in range(3):
            if (i + d) % 4 == 3:
                continue
            code = "P1000" if a.contract_hours_week < 40 else CODES[(i + d) % len(CODES)]
            rows.append(plan_from_code(a, START + dt.timedelta(days=d), code, config))
    roster = pd.concat(rows, ignore_index=True)
    violations = pd.DataFrame([("min_rest", HOSTILE[1], "2026-12-01", f"agent {HOSTILE[0]} rested 9 h")],
                              columns=["rule", "agent_id", "date", "message"])
    path = tmp_path_factory.mktemp("hostile") / "roster.xlsx"
    write_roster_workbook(path, roster, agents, config, start=START, days=3, violations=violations)
    return path, roster, agents, config


def test_roster_workbook_has_no_formulas(hostile):
    path, *_ = hostile
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["Roster", "Detail", "Coverage", "Summary", "Data"]
    assert _no_formulas(path) > 1000


def test_roster_sheet_shows_the_text_as_written(hostile):
    path, _, agents, config = hostile
    ws = load_workbook(path)["Roster"]
    assert HOSTILE[0] in ws["A1"].value  # the centre name in the title
    rows = [r for r in ws.iter_rows(min_row=4) if r[0].value not in (None, "")][:len(agents)]  # past team headings
    assert {r[0].value for r in rows} == {clean_text(a.agent_id) for a in agents}
    shown = {r[0].value: r for r in rows}
    for a in agents:
        row = shown[clean_text(a.agent_id)]
        assert [c.value for c in row[:3]] == [clean_text(a.agent_id), clean_text(a.name), clean_text(a.team)]
        assert all(c.data_type == "s" for c in row[:3])
        # Excel keeps a quote-prefixed cell text when it is edited
        assert row[0].quotePrefix == (clean_text(a.agent_id)[:1] in TRIGGERS)
    legend = [c.value for row in ws.iter_rows(min_row=4 + len(agents)) for c in row if isinstance(c.value, str)]
    assert any(" =2+3 Early: " in v for v in legend)  # the template's name as written, after its code
    summary = [c.value for row in load_workbook(path)["Summary"].iter_rows() for c in row]
    assert HOSTILE[0] in summary and HOSTILE[1] in summary


def test_data_sheet_reads_back_what_was_written(hostile):
    path, roster, agents, config = hostile
    data = list(load_workbook(path, read_only=True)["Data"].iter_rows(values_only=True))
    assert {r[0] for r in data[1:]} == {clean_text(a) for a in roster["agent_id"]}
    back = read_roster_workbook(path, agents, config)
    assert back.edits.empty and not back.notes
    a = back.roster.sort_values(["agent_id", "interval_start"]).reset_index(drop=True)
    b = roster.sort_values(["agent_id", "interval_start"]).reset_index(drop=True)
    for col in ("agent_id", "interval_start", "activity", "queue"):
        assert a[col].astype(object).where(a[col].notna(), None).tolist() == \
            b[col].astype(object).where(b[col].notna(), None).tolist(), col
    assert set(a["agent_id"]) >= set(HOSTILE) - {""}


def test_check_reads_the_hostile_roster(hostile):
    path, roster, agents, config = hostile
    report = check_workbook(path, agents, config)  # used to fail with 'missing agent_id'
    assert report is not None


def test_simulation_block_keeps_the_workbook_text(hostile, tmp_path):
    from wfm.simulation.workbook import add_to_workbook

    path, roster, agents, config = hostile
    copy = tmp_path / "roster.xlsx"
    copy.write_bytes(path.read_bytes())
    period = pd.DataFrame({"queue": ["=1+1", "@SUM(1)"], "service_level": [0.8, -0.5]})
    add_to_workbook(copy, period, None, note="=HYPERLINK(\"x\")")
    _no_formulas(copy)
    back = read_roster_workbook(copy, agents, config)
    assert sorted(back.roster["agent_id"].unique()) == sorted(roster["agent_id"].unique())


# ---------------------------------------------------------------------------------------------------- CSV

def _forecast_frame(queues: list[str]) -> pd.DataFrame:
    ts = pd.date_range("2026-12-01", periods=4, freq="15min")
    return pd.DataFrame([(t.strftime("%Y-%m-%dT%H:%M:%S"), q, 1.5 + i, 240.0)
                         for i, q in enumerate(queues) for t in ts],
                        columns=["interval_start", "queue", "calls", "aht_s"])


def test_csv_round_trip_of_hostile_queue_names(tmp_path):
    # a CR inside a quoted field is written but wfm.readers.tables cannot read it back yet: left out here
    queues = [q for q in HOSTILE if "\r" not in q] + ["'-quoted twice", "''=x", "-1e3", "\tlead"]
    frame = _forecast_frame(queues)
    path = write_csv(frame, tmp_path / "forecast.csv")
    with path.open(newline="", encoding="utf-8") as fh:
        fields = [f for row in csv.reader(fh) for f in row]
    for f in fields:  # nothing a spreadsheet would read as a formula
        assert f[:1] not in TRIGGERS or NUMBER.match(f), f
    assert "-3.5" in fields and "'=1+1" in fields and "'-x" in fields
    back = read_forecast(path)
    expected = sorted(clean_text(q) for q in queues)
    assert sorted(back["queue"].unique()) == expected
    assert sorted(back["calls"].unique()) == sorted(frame["calls"].unique())


def test_numbers_and_non_text_columns_are_left_alone():
    frame = pd.DataFrame({"n": [-3.5, 2.0], "s": ["-3.5", "=x"], "t": pd.to_datetime(["2026-12-01", "2026-12-02"]),
                          "c": pd.Categorical(["+a", "b"]), "i": [-1, 1]})
    out = escape_frame(frame)
    assert out["n"].tolist() == [-3.5, 2.0] and out["i"].tolist() == [-1, 1]
    assert out["s"].tolist() == ["-3.5", "'=x"] and out["c"].tolist() == ["'+a", "b"]
    assert out["t"].equals(frame["t"])
    assert frame["s"].tolist() == ["-3.5", "=x"]  # the caller's frame is not changed
    plain = pd.DataFrame({"q": ["billing", "faults"], "x": [1, 2]})
    assert escape_frame(plain) is plain


# -------------------------------------------------------------------------------------------- forecast xlsx

def test_forecast_workbook_with_hostile_queue_names(tmp_path):
    queues = ["=1+1", "a/b", "A/B", "history", "x" * 40, "'quoted'", "c\x02d"]
    frame = _forecast_frame(queues)
    frame["interval_start"] = pd.to_datetime(frame["interval_start"])
    path = tmp_path / "forecast.xlsx"
    write_forecast_xlsx(frame, None, path)
    _no_formulas(path)
    wb = load_workbook(path)
    names = wb.sheetnames
    assert names[0] == "Forecast" and "=1+1" in names
    assert {"a_b", "a_b~2", "history~2", "x" * 31, "quoted", "cd"} <= {n.casefold() for n in names}
    assert len({n.casefold() for n in names}) == len(names)
    assert all(1 <= len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) and n[0] != "'" and n[-1] != "'"
               for n in names)
    assert "history" not in {n.casefold() for n in names}
    shown = {r[1] for r in wb["Forecast"].iter_rows(min_row=2, values_only=True)}
    assert shown == {clean_text(q) for q in queues}


# ------------------------------------------------------------------------------------------ property tests

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
hostile_text = st.one_of(text, st.sampled_from(HOSTILE),
                         st.tuples(st.sampled_from(list(TRIGGERS) + ["'", "''", "#"]), text).map("".join))


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_csv_text_is_safe_and_reversible(s):
    out = csv_text(s)
    assert out[:1] not in TRIGGERS or NUMBER.match(out)
    assert csv_unescape(out) == clean_text(s)
    assert csv_text(-3.5) == -3.5 and csv_unescape(None) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(hostile_text, min_size=1, max_size=6))
def test_xlsx_text_round_trips_through_both_workbook_kinds(tmp_path_factory, values):
    path = tmp_path_factory.mktemp("prop") / "t.xlsx"
    for write_only in (True, False):
        wb = Workbook(write_only=write_only)
        ws = wb.create_sheet("S")
        append_row(ws, values)
        ws.append([text_cell(ws, v) for v in values])
        if not write_only:
            for j, v in enumerate(values, start=1):
                assert set_cell(ws.cell(row=3, column=j), v).data_type == "s"
        wb.save(path)
        expected = [xlsx_text(v) or None for v in values]
        for row in load_workbook(path)["S"].iter_rows():
            got = [c.value for c in row][:len(values)]
            got += [None] * (len(values) - len(got))
            assert got == expected
            assert all(c.data_type not in ("f", "e") for c in row)


@settings(max_examples=200, deadline=None)
@given(st.lists(hostile_text, max_size=8))
def test_sheet_titles_are_valid_and_unique(names):
    taken = {"forecast"}
    wb = Workbook()
    for n in names:
        title = sheet_title(n, taken)
        assert 1 <= len(title) <= 31 and not re.search(r"[\[\]:*?/\\]", title)
        assert title[0] != "'" and title[-1] != "'" and title.casefold() != "history"
        wb.create_sheet(title)  # openpyxl accepts it
    assert len(taken) == len(names) + 1
    assert len({t.casefold() for t in wb.sheetnames}) == len(wb.sheetnames)


def test_libreoffice_shows_the_text_not_a_formula_result(hostile, tmp_path):
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    path, _, agents, _ = hostile
    out = tmp_path / "csv"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out), str(path)],
                   capture_output=True, text=True, timeout=240)
    rows = list(csv.reader((out / "roster.csv").open(encoding="utf-8", newline="")))
    shown = {r[0] for r in rows[3:] if r}  # agent rows between team headings, then the legend
    assert {HOSTILE[0], HOSTILE[1], "+1", "-x", "@SUM(1)", "-3.5", "#N/A", "=", "张三"} <= shown


def test_whatif_workbook_with_hostile_scenario_names(tmp_path):
    from wfm.scenarios.excel import write_whatif_xlsx

    names = ["base", "=1+1", "@SUM(1)", "-x\x01"]
    weeks = pd.to_datetime(["2026-12-07", "2026-12-14"])
    weekly = pd.DataFrame([(n, w, 10.0 + i, 12.0, 9, 0.8, 1000.0) for i, n in enumerate(names) for w in weeks],
                          columns=["scenario", "week_start", "fte_required", "fte_available", "peak_agents",
                                   "service_level", "cost"])
    comparison = pd.DataFrame({"scenario": names, "fte_required": [10.0, 11.0, 12.0, 13.0]})
    path = tmp_path / "whatif.xlsx"
    write_whatif_xlsx(weekly, comparison, pd.DataFrame(), path, notes=["=HYPERLINK(\"x\")"])
    _no_formulas(path)
    wb = load_workbook(path)
    assert [r[0] for r in wb["Comparison"].iter_rows(min_row=2, max_row=5, values_only=True)] == \
        [clean_text(n) for n in names]
    assert [c.value for c in wb["FTE required"][1]][2:6] == [clean_text(n) for n in names]


def test_agents_workbook_round_trip(hostile, tmp_path):
    from wfm.readers import read_agents
    from wfm.readers.agents import agents_frame
    from wfm.workspace import write_agents_xlsx

    _, _, agents, config = hostile
    # pandas.read_excel (wfm.readers.tables) reads a cell "#N/A" as missing: that input reader is not this test's
    agents = [dataclasses.replace(a, agent_id=a.agent_id.replace("#N/A", "#N/A x"),
                                  name=a.name.replace("#N/A", "#N/A x")) for a in agents]
    path = write_agents_xlsx(agents_frame(agents), tmp_path / "agents.xlsx", force=True)
    _no_formulas(path)
    back = read_agents(path, config)
    assert [(a.agent_id, a.name, a.team) for a in back] == \
        [(clean_text(a.agent_id), clean_text(a.name), clean_text(a.team)) for a in agents]
