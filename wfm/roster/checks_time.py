"""Checks across days: closures, leave, contract and overtime hours, part-time limits, consecutive days, days
off, rest between shifts, nights and weekends."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict


from wfm.calendar import closed_days
from wfm.config import Config
from wfm.readers.agents import Agent
from wfm.roster.checks_cycle import check_cycles, cycle_overtime
from wfm.roster.violations import Shift, Violation, _h, _paid, _week_of, _weeks


def absences(agents: dict[str, Agent], config: Config, start: dt.date, days: int,
             codes: dict | None) -> dict[tuple[str, dt.date], tuple[str, float]]:
    """(agent, date) -> (what, contract minutes excused) for days away from the phones: approved leave from the
    agents table (paid or not, the day is not owed) and LEAVE or TRN typed on the Roster sheet; a day excuses a
    fifth of the weekly contract."""
    end = start + dt.timedelta(days=days)
    out: dict[tuple[str, dt.date], tuple[str, float]] = {}
    for aid, a in agents.items():
        day = a.contract_hours_week * 60 / 5
        for d, kind in a.leave:
            if start <= d < end:  # paid or not, the day is not owed
                out[aid, d] = (f"{kind} leave", day)
    _, shut_holidays = closed_days(config.centre, config.calendar, start, days)
    for d in shut_holidays:  # a holiday the centre closes for is paid leave for everyone
        for aid, a in agents.items():
            out.setdefault((aid, d), ("holiday (centre closed)", a.contract_hours_week * 60 / 5))
    for (aid, d), code in (codes or {}).items():
        word = str(code or "").strip().upper()
        if word in ("LEAVE", "TRN") and aid in agents and (aid, d) not in out and start <= d < end:
            day = agents[aid].contract_hours_week * 60 / 5
            out[aid, d] = ("leave" if word == "LEAVE" else "training day", day)
    # a week away excuses at most the week's contract (leave over would-be rest days adds nothing)
    for aid, a in agents.items():
        for dates in _weeks(start, days, config.rules.first_weekday):
            left = a.contract_hours_week * 60 * len(dates) / 7
            for d in dates:
                if (aid, d) in out:
                    what, minutes = out[aid, d]
                    out[aid, d] = (what, min(minutes, left))
                    left -= out[aid, d][1]
    return out


JOINED_DAYS = 28  # the span the period rules are judged on with a previous roster (the model's FRAME_DAYS)


def joined_before(prev_shifts, start: dt.date, days: int) -> tuple[dt.date, list[Shift]]:
    """The first day of the frame the period rules are judged on and the previous roster's shifts inside it:
    its last `28 - days` days (from its first shift's day when it is shorter) joined to this period."""
    earliest = start - dt.timedelta(days=max(0, JOINED_DAYS - days))
    kept = [s for s in prev_shifts if earliest <= s.date < start]
    if not kept:
        return start, []
    return max(earliest, min(s.date for s in prev_shifts)), kept


def week_before(prev_shifts, start: dt.date, first_weekday: int | None) -> dict[str, list[Shift]]:
    """The previous roster's shifts per agent on the days of `start`'s calendar week before `start`: with them the
    period's first week is whole again for the weekly maxima (days off, hours, nights, part-time hours). None
    when weeks run from the period's first day (`first_weekday` None) or it starts a week."""
    out: dict[str, list[Shift]] = defaultdict(list)
    if first_weekday is None:
        return out
    first = start - dt.timedelta(days=(start.weekday() - first_weekday) % 7)
    for s in prev_shifts:
        if first <= s.date < start:
            out[s.agent_id].append(s)
    return out


def _joined_words(start: dt.date, first_weekday: int | None) -> str:
    """How a message names the period's part of a calendar week the previous roster began."""
    first = start - dt.timedelta(days=(start.weekday() - (first_weekday or 0)) % 7)
    return f"in the days of the week from {first} in this period"


def check_closed(shifts, config: Config, start: dt.date, days: int) -> list[Violation]:
    shut, _ = closed_days(config.centre, config.calendar, start, days)
    return [Violation("closed", s.agent_id, s.date, "a shift on a day the centre is closed") for s in shifts
            if s.date in shut]


def check_leave(shifts, absent: dict) -> list[Violation]:
    out = []
    for s in shifts:
        hit = absent.get((s.agent_id, s.date))
        if hit is not None and "centre closed" not in hit[0]:  # closed days: `check_closed`
            out.append(Violation("leave", s.agent_id, s.date, f"works on a day of approved {hit[0]}"))
    return out


def check_hours(shifts, agents, config: Config, start: dt.date, days: int,
                absent: dict | None = None, prev_shifts=()) -> list[Violation]:
    """Contract hours per week (or averaged), and overtime against the monthly cap in each calendar month the
    period touches, the previous roster's overtime in the month counted (`_month_caps`)."""
    r = config.rules
    if r.cycle_months:  # hours averaged over a month, quarter or year
        return check_cycles(shifts, agents, config, start, days, absent, prev_shifts)
    paid, on_shift = _day_minutes(shifts, config, absent)
    extended = defaultdict(float)  # overtime extensions: held against the overtime caps, not the contract's maximum
    for s in shifts:
        extended[s.agent_id, s.date] += s.overtime
    out = []
    blocks = [[start + dt.timedelta(days=i) for i in range(days)]] if r.hours_averaging == "period" \
        else _weeks(start, days, r.first_weekday)
    months = _month_caps(prev_shifts, agents, config, start, days)
    weeks = _weeks(start, days, r.first_weekday)
    earlier = {} if r.hours_averaging == "period" else week_before(prev_shifts, start, r.first_weekday)
    for aid, a in agents.items():
        lo_h = a.min_hours_week if a.min_hours_week is not None else a.contract_hours_week
        hi_h = a.max_hours_week if a.max_hours_week is not None else a.contract_hours_week
        for dates in blocks:
            n = len(dates)
            tol = 0 if n % 7 == 0 else r.max_hours_day * 60
            lo = math.floor(lo_h * n / 7 * 60 + 1e-6 - tol)
            hi = math.ceil(hi_h * n / 7 * 60 - 1e-6 + tol)
            got = sum(paid[aid, d] for d in dates)
            over = sum(extended[aid, d] for d in dates)
            what = "the period" if len(blocks) == 1 and r.hours_averaging == "period" else f"the week from {dates[0]}"
            if got < lo - 1e-9:
                out.append(Violation("contract_hours", aid, dates[0], f"{_h(got)} paid in {what}; at least "
                                                                       f"{_h(max(lo, 0))} required"))
            what = f"in {what}"
            before = sum(_paid(s, config) for s in earlier.get(aid, ())) if dates[0] == start else 0
            if before and math.ceil(hi_h * 60 - 1e-6) - before < hi:  # the week's maximum less the days before
                hi = max(0, math.ceil(hi_h * 60 - 1e-6) - before)
                what = f"{_joined_words(start, r.first_weekday)}, {_h(before)} more on the previous roster"
            if got - over > hi + 1e-9:
                out.append(Violation("contract_hours", aid, dates[0], f"{_h(got)} paid {what}; at most "
                                                                       f"{_h(hi)} allowed"))
        week_ot = [(dates, _weeks_overtime(paid, on_shift, aid, a, [dates], r.max_hours_day)) for dates in weeks]
        for (y, m), (cap, counted, ot_before) in months.items():
            ot = ot_before.get(aid, 0.0) + sum(o * sum((d.year, d.month) == (y, m) for d in dates) / len(dates)
                                               for dates, o in week_ot)
            if ot > cap + 1e-6:
                tenths = _h(round(ot_before.get(aid, 0.0) / 6) * 6)  # to a tenth of an hour
                more = f" ({tenths} of them on the previous roster)" if ot_before.get(aid) else ""
                out.append(Violation("overtime", aid, max(start, dt.date(y, m, 1)),
                                     f"{_h(round(ot / 6) * 6)} overtime in {y}-{m:02d}{more}; the cap is "
                                     f"{_h(cap)} ({r.max_overtime_h_month:g} h a month, {counted})"))
    return out


def _month_caps(prev_shifts, agents, config: Config, start: dt.date,
                days: int) -> dict[tuple[int, int], tuple[int, str, dict[str, float]]]:
    """(year, month) -> (overtime cap in minutes, how it was counted, the previous roster's overtime minutes per
    agent in the month) for each calendar month the period touches. A month is counted from its first day, or
    from the period's (the previous roster's first shift's day when it starts later in the month); the cap is
    the whole month's when that covers the month, else pro rata to the days over 30. A week's overtime counts in
    its months by days; the previous roster's weeks are calendar weeks from its first shift's day."""
    r = config.rules
    last = start + dt.timedelta(days=days - 1)
    prev = [s for s in prev_shifts if s.date < start]
    prev_first = min((s.date for s in prev), default=start)
    ot_before: dict[str, float] = defaultdict(float)
    if prev:
        paid, on_shift = _day_minutes(prev, config, None)
        for dates in _weeks(prev_first, (start - prev_first).days, r.first_weekday):
            share = sum((d.year, d.month) == (start.year, start.month) for d in dates) / len(dates)
            for aid in {s.agent_id for s in prev}:
                if aid in agents and share:
                    ot_before[aid] += share * _weeks_overtime(paid, on_shift, aid, agents[aid], [dates],
                                                              r.max_hours_day)
    out = {}
    y, m = start.year, start.month
    while dt.date(y, m, 1) <= last:
        month_first, next_first = dt.date(y, m, 1), dt.date(y + m // 12, m % 12 + 1, 1)
        seen = max(month_first, prev_first if prev else start)
        n = (min(next_first, last + dt.timedelta(days=1)) - seen).days
        whole = n == (next_first - month_first).days
        cap = math.floor(r.max_overtime_h_month * 60 * (1 if whole else min(n, 30) / 30) + 1e-6)
        how = "the whole month" if whole else f"pro rata to {n} day(s) counted"
        out[y, m] = (cap, how, dict(ot_before) if (y, m) == (start.year, start.month) else {})
        y, m = next_first.year, next_first.month
    return out


def _day_minutes(shifts, config: Config, absent: dict | None) -> tuple[defaultdict, defaultdict]:
    """Paid minutes per (agent, date): with leave's excused minutes (`absent`) counted, and on shift alone."""
    on_shift: defaultdict = defaultdict(float)
    for s in shifts:
        on_shift[s.agent_id, s.date] += _paid(s, config)
    paid = defaultdict(float, on_shift)
    for key, (_, minutes) in (absent or {}).items():
        paid[key] += minutes
    return paid, on_shift


def _weeks_overtime(paid, on_shift, aid: str, agent: Agent, weeks: list[list[dt.date]], day_h: float) -> float:
    """The paid minutes (`paid[aid, date]`) above the contract in each week (`_contract_min`); in a week the
    period's edge cuts, at least the shifts' minutes (`on_shift[aid, date]`) past `day_h` hours a day worked."""
    ot = 0.0
    for dates in weeks:
        week_ot = sum(paid[aid, d] for d in dates) - _contract_min(agent.contract_hours_week, len(dates), day_h)
        if len(dates) % 7:
            worked = [on_shift[aid, d] for d in dates if on_shift[aid, d] > 0]
            week_ot = max(week_ot, sum(worked) - day_h * 60 * len(worked))
        ot += max(0.0, week_ot)
    return ot


def _contract_min(week_h: float, ndays: int, day_h: float) -> float:
    """The contract's minutes in a week of `ndays` days of the period, above which hours are overtime: pro rata, or,
    in a week the period's edge cuts, up to a day's hours (`day_h`) more, never above a full week's."""
    if ndays % 7 == 0:
        return math.floor(week_h * ndays / 7 * 60 + 1e-6)
    return math.floor(min(week_h * 60, week_h * ndays / 7 * 60 + day_h * 60) + 1e-6)


def overtime_minutes(shifts, agents: dict[str, Agent], config: Config, start: dt.date, days: int,
                     absent: dict | None = None, prev_shifts=()) -> dict[str, float]:
    """Each agent's overtime minutes in the period: the paid minutes (leave's excused minutes counted) above the
    contract week by week, or above each cycle part's contract under 综合计算工时 (`checks_cycle`)."""
    if config.rules.cycle_months:
        return cycle_overtime(shifts, agents, config, start, days, absent, prev_shifts)
    paid, on_shift = _day_minutes(shifts, config, absent)
    weeks = _weeks(start, days, config.rules.first_weekday)
    return {aid: _weeks_overtime(paid, on_shift, aid, a, weeks, config.rules.max_hours_day)
            for aid, a in agents.items()}


def _worked(shifts) -> dict[str, set[dt.date]]:
    out: dict[str, set[dt.date]] = defaultdict(set)
    for s in shifts:
        out[s.agent_id].add(s.date)
    return out


def check_part_time(shifts, agents, config: Config, start: dt.date, days: int, prev_shifts=()) -> list[Violation]:
    """Part-time (非全日制) contracts: at most 24 h a week (a week the period's start cuts with the previous
    roster's hours in it: `week_before`) and 4 h a day on average over the days worked, in each week weekly rules
    count (Labour Contract Law art. 68)."""
    week_cap, day_cap = 24 * 60, 4 * 60
    earlier = week_before(prev_shifts, start, config.rules.first_weekday)
    week_of = _week_of(start, days, config.rules.first_weekday)
    paid: dict[tuple[str, dt.date], float] = defaultdict(float)
    worked: dict[tuple[str, dt.date], set] = defaultdict(set)
    for s in shifts:
        a = agents.get(s.agent_id)
        if a is None or getattr(a, "contract_type", "full_time") != "part_time" or s.date not in week_of:
            continue
        paid[s.agent_id, week_of[s.date]] += _paid(s, config)
        worked[s.agent_id, week_of[s.date]].add(s.date)
    out = []
    for (aid, first), minutes in sorted(paid.items()):
        n = len(worked[aid, first])
        before = sum(_paid(s, config) for s in earlier.get(aid, ())) if first == start else 0
        if minutes + before > week_cap + 1e-6:
            more = f" ({_h(before)} of them on the previous roster)" if before else ""
            out.append(Violation("part_time", aid, first, f"{_h(minutes + before)} paid in the week from "
                                                          f"{first}{more}; a part-time contract allows at most 24 h"))
        if minutes > day_cap * n + 1e-6:
            out.append(Violation("part_time", aid, first, f"{_h(minutes)} paid over {n} day(s) in the week from "
                                                          f"{first}: {minutes / n / 60:.1f} h a day on average; a "
                                                          "part-time contract allows at most 4 h"))
    return out


def check_consecutive(shifts, agents, config: Config, start, days, prev_shifts=()) -> list[Violation]:
    n = config.rules.max_consecutive_days
    worked = _worked(list(shifts) + list(prev_shifts))
    out = []
    for aid in agents:
        w = worked.get(aid, set())
        run = 0
        d = start - dt.timedelta(days=40)
        while d < start + dt.timedelta(days=days):
            run = run + 1 if d in w else 0
            if run == n + 1 and d >= start:
                out.append(Violation("max_consecutive_days", aid, d, f"{run} working days in a row up to this "
                                                                     f"day; at most {n}"))
            d += dt.timedelta(days=1)
    return out


def check_days_off(shifts, agents, config: Config, start, days, absent: dict | None = None,
                   prev_shifts=()) -> list[Violation]:
    """Rest days per week; leave and training days are not rest days (a week all on leave needs none). A holiday
    the centre closes for is a day off, as the roster engine counts it (`MinDaysOffWeek`). In a week the period's
    start cuts, each day the previous roster worked in it needs one more day off now (`week_before`)."""
    need = config.rules.min_days_off_week
    worked = _worked(shifts)
    absent = {key: v for key, v in (absent or {}).items() if "centre closed" not in v[0]}
    earlier = week_before(prev_shifts, start, config.rules.first_weekday)
    out = []
    for aid in agents:
        for dates in _weeks(start, days, config.rules.first_weekday):
            away = sum(1 for d in dates if (aid, d) in absent)
            off = sum(1 for d in dates if d not in worked.get(aid, set()) and (aid, d) not in absent)
            before = len({s.date for s in earlier.get(aid, ())}) if dates[0] == start else 0
            want = min(max(0, need - (7 - len(dates)) + before), len(dates) - away)
            if off < want:
                what = f"in the week from {dates[0]}" if not before else \
                    f"{_joined_words(start, config.rules.first_weekday)}, {before} worked on the previous roster"
                out.append(Violation("min_days_off_week", aid, dates[0],
                                     f"{off} day(s) off {what}; at least {want} required"))
    return out


def check_rest(shifts, config: Config, prev_shifts=()) -> list[Violation]:
    r = config.rules
    by = defaultdict(list)
    for s in list(prev_shifts) + list(shifts):
        by[s.agent_id].append(s)
    out = []
    for aid, ss in by.items():
        ss.sort(key=lambda s: s.start)
        for a, b in zip(ss, ss[1:]):
            rest = (b.start - a.end).total_seconds() / 60
            a_night = _is_night(a)
            need = r.min_rest_h * 60
            if a_night and not _is_night(b):
                need = max(need, r.rest_after_night_h * 60)
            if rest < need - 1e-9:
                what = "after a night shift " if a_night and need > r.min_rest_h * 60 else ""
                out.append(Violation("min_rest", aid, b.date, f"only {_h(max(rest, 0))} rest {what}before this "
                                                              f"shift (from {a.end:%a %H:%M}); at least {_h(need)}"))
    return out


def _is_night(s: Shift) -> bool:
    if s.template is not None:
        return bool(s.template.night)
    return s.end.date() > s.start.date() and s.end.time() != dt.time()


def check_nights(shifts, config: Config, start: dt.date, days: int, prev_shifts=()) -> list[Violation]:
    """Night shifts per period, per week (a week the period's start cuts with the previous roster's nights in it:
    `week_before`) and per calendar month (the previous roster's in it counted)."""
    cap, week_cap = config.rules.max_nights_period, config.rules.max_nights_week
    n = defaultdict(int)
    per_week = defaultdict(int)
    week_of = _week_of(start, days, config.rules.first_weekday)
    for s in shifts:
        night = _is_night(s)
        n[s.agent_id] += night
        per_week[s.agent_id, week_of.get(s.date, s.date)] += night
    out = [Violation("max_nights", aid, None, f"{c} night shifts in the period; at most {cap}")
           for aid, c in n.items() if c > cap]
    earlier = week_before(prev_shifts, start, config.rules.first_weekday)
    for (aid, first), c in sorted(per_week.items()) if week_cap else ():
        before = sum(_is_night(s) for s in earlier.get(aid, ())) if first == start else 0
        if c > max(0, week_cap - before):
            what = f"in the week from {first}" if not before else \
                f"{_joined_words(start, config.rules.first_weekday)}, {before} more on the previous roster"
            out.append(Violation("max_nights", aid, first, f"{c} night shifts {what}; at most "
                                                           f"{max(0, week_cap - before)}"))
    return out + _check_nights_month(shifts, config, start, prev_shifts)


def _check_nights_month(shifts, config: Config, start: dt.date, prev_shifts) -> list[Violation]:
    cap = config.rules.max_nights_month
    if not cap:
        return []
    months = {(s.date.year, s.date.month) for s in shifts}
    per_month: dict[tuple[str, int, int], int] = defaultdict(int)
    carried: dict[tuple[str, int, int], int] = defaultdict(int)
    for s in shifts:
        per_month[s.agent_id, s.date.year, s.date.month] += _is_night(s)
    for s in prev_shifts:
        if s.date < start and (s.date.year, s.date.month) in months and _is_night(s):
            per_month[s.agent_id, s.date.year, s.date.month] += 1
            carried[s.agent_id, s.date.year, s.date.month] += 1
    return [Violation("max_nights", aid, dt.date(y, m, 1),
                      f"{c} night shifts in {y}-{m:02d}" + (f" ({carried[aid, y, m]} on the previous roster)"
                                                           if carried[aid, y, m] else "") + f"; at most {cap}")
            for (aid, y, m), c in sorted(per_month.items()) if c > cap]


def check_weekends(shifts, agents, config: Config, start, days, prev_shifts=()) -> list[Violation]:
    """Full weekends off per 4 weeks, over the period and the previous roster's days joined to it."""
    first, before = joined_before(prev_shifts, start, days)
    dates = [first + dt.timedelta(days=i) for i in range((start - first).days + days)]
    pairs = [(d, d + dt.timedelta(days=1)) for d in dates[:-1] if d.weekday() == 5]
    need = math.floor(config.rules.min_weekends_off_period * len(pairs) / 4 + 1e-9)
    if not need:
        return []
    worked = _worked(list(shifts) + before)
    out = []
    for aid in agents:
        w = worked.get(aid, set())
        free = sum(1 for sat, sun in pairs if sat not in w and sun not in w)
        if free < need:
            out.append(Violation("weekends_off", aid, None, f"{free} full weekend(s) off; at least {need} in "
                                                            f"{len(pairs)} weekends"))
    return out
