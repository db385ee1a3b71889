"""Requested days off that the contract cannot absorb become unpaid personal leave.

A requested day off is a rest day when the week's other open days can still hold the agent's contract. When they
cannot (a weekday-only centre, a full-timer asking for a Wednesday off: four open days cannot hold 40 hours), the
day is still given, as unpaid personal leave (事假): the agent is not made to work a closed weekend or a sixth day
to make the hours up. The roster shows it as LEAVE and says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from wfm.calendar import closed_days, week_blocks
from wfm.config import Config
from wfm.readers.agents import Agent


def requests_as_leave(agents: list[Agent], config: Config, start: dt.date, days: int,
                      max_paid_min: int) -> tuple[list[Agent], list[str]]:
    """The agents with the requested days off their week cannot absorb turned into personal leave, and a note per
    agent changed. `max_paid_min` is the longest shift's paid minutes."""
    shut, _ = closed_days(config.centre, config.calendar, start, days)
    out, notes = [], []
    for a in agents:
        asked = set(a.days_off_requested)
        if not asked or max_paid_min <= 0:
            out.append(a)
            continue
        leave = {d for d, _ in a.leave}
        lo_h = a.min_hours_week if a.min_hours_week is not None else a.contract_hours_week
        added: list[dt.date] = []
        for block in week_blocks(start, days, config.rules.first_weekday):
            if len(block) < 7:
                continue  # whole weeks only: a partial week's hours are pro rata
            dates = [start + dt.timedelta(days=i) for i in block]
            wanted = sorted((d for d in dates if d in asked and d not in shut and d not in leave), reverse=True)
            given: list[dt.date] = []
            while wanted and not _fits(dates, leave | set(given), shut, set(wanted), lo_h, max_paid_min,
                                       config.rules.min_days_off_week):
                given.append(wanted.pop(0))  # the week's latest request first
            added += given
        if added:
            a = dataclasses.replace(a, leave=tuple(sorted(set(a.leave) | {(d, "personal") for d in added})))
            notes.append(f"{a.agent_id} ({a.name}): requested day(s) off {', '.join(map(str, sorted(added)))} "
                         "given as unpaid personal leave: the week's other open days cannot hold the contract")
        out.append(a)
    return out, notes


def _fits(dates: list[dt.date], leave: set[dt.date], shut: set[dt.date], asked: set[dt.date], lo_h: float,
          max_paid_min: int, min_off: int) -> bool:
    """Whether the week's contract fits on its open days that are neither leave nor requested off, keeping the
    rest days the rules want (closed and requested days are rest days; leave is not)."""
    on_leave = [d for d in dates if d in leave and d not in shut]
    owed = max(0.0, lo_h - lo_h / 5 * len(on_leave))
    need = math.ceil(owed * 60 / max_paid_min - 1e-9)
    rest = sum(1 for d in dates if (d in shut and d not in leave) or (d in asked and d not in leave))
    workable = sum(1 for d in dates if d not in shut and d not in leave and d not in asked)
    workable -= max(0, min_off - rest)
    return workable >= need
