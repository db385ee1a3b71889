"""Long-range capacity: weekly required vs available FTE for months ahead, and when to hire.

`capacity_summary` reads the weekly results of `run_scenarios` and tells, per scenario:

- ``first_short_week``: the first week the available staff falls short of the requirement;
- ``gap_opens``: the first short week a hiring decision can still address, i.e. from the week a class
  started on the plan's first day would be on the phones (after training); shortfalls before that (e.g.
  while current trainees ramp up) can only be covered by overtime;
- ``hire_by``: the latest start date of a class that has finished training by ``gap_opens``
  (``gap_opens`` - training weeks; ``late`` when that is before the plan's first day: start now);
- ``class_size``: the smallest class closing every gap from the week it is fully productive (after
  training and ramp-up, with the scenario's attrition applied to it too) to the end of the horizon;
  the weeks it is still ramping stay partly short.

`capacity_view` does the whole long-range run from a history: forecast 6-12 months, the scenarios, the
summary.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from wfm.calendar import week_start
from wfm.scenarios.apply import Workforce
from wfm.scenarios.evaluate import Plan, weekly_staff
from wfm.scenarios.scenario import BASE, Hire, Scenario

SUMMARY_COLUMNS = ["scenario", "weeks", "first_short_week", "short_fte", "max_gap_fte", "max_gap_week", "gap_opens",
                   "hire_by", "late", "class_size", "note"]
TOLERANCE_FTE = 0.05  # a gap smaller than this is noise, not a shortfall


def _class_size(plan: Plan, sc: Scenario, weekly: pd.DataFrame, hire_date: dt.date) -> tuple[int, dt.date]:
    """Smallest class starting `hire_date` with no gap from its full-productivity week on; and that week."""
    t_weeks, r_weeks = sc.training_weeks, sc.ramp_weeks
    ready = hire_date + dt.timedelta(days=int(round(7 * (t_weeks + r_weeks))))
    one = weekly_staff(plan, Scenario("unit", attrition=sc.attrition, training_weeks=t_weeks, ramp_weeks=r_weeks),
                       Workforce(), extra_hires=[Hire(1, hire_date)])
    unit = dict(zip(one["week_start"], one["fte_available"]))
    weeks = weekly[weekly["week_start"] >= week_start(ready)]
    if weeks.empty:  # the horizon ends before the class is ready: size it on the last week at full productivity
        weeks = weekly.tail(1)
        gap = float(weeks["gap_fte"].iloc[0])
        return max(0, math.ceil(gap - TOLERANCE_FTE)), ready
    need = 0
    for w, gap in zip(weeks["week_start"], weeks["gap_fte"]):
        u = unit.get(w, 0.0)
        if gap > TOLERANCE_FTE and u > 0:
            need = max(need, math.ceil((gap - TOLERANCE_FTE) / u))
    return need, ready


def capacity_summary(results: pd.DataFrame, scenarios: Sequence[Scenario], plan: Plan) -> pd.DataFrame:
    """Per scenario: first short week, gap then, largest gap, hire-by date, class size and a note."""
    rows = []
    for sc in scenarios:
        weekly = results[results["scenario"] == sc.name].sort_values("week_start")
        if weekly.empty:
            continue
        weekly = weekly.assign(gap_fte=weekly["fte_required"] - weekly["fte_available"])
        short = weekly[weekly["gap_fte"] > TOLERANCE_FTE]
        imax = weekly["gap_fte"].idxmax()
        row: dict[str, Any] = {"scenario": sc.name, "weeks": len(weekly),
                               "max_gap_fte": round(float(max(weekly.loc[imax, "gap_fte"], 0.0)), 3),
                               "max_gap_week": weekly.loc[imax, "week_start"] if weekly.loc[imax, "gap_fte"] > 0
                               else None}
        if short.empty:
            row.update(first_short_week=None, short_fte=0.0, gap_opens=None, hire_by=None, late=False, class_size=0,
                       note=f"enough staff in all {len(weekly)} weeks")
            rows.append(row)
            continue
        first = short["week_start"].iloc[0]
        gap0 = float(short["gap_fte"].iloc[0])
        t_days = int(round(7 * sc.training_weeks))
        train = f"{sc.training_weeks:g} weeks' training"
        earliest = plan.start + dt.timedelta(days=t_days)  # a class started on the first day is on the phones
        addressable = short[short["week_start"] >= week_start(earliest)]
        early = (f"short from {first} ({gap0:.1f} FTE) before a class started now could be on the phones "
                 f"({earliest}): cover with overtime")
        row.update(first_short_week=first, short_fte=round(gap0, 3))
        if addressable.empty:
            row.update(gap_opens=None, hire_by=None, late=False, class_size=0, note=early)
            rows.append(row)
            continue
        opens = addressable["week_start"].iloc[0]
        gap_o = float(addressable["gap_fte"].iloc[0])
        hire_by = opens - dt.timedelta(days=t_days)
        late = hire_by < plan.start
        size, ready = _class_size(plan, sc, weekly, max(hire_by, plan.start))
        parts = [early] if first < opens else []
        if size == 0:
            parts.append(f"the gap from {opens} ({gap_o:.1f} FTE) closes before a class could be fully productive "
                         f"({ready}): cover it with overtime")
        elif late:
            parts.append(f"the gap from {opens} ({gap_o:.1f} FTE) needs a class of {size} started now (it should "
                         f"have started by {hire_by}: {train}; fully productive from {ready})")
        else:
            parts.append(f"the gap opens {opens} ({gap_o:.1f} FTE): start a class of {size} by {hire_by} "
                         f"({train}; fully productive from {ready})")
        row.update(gap_opens=opens, hire_by=hire_by if size else None, late=bool(late and size), class_size=size,
                   note="; ".join(parts))
        rows.append(row)
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def capacity_view(history: pd.DataFrame, config: Any, *, start: dt.date, weeks: int = 26,
                  scenarios: Sequence[Scenario] = (Scenario(BASE),), agents: Sequence[Any] | None = None,
                  fte: float | None = None, scheduler: str | None = None, workers: int | None = None,
                  progress: Callable[[int, int], Any] | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Forecast `weeks` (6 to 12 months: 26-52) from `start`, run the scenarios; (weekly, summary, failures)."""
    from wfm.pipeline import fit_forecaster
    from wfm.scenarios.run import run_scenarios

    fc = fit_forecaster(config, history, scheduler=scheduler, workers=workers)
    forecast = fc.predict(start, 7 * weeks)
    plan = Plan.from_config(config, forecast, agents=agents, fte=fte, start=start, weeks=weeks)
    weekly, failures = run_scenarios(scenarios, plan, scheduler=scheduler, workers=workers, progress=progress)
    return weekly, capacity_summary(weekly, scenarios, plan), failures


__all__ = ["SUMMARY_COLUMNS", "capacity_summary", "capacity_view"]
