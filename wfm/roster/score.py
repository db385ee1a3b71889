"""The objective's soft terms measured on a finished roster, term by term: the score breakdown.

The checker's side of the rule set: each soft term of `wfm.roster.objective` (by name, with its weight in points)
is measured here on its own from the shifts the checker re-derived from the long table, never from the solver's
variables, so a hand-edited roster gets a breakdown too. The measures follow the model's terms with one
difference: the model weighs the expected on-phone capacity per time block (30 or 60 minutes), the breakdown
the agents actually on the phones per interval, so its under-staffing points are those of the roster as placed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from wfm.config import Config
from wfm.readers.agents import Agent
from wfm.roster.checks_time import overtime_minutes
from wfm.roster.coverage import SCALE
from wfm.roster.objective import FAIRNESS, OVERTIME, PAID_TIME, PREFERENCE, SOFT_TERMS, UNDER_STAFFING, SoftTerm
from wfm.roster.violations import Shift, _paid


@dataclass(frozen=True)
class ScoreLine:
    """One soft term on a finished roster: how much of it (`amount` `unit`s, with any `detail`) and its points."""

    name: str
    words: str
    amount: float
    unit: str
    points: float
    detail: str = ""  # in English, for the terminal
    of: float | None = None  # the amount out of which (required agent-intervals, shifts with a preference)
    parts: tuple[tuple[str, int], ...] = ()  # fairness: (kind of shift, spread) with a spread

    def __str__(self) -> str:
        amount = f"{self.amount:,.2f}".rstrip("0").rstrip(".")
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.name.replace('_', ' ')}: {amount} {self.unit}{detail} = {self.points:,.0f} points"


@dataclass
class ScoreBreakdown:
    """Every measured soft term of a roster, in the objective's order; `total` is their sum in points."""

    lines: list[ScoreLine] = field(default_factory=list)

    @property
    def total(self) -> float:
        return float(sum(line.points for line in self.lines))

    def points(self, name: str) -> float:
        """The points of the term `name` (0 when it was not measured)."""
        return next((line.points for line in self.lines if line.name == name), 0.0)

    def summary(self) -> str:
        """One line: "under staffing: ... = ... points; paid time: ...; ..."."""
        return "; ".join(str(line) for line in self.lines)

    def line(self, name: str) -> ScoreLine | None:
        return next((line for line in self.lines if line.name == name), None)


def score_breakdown(shifts: list[Shift], agents: dict[str, Agent], config: Config, start: dt.date, days: int, *,
                    absent: dict | None = None, coverage: pd.DataFrame | None = None,
                    previous: Sequence[Shift] = ()) -> ScoreBreakdown:
    """The soft terms of a checked roster: `shifts` with their templates matched (`checker.check`), `absent` the
    checker's days away, `coverage` its required/scheduled table (under-staffing is measured only with one),
    `previous` the previous roster's shifts in the frame the period rules join (fairness counts them)."""
    out = ScoreBreakdown()
    for term in SOFT_TERMS:
        measured = MEASURES[term.name](shifts, agents, config, start, days, absent, coverage, previous)
        if measured is None:
            continue
        # the quantity in the term's unit, then the amount shown in `unit`s and what the sheet needs to word it
        quantity, amount, unit, detail, of, parts = measured
        points = _under_points(term, coverage, config) if term is UNDER_STAFFING else term.weight * quantity
        out.lines.append(ScoreLine(term.name, term.words, amount, unit, float(points), detail, of, parts))
    return out


def _under_staffing(shifts, agents, config, start, days, absent, coverage, previous):
    if coverage is None or coverage.empty or int(coverage["required"].sum()) == 0:
        return None
    short, required = int(coverage["under"].sum()), int(coverage["required"].sum())
    return short * SCALE, short, "agent-intervals short", f"of {required:,} required", required, ()


