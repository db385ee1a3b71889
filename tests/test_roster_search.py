"""The hotline roster as the LNS engine's problem (`wfm.roster.cells`) and phase 1 by LNS (`wfm.roster.search`)."""

from __future__ import annotations

import dataclasses
import os
import random
import signal
import threading
import time

import pytest
from ortools.sat.python import cp_model

from wfm.roster import build_roster, lns, search
from wfm.roster.budget import Budget
from wfm.roster.cells import HotlineCells, as_cells
from wfm.roster.heuristic import construct
from wfm.roster.model import build_model
from wfm.roster.problem import build_instance
from test_roster import START, make_agents, make_config, make_requirements


def _config(assignment: str = "routing"):
    cfg = make_config()
    return dataclasses.replace(cfg, centre=dataclasses.replace(cfg.centre, queue_assignment=assignment))


@pytest.fixture(scope="module")
def case():
    cfg = _config()
    agents, req = make_agents(16), make_requirements(cfg)
    inst = build_instance(req, agents, cfg, START, 7)
    return cfg, agents, req, inst, construct(inst, time_limit_s=2, seed=0)


def _whole_model_points(inst, assignment, block_minutes: int | None = None) -> float:
    """The whole CP-SAT model's objective with every shift fixed to `assignment` (its auxiliaries at their least)."""
    full = build_model(inst, block_minutes=block_minutes or inst.interval)
    for (ai, d, k), v in full.ctx.x.items():
        full.model.Add(v == (1 if assignment.get((ai, d)) == k else 0))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.Solve(full.model) == cp_model.OPTIMAL
    return solver.ObjectiveValue()


def test_the_objective_is_the_whole_models(case):
    """Scored without a solver and counting breaks as the whole model does, a roster gets the points the whole
    model gives it (on blocks of one interval, and on hour blocks), and so does another."""
    _, _, _, inst, hint = case
    cells = HotlineCells(inst, expected_breaks=True)
    assert cells.objective(as_cells(hint)) == _whole_model_points(inst, hint)
    free = {(e, d) for e in (6, 9, 12) for d in range(7)}
    step = lns.resolve(cells, as_cells(hint), free, 60.0, 0, work=1.0, complete_hint=True)  # another roster
    other = {c: int(t) for c, t in step.candidate.items()}
    assert other != hint
    assert cells.objective(as_cells(other)) == _whole_model_points(inst, other)
    hour = HotlineCells(inst, block_minutes=60, expected_breaks=True)
    assert hour.objective(as_cells(other)) == _whole_model_points(inst, other, 60)


def test_a_step_model_scores_moves_as_the_whole_objective_does(case):
    """The model of a step (most cells fixed) prices a change of its free cells exactly as the whole objective."""
    _, _, _, inst, hint = case
    cells = HotlineCells(inst, block_minutes=60)  # hour blocks: a model CP-SAT proves in seconds
    cur = as_cells(hint)
    free = {(e, d) for e in (6, 9) for d in range(7)}
    fixed = {(e, d): cur.get((e, d)) for e in range(cells.n_staff) for d in range(7) if (e, d) not in free}

    def solved(pin: bool):
        sub = cells.build(fixed)
        for (e, d, t), v in sub.x.items():
            if pin:
                sub.model.Add(v == (1 if cur.get((e, d)) == t else 0))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 20
        assert solver.Solve(sub.model) == cp_model.OPTIMAL
        roster = {k: t for k, t in cur.items() if k not in free}
        roster.update({(e, d): t for (e, d, t), v in sub.x.items() if solver.Value(v)})
        return solver.ObjectiveValue(), roster

    at_cur, _ = solved(True)
    best, roster = solved(False)
    assert best <= at_cur
    assert best - at_cur == cells.objective(roster) - cells.objective(cur)


def test_freeing_a_supervisor_holds_every_supervisor_in_the_model(case):
    """The supervisor-on-duty rule links the supervisors' rows: a step freeing one may change them all, and its
    model keeps the rule (a roster with every supervisor off cannot come out of it)."""
    _, _, _, inst, hint = case
    cells = HotlineCells(inst)
    sups = {ai for ai, a in enumerate(inst.agents) if a.is_supervisor}
    assert cells.linked({0, 7}) == sups | {7} and cells.linked({7, 8}) == {7, 8}
    free = {(ai, d) for ai in sups for d in range(7)}
    sub = cells.build({(e, d): t for (e, d), t in as_cells(hint).items() if (e, d) not in free})
    for v in sub.x.values():
        sub.model.Add(v == 0)
    solver = cp_model.CpSolver()
    assert solver.Solve(sub.model) == cp_model.INFEASIBLE


