"""Overtime offers: extend a shift (start earlier or stay later) where an agent more is worth the overtime.

An offer runs the agent's shift past its template by whole intervals (on either side or both, at most the daily
overtime cap in all), on whichever of the agent's skills it is worth most (an agent who holds a surged queue is
called in for it, whatever its first-call queue). Offers are made greedily, the best worth first, while an hour
is worth at least `value_per_hour` (in calls answered in time, see `wfm.intraday.floor`). Every offer is
validated by the independent checker's own rules for that agent over the whole roster period (templates,
breaks, shift length, contract and overtime hours, rest between shifts, availability and opening hours), so an
accepted offer keeps the roster passing `wfm check`; one the rules refuse is cut to the longest that they accept
(a call-in that would put lunch outside its window starts later). A call-in needs `notice_min` minutes of notice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.calendar import time_span
from wfm.config import Config
from wfm.intraday.floor import Day, Floor
from wfm.readers.agents import Agent
from wfm.roster import checker


@dataclass(frozen=True)
class OvertimeSettings:
    value_per_hour: float = 10.0  # an hour of overtime must answer this many more calls in time (weighted)
    notice_min: int = 60  # an agent called in early starts no sooner than this after the cutoff
    max_offers: int = 200


@dataclass
class _Offer:
    day: Day
    early: bool  # start earlier (else stay later)
    stamps: list[pd.Timestamp]
    t: np.ndarray
    queue: int
    worth: float  # net of the overtime's cost, the news in it (see `Floor.worth`)
    gross: float  # value under the re-forecast


def offer_overtime(roster: pd.DataFrame, days: list[Day], floor: Floor, agents: list[Agent], config: Config,
                   cutoff: pd.Timestamp, ti: dict, period: tuple[dt.date, int],
                   settings: OvertimeSettings = OvertimeSettings()) -> tuple[pd.DataFrame, list[tuple]]:
    """The roster with the overtime offers added (work rows) and the offers as change-list rows."""
    queues = list(config.queues)
    by_id = {a.agent_id: a for a in agents}
    rows_of = {aid: g for aid, g in roster.groupby("agent_id", sort=False)}
    step = pd.Timedelta(minutes=config.centre.interval_minutes)
    cap = int(config.rules.max_overtime_h_day * 60 // config.centre.interval_minutes)
    per_interval = settings.value_per_hour * config.centre.interval_minutes / 60
    open_days = [d for d in days if d.agent_id in by_id and d.home() is not None]
    added, changes, refused, taken = [], [], set(), set()
    used: dict[int, int] = {}  # overtime intervals offered per shift
    options = {id(d): _options(d, queues, ti, step, cap, cutoff, settings, floor, per_interval) for d in open_days}
    known: dict[str, set[str]] = {}  # what the checker says of each agent's roster as it stands

    def rules_hold(o: _Offer) -> bool:
        """Whether the agent's roster with the offer breaks no rule it did not break before."""
        aid = o.day.agent_id
        if aid not in known:
            known[aid] = _violations(rows_of[aid], by_id[aid], config, period)
        rows = pd.concat([rows_of[aid], _rows(o, config)], ignore_index=True)
        return _violations(rows, by_id[aid], config, period) <= known[aid]

    for _ in range(settings.max_offers):
        offers = sorted((o for d in open_days for o in options[id(d)] if (d.agent_id, o.early) not in refused | taken),
                        key=lambda o: (-o.worth, o.day.agent_id, o.early))
        best = None
        for o in offers:  # best first; a side of a shift the floor or the rules refuse even shortened is not tried
            best = _longest_allowed(o, floor, per_interval, rules_hold)  # again
            if best is not None:
                best = (best, _rows(best, config))
                break
            refused.add((o.day.agent_id, o.early))
        if best is None:
            break
        o, new = best
        floor.apply([(o.queue, o.t, +1)], o.day.skills)
        rows_of[o.day.agent_id] = pd.concat([rows_of[o.day.agent_id], new], ignore_index=True)
        known.pop(o.day.agent_id, None)
        added.append(new)
        taken.add((o.day.agent_id, o.early))  # one offer per side of a shift; the checker holds the daily cap
        used[id(o.day)] = used.get(id(o.day), 0) + len(o.t)
        for d in open_days:  # values only fall where this offer added an agent: a best offer elsewhere stays best
            if d is o.day or any(x.queue == o.queue and np.isin(x.t, o.t).any() for x in options[id(d)]):
                options[id(d)] = _options(d, queues, ti, step, cap - used.get(id(d), 0), cutoff, settings, floor,
                                          per_interval)
        changes.append(_describe(o, step, queues))
    if not added:
        return roster, changes
    out = pd.concat([roster, *added], ignore_index=True)
    return out.sort_values(["agent_id", "interval_start"], kind="stable").reset_index(drop=True), changes


