"""The hard rules, each a named object registered once in `RULES`: its name, plain words (what explanations
say), the checker's rules that verify it on a finished roster (`checks`, by the name `wfm.roster.checker`
reports), and `add`, its constraints in the CP-SAT shift-assignment model.

Each rule adds its constraints to the model through `ctx.add(constraint, rule, agent)`, which (when the
model is built to explain an infeasibility) makes the constraint conditional on an assumption literal per
rule and agent. Rules held by the shift options offered (`Instance.allowed`) or by placing a shift's breaks
and queues (`wfm.roster.detail`) add nothing here but are registered all the same, so that every rule the
checker verifies is named once. Nothing here checks a finished roster: that is `wfm.roster.checker`, written
separately.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from wfm.roster.cycles import cycle_parts, part_limits
from wfm.roster.earlier import month_overtime, overtime_from, week_month_shares, weekends_off_needed_over
from wfm.roster.problem import Instance, ShiftOption, paid_minutes
from wfm.roster.rule_base import HeldByOptions, HeldByPlacement, Rule
from wfm.roster.session_room import SessionRoom

def hours_bounds(inst: Instance, agent, ndays: int) -> tuple[int, int]:
    """Paid minutes allowed over `ndays` days (a full week = 7) for `agent`."""
    lo_h = agent.min_hours_week if agent.min_hours_week is not None else agent.contract_hours_week
    hi_h = agent.max_hours_week if agent.max_hours_week is not None else agent.contract_hours_week
    if ndays % 7 == 0:
        return math.floor(lo_h * ndays / 7 * 60 + 1e-6), math.ceil(hi_h * ndays / 7 * 60 - 1e-6)
    tol = inst.config.rules.max_hours_day * 60
    return max(0, math.floor(lo_h * ndays / 7 * 60 - tol)), math.ceil(hi_h * ndays / 7 * 60 + tol)


def leave_credit(inst: Instance, ai: int, days) -> int:
    """Contract minutes agent `ai`'s approved leave excuses over `days` (a fifth of a week per day, paid or not:
    paid leave is paid as worked time, unpaid leave is simply not owed)."""
    credit = getattr(inst, "credit", None)  # model adapters (the Curtois benchmark) have no leave
    return 0 if credit is None else int(sum(int(credit[ai, d]) for d in days if 0 <= d < inst.days))


def week_before(inst: Instance, ai: int, days) -> list:
    """The previous roster's shifts (`PrevShift`) of agent `ai` on the days of the period's first calendar week
    before the period, when `days` is that week cut by the start: the weekly maxima count them, so that a period
    starting mid-week and the one before it keep the week's days off, hours and nights (the checker's
    `checks_time.week_before`)."""
    first_weekday = inst.config.rules.first_weekday
    if first_weekday is None or not len(days) or days[0] != 0:
        return []
    first = inst.start - dt.timedelta(days=(inst.start.weekday() - first_weekday) % 7)
    return [p for p in inst.previous.get(inst.agents[ai].agent_id, ()) if first <= p.date < inst.start]


def leave_days(inst: Instance, ai: int, days) -> int:
    on_leave = getattr(inst, "on_leave", None)
    return 0 if on_leave is None else int(sum(bool(on_leave[ai, d]) for d in days if 0 <= d < inst.days))


def rest_needed_min(inst: Instance, first: ShiftOption, second_night: bool) -> float:
    r = inst.config.rules
    need = r.min_rest_h * 60
    if first.night and not second_night:
        need = max(need, r.rest_after_night_h * 60)
    return need


class ContractHours(Rule):
    """Paid hours per week, over the period (`hours_averaging = "period"`) or per cycle part (month, quarter or
    year: `wfm.roster.cycles`), leave's paid hours counted."""

    def add(self, ctx) -> None:
        inst = ctx.inst
        if getattr(inst.config.rules, "cycle_months", 0):
            for _part, ai, lim, paid in _cycle_terms(ctx):
                ctx.add(paid >= lim["lo"] - lim["under"], self.name, ai)
                ctx.add(paid <= lim["hi"] + lim["over"], self.name, ai)
            return
        period = inst.config.rules.hours_averaging == "period"
        blocks = [list(range(inst.days))] if period else inst.weeks()
        for ai, a in enumerate(inst.agents):
            for days in blocks:
                lo, hi = hours_bounds(inst, a, len(days))
                earlier = [] if period else week_before(inst, ai, days)
                before = sum(paid_minutes(inst.config, p.length_min) for p in earlier)
                if before:  # the week's maximum less the previous roster's hours in it
                    hi = min(hi, max(0, hours_bounds(inst, a, 7)[1] - before))
                paid_leave = leave_credit(inst, ai, days)  # leave's paid hours count toward the contract
                expr = ctx.paid(ai, days)
                ctx.add(expr >= max(0, lo - paid_leave), self.name, ai)
                ctx.add(expr <= max(0, hi - paid_leave), self.name, ai)