def test_a_shift_counts_whole_on_the_phone_in_every_row_of_its_skills(case):
    """Four quarters of capacity per interval of the shift, in the rows holding one of the agent's skills only."""
    _, _, _, inst, hint = case
    cells = HotlineCells(inst)
    ai = next(a for a, ag in enumerate(inst.agents) if not ag.is_supervisor)
    k = inst.allowed[ai][2][0]
    o = inst.options[k]
    cap = cells.capacity({(ai, 2): str(k)})
    first = (2 * 1440 + o.start_min) // inst.interval
    n = o.length_min // inst.interval
    for r, row in enumerate(inst.rows):
        held = any(inst.queues[q] in inst.agents[ai].skills for q in row)
        assert cap[r, first:first + n].tolist() == [4 * held] * n
        assert cap[r].sum() == 4 * n * held


def test_queues_by_hand_are_left_to_the_whole_model(case, monkeypatch):
    cfg, agents, req, inst, _ = case
    by_hand = build_instance(req, agents, _config("by_hand"), START, 7)
    assert not search.prefer_lns(by_hand, 1e6, 2)
    with pytest.raises(ValueError):
        HotlineCells(by_hand)
    monkeypatch.setattr(search, "ENABLED", True)
    assert not search.prefer_lns(by_hand, 1e6, 2)
    assert not search.prefer_lns(inst, 1e6, 2)  # small enough for the whole model
    monkeypatch.setattr(search, "MAX_SEARCH_VARS", 10)
    assert search.prefer_lns(inst, 1e6, 2)
    monkeypatch.setattr(search, "ENABLED", False)
    assert not search.prefer_lns(inst, 1e6, 2)


@pytest.mark.slow
def test_lns_phase_improves_the_construction_and_repeats(case):
    """From the construction, the search lowers the objective, and the same inputs give the same roster."""
    _, _, _, inst, hint = case
    cells = HotlineCells(inst)
    first = cells.objective(as_cells(hint))
    runs = [search.solve_phase1_lns(inst, time_limit_s=5, workers=2, seed=0) for _ in range(2)]
    assert runs[0].assignment == runs[1].assignment and runs[0].dtime == runs[1].dtime
    assert not runs[0].wall_capped
    assert cells.objective(as_cells(runs[0].assignment)) <= first


@pytest.mark.slow
def test_a_roster_built_by_lns_passes_the_checker(case, monkeypatch):
    cfg, agents, req, _, _ = case
    monkeypatch.setattr(search, "prefer_lns", lambda *a: True)
    result = build_roster(req, agents, cfg, START, 7, time_limit_s=6)
    assert result.report.ok, [str(v) for v in result.report.violations]
    assert result.stats.phase1_status in ("LNS", "HEURISTIC", "REPAIRED")


def test_ctrl_c_stops_the_search(case):
    """Ctrl-C during the sub-solves (threads) reaches the main thread as KeyboardInterrupt, soon."""
    _, _, _, inst, hint = case
    saved = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        timer = threading.Timer(1.5, lambda: os.kill(os.getpid(), signal.SIGINT))
        t0 = time.perf_counter()
        with pytest.raises(KeyboardInterrupt):
            timer.start()
            lns.improve(HotlineCells(inst), as_cells(hint), Budget(600.0, time.perf_counter() + 600.0), workers=2,
                        settings=search.SETTINGS)
        assert time.perf_counter() - t0 < 30
    finally:
        signal.signal(signal.SIGINT, saved)


def test_cover_neighbourhood_frees_agents_who_can_cover_the_short_block(case):
    _, _, _, inst, hint = case
    cells = HotlineCells(inst)
    cur = as_cells(hint)
    free = cells.neighbourhood(random.Random(3), "cover", 4, cur)
    agents = {e for e, _ in free}
    days = {d for _, d in free}
    assert len(agents) == 4 and not agents & {ai for ai, a in enumerate(inst.agents) if a.is_supervisor}
    assert days in [set(w) for w in inst.weeks()]
    assert free == {(e, d) for e in agents for d in days}


def test_the_construction_reports_each_sweep_before_the_search(case):
    """A large roster's construction takes a minute: each sweep is a progress line, then the construction's end."""
    _, _, _, inst, _ = case
    seen = []
    search.solve_phase1_lns(inst, time_limit_s=3, workers=2, seed=0, progress=seen.append)
    stages = [info["stage"] for info in seen if info.get("stage")]
    sweeps = [s for s in stages if s.startswith("construction sweep")]
    assert sweeps and sweeps[0] == "construction sweep 1" and stages.index("construction") == len(sweeps)
    assert sweeps == [f"construction sweep {n}" for n in range(1, len(sweeps) + 1)]
    times = [info["elapsed_s"] for info in seen]
    assert times == sorted(times)
