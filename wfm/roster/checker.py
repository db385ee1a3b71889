"""The independent roster checker: verifies any roster (also one edited by hand) against every hard rule.

It shares no code with the model that builds rosters: shifts, hours, breaks and nights are re-derived here from
the long table (`agent_id, date, interval_start, activity, queue`), the optional shift codes, the config and
the agents. One function per rule, each returning `Violation`s in plain words; `coverage` compares the
scheduled on-phone agents with the requirements.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from wfm.calendar import closed_days
from wfm.config import Config, extended_template
from wfm.readers.agents import Agent

ACTIVITIES = ("work", "break", "lunch", "training", "meeting", "coaching")
OFF_WORDS = ("OFF", "LEAVE", "TRN", "")


@dataclass(frozen=True)
class Violation:
    rule: str
    agent_id: str
    date: dt.date | None
    message: str

    def __str__(self) -> str:
        where = self.agent_id + (f" on {self.date}" if self.date else "")
        return f"[{self.rule}] {where}: {self.message}"


@dataclass
class Shift:
    agent_id: str
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    acts: list[str]
    queues: list[str | None]
    template: object | None = None  # the config's ShiftTemplate it matches
    overtime: float = 0.0  # minutes it runs beyond that template (an overtime extension)

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60


@dataclass
class CheckReport:
    start: dt.date
    days: int
    violations: list[Violation] = field(default_factory=list)
    coverage: pd.DataFrame | None = None  # interval_start, queue, required, scheduled, under, over
    totals: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations

    def by_rule(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for v in self.violations:
            out[v.rule] += 1
        return dict(out)


def _hm(minutes: float) -> str:
    m = int(round(minutes))
    return f"{m // 60:02d}:{m % 60:02d}"


def _h(minutes: float) -> str:
    return f"{minutes / 60:g} h"


# --------------------------------------------------------------------------------------------- reading


def shifts_from_table(data: pd.DataFrame, interval: int, problems: list[Violation]) -> list[Shift]:
    """Group the long table into shifts (agent, roster date); structural problems go to `problems`."""
    need = ["agent_id", "date", "interval_start", "activity", "queue"]
    missing = [c for c in need if c not in data.columns]
    if missing:
        problems.append(Violation("table", "-", None, f"the Data sheet lacks column(s) {', '.join(missing)}"))
        return []
    df = pd.DataFrame({
        "agent_id": data["agent_id"].map(_text),
        "date": pd.to_datetime(data["date"].map(_text), errors="coerce"),
        "ts": pd.to_datetime(data["interval_start"].map(_text), errors="coerce", format="mixed"),
        "activity": data["activity"].map(_text).str.lower(),
        "queue": data["queue"].map(_text),
    })
    bad = df["date"].isna() | df["ts"].isna() | (df["agent_id"] == "")
    for i in df.index[bad][:20]:
        problems.append(Violation("table", df.at[i, "agent_id"] or "-", None,
                                  f"row {i + 2} of the Data sheet has no valid agent_id, date or interval_start"))
    df = df[~bad]
    for i in df.index[~df["activity"].isin(ACTIVITIES)][:20]:
        problems.append(Violation("table", df.at[i, "agent_id"], df.at[i, "date"].date(),
                                  f"row {i + 2}: activity '{df.at[i, 'activity']}' is not one of "
                                  f"{', '.join(ACTIVITIES)}"))
    step = pd.Timedelta(minutes=interval)
    off_grid = (df["ts"] - df["ts"].dt.normalize()) % step != pd.Timedelta(0)
    for i in df.index[off_grid][:20]:
        problems.append(Violation("table", df.at[i, "agent_id"], df.at[i, "date"].date(),
                                  f"row {i + 2}: {df.at[i, 'ts']} is not on the {interval}-minute grid"))
    dup = df.duplicated(["agent_id", "ts"], keep=False)
    for (aid, ts), _ in list(df[dup].groupby(["agent_id", "ts"]))[:20]:
        problems.append(Violation("overlap", aid, ts.date(), f"two rows for the same interval {ts:%Y-%m-%d %H:%M} "
                                                             "(overlapping shifts)"))
    shifts = []
    for (aid, date), g in df.sort_values("ts").groupby(["agent_id", "date"], sort=True):
        ts = list(g["ts"])
        s = Shift(aid, date.date(), ts[0].to_pydatetime(), ts[-1].to_pydatetime() + step.to_pytimedelta(),
                  list(g["activity"]), [q or None for q in g["queue"]])
        gaps = [b for a, b in zip(ts, ts[1:]) if b - a != step]
        if gaps:
            problems.append(Violation("shift_template", aid, s.date,
                                      f"the shift has a gap before {gaps[0]:%H:%M}: a shift is one unbroken block"))
        shifts.append(s)
    return shifts


def _text(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (dt.datetime, pd.Timestamp)):
        return v.isoformat()
    return str(v).strip()


# --------------------------------------------------------------------------------------------- rules


def check_table_refs(shifts, agents: dict[str, Agent], config: Config) -> list[Violation]:
    out = []
    for s in shifts:
        if s.agent_id not in agents:
            out.append(Violation("unknown_agent", s.agent_id, s.date, "this agent_id is not in the agents table"))
        for act, q in zip(s.acts, s.queues):
            if act == "work" and not q:
                out.append(Violation("queue", s.agent_id, s.date, "a work interval has no queue"))
                break
            if act != "work" and q:
                out.append(Violation("queue", s.agent_id, s.date, f"a {act} interval names a queue ({q})"))
                break
            if q and q not in config.queues:
                out.append(Violation("queue", s.agent_id, s.date, f"queue '{q}' is not in the config"))
                break
        if not (dt.datetime.combine(s.date, dt.time()) <= s.start < dt.datetime.combine(s.date, dt.time())
                + dt.timedelta(days=1)):
            out.append(Violation("table", s.agent_id, s.date, f"the shift starts {s.start:%Y-%m-%d %H:%M}, "
                                                               "not on its roster date"))
    return out


def check_shift_templates(shifts, config: Config, codes: dict | None) -> list[Violation]:
    out = []
    for s in shifts:
        start_m = s.start.hour * 60 + s.start.minute
        match = [t for t in config.shifts if start_m in t.start_minutes and t.length_minutes == s.minutes]
        extension = None if match else extended_template(config.shifts, start_m, round(s.minutes),
                                                         config.rules.max_overtime_h_day * 60)
        if extension:  # a template run longer by overtime: its caps are checked by the hours rules
            match = [extension[0]]
            s.overtime = extension[1]
        if match:
            s.template = match[0]
        else:
            out.append(Violation("shift_template", s.agent_id, s.date,
                                 f"{_hm(start_m)} for {_h(s.minutes)} matches no shift template of the config"))
        if codes is not None:
            code = codes.get((s.agent_id, s.date))
            want = f"{_hm(start_m).replace(':', '')}" + (f"+{s.overtime / 60:g}" if s.overtime else "")
            if code is None or code.upper() in OFF_WORDS:
                out.append(Violation("shift_code", s.agent_id, s.date,
                                     f"the Roster sheet says {code or 'nothing'} but the Data sheet has a shift "
                                     f"from {_hm(start_m)}"))
            elif not re.fullmatch(r"[A-Z]\d{4}(\+[\d.]+)?", code.upper()) or code[1:] != want or (
                    match and code[0].upper() not in {t.code for t in match}):
                out.append(Violation("shift_code", s.agent_id, s.date,
                                     f"shift code {code} does not match the shift in the Data sheet "
                                     f"({_hm(start_m)}, {_h(s.minutes)})"))
    if codes is not None:
        have = {(s.agent_id, s.date) for s in shifts}
        for (aid, date), code in codes.items():
            if code and code.upper() not in OFF_WORDS and (aid, date) not in have:
                out.append(Violation("shift_code", aid, date, f"the Roster sheet has {code} but the Data sheet has "
                                                              "no rows for that shift"))
    return out


def _paid(s: Shift, config: Config) -> float:
    iv = config.centre.interval_minutes
    unpaid = 0 if config.breaks.lunch_paid else sum(1 for a in s.acts if a == "lunch")
    return (len(s.acts) - unpaid) * iv


def check_skills(shifts, agents) -> list[Violation]:
    out = []
    for s in shifts:
        a = agents.get(s.agent_id)
        if a is None:
            continue
        wrong = sorted({q for q in s.queues if q and q not in a.skills})
        if wrong:
            extra = " (a new hire: only trained queues)" if a.training_until else ""
            out.append(Violation("skills", s.agent_id, s.date, f"works queue(s) {', '.join(wrong)} without the "
                                                                f"skill{extra}"))
    return out


def activity_runs(acts: list[str], kinds: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """(kind, first index, length) of each run of one of `kinds` in a shift's activities."""
    out = []
    i = 0
    while i < len(acts):
        if acts[i] in kinds:
            j = i
            while j < len(acts) and acts[j] == acts[i]:
                j += 1
            out.append((acts[i], i, j - i))
            i = j
        else:
            i += 1
    return out


