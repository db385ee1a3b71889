"""The figures of one roster build, typed: what the terminal summary, the benchmarks and the tests read."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


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
    # queues the roster written still leaves under target in the simulation (`verify.short_queue_warnings`)
    short_queues: list[str] = field(default_factory=list)

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