def _under_points(term: SoftTerm, coverage: pd.DataFrame, config: Config) -> float:
    """The under-staffing term's points: per queue and interval, the shortfall in quarter agent-intervals at the
    term's slopes rising at its breakpoints (shares of the requirement, floored), times the queue's priority."""
    assert isinstance(term, type(UNDER_STAFFING))
    (b1, b2), (s1, s2, s3) = term.breakpoints, term.slopes
    total = 0.0
    for queue, required, under in coverage[["queue", "required", "under"]].itertuples(index=False):
        if required <= 0 or under <= 0:
            continue
        q = config.queues.get(str(queue))
        prio = q.priority if q is not None else 1
        R, u = int(required) * SCALE, int(under) * SCALE
        c1, c2 = math.floor(b1 * R), math.floor(b2 * R)
        total += prio * max(s1 * u, s2 * u - (s2 - s1) * c1, s3 * u - (s3 - s2) * c2 - (s2 - s1) * c1)
    return total


def _paid_time(shifts, agents, config, start, days, absent, coverage, previous):
    minutes = sum(_paid(s, config) for s in shifts)
    return minutes / config.centre.interval_minutes, minutes / 60, "h", "", None, ()


def _overtime(shifts, agents, config, start, days, absent, coverage, previous):
    minutes = sum(overtime_minutes(shifts, agents, config, start, days, absent).values())
    return minutes, minutes / 60, "h", "", None, ()


def _preferences(shifts, agents, config, start, days, absent, coverage, previous):
    met = asked = 0
    for s in shifts:
        a = agents.get(s.agent_id)
        if a is None or not a.shift_preference:
            continue
        asked += 1
        met += s.template is not None and getattr(s.template, "code", None) in a.shift_preference.split(";")
    return met, met, "shifts on a preferred template", f"of {asked} with a preference", asked, ()


def _fairness(shifts, agents, config, start, days, absent, coverage, previous):
    spread = fairness_spread(shifts, agents, config, start, days, previous)
    total = sum(spread.values())
    parts = tuple((kind, n) for kind, n in spread.items() if n)
    return total, total, "shifts of spread", ", ".join(f"{kind} {n}" for kind, n in parts), None, parts


def fairness_spread(shifts: list[Shift], agents: dict[str, Agent], config: Config, start: dt.date, days: int,
                    previous: Sequence[Shift] = ()) -> dict[str, int]:
    """Kind of shift (template code, `weekend`) -> its spread (most minus fewest) summed over the fairness groups:
    a team's agents of one weekly contract, supervisors apart, groups of two or more."""
    rot = config.rotation
    codes = sorted({t.code for t in config.shifts}) if rot.fair_shift_types else []
    period = [start + dt.timedelta(days=i) for i in range(days)]
    weekend = rot.fair_weekends and any(d.weekday() >= 5 for d in period)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for s in list(previous) + list(shifts):
        code = getattr(s.template, "code", None)
        if code is not None:
            counts[s.agent_id, code] += 1
        if s.date.weekday() >= 5:
            counts[s.agent_id, "weekend"] += 1
    groups: dict[tuple[str, float], list[str]] = defaultdict(list)
    for aid, a in agents.items():
        if not a.is_supervisor:
            groups[a.team, a.contract_hours_week].append(aid)
    kinds = codes + (["weekend"] if weekend else [])
    out = {kind: 0 for kind in kinds}
    for ids in groups.values():
        if len(ids) < 2:
            continue
        for kind in kinds:
            n = [counts[aid, kind] for aid in ids]
            out[kind] += max(n) - min(n)
    return out


# the checker's measure of each soft term, by the term's name (`SOFT_TERMS`): (quantity in the term's unit, the
# amount shown, its unit, detail, out of what, parts), or None when the roster's inputs do not allow it
MEASURES = {UNDER_STAFFING.name: _under_staffing, PAID_TIME.name: _paid_time, OVERTIME.name: _overtime,
            PREFERENCE.name: _preferences, FAIRNESS.name: _fairness}