def check_breaks(shifts, config: Config) -> list[Violation]:
    b = config.breaks
    iv = config.centre.interval_minutes
    out = []
    for s in shifts:
        long_shift = s.minutes > b.lunch_if_shift_over_h * 60
        want_lunch = 1 if long_shift and b.lunch_minutes else 0
        want_breaks = 0 if not b.break_minutes else (b.breaks_per_shift if long_shift else min(1, b.breaks_per_shift))
        lunch_len = math.ceil(b.lunch_minutes / iv)
        break_len = math.ceil(b.break_minutes / iv) if b.break_minutes else 0
        items = activity_runs(s.acts, ("break", "lunch"))
        lunches = [x for x in items if x[0] == "lunch"]
        breaks = [x for x in items if x[0] == "break"]
        if len(lunches) != want_lunch:
            out.append(Violation("breaks", s.agent_id, s.date, f"{len(lunches)} lunch(es) in a {_h(s.minutes)} "
                                                                f"shift; the config asks for {want_lunch}"))
        for _, i, n in lunches:
            if n != lunch_len:
                out.append(Violation("breaks", s.agent_id, s.date, f"lunch lasts {n * iv} min, not "
                                                                    f"{lunch_len * iv}"))
            after_h = i * iv / 60
            if not (b.lunch_window_h[0] - 1e-9 <= after_h <= b.lunch_window_h[1] + 1e-9):
                out.append(Violation("breaks", s.agent_id, s.date,
                                     f"lunch starts {after_h:g} h into the shift, outside the window "
                                     f"{b.lunch_window_h[0]:g}-{b.lunch_window_h[1]:g} h"))
        if len(breaks) != want_breaks:
            out.append(Violation("breaks", s.agent_id, s.date, f"{len(breaks)} short break(s); the config asks "
                                                                f"for {want_breaks}"))
        for _, i, n in breaks:
            if n != break_len:
                out.append(Violation("breaks", s.agent_id, s.date, f"a break lasts {n * iv} min, not "
                                                                    f"{break_len * iv}"))
        if items:
            need = b.min_work_between_breaks_h * 60
            edges = [0] + [x for _, i, n in items for x in (i, i + n)] + [len(s.acts)]
            spans = [(edges[k + 1] - edges[k]) * iv for k in range(0, len(edges), 2)]
            if min(spans) < need - 1e-9:
                out.append(Violation("breaks", s.agent_id, s.date,
                                     f"only {min(spans):g} min between breaks (or a break and the shift's start or "
                                     f"end); the config asks for at least {need:g} min"))
    return out


