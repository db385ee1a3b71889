"""Simulation validation: the event simulation against the exact Erlang C / Erlang A formulas of
`wfm.staffing` (which are tested against independent reference values elsewhere), and pooling."""

from __future__ import annotations

import numpy as np
import pytest

from wfm import staffing as S
from wfm.simulation import SimulationInput, run, single_queue
from wfm.simulation.single import ratio_ci

IVL = 900


def _close(sim: float, hw: float, exact: float, tol: float) -> bool:
    return abs(sim - exact) <= 3.0 * hw + tol


# (calls per 15 min, AHT s, agents): loads 5, 20 and 50 Erlangs at occupancies 0.71 to 0.91
ERLANG_C_POINTS = [(50, 90, 7), (100, 180, 23), (100, 180, 22), (250, 180, 55)]


@pytest.mark.parametrize("calls,aht,n", ERLANG_C_POINTS)
def test_single_queue_reproduces_erlang_c(calls, aht, n):
    r = single_queue(calls, aht, n, interval_s=IVL, intervals=1200, answer_time_s=20, seed=11)
    sl = float(S.service_level(calls, aht, n, interval_s=IVL, answer_time_s=20))
    asa = float(S.asa(calls, aht, n, interval_s=IVL))
    occ = float(S.occupancy(calls, aht, n, interval_s=IVL))
    assert _close(r["service_level"], r["service_level_hw"], sl, 0.01), (r, sl)
    assert _close(r["asa_s"], r["asa_s_hw"], asa, 1.0), (r, asa)
    assert _close(r["occupancy"], r["occupancy_hw"], occ, 0.005), (r, occ)
    assert r["abandon_rate"] == 0.0
    # the half-widths are informative, not huge
    assert 0 < r["service_level_hw"] < 0.05


@pytest.mark.parametrize("calls,aht,n,patience", [(200, 300, 62, 120.0), (200, 300, 70, 120.0), (60, 240, 14, 60.0),
                                                  (100, 180, 18, 180.0)])
def test_single_queue_reproduces_erlang_a(calls, aht, n, patience):
    """Erlang A incl. an under-staffed point (N < A): abandonment, SL over all arrivals, ASA of answered."""
    r = single_queue(calls, aht, n, interval_s=IVL, intervals=800, answer_time_s=20, patience_s=patience, seed=5)
    kw = dict(interval_s=IVL, patience_s=patience)
    ab = float(S.abandon_probability(calls, aht, n, **kw))
    sl = float(S.service_level(calls, aht, n, answer_time_s=20, **kw))
    asa = float(S.asa(calls, aht, n, **kw))
    occ = float(S.occupancy(calls, aht, n, **kw))
    assert _close(r["abandon_rate"], r["abandon_rate_hw"], ab, 0.005), (r, ab)
    assert _close(r["service_level"], r["service_level_hw"], sl, 0.01), (r, sl)
    assert _close(r["asa_s"], r["asa_s_hw"], asa, 1.0), (r, asa)
    assert _close(r["occupancy"], r["occupancy_hw"], occ, 0.005), (r, occ)


def _batch(tot, name, q, warm, batches=20):
    x = getattr(tot, name)[warm:-2, q] if q is not None else getattr(tot, name)[warm:-2].sum(axis=1)
    return np.array([g.sum() for g in np.array_split(x, batches)])


def _two_queues(agents_each: int, pooled: bool, t: int = 700) -> SimulationInput:
    n = 2 * agents_each
    assign = np.zeros((n, t), dtype=np.int64)
    assign[agents_each:] = 1
    skills = np.ones((n, 2), dtype=bool) if pooled else np.eye(2, dtype=bool)[assign[:, 0]]
    return SimulationInput(interval_s=IVL, rate=np.full((t, 2), 50.0), aht=np.full((t, 2), 180.0), assign=assign,
                    skills=skills, priority=np.ones(2), answer_time_s=np.full(2, 20.0),
                    patience_s=np.full(2, np.nan), queues=["a", "b"], routing="priority")


