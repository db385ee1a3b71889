"""What the LNS engine (`wfm.roster.lns`) works on: cells of an employees x days roster, and the protocol a
problem meets (`CellProblem`) so that the engine knows nothing of its rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ortools.sat.python import cp_model

from wfm.roster.budget import Budget

Cell = tuple[int, int]  # (employee, day)
Roster = dict[Cell, str]  # worked cells only: (employee, day) -> shift


@dataclass
class SubModel:
    """A model built by a `CellProblem`: `x[e, d, t]` is the variable of each free cell's shift options."""

    model: cp_model.CpModel
    x: dict[tuple[int, int, str], cp_model.IntVar]


class CellProblem(Protocol):
    n_staff: int
    n_days: int
    shifts: list[str]

    def build(self, fixed: dict[Cell, str | None]) -> SubModel:
        """The model with the cells in `fixed` as constants (their shift, None = off). The rules of an employee
        whose cells are all fixed must be left out: the construction fixes the rows not built yet to off. A
        problem may also offer `build_around(roster, free)`: the same model with every cell but `free` fixed to
        `roster`, which a step then calls instead (no dict of the whole roster to make and walk)."""

    def objective(self, roster: Roster) -> int:
        """The objective of a whole roster. A problem may also offer `objective_change(roster, cells, new)`: the
        objective of `roster` with `cells` set as in `new` (absent = off) less that of `roster`, computed from
        those cells' days alone; the search then uses it to price a step."""

    def bad_slots(self, roster: Roster) -> list[tuple[int, str, int]]:
        """(day, shift, penalty) of the slots whose cover is penalised in `roster` (under or over)."""

    def missed_requests(self, roster: Roster) -> list[tuple[int, int, int]]:
        """(employee, day, penalty) of the soft requests about one cell that `roster` does not grant."""

    def can_work(self, e: int, d: int, t: str) -> bool:
        """Whether employee e may work shift t on day d at all."""


@dataclass(frozen=True)
class RowRules:
    """One employee's hard rules in the form the rule-driven construction (`wfm.roster.greedy`) lays a row out
    by. Runs shorter than the minimums are allowed where they touch the horizon's first or last day; weekend k
    is days 7k+5 and 7k+6 and counts as worked if either is."""

    minutes: dict[str, int]  # shift -> its length, for every shift the employee may work
    min_minutes: int
    max_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_consecutive_off: int
    max_weekends: int
    max_shifts: dict[str, int]  # shift -> cap over the horizon
    forbidden_next: dict[str, set[str]]  # shift -> the shifts that may not be worked the next day
    days_off: frozenset[int]


class RowProblem(CellProblem, Protocol):
    """A `CellProblem` that also states its rules and soft terms per cell, so that a first roster can be laid out
    without a solver (`wfm.roster.greedy`)."""

    def row_rules(self, e: int) -> RowRules:
        """Employee e's hard rules."""

    def cover_terms(self) -> dict[tuple[int, str], tuple[int, int, int]]:
        """(day, shift) -> (requirement, penalty per person under, penalty per person over)."""

    def request_gains(self, e: int) -> dict[tuple[int, str], int]:
        """(day, shift) -> what employee e working that shift that day takes off the request penalties (an
        on-request's weight; minus an off-request's)."""


class OwnConstruction(CellProblem, Protocol):
    """A `CellProblem` that lays its own first roster (the hotline's per-agent sweeps, which score the true
    interval coverage and place the supervisors together); `wfm.roster.lns.construct` hands it the budget."""

    def first_roster(self, budget: float | Budget, seed: int) -> Roster:
        """A first roster within `budget` (seconds, or a deterministic `Budget` it charges); raises
        `EmployeeInfeasible` when an employee's rules clash."""


class EmployeeInfeasible(Exception):
    """An employee whose own rules cannot all hold (or for whom no row was found in time)."""
