"""The labour rules as named pieces of the CP-SAT shift-assignment model.

Each rule adds its constraints to the model through `ctx.add(constraint, rule, agent)`, which (when the
model is built to explain an infeasibility) makes the constraint conditional on an assumption literal per
rule and agent. Nothing here checks a finished roster: that is `wfm.roster.checker`, written separately.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wfm.roster.problem import Instance, ShiftOption

# plain-words descriptions used in explanations
RULE_WORDS = {
    "contract_hours": "contract hours (min/max hours per week or averaged over the period)",
    "overtime": "overtime cap per month",
    "max_consecutive_days": "maximum consecutive working days",
    "min_days_off_week": "minimum days off per week",
    "min_rest": "minimum rest between shifts (and rest after night shifts)",
    "max_nights": "maximum night shifts in the period",
    "weekends_off": "full weekends off per 4 weeks",
    "supervisor_on_duty": "at least one supervisor on duty while the centre is open",
    "availability": "availability window and requested days off",
}


def hours_bounds(inst: Instance, agent, ndays: int) -> tuple[int, int]:
    """Paid minutes allowed over `ndays` days (a full week = 7) for `agent`."""
    lo_h = agent.min_hours_week if agent.min_hours_week is not None else agent.contract_hours_week
    hi_h = agent.max_hours_week if agent.max_hours_week is not None else agent.contract_hours_week
    if ndays % 7 == 0:
        return math.floor(lo_h * ndays / 7 * 60 + 1e-6), math.ceil(hi_h * ndays / 7 * 60 - 1e-6)
    tol = inst.config.rules.max_hours_day * 60
    return max(0, math.floor(lo_h * ndays / 7 * 60 - tol)), math.ceil(hi_h * ndays / 7 * 60 + tol)


def rest_needed_min(inst: Instance, first: ShiftOption, second_night: bool) -> float:
    r = inst.config.rules
    need = r.min_rest_h * 60
    if first.night and not second_night:
        need = max(need, r.rest_after_night_h * 60)
    return need


@dataclass
class Rule:
    name: str

    def add(self, ctx) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ContractHours(Rule):
    def add(self, ctx) -> None:
        inst = ctx.inst
        period = inst.config.rules.hours_averaging == "period"
        blocks = [list(range(inst.days))] if period else inst.weeks()
        for ai, a in enumerate(inst.agents):
            for days in blocks:
                lo, hi = hours_bounds(inst, a, len(days))
                expr = ctx.paid(ai, days)
                ctx.add(expr >= lo, self.name, ai)
                ctx.add(expr <= hi, self.name, ai)


class Overtime(Rule):
    """Paid hours above the contract, summed over weeks, within the monthly cap (pro rata for the period)."""

    def add(self, ctx) -> None:
        inst = ctx.inst
        cap = math.floor(inst.config.rules.max_overtime_h_month * 60 * inst.days / 30 + 1e-6)
        for ai, a in enumerate(inst.agents):
            terms = []
            for days in inst.weeks():
                contract = math.floor(a.contract_hours_week * len(days) / 7 * 60 + 1e-6)
                _, hi = hours_bounds(inst, a, len(days))
                if hi <= contract:
                    continue
                ot = ctx.model.NewIntVar(0, hi - contract, f"ot_{ai}_{days[0]}")
                ctx.model.Add(ot >= ctx.paid(ai, days) - contract)
                terms.append(ot)
            if terms:
                ctx.overtime.extend(terms)
                ctx.add(sum(terms) <= cap, self.name, ai)


class MaxConsecutiveDays(Rule):
    def add(self, ctx) -> None:
        inst = ctx.inst
        n = inst.config.rules.max_consecutive_days
        for ai, a in enumerate(inst.agents):
            prev_run = ctx.previous_run(a)
            # windows of n+1 days, reaching back into the previous roster
            for first in range(-min(prev_run, n), inst.days - n):
                days = [d for d in range(first, first + n + 1)]
                known = sum(1 for d in days if d < 0)
                inside = [d for d in days if d >= 0]
                ctx.add(sum(ctx.work(ai, d) for d in inside) <= n - known, self.name, ai)


class MinDaysOffWeek(Rule):
    def add(self, ctx) -> None:
        inst = ctx.inst
        need = inst.config.rules.min_days_off_week
        for ai in range(len(inst.agents)):
            for days in inst.weeks():
                off = max(0, need - (7 - len(days)))
                if off:
                    ctx.add(sum(ctx.work(ai, d) for d in days) <= len(days) - off, self.name, ai)


class MinRest(Rule):
    """No pair of shifts (including one from the previous roster) closer than the rest rule allows."""

    def add(self, ctx) -> None:
        inst = ctx.inst
        opts = inst.options
        max_len = max(o.length_min for o in opts)
        max_rest = max(inst.config.rules.min_rest_h, inst.config.rules.rest_after_night_h) * 60
        reach = int(math.ceil((max_len + max_rest) / 1440)) + 1
        for ai, a in enumerate(inst.agents):
            for d in range(inst.days):
                for k in inst.allowed[ai][d]:
                    o = opts[k]
                    end = d * 1440 + o.end_min
                    for g in range(1, reach + 1):
                        d2 = d + g
                        if d2 >= inst.days:
                            break
                        clash = [ctx.x[ai, d2, k2] for k2 in inst.allowed[ai][d2]
                                 if d2 * 1440 + opts[k2].start_min - end < rest_needed_min(inst, o, opts[k2].night)]
                        if clash:
                            # at most one shift a day, so this forbids every clashing pair at once
                            ctx.add(ctx.x[ai, d, k] + sum(clash) <= 1, self.name, ai)
            for p in inst.previous.get(a.agent_id, []):
                pd_ = (p.date - inst.start).days
                end = pd_ * 1440 + p.start_min + p.length_min
                for d in range(min(inst.days, reach + 1)):
                    for k in inst.allowed[ai][d]:
                        o2 = opts[k]
                        need = inst.config.rules.min_rest_h * 60
                        if p.night and not o2.night:
                            need = max(need, inst.config.rules.rest_after_night_h * 60)
                        if d * 1440 + o2.start_min - end < need:
                            ctx.add(ctx.x[ai, d, k] == 0, self.name, ai)


class MaxNights(Rule):
    def add(self, ctx) -> None:
        inst = ctx.inst
        cap = inst.config.rules.max_nights_period
        for ai in range(len(inst.agents)):
            nights = [ctx.x[ai, d, k] for d in range(inst.days) for k in inst.allowed[ai][d]
                      if inst.options[k].night]
            if len(nights) > cap:
                ctx.add(sum(nights) <= cap, self.name, ai)


def weekends(inst: Instance) -> list[tuple[int, int]]:
    """(Saturday, Sunday) day-index pairs entirely inside the period."""
    out = []
    for d in range(inst.days - 1):
        if inst.date(d).weekday() == 5:
            out.append((d, d + 1))
    return out


def weekends_off_needed(inst: Instance) -> int:
    return math.floor(inst.config.rules.min_weekends_off_period * len(weekends(inst)) / 4 + 1e-9)


class WeekendsOff(Rule):
    def add(self, ctx) -> None:
        inst = ctx.inst
        need = weekends_off_needed(inst)
        if not need:
            return
        m = ctx.model
        for ai in range(len(inst.agents)):
            offs = []
            for sat, sun in weekends(inst):
                w = m.NewBoolVar(f"wkoff_{ai}_{sat}")
                m.Add(ctx.work(ai, sat) + w <= 1)
                m.Add(ctx.work(ai, sun) + w <= 1)
                offs.append(w)
            ctx.add(sum(offs) >= need, self.name, ai)


class SupervisorOnDuty(Rule):
    def add(self, ctx) -> None:
        inst = ctx.inst
        if not inst.config.rules.supervisor_on_duty:
            return
        from wfm.roster.problem import coverable_mask, open_mask

        sup = [ai for ai, a in enumerate(inst.agents) if a.is_supervisor]
        if not sup:
            return
        need = coverable_mask(inst) & open_mask(inst)
        cover: dict[int, list] = {t: [] for t in range(inst.horizon) if need[t]}
        for ai in sup:
            for d in range(inst.days):
                for k in inst.allowed[ai][d]:
                    o = inst.options[k]
                    s = d * inst.per_day + o.start_min // inst.interval
                    for t in range(s, min(inst.horizon, s + o.length_min // inst.interval)):
                        if t in cover:
                            cover[t].append(ctx.x[ai, d, k])
        for t, vs in cover.items():
            ctx.add(sum(vs) >= 1, self.name, None)


RULES: list[Rule] = [
    ContractHours("contract_hours"),
    Overtime("overtime"),
    MaxConsecutiveDays("max_consecutive_days"),
    MinDaysOffWeek("min_days_off_week"),
    MinRest("min_rest"),
    MaxNights("max_nights"),
    WeekendsOff("weekends_off"),
    SupervisorOnDuty("supervisor_on_duty"),
]
