"""Ctrl-C during the roster search (issue 18): the search stops, the command exits 130 and writes nothing."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from ortools.sat.python import cp_model

from wfm.roster.budget import run_solver


def _long_model() -> cp_model.CpModel:
    m = cp_model.CpModel()
    xs = [m.NewIntVar(0, 100, f"x{i}") for i in range(60)]
    for i in range(59):
        m.Add(xs[i] + xs[i + 1] <= 100 + i % 7)
    m.AddAllDifferent(xs)
    m.Maximize(sum((i % 5 + 1) * x for i, x in enumerate(xs)))
    return m


@pytest.fixture
def sigint_default():
    """Ctrl-C handled as in a terminal, also where the test runner was started with SIGINT ignored (a
    background job)."""
    saved = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, saved)


def test_run_solver_stops_on_sigint_and_restores_the_handler(sigint_default):
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 60
    before = signal.getsignal(signal.SIGINT)
    timer = threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT))
    t0 = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        timer.start()
        run_solver(solver, _long_model())
    assert time.perf_counter() - t0 < 20  # stopped, not run to its 60 s limit
    assert signal.getsignal(signal.SIGINT) is before


def test_run_solver_without_an_interrupt_returns_the_status():
    m = cp_model.CpModel()
    x = m.NewIntVar(0, 7, "x")
    m.Add(2 * x <= 9)
    m.Maximize(x)
    solver = cp_model.CpSolver()
    assert run_solver(solver, m) == cp_model.OPTIMAL and solver.Value(x) == 4


@pytest.mark.slow
def test_ctrl_c_in_wfm_roster_exits_130_and_writes_nothing(tmp_path):
    from wfm.sample import build_sample
    from wfm.staffing import staff
    from wfm.workspace import write_workspace

    start = dt.date(2026, 3, 2)
    sample = build_sample(start, small=True)
    paths = write_workspace(sample, tmp_path, force=True)
    fc = sample.history[sample.history["interval_start"] >= sample.history["interval_start"].max().normalize()
                        - dt.timedelta(days=6)].copy()
    fc["interval_start"] = fc["interval_start"] + dt.timedelta(days=7)
    fc = fc.rename(columns={"offered": "calls"})[["interval_start", "queue", "calls", "aht_s"]].fillna({"aht_s": 300.0})
    req = staff(fc, sample.config.queues, interval_s=sample.config.centre.interval_s, shrinkage=0.1)
    req.to_csv(tmp_path / "req.csv", index=False)
    out = tmp_path / "roster.xlsx"
    cmd = [sys.executable, "-c", "from wfm.cli.main import main; main()", "roster", "--requirements",
           str(tmp_path / "req.csv"), "--agents", str(paths["agents"]), "--config", str(paths["config"]),
           "--start", str(start), "--days", "7", "--time-limit", "120", "-o", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # wait for the search to be under way (its first progress line), then press Ctrl-C
    first = proc.stderr.readline()
    assert "done" in first or "roster #" in first, first
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted (Ctrl-C): the step under way wrote nothing" in err
    assert not out.exists()
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*roster*"))


def test_a_wall_capped_search_is_said_to_be_not_reproducible():
    from wfm.roster import reproducibility_note

    note = reproducibility_note({"reproducible": False, "wall_capped": ["construction", "improvement"]})
    assert note.startswith("not reproducible on this run") and "(construction, improvement)" in note
    assert reproducibility_note({"reproducible": True, "wall_capped": []}) is None


def test_an_impossible_contract_is_explained_by_person_at_a_short_time_limit():
    """Issue 18: an impossible contract named with its rules even when the time limit is short."""
    import dataclasses

    from test_roster import START, make_agents, make_config, make_requirements
    from wfm.roster import RosterInfeasible, build_roster

    cfg = make_config()
    agents = make_agents(16)
    agents[7] = dataclasses.replace(agents[7], contract_hours_week=60.0, min_hours_week=60.0, max_hours_week=60.0)
    with pytest.raises(RosterInfeasible) as exc:
        build_roster(make_requirements(cfg), agents, cfg, START, 7, time_limit_s=1)
    text = "\n".join(exc.value.lines)
    assert f"{agents[7].agent_id} ({agents[7].name}" in text and "cannot all hold for this person" in text
    assert "contract" in text.lower() and "could not decide" not in text


def test_version(cli):
    from importlib.metadata import version

    code, out, _ = cli("--version")
    assert code == 0 and out.strip() == f"wfm {version('wfm')}"


@pytest.mark.parametrize("lang, words", [("en", "Not reproducible on this run"), ("zh", "本次结果不可复现")])
def test_the_summary_sheet_says_a_roster_is_not_reproducible(tmp_path, lang, words):
    import dataclasses

    from openpyxl import load_workbook

    from test_roster import START, make_config
    from wfm.publish.codes import plan_from_code
    from wfm.readers.agents import Agent
    from wfm.roster.workbook import write_roster

    cfg = make_config()
    cfg = dataclasses.replace(cfg, centre=dataclasses.replace(cfg.centre, language=lang))
    agent = Agent("A1", "Agent 1", "T1", {"billing": 1.0}, 40.0)
    import pandas as pd

    roster = pd.concat([plan_from_code(agent, START + dt.timedelta(days=d), "E0700", cfg) for d in range(5)],
                       ignore_index=True)
    texts = {}
    for flag in (True, False):
        path = write_roster(tmp_path / f"r_{flag}.xlsx", roster, [agent], cfg, start=START, days=7,
                            requirements=None, report=None, reproducible=flag)
        wb = load_workbook(path, read_only=True)
        summary = wb[wb.sheetnames[3]]
        texts[flag] = " ".join(str(v) for row in summary.iter_rows(values_only=True) for v in row if v is not None)
    assert words in texts[False] and words not in texts[True]
