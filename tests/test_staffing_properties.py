"""Property tests (hypothesis) for the staffing math: monotonicity and stability."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from wfm import staffing as S

calls_st = st.floats(0.01, 20_000.0)
aht_st = st.floats(20.0, 1200.0)
interval_st = st.sampled_from([900, 1800, 3600])
sl_st = st.floats(0.0, 0.995)
t_st = st.floats(0.0, 600.0)
patience_st = st.one_of(st.none(), st.floats(10.0, 900.0))
cap_st = st.one_of(st.none(), st.floats(0.5, 1.0))
FAST = settings(max_examples=60, deadline=None)


@FAST
@given(calls_st, aht_st, interval_st, t_st, patience_st, st.integers(0, 400))
def test_service_level_rises_with_agents(calls, aht, interval, t, patience, extra):
    load = calls * aht / interval
    n = np.unique(np.clip(np.round(load + np.array([-5, 0, 1, 2, 10, 50]) + extra - 200), 0, None))
    sl = S.service_level(calls, aht, n, interval_s=interval, answer_time_s=t, patience_s=patience)
    assert np.all((sl >= 0) & (sl <= 1))
    # SL is computed as 1 - P(not answered in time); where that is within 1e-12 of 1, cancellation leaves
    # rounding noise of a few 1e-12, far below the 1e-6 the reference values ask for.
    assert np.all(np.diff(sl) >= -1e-10)


@FAST
@given(calls_st, aht_st, interval_st, sl_st, t_st, patience_st, cap_st, st.floats(1.0, 1.5), st.floats(1.0, 1.5))
def test_required_agents_never_fall_when_calls_or_aht_rise(calls, aht, interval, sl, t, patience, cap, f_calls,
                                                          f_aht):
    kw = dict(interval_s=interval, sl_target=sl, answer_time_s=t, patience_s=patience, max_occupancy=cap)
    base = S.required_agents(calls, aht, **kw)
    assert S.required_agents(calls * f_calls, aht, **kw) >= base
    assert S.required_agents(calls, aht * f_aht, **kw) >= base
    # and the answer is the smallest that works
    n = int(base)
    sl_n = S.service_level(calls, aht, n, interval_s=interval, answer_time_s=t, patience_s=patience)
    assert sl_n >= sl - 1e-9
    if n > 1:
        lower = S.service_level(calls, aht, n - 1, interval_s=interval, answer_time_s=t, patience_s=patience)
        occ = S.occupancy(calls, aht, n - 1, interval_s=interval, patience_s=patience)
        load = calls * aht / interval
        unstable = patience is None and n - 1 <= load
        assert lower < sl + 1e-9 or unstable or (cap is not None and occ > cap - 1e-9)


@FAST
@given(st.floats(19_000.0, 20_000.0), st.sampled_from([0.8, 0.9, 0.95]), st.sampled_from([0.0, 15.0, 20.0, 60.0]),
       patience_st)
def test_stable_at_20000_erlangs(load, sl, t, patience):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            calls = load * 1800 / 300
            n = int(S.required_agents(calls, 300, interval_s=1800, sl_target=sl, answer_time_s=t,
                                      patience_s=patience))
            assert sl * load < n < load + 6 * np.sqrt(load)  # SL <= P(answered) < N / A
            m = np.array([n - 1, n])
            s = S.service_level(calls, 300, m, interval_s=1800, answer_time_s=t, patience_s=patience)
            assert np.all(np.isfinite(s)) and s[0] < sl + 1e-9 and sl <= s[1] + 1e-12
            assert np.isfinite(S.asa(calls, 300, n, interval_s=1800, patience_s=patience))


@FAST
@given(st.lists(st.floats(0.0, 2000.0), min_size=2, max_size=4), aht_st, sl_st, t_st)
def test_pooling_never_needs_more(calls, aht, sl, t):
    per = S.required_agents(np.array(calls), aht, interval_s=900, sl_target=sl, answer_time_s=t)
    pooled = S.required_agents(sum(calls), aht, interval_s=900, sl_target=sl, answer_time_s=t)
    assert pooled <= per.sum()


@FAST
@given(st.integers(0, 100_000), st.integers(0, 99))
def test_heads_exact_ceiling(agents, pct):
    from fractions import Fraction
    import math

    s = pct / 100
    expected = math.ceil(Fraction(agents) / (1 - Fraction(pct, 100)))
    assert int(S.heads(agents, s)) == expected
    assert int(S.heads(np.array([agents]), np.array([s]))[0]) == expected
