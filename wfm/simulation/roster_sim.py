"""The roster against the forecast: replications of the event simulation, per interval and queue, per day and
for the period, and where the per-queue Erlang plan and the multi-skill simulation differ.

Per-interval rows are by the callers' arrival interval. Estimates over replications are ratio estimates
(e.g. SL = all callers answered in time / all callers, summed over replications) with 95% half-widths from
the spread between replications (Student t, delta method); `*_hw` is NaN with a single replication.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from wfm.config import Config
from wfm.errors import InputError, Problem
from wfm.phone_share import on_calls
from wfm.readers.agents import Agent
from wfm.simulation.engine import HANDLE_DISTRIBUTIONS, ROUTINGS, Scenario, Totals, run

INTERVAL_COLUMNS = ["interval_start", "queue", "calls", "answered", "abandoned", "service_level", "asa_s",
                    "occupancy", "abandon_rate", "agents", "forecast_calls", "service_level_hw", "asa_s_hw",
                    "abandon_rate_hw", "occupancy_hw"]
SUMMARY_COLUMNS = ["queue", "calls", "answered", "abandoned", "service_level", "asa_s", "occupancy",
                   "abandon_rate", "service_level_hw", "asa_s_hw", "abandon_rate_hw", "occupancy_hw"]
ALL = "all"


class ForecastCoverageError(InputError, ValueError):
    """The forecast does not cover every interval of the roster period for every queue the roster serves
    (an `InputError`, so the CLI exits 2; a `ValueError` for the Python API)."""


@dataclass
class Grid:
    """The simulated time grid and what was built from the inputs."""

    start: pd.Timestamp
    interval_s: int
    n_intervals: int
    queues: list[str]
    agent_ids: list[str]
    has_forecast: np.ndarray  # (n_intervals, Q) a forecast row exists
    notes: list[str] = field(default_factory=list)
    day_sigma: np.ndarray | None = None  # (n_intervals, Q) log-sd of the day's level (forecast interval)
    roster_days: int = 0  # days of the roster period (the grid may run into the next day for night shifts)

    @property
    def starts(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, periods=self.n_intervals, freq=pd.Timedelta(seconds=self.interval_s))


@dataclass
class RosterSimulation:
    """Result of `simulate_roster`: per interval and queue, per day and for the period (queue `all` = every
    queue together), plus the grid and each replication's totals."""

    intervals: pd.DataFrame
    daily: pd.DataFrame
    period: pd.DataFrame
    grid: Grid
    scenario: Scenario
    replications: list[Totals]
    routing: str


# --------------------------------------------------------------------------------------------- building


