"""The roster against the forecast: replications of the event simulation, per interval and queue, per day and
for the period, and where the per-queue Erlang plan and the multi-skill simulation differ.

Per-interval rows are by the callers' arrival interval. Estimates over replications are ratio estimates
(e.g. SL = all callers answered in time / all callers, summed over replications) with 95% half-widths from
the spread between replications (Student t, delta method); `*_hw` is NaN with a single replication.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from wfm.config import Config
from wfm.errors import InputError
from wfm.readers.agents import Agent
from wfm.simulation.engine import HANDLE_DISTRIBUTIONS, SimulationInput, Totals, run
from wfm.simulation.roster_arrays import ForecastCoverageError, Grid, build_scenario

INTERVAL_COLUMNS = ["interval_start", "queue", "calls", "answered", "abandoned", "service_level", "asa_s",
                    "occupancy", "abandon_rate", "agents", "forecast_calls", "service_level_hw", "asa_s_hw",
                    "abandon_rate_hw", "occupancy_hw"]
SUMMARY_COLUMNS = ["queue", "calls", "answered", "abandoned", "service_level", "asa_s", "occupancy",
                   "abandon_rate", "service_level_hw", "asa_s_hw", "abandon_rate_hw", "occupancy_hw"]
ALL = "all"


@dataclass
class RosterSimulation:
    """Result of `simulate_roster`: per interval and queue, per day and for the period (queue `all` = every
    queue together), plus the grid and each replication's totals."""

    intervals: pd.DataFrame
    daily: pd.DataFrame
    period: pd.DataFrame
    grid: Grid
    scenario: SimulationInput
    replications: list[Totals]
    routing: str


# --------------------------------------------------------------------------------------------- simulating


def default_routing(config: Config) -> str:
    """How the centre's calls reach agents: each agent answers the queue the roster gives it first (under skill
    routing its first-call skill for the shift, by hand the queue of the interval), then its other skills,
    highest queue priority first. The same for both assignments; kept a function so that a config can change it."""
    return "assigned_first"


