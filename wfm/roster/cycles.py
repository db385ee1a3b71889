"""Hours averaged over a calendar cycle (综合计算工时, `rules.hours_averaging` month, quarter or year): the model's
view.

The period is cut into parts, one per cycle it touches. In each part the paid hours, with those the previous
roster (`--previous`) gave in the same cycle before the period, are held pro rata to the days counted: between the
minimum and maximum weekly hours, and only the hours above the contract are overtime, within the monthly cap pro
rata. Paid hours may fall short of pro rata by up to one longest shift (`max_shift_paid_h`: shifts rarely add up to a
pro-rata figure exactly). A part that does not count its whole cycle (it ends before the cycle does, or its cycle
began before what is counted: no previous roster for its first days) may also run that much above pro rata
without it counting as overtime yet: the rest of the cycle evens it out. A part that counts its whole cycle,
from the first day (the previous roster's days included) to the last, has every hour above the contract as
overtime. The independent checker counts the same itself (`checks_time.check_cycles`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from wfm.config import Config


def cycle_bounds(day: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """First and last day of the `months`-month calendar cycle holding `day` (a month, quarter or year)."""
    first_month = (day.month - 1) // months * months + 1
    first = dt.date(day.year, first_month, 1)
    nxt = dt.date(day.year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


@dataclass(frozen=True)
class CyclePart:
    """The period's days in one cycle, and what the previous roster gave in that cycle before them."""

    days: tuple[int, ...]  # day indices of the period
    whole: bool  # the part counts the whole cycle: from its first day (with the previous roster's) to its last
    before_days: int = 0  # days of the cycle before the period that the previous roster covers
    before_paid: dict[str, int] = field(default_factory=dict)  # agent id -> paid minutes in those days

    def counted_days(self) -> int:
        return len(self.days) + self.before_days


def cycle_parts(config: Config, start: dt.date, days: int, previous: dict,
                paid_minutes) -> list[CyclePart]:
    """The period cut by cycle. `previous`: agent id -> `PrevShift`s; `paid_minutes(config, length_min)`."""
    months = config.rules.cycle_months
    parts: list[CyclePart] = []
    d = 0
    while d < days:
        first, last = cycle_bounds(start + dt.timedelta(days=d), months)
        end = min(days, (last - start).days + 1)
        before_days, before_paid = 0, {}
        if d == 0 and first < start:
            shifts = [(aid, p) for aid, ps in previous.items() for p in ps if first <= p.date < start]
            if shifts:
                seen = max(first, min(p.date for ps in previous.values() for p in ps))
                before_days = (start - seen).days
                for aid, p in shifts:
                    before_paid[aid] = before_paid.get(aid, 0) + paid_minutes(config, p.length_min)
        counted_from = start + dt.timedelta(days=d - before_days)
        whole = end == (last - start).days + 1 and counted_from == first
        parts.append(CyclePart(tuple(range(d, end)), whole, before_days, before_paid))
        d = end
    return parts


def part_limits(config: Config, agent, part: CyclePart, credit: int) -> dict[str, int]:
    """Minutes for one agent and part: `lo`, `hi` and `contract` over the counted days less `credit` (leave's
    excused minutes), the slack below (`under`: the longest shift) and above (`over`: 0 when the part counts
    its whole cycle, else the longest shift), and the overtime `cap`."""
    n = part.counted_days()
    lo_h = agent.min_hours_week if agent.min_hours_week is not None else agent.contract_hours_week
    hi_h = agent.max_hours_week if agent.max_hours_week is not None else agent.contract_hours_week
    r = config.rules
    return {
        "lo": max(0, math.floor(lo_h * n / 7 * 60 + 1e-6) - credit),
        "hi": max(0, math.ceil(hi_h * n / 7 * 60 - 1e-6) - credit),
        "contract": max(0, math.floor(agent.contract_hours_week * n / 7 * 60 + 1e-6) - credit),
        "under": round(r.max_shift_paid_h * 60),
        "over": 0 if part.whole else round(r.max_shift_paid_h * 60),
        "cap": math.floor(r.max_overtime_h_month * 60 * n / 30 + 1e-6),
    }
