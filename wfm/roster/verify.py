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
from wfm.roster.stats import ShortQueue, short_queue_text

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
    """One plain sentence per queue the simulated roster leaves under target (`short_queue_facts`,
    `wfm.roster.stats.short_queue_text`)."""
    return [short_queue_text(s) for s in short_queue_facts(period, config, agents)]


def short_queue_facts(period: pd.DataFrame, config: Config, agents: list[Agent]) -> list[ShortQueue]:
    """The queues the simulated roster leaves under target (`queue_misses`): their simulated service level (and
    abandonment, when over its cap) against the target, how many agents hold the skill and which higher-priority
    queues they also answer. Agents without the skill cannot answer its calls, so more heads or a new search cannot
    close such a gap; more agents holding the skill can."""
    margins = queue_margins(period[period["queue"] != "all"], config)
    rows = period.set_index("queue")
    out = []
    for name in (q for q, m in margins.items() if m < 0):
        q, r = config.queues[name], rows.loc[name]
        cap = _abandon_cap(q)
        holders = [a for a in agents if name in a.skills]
        first = sorted({s for a in holders for s in a.skills
                        if s in config.queues and config.queues[s].priority > q.priority})
        over_cap = cap is not None and r.abandon_rate > cap
        out.append(ShortQueue(name, float(r.service_level), float(np.nan_to_num(r.service_level_hw)),
                              float(q.sl_target), float(r.abandon_rate) if over_cap else None,
                              cap if over_cap else None, len(holders), len(agents), first))
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


def simulation_skipped_reason(data: pd.DataFrame, agents: list[Agent], requirements: pd.DataFrame | None,
                              config: Config) -> str | None:
    """Why the roster (long table `data`) cannot be simulated against the requirements' calls: the days and
    queues of the roster period the requirements lack (`wfm.simulation.roster_arrays.ForecastCoverageError`);
    None when it can be, or when the requirements carry no calls to simulate."""
    from wfm.errors import InputError
    from wfm.simulation.roster_arrays import build_scenario

    if requirements is None or requirements.empty or not {"calls", "aht_s"} <= set(requirements.columns):
        return None
    try:
        build_scenario(data, requirements[["interval_start", "queue", "calls", "aht_s"]], config, agents,
                       source="roster", forecast_source="requirements")
    except InputError as e:
        return "; ".join(p.message for p in e.problems)
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
