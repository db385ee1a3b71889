"""What the independent roster checker works on and reports: shifts re-derived from a roster's long table and
the violations found in them, in plain words."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from wfm.calendar import clock, week_blocks
from wfm.config import Config

if TYPE_CHECKING:
    from wfm.roster.score import ScoreBreakdown

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
    warnings: list[Violation] = field(default_factory=list)  # not hard rules: leave over an entitlement or cap
    score: ScoreBreakdown | None = None  # the objective's soft terms measured on the roster (`wfm.roster.score`)

    @property
    def ok(self) -> bool:
        return not self.violations

    def by_rule(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for v in self.violations:
            out[v.rule] += 1
        return dict(out)


def _hm(minutes: float) -> str:
    return clock(int(round(minutes)))


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


def _paid(s: Shift, config: Config) -> float:
    iv = config.centre.interval_minutes
    unpaid = 0 if config.breaks.lunch_paid else sum(1 for a in s.acts if a == "lunch")
    return (len(s.acts) - unpaid) * iv


def _weeks(start: dt.date, days: int, first_weekday: int | None = None) -> list[list[dt.date]]:
    """The weeks weekly rules count: 7 days from `start`, or calendar weeks from `first_weekday` (0 = Monday)."""
    return [[start + dt.timedelta(days=i) for i in block] for block in week_blocks(start, days, first_weekday)]


def _week_of(start: dt.date, days: int, first_weekday: int | None = None) -> dict[dt.date, dt.date]:
    """Each day of the period -> the first day of its week (as `_weeks` cuts them)."""
    return {d: dates[0] for dates in _weeks(start, days, first_weekday) for d in dates}
