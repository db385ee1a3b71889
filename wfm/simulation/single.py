"""`single_queue`: one queue, constant load and staffing, for validation against Erlang C / A and for quick
what-if questions ("what does 23 agents give at 180 calls per half hour?").

The run covers `warmup` intervals (discarded: the centre starts empty), the `intervals` measured ones and
`cooldown` intervals after them (so that callers arriving at the end of the measured period are still
served as in steady state). Confidence half-widths are 95% batch means over `batches` consecutive groups of
measured intervals, using the ratio estimator (e.g. SL = sum answered in time / sum arrivals per batch).
Conventions as in the Erlang reference: SL = share of all arriving callers answered within
`answer_time_s` (callers who hang up count as not answered in time); ASA = mean wait of answered callers;
abandon rate = share of arrivals who hang up; occupancy = agent time on calls / agent time on the phone.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from wfm.simulation.engine import SimulationInput, run


def ratio_ci(num: np.ndarray, den: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Ratio estimate sum(num)/sum(den) over independent groups (batches or replications) and the half-width
    of its `level` confidence interval (Student t, delta method). NaN half-width with fewer than 2 groups."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    total = den.sum()
    if total <= 0:
        return float("nan"), float("nan")
    r = num.sum() / total
    m = num.size
    if m < 2:
        return float(r), float("nan")
    resid = num - r * den
    se = math.sqrt(float((resid ** 2).sum()) / (m - 1) / m) / (total / m)
    return float(r), float(stats.t.ppf(0.5 + level / 2.0, m - 1) * se)


def single_queue(calls: float, aht_s: float, agents: int, *, interval_s: float, intervals: int,
                 answer_time_s: float, patience_s: float | None = None, seed: int = 0, warmup: int | None = None,
                 cooldown: int | None = None, batches: int = 20, handle: str = "exponential",
                 cv: float = 1.0) -> dict[str, float]:
    """Simulate `intervals` consecutive intervals of `calls` expected calls each, mean handle time `aht_s`
    and `agents` agents on the phone; `patience_s` (mean, exponential) makes callers hang up (Erlang A).

    Returns `service_level`, `asa_s`, `abandon_rate`, `occupancy`, each with a 95% half-width
    (`service_level_hw`, ...), plus `calls` (measured arrivals), `answered`, `abandoned` and `batches`.
    Same inputs and seed, same result.
    """
    if intervals < 1:
        raise ValueError("intervals must be at least 1")
    if agents < 0 or agents != int(agents):
        raise ValueError("agents must be a whole number >= 0")
    if calls < 0 or not math.isfinite(calls):
        raise ValueError("calls must be finite and >= 0")
    if calls > 0 and not aht_s > 0:
        raise ValueError("aht_s must be positive")
    if patience_s is not None and not patience_s > 0:
        raise ValueError("patience_s must be positive (omit it for Erlang C)")
    if warmup is None:
        # a few mean waits/handle times' worth; at least one interval
        warmup = max(1, math.ceil(5.0 * max(aht_s, patience_s or 0.0) / interval_s), intervals // 20)
    if cooldown is None:
        cooldown = max(1, math.ceil(3.0 * max(aht_s, patience_s or 0.0) / interval_s))
    total = warmup + intervals + cooldown
    agents = int(agents)
    sc = SimulationInput(
        interval_s=float(interval_s),
        rate=np.full((total, 1), float(calls)),
        aht=np.full((total, 1), float(aht_s)),
        assign=np.zeros((agents, total), dtype=np.int64),
        skills=np.ones((agents, 1), dtype=bool),
        priority=np.ones(1),
        answer_time_s=np.array([float(answer_time_s)]),
        patience_s=np.array([np.nan if patience_s is None else float(patience_s)]),
        queues=["queue"],
    )
    tot, _ = run(sc, np.random.default_rng(seed), handle=handle, cv=cv)
    sl_ = slice(warmup, warmup + intervals)
    m = min(max(1, batches), intervals)
    groups = np.array_split(np.arange(intervals), m)

    def per_batch(arr: np.ndarray) -> np.ndarray:
        x = arr[sl_, 0]
        return np.array([x[g].sum() for g in groups])

    n_calls = per_batch(tot.calls)
    ans = per_batch(tot.answered)
    out: dict[str, float] = {}
    out["service_level"], out["service_level_hw"] = ratio_ci(per_batch(tot.answered_in_time), n_calls)
    out["asa_s"], out["asa_s_hw"] = ratio_ci(per_batch(tot.wait_answered_s), ans)
    out["abandon_rate"], out["abandon_rate_hw"] = ratio_ci(per_batch(tot.abandoned), n_calls)
    out["occupancy"], out["occupancy_hw"] = ratio_ci(per_batch(tot.busy_s), per_batch(tot.staffed_s))
    if n_calls.sum() == 0:  # no calls: nobody waits
        out.update(service_level=1.0, asa_s=0.0, abandon_rate=0.0, occupancy=0.0)
    out["calls"] = float(n_calls.sum())
    out["answered"] = float(ans.sum())
    out["abandoned"] = float(n_calls.sum() - ans.sum())
    out["batches"] = float(m)
    return out
