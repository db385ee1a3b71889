"""The checker's view of hours averaged over a calendar cycle (综合计算工时, `rules.hours_averaging` month,
quarter or year), derived on its own from the shifts (the model's is `wfm.roster.cycles`).

Each part of the period in one cycle, with the previous roster's days in that cycle before the period: paid hours
(leave's excused minutes included) between the minimum and maximum weekly hours pro rata to the days counted, and
overtime (the hours above the contract pro rata) within the monthly cap pro rata. Paid hours may fall one longest
shift (`max_shift_paid_h`) short of pro rata; a part that does not count its whole cycle (from its first day, the
previous roster's days included, to its last) may also be that much above it without it counting as overtime.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from wfm.config import Config
from wfm.roster.violations import Violation, _h, _paid


def _next_cycle(first: dt.date, months: int) -> dt.date:
    month = first.month - 1 + months
    return dt.date(first.year + month // 12, month % 12 + 1, 1)


def cycle_windows(start: dt.date, days: int, months: int) -> list[tuple[dt.date, dt.date, bool]]:
    """(first day, day after the last, closes its cycle) of each part of the period in one cycle."""
    end = start + dt.timedelta(days=days)
    out = []
    d = start
    while d < end:
        cycle_first = dt.date(d.year, (d.month - 1) // months * months + 1, 1)
        nxt = _next_cycle(cycle_first, months)
        out.append((d, min(nxt, end), nxt <= end))
        d = min(nxt, end)
    return out


def check_cycles(shifts, agents, config: Config, start: dt.date, days: int, absent: dict | None = None,
                 prev_shifts=()) -> list[Violation]:
    """Contract hours and overtime of every agent in each cycle part of the period."""
    r = config.rules
    slack = round(r.max_shift_paid_h * 60)
    out = []
    for part in _cycle_parts(shifts, agents, config, start, days, absent, prev_shifts):
        first, what, got, extension = part["first"], part["what"], part["got"], part["extension"]
        lo, hi, over, cap = part["lo"], part["hi"], part["over"], part["cap"]
        aid = part["agent_id"]
        if got < lo - slack - 1e-9:
            out.append(Violation("contract_hours", aid, first, f"{_h(got)} paid in {what}; at least "
                                                                f"{_h(max(lo - slack, 0))} required"))
        if got - extension > hi + over + 1e-9:
            out.append(Violation("contract_hours", aid, first, f"{_h(got)} paid in {what}; at most "
                                                                f"{_h(hi + over)} allowed"))
        if part["overtime"] > cap + 1e-9:
            out.append(Violation("overtime", aid, first, f"{_h(part['overtime'])} overtime in {what} (above its "
                                                         f"{_h(part['contract'])} contract); the cap is {_h(cap)} "
                                                         f"({r.max_overtime_h_month:g} h a month, pro rata)"))
    return out


def cycle_overtime(shifts, agents, config: Config, start: dt.date, days: int, absent: dict | None = None,
                   prev_shifts=()) -> dict[str, float]:
    """Overtime minutes per agent over the period's cycle parts (the hours above each part's contract)."""
    out: dict[str, float] = defaultdict(float)
    for part in _cycle_parts(shifts, agents, config, start, days, absent, prev_shifts):
        out[part["agent_id"]] += part["overtime"]
    return dict(out)


def _cycle_parts(shifts, agents, config: Config, start: dt.date, days: int, absent: dict | None, prev_shifts):
    """Each agent's paid minutes, limits and overtime in each cycle part of the period, as a dict."""
    r = config.rules
    months = r.cycle_months
    paid: dict[tuple[str, dt.date], float] = defaultdict(float)
    extended: dict[tuple[str, dt.date], float] = defaultdict(float)
    for s in shifts:
        paid[s.agent_id, s.date] += _paid(s, config)
        extended[s.agent_id, s.date] += s.overtime
    for key, (_, minutes) in (absent or {}).items():
        paid[key] += minutes
    slack = round(r.max_shift_paid_h * 60)
    for first, stop, closes in cycle_windows(start, days, months):
        dates = [first + dt.timedelta(days=i) for i in range((stop - first).days)]
        cycle_first = dt.date(first.year, (first.month - 1) // months * months + 1, 1)
        before = [s for s in prev_shifts if cycle_first <= s.date < start] if first == start else []
        seen = max(cycle_first, min(s.date for s in prev_shifts)) if before else first
        before_paid: dict[str, float] = defaultdict(float)
        for s in before:
            before_paid[s.agent_id] += _paid(s, config)
        n = len(dates) + (first - seen).days
        over = 0 if closes and seen == cycle_first else slack  # every hour over is overtime over a whole cycle
        cap = math.floor(r.max_overtime_h_month * 60 * n / 30 + 1e-6)
        what = f"the {r.hours_averaging} from {first}" + (f" (and the {(first - seen).days} days before it)"
                                                          if seen < first else "")
        for aid, a in agents.items():
            lo_h = a.min_hours_week if a.min_hours_week is not None else a.contract_hours_week
            hi_h = a.max_hours_week if a.max_hours_week is not None else a.contract_hours_week
            contract = math.floor(a.contract_hours_week * n / 7 * 60 + 1e-6)
            got = sum(paid[aid, d] for d in dates) + before_paid.get(aid, 0.0)
            yield {"agent_id": aid, "first": first, "what": what, "got": got,
                   "extension": sum(extended[aid, d] for d in dates),
                   "lo": math.floor(lo_h * n / 7 * 60 + 1e-6), "hi": math.ceil(hi_h * n / 7 * 60 - 1e-6),
                   "contract": contract, "over": over, "cap": cap, "overtime": max(0.0, got - contract - over)}
