"""The previous roster's days as this period's rules see them (`--previous`).

Overtime is capped per calendar month, the previous roster's overtime in a month the period shares counted
(`month_overtime`). Full weekends off per 4 weeks are judged on a frame of `FRAME_DAYS` days ending with this
period: the previous roster's last `FRAME_DAYS - days` days joined to this period (none for a period of 4 weeks
or more), so that two 14-day rosters pass the checker as one 28-day roster.
The fairness objective starts from the nights, weekends and shift types those days hold. (`max_nights_period`
stays a cap per roster period: joined, it would leave a period nights only the one before did not use; the
weekly cap `max_nights_week` joins up.)

The model's view only; the independent checker counts the same from the previous roster's long table itself.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from wfm.calendar import week_blocks
from wfm.config import Config
from wfm.readers.agents import Agent

FRAME_DAYS = 28  # the span the period rules are judged on when a shorter period is joined to the one before


@dataclass(frozen=True)
class EarlierPeriod:
    """Per-agent counts of the previous roster's days joined to this period (`first` to the day before it)."""

    first: dt.date
    days: int
    weekend_shifts: dict[str, int] = field(default_factory=dict)
    shifts_by_code: dict[tuple[str, str], int] = field(default_factory=dict)  # (agent, template code) -> shifts
    worked: dict[str, frozenset[dt.date]] = field(default_factory=dict)

    def weekend_pairs(self, start: dt.date, days: int) -> list[tuple[dt.date, dt.date]]:
        """(Saturday, Sunday) pairs of the joined frame, from the previous period's first day to this one's last."""
        total = self.days + days
        sats = (self.first + dt.timedelta(days=i) for i in range(total - 1))
        return [(d, d + dt.timedelta(days=1)) for d in sats if d.weekday() == 5]

    def full_weekends_off(self, agent_id: str, start: dt.date) -> int:
        """Full weekends off of the agent entirely inside the previous period."""
        w = self.worked.get(agent_id, frozenset())
        return sum(1 for sat, sun in self.weekend_pairs(start, 0)
                   if sun < start and sat not in w and sun not in w)


def carried_days(days: int) -> int:
    """Days of the previous roster joined to a period of `days` days."""
    return max(0, FRAME_DAYS - days)


def earlier_period(previous: dict, agents: list[Agent], config: Config, start: dt.date, period_days: int,
                   paid_minutes: Callable[[Config, int], int]) -> EarlierPeriod | None:
    """The counts of the previous roster's shifts (`PrevShift`s per agent id) in the `carried_days` before
    `start` (from its first shift's day when it is shorter); None when nothing is carried. `paid_minutes` gives
    a shift's paid minutes from its length."""
    earliest = start - dt.timedelta(days=carried_days(period_days))
    shifts = [(aid, p) for aid, ps in previous.items() for p in ps if earliest <= p.date < start]
    if not shifts:
        return None
    first = max(earliest, min(p.date for ps in previous.values() for p in ps))
    days = (start - first).days
    weekend: dict[str, int] = defaultdict(int)
    by_code: dict[tuple[str, str], int] = defaultdict(int)
    worked: dict[str, set] = defaultdict(set)
    for aid, p in shifts:
        weekend[aid] += p.date.weekday() >= 5
        worked[aid].add(p.date)
        tpl = next((t for t in config.shifts if p.start_min in t.start_minutes and t.length_minutes == p.length_min),
                   None)
        if tpl is not None:
            by_code[aid, tpl.code] += 1
    return EarlierPeriod(first, days, dict(weekend), dict(by_code),
                         {aid: frozenset(ds) for aid, ds in worked.items()})


def overtime_from(contract_h_week: float, ndays: int, max_hours_day: float) -> int:
    """Paid minutes of a week above which its hours are overtime: the contract pro rata; a week the period's edge
    cuts (the rest of it is another roster's) may run a day's hours above pro rata, as its contract hours may,
    up to the full week's contract (its days worked past `max_hours_day` stay overtime: `Overtime`)."""
    pro = contract_h_week * ndays / 7 * 60
    if ndays % 7:
        pro = min(contract_h_week * 60, pro + max_hours_day * 60)
    return math.floor(pro + 1e-6)