def check_shift_length(shifts, config: Config) -> list[Violation]:
    r = config.rules
    cap = (r.max_hours_day + r.max_overtime_h_day) * 60
    return [Violation("max_shift_length", s.agent_id, s.date,
                      f"{_h(_paid(s, config))} paid in one shift; at most {_h(cap)} (max_hours_day + "
                      f"max_overtime_h_day)")
            for s in shifts if _paid(s, config) > cap + 1e-9]


def _weeks(start: dt.date, days: int) -> list[list[dt.date]]:
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    return [dates[i:i + 7] for i in range(0, days, 7)]


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
        for dates in _weeks(start, days):
            left = a.contract_hours_week * 60 * len(dates) / 7
            for d in dates:
                if (aid, d) in out:
                    what, minutes = out[aid, d]
                    out[aid, d] = (what, min(minutes, left))
                    left -= out[aid, d][1]
    return out


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
                absent: dict | None = None) -> list[Violation]:
    r = config.rules
    paid = defaultdict(float)
    extended = defaultdict(float)  # overtime extensions: held against the overtime caps, not the contract's maximum
    for s in shifts:
        paid[s.agent_id, s.date] += _paid(s, config)
        extended[s.agent_id, s.date] += s.overtime
    for key, (_, minutes) in (absent or {}).items():
        paid[key] += minutes
    out = []
    blocks = [[start + dt.timedelta(days=i) for i in range(days)]] if r.hours_averaging == "period" \
        else _weeks(start, days)
    cap_ot = r.max_overtime_h_month * 60 * days / 30
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
            if got - over > hi + 1e-9:
                out.append(Violation("contract_hours", aid, dates[0], f"{_h(got)} paid in {what}; at most "
                                                                       f"{_h(hi)} allowed"))
        ot = 0.0
        for dates in _weeks(start, days):
            contract = math.floor(a.contract_hours_week * len(dates) / 7 * 60 + 1e-6)
            ot += max(0.0, sum(paid[aid, d] for d in dates) - contract)
        if ot > math.floor(cap_ot + 1e-6) + 1e-9:
            out.append(Violation("overtime", aid, None, f"{_h(ot)} overtime in the period; the cap is "
                                                        f"{_h(math.floor(cap_ot + 1e-6))} "
                                                        f"({r.max_overtime_h_month:g} h a month, pro rata)"))
    return out