def _cycle_terms(ctx):
    """(part, agent index, its limits, paid minutes of the part with the previous roster's in its cycle) for
    every cycle part of the period and agent."""
    inst = ctx.inst
    for part in cycle_parts(inst.config, inst.start, inst.days, inst.previous, paid_minutes):
        for ai, a in enumerate(inst.agents):
            lim = part_limits(inst.config, a, part, leave_credit(inst, ai, part.days))
            yield part, ai, lim, ctx.paid(ai, list(part.days)) + part.before_paid.get(a.agent_id, 0)


class CycleOvertime(Rule):
    """Under a 综合计算工时 cycle, overtime is only the hours above the cycle's contract (pro rata to the days
    counted, less the slack of a part that does not count its whole cycle), within the monthly cap pro rata."""

    def add(self, ctx) -> None:
        if not getattr(ctx.inst.config.rules, "cycle_months", 0):
            return
        for part, ai, lim, paid in _cycle_terms(ctx):
            top = lim["hi"] - lim["contract"]
            if top <= 0:
                continue
            ot = ctx.model.NewIntVar(0, top, f"cycle_ot_{ai}_{part.days[0]}")
            ctx.model.Add(ot >= paid - lim["contract"] - lim["over"])
            ctx.overtime.append(ot)
            ctx.add(ot <= lim["cap"], self.name, ai)


def overtime_weeks(inst: Instance, ai: int) -> list[tuple[list[int], int, int, bool]]:
    """The weeks in which agent ai's hours can run into overtime: (days, paid minutes above which they are
    overtime, the most paid minutes allowed, both less the leave credited, and whether hours past a day's
    `max_hours_day` on the days worked count as overtime too: in a week the period's edge cuts, whose allowance
    above pro rata is no licence for long days)."""
    a, out = inst.agents[ai], []
    day_min = round(inst.config.rules.max_hours_day * 60)
    for days in inst.weeks():
        credit = leave_credit(inst, ai, days)
        contract = max(0, overtime_from(a.contract_hours_week, len(days), inst.config.rules.max_hours_day) - credit)
        hi = max(0, hours_bounds(inst, a, len(days))[1] - credit)
        daily = len(days) % 7 != 0 and any(inst.options[k].paid_min > day_min
                                           for d in days for k in inst.allowed[ai][d])
        if hi > contract or daily:
            out.append((days, contract, hi, daily))
    return out


class Overtime(Rule):
    """Paid hours above the contract, summed over weeks, within the monthly cap in each calendar month the period
    touches (a week's overtime shared among its months by days), the previous roster's overtime in the month
    counted: `wfm.roster.earlier.month_overtime`."""

    def add(self, ctx) -> None:
        inst = ctx.inst
        if getattr(inst.config.rules, "cycle_months", 0):
            return  # CycleOvertime
        months = month_overtime(inst.previous, inst.agents, inst.config, inst.start, inst.days, paid_minutes)
        day_min = round(inst.config.rules.max_hours_day * 60)
        for ai, a in enumerate(inst.agents):
            terms = []
            for days, contract, hi, daily in overtime_weeks(inst, ai):
                ot = ctx.model.NewIntVar(0, max(hi - contract, hi if daily else 0), f"ot_{ai}_{days[0]}")
                ctx.model.Add(ot >= ctx.paid(ai, days) - contract)
                if daily:
                    ctx.model.Add(ot >= ctx.paid(ai, days) - day_min * sum(ctx.work(ai, d) for d in days))
                terms.append((week_month_shares(inst.start, days), ot))
            if not terms:
                continue
            ctx.overtime.extend(ot for _, ot in terms)
            for key, month in months.items():
                shares = [(share[key], ot) for share, ot in terms if key in share]
                if not shares:
                    continue
                scale = math.lcm(*(f.denominator for f, _ in shares))  # whole coefficients: a week's days of 7
                left = math.floor(scale * (month.cap_min - month.before_min.get(a.agent_id, 0.0)) + 1e-6)
                expr = sum(ot if f * scale == 1 else int(f * scale) * ot for f, ot in shares)
                ctx.add(expr <= max(0, left), self.name, ai)


