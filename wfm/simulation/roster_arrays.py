"""The simulation engine's arrays from a roster long table, a forecast, the config and the agents' skills
(`build_scenario`), and the check that the forecast covers the roster period."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from wfm.config import Config
from wfm.errors import InputError, Problem
from wfm.phone_share import on_calls
from wfm.readers.agents import Agent
from wfm.simulation.engine import ROUTINGS, SimulationInput


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


def build_scenario(roster: pd.DataFrame, forecast: pd.DataFrame, config: Config,
                   agents: Sequence[Agent] | None = None, *, routing: str = "assigned_first",
                   proficiency: bool = False, source: str = "roster",
                   forecast_source: str = "forecast") -> tuple[SimulationInput, Grid]:
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
    notes: list[str] = []
    r = _roster_arrays(roster, config, source, agents)
    skills, speed = _skills(r, agents, queues, notes)
    f = _forecast_arrays(forecast, config, r, forecast_source, notes)
    served = sorted({int(i) for i in r.assign[r.assign >= 0]})
    _check_coverage(f.has, served, queues, start=r.start, first_day=r.dates.min(), last_day=r.dates.max(),
                    step=r.step, fts=f.times, source=forecast_source)
    if not f.has.any():
        raise InputError("the forecast has no intervals in the roster period "
                         f"({r.start.date()} to {(r.end - r.step).date()})", file=forecast_source)
    _note_uncovered(f.has & (f.rate > 0), skills, r.assign, queues, notes)
    L = int(config.centre.interval_s)
    prio = np.array([config.queues[q].priority for q in queues], dtype=float)
    ans_t = np.array([config.queues[q].answer_time_s for q in queues], dtype=float)
    pat = np.array([np.nan if config.queues[q].patience_s is None else config.queues[q].patience_s
                    for q in queues], dtype=float)
    sc = SimulationInput(interval_s=float(L), rate=f.rate, aht=f.aht, assign=r.assign, skills=skills, priority=prio,
                  answer_time_s=ans_t, patience_s=pat, queues=queues, routing=routing,
                  speed=speed if proficiency and (speed != 1.0).any() else None)
    sc.validate()
    grid = Grid(start=r.start, interval_s=L, n_intervals=r.n_t, queues=queues, agent_ids=r.agent_ids,
                has_forecast=f.has, notes=notes, roster_days=int((r.dates.max() - r.dates.min()).days) + 1,
                day_sigma=_day_sigma(f.rows, r.n_t, len(queues), L))
    return sc, grid


@dataclass
class _RosterArrays:
    """The roster on the simulation grid: `assign` (agent x interval) is the queue index worked, -1 otherwise."""

    start: pd.Timestamp
    end: pd.Timestamp
    step: pd.Timedelta
    n_t: int
    dates: pd.Series
    agent_ids: list[str]
    apos: dict[str, int]
    assign: np.ndarray
    rows: np.ndarray  # agent index of each worked interval
    cols: np.ndarray  # grid index of each worked interval


def _roster_arrays(roster: pd.DataFrame, config: Config, source: str,
                   agents: Sequence[Agent] | None = None) -> _RosterArrays:
    queues = list(config.queues)
    qpos = {q: i for i, q in enumerate(queues)}
    step = pd.Timedelta(seconds=int(config.centre.interval_s))
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
    return _RosterArrays(start, end, step, n_t, dates, agent_ids, apos, assign, rows, cols)


def _skills(r: _RosterArrays, agents: Sequence[Agent] | None, queues: list[str],
            notes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(agent x queue) skills (the queues rostered, and the agents file's) and speeds (skill levels)."""
    qpos = {q: i for i, q in enumerate(queues)}
    skills = np.zeros((len(r.agent_ids), len(queues)), dtype=bool)
    skills[r.rows, r.assign[r.rows, r.cols]] = True
    speed = np.ones((len(r.agent_ids), len(queues)))
    if agents is not None:
        by_id = {a.agent_id: a for a in agents}
        missing = [a for a in r.agent_ids if a not in by_id]
        if missing:
            notes.append(f"{len(missing)} rostered agent(s) not in the agents file (e.g. {missing[0]}): "
                         "they serve only the queues the roster puts them on")
        for a, i in r.apos.items():
            ag = by_id.get(a)
            if ag is not None:
                for s, lv in ag.skills.items():
                    if s in qpos:
                        skills[i, qpos[s]] = True
                        speed[i, qpos[s]] = lv
    return skills, speed


