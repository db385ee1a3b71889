"""Fast depth: a scenario's weekly required FTE, available FTE, peak agents, expected service level, cost.

Per scenario, per week. Weeks start on Monday (`WEEK_START`; `wfm whatif` starts on the first Monday after the
history). A partial week (fewer than 7 days in the plan, ``days`` < 7) is never scaled up to 7 days: its
FTE figures are weighted by the share of a whole week's workload its days carry (`week_shares`: the mean
required agent-hours of each weekday over the plan, so a closed or empty weekday weighs nothing; Monday to
Friday of a Monday-Friday centre is a whole week's work), so a partial week reads like the whole weeks
around it. ``days`` says how many days a week has.

- ``fte_required`` = on-phone agent-hours (Erlang C/A per interval and queue, `wfm.staffing`) divided by
  the on-phone hours one FTE gives: standard hours less breaks and training the roster places
  (`on_phone_hours_per_fte`), times (1 - shrinkage not placed by the roster). Shrinkage is an average over
  the work force, so it is applied to the hours, not rounded up per interval as rostered heads are (per
  interval rounding of heads would add up to one head per queue and interval, mostly at night).
- ``fte_available`` = the current agents' contract hours / standard hours, each counted as the roster counts
  them (`wfm.phone_share`: a supervisor at the config's phone share, a new hire at the nesting share up to
  ``training_until``), less attrition, with hire classes weighted by their ramp-up (0 in training).
- ``peak_agents`` = the largest number of on-phone agents needed at once (all queues summed).
- ``service_level`` = expected call-weighted share answered within each queue's answer time with the
  available staff (no overtime). Approximation: in each week every interval's required agents are scaled
  by available/required FTE (rounded to whole agents) and Erlang C/A is evaluated at that staffing, i.e. the
  available staff is assumed deployed in the same shape as the requirement (a perfect roster) and shared
  freely between queues. A real roster (full depth) and the simulation show what that hides.
- ``cost`` = the cost of the required FTE: the paid hours that give the required on-phone hours
  (``fte_required`` x standard weekly hours x the week's workload share) priced as the roster's Summary prices
  them (`wfm.pay.cost`: the wage, the night allowance on the requirement's share of hours between 22:00 and
  06:00, the employer's on-costs). It falls with IVR diversion, pooling or a lower target, and rises with volume.
- ``cost_on_books`` (last column) = the cost of the staff on the books: paid hours (contract hours of
  everyone employed, trainees included, for the days of the week) at the wage, plus the overtime needed
  to close a shortfall, capped at the monthly overtime limit (max_overtime_h_month x 12/52 hours per
  productive FTE a week), at the overtime multiple, priced by `wfm.pay.cost` the same way.
  ``overtime_hours`` is reported alongside.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from wfm.calendar import next_week_start, week_start
from wfm.config.schema import CentreConfig, CostsConfig, RulesConfig
from wfm.errors import InputError, Problem
from wfm.pay import hours_cost, is_night
from wfm.scenarios.apply import Workforce, apply_scenario, staff_daily
from wfm.scenarios.scenario import Hire, Scenario
from wfm.staffing import abandon_cap, required_agents_explained, service_level

COLUMNS = ["scenario", "week_start", "fte_required", "fte_available", "peak_agents", "service_level", "cost"]
EXTRA = ["days", "calls", "agent_hours", "fte_paid", "gap_fte", "overtime_hours", "cost_on_books"]
WEEK_START = 0  # Monday: weeks run Monday to Sunday (the roster's calendar week)
_RULES, _COSTS, _CENTRE = RulesConfig(), CostsConfig(), CentreConfig()  # the config's defaults


@dataclass(frozen=True, eq=False)
class Plan:
    """The current plan the scenarios change: forecast, queue targets, staff, standard hours and costs."""

    forecast: pd.DataFrame  # interval_start, queue, calls, aht_s over [start, start + days)
    queues: Mapping[str, Any]
    interval_s: int
    start: dt.date
    days: int
    shrinkage: float = 0.0
    hours_per_week: float = _RULES.hours_per_week
    on_phone_hours_per_fte: float = _RULES.hours_per_week  # no breaks or training placed
    hourly_wage: float = _COSTS.hourly_wage
    overtime_multiplier: float = _COSTS.overtime_multiplier
    max_overtime_h_week: float = _RULES.max_overtime_h_week
    open_minute: int = _CENTRE.open_minute
    close_minute: int = _CENTRE.close_minute
    workforce: Workforce | None = None  # None: the staff the base plan requires
    currency: str = _COSTS.currency
    notes: tuple[str, ...] = field(default=())
    depth: str = "fast"  # "full": a roster per scenario (needs config and agents)
    config: Any = None  # the `wfm.config.Config`, for full depth
    costs: Any = None  # the config's `[costs]` (`wfm.pay.cost`); None: the wage and overtime multiple above
    agents: tuple[Any, ...] = ()  # the agents, for full depth
    roster_time_limit_s: float | None = None  # full depth: solver time limit per roster (None: the config's)

    @property
    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    @classmethod
    def from_config(cls, config: Any, forecast: pd.DataFrame, *, agents: Sequence[Any] | None = None,
                    fte: float | None = None, start: dt.date | None = None, weeks: int | None = None,
                    days: int | None = None, source: str = "forecast", depth: str = "fast",
                    roster_time_limit_s: float | None = None) -> "Plan":
        """A plan from a `wfm.config.Config` and a forecast, trimmed to `weeks` (or `days`) from `start`.

        Raises `InputError` when the forecast does not cover the period or names queues the config lacks.
        """
        from wfm.agents import on_phone_hours_per_fte

        fc = forecast.copy()
        fc["interval_start"] = pd.to_datetime(fc["interval_start"])
        if fc.empty:
            raise InputError([Problem(source, "the forecast has no rows")])
        first = fc["interval_start"].min().date()
        last = fc["interval_start"].max().date()
        start = start or first
        if days is None:
            days = 7 * weeks if weeks else (last - start).days + 1
        end = start + dt.timedelta(days=days - 1)
        if start < first or end > last:
            raise InputError([Problem(source, f"the forecast covers {first} to {last}, not the {days} days "
                                              f"{start} to {end} asked for (give --history to forecast further, "
                                              f"or fewer --weeks)")])
        unknown = sorted(set(fc["queue"].astype(str)) - set(config.queues))
        if unknown:
            raise InputError([Problem(source, f"queue(s) not in the config: {', '.join(unknown)}")])
        d = fc["interval_start"].dt.normalize()
        fc = fc[(d >= pd.Timestamp(start)) & (d <= pd.Timestamp(end))].reset_index(drop=True)
        aht = fc["aht_s"].astype(float)
        defaults = fc["queue"].map({q: c.default_aht_s for q, c in config.queues.items()}).astype(float)
        fc["aht_s"] = aht.where(aht.notna(), defaults)
        hpw = config.rules.hours_per_week
        wf = None
        if agents is not None:
            wf = Workforce.from_agents(agents, hpw, config)
        elif fte is not None:
            wf = Workforce.flat(fte)
        return cls(
            forecast=fc[["interval_start", "queue", "calls", "aht_s"]],
            queues={q: config.queues[q] for q in config.queues if q in set(fc["queue"].unique())},
            interval_s=config.centre.interval_s, start=start, days=days, shrinkage=config.shrinkage.unplaced,
            hours_per_week=hpw, on_phone_hours_per_fte=on_phone_hours_per_fte(config),
            hourly_wage=config.costs.hourly_wage, overtime_multiplier=config.costs.overtime_multiplier,
            costs=config.costs,
            max_overtime_h_week=config.rules.max_overtime_h_week,
            open_minute=config.centre.open_minute, close_minute=config.centre.close_minute, workforce=wf,
            currency=config.costs.currency, depth=depth, config=config if depth == "full" else None,
            agents=tuple(agents or ()) if depth == "full" else (), roster_time_limit_s=roster_time_limit_s)


def _queue_fields(queue_col: np.ndarray, queues: Mapping[str, Any]) -> dict[str, np.ndarray]:
    codes, names = pd.factorize(np.asarray(queue_col, dtype=object))
    out = {}
    for f, default in (("sl_target", 0.0), ("answer_time_s", 0.0), ("asa_target_s", np.nan),
                       ("max_occupancy", np.nan), ("patience_s", np.nan), ("min_agents", 0)):
        values = []
        for n in names:
            v = getattr(queues[n], f, None)
            values.append(default if v is None else v)
        out[f] = np.asarray(values, dtype=float)[codes] if len(names) else np.zeros(0)
    caps = [abandon_cap(queues[n]) for n in names]
    out["max_abandon_rate"] = (np.asarray([np.nan if c is None else c for c in caps], dtype=float)[codes]
                               if len(names) else np.zeros(0))
    return out


def _week_start_days(starts: pd.Series) -> np.ndarray:
    """Monday of each timestamp's week, as datetime64[D]."""
    d = starts.to_numpy().astype("datetime64[D]")
    weekday = (d.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    return d - weekday.astype("timedelta64[D]")


def _week_starts(dates: Sequence[dt.date]) -> list[dt.date]:
    return [week_start(d) for d in dates]


def plan_costs(plan: Plan) -> Any:
    """The costs `wfm.pay.cost` prices hours with: the config's, or the plan's wage and overtime multiple."""
    if plan.costs is not None:
        return plan.costs
    return SimpleNamespace(hourly_wage=plan.hourly_wage, overtime_multiplier=plan.overtime_multiplier,
                           rest_day_multiplier=2.0, holiday_multiplier=3.0)


def weekly_staff(plan: Plan, sc: Scenario, workforce: Workforce, *, extra_hires: Sequence[Hire] = ()
                 ) -> pd.DataFrame:
    """Per week: days in the plan, mean productive FTE and mean paid FTE."""
    dates = plan.dates
    productive, paid = staff_daily(dates, workforce, sc, plan.start, extra_hires=extra_hires)
    df = pd.DataFrame({"week_start": _week_starts(dates), "productive": productive, "paid": paid})
    g = df.groupby("week_start", sort=True).agg(days=("paid", "size"), fte_available=("productive", "mean"),
                                                fte_paid=("paid", "mean"))
    return g.reset_index()


def week_shares(dates: Sequence[dt.date], interval_starts: pd.Series, agents: np.ndarray) -> dict[dt.date, float]:
    """Per week start: the share of a whole week's workload that the week's days in the plan carry (1 for a
    whole week).

    A weekday's weight is its mean required agent-hours over the plan's days of that weekday (0 for a
    weekday the centre is closed or has no calls). A weekday the plan never has weighs the mean of the open
    weekdays it has. With no workload at all, every day weighs the same (share = days / 7)."""
    day = pd.Series(np.asarray(agents, dtype=float)).groupby(
        pd.to_datetime(interval_starts).dt.date.to_numpy()).sum()
    load = np.array([float(day.get(d, 0.0)) for d in dates])
    wd = np.array([d.weekday() for d in dates])
    weight = np.full(7, np.nan)
    for k in range(7):
        if (wd == k).any():
            weight[k] = load[wd == k].mean()
    seen = weight[~np.isnan(weight)]
    open_mean = seen[seen > 0].mean() if (seen > 0).any() else 0.0
    weight = np.where(np.isnan(weight), open_mean, weight)
    total = weight.sum()
    if not total > 0:
        weight, total = np.ones(7), 7.0
    out: dict[dt.date, float] = {}
    for d, k in zip(dates, wd):
        w = d - dt.timedelta(days=int((k - WEEK_START) % 7))
        out[w] = out.get(w, 0.0) + weight[k] / total
    return {w: min(1.0, v) for w, v in out.items()}


def requirements(plan: Plan, sc: Scenario) -> tuple[pd.DataFrame, dict[str, Any], float]:
    """The scenario's per-interval frame with on-phone ``agents``, its queue configs and shrinkage."""
    f, qs, shrinkage = apply_scenario(plan.forecast, plan.queues, plan.shrinkage, sc,
                                      open_minute=plan.open_minute, close_minute=plan.close_minute)
    q = _queue_fields(f["queue"].to_numpy(), qs)
    floor_ = np.where(f["open"].to_numpy(), q["min_agents"], 0.0)
    agents, _ = required_agents_explained(
        f["calls"].to_numpy(), f["aht_s"].to_numpy(), interval_s=plan.interval_s, sl_target=q["sl_target"],
        answer_time_s=q["answer_time_s"], max_occupancy=q["max_occupancy"], patience_s=q["patience_s"],
        asa_target_s=q["asa_target_s"], min_agents=floor_, max_abandon_rate=q["max_abandon_rate"])
    f = f.assign(agents=agents)
    return f, qs, shrinkage


def evaluate(plan: Plan, sc: Scenario) -> pd.DataFrame:
    """The scenario's weekly results: `COLUMNS` then `EXTRA` (see the module docstring); full depth when the
    plan says so (`wfm.scenarios.full`)."""
    if plan.depth == "full":
        from wfm.scenarios.full import evaluate_full

        return evaluate_full(plan, sc)
    f, qs, shrinkage = requirements(plan, sc)
    if plan.workforce is None:
        raise ValueError("plan.workforce is None: run_scenarios() fills it from the base plan")
    h = plan.interval_s / 3600.0
    staff = weekly_staff(plan, sc, plan.workforce)
    weeks = np.array(staff["week_start"].tolist(), dtype="datetime64[D]")
    wk = np.searchsorted(weeks, _week_start_days(f["interval_start"]))  # week index of every row
    n = len(weeks)
    calls = f["calls"].to_numpy(dtype=float)
    agents = f["agents"].to_numpy()
    w = staff.copy()
    w["calls"] = np.bincount(wk, weights=calls, minlength=n)
    w["agent_hours"] = np.bincount(wk, weights=agents, minlength=n) * h
    slot = pd.factorize(f["interval_start"].to_numpy())[0]
    per_slot = np.bincount(slot, weights=agents)
    slot_week = np.zeros(per_slot.size, dtype=np.int64)
    slot_week[slot] = wk
    peak = np.zeros(n)
    np.maximum.at(peak, slot_week, per_slot)
    w["peak_agents"] = peak
    per_fte = plan.on_phone_hours_per_fte * (1.0 - shrinkage)
    shares = week_shares(plan.dates, f["interval_start"], agents)
    share = np.array([shares.get(d, 0.0) for d in staff["week_start"]])
    with np.errstate(invalid="ignore", divide="ignore"):
        req = np.where(share > 0, w["agent_hours"].to_numpy() / per_fte / np.where(share > 0, share, 1.0), 0.0)
    w["fte_required"] = req
    avail = w["fte_available"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(req > 0, avail / np.where(req > 0, req, 1.0), 1.0)
    # expected service level with the available staff deployed in the requirement's shape
    scaled = np.floor(agents * ratio[wk] + 0.5)
    q = _queue_fields(f["queue"].to_numpy(), qs)
    sl = service_level(calls, f["aht_s"].to_numpy(), scaled, interval_s=plan.interval_s,
                       answer_time_s=q["answer_time_s"], patience_s=q["patience_s"])
    answered = np.bincount(wk, weights=sl * calls, minlength=n)
    wc = w["calls"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        w["service_level"] = np.where(wc > 0, answered / np.where(wc > 0, wc, 1.0), np.nan)
    gap = req - avail
    w["gap_fte"] = gap
    week_frac = w["days"].to_numpy(dtype=float) / 7.0
    ot = np.minimum(np.maximum(gap, 0.0) * plan.hours_per_week * share,
                    avail * plan.max_overtime_h_week * week_frac)
    w["overtime_hours"] = ot
    # the required FTE's paid hours: on-phone hours needed / on-phone share of paid hours
    # paid hours at night: the requirement's share of agent-hours between 22:00 and 06:00
    night_ah = np.bincount(wk, weights=agents * is_night(f["interval_start"]).to_numpy(), minlength=n) * h
    ah = w["agent_hours"].to_numpy()
    night = np.divide(night_ah, ah, out=np.zeros(n), where=ah > 0)
    costs = plan_costs(plan)
    paid_req = req * share * plan.hours_per_week
    books = w["fte_paid"].to_numpy() * plan.hours_per_week * week_frac
    w["cost"] = [hours_cost(p, 0.0, p * s, costs) for p, s in zip(paid_req, night)]
    w["cost_on_books"] = [hours_cost(b, o, (b + o) * s, costs) for b, o, s in zip(books, ot, night)]
    w["scenario"] = sc.name
    w["peak_agents"] = w["peak_agents"].astype("int64")
    w["days"] = w["days"].astype("int64")
    for c, nd in (("fte_required", 3), ("fte_available", 3), ("fte_paid", 3), ("gap_fte", 3),
                  ("service_level", 4), ("cost", 2), ("cost_on_books", 2), ("calls", 1), ("agent_hours", 2),
                  ("overtime_hours", 1)):
        w[c] = w[c].astype(float).round(nd)
    return w[COLUMNS + EXTRA].reset_index(drop=True)


def base_workforce(plan: Plan, base: Scenario | None = None) -> Workforce:
    """With no agents table: the staff the base plan requires, week by week (FTE per week start)."""
    f, _, shrinkage = requirements(plan, base or Scenario("base"))
    h = plan.interval_s / 3600.0
    shares = week_shares(plan.dates, f["interval_start"], f["agents"].to_numpy())
    ws = [dt.date.fromisoformat(str(d)) for d in _week_start_days(f["interval_start"])]
    g = pd.Series(f["agents"].to_numpy(), index=ws).groupby(level=0, sort=True).sum()
    per_fte = plan.on_phone_hours_per_fte * (1.0 - shrinkage)
    return Workforce(by_week=tuple((w, float(v) * h / per_fte / shares[w] if shares.get(w, 0.0) > 0 else 0.0)
                                   for w, v in g.items()))


__all__ = ["COLUMNS", "EXTRA", "WEEK_START", "Plan", "base_workforce", "evaluate", "next_week_start", "requirements",
           "week_shares", "weekly_staff"]