def _worked(shifts) -> dict[str, set[dt.date]]:
    out: dict[str, set[dt.date]] = defaultdict(set)
    for s in shifts:
        out[s.agent_id].add(s.date)
    return out


def check_part_time(shifts, agents, config: Config, start: dt.date, days: int) -> list[Violation]:
    """Part-time (非全日制) contracts: at most 24 h a week and 4 h a day on average over the days worked, in
    each 7-day block from the first day (Labour Contract Law art. 68)."""
    week_cap, day_cap = 24 * 60, 4 * 60
    paid: dict[tuple[str, int], float] = defaultdict(float)
    worked: dict[tuple[str, int], set] = defaultdict(set)
    for s in shifts:
        a = agents.get(s.agent_id)
        if a is None or getattr(a, "contract_type", "full_time") != "part_time":
            continue
        w = (s.date - start).days // 7
        paid[s.agent_id, w] += _paid(s, config)
        worked[s.agent_id, w].add(s.date)
    out = []
    for (aid, w), minutes in sorted(paid.items()):
        first = start + dt.timedelta(days=7 * w)
        n = len(worked[aid, w])
        if minutes > week_cap + 1e-6:
            out.append(Violation("part_time", aid, first, f"{_h(minutes)} paid in the week from {first}; a "
                                                          "part-time contract allows at most 24 h"))
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


