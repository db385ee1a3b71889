"""Long-range capacity: weekly required vs available FTE for months ahead, and when to hire.

`capacity_summary` reads the weekly results of `run_scenarios` and tells, per scenario: the first week the
available staff falls short of the requirement (the gap opens), the latest date to start a class so that
it has finished training by then (first short week - training weeks; `late` when that date is before the
plan's start), and the smallest class that closes
every gap from the week the class is fully ramped up to the end of the horizon (with the scenario's
attrition applied to the class too). When the hire-by date is already past, the class starts on the
plan's first day and the note says so. Weeks before the class is ready stay short: overtime, or an
earlier or larger class, covers them.

`capacity_view` does the whole long-range run from a history: forecast 6-12 months, the scenarios, the
summary.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from wfm.scenarios.apply import Workforce
from wfm.scenarios.evaluate import Plan, base_workforce, weekly_staff
from wfm.scenarios.spec import BASE, Hire, Scenario

SUMMARY_COLUMNS = ["scenario", "weeks", "first_short_week", "short_fte", "max_gap_fte", "max_gap_week", "hire_by",
                   "late", "class_size", "note"]
TOLERANCE_FTE = 0.05  # a gap smaller than this is noise, not a shortfall


def _class_size(plan: Plan, sc: Scenario, wf: Workforce, weekly: pd.DataFrame, hire_date: dt.date) -> tuple[int, dt.date]:
    """Smallest class starting `hire_date` with no gap from its full-productivity week on; and that week."""
    t_weeks, r_weeks = sc.training_weeks, sc.ramp_weeks
    ready = hire_date + dt.timedelta(days=int(round(7 * (t_weeks + r_weeks))))
    one = weekly_staff(plan, Scenario("unit", attrition=sc.attrition, training_weeks=t_weeks, ramp_weeks=r_weeks),
                       Workforce(), extra_hires=[Hire(1, hire_date)])
    unit = dict(zip(one["week_start"], one["fte_available"]))
    weeks = weekly[weekly["week_start"] >= ready - dt.timedelta(days=ready.weekday())]
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
    wf = plan.workforce
    if wf is None:
        base = next((s for s in scenarios if s.name == BASE), Scenario(BASE))
        wf = base_workforce(plan, base)
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
            row.update(first_short_week=None, short_fte=0.0, hire_by=None, late=False, class_size=0,
                       note=f"enough staff in all {len(weekly)} weeks")
            rows.append(row)
            continue
        first = short["week_start"].iloc[0]
        hire_by = first - dt.timedelta(days=int(round(7 * sc.training_weeks)))
        late = hire_by < plan.start
        hire_date = plan.start if late else hire_by
        size, ready = _class_size(plan, sc, wf, weekly, hire_date)
        train = f"{sc.training_weeks:g} weeks' training"
        gap0 = short["gap_fte"].iloc[0]
        if size == 0:
            note = (f"short from {first} ({gap0:.1f} FTE), but no gap is left once a class hired now could be "
                    f"productive ({ready}): cover the short weeks with overtime")
        elif late:
            note = (f"short from {first} ({gap0:.1f} FTE): too late to train a class in time "
                    f"({train}); a class of {size} starting {plan.start} is fully productive from {ready}")
        else:
            note = (f"short from {first} ({gap0:.1f} FTE): start a class of {size} by "
                    f"{hire_by} ({train}, fully productive from {ready})")
        row.update(first_short_week=first, short_fte=round(float(short["gap_fte"].iloc[0]), 3),
                   hire_by=hire_by if size else None, late=bool(late and size), class_size=size, note=note)
        rows.append(row)
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def capacity_view(history: pd.DataFrame, config: Any, *, start: dt.date, weeks: int = 26,
                  scenarios: Sequence[Scenario] = (Scenario(BASE),), agents: Sequence[Any] | None = None,
                  fte: float | None = None, scheduler: str | None = None, workers: int | None = None,
                  progress: Callable[[int, int], Any] | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Forecast `weeks` (6 to 12 months: 26-52) from `start`, run the scenarios; (weekly, summary, failures)."""
    from wfm.forecast import Forecaster
    from wfm.scenarios.run import run_scenarios

    cal = config.calendar
    fc = Forecaster(config.centre.country, cal.special_days, cal.extra_holidays, cal.extra_workdays,
                    interval_minutes=config.centre.interval_minutes,
                    default_aht_s={q: c.default_aht_s for q, c in config.queues.items()},
                    scheduler=scheduler, workers=workers).fit(history)
    forecast = fc.predict(start, 7 * weeks)
    plan = Plan.from_config(config, forecast, agents=agents, fte=fte, start=start, weeks=weeks)
    weekly, failures = run_scenarios(scenarios, plan, scheduler=scheduler, workers=workers, progress=progress)
    return weekly, capacity_summary(weekly, scenarios, plan), failures


__all__ = ["SUMMARY_COLUMNS", "capacity_summary", "capacity_view"]