def build_scenario(roster: pd.DataFrame, forecast: pd.DataFrame, config: Config,
                   agents: Sequence[Agent] | None = None, *, routing: str = "assigned_first",
                   proficiency: bool = False, source: str = "roster",
                   forecast_source: str = "forecast") -> tuple[Scenario, Grid]:
    """The engine's arrays from the roster long table, the forecast, the config and (optional) agents' skills.

    The forecast must have a row for every interval of the roster period (every day from the roster's first
    `date` to its last, midnight to midnight) for every queue the roster puts agents to work on; otherwise
    `ForecastCoverageError` (a `ValueError` and an `InputError`) names `forecast_source`, the period and the
    days and queues the forecast lacks. Missing intervals are never read as zero calls. Forecast rows for
    other queues or outside the period are allowed (the latter are ignored, with a note).

    Agents' skills: the agents file's skills where given, and always every queue the roster puts them on.
    With `proficiency`, an agent's skill level (e.g. `english:0.7`) divides its handle times on that queue
    (0.7: calls take 1/0.7 as long); otherwise levels are ignored.
    """
    if routing not in ROUTINGS:
        raise InputError(f"routing must be one of {', '.join(ROUTINGS)}, not {routing!r}")
    queues = list(config.queues)
    qpos = {q: i for i, q in enumerate(queues)}
    L = int(config.centre.interval_s)
    step = pd.Timedelta(seconds=L)
    notes: list[str] = []
    if roster.empty:
        raise InputError("the roster has no rows", file=source)
    ts = pd.to_datetime(roster["interval_start"])
    dates = pd.to_datetime(roster["date"]).dt.normalize()
    start = min(dates.min(), ts.min().normalize())
    end = max(ts.max() + step, dates.max() + pd.Timedelta(days=1))
    n_t = int(round((end - start) / step))
    off = ((ts - start) % step) != pd.Timedelta(0)
    if off.any():
        raise InputError([Problem(source, f"interval_start {ts[off].iloc[0]} is not on the "
                                          f"{config.centre.interval_minutes}-minute grid", column="interval_start")])

    agent_ids = sorted(roster["agent_id"].astype(str).unique())
    apos = {a: i for i, a in enumerate(agent_ids)}
    assign = np.full((len(agent_ids), n_t), -1, dtype=np.int64)
    work = roster["activity"].to_numpy() == "work"
    if agents is not None:  # supervisors' floor support and nesting new hires: fewer intervals on calls
        work = work & on_calls(roster, agents, config)
    wq = roster.loc[work, "queue"].astype(str)
    unknown = sorted(set(wq) - set(queues))
    if unknown:
        raise InputError([Problem(source, f"queue(s) not in the config: {', '.join(unknown)}", column="queue")])
    rows = roster.loc[work, "agent_id"].astype(str).map(apos).to_numpy()
    cols = ((ts[work] - start) // step).to_numpy(dtype=np.int64)
    assign[rows, cols] = wq.map(qpos).to_numpy()

    skills = np.zeros((len(agent_ids), len(queues)), dtype=bool)
    skills[rows, assign[rows, cols]] = True
    speed = np.ones((len(agent_ids), len(queues)))
    if agents is not None:
        by_id = {a.agent_id: a for a in agents}
        missing = [a for a in agent_ids if a not in by_id]
        if missing:
            notes.append(f"{len(missing)} rostered agent(s) not in the agents file (e.g. {missing[0]}): "
                         "they serve only the queues the roster puts them on")
        for a, i in apos.items():
            ag = by_id.get(a)
            if ag is not None:
                for s, lv in ag.skills.items():
                    if s in qpos:
                        skills[i, qpos[s]] = True
                        speed[i, qpos[s]] = lv

    fc = forecast
    unknown_fc = sorted(set(fc["queue"].astype(str)) - set(queues))
    if unknown_fc:
        raise InputError([Problem(forecast_source, f"queue(s) not in the config: {', '.join(unknown_fc)}",
                                  column="queue")])
    fts = pd.to_datetime(fc["interval_start"])
    gaps = np.diff(np.unique(fts.dropna().to_numpy())).astype("timedelta64[s]").astype(np.int64)
    if gaps.size and gaps.min() != L:
        raise InputError([Problem(forecast_source, f"the forecast's intervals are {int(gaps.min()) // 60} minutes "
                                                   f"apart but the config's interval is {L // 60} minutes",
                                  column="interval_start")])
    fi = ((fts - start) / step).to_numpy(dtype=float)
    inside = (fi >= 0) & (fi < n_t) & (fi == np.floor(fi))
    if (~inside).any():
        notes.append(f"{int((~inside).sum())} forecast rows outside the roster period (or off the grid) ignored")
    fi = fi[inside].astype(np.int64)
    fq = fc["queue"].astype(str)[inside].map(qpos).to_numpy(dtype=np.int64)
    calls = fc["calls"].to_numpy(dtype=float)[inside]
    aht = fc["aht_s"].to_numpy(dtype=float)[inside]
    default_aht = np.array([config.queues[q].default_aht_s for q in queues])
    aht = np.where(np.isnan(aht) | (aht <= 0), default_aht[fq], aht)
    rate = np.zeros((n_t, len(queues)))
    aht_m = np.tile(default_aht, (n_t, 1)).astype(float)
    has = np.zeros((n_t, len(queues)), dtype=bool)
    rate[fi, fq] = np.nan_to_num(calls)
    aht_m[fi, fq] = aht
    has[fi, fq] = True
    first_day, last_day = dates.min(), dates.max()
    served = sorted({int(i) for i in assign[assign >= 0]})
    _check_coverage(has, served, queues, start=start, first_day=first_day, last_day=last_day, step=step,
                    fts=fts, source=forecast_source)
    if not has.any():
        raise InputError("the forecast has no intervals in the roster period "
                         f"({start.date()} to {(end - step).date()})", file=forecast_source)
    covered = np.zeros_like(has)
    for qi in range(len(queues)):
        covered[:, qi] = (skills[:, qi][:, None] & (assign >= 0)).any(axis=0)
    uncovered = has & (rate > 0) & ~covered
    if uncovered.any():
        per_q = uncovered.sum(axis=0)
        notes.append("intervals with calls forecast but no skilled agent on the phone: " +
                     ", ".join(f"{queues[i]} {int(n)}" for i, n in enumerate(per_q) if n))

    prio = np.array([config.queues[q].priority for q in queues], dtype=float)
    ans_t = np.array([config.queues[q].answer_time_s for q in queues], dtype=float)
    pat = np.array([np.nan if config.queues[q].patience_s is None else config.queues[q].patience_s
                    for q in queues], dtype=float)
    sc = Scenario(interval_s=float(L), rate=rate, aht=aht_m, assign=assign, skills=skills, priority=prio,
                  answer_time_s=ans_t, patience_s=pat, queues=queues, routing=routing,
                  speed=speed if proficiency and (speed != 1.0).any() else None)
    sc.validate()
    grid = Grid(start=start, interval_s=L, n_intervals=n_t, queues=queues, agent_ids=agent_ids,
                has_forecast=has, notes=notes, roster_days=int((dates.max() - dates.min()).days) + 1,
                day_sigma=_day_sigma(fc[inside].assign(_t=fi, _q=fq), n_t, len(queues), L))
    return sc, grid


def _ranges(days: list[pd.Timestamp]) -> str:
    """Consecutive dates as ranges: `2026-12-03..2026-12-06, 2026-12-08`."""
    out: list[str] = []
    i = 0
    while i < len(days):
        j = i
        while j + 1 < len(days) and (days[j + 1] - days[j]) == pd.Timedelta(days=1):
            j += 1
        a, b = days[i].date(), days[j].date()
        out.append(str(a) if i == j else f"{a}..{b}")
        i = j + 1
    return ", ".join(out)


def _check_coverage(has: np.ndarray, served: list[int], queues: list[str], *, start: pd.Timestamp,
                    first_day: pd.Timestamp, last_day: pd.Timestamp, step: pd.Timedelta, fts: pd.Series,
                    source: str) -> None:
    """Raise `ForecastCoverageError` unless `has` (interval x queue) is set for every interval of the roster
    days for every queue in `served`."""
    lo = int(round((first_day - start) / step))
    n_days = int((last_day - first_day).days) + 1
    per_day = int(round(pd.Timedelta(days=1) / step))
    hi = lo + n_days * per_day
    period = (f"the roster period {first_day.date()} to {last_day.date()} ({n_days} day{'s' if n_days != 1 else ''})")
    lacks: dict[str, list[str]] = {}  # what is missing -> the queues missing it
    for qi in served:
        miss = ~has[lo:hi, qi]
        if not miss.any():
            continue
        by_day = miss.reshape(n_days, per_day)
        whole = [first_day + pd.Timedelta(days=d) for d in range(n_days) if by_day[d].all()]
        part = [(first_day + pd.Timedelta(days=d), int(by_day[d].sum())) for d in range(n_days)
                if by_day[d].any() and not by_day[d].all()]
        bits = []
        if whole:
            bits.append(("every interval of " if len(whole) == 1 else "all of ") + _ranges(whole))
        if part:
            shown = ", ".join(f"{n} of {per_day} intervals on {d.date()}" for d, n in part[:5])
            more = f" and {len(part) - 5} more days with gaps" if len(part) > 5 else ""
            bits.append(shown + more)
        lacks.setdefault("; ".join(bits), []).append(queues[qi])
    if not lacks:
        return
    valid = fts.dropna()
    span = (f"it covers {valid.min():%Y-%m-%d %H:%M} to {valid.max():%Y-%m-%d %H:%M}" if len(valid)
            else "it has no rows")
    raise ForecastCoverageError([Problem(
        source, f"the forecast does not cover {period} for every queue the roster serves ({span}); missing "
                f"intervals are not read as zero calls. Lacking: "
                + " | ".join(f"{', '.join(qs)}: {what}" for what, qs in lacks.items())
                + ". Forecast the whole period (wfm forecast --start "
                f"{first_day.date()} --days {n_days}) or simulate a roster for the days the forecast covers.")])


def _day_sigma(fc: pd.DataFrame, n_t: int, n_q: int, interval_s: int, pi_level: float = 0.8) -> np.ndarray | None:
    """Log-scale sd of each day's level per (interval, queue) from the forecast's prediction interval.

    Each interval's [calls_lo, calls_hi] is read as a normal interval of probability `pi_level`; its variance
    beyond Poisson noise, m^2 d, gives the over-dispersion d; a day's d is the call-weighted median over its
    intervals and sigma = sqrt(log(1 + d)). This reads all over-dispersion as day-level uncertainty (a bit
    pessimistic where the forecast also has intraday noise). None when the forecast has no interval."""
    if "calls_lo" not in fc or "calls_hi" not in fc:
        return None
    lo = fc["calls_lo"].to_numpy(dtype=float)
    hi = fc["calls_hi"].to_numpy(dtype=float)
    m = fc["calls"].to_numpy(dtype=float)
    ok = np.isfinite(lo) & np.isfinite(hi) & (m > 0.5) & (hi >= lo)
    if not ok.any():
        return None
    z = stats.norm.ppf(0.5 + pi_level / 2.0)
    sd = (hi - lo) / (2.0 * z)
    d = np.where(ok, (sd ** 2 - m) / np.maximum(m, 1e-9) ** 2, np.nan)
    per_day = 86400 // interval_s
    day = fc["_t"].to_numpy() // per_day
    frame = pd.DataFrame({"day": day, "q": fc["_q"].to_numpy(), "d": d, "w": m}).dropna()
    sig = np.zeros((n_t, n_q))
    n_days = math.ceil(n_t / per_day)
    table = np.zeros((n_days, n_q))
    for (dy, q), g in frame.groupby(["day", "q"]):
        g = g.sort_values("d")
        cw = g["w"].cumsum().to_numpy()
        med = g["d"].to_numpy()[np.searchsorted(cw, cw[-1] / 2.0)]
        table[int(dy), int(q)] = math.sqrt(math.log1p(max(med, 0.0)))
    sig[:, :] = table[np.arange(n_t) // per_day]
    return sig


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


def _interval_table(reps: list[Totals], sc: Scenario, grid: Grid) -> pd.DataFrame:
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


def summarise(reps: list[Totals], sc: Scenario, grid: Grid) -> tuple[pd.DataFrame, pd.DataFrame]:
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