def _options(d: Day, queues: list[str], ti: dict, step: pd.Timedelta, cap: int, cutoff: pd.Timestamp,
             s: OvertimeSettings, floor: Floor, per_interval: float) -> list[_Offer]:
    """The best extension on each side of the shift, on whichever of the agent's skills it is worth most, if worth
    its overtime."""
    out = []
    for early in (False, True):
        stamps = [d.stamps[0] - step * k for k in range(1, cap + 1)] if early else \
            [d.stamps[-1] + step * k for k in range(1, cap + 1)]
        floor_ts = cutoff + pd.Timedelta(minutes=s.notice_min) if early else cutoff
        usable = []
        for ts in stamps:
            if ts < floor_ts or ts not in ti:
                break
            usable.append(ts)
        if not usable:
            continue
        t_all = np.array([ti[ts] for ts in usable])
        cost = per_interval * np.arange(1, len(usable) + 1)
        best = None
        n = len(usable)
        lo, hi = np.zeros(n, dtype=int), np.arange(1, n + 1)  # the k intervals nearest the shift
        for q in d.skills:
            worth, value = floor.span_worths([(q, np.arange(n), t_all, +1)], n, lo, hi, cost)
            k = int(np.argmax(worth))
            if worth[k] > 0 and (best is None or worth[k] > best.worth):
                best = _Offer(d, early, sorted(usable[:k + 1]), np.sort(t_all[:k + 1]), q, float(worth[k]),
                              float(value[k]))
        if best is not None:
            out.append(best)
    return out


def _longest_allowed(o: _Offer, floor: Floor, per_interval: float, rules_hold) -> _Offer | None:
    """The offer, or else the longest shorter one (the intervals nearest the shift kept) still worth its overtime
    that the floor allows and `rules_hold` accepts (e.g. a call-in that would put lunch out of its window, cut to one
    that does not). The rules only get harder with a longer extension (hours, caps, windows), so the longest
    accepted length is found by bisection."""
    if floor.allowed([(o.queue, o.t, +1)], o.day.skills) and rules_hold(o):
        return o
    near = o.stamps[::-1] if o.early else o.stamps  # nearest the shift first
    t = o.t[::-1] if o.early else o.t
    cuts = []
    for k in range(1, len(near)):
        moves = [(o.queue, t[:k], +1)]
        worth = floor.worth(moves, cost=per_interval * k)
        if worth > 0:
            cuts.append(_Offer(o.day, o.early, sorted(near[:k]), np.sort(t[:k]), o.queue, worth,
                               floor.value_of(moves)))
    lo, hi, found = 0, len(cuts) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        if floor.allowed([(cuts[mid].queue, cuts[mid].t, +1)], o.day.skills) and rules_hold(cuts[mid]):
            found, lo = cuts[mid], mid + 1
        else:
            hi = mid - 1
    return found


def _rows(o: _Offer, config: Config) -> pd.DataFrame:
    return pd.DataFrame({"agent_id": o.day.agent_id, "date": [o.day.date] * len(o.stamps), "interval_start": o.stamps,
                         "activity": "work", "queue": list(config.queues)[o.queue]})


def _violations(rows: pd.DataFrame, agent: Agent, config: Config, period: tuple[dt.date, int]) -> set[str]:
    start, days = period
    found: list[checker.Violation] = []
    shifts = checker.shifts_from_table(rows, config.centre.interval_minutes, found)
    one = {agent.agent_id: agent}
    absent = checker.absences(one, config, start, days, None)
    found += checker.check_shift_templates(shifts, config, None)
    found += checker.check_breaks(shifts, config)
    found += checker.check_shift_length(shifts, config)
    found += checker.check_hours(shifts, one, config, start, days, absent)
    found += checker.check_rest(shifts, config)
    found += checker.check_requests_and_availability(shifts, one, config)
    return {str(v) for v in found}


def _describe(o: _Offer, step: pd.Timedelta, queues: list[str]) -> tuple:
    d = o.day
    hours = len(o.stamps) * step.total_seconds() / 3600
    was = time_span(d.stamps[0], d.stamps[-1] + step)
    first, last = (o.stamps[0], d.stamps[-1] + step) if o.early else (d.stamps[0], o.stamps[-1] + step)
    return (d.agent_id, "overtime offer", f"{o.stamps[0]:%H:%M}", was, time_span(first, last),
            f"+{hours:g} h overtime ({'called in early' if o.early else 'staying late'}) on {queues[o.queue]}, worth "
            f"{o.gross:.0f} calls answered in time")
