"""Checks within one shift: the table's references, shift templates, skills, breaks and lunch, shift length,
requests and availability, training sessions and the supervisor on duty."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict


from wfm.calendar import closed_days
from wfm.config import Config, extended_template
from wfm.readers.agents import Agent
from wfm.roster.violations import OFF_WORDS, Violation, _h, _hm, _paid, _weeks, activity_runs


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
                out += _code_mismatch(s, code.upper(), start_m, config)
    if codes is not None:
        have = {(s.agent_id, s.date) for s in shifts}
        for (aid, date), code in codes.items():
            if code and code.upper() not in OFF_WORDS and (aid, date) not in have:
                out.append(Violation("shift_code", aid, date, f"the Roster sheet has {code} but the Data sheet has "
                                                              "no rows for that shift"))
    return out


def _code_mismatch(s, code: str, start_m: int, config: Config) -> list[Violation]:
    """A shift code that does not read as its shift. Where the Data sheet holds just what the code says (HR's
    edit, rebuilt from it), the code itself breaks a rule: a start time its template does not have is named; a run
    past the overtime cap is left to the length rules. Otherwise the two sheets disagree."""
    m = re.fullmatch(r"([A-Z])(\d{2})(\d{2})(?:\+(\d+(?:\.\d+)?))?", code)
    tpl = next((t for t in config.shifts if m and t.code == m.group(1)), None)
    extra = round(float(m.group(4)) * 60) if m and m.group(4) else 0
    if m and tpl is not None and int(m.group(2)) * 60 + int(m.group(3)) == start_m and round(s.minutes) == (
            tpl.length_minutes + extra):
        if extra or start_m in tpl.start_minutes:
            return []
        starts = ", ".join(_hm(t) for t in sorted(tpl.start_minutes))
        return [Violation("shift_template", s.agent_id, s.date, f"shift code {code}: {_hm(start_m)} is not a start "
                                                                f"time of the {tpl.code} template ({starts})")]
    return [Violation("shift_code", s.agent_id, s.date, f"shift code {code} does not match the shift in the Data "
                                                        f"sheet ({_hm(start_m)}, {_h(s.minutes)})")]


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
        for _, _i, n in breaks:
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
    cap = r.max_shift_paid_h * 60
    which = "max_shift_h_averaged" if cap > (r.max_hours_day + r.max_overtime_h_day) * 60 + 1e-9 \
        else "max_hours_day + max_overtime_h_day"
    return [Violation("max_shift_length", s.agent_id, s.date,
                      f"{_h(_paid(s, config))} paid in one shift; at most {_h(cap)} ({which})")
            for s in shifts if _paid(s, config) > cap + 1e-9]


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
        opening, closing = c.hours_on(s.date)
        if not (opening == 0 and closing == 1440) and (start_m < opening or end_m > closing):
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

        blocks = {"weekly": _weeks(start, days, config.rules.first_weekday),
                  "once": [[start + dt.timedelta(days=i) for i in range(days)]]}
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
    def is_open(x: dt.datetime) -> bool:
        opening, closing = c.hours_on(x.date())
        return opening <= x.hour * 60 + x.minute < closing

    missing = sorted(x for x in coverable if is_open(x) and x not in on and x.date() not in shut)
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
