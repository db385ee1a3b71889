"""Adherence and conformance on a hand-made day, the agent-state reader's errors, the CLI."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from test_roster import CONFIG, make_config
from wfm.adherence import adherence
from wfm.config import DEFAULT_STATES
from wfm.errors import InputError
from wfm.readers.agents import Agent
from wfm.readers.states import read_states

DAY = dt.date(2026, 12, 8)
AGENTS = [Agent("A1", "One", "T1", {"billing": 1.0}, 40.0), Agent("A2", "Two", "T2", {"billing": 1.0}, 40.0)]


def _roster() -> pd.DataFrame:
    at = lambda hm: pd.Timestamp(f"{DAY} {hm}")  # noqa: E731
    rows = [("A1", at("09:00"), "work", "billing"), ("A1", at("09:30"), "break", None),
            ("A1", at("10:00"), "work", "billing"), ("A2", at("09:00"), "work", "billing"),
            ("A2", at("09:30"), "work", "billing")]
    return pd.DataFrame([(a, DAY, ts, act, q) for a, ts, act, q in rows],
                        columns=["agent_id", "date", "interval_start", "activity", "queue"])


STATES = """agent_id,start,end,state
A1,2026-12-08T09:00:00,2026-12-08T09:40:00,Available
A1,2026-12-08T09:40:00,2026-12-08T10:05:00,Break
A1,2026-12-08T10:05:00,2026-12-08T10:30:00,Talking
A2,2026-12-08T09:00:00,2026-12-08T09:15:00,Not Ready
"""


def test_adherence_and_conformance_by_hand(tmp_path):
    path = tmp_path / "states.csv"
    path.write_text(STATES, encoding="utf-8")
    states = read_states(path, DEFAULT_STATES, {"A1", "A2"})
    res = adherence(_roster(), states, AGENTS, 30)
    a = res.agents.set_index("agent_id")
    # A1 planned work 09:00-09:30, break 09:30-10:00, work 10:00-10:30 (90 min); in its plan 30 + 20 + 25 = 75 min
    assert a.loc["A1", ["scheduled_min", "adherent_min", "work_planned_min", "work_actual_min"]].tolist() == \
        [90, 75, 60, 65]
    assert a.loc["A1", "adherence"] == pytest.approx(75 / 90)
    assert a.loc["A1", "conformance"] == pytest.approx(65 / 60)  # worked 10 min of its break
    # A2 planned to work 09:00-10:00: not ready 15 min, then logged out
    assert a.loc["A2", ["adherence", "conformance"]].tolist() == [0.0, 0.0]
    teams = res.teams.set_index("team")
    assert teams.loc["T1", "adherence"] == pytest.approx(75 / 90) and teams.loc["T2", "adherence"] == 0.0
    assert res.days["adherence"].tolist() == pytest.approx([75 / 150])
    assert res.days["conformance"].tolist() == pytest.approx([65 / 120])
    worst = res.periods.assign(start=res.periods["start"].dt.strftime("%H:%M"),
                               end=res.periods["end"].dt.strftime("%H:%M"))
    assert worst.values.tolist() == [["A2", "09:00", "10:00", 60, "work", "off"],
                                     ["A1", "09:30", "09:40", 10, "break", "work"],
                                     ["A1", "10:00", "10:05", 5, "work", "break"]]


def test_states_of_seconds_count_from_the_next_whole_minute(tmp_path):
    path = tmp_path / "states.csv"
    path.write_text("agent_id,start,end,state\nA2,2026-12-08T09:00:30,2026-12-08T10:00:00,Available\n")
    res = adherence(_roster(), read_states(path, DEFAULT_STATES), AGENTS, 30)
    assert res.agents.set_index("agent_id").loc["A2", "adherent_min"] == 59


def test_bad_state_files_name_row_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("agent_id,start,end,state\n"
                    "A1,2026-12-08T09:00:00,2026-12-08T09:30:00,Available\n"
                    "A1,2026-12-08T09:20:00,2026-12-08T09:45:00,Break\n"  # overlaps row 2
                    "A1,yesterday,2026-12-08T10:00:00,Available\n"
                    "A2,2026-12-08T11:00:00,2026-12-08T10:00:00,Available\n"
                    "A2,2026-12-08T12:00:00,2026-12-08T12:30:00,Aux 9\n"
                    "ZZ,2026-12-08T12:00:00,2026-12-08T12:30:00,Available\n")
    with pytest.raises(InputError) as err:
        read_states(path, DEFAULT_STATES, {"A1", "A2"})
    got = {(p.row, p.column) for p in err.value.errors}
    assert got == {(4, "start"), (5, "end"), (6, "state"), (7, "agent_id")}
    fixed = path.read_text().splitlines()
    del fixed[3:]
    path.write_text("\n".join(fixed) + "\n")
    with pytest.raises(InputError) as err:
        read_states(path, DEFAULT_STATES, {"A1", "A2"})
    assert {(p.row, p.column) for p in err.value.errors} == {(3, "start")}
    (tmp_path / "nocol.csv").write_text("agent_id,start,state\nA1,2026-12-08T09:00:00,Available\n")
    with pytest.raises(InputError) as err:
        read_states(tmp_path / "nocol.csv", DEFAULT_STATES)
    assert [(p.row, p.column) for p in err.value.errors] == [(1, "end")]


def test_config_maps_its_own_states():
    import dataclasses
    import tomllib

    from wfm.config import parse_config

    cfg = parse_config(tomllib.loads(CONFIG.format(iv=30) + '\n[adherence]\nstates = { "Aux 9" = "training" }\n'))
    assert cfg.adherence.states["aux 9"] == "training" and cfg.adherence.states["available"] == "work"
    with pytest.raises(InputError):
        parse_config(tomllib.loads(CONFIG.format(iv=30) + '\n[adherence]\nstates = { "Aux 9" = "nap" }\n'))
    assert dataclasses.replace(make_config()).adherence.states == DEFAULT_STATES


def test_cli(tmp_path, cli):
    from openpyxl import load_workbook

    from wfm.readers.agents import agents_frame
    from wfm.roster.workbook import write_roster

    (tmp_path / "config.toml").write_text(CONFIG.format(iv=30), encoding="utf-8")
    agents_frame(AGENTS).to_csv(tmp_path / "agents.csv", index=False)
    roster = write_roster(tmp_path / "roster.xlsx", _roster(), AGENTS, make_config(), start=DAY, days=1,
                          requirements=None, report=None)
    (tmp_path / "states.csv").write_text(STATES, encoding="utf-8")
    args = ["adherence", roster, "--states", tmp_path / "states.csv", "--config", tmp_path / "config.toml",
            "--agents", tmp_path / "agents.csv", "-o", tmp_path / "adh.xlsx"]
    code, out, err = cli(*args)
    assert code == 0, out + err
    assert "50.0% overall" in out
    wb = load_workbook(tmp_path / "adh.xlsx", read_only=True)
    assert wb.sheetnames == ["Agents", "Teams", "Days", "Shifts", "Out of adherence"]
    rows = list(wb["Agents"].values)
    assert rows[0][:3] == ("agent_id", "team", "scheduled_min") and rows[1][:4] == ("A1", "T1", 90, 75)
    code, _, _ = cli(*args)
    assert code == 2  # no overwrite without --force
    (tmp_path / "states.csv").write_text(STATES + "A1,2026-12-08T11:00:00,2026-12-08T10:00:00,Break\n")
    code, _, err = cli(*args[:-1], tmp_path / "adh2.xlsx")
    assert code == 2 and "row 6" in err and "end" in err and not (tmp_path / "adh2.xlsx").exists()