def weekends_off_needed_over(config: Config, pairs: int) -> int:
    """Full weekends off required over a frame holding `pairs` weekends (`min_weekends_off_period` per 4)."""
    return math.floor(config.rules.min_weekends_off_period * pairs / 4 + 1e-9)


@dataclass(frozen=True)
class MonthOvertime:
    """A calendar month the period touches, as the monthly overtime cap judges it."""

    days: tuple[int, ...]  # the period's day indices in the month
    cap_min: int  # the cap over the days counted: the whole month's, or pro rata (`month_overtime_cap_min`)
    before_min: dict[str, float] = field(default_factory=dict)  # agent id -> the previous roster's overtime in it


def month_overtime_cap_min(config: Config, counted_days: int, whole: bool) -> int:
    """The monthly overtime cap over `counted_days` days of a calendar month: the whole cap when they are the
    whole month, else pro rata to the days over a 30-day month (never more than the whole cap)."""
    cap = config.rules.max_overtime_h_month * 60
    return math.floor(cap if whole else cap * min(30, counted_days) / 30 + 1e-6)


def week_month_shares(first: dt.date, week: list[int]) -> dict[tuple[int, int], Fraction]:
    """(year, month) -> the share of a week's days (indices from `first`) in that month: a week's overtime is
    counted in the months its days fall in, pro rata."""
    out: dict[tuple[int, int], Fraction] = defaultdict(Fraction)
    for d in week:
        day = first + dt.timedelta(days=d)
        out[day.year, day.month] += Fraction(1, len(week))
    return dict(out)


def month_overtime(previous: dict, agents: list[Agent], config: Config, start: dt.date, period_days: int,
                   paid_minutes: Callable[[Config, int], int]) -> dict[tuple[int, int], MonthOvertime]:
    """Each calendar month the period touches: its day indices, its cap and the overtime the previous roster
    (`PrevShift`s per agent id) spent in it before `start`. A month counts from its first day when the previous
    roster covers the days before the period (from its first shift's day when it starts later in the month); the
    overtime of the previous roster's weeks (calendar weeks from its first day, as it was built) is shared among
    the months by days (`week_month_shares`)."""
    months: dict[tuple[int, int], list[int]] = {}
    for d in range(period_days):
        day = start + dt.timedelta(days=d)
        months.setdefault((day.year, day.month), []).append(d)
    shifts = [(aid, p) for aid, ps in previous.items() for p in ps if p.date < start]
    prev_first = min((p.date for _, p in shifts), default=start)
    before: dict[str, float] = defaultdict(float)
    first_month = (start.year, start.month)
    if shifts:
        n = (start - prev_first).days
        weeks = week_blocks(prev_first, n, config.rules.first_weekday)
        week_of = {d: w for w, block in enumerate(weeks) for d in block}
        paid: dict[tuple[str, int], int] = defaultdict(int)
        worked_in: dict[tuple[str, int], int] = defaultdict(int)
        for aid, p in shifts:
            w = week_of[(p.date - prev_first).days]
            paid[aid, w] += paid_minutes(config, p.length_min)
            worked_in[aid, w] += 1
        contract = {a.agent_id: a.contract_hours_week for a in agents}
        day_min = config.rules.max_hours_day * 60
        for (aid, w), minutes in paid.items():
            size = len(weeks[w])
            over = minutes - overtime_from(contract.get(aid, 0.0), size, config.rules.max_hours_day)
            if size % 7:  # a week cut by the previous roster's edges: a day's hours past max_hours_day stay overtime
                over = max(over, minutes - math.floor(day_min * worked_in[aid, w] + 1e-6))
            share = week_month_shares(prev_first, weeks[w]).get(first_month, Fraction(0))
            before[aid] += max(0, over) * float(share)
    out = {}
    for (y, m), days in months.items():
        month_first = dt.date(y, m, 1)
        month_days = (dt.date(y + m // 12, m % 12 + 1, 1) - month_first).days
        seen = max(month_first, prev_first) if (y, m) == first_month and shifts else start + dt.timedelta(days=days[0])
        counted = len(days) + (start + dt.timedelta(days=days[0]) - seen).days
        out[y, m] = MonthOvertime(tuple(days), month_overtime_cap_min(config, counted, counted == month_days),
                                  dict(before) if (y, m) == first_month else {})
    return out