class PartTime(Rule):
    """A part-time (非全日制) contract: at most 24 h a week and 4 h a day on average over the days worked, in
    every 7-day block (Labour Contract Law art. 68)."""

    def add(self, ctx) -> None:
        from wfm.readers.agents import PART_TIME_DAY_H, PART_TIME_WEEK_H

        inst = ctx.inst
        for ai, a in enumerate(inst.agents):
            if not getattr(a, "is_part_time", False):
                continue
            for days in inst.weeks():
                before = sum(paid_minutes(inst.config, p.length_min) for p in week_before(inst, ai, days))
                ctx.add(ctx.paid(ai, days) <= max(0, round(PART_TIME_WEEK_H * 60) - before), self.name, ai)
                ctx.add(ctx.paid(ai, days) <= round(PART_TIME_DAY_H * 60) * sum(ctx.work(ai, d) for d in days),
                        self.name, ai)


class MaxConsecutiveDays(Rule):
    """No more than `max_consecutive_days` working days in a row, the previous roster's last days counted."""

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
    """At least `min_days_off_week` days off in every week (leave days are not rest days)."""

    def add(self, ctx) -> None:
        inst = ctx.inst
        need = inst.config.rules.min_days_off_week
        for ai in range(len(inst.agents)):
            for days in inst.weeks():
                # leave is not a rest day: the rest days come from the days not on leave (none needed when
                # the whole week is leave)
                free = len(days) - leave_days(inst, ai, days)
                worked_before = len({p.date for p in week_before(inst, ai, days)})
                off = min(max(0, need - (7 - len(days)) + worked_before), free)
                if off:
                    ctx.add(sum(ctx.work(ai, d) for d in days) <= free - off, self.name, ai)


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
    """At most `max_nights_period` night shifts per agent in the period, `max_nights_week` (when set) in each
    week and `max_nights_month` (when set) in each calendar month, the previous roster's nights in that month
    counted, so that consecutive periods join up."""

    def add(self, ctx) -> None:
        inst = ctx.inst
        cap = inst.config.rules.max_nights_period
        week_cap = inst.config.rules.max_nights_week
        month_cap = getattr(inst.config.rules, "max_nights_month", 0)
        for ai in range(len(inst.agents)):
            def nights(days):
                return [ctx.x[ai, d, k] for d in days for k in inst.allowed[ai][d] if inst.options[k].night]

            every = nights(range(inst.days))
            if len(every) > cap:
                ctx.add(sum(every) <= cap, self.name, ai)
            for days in inst.weeks() if week_cap else ():
                week = nights(days)
                left = max(0, week_cap - sum(p.night for p in week_before(inst, ai, days)))
                if len(week) > left:
                    ctx.add(sum(week) <= left, self.name, ai)
            for month, days in _months(inst).items() if month_cap else ():
                before = sum(1 for p in inst.previous.get(inst.agents[ai].agent_id, ())
                             if p.night and p.date < inst.start and (p.date.year, p.date.month) == month)
                these = nights(days)
                if len(these) > month_cap - before:
                    ctx.add(sum(these) <= max(0, month_cap - before), self.name, ai)


def _months(inst: Instance) -> dict[tuple[int, int], list[int]]:
    """(year, month) -> the period's day indices in that calendar month."""
    out: dict[tuple[int, int], list[int]] = {}
    for d in range(inst.days):
        out.setdefault((inst.date(d).year, inst.date(d).month), []).append(d)
    return out


def weekends(inst: Instance) -> list[tuple[int, int]]:
    """(Saturday, Sunday) day-index pairs entirely inside the period."""
    out = []
    for d in range(inst.days - 1):
        if inst.date(d).weekday() == 5:
            out.append((d, d + 1))
    return out


def weekends_off_needed(inst: Instance) -> int:
    return weekends_off_needed_over(inst.config, len(weekends(inst)))