def test_pooling_two_queues_matches_the_pooled_erlang_formula():
    """Two identical queues (10 Erlangs each, 12 agents each): separately each is M/M/12; with every agent
    skilled for both (routing by priority, equal priorities: the longest-waiting caller first) the pool is
    M/M/24 at 20 Erlangs with one FIFO line."""
    warm = 20
    sep, _ = run(_two_queues(12, pooled=False), np.random.default_rng(1))
    pool, _ = run(_two_queues(12, pooled=True), np.random.default_rng(2))
    sl_sep = float(S.service_level(50, 180, 12, interval_s=IVL, answer_time_s=20))
    pq = S.pooled_queue([S.PooledQueue("a", 0.8, 20.0, None, None, None, 0)] * 2)
    sl_pool = float(S.service_level(100, 180, 24, interval_s=IVL, answer_time_s=pq.answer_time_s))
    asa_pool = float(S.asa(100, 180, 24, interval_s=IVL))
    for q in (0, 1):
        est, hw = ratio_ci(_batch(sep, "answered_in_time", q, warm), _batch(sep, "calls", q, warm))
        assert _close(est, hw, sl_sep, 0.01), (est, hw, sl_sep)
    est, hw = ratio_ci(_batch(pool, "answered_in_time", None, warm), _batch(pool, "calls", None, warm))
    assert _close(est, hw, sl_pool, 0.01), (est, hw, sl_pool)
    a_est, a_hw = ratio_ci(_batch(pool, "wait_answered_s", None, warm), _batch(pool, "answered", None, warm))
    assert _close(a_est, a_hw, asa_pool, 1.0), (a_est, a_hw, asa_pool)
    assert sl_pool > sl_sep + 0.1  # the economy of scale the planner wants to see


def test_single_queue_is_deterministic_and_seed_dependent():
    a = single_queue(80, 200, 20, interval_s=IVL, intervals=50, answer_time_s=20, patience_s=100, seed=3)
    b = single_queue(80, 200, 20, interval_s=IVL, intervals=50, answer_time_s=20, patience_s=100, seed=3)
    c = single_queue(80, 200, 20, interval_s=IVL, intervals=50, answer_time_s=20, patience_s=100, seed=4)
    assert a == b
    assert a != c
    assert set(a) >= {"service_level", "asa_s", "abandon_rate", "occupancy", "service_level_hw", "asa_s_hw",
                      "abandon_rate_hw", "occupancy_hw"}


def test_single_queue_edge_cases():
    r = single_queue(0, 300, 3, interval_s=IVL, intervals=10, answer_time_s=20)
    assert r["calls"] == 0 and r["service_level"] == 1.0 and r["abandon_rate"] == 0.0
    r = single_queue(20, 300, 0, interval_s=IVL, intervals=10, answer_time_s=20, patience_s=60)
    assert r["service_level"] == 0.0 and r["abandon_rate"] == 1.0
    with pytest.raises(ValueError):
        single_queue(10, 300, 2.5, interval_s=IVL, intervals=10, answer_time_s=20)
    with pytest.raises(ValueError):
        single_queue(10, 300, 2, interval_s=IVL, intervals=0, answer_time_s=20)


def test_lognormal_handle_times_keep_the_mean_and_lower_the_wait():
    """Less variable handle times (cv 0.5) wait less than exponential ones at the same load (Kingman)."""
    exp_ = single_queue(100, 180, 22, interval_s=IVL, intervals=300, answer_time_s=20, seed=1)
    logn = single_queue(100, 180, 22, interval_s=IVL, intervals=300, answer_time_s=20, seed=1,
                        handle="lognormal", cv=0.5)
    assert abs(logn["occupancy"] - exp_["occupancy"]) < 0.02
    assert logn["asa_s"] < exp_["asa_s"]


def test_a_call_running_into_a_break_counts_as_logged_in_handle_time():
    """One agent on the phone in interval 0 only (900 s), one call answered at 800 s lasting 300 s: 100 s fall in
    interval 0 and 200 s in interval 1, when the agent is off the plan (its break starts late). Occupancy as an
    ACD counts it: interval 0 is 100 / 900 busy, interval 1 is 200 / 200 (logged in only to finish the call)."""
    from wfm.simulation.engine import Calls, _aggregate

    sc = SimulationInput(interval_s=900.0, rate=np.full((2, 1), 1.0), aht=np.full((2, 1), 300.0),
                         assign=np.array([[0, -1]]), skills=np.ones((1, 1), dtype=bool), priority=np.ones(1),
                         answer_time_s=np.full(1, 20.0), patience_s=np.full(1, np.nan), queues=["a"])
    one = np.array([0])
    calls = Calls(arrival=np.array([800.0]), queue=one, interval=one, service=np.array([300.0]),
                  deadline=np.array([np.inf]), start=np.array([800.0]), agent=one)
    tot = _aggregate(sc, calls)
    assert tot.busy_s[:, 0].tolist() == pytest.approx([100.0, 200.0])
    assert tot.staffed_s[:, 0].tolist() == pytest.approx([900.0, 200.0])
    assert tot.overrun_s == pytest.approx(200.0)
