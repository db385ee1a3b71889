"""The previous roster's last days as this period's rules see them (`--previous`).

Overtime against the monthly cap (pro rata) and full weekends off per 4 weeks are judged on a frame of
`FRAME_DAYS` days ending with this period: the previous roster's last `FRAME_DAYS - days` days joined to this
period (none for a period of 4 weeks or more), so that two 14-day rosters pass the checker as one 28-day roster.
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

from wfm.calendar import week_blocks
from wfm.config import Config
from wfm.readers.agents import Agent

FRAME_DAYS = 28  # the span the period rules are judged on when a shorter period is joined to the one before


@dataclass(frozen=True)
class EarlierPeriod:
    """Per-agent counts of the previous roster's days joined to this period (`first` to the day before it)."""

    first: dt.date
    days: int
    overtime_min: dict[str, int] = field(default_factory=dict)  # paid minutes above the contract, week by week
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
    paid: dict[tuple[str, int], int] = defaultdict(int)
    worked_in: dict[tuple[str, int], int] = defaultdict(int)  # shifts per (agent, week)
    weekend: dict[str, int] = defaultdict(int)
    by_code: dict[tuple[str, str], int] = defaultdict(int)
    worked: dict[str, set] = defaultdict(set)
    weeks = week_blocks(first, days, config.rules.first_weekday)
    week_of = {d: w for w, block in enumerate(weeks) for d in block}
    for aid, p in shifts:
        w = week_of[(p.date - first).days]
        paid[aid, w] += paid_minutes(config, p.length_min)
        worked_in[aid, w] += 1
        weekend[aid] += p.date.weekday() >= 5
        worked[aid].add(p.date)
        tpl = next((t for t in config.shifts if p.start_min in t.start_minutes and t.length_minutes == p.length_min),
                   None)
        if tpl is not None:
            by_code[aid, tpl.code] += 1
    contract = {a.agent_id: a.contract_hours_week for a in agents}
    day_min = config.rules.max_hours_day * 60
    overtime: dict[str, int] = defaultdict(int)
    for (aid, w), minutes in paid.items():
        n = len(weeks[w])
        over = minutes - overtime_from(contract.get(aid, 0.0), n, config.rules.max_hours_day)
        if n % 7:  # a week cut by the joined frame's edge: a day's hours past max_hours_day stay overtime
            over = max(over, minutes - math.floor(day_min * worked_in[aid, w] + 1e-6))
        overtime[aid] += max(0, over)
    return EarlierPeriod(first, days, dict(overtime), dict(weekend), dict(by_code),
                         {aid: frozenset(ds) for aid, ds in worked.items()})


def overtime_from(contract_h_week: float, ndays: int, max_hours_day: float) -> int:
    """Paid minutes of a week above which its hours are overtime: the contract pro rata; a week the period's edge
    cuts (the rest of it is another roster's) may run a day's hours above pro rata, as its contract hours may,
    up to the full week's contract (its days worked past `max_hours_day` stay overtime: `Overtime`)."""
    pro = contract_h_week * ndays / 7 * 60
    if ndays % 7:
        pro = min(contract_h_week * 60, pro + max_hours_day * 60)
    return math.floor(pro + 1e-6)


def overtime_cap_min(config: Config, days: int) -> int:
    """The monthly overtime cap pro rata for `days` days, in whole minutes."""
    return math.floor(config.rules.max_overtime_h_month * 60 * days / 30 + 1e-6)


def weekends_off_needed_over(config: Config, pairs: int) -> int:
    """Full weekends off required over a frame holding `pairs` weekends (`min_weekends_off_period` per 4)."""
    return math.floor(config.rules.min_weekends_off_period * pairs / 4 + 1e-9)