def check_days_off(shifts, agents, config: Config, start, days, absent: dict | None = None) -> list[Violation]:
    """Rest days per week; leave and training days are not rest days (a week all on leave needs none)."""
    need = config.rules.min_days_off_week
    worked = _worked(shifts)
    absent = absent or {}
    out = []
    for aid in agents:
        for dates in _weeks(start, days):
            away = sum(1 for d in dates if (aid, d) in absent)
            off = sum(1 for d in dates if d not in worked.get(aid, set()) and (aid, d) not in absent)
            want = min(max(0, need - (7 - len(dates))), len(dates) - away)
            if off < want:
                out.append(Violation("min_days_off_week", aid, dates[0],
                                     f"{off} day(s) off in the week from {dates[0]}; at least {want} required"))
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


def check_nights(shifts, config: Config, start: dt.date, days: int) -> list[Violation]:
    cap, week_cap = config.rules.max_nights_period, config.rules.max_nights_week
    n = defaultdict(int)
    per_week = defaultdict(int)
    for s in shifts:
        night = _is_night(s)
        n[s.agent_id] += night
        per_week[s.agent_id, (s.date - start).days // 7] += night
    out = [Violation("max_nights", aid, None, f"{c} night shifts in the period; at most {cap}")
           for aid, c in n.items() if c > cap]
    if week_cap:
        out += [Violation("max_nights", aid, start + dt.timedelta(days=7 * w),
                          f"{c} night shifts in the week from {start + dt.timedelta(days=7 * w)}; at most {week_cap}")
                for (aid, w), c in sorted(per_week.items()) if c > week_cap]
    return out


def check_weekends(shifts, agents, config: Config, start, days) -> list[Violation]:
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    pairs = [(d, d + dt.timedelta(days=1)) for d in dates[:-1] if d.weekday() == 5]
    need = math.floor(config.rules.min_weekends_off_period * len(pairs) / 4 + 1e-9)
    if not need:
        return []
    worked = _worked(shifts)
    out = []
    for aid in agents:
        w = worked.get(aid, set())
        free = sum(1 for sat, sun in pairs if sat not in w and sun not in w)
        if free < need:
            out.append(Violation("weekends_off", aid, None, f"{free} full weekend(s) off; at least {need} in "
                                                            f"{len(pairs)} weekends"))
    return out


def check_requests_and_availability(shifts, agents, config: Config) -> list[Violation]:
    out = []
    c = config.centre
    for s in shifts:
        a = agents.get(s.agent_id)
        if a is None:
            continue
        if s.date in a.days_off_requested:
            out.append(Violation("days_off_requests", s.agent_id, s.date, "works on a day off the agent requested"))
        start_m = s.start.hour * 60 + s.start.minute
        end_m = start_m + s.minutes
        if a.available_from is not None and start_m < a.available_from:
            out.append(Violation("availability", s.agent_id, s.date, f"starts {_hm(start_m)}, before the agent's "
                                                                      f"availability from {_hm(a.available_from)}"))
        if a.available_to is not None and end_m > a.available_to:
            out.append(Violation("availability", s.agent_id, s.date, f"ends {_hm(end_m % 1440)}, after the agent's "
                                                                      f"availability to {_hm(a.available_to)}"))
        if not (c.open_minute == 0 and c.close_minute == 1440) and (start_m < c.open_minute or
                                                                     end_m > c.close_minute):
            out.append(Violation("opening_hours", s.agent_id, s.date, "the shift runs outside the centre's opening "
                                                                       "hours"))
    return out


def check_training(shifts, agents, config: Config, start, days) -> list[Violation]:
    iv = config.centre.interval_minutes
    out = []
    by = defaultdict(list)
    for s in shifts:
        by[s.agent_id].append(s)
    for aid, a in agents.items():
        ss = by.get(aid, [])

        def eligible(tr, d):
            if tr.who == "all":
                return True
            if tr.who == "new_hires":
                return a.training_until is not None and d <= a.training_until
            return a.team == tr.who

        blocks = {"weekly": _weeks(start, days), "once": [[start + dt.timedelta(days=i) for i in range(days)]]}
        for freq, groups in blocks.items():
            for dates in groups:
                dset = set(dates)
                need = defaultdict(int)
                for tr in config.training:
                    m = math.ceil(tr.minutes / iv) * iv
                    work_days = [s.date for s in ss if s.date in dset and eligible(tr, s.date)]
                    if tr.frequency == "daily" and freq == "weekly":
                        need[tr.activity] += m * len(work_days)
                    elif tr.frequency == freq and work_days:
                        need[tr.activity] += m
                for kind, want in need.items():
                    if freq == "once" and not any(t.frequency == "once" and t.activity == kind
                                                  for t in config.training):
                        continue
                    got = sum(iv for s in ss if s.date in dset for x in s.acts if x == kind)
                    if got < want:
                        out.append(Violation("training", aid, dates[0],
                                             f"{got} min of {kind} scheduled from {dates[0]} to {dates[-1]}; "
                                             f"{want} min required"))
    return out


def check_supervisor(shifts, agents, config: Config, start, days) -> list[Violation]:
    if not config.rules.supervisor_on_duty or not any(a.is_supervisor for a in agents.values()):
        return []
    iv = config.centre.interval_minutes
    c = config.centre
    begin = dt.datetime.combine(start, dt.time())
    end = begin + dt.timedelta(days=days)
    step = dt.timedelta(minutes=iv)
    coverable = set()
    for i in range(days):
        day0 = begin + dt.timedelta(days=i)
        for t in config.shifts:
            for sm in t.start_minutes:
                x = day0 + dt.timedelta(minutes=sm)
                while x < min(end, day0 + dt.timedelta(minutes=sm + t.length_minutes)):
                    coverable.add(x)
                    x += step
    on = set()
    for s in shifts:
        a = agents.get(s.agent_id)
        if a is not None and a.is_supervisor:
            x = s.start
            while x < s.end:
                on.add(x)
                x += step
    out = []
    shut, _ = closed_days(c, config.calendar, start, days)
    missing = sorted(x for x in coverable if c.open_minute <= x.hour * 60 + x.minute < c.close_minute
                     and x not in on and x.date() not in shut)
    # report each uncovered stretch once
    run_start = prev = None
    for x in missing + [None]:
        if run_start is not None and (x is None or x - prev != step):
            out.append(Violation("supervisor_on_duty", "-", run_start.date(),
                                 f"no supervisor on duty {run_start:%Y-%m-%d %H:%M} to {prev + step:%H:%M}"))
            run_start = None
        if x is not None and run_start is None:
            run_start = x
        prev = x
    return out


# --------------------------------------------------------------------------------------------- coverage


def routed_skills(agents: list[Agent], config: Config) -> dict[str, list[str]] | None:
    """`coverage`'s `skills` for the config: each agent's queues when calls are routed by skill, else None."""
    if config.centre.queue_assignment != "routing":
        return None
    return {a.agent_id: [q for q in a.skills if q in config.queues] for a in agents}


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
    violations += check_hours(shifts, by_id, config, start, days, absent)
    violations += check_consecutive(shifts, by_id, config, start, days, prev_shifts)
    violations += check_days_off(shifts, by_id, config, start, days, absent)
    violations += check_rest(shifts, config, prev_shifts)
    violations += check_nights(shifts, config, start, days)
    violations += check_part_time(shifts, by_id, config, start, days)
    violations += check_weekends(shifts, by_id, config, start, days)
    violations += check_requests_and_availability(shifts, by_id, config)
    violations += check_training(shifts, by_id, config, start, days)
    violations += check_supervisor(shifts, by_id, config, start, days)
    report = CheckReport(start, days, violations)
    report.coverage, report.totals = coverage(data, requirements, start, days, skills=routed_skills(agents, config),
                                              previous=previous)
    report.totals["shifts"] = len(shifts)
    return report
