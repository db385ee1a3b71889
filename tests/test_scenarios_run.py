"""What-if runs: a grid through a real Dask LocalCluster equals the serial run; failures; `wfm whatif` end to end."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest

from test_scenarios import CONFIG, START, small_forecast, small_plan
from wfm.scenarios import Plan, Scenario, expand_grid, run_scenarios, with_base
from wfm.scenarios.spec import Scale, parse_scenario

CONTRACT = ["scenario", "week_start", "fte_required", "fte_available", "peak_agents", "service_level", "cost"]


def _grid20() -> list[Scenario]:
    scs = with_base(expand_grid(["volume=0.9:1.2:0.1", "shrinkage=0.05,0.1,0.15"])
                    + [parse_scenario("pool:pool=billing+data"), parse_scenario("ivr:ivr=billing:0.2"),
                       parse_scenario("grow:hire=10@2027-03-08/1+1,attrition=0.03"),
                       parse_scenario("night:hours=07:00-23:00")])
    assert len(scs) == 17
    scs += [parse_scenario("sl:sl=0.9/15"), parse_scenario("aht:aht=billing:1.1"), parse_scenario("add:add=chat:vip")]
    assert len(scs) == 20
    return scs


@pytest.mark.slow
def test_grid_of_20_on_local_cluster_equals_serial():
    distributed = pytest.importorskip("dask.distributed")
    plan = small_plan(fte=30.0)
    scenarios = _grid20()
    serial, fail_s = run_scenarios(scenarios, plan, workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        clustered, fail_c = run_scenarios(scenarios, plan, scheduler=cluster.scheduler_address, workers=2)
    assert fail_s.empty and fail_c.empty
    assert serial["scenario"].nunique() == 20
    pd.testing.assert_frame_equal(serial, clustered, check_exact=True)


def test_local_processes_equal_serial():
    plan = small_plan(fte=30.0)
    scenarios = _grid20()[:8]
    serial, _ = run_scenarios(scenarios, plan, workers=1)
    par, _ = run_scenarios(scenarios, plan, workers=2)
    pd.testing.assert_frame_equal(serial, par, check_exact=True)


def test_a_failing_scenario_does_not_lose_the_others():
    plan = small_plan(fte=30.0)
    bad = Scenario("bad", volume=(Scale(1.1, "nope"),))  # bypasses validation: fails inside the worker
    worse = Scenario("worse", sl=(parse_scenario("x:sl=0.8/20").sl[0].__class__(0.8, -5.0),))
    scenarios = [Scenario("base"), bad, parse_scenario("up:volume=1.1"), worse, parse_scenario("down:volume=0.9")]
    for workers in (1, 2):
        results, failures = run_scenarios(scenarios, plan, workers=workers)
        assert list(dict.fromkeys(results["scenario"])) == ["base", "up", "down"]
        assert failures["scenario"].tolist() == ["bad", "worse"]
        assert "nope" in failures["error"].iloc[0]
        assert "answer_time_s" in failures["error"].iloc[1]


# ------------------------------------------------------------------------------------------ CLI


@pytest.fixture
def workspace(tmp_path):
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    fc = small_forecast(14)
    fc.assign(interval_start=fc["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")).to_csv(
        tmp_path / "forecast.csv", index=False)
    with open(tmp_path / "agents.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["agent_id", "name", "team", "skills", "contract_hours_week", "role", "training_until"])
        w.writerow(["S1", "Lead", "T1", "billing", 40, "supervisor", ""])
        for i in range(24):
            w.writerow([f"A{i:02d}", f"Agent {i}", "T1", "billing;data" if i % 2 else "vip", 40 if i % 4 else 20,
                        "agent", "2027-03-05" if i < 3 else ""])
    return tmp_path


def test_cli_end_to_end(cli, workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    (workspace / "more.toml").write_text('[scenario.central]\npool = "billing+data"\n[grid]\nvolume = [0.9, 1.1]\n',
                                         encoding="utf-8")
    code, out, err = cli("whatif", "--config", "config.toml", "--forecast", "forecast.csv", "--agents", "agents.csv",
                         "--scenario", "tariff:volume=1.15", "--scenario", "grow:hire=5@2027-03-08/1+0",
                         "--scenario-file", "more.toml", "--workers", "1", "-o", "out.csv", "--xlsx", "out.xlsx")
    assert code == 0, err
    df = pd.read_csv(workspace / "out.csv")
    assert list(df.columns[:7]) == CONTRACT
    assert list(dict.fromkeys(df["scenario"])) == ["base", "tariff", "grow", "central", "volume=0.9", "volume=1.1"]
    assert df["week_start"].tolist()[:2] == ["2027-03-01", "2027-03-08"]
    base = df[df["scenario"] == "base"].reset_index(drop=True)
    tariff = df[df["scenario"] == "tariff"].reset_index(drop=True)
    assert (tariff["fte_required"] >= base["fte_required"]).all()
    # 18 x 40 h + 6 x 20 h = 21 FTE and the supervisor's 1 FTE, counted as the roster counts them (issue 15):
    # the supervisor and the 2.5 FTE in nesting until Friday in full at the config's default shares
    assert base["fte_available"].tolist()[:2] == pytest.approx([22.0, 22.0])
    assert "Scenarios side by side" in out and "tariff" in out
    from openpyxl import load_workbook

    wb = load_workbook(workspace / "out.xlsx")
    assert wb.sheetnames[:2] == ["Comparison", "Weekly"]
    assert sum(len(ws._charts) for ws in wb) >= 3
    # an existing output is not overwritten without --force
    code, _, err = cli("whatif", "--config", "config.toml", "--forecast", "forecast.csv", "-o", "out.csv",
                       "--workers", "1")
    assert code == 2 and "--force" in err


def test_cli_bad_input_exits_2_naming_scenario_and_key(cli, workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    args = ["whatif", "--config", "config.toml", "--forecast", "forecast.csv", "-o", "x.csv", "--workers", "1"]
    code, out, err = cli(*args, "--scenario", "t:volume=lots", "--scenario", "u:ivr=nope:0.2")
    assert code == 2
    assert "scenario 't', key 'volume'" in err and "Traceback" not in err
    code, out, err = cli(*args, "--scenario", "u:ivr=nope:0.2")
    assert code == 2 and "scenario 'u', key 'ivr'" in err and "'nope'" in err
    code, out, err = cli(*args, "--depth", "full")
    assert code == 2 and "give --agents" in err
    code, out, err = cli(*args, "--depth", "deep")
    assert code == 2 and "fast or full" in err
    code, out, err = cli(*args, "--weeks", "5")
    assert code == 2 and "covers" in err
    code, out, err = cli("whatif", "--config", "config.toml", "-o", "x.csv")
    assert code == 2
    assert not (workspace / "x.csv").exists()


def test_cli_without_agents_and_with_start(cli, workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    code, out, err = cli("whatif", "--config", "config.toml", "--forecast", "forecast.csv", "--start",
                         str(START + dt.timedelta(days=7)), "--weeks", "1", "--grid", "volume=1:1.2:0.1",
                         "--workers", "1", "-o", "g.csv")
    assert code == 0, err
    df = pd.read_csv(workspace / "g.csv")
    assert df["scenario"].tolist() == ["base", "volume=1", "volume=1.1", "volume=1.2"]
    assert df["fte_required"].is_monotonic_increasing
    assert df["fte_available"].nunique() == 1  # staffed to the base plan
    assert "what the base plan requires" in out


@pytest.mark.slow
def test_full_depth_rosters_each_scenario():
    """A roster per scenario (CP-SAT, a few seconds each) on the small sample hotline."""
    import dataclasses

    from wfm.sample import build_sample

    start = dt.date(2026, 3, 2)
    sample = build_sample(start, small=True, time_limit_s=5)
    cfg = dataclasses.replace(sample.config, rules=dataclasses.replace(sample.config.rules, supervisor_on_duty=False))
    last = sample.history[sample.history["interval_start"] >= pd.Timestamp(start - dt.timedelta(days=7))]
    fc = pd.DataFrame({"interval_start": last["interval_start"] + pd.Timedelta(days=7), "queue": last["queue"],
                       "calls": last["offered"].astype(float), "aht_s": last["aht_s"]})
    plan = Plan.from_config(cfg, fc, agents=sample.agents, start=start, days=7, depth="full", roster_time_limit_s=5)
    scenarios = [Scenario("base"), parse_scenario("central:pool=billing+vip"), parse_scenario("grow:hire=3@2026-03-02")]
    results, failures = run_scenarios(scenarios, plan, workers=1)
    assert results["scenario"].tolist() == ["base", "central"]
    assert list(results.columns[:7]) == CONTRACT
    assert ((results["service_level"] > 0.5) & (results["service_level"] <= 1)).all()
    assert (results["fte_available"] > 0).all() and (results["cost"] > 0).all()
    base, central = results.iloc[0], results.iloc[1]
    assert central["fte_required"] <= base["fte_required"]
    assert failures["scenario"].tolist() == ["grow"] and "fast depth" in failures["error"].iloc[0]


def test_capacity_view_six_months_from_history():
    from wfm.sample import build_sample
    from wfm.scenarios import capacity_view

    start = dt.date(2026, 3, 2)
    sample = build_sample(start, small=True)
    scenarios = [Scenario("base"), parse_scenario("att:attrition=0.04")]
    weekly, summary, failures = capacity_view(sample.history, sample.config, start=start, weeks=26,
                                              scenarios=scenarios, agents=sample.agents, workers=1)
    assert failures.empty and weekly.groupby("scenario").size().tolist() == [26, 26]
    att = weekly[weekly["scenario"] == "att"]
    assert att["fte_available"].iloc[-1] < 0.85 * att["fte_available"].iloc[4]
    row = summary.set_index("scenario").loc["att"]
    assert row["class_size"] > 0 and row["gap_opens"] is not None
    assert row["hire_by"] == row["gap_opens"] - dt.timedelta(weeks=4)


def test_cli_whatif_from_a_history_ending_on_friday_runs_in_whole_weeks_from_monday(cli, tmp_path, monkeypatch):
    """A Monday-Friday centre whose history ends on a Friday: the what-if starts on the Monday (not the
    Saturday), every week is whole, and a partial week asked for with --start is not scaled up to 7 days
    (it reads like the full week before it)."""
    from wfm.sample import build_sample

    sample = build_sample(dt.date(2026, 3, 7), small=True)  # history to Friday 2026-03-06
    hist = sample.history.copy()
    assert hist["interval_start"].max().date() == dt.date(2026, 3, 6)
    weekend = hist["interval_start"].dt.day_of_week >= 5
    for c in ("offered", "handled", "abandoned"):
        if c in hist:
            hist.loc[weekend, c] = 0
    hist["interval_start"] = hist["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    hist.to_csv(tmp_path / "history.csv", index=False)
    (tmp_path / "config.toml").write_text(sample.config_text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = ["whatif", "--config", "config.toml", "--history", "history.csv", "--fte", "60", "--workers", "1",
            "--scenario", "more:volume=1.2", "--scenario", "ivr:ivr=billing:0.2"]
    code, out, err = cli(*args, "--weeks", "3", "-o", "w.csv")
    assert code == 0, err
    df = pd.read_csv(tmp_path / "w.csv")
    assert list(df.columns[:7]) == CONTRACT and df.columns[-1] == "cost_on_books"
    base = df[df["scenario"] == "base"]
    assert base["week_start"].tolist() == ["2026-03-09", "2026-03-16", "2026-03-23"]
    assert (base["days"] == 7).all()
    cost = df.groupby("scenario", sort=False)["cost"].sum()
    assert cost["ivr"] < cost["base"] < cost["more"]
    # started on the Saturday: 2 closed days, 2 whole weeks, then Monday to Friday
    code, out, err = cli(*args, "--start", "2026-03-07", "--weeks", "3", "-o", "sat.csv")
    assert code == 0, err
    sat = pd.read_csv(tmp_path / "sat.csv")
    b = sat[sat["scenario"] == "base"].reset_index(drop=True)
    assert b["days"].tolist() == [2, 7, 7, 5]
    assert b["fte_required"].iloc[0] == 0  # a closed weekend needs nobody
    full, part = b["fte_required"].iloc[2], b["fte_required"].iloc[3]
    assert part == pytest.approx(full, rel=0.1)  # not 7/5 of it
    assert part < 1.2 * b["fte_required"].iloc[1:3].max()


def test_cli_whatif_refuses_a_start_years_after_the_history_as_forecast_does(cli, tmp_path, monkeypatch):
    """`wfm forecast` refuses a start more than three years after the history (a typo, not a plan); `whatif`
    from the same history must not plan those weeks at the history's old level instead."""
    from wfm.sample import build_sample

    sample = build_sample(dt.date(2026, 3, 7), small=True)  # history to Friday 2026-03-06
    hist = sample.history.copy()
    hist["interval_start"] = hist["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    hist.to_csv(tmp_path / "history.csv", index=False)
    (tmp_path / "config.toml").write_text(sample.config_text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = ["--config", "config.toml", "--history", "history.csv", "--fte", "60", "--workers", "1", "--weeks", "2"]
    code, _, err = cli("whatif", *args, "--start", "2031-03-10", "-o", "far.csv")
    assert code == 2 and "--start" in err and "days after the end of the history" in err
    assert not (tmp_path / "far.csv").exists()
