"""What the LNS engine (`wfm.roster.lns`) works on: cells of an employees x days roster, and the protocol a
problem meets (`CellProblem`) so that the engine knows nothing of its rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ortools.sat.python import cp_model

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
        whose cells are all fixed must be left out: the construction fixes the rows not built yet to off."""

    def objective(self, roster: Roster) -> int:
        """The objective of a whole roster."""

    def bad_slots(self, roster: Roster) -> list[tuple[int, str, int]]:
        """(day, shift, penalty) of the slots whose cover is penalised in `roster` (under or over)."""

    def missed_requests(self, roster: Roster) -> list[tuple[int, int, int]]:
        """(employee, day, penalty) of the soft requests about one cell that `roster` does not grant."""

    def can_work(self, e: int, d: int, t: str) -> bool:
        """Whether employee e may work shift t on day d at all."""


class EmployeeInfeasible(Exception):
    """An employee whose own rules cannot all hold (or for whom no row was found in time)."""
