"""Shift codes (`E0700`, `OFF`, `TRN`) from the long roster table, and a day's plan rebuilt from a code.

A hand-edited Roster sheet only says which shift an agent works; `plan_from_code` turns that back into
intervals with breaks and lunch placed by the config's rules, so the edited roster can be checked.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd

from wfm.calendar import clock
from wfm.config import Config, ShiftTemplate, extended_template
from wfm.readers.agents import Agent
from wfm.readers.roster import COLUMNS

OFF, LEAVE, TRAINING_DAY = "OFF", "LEAVE", "TRN"
CODE_RE = re.compile(r"^([A-Z])(\d{2})(\d{2})(?:\+(\d+(?:\.\d+)?))?$")  # E0700, or E0600+1 (1 h overtime)
ROSTER_COLUMNS = COLUMNS  # the long table of the contract, defined with its reader


def normalise_roster(roster: pd.DataFrame) -> pd.DataFrame:
    """The long table with `date` as `datetime.date` and `interval_start` as datetime64, whatever it was read as."""
    out = roster.copy()
    out["date"] = pd.to_datetime(out["date"]).dt.date
    out["interval_start"] = pd.to_datetime(out["interval_start"])
    return out


def _start_minute(ts: pd.Timestamp, day: dt.date) -> int:
    return int((ts - pd.Timestamp(day)).total_seconds() // 60)


def template_for(config: Config, start_min: int, length_min: int) -> ShiftTemplate | None:
    """The template that has this start time and length (None when the shift matches no template)."""
    for t in config.shifts:
        if start_min % 1440 in t.start_minutes and t.length_minutes == length_min:
            return t
    for t in config.shifts:  # a start time moved by hand: match on length alone
        if t.length_minutes == length_min:
            return t
    return None


def shift_codes(roster: pd.DataFrame, config: Config) -> pd.DataFrame:
    """One row per agent and roster day worked: `agent_id, date, code, start, end, paid_h, night`."""
    if roster.empty:
        return pd.DataFrame(columns=["agent_id", "date", "code", "start", "end", "paid_h", "night"])
    roster = normalise_roster(roster)
    step = pd.Timedelta(minutes=config.centre.interval_minutes)
    g = roster.groupby(["agent_id", "date"], sort=True)
    spans = g["interval_start"].agg(["min", "max"]).reset_index()
    only_training = g["activity"].agg(lambda a: set(a) <= {"training", "meeting", "coaching"}).to_numpy()
    unpaid = config.centre.interval_minutes * g["activity"].agg(
        lambda a: int((a == "lunch").sum()) if not config.breaks.lunch_paid else 0).to_numpy()
    rows = []
    for (agent_id, day, first, last), training, lunch_min in zip(spans.itertuples(index=False), only_training, unpaid):
        end = last + step
        day = pd.Timestamp(day).date()
        start_min = _start_minute(first, day)
        length = int((end - first).total_seconds() // 60)
        t = template_for(config, start_min, length)
        extra = None if t else extended_template(config.shifts, start_min, length,
                                                 config.rules.max_overtime_h_day * 60)
        if training:
            code = TRAINING_DAY
        else:
            letter = t.code if t else extra[0].code if extra else "X"
            code = letter + clock(start_min, "", wrap=True) + (
                f"+{extra[1] / 60:g}" if extra else "")
        rows.append((agent_id, day, code, first, end, (length - lunch_min) / 60, bool(t and t.night)))
    return pd.DataFrame(rows, columns=["agent_id", "date", "code", "start", "end", "paid_h", "night"])


def parse_code(code: str, config: Config, *, cap_overtime: bool = True) -> tuple[ShiftTemplate, int] | None:
    """`E0730` -> (template E, 450). None for OFF/LEAVE/TRN. Raises ValueError for an unknown code. A code with
    overtime (`E0600+1`: an E shift started at 06:00 and run 1 h longer) must extend one of the template's start
    times in whole intervals, within the daily overtime cap unless `cap_overtime` is false (HR's edits: a longer
    shift is then the checker's rule breach, not an unreadable code; see `overtime_minutes`)."""
    code = code.strip().upper()
    if code in ("", OFF, LEAVE, TRAINING_DAY):
        return None
    m = CODE_RE.match(code)
    if not m:
        raise ValueError(f"{code!r} is not a shift code (a template letter and start time such as E0700, or OFF)")
    letter, hh, mm = m.group(1), int(m.group(2)), int(m.group(3))
    template = next((t for t in config.shifts if t.code == letter), None)
    if template is None:
        raise ValueError(f"{code!r}: no shift template has the letter {letter} "
                         f"(templates: {', '.join(t.code for t in config.shifts)})")
    if hh > 23 or mm > 59 or mm % config.centre.interval_minutes:
        raise ValueError(f"{code!r}: the start time is not on the {config.centre.interval_minutes}-minute grid")
    if m.group(4) is not None:
        extra = float(m.group(4)) * 60
        cap = config.rules.max_overtime_h_day * 60
        if extra <= 0 or extra % config.centre.interval_minutes or (cap_overtime and extra > cap + 1e-9) or not any(
                hh * 60 + mm <= s0 <= hh * 60 + mm + extra for s0 in template.start_minutes):
            raise ValueError(f"{code!r}: overtime must be whole intervals, at most {cap / 60:g} h, and the shift must "
                             f"cover one of the {letter} template's start times")
    return template, hh * 60 + mm


def overtime_minutes(code: str) -> int:
    """The overtime of a shift code: `E0600+1.5` -> 90, `E0700` -> 0."""
    m = CODE_RE.match(code.strip().upper())
    return round(float(m.group(4)) * 60) if m and m.group(4) else 0


def plan_lunch_minutes(template: ShiftTemplate, config: Config, extra_minutes: int = 0) -> int:
    """Minutes of lunch a shift of `template` (lengthened by `extra_minutes` of overtime) gets, in whole
    intervals; 0 when it is too short for one."""
    b, iv = config.breaks, config.centre.interval_minutes
    length = template.length_minutes + extra_minutes
    return math.ceil(b.lunch_minutes / iv) * iv if length > b.lunch_if_shift_over_h * 60 else 0


def plan_from_code(agent: Agent, day: dt.date, code: str, config: Config, *,
                   cap_overtime: bool = True) -> pd.DataFrame:
    """The long-table rows of one agent's day for a shift code, with lunch and breaks placed by the rules
    (`cap_overtime` as for `parse_code`).

    Lunch starts at the middle of its window; breaks sit halfway through the work before and after lunch.
    Every working interval serves the agent's strongest skill.
    """
    parsed = parse_code(code, config, cap_overtime=cap_overtime)
    if parsed is None:
        return pd.DataFrame(columns=ROSTER_COLUMNS)
    template, start_min = parsed
    iv = config.centre.interval_minutes
    n = (template.length_minutes + overtime_minutes(code)) // iv
    activities = ["work"] * n
    b = config.breaks
    lunch_len = plan_lunch_minutes(template, config, n * iv - template.length_minutes) // iv
    n_breaks = b.breaks_per_shift if lunch_len else min(1, b.breaks_per_shift)
    break_len = math.ceil(b.break_minutes / iv) if b.break_minutes else 0
    blocks = [(0, n)]
    if lunch_len:
        lo, hi = b.lunch_window_h[0] * 60 / iv, b.lunch_window_h[1] * 60 / iv
        at = min(max(round((lo + hi) / 2), 0), n - lunch_len)
        activities[at:at + lunch_len] = ["lunch"] * lunch_len
        blocks = [(0, at), (at + lunch_len, n)]
    if break_len:
        per_block = [n_breaks // len(blocks) + (i < n_breaks % len(blocks)) for i in range(len(blocks))]
        for (a, z), m in zip(blocks, per_block):
            work = z - a - m * break_len
            for k in range(1, m + 1):  # spread evenly: m breaks cut the block's work into m + 1 parts
                at = a + round(k * work / (m + 1)) + (k - 1) * break_len
                activities[at:at + break_len] = ["break"] * break_len
    queue = max(agent.skills, key=lambda q: agent.skills[q])
    first = pd.Timestamp(day) + pd.Timedelta(minutes=start_min)
    stamps = pd.date_range(first, periods=n, freq=f"{iv}min")
    return pd.DataFrame({
        "agent_id": agent.agent_id, "date": day, "interval_start": stamps, "activity": activities,
        "queue": [queue if a == "work" else None for a in activities],
    })
