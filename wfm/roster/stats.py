"""The figures of one roster build, typed: what the terminal summary, the benchmarks and the tests read."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any


@dataclass
class ShortQueue:
    """A queue the simulated roster leaves under target (`wfm.roster.verify.short_queue_facts`): its simulated
    figures against the target, and who holds its skill (for the plain-words warning, `short_queue_text`)."""

    queue: str
    service_level: float  # simulated, the period's
    service_level_hw: float  # half-width of its 95% interval
    sl_target: float
    abandon_rate: float | None  # simulated, when over the queue's cap on abandonment
    abandon_cap: float | None
    holders: int  # agents holding the queue's skill
    agents: int  # agents rostered
    answered_first: list[str]  # higher-priority queues the holders also answer


def short_queue_text(s: ShortQueue, language: str = "en", label: Callable[[str], str] = str) -> str:
    """One plain sentence for a short queue, in `language` (`en` or `zh`); `label`: a queue's name for people
    from its key (default the key); without agents (`agents` 0) only its figures. More heads cannot close a gap
    the skill's holders cannot answer; more holders can."""
    from wfm.publish.i18n import join, text

    name = label(s.queue)
    out = text("short_level", language, q=name, sl=s.service_level, hw=100 * s.service_level_hw,
               target=s.sl_target)
    if s.abandon_rate is not None and s.abandon_cap is not None:
        out += text("short_abandon", language, rate=s.abandon_rate, cap=s.abandon_cap)
    if not s.agents:  # the agents are unknown (e.g. `wfm simulate` without --agents)
        return out
    out += text("short_holders", language, n=s.holders, of=s.agents, q=name)
    if s.answered_first:
        out += text("short_first", language, first=join([label(q) for q in s.answered_first], language), q=name)
    return out + text("short_skill" if s.holders < s.agents else "short_people", language, q=name)


@dataclass
class RosterStats:
    """Search status and times, reproducibility, the lower bound and its gap, and the soft terms' headline figures.

    Also readable by key (`stats["shifts"]`, `stats.get("reproducible", True)`), as the dict it replaces was."""

    phase1_status: str  # OPTIMAL, FEASIBLE, HEURISTIC (the construction's roster kept), REPAIRED
    phase1_s: float  # wall seconds of the shift-assignment search
    detail_s: float  # wall seconds placing breaks, training and queues (and any simulate-and-repair rounds)
    check_s: float  # wall seconds of the independent check
    objective: float | None  # the model's objective in points (`wfm.roster.objective`), when CP-SAT returned one
    objective_bound: float | None
    solutions: int  # improving solutions CP-SAT found
    deterministic_time: float  # CP-SAT deterministic time spent
    wall_capped: list[str]  # search stages the wall clock stopped before their deterministic budget
    reproducible: bool  # False when any stage is in `wall_capped`
    expected_under_pct: float | None  # the model's own view of under-staffing, % of the requirement
    agents: int
    shifts: int
    corrected_queues: list[str]  # queues the simulation found short and a repair searched again for
    under_lower_bound: int = 0  # under-staffed agent-intervals no roster can avoid (`wfm.roster.lower_bound`)
    under_lower_bound_pct: float = 0.0
    under_gap_pct: float = 0.0  # the checker's under-staffing minus the bound, points of the requirement
    preferences_met: int = 0
    preferences_total: int = 0
    max_spread_in_team: dict[str, int] = field(default_factory=dict)  # kind of shift -> largest spread in a team
    repaired_agents: list[str] = field(default_factory=list)  # `wfm roster --repair`: the people re-planned
    # queues the roster written still leaves under target in the simulation (`verify.short_queue_facts`)
    short_queue_facts: list[ShortQueue] = field(default_factory=list)

    @property
    def short_queues(self) -> list[str]:
        """`short_queue_facts` as plain English sentences (`short_queue_text`), for the terminal."""
        return [short_queue_text(q) for q in self.short_queue_facts]

    def __getitem__(self, key: str) -> Any:
        if key not in _FIELDS:
            raise KeyError(key)
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        if key not in _FIELDS:
            raise KeyError(key)
        setattr(self, key, value)

    def __contains__(self, key: object) -> bool:
        return key in _FIELDS

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in _FIELDS else default

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


_FIELDS = frozenset(f.name for f in dataclasses.fields(RosterStats))


def reproducibility_note(stats: RosterStats | dict[str, Any]) -> str | None:
    """Plain words for a search the wall clock ended before its deterministic budget (None when it did not);
    `stats` may also be the plain dict of the same keys."""
    if stats.get("reproducible", True):
        return None
    stages = ", ".join(stats.get("wall_capped") or []) or "the search"
    return (f"not reproducible on this run: the machine was too busy to spend the search budget before the time "
            f"cap ({stages}), so the same inputs may give another roster; run it again on a quieter machine for "
            "a result that repeats")
