"""Phase 1 holds no CP-SAT model it will not search (issue 19: memory of large rosters)."""

from __future__ import annotations

from wfm.roster import model
from wfm.roster.budget import LNS_DTIME_PER_WORKER_S, LNS_SIZE_VARS, lns_rate
from wfm.roster.problem import build_instance
from test_roster import START, make_agents, make_config, make_requirements


def test_lns_rate_falls_with_the_model_size():
    assert lns_rate(2, 0) == 2 * LNS_DTIME_PER_WORKER_S
    assert lns_rate(1, LNS_SIZE_VARS) == LNS_DTIME_PER_WORKER_S / 2
    assert lns_rate(0, 3 * LNS_SIZE_VARS) == LNS_DTIME_PER_WORKER_S / 4  # at least one worker


def _counting_builds(monkeypatch) -> list:
    built: list = []
    real = model.build_model
    monkeypatch.setattr(model, "build_model", lambda *a, **k: built.append(k) or real(*a, **k))
    return built


def test_no_full_model_is_built_when_the_improvement_cannot_fit(monkeypatch):
    cfg = make_config()
    inst = build_instance(make_requirements(cfg), make_agents(16), cfg, START, 7)
    built = _counting_builds(monkeypatch)
    # a tenth of a second leaves the improvement too little deterministic time even for the shift variables
    result = model.solve_phase1(inst, time_limit_s=0.1, workers=1, seed=0)
    assert result.status == "HEURISTIC"
    assert len(result.assignment) > 0
    assert built == []


def test_the_full_model_is_built_once_and_searched_when_it_fits(monkeypatch):
    cfg = make_config()
    inst = build_instance(make_requirements(cfg), make_agents(16), cfg, START, 7)
    built = _counting_builds(monkeypatch)
    result = model.solve_phase1(inst, time_limit_s=3.0, workers=1, seed=0)
    assert built == [{"block_minutes": None}]
    assert len(result.assignment) > 0


def test_no_full_model_is_searched_above_the_memory_cap_whatever_the_budget(monkeypatch):
    cfg = make_config()
    inst = build_instance(make_requirements(cfg), make_agents(16), cfg, START, 7)
    built = _counting_builds(monkeypatch)
    # the same budget as above builds and searches the model; with a cap below its shift variables it is not built
    monkeypatch.setattr(model, "MAX_SEARCH_VARS", 10)
    result = model.solve_phase1(inst, time_limit_s=3.0, workers=1, seed=0)
    assert built == []
    assert result.status == "HEURISTIC" and len(result.assignment) > 0
