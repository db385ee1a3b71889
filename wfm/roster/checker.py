"""The independent roster checker: verifies any roster (also one edited by hand) against every hard rule.

It shares no code with the model that builds rosters: shifts, hours, breaks and nights are re-derived here from
the long table (`agent_id, date, interval_start, activity, queue`), the optional shift codes, the config and
the agents. One function per rule, each returning `Violation`s in plain words (the rule names are `CHECKED`, each
verifying a hard rule of `wfm.roster.rules.RULES` or the table itself); `coverage` compares the scheduled
on-phone agents with the requirements, and the report's `score` measures the objective's soft terms
(`wfm.roster.score`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from wfm.config import Config
from wfm.phone_share import on_calls
from wfm.readers.agents import Agent
from wfm.roster.checks_shift import (check_breaks, check_requests_and_availability, check_shift_length,
                                     check_shift_templates, check_skills, check_supervisor, check_table_refs,
                                     check_training)
from wfm.roster.checks_leave import check_annual_leave, check_team_leave
from wfm.roster.checks_time import (absences, check_closed, check_consecutive, check_days_off, check_hours,
                                    check_leave, check_nights, check_part_time, check_rest, check_weekends,
                                    joined_before)
from wfm.roster.score import score_breakdown
from wfm.roster.violations import CheckReport, Violation, _text, shifts_from_table
from wfm.roster.violations import Shift, activity_runs  # noqa: F401 - re-exported: the checker's public types


# every rule name the checker reports: the hard rules' `checks`, then the table's own structure
CHECKED = ("contract_hours", "overtime", "max_consecutive_days", "min_days_off_week", "min_rest", "max_nights",
           "part_time", "weekends_off", "supervisor_on_duty", "availability", "days_off_requests", "leave", "closed",
           "shift_template", "max_shift_length", "opening_hours", "breaks", "training", "skills", "queue",
           "table", "overlap", "unknown_agent", "shift_code")


def routed_skills(agents: list[Agent], config: Config) -> dict[str, list[str]] | None:
    """`coverage`'s `skills` for the config: each agent's queues when calls are routed by skill, else None."""
    if config.centre.queue_assignment != "routing":
        return None
    return {a.agent_id: [q for q in a.skills if q in config.queues] for a in agents}


def routed_over(data: pd.DataFrame, requirements: pd.DataFrame | None, config: Config, start: dt.date,
                days: int) -> int | None:
    """Over-staffing of a floor whose calls are routed by skill: per interval, the agents on the phone (each
    once) beyond what one pool holding every queue would need (`wfm.multiskill`, Erlang on the requirements'
    calls and handle times), summed. The queues' own surpluses count an agent in every queue it holds. None when
    the requirements carry no calls to pool."""
    from wfm.multiskill import pooled_requirements

    cols = {"interval_start", "queue", "calls", "aht_s", "agents"}
    if requirements is None or requirements.empty or not cols <= set(requirements.columns):
        return None
    begin, end = pd.Timestamp(start), pd.Timestamp(start) + pd.Timedelta(days=days)
    req = requirements[[c for c in requirements.columns if c in cols]].copy()
    req["interval_start"] = pd.to_datetime(req["interval_start"])
    req = req[(req["interval_start"] >= begin) & (req["interval_start"] < end)
              & req["queue"].astype(str).isin(list(config.queues))]
    if req.empty:
        return None
    pool = pooled_requirements(req, config.queues, [tuple(config.queues)], interval_s=config.centre.interval_s,
                               shrinkage=config.shrinkage.unplaced)
    pool = pool[pool["queues"].str.count(r"\+") == len(config.queues) - 1].set_index("interval_start")["heads"]
    if data is None or data.empty:
        return 0
    work = data[data["activity"].astype(str) == "work"]
    ts = pd.to_datetime(work["interval_start"].map(_text), format="mixed")
    inside = ((ts >= begin) & (ts < end)).to_numpy()
    heads = pd.Series(work["agent_id"].map(_text).to_numpy()[inside], index=ts[inside].to_numpy())
    on_phone = heads.groupby(level=0).nunique()
    grid = on_phone.index.union(pool.index)
    return int((on_phone.reindex(grid, fill_value=0) - pool.reindex(grid, fill_value=0)).clip(lower=0).sum())


def on_calls_only(data: pd.DataFrame, agents: list[Agent], config: Config) -> pd.DataFrame:
    """The long table less the `work` intervals supervisors and nesting new hires spend off calls (by
    `wfm.phone_share`, as the simulation and what-if count them): what `coverage` counts as on the phones."""
    if data is None or data.empty:
        return data
    off = (data["activity"].astype(str) == "work").to_numpy() & ~on_calls(data, agents, config)
    return data[~off] if off.any() else data


def coverage(data: pd.DataFrame, requirements: pd.DataFrame | None, start: dt.date, days: int,
             column: str = "heads", skills: dict[str, list[str]] | None = None,
             previous: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    """Required vs scheduled on-phone agents per interval and queue inside the period.

    With `skills` (agent id -> queues; calls routed by skill) an on-phone agent counts in every queue it holds,
    else in the queue of its Data row. `previous` (the previous roster's long table) adds its shifts that run
    into this period (a night shift past midnight)."""
    begin = pd.Timestamp(start)
    end = begin + pd.Timedelta(days=days)
    if previous is not None and len(previous):  # only shifts that started before this period
        before = pd.to_datetime(previous["date"].map(_text)).dt.date < start
        data = pd.concat([previous[before].reindex(columns=data.columns), data], ignore_index=True)
    work = data[data["activity"].astype(str) == "work"]
    ts = pd.to_datetime(work["interval_start"].map(_text), format="mixed")
    if skills is not None:
        held = pd.DataFrame([(a, q) for a, qs in skills.items() for q in qs], columns=["agent_id", "queue"])
        sched = pd.DataFrame({"interval_start": ts, "agent_id": work["agent_id"].map(_text)}).merge(
            held, on="agent_id")[["interval_start", "queue"]]
    else:
        sched = pd.DataFrame({"interval_start": ts, "queue": work["queue"].map(_text)})
    sched = sched[(sched["interval_start"] >= begin) & (sched["interval_start"] < end)]
    sched = sched.groupby(["interval_start", "queue"]).size().rename("scheduled").reset_index()
    if requirements is not None and len(requirements):
        col = column if column in requirements.columns else "agents"
        req = pd.DataFrame({"interval_start": pd.to_datetime(requirements["interval_start"]),
                            "queue": requirements["queue"].astype(str),
                            "required": pd.to_numeric(requirements[col]).fillna(0).round().astype("int64")})
        req = req[(req["interval_start"] >= begin) & (req["interval_start"] < end)]
    else:
        req = pd.DataFrame({"interval_start": pd.Series([], dtype="datetime64[ns]"),
                            "queue": pd.Series([], dtype=object), "required": pd.Series([], dtype="int64")})
    cov = req.merge(sched, on=["interval_start", "queue"], how="outer")
    cov["required"] = cov["required"].fillna(0).astype("int64")
    cov["scheduled"] = cov["scheduled"].fillna(0).astype("int64")
    cov["under"] = (cov["required"] - cov["scheduled"]).clip(lower=0)
    cov["over"] = (cov["scheduled"] - cov["required"]).clip(lower=0)
    cov = cov.sort_values(["interval_start", "queue"]).reset_index(drop=True)
    total = int(cov["required"].sum())
    totals = {
        "required": total,
        "scheduled": int(cov["scheduled"].sum()),
        "under": int(cov["under"].sum()),
        "over": int(cov["over"].sum()),
        "under_pct": 100.0 * cov["under"].sum() / total if total else 0.0,
        "over_pct": 100.0 * cov["over"].sum() / total if total else 0.0,
    }
    return cov, totals


# --------------------------------------------------------------------------------------------- entry


def check(data: pd.DataFrame, agents: list[Agent], config: Config, *, start: dt.date | None = None,
          days: int | None = None, codes: dict | None = None, requirements: pd.DataFrame | None = None,
          previous: pd.DataFrame | None = None) -> CheckReport:
    """Verify the long table `data` against every hard rule; `codes` maps (agent_id, date) -> shift code."""
    iv = config.centre.interval_minutes
    violations: list[Violation] = []
    shifts = shifts_from_table(data, iv, violations)
    if start is None:
        start = min((s.date for s in shifts), default=dt.date.today())
    if days is None:
        days = (max((s.date for s in shifts), default=start) - start).days + 1
    by_id = {a.agent_id: a for a in agents}
    prev_shifts = shifts_from_table(previous, iv, []) if previous is not None else []
    outside = [s for s in shifts if not start <= s.date < start + dt.timedelta(days=days)]
    for s in outside:
        violations.append(Violation("table", s.agent_id, s.date, "a shift dated outside the roster period"))
    violations += check_table_refs(shifts, by_id, config)
    violations += check_shift_templates(shifts, config, codes)
    for s in prev_shifts:
        start_m = s.start.hour * 60 + s.start.minute
        s.template = next((t for t in config.shifts if start_m in t.start_minutes
                           and t.length_minutes == s.minutes), None)
    violations += check_skills(shifts, by_id)
    violations += check_breaks(shifts, config)
    violations += check_shift_length(shifts, config)
    absent = absences(by_id, config, start, days, codes)
    violations += check_closed(shifts, config, start, days)
    violations += check_leave(shifts, absent)
    violations += check_hours(shifts, by_id, config, start, days, absent, prev_shifts)
    violations += check_consecutive(shifts, by_id, config, start, days, prev_shifts)
    violations += check_days_off(shifts, by_id, config, start, days, absent, prev_shifts)
    violations += check_rest(shifts, config, prev_shifts)
    violations += check_nights(shifts, config, start, days, prev_shifts)
    violations += check_part_time(shifts, by_id, config, start, days, prev_shifts)
    violations += check_weekends(shifts, by_id, config, start, days, prev_shifts)
    violations += check_requests_and_availability(shifts, by_id, config)
    violations += check_training(shifts, by_id, config, start, days)
    violations += check_supervisor(shifts, by_id, config, start, days)
    report = CheckReport(start, days, violations)
    report.warnings = check_annual_leave(by_id, config, start, days) + check_team_leave(by_id, config, absent)
    on_phones, skills = on_calls_only(data, agents, config), routed_skills(agents, config)
    report.coverage, report.totals = coverage(on_phones, requirements, start, days, skills=skills,
                                              previous=on_calls_only(previous, agents, config))
    if skills is not None:
        pool_over = routed_over(on_phones, requirements, config, start, days)
        if pool_over is not None:
            report.totals["over"] = pool_over
            report.totals["over_basis"] = " (each agent once, against one pool's need)"
            total = report.totals["required"]
            report.totals["over_pct"] = 100.0 * pool_over / total if total else 0.0
    report.totals["shifts"] = len(shifts)
    report.score = score_breakdown(shifts, by_id, config, start, days, absent=absent, coverage=report.coverage,
                                   previous=joined_before(prev_shifts, start, days)[1])
    return report
