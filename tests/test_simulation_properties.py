"""Engine invariants on random small multi-skill scenarios (hypothesis): every call is answered or abandoned
once, agents serve one call at a time, only while on the phone, only queues they may serve, FIFO per queue."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from wfm.simulation import ROUTINGS, SimulationInput, run

L = 900.0


@st.composite
def scenarios(draw):
    n_q = draw(st.integers(1, 3))
    n_t = draw(st.integers(1, 8))
    n_a = draw(st.integers(0, 5))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    rate = rng.uniform(0, 12, (n_t, n_q)) * (rng.random((n_t, n_q)) < 0.8)
    aht = rng.uniform(60, 900, (n_t, n_q))
    assign = rng.integers(-1, n_q, (n_a, n_t))
    skills = rng.random((n_a, n_q)) < 0.5
    patience = np.where(rng.random(n_q) < 0.5, rng.uniform(20, 300, n_q), np.nan)
    sc = SimulationInput(interval_s=L, rate=rate, aht=aht, assign=assign, skills=skills,
                  priority=rng.integers(1, 4, n_q).astype(float), answer_time_s=np.full(n_q, 20.0),
                  patience_s=patience, routing=draw(st.sampled_from(ROUTINGS)),
                  speed=rng.uniform(0.5, 1.0, (n_a, n_q)) if draw(st.booleans()) else None)
    return sc, seed, draw(st.sampled_from(["exponential", "lognormal"]))


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_engine_invariants(case):
    sc, seed, handle = case
    tot, calls = run(sc, np.random.default_rng(seed), keep_calls=True, handle=handle, cv=0.7)
    n = calls.arrival.size
    assert tot.calls.sum() == n
    assert tot.answered.sum() + tot.abandoned.sum() == n
    ans = calls.answered
    s, a = calls.start[ans], calls.agent[ans]
    assert (s >= calls.arrival[ans] - 1e-9).all()
    assert (s <= calls.deadline[ans]).all()  # nobody is answered after hanging up
    k = np.floor(s / L).astype(int)
    assert (k < sc.n_intervals).all()
    own = sc.assign[a, k]
    assert (own >= 0).all()  # calls start only while the agent is on the phone
    q = calls.queue[ans]
    if sc.routing == "assigned_only":
        assert (q == own).all()
    else:
        assert ((q == own) | sc.skills[a, q]).all()
    end = s + calls.service[ans]
    for agent in np.unique(a):
        m = a == agent
        order = np.argsort(s[m])
        assert (s[m][order][1:] >= end[m][order][:-1] - 1e-9).all()  # one call at a time
    for queue in range(sc.n_queues):
        m = q == queue
        arr = calls.arrival[ans][m]
        order = np.argsort(arr, kind="stable")
        assert (np.diff(s[m][order]) >= -1e-9).all()  # first come, first served within a queue
    # agent time on the phone can never exceed the rostered time
    assert (tot.busy_s <= tot.staffed_s + 1e-6).all()