class WeekendsOff(Rule):
    """Full weekends off per 4 weeks, over the period and the previous roster's last days joined to it."""

    def add(self, ctx) -> None:
        inst = ctx.inst
        e = getattr(inst, "earlier", None)
        need = weekends_off_needed(inst) if e is None else \
            weekends_off_needed_over(inst.config, len(e.weekend_pairs(inst.start, inst.days)))
        if not need:
            return
        m = ctx.model
        pairs = list(weekends(inst))
        # a weekend across the boundary: the previous roster's Saturday, this period's first day (a Sunday)
        across = e is not None and inst.start.weekday() == 6 and e.days > 0
        for ai, a in enumerate(inst.agents):
            offs = []
            for sat, sun in pairs + ([(None, 0)] if across and inst.start - dt.timedelta(days=1)
                                     not in e.worked.get(a.agent_id, ()) else []):
                w = m.NewBoolVar(f"wkoff_{ai}_{sat}")
                if sat is not None:
                    m.Add(ctx.work(ai, sat) + w <= 1)
                m.Add(ctx.work(ai, sun) + w <= 1)
                offs.append(w)
            before = e.full_weekends_off(a.agent_id, inst.start) if e is not None else 0
            if need > before:
                ctx.add(sum(offs) >= need - before, self.name, ai)


class SupervisorOnDuty(Rule):
    """At least one supervisor on shift in every interval the centre is open and a shift can cover."""

    def add(self, ctx) -> None:
        inst = ctx.inst
        if not inst.config.rules.supervisor_on_duty:
            return
        from wfm.roster.problem import coverable_mask, open_mask

        sup = [ai for ai, a in enumerate(inst.agents) if a.is_supervisor]
        if not sup:
            return
        need = coverable_mask(inst) & open_mask(inst)
        if getattr(inst, "closed", None) is not None:
            need &= ~np.repeat(inst.closed, inst.per_day)
        cover: dict[int, list] = {t: [] for t in range(inst.horizon) if need[t]}
        for ai in sup:
            for d in range(inst.days):
                for k in inst.allowed[ai][d]:
                    o = inst.options[k]
                    s = d * inst.per_day + o.start_min // inst.interval
                    for t in range(s, min(inst.horizon, s + o.length_min // inst.interval)):
                        if t in cover:
                            cover[t].append(ctx.x[ai, d, k])
        for _t, vs in cover.items():
            ctx.add(sum(vs) >= 1, self.name, None)


RULES: list[Rule] = [
    ContractHours("contract_hours", "contract hours (min/max hours per week or averaged over the period)",
                  ("contract_hours",)),
    Overtime("overtime", "overtime cap per month", ("overtime",)),
    CycleOvertime("overtime", "overtime cap per month", ("overtime",)),
    MaxConsecutiveDays("max_consecutive_days", "maximum consecutive working days", ("max_consecutive_days",)),
    MinDaysOffWeek("min_days_off_week", "minimum days off per week", ("min_days_off_week",)),
    MinRest("min_rest", "minimum rest between shifts (and rest after night shifts)", ("min_rest",)),
    MaxNights("max_nights", "maximum night shifts in the period, per week and per month", ("max_nights",)),
    PartTime("part_time", "part-time (非全日制) limits: 24 h a week, 4 h a day on average", ("part_time",)),
    WeekendsOff("weekends_off", "full weekends off per 4 weeks", ("weekends_off",)),
    SupervisorOnDuty("supervisor_on_duty", "at least one supervisor on duty while the centre is open",
                     ("supervisor_on_duty",)),
    HeldByOptions("availability", "availability window and requested days off", ("availability", "days_off_requests")),
    HeldByOptions("leave", "approved leave and the days the centre is closed", ("leave", "closed")),
    HeldByOptions("shift_templates", "shifts of the config's templates, within the opening hours and the longest "
                  "paid shift", ("shift_template", "max_shift_length", "opening_hours")),
    HeldByPlacement("breaks", "breaks and lunch within each shift", ("breaks",)),
    SessionRoom("training", "training sessions as the config schedules them (weekly ones need room in the "
                "week's shifts)", ("training",)),
    HeldByPlacement("skills", "each on-phone interval on one of the agent's queues", ("skills", "queue")),
]

# plain-words descriptions (explanations), one per rule name
RULE_WORDS: dict[str, str] = {rule.name: rule.words for rule in RULES}
