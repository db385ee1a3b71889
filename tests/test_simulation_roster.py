"""Roster-driven simulation on hand-built long tables: breaks, shift ends, priority routing, determinism,
the roster reader, the Erlang comparison and the `wfm simulate` command."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest

from wfm.config import parse_config
from wfm.errors import InputError
from wfm.readers.agents import Agent
from wfm.simulation import run
from wfm.readers.roster import parse_roster_data, read_roster_data
from wfm.simulation.roster_sim import build_scenario, compare_summary, compare_with_erlang, simulate_roster

DAY = pd.Timestamp("2026-03-02")
CONFIG_TOML = """
[centre]
interval_minutes = 15

[queues.billing]
sl_target = 0.8
answer_time_s = 20
priority = 1

[queues.vip]
sl_target = 0.9
answer_time_s = 15
priority = 5
patience_s = 90

[queues.english]
sl_target = 0.8
answer_time_s = 30
priority = 2
"""


@pytest.fixture
def config():
    return parse_config(tomllib.loads(CONFIG_TOML), text=CONFIG_TOML)


def _roster(plan: dict[str, list[str]], start: pd.Timestamp = DAY) -> pd.DataFrame:
    """{agent: ['billing', 'break', '', 'vip', ...]} one entry per 15-minute interval from `start`;
    '' = not on duty."""
    rows = []
    for agent, acts in plan.items():
        for i, a in enumerate(acts):
            if not a:
                continue
            work = a in ("billing", "vip", "english")
            rows.append({"agent_id": agent, "date": start.normalize(),
                         "interval_start": start + pd.Timedelta(minutes=15 * i),
                         "activity": "work" if work else a, "queue": a if work else None})
    return pd.DataFrame(rows)


def _forecast(rates: dict[str, float], n: int, aht: float = 180.0, start: pd.Timestamp = DAY) -> pd.DataFrame:
    """`rates` calls per interval in the first `n` intervals from `start`, none in the rest of the day (the
    forecast covers the whole roster day, as `wfm simulate` requires)."""
    day_end = start.normalize() + pd.Timedelta(days=1)
    total = max(n, int((day_end - start) / pd.Timedelta(minutes=15)))
    rows = [{"interval_start": start + pd.Timedelta(minutes=15 * i), "queue": q, "calls": c if i < n else 0.0,
             "aht_s": aht} for i in range(total) for q, c in rates.items()]
    return pd.DataFrame(rows)


def _agent(aid: str, *skills: str) -> Agent:
    return Agent(aid, aid, "t1", {s: 1.0 for s in skills}, 40.0)


def test_agents_on_break_serve_nothing(config):
    roster = _roster({"a1": ["billing"] * 4 + ["break"] * 2 + ["billing"] * 4,
                      "a2": ["billing"] * 2 + ["lunch"] * 4 + ["billing"] * 4})
    sc, grid = build_scenario(roster, _forecast({"billing": 8}, 10), config)
    _, calls = run(sc, np.random.default_rng(0), keep_calls=True)
    start, agent = calls.start, calls.agent
    a1, a2 = grid.agent_ids.index("a1"), grid.agent_ids.index("a2")
    L = 900.0
    assert not np.any((agent == a1) & (start >= 4 * L) & (start < 6 * L))
    assert not np.any((agent == a2) & (start >= 2 * L) & (start < 6 * L))
    # nobody on the phone in intervals 4 and 5: no call is answered then (billing callers wait)
    assert not np.any((start >= 4 * L) & (start < 6 * L))
    assert np.any(start >= 6 * L)


def test_a_call_in_progress_at_shift_end_is_finished_and_no_new_one_starts(config):
    roster = _roster({"a1": ["billing"] * 4})
    fc = _forecast({"billing": 6}, 8, aht=700.0)
    sc, _ = build_scenario(roster, fc, config)
    _, calls = run(sc, np.random.default_rng(1), keep_calls=True, handle="lognormal", cv=0.05)
    ans = calls.answered
    end = calls.start + calls.service
    assert ans.sum() >= 3
    assert (calls.start[ans] < 4 * 900).all()  # nothing starts after the shift
    assert end[ans].max() > 4 * 900  # the last one runs past the shift end and is completed
    tot, _ = run(sc, np.random.default_rng(1), handle="lognormal", cv=0.05)
    assert tot.overrun_s > 0


def test_priority_routing_serves_vip_first(config):
    """An agent rostered on english (no calls) skilled for vip and billing: whenever a vip caller is waiting,
    the agent takes the vip caller, never a billing one."""
    roster = _roster({"a1": ["english"] * 16, "a2": ["english"] * 16})
    agents = [_agent("a1", "english", "vip", "billing"), _agent("a2", "english", "vip", "billing")]
    fc = _forecast({"billing": 20, "vip": 6, "english": 0}, 16, aht=120.0)
    sc, grid = build_scenario(roster, fc, config, agents)
    _, calls = run(sc, np.random.default_rng(2), keep_calls=True)
    vip, billing = grid.queues.index("vip"), grid.queues.index("billing")
    v = calls.queue == vip
    b_starts = calls.start[(calls.queue == billing) & calls.answered]
    assert b_starts.size > 10
    for s in b_starts:
        waiting_vip = v & (calls.arrival < s) & ((calls.start > s) | (calls.start < 0)) & (calls.deadline > s)
        assert not waiting_vip.any()
    # and vip callers wait far less than billing callers (non-preemptive: a vip caller may still wait for an
    # agent to finish a billing call, and some hang up meanwhile)
    wait = calls.wait
    assert np.nanmean(wait[v]) < 0.1 * np.nanmean(wait[calls.queue == billing])


def test_assigned_only_routing_ignores_other_skills(config):
    roster = _roster({"a1": ["english"] * 8})
    agents = [_agent("a1", "english", "billing")]
    fc = _forecast({"billing": 5, "english": 0}, 8)
    sc, _ = build_scenario(roster, fc, config, agents, routing="assigned_only")
    tot, _ = run(sc, np.random.default_rng(0))
    assert tot.answered.sum() == 0 and tot.calls.sum() > 0
    sc, _ = build_scenario(roster, fc, config, agents)
    tot, _ = run(sc, np.random.default_rng(0))
    assert tot.answered.sum() > 0


def test_simulate_roster_is_deterministic_and_has_the_contract_columns(config):
    roster = _roster({f"a{i}": ["billing"] * 20 + ["vip"] * 12 for i in range(6)})
    fc = _forecast({"billing": 25, "vip": 8}, 32)
    a = simulate_roster(roster, fc, None, config, replications=3, seed=7)
    b = simulate_roster(roster, fc, None, config, replications=3, seed=7)
    c = simulate_roster(roster, fc, None, config, replications=3, seed=8)
    pd.testing.assert_frame_equal(a.intervals, b.intervals)
    assert not a.intervals.equals(c.intervals)
    cols = ["interval_start", "queue", "calls", "answered", "abandoned", "service_level", "asa_s", "occupancy"]
    assert list(a.intervals.columns[:8]) == cols
    assert {"service_level_hw", "asa_s_hw", "abandon_rate_hw", "occupancy_hw"} <= set(a.intervals.columns)
    assert set(a.period["queue"]) == {"billing", "vip", "english", "all"}
    allrow = a.period.set_index("queue").loc["all"]
    assert allrow["calls"] == pytest.approx(a.period[a.period.queue != "all"]["calls"].sum())
    assert (a.daily["date"] == DAY.date()).all()


def test_constant_single_skill_roster_agrees_with_erlang(config):
    """Assigned-only routing on a constant roster is the per-queue Erlang model; the comparison agrees."""
    n = 96
    roster = _roster({f"a{i}": ["billing"] * n for i in range(12)})
    fc = _forecast({"billing": 50}, n)  # 10 Erlangs, 12 agents
    sim = simulate_roster(roster, fc, None, config, replications=4, seed=1, routing="assigned_only")
    cmp = compare_with_erlang(sim, config)
    summary = compare_summary(cmp).set_index("queue")
    assert abs(summary.loc["billing", "diff"]) < 0.03
    period = sim.period.set_index("queue").loc["billing"]
    assert abs(period["service_level"] - summary.loc["billing", "erlang_sl"]) < 3 * period["service_level_hw"] + 0.02


def test_uncertainty_draws_a_day_level(config):
    roster = _roster({f"a{i}": ["billing"] * 96 for i in range(20)})
    fc = _forecast({"billing": 40}, 96)
    fc["calls_lo"] = fc["calls"] * 0.6
    fc["calls_hi"] = fc["calls"] * 1.4
    flat = simulate_roster(roster, fc, None, config, replications=6, seed=1)
    wide = simulate_roster(roster, fc, None, config, replications=6, seed=1, uncertainty=True)
    day = lambda s: np.array([t.calls.sum() for t in s.replications])  # noqa: E731
    assert day(wide).std() > 3 * day(flat).std()
    assert wide.grid.day_sigma is not None and wide.grid.day_sigma.max() > 0.1


# --------------------------------------------------------------------------------------------- reader


def test_reader_reports_bad_rows_with_row_and_column(tmp_path):
    df = pd.DataFrame({"agent_id": ["a1", "a1", "a2", ""], "date": ["2026-03-02"] * 4,
                       "interval_start": ["2026-03-02T08:00:00", "2026-03-02T08:07:00", "2026-03-02T08:00:00",
                                          "2026-03-02T08:00:00"],
                       "activity": ["work", "work", "nap", "break"], "queue": ["billing", "billing", None, None]})
    path = tmp_path / "r.csv"
    df.to_csv(path, index=False)
    with pytest.raises(InputError) as exc:
        read_roster_data(path, queues={"billing"}, interval_minutes=15)
    text = str(exc.value)
    assert "row 3, column 'interval_start'" in text and "grid" in text
    assert "row 4, column 'activity'" in text
    assert "row 5, column 'agent_id'" in text


def test_reader_needs_the_data_sheet_and_the_columns(tmp_path):
    path = tmp_path / "roster.xlsx"
    with pd.ExcelWriter(path) as w:
        pd.DataFrame({"x": [1]}).to_excel(w, sheet_name="Roster", index=False)
    with pytest.raises(InputError, match="no 'Data' sheet"):
        read_roster_data(path)
    with pytest.raises(InputError, match="required column 'queue' is missing"):
        parse_roster_data(pd.DataFrame({"agent_id": ["a"], "date": ["2026-03-02"],
                                        "interval_start": ["2026-03-02T08:00"], "activity": ["work"]}))
    with pytest.raises(InputError, match="a work row needs a queue"):
        parse_roster_data(pd.DataFrame({"agent_id": ["a"], "date": ["2026-03-02"],
                                        "interval_start": ["2026-03-02T08:00"], "activity": ["work"],
                                        "queue": [None]}))
    with pytest.raises(InputError, match="queue 'sales' is not in the config"):
        parse_roster_data(pd.DataFrame({"agent_id": ["a"], "date": ["2026-03-02"],
                                        "interval_start": ["2026-03-02T08:00"], "activity": ["work"],
                                        "queue": ["sales"]}), queues={"billing"})


# --------------------------------------------------------------------------------------------- CLI


def _workspace(tmp_path):
    (tmp_path / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    roster = _roster({"a1": ["billing"] * 16 + ["break"] + ["vip"] * 8, "a2": ["billing"] * 24,
                      "a3": [""] * 4 + ["vip"] * 20})
    roster["date"] = roster["date"].dt.date
    roster["interval_start"] = roster["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    with pd.ExcelWriter(tmp_path / "roster.xlsx") as w:
        pd.DataFrame({"agent_id": ["a1"]}).to_excel(w, sheet_name="Roster", index=False)
        pd.DataFrame({"item": ["hours"], "value": [1]}).to_excel(w, sheet_name="Summary", index=False)
        roster.to_excel(w, sheet_name="Data", index=False)
    fc = _forecast({"billing": 8, "vip": 3}, 25)
    fc["interval_start"] = fc["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    fc.to_csv(tmp_path / "forecast.csv", index=False)
    pd.DataFrame({"agent_id": ["a1", "a2", "a3"], "name": ["A", "B", "C"], "team": ["t"] * 3,
                  "skills": ["billing;vip", "billing;vip", "vip"], "contract_hours_week": [40] * 3}).to_csv(
        tmp_path / "agents.csv", index=False)


def test_cli_simulate_writes_the_csv_and_the_workbook_summary(tmp_path, cli, monkeypatch):
    _workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    args = ["simulate", "roster.xlsx", "--forecast", "forecast.csv", "--config", "config.toml", "--agents",
            "agents.csv", "--replications", "3", "--seed", "2"]
    code, out, err = cli(*args, "--update-roster")
    assert code == 0, err
    path = tmp_path / "forecasts" / "simulation_2026-03-02_1d.csv"
    df = pd.read_csv(path)
    assert list(df.columns[:8]) == ["interval_start", "queue", "calls", "answered", "abandoned", "service_level",
                                    "asa_s", "occupancy"]
    assert "Erlang" in out and "Wrote" in out
    summ = pd.read_csv(tmp_path / "forecasts" / "simulation_2026-03-02_1d_summary.csv")
    assert summ["date"].tolist().count("period") == 4 and "2026-03-02" in set(summ["date"])
    assert {"service_level", "service_level_hw", "abandon_rate", "occupancy"} <= set(summ.columns)
    summary = pd.read_excel(tmp_path / "roster.xlsx", sheet_name="Summary", header=None)
    assert (summary[0] == "Simulation (wfm simulate)").sum() == 1
    assert pd.ExcelFile(tmp_path / "roster.xlsx").sheet_names == ["Roster", "Summary", "Data"]
    # existing output needs --force; same seed, same file
    code, _, err = cli(*args)
    assert code == 2 and "--force" in err
    code, _, _ = cli(*args, "--force", "--update-roster")
    assert code == 0
    pd.testing.assert_frame_equal(pd.read_csv(path), df)
    summary = pd.read_excel(tmp_path / "roster.xlsx", sheet_name="Summary", header=None)
    assert (summary[0] == "Simulation (wfm simulate)").sum() == 1  # replaced, not appended


def test_cli_simulate_bad_input_exits_2(tmp_path, cli, monkeypatch):
    _workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.csv").write_text("agent_id,date,interval_start,activity\na1,2026-03-02,2026-03-02T00:00,work\n")
    code, _, err = cli("simulate", "bad.csv", "--forecast", "forecast.csv", "--config", "config.toml")
    assert code == 2 and "queue" in err and "Traceback" not in err
    code, _, err = cli("simulate", "roster.xlsx", "--forecast", "forecast.csv", "--config", "config.toml",
                       "--routing", "random")
    assert code == 2 and "--routing" in err


def test_cli_simulate_help_has_an_example(cli):
    code, out, _ = cli("simulate", "--help")
    assert code == 0 and "Example: wfm simulate" in out


def test_reader_xlsx_typed_cells_and_sheet_row_numbers(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Roster"
    ws = wb.create_sheet("Data")
    ws.append(["agent_id", "date", "interval_start", "activity", "queue"])
    ws.append([1001, pd.Timestamp("2026-03-02").to_pydatetime(), pd.Timestamp("2026-03-02 08:00").to_pydatetime(),
               "work", "billing"])
    ws.append([None, None, None, None, None])  # a blank row keeps the numbering of the rows below
    ws.append([1001, "2026-03-02", "2026-03-02T08:15:00", "Lunch", None])
    ws.append([1002, "2026-03-02", "2026-03-02T08:15:00", "sleep", None])
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as exc:
        read_roster_data(path, queues={"billing"}, interval_minutes=15)
    assert str(exc.value).count("error:") == 1 and "row 5, column 'activity'" in str(exc.value)
    ws.delete_rows(5)
    wb.save(path)
    df = read_roster_data(path, queues={"billing"}, interval_minutes=15)
    assert df["agent_id"].tolist() == ["1001", "1001"]
    assert df["activity"].tolist() == ["work", "lunch"]
    assert df["queue"].tolist() == ["billing", None]


def test_forecast_interval_must_match_the_config(config):
    roster = _roster({"a1": ["billing"] * 8})
    fc = _forecast({"billing": 5}, 8)
    fc = fc[fc.index % 2 == 0]  # 30-minute forecast with a 15-minute config
    with pytest.raises(InputError, match="30 minutes apart"):
        build_scenario(roster, fc, config)


def test_proficiency_slows_the_agent_on_that_queue(config):
    roster = _roster({"a1": ["billing"] * 40})
    fc = _forecast({"billing": 3}, 40, aht=200.0)
    agents = [Agent("a1", "a1", "t", {"billing": 0.5}, 40.0)]
    sc, _ = build_scenario(roster, fc, config, agents, proficiency=True)
    _, slow = run(sc, np.random.default_rng(3), keep_calls=True)
    sc, _ = build_scenario(roster, fc, config, agents)
    _, fast = run(sc, np.random.default_rng(3), keep_calls=True)
    assert slow.service[slow.answered].mean() == pytest.approx(2 * 200, rel=0.2)
    assert fast.service[fast.answered].mean() == pytest.approx(200, rel=0.2)


# --------------------------------------------------------------------------------------------- forecast coverage


def _two_day_roster() -> pd.DataFrame:
    """a1 on billing and a2 on vip, 08:00-10:00 on 2026-03-02 and 2026-03-03."""
    days = []
    for d in (DAY, DAY + pd.Timedelta(days=1)):
        days.append(_roster({"a1": ["billing"] * 8, "a2": ["vip"] * 8}, start=d + pd.Timedelta(hours=8)))
    return pd.concat(days, ignore_index=True)


def _full(rates: dict[str, float], days: int) -> pd.DataFrame:
    return _forecast(rates, 96 * days, start=DAY)


def test_a_forecast_that_covers_the_roster_period_is_simulated(config):
    sim = simulate_roster(_two_day_roster(), _full({"billing": 4, "vip": 2}, 2), None, config, replications=1)
    assert sim.daily["date"].nunique() == 2
    assert sim.period.set_index("queue").loc["billing", "calls"] > 0


def test_a_forecast_ending_before_the_roster_is_refused_not_read_as_zero_calls(config):
    fc = _full({"billing": 4, "vip": 2}, 1)  # the first day only
    with pytest.raises(ValueError) as exc:  # the Python API: a ValueError (and an InputError for the CLI)
        simulate_roster(_two_day_roster(), fc, None, config, replications=1, forecast_source="fc.csv")
    assert isinstance(exc.value, InputError)
    text = str(exc.value)
    assert "fc.csv" in text and "2026-03-02 to 2026-03-03 (2 days)" in text
    assert "billing, vip: every interval of 2026-03-03" in text
    assert "not read as zero calls" in text


def test_a_forecast_outside_the_roster_period_gives_the_message_not_an_index_error(config):
    fc = _forecast({"billing": 4, "vip": 2}, 96, start=DAY - pd.Timedelta(days=7))
    with pytest.raises(ValueError, match=r"all of 2026-03-02\.\.2026-03-03") as exc:
        build_scenario(_two_day_roster(), fc, config)
    assert "it covers 2026-02-23 00:00 to 2026-02-23 23:45" in str(exc.value)


def test_a_missing_queue_or_a_hole_in_a_day_is_refused(config):
    roster = _two_day_roster()
    with pytest.raises(ValueError, match=r"vip: all of 2026-03-02\.\.2026-03-03"):
        build_scenario(roster, _full({"billing": 4}, 2), config)
    fc = _full({"billing": 4, "vip": 2}, 2)
    hole = (fc["queue"] == "billing") & (fc["interval_start"] >= DAY + pd.Timedelta(hours=12)) & (
        fc["interval_start"] < DAY + pd.Timedelta(hours=13))
    with pytest.raises(ValueError, match="billing: 4 of 96 intervals on 2026-03-02"):
        build_scenario(roster, fc[~hole], config)
    # a queue the roster does not serve (english) need not be in the forecast; extra queues are allowed
    build_scenario(roster, _full({"billing": 4, "vip": 2, "english": 1}, 2), config)


def test_cli_simulate_with_a_short_forecast_exits_2_with_the_message(tmp_path, cli, monkeypatch):
    _workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    fc = pd.read_csv(tmp_path / "forecast.csv")
    fc[fc["interval_start"] < "2026-03-02T12:00:00"].to_csv(tmp_path / "short.csv", index=False)
    code, out, err = cli("simulate", "roster.xlsx", "--forecast", "short.csv", "--config", "config.toml",
                         "--replications", "1")
    text = " ".join((out + err).split())
    assert code == 2, text
    assert "Traceback" not in text and "IndexError" not in text
    assert "short.csv" in text and "roster period 2026-03-02 to 2026-03-02" in text
    assert "billing, vip: 48 of 96 intervals on 2026-03-02" in text
    assert not (tmp_path / "forecasts").exists()


def test_cli_simulate_without_agents_says_hand_edits_are_not_read(tmp_path, cli, monkeypatch):
    """Without --agents the Data sheet is simulated as written; HR's shift codes on the Roster sheet are only
    rebuilt with the agents, so the terminal says so (it said nothing of it: an edited roster was simulated as
    published, silently)."""
    _workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    base = ["simulate", "roster.xlsx", "--forecast", "forecast.csv", "--config", "config.toml", "--replications", "2"]
    code, out, err = cli(*base, "-o", "plain.csv")
    assert code == 0, err
    assert "shift codes changed by hand on its Roster sheet are not" in " ".join(err.split())
    code, out, err = cli(*base, "--agents", "agents.csv", "-o", "with_agents.csv")
    assert code == 0, err
    assert "changed by hand" not in " ".join(err.split())