def simulate_roster(roster: pd.DataFrame, forecast: pd.DataFrame, agents: Sequence[Agent] | None, config: Config,
                    *, replications: int = 5, seed: int = 0, routing: str | None = None,
                    handle: str = "exponential", cv: float = 1.0, uncertainty: bool = False,
                    proficiency: bool = False, absence: float = 0.0, progress: Callable[[int], None] | None = None,
                    source: str = "roster", forecast_source: str = "forecast") -> RosterSimulation:
    """Simulate the roster (long table `agent_id, date, interval_start, activity, queue`) against the forecast
    `replications` times. `routing` defaults to the config's (`default_routing`). `uncertainty` draws each day's
    level per queue from the forecast's prediction interval (`calls_lo`, `calls_hi`); `proficiency` slows agents
    by their skill level (see `build_scenario`); `absence` is the chance that an agent misses a rostered day
    (drawn per agent and day, e.g. the config's unplaced shrinkage). Same inputs and seed, same result."""
    routing = routing or default_routing(config)
    if not 0.0 <= absence < 1.0:
        raise InputError(f"absence must be in [0, 1), not {absence}")
    if replications < 1:
        raise InputError("replications must be at least 1")
    if handle not in HANDLE_DISTRIBUTIONS:
        raise InputError(f"handle must be one of {', '.join(HANDLE_DISTRIBUTIONS)}, not {handle!r}")
    if not cv > 0:
        raise InputError("cv must be positive")
    sc, grid = build_scenario(roster, forecast, config, agents, routing=routing, proficiency=proficiency,
                              source=source, forecast_source=forecast_source)
    sigma = grid.day_sigma if uncertainty else None
    if uncertainty and sigma is None:
        grid.notes.append("the forecast has no calls_lo/calls_hi: simulated without level uncertainty")
    per_day = 86400 // grid.interval_s
    shift_day = _shift_days(roster, grid) if absence > 0 else None
    base_assign = sc.assign
    reps: list[Totals] = []
    for r in range(replications):
        if shift_day is not None:  # its own stream, so that the calls are the same with and without absences
            gone = np.random.default_rng([seed, r, 1]).random((shift_day.shape[0], grid.roster_days + 1)) < absence
            out = (shift_day >= 0) & np.take_along_axis(gone, np.maximum(shift_day, 0), axis=1)
            sc.assign = np.where(out, -1, base_assign)
        rng = np.random.default_rng([seed, r])
        level = None
        if sigma is not None:
            n_days = math.ceil(grid.n_intervals / per_day)
            zd = rng.standard_normal((n_days, sc.n_queues))[np.arange(grid.n_intervals) // per_day]
            level = np.exp(sigma * zd - sigma ** 2 / 2.0)
        tot, _ = run(sc, rng, handle=handle, cv=cv, level=level)
        reps.append(tot)
        if progress is not None:
            progress(r + 1)
    sc.assign = base_assign
    intervals = _interval_table(reps, sc, grid)
    daily, period = summarise(reps, sc, grid)
    return RosterSimulation(intervals, daily, period, grid, sc, reps, routing)


def _shift_days(roster: pd.DataFrame, grid: Grid) -> np.ndarray:
    """(agents, intervals): the roster day (from the period's first) of the shift an interval belongs to, or -1."""
    out = np.full((len(grid.agent_ids), grid.n_intervals), -1, dtype=np.int64)
    apos = {a: i for i, a in enumerate(grid.agent_ids)}
    ts = pd.to_datetime(roster["interval_start"])
    dates = pd.to_datetime(roster["date"]).dt.normalize()
    step = pd.Timedelta(seconds=grid.interval_s)
    rows = roster["agent_id"].astype(str).map(apos).to_numpy()
    out[rows, ((ts - grid.start) // step).to_numpy(dtype=np.int64)] = ((dates - dates.min()).dt.days).to_numpy()
    return out


def _stack(reps: list[Totals], name: str) -> np.ndarray:
    return np.stack([getattr(t, name) for t in reps])  # (R, ...)


def ratio_ci_arrays(num: np.ndarray, den: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Elementwise ratio estimate over axis 0 (replications) and its half-width; NaN where den sums to 0."""
    r_n = num.shape[0]
    tot = den.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        est = np.where(tot > 0, num.sum(axis=0) / np.where(tot > 0, tot, 1.0), np.nan)
        if r_n < 2:
            return est, np.full(est.shape, np.nan)
        resid = num - est[None] * den
        se = np.sqrt((resid ** 2).sum(axis=0) / (r_n - 1) / r_n) / (tot / r_n)
        hw = stats.t.ppf(0.5 + level / 2.0, r_n - 1) * se
    return est, np.where(tot > 0, hw, np.nan)


def _metrics(calls, answered, in_time, wait, busy, staffed) -> dict[str, np.ndarray]:
    r_n = calls.shape[0]
    out = {"calls": calls.sum(axis=0) / r_n, "answered": answered.sum(axis=0) / r_n}
    out["abandoned"] = out["calls"] - out["answered"]
    out["service_level"], out["service_level_hw"] = ratio_ci_arrays(in_time, calls)
    out["asa_s"], out["asa_s_hw"] = ratio_ci_arrays(wait, answered)
    out["abandon_rate"], out["abandon_rate_hw"] = ratio_ci_arrays(calls - answered, calls)
    out["occupancy"], out["occupancy_hw"] = ratio_ci_arrays(busy, staffed)
    return out


def _round(df: pd.DataFrame) -> pd.DataFrame:
    for c in df.columns:
        if c in ("calls", "answered", "abandoned", "forecast_calls"):
            df[c] = df[c].astype(float).round(3)
        elif c.startswith(("service_level", "abandon_rate", "occupancy")):
            df[c] = df[c].astype(float).round(5)
        elif c.startswith("asa_s"):
            df[c] = df[c].astype(float).round(2)
    return df


def _interval_table(reps: list[Totals], sc: SimulationInput, grid: Grid) -> pd.DataFrame:
    m = _metrics(_stack(reps, "calls"), _stack(reps, "answered"), _stack(reps, "answered_in_time"),
                 _stack(reps, "wait_answered_s"), _stack(reps, "busy_s"), _stack(reps, "staffed_s"))
    t_idx, q_idx = np.nonzero(grid.has_forecast)
    starts = grid.starts
    df = pd.DataFrame({"interval_start": starts[t_idx], "queue": np.asarray(grid.queues, dtype=object)[q_idx]})
    for k, v in m.items():
        df[k] = v[t_idx, q_idx]
    df["agents"] = (sc.assign[:, t_idx] == q_idx[None, :]).sum(axis=0)
    df["forecast_calls"] = sc.rate[t_idx, q_idx]
    return _round(df[INTERVAL_COLUMNS].copy())


def summarise(reps: list[Totals], sc: SimulationInput, grid: Grid) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per day (calendar date of the arrival interval) and for the whole period, per queue and `all`."""
    names = ["calls", "answered", "answered_in_time", "wait_answered_s", "busy_s", "staffed_s"]
    stacks = {n: _stack(reps, n) for n in names}  # (R, T, Q)
    per_day = 86400 // grid.interval_s
    day = np.arange(grid.n_intervals) // per_day
    n_days = int(day.max()) + 1
    daily_rows, period_rows = [], []
    dates = [(grid.start + pd.Timedelta(days=int(d))).date() for d in range(n_days)]
    labels = list(grid.queues) + [ALL]

    def add_all(a: np.ndarray) -> np.ndarray:  # (R, X, Q) -> (R, X, Q+1)
        return np.concatenate([a, a.sum(axis=-1, keepdims=True)], axis=-1)

    first_of_day = np.flatnonzero(np.r_[True, np.diff(day) > 0])
    by_day = {n: add_all(np.add.reduceat(v, first_of_day, axis=1)) for n, v in stacks.items()}
    md = _metrics(*(by_day[n] for n in names))
    for d in range(n_days):
        for qi, q in enumerate(labels):
            daily_rows.append({"date": dates[d], "queue": q, **{k: v[d, qi] for k, v in md.items()}})
    whole = {n: add_all(v.sum(axis=1, keepdims=True)) for n, v in stacks.items()}
    mp = _metrics(*(whole[n] for n in names))
    for qi, q in enumerate(labels):
        period_rows.append({"queue": q, **{k: v[0, qi] for k, v in mp.items()}})
    daily = pd.DataFrame(daily_rows)[["date", *SUMMARY_COLUMNS]]
    period = pd.DataFrame(period_rows)[SUMMARY_COLUMNS]
    period.insert(0, "days", grid.roster_days or n_days)
    period.insert(0, "start", grid.start.date())
    return _round(daily), _round(period)


# --------------------------------------------------------------------------------------------- vs Erlang


def compare_with_erlang(sim: RosterSimulation, config: Config, *, own_only: RosterSimulation | None = None,
                        tolerance: float = 0.02) -> pd.DataFrame:
    """Per interval and queue: the SL the per-queue Erlang plan predicts for the rostered on-phone agents of
    that queue (Erlang A where the queue has a patience, else C; forecast calls and AHT) against the simulated
    SL. `diff` = simulated - Erlang; `verdict` says whether the simulation is significantly better / worse
    (|diff| beyond the 95% half-width plus `tolerance`) or agrees.

    `own_only`: the same roster simulated with routing "assigned_only" (agents serve only their rostered
    queue); its SL (`sim_own_sl`) separates what the interval dynamics do (queues carried from one interval
    to the next, agents starting their shift idle) from what cross-skill help does."""
    from wfm.staffing import abandon_probability, service_level

    df = sim.intervals
    L = sim.grid.interval_s
    t_idx = ((df["interval_start"] - sim.grid.start) // pd.Timedelta(seconds=L)).to_numpy(dtype=np.int64)
    q_idx = df["queue"].map({q: i for i, q in enumerate(sim.grid.queues)}).to_numpy()
    calls = sim.scenario.rate[t_idx, q_idx]
    aht = sim.scenario.aht[t_idx, q_idx]
    agents = df["agents"].to_numpy()
    ans_t = sim.scenario.answer_time_s[q_idx]
    pat = sim.scenario.patience_s[q_idx]
    erl_sl = service_level(calls, aht, agents, interval_s=L, answer_time_s=ans_t, patience_s=pat)
    has_pat = ~np.isnan(pat)
    erl_ab = np.full(calls.size, np.nan)
    if has_pat.any():
        erl_ab[has_pat] = abandon_probability(calls[has_pat], aht[has_pat], agents[has_pat], interval_s=L,
                                              patience_s=pat[has_pat])
    out = pd.DataFrame({
        "interval_start": df["interval_start"], "queue": df["queue"], "forecast_calls": calls, "agents": agents,
        "erlang_sl": np.round(erl_sl, 5), "sim_sl": df["service_level"], "sim_sl_hw": df["service_level_hw"],
        "erlang_abandon": np.round(erl_ab, 5), "sim_abandon": df["abandon_rate"],
    })
    if own_only is not None:
        own = own_only.intervals.set_index(["interval_start", "queue"])["service_level"]
        out["sim_own_sl"] = own.reindex(pd.MultiIndex.from_frame(df[["interval_start", "queue"]])).to_numpy()
    out["diff"] = (out["sim_sl"] - out["erlang_sl"]).round(5)
    margin = out["sim_sl_hw"].fillna(0.0) + tolerance
    out["verdict"] = np.where(out["forecast_calls"] <= 0, "no calls",
                              np.where(out["diff"] > margin, "sim better",
                                       np.where(out["diff"] < -margin, "sim worse", "agrees")))
    return out


def compare_summary(cmp: pd.DataFrame) -> pd.DataFrame:
    """Per queue: call-weighted Erlang SL vs simulated SL (and the own-queue-only simulation where compared),
    and how many intervals the simulation is significantly better or worse than the plan."""
    busy = cmp[cmp["forecast_calls"] > 0].copy()
    busy["w_erl"] = busy["erlang_sl"] * busy["forecast_calls"]
    busy["w_sim"] = busy["sim_sl"] * busy["forecast_calls"]
    g = busy.groupby("queue", sort=False)
    res = pd.DataFrame({
        "intervals": g.size(),
        "erlang_sl": g["w_erl"].sum() / g["forecast_calls"].sum(),
        "sim_sl": g["w_sim"].sum() / g["forecast_calls"].sum(),
        "sim_better": g["verdict"].apply(lambda v: int((v == "sim better").sum())),
        "sim_worse": g["verdict"].apply(lambda v: int((v == "sim worse").sum())),
        "worst_diff": g["diff"].min(),
    }).reset_index()
    cols = ["queue", "intervals", "erlang_sl"]
    if "sim_own_sl" in busy:
        busy["w_own"] = busy["sim_own_sl"] * busy["forecast_calls"]
        res["sim_own_sl"] = (busy.groupby("queue", sort=False)["w_own"].sum() / g["forecast_calls"].sum()).to_numpy()
        cols.append("sim_own_sl")
    res["diff"] = res["sim_sl"] - res["erlang_sl"]
    return res[cols + ["sim_sl", "diff", "sim_better", "sim_worse", "worst_diff"]]


__all__ = ["ALL", "INTERVAL_COLUMNS", "SUMMARY_COLUMNS", "ForecastCoverageError", "Grid", "RosterSimulation",
           "build_scenario", "compare_summary", "compare_with_erlang", "default_routing", "ratio_ci_arrays",
           "simulate_roster", "summarise"]
