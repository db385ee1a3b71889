"""Pure functions applying a scenario's changes to the plan: forecast, queue configs, shrinkage, staff.

Order of application (each later change sees the earlier ones): queues added, queues removed, volume,
AHT, IVR diversion, opening hours, service targets (by queue, or all), pools, service targets naming a pool.

- volume / aht: calls or AHT x factor in the queue (or all) and dates given; several changes multiply.
- ivr: the share diverted is taken off the queue's calls; the calls left keep their AHT (diverted routine
  calls are often short, so the AHT of those left may rise: add ``aht=QUEUE:1.05`` if that applies).
- hours: ``shift`` (default) moves the calls forecast outside the opening hours into the same day's open
  intervals, in proportion to the calls already there (the day's total is kept: callers call back); hours
  that cross midnight (``22:00-06:00``) are one opening, 22:00 to 06:00 the next morning, which takes the
  calls of the closed hours before it. ``drop`` removes them (they are lost or served elsewhere). The
  queue's agent floor (``min_agents``) applies in open intervals only.
- pool: the pool's calls are the members' sums, its AHT the call-weighted mean, its target the strictest
  member's (`wfm.staffing.pooled_queue`); it is named ``a+b``.
- add: a copy of queue LIKE (targets, AHT, intraday shape) with FACTOR x its calls.
- remove: the queue's calls vanish, or with ``>INTO`` are added to queue INTO (call-weighted AHT).
- staff: hires count nothing during training, then productivity rises linearly from 0 to 1 over the ramp
  weeks (day by day); they are paid from their start day. Attrition of r per month multiplies the staff by
  (1 - r) ** months (continuous compounding by day, 1 month = 365.25/12 days), for current staff from the
  plan's start and for each class from its start day. Current agents count as the roster counts them
  (`wfm.phone_share`): supervisors at ``[capacity] supervisor_phone_share``, new hires at ``nesting_share`` up
  to their ``training_until`` date and fully after it (no ramp: the roster puts them on the phones).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from wfm.calendar import open_mask as open_minutes_mask
from wfm.errors import WfmError
from wfm.scenarios.scenario import Hire, Hours, Scenario
from wfm.staffing import pooled_queue

DAYS_PER_MONTH = 365.25 / 12


class ScenarioError(WfmError):
    """A scenario that cannot be applied to the plan (e.g. a queue it names does not exist)."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


# ------------------------------------------------------------------------------------- queue checks


def check_queues(sc: Scenario, base_queues: Iterable[str]) -> set[str]:
    """The queue names after the scenario; raises `ScenarioError` (with the key) for a name that is wrong."""
    queues = set(base_queues)

    def need(q: str, key: str, what: str = "queue") -> None:
        if q not in queues:
            raise ScenarioError(f"{what} '{q}' is not in the plan (queues: {', '.join(sorted(queues))})", key)

    for a in sc.add:
        need(a.like, "add", "template queue")
        if a.name in queues:
            raise ScenarioError(f"queue '{a.name}' already exists", "add")
        queues.add(a.name)
    for r in sc.remove:
        need(r.queue, "remove")
        if r.into is not None:
            need(r.into, "remove", "target queue")
            if r.into == r.queue:
                raise ScenarioError(f"queue '{r.queue}' cannot move into itself", "remove")
        queues.discard(r.queue)
    if not queues:
        raise ScenarioError("every queue is removed", "remove")
    for key in ("volume", "aht", "hours"):
        for c in getattr(sc, key):
            if c.queue is not None:
                need(c.queue, key)
    for d in sc.ivr:
        need(d.queue, "ivr")
    pool_names = {"+".join(p) for p in sc.pool}
    for t in sc.sl:
        if t.queue is not None and t.queue not in pool_names:
            need(t.queue, "sl")
    pooled: set[str] = set()
    for members in sc.pool:
        for m in members:
            need(m, "pool")
            if m in pooled:
                raise ScenarioError(f"queue '{m}' is in more than one pool", "pool")
            pooled.add(m)
    for members in sc.pool:
        queues -= set(members)
        queues.add("+".join(members))
    return queues


# ------------------------------------------------------------------------------------------ forecast


