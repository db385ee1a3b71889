"""The Summary sheet, `wfm simulate` and `wfm whatif --depth full` report the same service level for the same
roster and seed (issue 14): one roster built by the what-if's base scenario, then its Summary figures and a
`wfm simulate` run of its workbook, compared to 0.1 point."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from wfm.scenarios import Plan, Scenario, run_scenarios

START = dt.date(2026, 3, 2)


@pytest.fixture(scope="module")
def whatif_roster(tmp_path_factory):
    """The small sample hotline under skill routing, its forecast week, and the roster the what-if's base
    scenario built (captured from `build_roster`) with the what-if's weekly result."""
    import wfm.roster as roster_pkg
    from wfm.sample import build_sample

    sample = build_sample(START, small=True, time_limit_s=5)
    cfg = dataclasses.replace(sample.config, rules=dataclasses.replace(sample.config.rules, supervisor_on_duty=False))
    assert cfg.centre.queue_assignment == "routing"
    last = sample.history[sample.history["interval_start"] >= pd.Timestamp(START - dt.timedelta(days=7))]
    fc = pd.DataFrame({"interval_start": last["interval_start"] + pd.Timedelta(days=7), "queue": last["queue"],
                       "calls": last["offered"].astype(float), "aht_s": last["aht_s"]})
    fc["aht_s"] = fc["aht_s"].fillna(fc.groupby("queue")["aht_s"].transform("median"))  # intervals without calls
    plan = Plan.from_config(cfg, fc, agents=sample.agents, start=START, days=7, depth="full", roster_time_limit_s=5)
    built = []
    real = roster_pkg.build_roster

    def capture(*args, **kwargs):
        result = real(*args, **kwargs)
        built.append((args, kwargs, result))
        return result

    mp = pytest.MonkeyPatch()
    mp.setattr(roster_pkg, "build_roster", capture)
    try:
        results, failures = run_scenarios([Scenario("base")], plan, workers=1)
    finally:
        mp.undo()
    assert failures.empty and len(built) == 1
    (req, people, rcfg, *_), _, result = built[0]
    return dict(sample=sample, fc=fc, cfg=rcfg, req=req, people=people, result=result, weekly=results,
                tmp=tmp_path_factory.mktemp("agree"))


def test_summary_simulate_and_whatif_agree(whatif_roster, cli, monkeypatch):
    from wfm.publish.figures import roster_figures
    from wfm.roster.workbook import write_roster
    from wfm.workspace import write_workspace

    w = whatif_roster
    data, people, cfg = w["result"].data, w["people"], w["cfg"]
    fig = roster_figures(data, people, cfg, START, 7, requirements=w["req"])
    summary_sl = fig.per_queue.set_index("queue")["expected_sl"]

    tmp = w["tmp"]
    book = write_roster(tmp / "roster.xlsx", data, people, cfg, start=START, days=7, requirements=w["req"],
                        report=None, force=True)
    paths = write_workspace(w["sample"], tmp, force=True)  # config.toml and the agents workbook
    fc = w["fc"].assign(interval_start=w["fc"]["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S"))
    fc.to_csv(tmp / "forecast.csv", index=False)
    monkeypatch.chdir(tmp)
    code, out, err = cli("simulate", str(book), "--forecast", "forecast.csv", "--config", "config.toml",
                         "--agents", str(paths["agents"]), "-o", "sim.csv", "--no-own-only")
    assert code == 0, err
    period = pd.read_csv(tmp / "sim_summary.csv")
    period = period[period["date"] == "period"].set_index("queue")

    # the Summary and `wfm simulate`, queue by queue
    for queue, sl in summary_sl.items():
        assert abs(sl - period.loc[queue, "service_level"]) <= 0.001, queue
    # the what-if's week and `wfm simulate`'s whole floor
    weekly = w["weekly"]
    assert len(weekly) == 1
    assert abs(weekly["service_level"].iloc[0] - period.loc["all", "service_level"]) <= 0.001

