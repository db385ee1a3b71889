"""Checks of approved leave itself (HR's rules, not the roster's): annual leave within each agent's entitlement
by years of work, and no more of a team on leave the same day than `[leave] max_per_team_day`. Leave is an
input the roster cannot change, so these are warnings (`CheckReport.warnings`), each naming the people."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from wfm.calendar import day_calendar
from wfm.config import Config
from wfm.readers.agents import Agent
from wfm.roster.violations import Violation


def _workdays(config: Config, year: int) -> set[dt.date]:
    cal = config.calendar
    days = day_calendar(dt.date(year, 1, 1), dt.date(year, 12, 31), config.centre.country,
                        extra_holidays=cal.extra_holidays, extra_workdays=cal.extra_workdays)
    return {d for d, work in zip(days["date"], days["is_workday"]) if work}


def check_annual_leave(agents: dict[str, Agent], config: Config, start: dt.date, days: int) -> list[Violation]:
    """Annual leave of each calendar year the period touches against the entitlement of the agent's years of work
    (agents with `service_years` only): the days the `leave` column lists that are official working days (rest
    days and holidays inside a range are not annual leave), plus `annual_leave_taken` for the first year."""
    years = sorted({start.year, (start + dt.timedelta(days=days - 1)).year})
    workdays = {y: _workdays(config, y) for y in years} if any(a.service_years is not None
                                                               for a in agents.values()) else {}
    out = []
    for aid, a in agents.items():
        if a.service_years is None:
            continue
        allowed = config.leave.annual_entitlement(a.service_years)
        for y in years:
            listed = sum(1 for d, kind in a.leave if kind == "annual" and d in workdays[y])
            taken = a.annual_leave_taken if y == start.year else 0.0
            if listed + taken > allowed + 1e-9:
                out.append(Violation("annual_leave", aid, None,
                                     f"{listed + taken:g} days of annual leave in {y} ({listed} listed, {taken:g} "
                                     f"taken before); entitled to {allowed} after {a.service_years:g} year(s) of work"))
    return out


def check_team_leave(agents: dict[str, Agent], config: Config, absent: dict) -> list[Violation]:
    """Days on which more of one team are on leave (the agents table's or LEAVE typed on the Roster sheet) than
    `max_per_team_day`."""
    cap = config.leave.max_per_team_day
    if not cap:
        return []
    away: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
    for (aid, d), (what, _) in sorted(absent.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if aid in agents and what.endswith("leave"):
            away[agents[aid].team, d].append(aid)
    return [Violation("leave_team_cap", f"team {team}", d,
                      f"{len(ids)} on leave ({', '.join(f'{i} {agents[i].name}' for i in ids)}); at most {cap} a day")
            for (team, d), ids in sorted(away.items(), key=lambda kv: (kv[0][1], kv[0][0])) if len(ids) > cap]