def _window_mask(dates: pd.Series, start: dt.date | None, end: dt.date | None) -> np.ndarray:
    mask = np.ones(len(dates), dtype=bool)
    if start is not None:
        mask &= (dates >= pd.Timestamp(start)).to_numpy()
    if end is not None:
        mask &= (dates <= pd.Timestamp(end)).to_numpy()
    return mask


def _queue_mask(frame: pd.DataFrame, queue: str | None) -> np.ndarray:
    if queue is None:
        return np.ones(len(frame), dtype=bool)
    return (frame["queue"] == queue).to_numpy()


def _merge(frame: pd.DataFrame, members: Sequence[str], name: str) -> pd.DataFrame:
    """Rows of `members` summed into queue `name` per interval (call-weighted AHT, open if any is open)."""
    part = frame[frame["queue"].isin(list(members))]
    rest = frame[~frame["queue"].isin(list(members))]
    work = part["calls"].to_numpy() * part["aht_s"].to_numpy()
    g = (part.assign(queue=name, work=work, open=part["open"].astype(np.int8))
         .groupby(["interval_start", "queue"], sort=True)
         .agg(calls=("calls", "sum"), work=("work", "sum"), aht_mean=("aht_s", "mean"), open=("open", "max"))
         .reset_index())
    calls = g["calls"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        g["aht_s"] = np.where(calls > 0, g["work"].to_numpy() / np.where(calls > 0, calls, 1.0),
                              g["aht_mean"].to_numpy())
    g["open"] = g["open"].astype(bool)
    g["date"] = g["interval_start"].dt.normalize()
    return pd.concat([rest, g[rest.columns]], ignore_index=True)


def _opening_day(starts: pd.Series, open_minute: int, close_minute: int) -> pd.Series:
    """The day whose opening each interval belongs to. Hours that cross midnight (22:00-06:00) are one opening
    from 22:00 to 06:00 the next morning: the hours after midnight belong to the day before, and the closed
    hours of a day to the opening that follows them that evening (callers call back when it opens)."""
    day = starts.dt.normalize()
    if open_minute <= close_minute:
        return day
    minute = starts.dt.hour * 60 + starts.dt.minute
    return day.where(minute >= close_minute, day - pd.Timedelta(days=1))


def _shift_into_open(frame: pd.DataFrame, inside: np.ndarray, target: np.ndarray, hours: Hours) -> np.ndarray:
    """Calls of `target` rows outside `inside` moved into the same queue's inside rows of the same opening
    (`_opening_day`), in proportion to the calls already there."""
    calls = frame["calls"].to_numpy(dtype=float).copy()
    day = _opening_day(frame["interval_start"], hours.open_minute, hours.close_minute)
    key = frame["queue"].astype(str) + "|" + day.astype(str)
    t_in = target & inside
    t_out = target & ~inside
    df = pd.DataFrame({"key": key.to_numpy(), "in_calls": np.where(t_in, calls, 0.0),
                       "out_calls": np.where(t_out, calls, 0.0), "in_n": t_in.astype(float)})
    sums = df.groupby("key", sort=False)[["in_calls", "out_calls", "in_n"]].transform("sum")
    in_calls, out_calls, in_n = (sums[c].to_numpy() for c in ("in_calls", "out_calls", "in_n"))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(in_calls > 0, calls / np.where(in_calls > 0, in_calls, 1.0),
                         1.0 / np.where(in_n > 0, in_n, 1.0))
    out = calls.copy()
    out[t_in] = calls[t_in] + out_calls[t_in] * share[t_in]
    out[t_out] = 0.0
    return out


def apply_scenario(forecast: pd.DataFrame, queues: Mapping[str, Any], shrinkage: float, sc: Scenario, *,
                   open_minute: int = 0, close_minute: int = 1440) -> tuple[pd.DataFrame, dict[str, Any], float]:
    """The scenario's forecast (``interval_start, queue, calls, aht_s, open``), queue configs and shrinkage.

    `forecast` has ``interval_start`` (datetime64), ``queue``, ``calls``, ``aht_s``; `queues` maps names to
    queue configs (`wfm.config.QueueConfig` or anything with the same fields). Pure: inputs are not changed.
    """
    check_queues(sc, queues)
    f = forecast[["interval_start", "queue", "calls", "aht_s"]].copy()
    f["interval_start"] = pd.to_datetime(f["interval_start"])
    f["queue"] = f["queue"].astype(str)
    f["calls"] = f["calls"].astype(float)
    f["aht_s"] = f["aht_s"].astype(float)
    f["open"] = open_minutes_mask(f["interval_start"], open_minute, close_minute)
    f["date"] = f["interval_start"].dt.normalize()
    qs: dict[str, Any] = dict(queues)

    for a in sc.add:
        part = f[f["queue"] == a.like].copy()
        part["queue"] = a.name
        part["calls"] = part["calls"] * a.factor
        f = pd.concat([f, part], ignore_index=True)
        qs[a.name] = replace(qs[a.like], name=a.name)
    for r in sc.remove:
        if r.into is None:
            f = f[f["queue"] != r.queue]
        else:
            f = _merge(f, [r.queue, r.into], r.into)
        qs.pop(r.queue, None)
    f = f.reset_index(drop=True)
    for c in sc.volume:
        m = _queue_mask(f, c.queue) & _window_mask(f["date"], c.start, c.end)
        f.loc[m, "calls"] = f.loc[m, "calls"] * c.factor
    for c in sc.aht:
        m = _queue_mask(f, c.queue) & _window_mask(f["date"], c.start, c.end)
        f.loc[m, "aht_s"] = f.loc[m, "aht_s"] * c.factor
    for d in sc.ivr:
        m = _queue_mask(f, d.queue) & _window_mask(f["date"], d.start, d.end)
        f.loc[m, "calls"] = f.loc[m, "calls"] * (1.0 - d.share)
    for h in sc.hours:
        target = _queue_mask(f, h.queue)
        inside = open_minutes_mask(f["interval_start"], h.open_minute, h.close_minute)
        if h.mode == "shift":
            f["calls"] = _shift_into_open(f, inside, target, h)
        else:
            f.loc[target & ~inside, "calls"] = 0.0
        f["open"] = np.where(target, inside, f["open"].to_numpy())
    pool_names = {"+".join(p) for p in sc.pool}
    for t in sc.sl:
        if t.queue in pool_names:
            continue
        names = list(qs) if t.queue is None else [t.queue]
        for n in names:
            qs[n] = replace(qs[n], sl_target=t.sl_target, answer_time_s=t.answer_time_s)
    for members in sc.pool:
        name = "+".join(members)
        f = _merge(f, members, name)
        qs[name] = pooled_queue([qs[m] for m in members], name=name)
        for m in members:
            qs.pop(m)
    for t in sc.sl:
        if t.queue in pool_names:
            qs[t.queue] = replace(qs[t.queue], sl_target=t.sl_target, answer_time_s=t.answer_time_s)
    f = f.sort_values(["queue", "interval_start"], kind="stable").reset_index(drop=True)
    qs = {q: qs[q] for q in sorted(f["queue"].unique())} if len(f) else qs
    s = shrinkage if sc.shrinkage is None else sc.shrinkage
    return f[["interval_start", "queue", "calls", "aht_s", "open"]], qs, float(s)


# --------------------------------------------------------------------------------------------- staff


@dataclass(frozen=True)
class Workforce:
    """The current staff in FTE: per agent, contract FTE, the day nesting ends (None: none), the share of the
    phones given before that day (`nesting`) and from it on (`share`).

    Or, with no agents table, `by_week`: FTE per week start (Monday), e.g. what the base plan requires.
    """

    fte: tuple[float, ...] = ()
    ready: tuple[dt.date | None, ...] = ()
    by_week: tuple[tuple[dt.date, float], ...] = ()
    nesting: tuple[float, ...] = ()
    share: tuple[float, ...] = ()

    @classmethod
    def from_agents(cls, agents: Iterable[Any], hours_per_week: float, config: Any = None) -> "Workforce":
        """Everyone on the agents table, counted as the roster counts them (`wfm.phone_share`): contract hours /
        standard hours, times a supervisor's phone share, and a new hire's nesting share up to
        `training_until`."""
        from wfm.phone_share import phone_share

        fte, ready, nesting, share = [], [], [], []
        for a in agents:
            fte.append(float(a.contract_hours_week) / hours_per_week)
            tu = getattr(a, "training_until", None)
            ready.append(tu + dt.timedelta(days=1) if tu else None)
            nesting.append(phone_share(a, tu, config) if tu else 1.0)
            share.append(phone_share(a, tu + dt.timedelta(days=1) if tu else dt.date.max, config))
        return cls(tuple(fte), tuple(ready), (), tuple(nesting), tuple(share))

    @classmethod
    def flat(cls, fte: float) -> "Workforce":
        return cls((float(fte),), (None,), (), (1.0,), (1.0,))

    @property
    def total_fte(self) -> float:
        return float(sum(self.fte))


def ramp(days_since_ready: np.ndarray, ramp_weeks: float) -> np.ndarray:
    """Productivity on a day: 0 before the first productive day, then linear to 1 over `ramp_weeks`."""
    t = np.asarray(days_since_ready, dtype=float)
    if ramp_weeks <= 0:
        return (t >= 0).astype(float)
    return np.where(t < 0, 0.0, np.minimum(1.0, (t + 0.5) / (7.0 * ramp_weeks)))


def survival(days_since_start: np.ndarray, monthly_rate: float) -> np.ndarray:
    """Share still employed after attrition of `monthly_rate` per month (1 before the start)."""
    t = np.maximum(np.asarray(days_since_start, dtype=float), 0.0)
    if monthly_rate <= 0:
        return np.ones_like(t)
    return np.power(1.0 - monthly_rate, t / DAYS_PER_MONTH)


def _ordinal(d: dt.date | None, default: int) -> int:
    return d.toordinal() if d is not None else default


def hire_daily(days: np.ndarray, hire: Hire, sc: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """(productive FTE, paid FTE) per day (ordinals) of one class."""
    t_weeks, r_weeks = sc.hire_weeks(hire)
    since = days - hire.date.toordinal()
    employed = np.where(since >= 0, survival(since, sc.attrition), 0.0) * hire.count
    productive = employed * ramp(since - int(round(7 * t_weeks)), r_weeks)
    return productive, employed


def staff_daily(days: Sequence[dt.date], workforce: Workforce, sc: Scenario, start: dt.date,
                *, extra_hires: Sequence[Hire] = ()) -> tuple[np.ndarray, np.ndarray]:
    """(productive FTE, paid FTE) on each day: current staff with attrition, plus the scenario's classes."""
    ords = np.array([d.toordinal() for d in days], dtype=float)
    surv = survival(ords - start.toordinal(), sc.attrition)
    if workforce.by_week:
        table = {w.toordinal(): v for w, v in workforce.by_week}
        base = np.array([table.get(int(o) - dt.date.fromordinal(int(o)).weekday(), 0.0) for o in ords])
        productive = base * surv
        paid = base * surv
    elif workforce.fte:
        fte = np.asarray(workforce.fte, dtype=float)
        ready = np.array([_ordinal(r, -10**6) for r in workforce.ready], dtype=float)
        n = len(fte)
        nesting = np.asarray(workforce.nesting or (1.0,) * n, dtype=float)
        share = np.asarray(workforce.share or (1.0,) * n, dtype=float)
        # as the roster counts them: the nesting share until the day after training, the steady share from it
        productive = np.zeros(ords.size)
        for r in np.unique(ready):  # a handful of distinct dates
            mine = ready == r
            productive += np.where(ords < r, (fte * nesting)[mine].sum(), (fte * share)[mine].sum())
        productive *= surv
        paid = fte.sum() * surv
    else:
        productive = np.zeros(ords.size)
        paid = np.zeros(ords.size)
    for h in (*sc.hire, *extra_hires):
        p, e = hire_daily(ords, h, sc)
        productive = productive + p
        paid = paid + e
    return productive, paid


__all__ = ["ScenarioError", "Workforce", "apply_scenario", "check_queues", "hire_daily", "open_minutes_mask",
           "ramp", "staff_daily", "survival"]