@dataclass
class _ForecastArrays:
    """The forecast on the simulation grid (interval x queue): calls, AHT and which cells it gives."""

    rate: np.ndarray
    aht: np.ndarray
    has: np.ndarray
    times: pd.Series  # every row's interval_start, for messages
    rows: pd.DataFrame  # the rows inside the grid, with their grid (_t) and queue (_q) indices


def _forecast_arrays(fc: pd.DataFrame, config: Config, r: _RosterArrays, source: str,
                     notes: list[str]) -> _ForecastArrays:
    queues = list(config.queues)
    qpos = {q: i for i, q in enumerate(queues)}
    L = int(config.centre.interval_s)
    unknown_fc = sorted(set(fc["queue"].astype(str)) - set(queues))
    if unknown_fc:
        raise InputError([Problem(source, f"queue(s) not in the config: {', '.join(unknown_fc)}",
                                  column="queue")])
    fts = pd.to_datetime(fc["interval_start"])
    gaps = np.diff(np.unique(fts.dropna().to_numpy())).astype("timedelta64[s]").astype(np.int64)
    if gaps.size and gaps.min() != L:
        raise InputError([Problem(source, f"the forecast's intervals are {int(gaps.min()) // 60} minutes "
                                          f"apart but the config's interval is {L // 60} minutes",
                                  column="interval_start")])
    fi = ((fts - r.start) / r.step).to_numpy(dtype=float)
    inside = (fi >= 0) & (fi < r.n_t) & (fi == np.floor(fi))
    if (~inside).any():
        notes.append(f"{int((~inside).sum())} forecast rows outside the roster period (or off the grid) ignored")
    fi = fi[inside].astype(np.int64)
    fq = fc["queue"].astype(str)[inside].map(qpos).to_numpy(dtype=np.int64)
    calls = fc["calls"].to_numpy(dtype=float)[inside]
    aht = fc["aht_s"].to_numpy(dtype=float)[inside]
    default_aht = np.array([config.queues[q].default_aht_s for q in queues])
    aht = np.where(np.isnan(aht) | (aht <= 0), default_aht[fq], aht)
    rate = np.zeros((r.n_t, len(queues)))
    aht_m = np.tile(default_aht, (r.n_t, 1)).astype(float)
    has = np.zeros((r.n_t, len(queues)), dtype=bool)
    rate[fi, fq] = np.nan_to_num(calls)
    aht_m[fi, fq] = aht
    has[fi, fq] = True
    return _ForecastArrays(rate, aht_m, has, fts, fc[inside].assign(_t=fi, _q=fq))


def _note_uncovered(wanted: np.ndarray, skills: np.ndarray, assign: np.ndarray, queues: list[str],
                    notes: list[str]) -> None:
    """A note of the intervals with calls forecast (`wanted`) but no skilled agent on the phone."""
    covered = np.zeros_like(wanted)
    for qi in range(len(queues)):
        covered[:, qi] = (skills[:, qi][:, None] & (assign >= 0)).any(axis=0)
    uncovered = wanted & ~covered
    if uncovered.any():
        per_q = uncovered.sum(axis=0)
        notes.append("intervals with calls forecast but no skilled agent on the phone: " +
                     ", ".join(f"{queues[i]} {int(n)}" for i, n in enumerate(per_q) if n))


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
