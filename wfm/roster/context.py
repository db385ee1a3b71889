"""What the rule pieces see while they add themselves to a CP-SAT model, and the on-phone shape of a shift."""

from __future__ import annotations

import math

import numpy as np
from ortools.sat.python import cp_model

from wfm.roster.problem import Instance


class Context:
    """What rules see: the model, the shift variables, and `add` (which knows about explain mode)."""

    def __init__(self, inst: Instance, model: cp_model.CpModel, explain: bool = False):
        self.inst = inst
        self.model = model
        self.explain = explain
        self.x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.assumptions: dict[tuple[str, int | None], cp_model.IntVar] = {}
        self.overtime: list = []
        self._paid_unit = inst.interval

    def choose_shifts(self, *, named: bool = False) -> None:
        """One variable per agent, day and shift option allowed (`x`), at most one shift a day; `named` gives
        the variables readable names (x_agent_day_option), for a model that is to be read."""
        inst, model = self.inst, self.model
        for ai in range(len(inst.agents)):
            for d in range(inst.days):
                ks = inst.allowed[ai][d]
                for k in ks:
                    self.x[ai, d, k] = model.NewBoolVar(f"x_{ai}_{d}_{k}" if named else "")
                if len(ks) > 1:
                    model.AddAtMostOne(self.x[ai, d, k] for k in ks)

    def lit(self, rule: str, ai: int | None):
        key = (rule, ai)
        if key not in self.assumptions:
            self.assumptions[key] = self.model.NewBoolVar(f"assume_{rule}_{ai}")
        return self.assumptions[key]

    def add(self, constraint, rule: str, ai: int | None) -> None:
        if isinstance(constraint, bool) or isinstance(constraint, np.bool_):
            if constraint:
                return
            if self.explain:
                self.model.Add(self.lit(rule, ai) == 0)
            else:
                self.model.AddBoolOr([])  # infeasible on purpose: the explain pass names it
            return
        ct = self.model.Add(constraint)
        if self.explain:
            ct.OnlyEnforceIf(self.lit(rule, ai))

    def work(self, ai: int, d: int):
        return sum(self.x[ai, d, k] for k in self.inst.allowed[ai][d])

    def paid(self, ai: int, days: list[int]):
        """Paid minutes over `days`."""
        return sum(self.inst.options[k].paid_min * self.x[ai, d, k] for d in days for k in self.inst.allowed[ai][d])

    def previous_run(self, agent) -> int:
        """Consecutive days worked right before the period (from the previous roster)."""
        worked = {(p.date - self.inst.start).days for p in self.inst.previous.get(agent.agent_id, [])}
        run = 0
        while -(run + 1) in worked:
            run += 1
        return run


def on_phone_profile(inst: Instance, k: int) -> np.ndarray:
    """Expected on-phone share of each interval of shift option k (breaks, lunch, daily training spread)."""
    o = inst.options[k]
    n = o.length_min // inst.interval
    du = inst.duties(o)
    offp = np.zeros(n)
    if du.lunch:
        lo, hi = du.lunch_window
        hi = min(hi, n - du.lunch - du.min_gap)
        lo = min(max(lo, du.min_gap), hi)
        starts = range(lo, hi + 1)
        for s in starts:
            offp[s:s + du.lunch] += 1 / len(starts)
    if du.breaks:
        a, b = du.min_gap, max(du.min_gap + 1, n - du.min_gap)
        offp[a:b] += du.breaks * du.break_len / (b - a)
    daily = sum(math.ceil(t.minutes / inst.interval) for t in inst.config.training
                if t.frequency == "daily" and t.who == "all")
    if daily:
        offp += daily / n
    return np.clip(1 - offp, 0, 1)


def skill_classes(inst: Instance) -> tuple[list[tuple[str, ...]], list[int]]:
    classes: dict[tuple[str, ...], int] = {}
    of = []
    for a in inst.agents:
        key = tuple(q for q in inst.queues if q in a.skills)
        of.append(classes.setdefault(key, len(classes)))
    return list(classes), of
