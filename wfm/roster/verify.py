"""Simulation in the loop: a roster built for calls routed by skill is simulated against the requirements' calls;
where a queue misses its service-level or answer-rate target, it gets more required heads in the hours it falls
short, and that queue's agents re-choose their weeks against everyone else's shifts (`heuristic.repair`).

The pooled requirements (`wfm.multiskill`) are an approximation: under priority routing a low-priority queue whose
agents also hold busier, higher-priority skills gets less of their time than the pools assume. The simulation
measures that, hour by hour.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from wfm.config import Config
from wfm.readers.agents import Agent
from wfm.roster.problem import Instance

REPLICATIONS = 5
BLOCK_MINUTES = 60  # hours are judged as a whole: a single interval's simulated figures are too noisy
MARGIN = 0.01  # a queue is met when the low end of its 95% interval is within a point of the target
BALANCE_ROUNDS = 4  # simulations at most when re-weighting the first-call skills
BALANCE_GAIN = 5.0  # a queue 2 points short gets 10% more weight on its first-call target (per round)
BALANCE_MAX_STEP = 0.2  # at most this much (log) weight change per round
# balancing goes on (within its rounds) until every queue clears its target by this much: a queue met by a hair in
# the balancing's simulation is as likely as not to miss in another draw of the same calls
BALANCE_SAFETY = 0.015


def queue_misses(period: pd.DataFrame, config: Config) -> list[str]:
    """Queues whose simulated service level or answer rate (low end of the 95% interval) is more than a point
    under target."""
    return [q for q, margin in queue_margins(period, config).items() if margin < 0]


def queue_margins(period: pd.DataFrame, config: Config) -> dict[str, float]:
    """Per queue with calls, how far its simulated figures are from missing: the low end of the service level
    over (target - `MARGIN`), or the allowed abandonment (+ `MARGIN`) over the low end of the abandon rate,
    whichever is tighter; negative = the queue misses (`queue_misses`)."""
    out = {}
    for r in period.itertuples(index=False):
        q = config.queues.get(r.queue)
        if q is None or not r.calls > 0:
            continue
        margin = r.service_level - np.nan_to_num(r.service_level_hw) - (q.sl_target - MARGIN)
        cap = _abandon_cap(q)
        if cap is not None:
            margin = min(margin, cap + MARGIN - (r.abandon_rate - np.nan_to_num(r.abandon_rate_hw)))
        out[str(r.queue)] = float(margin)
    return out


def short_queue_warnings(period: pd.DataFrame, config: Config, agents: list[Agent]) -> list[str]:
    """One plain sentence per queue the simulated roster leaves under target (`queue_misses`): its simulated
    service level (and abandonment, when capped) against the target, how many agents hold its skill and which
    higher-priority queues they also answer. Agents without the skill cannot answer its calls, so more heads or a
    new search cannot close such a gap; more agents holding the skill can."""
    margins = queue_margins(period[period["queue"] != "all"], config)
    rows = period.set_index("queue")
    out = []
    for name in (q for q, m in margins.items() if m < 0):
        q, r = config.queues[name], rows.loc[name]
        text = (f"{name}: simulated service level {r.service_level:.0%} (±{100 * np.nan_to_num(r.service_level_hw):.0f}"
                f" points) against its {q.sl_target:.0%} target")
        cap = _abandon_cap(q)
        if cap is not None and r.abandon_rate > cap:
            text += f", {r.abandon_rate:.0%} of calls abandoned against at most {cap:.0%}"
        holders = [a for a in agents if name in a.skills]
        text += f"; {len(holders)} of {len(agents)} agents hold {name}"
        first = sorted({s for a in holders for s in a.skills
                        if s in config.queues and config.queues[s].priority > q.priority})
        if first:
            text += f", who also answer {', '.join(first)} (routed before {name})"
        if len(holders) < len(agents):
            out.append(text + f". More agents holding {name} would help: agents without it cannot answer its calls")
        else:  # every agent holds it: the floor is short of people, not of the skill
            out.append(text + f". Every agent holds {name}: more agents on the phone at its busy times would help")
    return out


def balance_primaries(inst: Instance, plans: list, agents: list[Agent], requirements: pd.DataFrame,
                      *, seed: int = 0, rounds: int = BALANCE_ROUNDS,
                      deadline: float | None = None) -> tuple[pd.DataFrame, dict[str, float], object]:
    """Under skill routing, re-weight each queue's share of first-call agents (`Instance.primary_weight`) by
    simulation: a queue under target gets more agents answering it first, one far above gets fewer, the shifts
    unchanged, until every queue clears its target by `BALANCE_SAFETY`. Keeps the best weights found (fewest
    queues missing, then the largest worst margin) and returns that roster's long table, its queue margins ({}
    when it cannot be simulated) and its simulation. No new round starts after `deadline` (a
    `time.perf_counter()` value)."""
    from wfm.roster.detail import reassign_primaries
    from wfm.roster.table import long_table

    config = inst.config
    weights = np.ones(len(inst.queues)) if inst.primary_weight is None else inst.primary_weight.copy()
    best: tuple | None = None
    for r in range(rounds):
        if r and deadline is not None and time.perf_counter() > deadline:
            break
        inst.primary_weight = weights.copy()
        reassign_primaries(inst, plans)
        data = long_table(inst, plans)
        sim = _simulate(data, agents, requirements, config, seed)
        if sim is None:
            return data, {}, None
        margins = queue_margins(sim.period[sim.period["queue"] != "all"], config)
        score = (sum(m < 0 for m in margins.values()), -min(margins.values(), default=0.0))
        if best is None or score < best[0]:
            best = (score, weights.copy(), data, margins, sim)
        if min(margins.values(), default=0.0) >= BALANCE_SAFETY:
            break
        step = np.array([np.clip(-BALANCE_GAIN * margins.get(q, 0.0), -BALANCE_MAX_STEP, BALANCE_MAX_STEP)
                         for q in inst.queues])
        weights = weights * np.exp(step)
    assert best is not None
    if not np.array_equal(inst.primary_weight, best[1]):
        inst.primary_weight = best[1]
        reassign_primaries(inst, plans)
    return best[2], best[3], best[4]


def _simulate(data: pd.DataFrame, agents: list[Agent], requirements: pd.DataFrame, config: Config, seed: int):
    """The roster simulated against the requirements' calls, absences at the unplaced shrinkage (None when the
    requirements do not cover it)."""
    from wfm.simulation.roster_sim import ForecastCoverageError, simulate_roster

    fc = requirements[["interval_start", "queue", "calls", "aht_s"]]
    try:
        return simulate_roster(data, fc, agents, config, replications=REPLICATIONS, seed=seed,
                               absence=config.shrinkage.unplaced)
    except (ForecastCoverageError, ValueError):
        return None


def _abandon_cap(q) -> float | None:
    caps = [v for v in (getattr(q, "max_abandon_rate", None),
                        None if getattr(q, "answer_rate_target", None) is None else 1 - q.answer_rate_target)
            if v is not None]
    return min(caps) if caps else None


def shortfall(inst: Instance, data: pd.DataFrame, agents: list[Agent], requirements: pd.DataFrame,
              *, seed: int = 0, sim=None, safety: float = 0.0) -> tuple[np.ndarray | None, list[str]]:
    """Extra heads per (queue, interval) for the queues the simulated roster leaves under target (or within
    `safety` of missing it, see `queue_margins`), and their names; (None, []) when every queue is met or the
    requirements cannot be simulated. `sim`: the roster's simulation when it is already at hand."""
    config = inst.config
    if sim is None:
        sim = _simulate(data, agents, requirements, config, seed)
        if sim is None:
            return None, []
    margins = queue_margins(sim.period[sim.period["queue"] != "all"], config)
    misses = [q for q, m in margins.items() if m < safety]
    if not misses:
        return None, []
    iv = sim.intervals[sim.intervals["queue"].isin(misses)].copy()
    begin = pd.Timestamp(inst.start)
    iv["t"] = ((pd.to_datetime(iv["interval_start"]) - begin).dt.total_seconds() // (inst.interval * 60)).astype(int)
    iv = iv[(iv["t"] >= 0) & (iv["t"] < inst.horizon)]
    per_block = max(1, BLOCK_MINUTES // inst.interval)
    iv["block"] = iv["t"] // per_block
    iv["in_time"] = iv["service_level"].fillna(0) * iv["calls"]
    g = iv.groupby(["queue", "block"]).agg(calls=("calls", "sum"), in_time=("in_time", "sum"),
                                            abandoned=("abandoned", "sum")).reset_index()
    extra = np.zeros((len(inst.queues), inst.horizon), dtype=np.int64)
    qpos = {q: i for i, q in enumerate(inst.queues)}
    for r in g.itertuples(index=False):
        if not r.calls > 0:
            continue
        q = config.queues[r.queue]
        sl = r.in_time / r.calls
        cap = _abandon_cap(q)
        gap = q.sl_target - sl
        if cap is not None:
            gap = max(gap, r.abandoned / r.calls - cap)
        if gap <= 0:
            continue
        heads = 1 if gap < 0.15 else 2
        t0 = r.block * per_block
        span = slice(t0, min(inst.horizon, t0 + per_block))
        busy = inst.req[qpos[r.queue], span] > 0
        extra[qpos[r.queue], span] += heads * busy
    return (extra if extra.any() else None), misses
