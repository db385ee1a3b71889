"""The hotline's shift assignment as a `wfm.roster.lns.CellProblem`: the search engine's view of a roster.

Coverage is counted per interval (`block_minutes`) and every interval of a shift counts as on the phone: breaks
and lunch are placed later where the demand is lowest (`wfm.roster.detail`), so in the short intervals a search
works on the agent is on the phone. The whole model counts an expected on-phone share per interval (breaks
spread evenly) on 30- or 60-minute blocks; searched by that view, 600 agents x 4 weeks came out more
under-staffed once breaks were placed (benchmarks/RESULTS.md). With `expected_breaks` and the whole model's
`block_minutes`, `objective` is the whole model's objective; the other terms are always its own.

A cell is (agent index, day); its value is the option index as a string (`str(k)`), absent when off. The model of
an LNS step (`build`) holds the same rules (`wfm.roster.rules.RULES`) and the same soft terms as the whole model
(`wfm.roster.model.build_model`, `wfm.roster.objective`), restricted to the agents with a free cell: fixed cells
are constants, and the coverage, fairness and supervisor terms count everyone else as constants. `objective`
scores a whole roster in the whole model's points, by the same formulas, without a solver.

One hard rule links rows: a supervisor on duty in every open interval (`SupervisorOnDuty`). A model freeing any
supervisor therefore holds every supervisor's row (the others as constants), so the rule is posted whole;
`linked(agents)` tells the search which rows a step may change together. Skill routing only (`Instance.pooled`):
queues assigned by hand split capacity by flows, which `objective` does not evaluate.
"""

from __future__ import annotations

import dataclasses
import math
import random
import time
from collections import Counter
from collections.abc import Callable

import numpy as np
from ortools.sat.python import cp_model

from wfm.phone_share import phone_share
from wfm.roster.context import Context, on_phone_profile, skill_classes
from wfm.roster.coverage import SCALE, penalty
from wfm.roster.budget import Budget, wall_cap
from wfm.roster.lns import EmployeeInfeasible, SubModel
from wfm.roster.model import HEURISTIC_SWEEPS, MAX_CONSTRUCTION_S, scaled_blocks
from wfm.roster.objective import FAIRNESS, OVERTIME, PAID_TIME, PREFERENCE, UNDER_STAFFING, fairness_groups
from wfm.roster.problem import Instance, row_mask
from wfm.roster.rules import RULES, SupervisorOnDuty, _cycle_terms, overtime_weeks

Cell = tuple[int, int]
ROW_CACHE = 5_000  # agent rows whose terms are remembered (about 3 KB each at 4 weeks of hour blocks)


class HotlineCells:
    """The hotline instance `inst` (skill routing) for the LNS engine; see the module's docstring."""

    def __init__(self, inst: Instance, block_minutes: int | None = None, expected_breaks: bool = False):
        if not inst.pooled:
            raise ValueError("the LNS adapter covers skill routing only (queues by hand split capacity by flows)")
        self.inst = inst
        self.n_staff, self.n_days = len(inst.agents), inst.days
        self.shifts = [str(k) for k in range(len(inst.options))]
        self.need = inst.coverage_req()
        # blocks of one interval by default: the whole model's 30- or 60-minute blocks let a search trade a short
        # quarter hour for a long one in the same hour, which the placed roster then shows as under-staffing
        self.g = max(1, (block_minutes or inst.interval) // inst.interval)
        self.expected_breaks = expected_breaks
        H = self.need.shape[1]
        self.nb = math.ceil(H / self.g)
        self.req_b = np.zeros((len(inst.rows), self.nb), dtype=np.int64)
        for b in range(self.nb):
            self.req_b[:, b] = self.need[:, b * self.g:(b + 1) * self.g].sum(axis=1) * SCALE
        self.classes, self.cls_of = skill_classes(inst)
        self.rows_of_agent = row_mask(inst)  # (agents, rows): the agent counts in the row
        self.weight = np.array([max(inst.config.queues[inst.queues[q]].priority for q in r) for r in inst.rows])
        self.blocks = [self._per_block(k, H) for k in range(len(inst.options))]  # per option: block -> weight
        self.share = [[phone_share(a, inst.date(d), inst.config) for d in range(inst.days)] for a in inst.agents]
        self.sups = [ai for ai, a in enumerate(inst.agents) if a.is_supervisor] \
            if inst.config.rules.supervisor_on_duty else []
        self.groups = fairness_groups(inst.agents)
        self.codes = sorted({o.template.code for o in inst.options})
        self.weekend = {d for d in range(inst.days) if inst.date(d).weekday() >= 5}
        self._cache: dict[tuple, tuple[np.ndarray, int, int]] = {}
        self.movable = [ai for ai, a in enumerate(inst.agents) if not a.is_supervisor]  # steps leave supervisors
        self.on_sweep: Callable[[int], object] | None = None  # told after each sweep of `first_roster`

    def _per_block(self, k: int, H: int) -> dict[int, int]:
        """On-phone weight (quarters of an interval) of option k per block of its first day, by offset in blocks
        from the day's first block (the day's start is a whole number of blocks)."""
        inst = self.inst
        prof = self._profile(k)
        s = inst.options[k].start_min // inst.interval
        out: dict[int, int] = {}
        for j, w in enumerate(prof):
            if w:
                out[(s + j) // self.g] = out.get((s + j) // self.g, 0) + int(w)
        return out

    def _profile(self, k: int) -> np.ndarray:
        """Capacity of each interval of option k in quarters: the whole model's expected on-phone share with
        `expected_breaks`, else the whole interval (see the module's docstring)."""
        if self.expected_breaks:
            return np.rint(on_phone_profile(self.inst, k) * SCALE).astype(int)
        return np.full(self.inst.options[k].length_min // self.inst.interval, SCALE, dtype=int)

    def cell_blocks(self, ai: int, d: int, k: int) -> dict[int, int]:
        """Blocks of the horizon (and its tail) agent ai's option k on day d covers, with its capacity there."""
        first = d * self.inst.per_day // self.g
        H_blocks = self.nb
        per = {first + b: w for b, w in self.blocks[k].items() if first + b < H_blocks}
        # the model counts intervals up to the coverage horizon only: a block cut by it keeps its covered part
        return scaled_blocks(self._cut(per, d, k), self.share[ai][d])

    def _cut(self, per: dict[int, int], d: int, k: int) -> dict[int, int]:
        H = self.need.shape[1]
        last = (d * self.inst.per_day + self.inst.options[k].end_min // self.inst.interval)
        if last <= H:
            return per
        inst, out = self.inst, {}
        prof = self._profile(k)
        s = d * inst.per_day + inst.options[k].start_min // inst.interval
        for j, w in enumerate(prof):
            if s + j >= H:
                break
            if w:
                out[(s + j) // self.g] = out.get((s + j) // self.g, 0) + int(w)
        return out

    # ------------------------------------------------------------------ the protocol

    def first_roster(self, budget: float | Budget, seed: int) -> dict[Cell, str]:
        """The per-agent construction (`wfm.roster.heuristic.construct`, as the whole-model path runs it), at most
        `MAX_CONSTRUCTION_S` reference seconds of `budget`: it scores the true interval coverage and places the
        supervisors together, which the engine's row constructions cannot."""
        from wfm.roster.heuristic import construct

        if not isinstance(budget, Budget):
            budget = Budget(budget, time.perf_counter() + wall_cap(budget))
        hint = construct(self.inst, time_limit_s=max(1.0, min(budget.left_s(), MAX_CONSTRUCTION_S)),
                         sweeps=HEURISTIC_SWEEPS, seed=seed, budget=budget, on_sweep=self.on_sweep)
        if hint is None:
            raise EmployeeInfeasible("an agent's rules clash in the construction")
        return as_cells(hint)

    def can_work(self, e: int, d: int, t: str) -> bool:
        return int(t) in self.inst.allowed[e][d]

    def linked(self, agents: set[int]) -> set[int]:
        """The rows a step freeing `agents` may change: every supervisor's with any supervisor's."""
        return agents | set(self.sups) if agents & set(self.sups) else set(agents)

    def neighbourhood(self, rng: random.Random, kind: str, n: int, cur: dict[Cell, str]) -> set[Cell]:
        """The free cells of one LNS step (the engine's hook for a problem's own neighbourhoods): `n` agents
        over one week, around an under-staffed block ("cover": agents of its row who could cover it, most of
        them off that day) or random ("staff"). Supervisors stay as they are (their rows are linked)."""
        inst, movable = self.inst, self.movable
        weeks = inst.weeks()
        short = self.short_blocks(cur) if kind == "cover" else []
        if not short:
            return {(e, d) for e in rng.sample(movable, min(n, len(movable))) for d in rng.choice(weeks)}
        r, b, _ = rng.choices(short, weights=[p for *_, p in short])[0]
        per_day = inst.per_day // self.g
        day = min(inst.days - 1, b // per_day)
        able = [ai for ai in movable if self.rows_of_agent[ai, r] and any(
            self.blocks[k].get(b - d * per_day, 0) for d in (day - 1, day) if d >= 0 for k in inst.allowed[ai][d])]
        off = [ai for ai in able if (ai, day) not in cur]
        rng.shuffle(off)
        rng.shuffle(able)
        near = list(dict.fromkeys(off[: max(1, n // 2)] + able))[: max(1, n - n // 4)]
        rest = [ai for ai in movable if ai not in near]
        chosen = near + rng.sample(rest, min(len(rest), n - len(near)))
        week = next(w for w in weeks if day in w)
        return {(e, d) for e in chosen for d in week}

    def build(self, fixed: dict[Cell, str | None]) -> SubModel:
        """The model of the free cells: the rules of every agent with a free cell (and of every supervisor when
        one is free), the other cells constants."""
        inst = self.inst
        free = sorted({e for e in range(self.n_staff) for d in range(self.n_days) if (e, d) not in fixed})
        rows = sorted(self.linked(set(free)))
        sub = dataclasses.replace(
            inst, agents=[inst.agents[a] for a in rows], allowed=[list(inst.allowed[a]) for a in rows],
            on_leave=None if inst.on_leave is None else inst.on_leave[rows],
            credit=None if inst.credit is None else inst.credit[rows])
        model = cp_model.CpModel()
        ctx = Context(sub, model)
        x: dict[tuple[int, int, str], cp_model.IntVar] = {}
        one = model.NewConstant(1)
        for si, ai in enumerate(rows):
            for d in range(inst.days):
                if (ai, d) in fixed:
                    t = fixed[ai, d]
                    sub.allowed[si][d] = [] if t is None else [int(t)]
                    if t is not None:
                        ctx.x[si, d, int(t)] = one
                    continue
                ks = inst.allowed[ai][d]
                for k in ks:
                    ctx.x[si, d, k] = x[ai, d, str(k)] = model.NewBoolVar("")
                if len(ks) > 1:
                    model.AddAtMostOne(ctx.x[si, d, k] for k in ks)
        for rule in RULES:
            if not isinstance(rule, SupervisorOnDuty) or self.sups and set(rows) & set(self.sups):
                rule.add(ctx)
        terms = [self._cover_terms(model, x, fixed, set(rows))]
        for (ai, d, t), v in x.items():
            terms.append(self._cell_points(ai, d, int(t)) * v)
        terms.append(OVERTIME.weight * sum(ctx.overtime))
        terms.append(self._fairness_terms(model, x, fixed, set(rows)))
        model.Minimize(sum(terms))
        return SubModel(model, x)

    def _cell_points(self, ai: int, d: int, k: int) -> int:
        """Paid time and preference points of one worked cell."""
        inst = self.inst
        o = inst.options[k]
        pref = inst.agents[ai].shift_preference
        pts = PAID_TIME.weight * (o.paid_min // inst.interval)
        return pts + (PREFERENCE.weight if pref and o.template.code in pref.split(";") else 0)

    def _cover_terms(self, model, x, fixed, rows: set[int]):
        """Under-staffing of the (row, block)s a free cell can change; the capacity of fixed cells a constant."""
        const = self.capacity({c: t for c, t in fixed.items() if t is not None})
        by_block: dict[int, list] = {}
        for (ai, d, t), v in x.items():
            for b, w in self.cell_blocks(ai, d, int(t)).items():
                by_block.setdefault(b, []).append((ai, w, v))
        slopes, bps = UNDER_STAFFING.slopes, UNDER_STAFFING.breakpoints
        pens = []
        for b, items in sorted(by_block.items()):
            for r in np.flatnonzero(self.req_b[:, b] > 0):
                terms = [w * v for ai, w, v in items if self.rows_of_agent[ai, r]]
                if not terms:
                    continue
                R = int(self.req_b[r, b])
                if R <= const[r, b]:  # met by the fixed cells alone: nothing free can make it short
                    continue
                u = model.NewIntVar(0, R - int(const[r, b]), "")
                model.Add(u >= R - int(const[r, b]) - sum(terms))
                pens.append(penalty(model, u, R, int(self.weight[r]), "", slopes, bps))
        return sum(pens)

    def _fairness_terms(self, model, x, fixed, rows: set[int]):
        """Spreads of the fairness groups holding a free agent, the others' counts constants."""
        spreads = []
        for ais in self.groups:
            if not rows & set(ais):
                continue
            for kind in self._kinds():
                counts = []
                for ai in ais:
                    const = self._before(ai, kind)
                    const += sum(1 for d in range(self.n_days) if self._is_kind(kind, d, fixed.get((ai, d))))
                    lits = [v for (a2, d, t), v in x.items() if a2 == ai and self._is_kind(kind, d, t)] \
                        if ai in rows else []
                    counts.append((const, lits))
                top = self.n_days + (self.inst.earlier.days if self.inst.earlier else 0)
                hi, lo = model.NewIntVar(0, top, ""), model.NewIntVar(0, top, "")
                for const, lits in counts:
                    model.Add(hi >= const + sum(lits))
                    model.Add(lo <= const + sum(lits))
                spreads.append(hi - lo)
        return FAIRNESS.weight * sum(spreads)

    def _kinds(self) -> list[str]:
        rot = self.inst.config.rotation
        kinds = list(self.codes) if rot.fair_shift_types else []
        return kinds + (["weekend"] if rot.fair_weekends and self.weekend else [])

    def _is_kind(self, kind: str, d: int, t: str | None) -> bool:
        if t is None:
            return False
        return d in self.weekend if kind == "weekend" else self.inst.options[int(t)].template.code == kind

    def _before(self, ai: int, kind: str) -> int:
        e = self.inst.earlier
        if e is None:
            return 0
        aid = self.inst.agents[ai].agent_id
        return e.weekend_shifts.get(aid, 0) if kind == "weekend" else e.shifts_by_code.get((aid, kind), 0)

    # ------------------------------------------------------------------ scoring a whole roster

    def _rows(self, roster: dict[Cell, str]) -> dict[int, tuple[tuple[int, str], ...]]:
        out: dict[int, list] = {}
        for (ai, d), t in sorted(roster.items()):
            out.setdefault(ai, []).append((d, t))
        return {ai: tuple(v) for ai, v in out.items()}

    def _row_terms(self, ai: int, row: tuple[tuple[int, str], ...]) -> tuple[np.ndarray, int, int]:
        """Agent ai's (capacity per block, overtime minutes, paid time and preference points) for its worked
        cells `row` ((day, option) pairs), remembered: a search step changes a few rows only."""
        key = (ai, row)
        hit = self._cache.get(key)
        if hit is None:
            cap = np.zeros(self.nb, dtype=np.int32)
            for d, t in row:
                for b, w in self.cell_blocks(ai, d, int(t)).items():
                    cap[b] += w
            hit = (cap, self.overtime_min(ai, dict(row)), sum(self._cell_points(ai, d, int(t)) for d, t in row))
            if len(self._cache) >= ROW_CACHE:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def capacity(self, roster: dict[Cell, str]) -> np.ndarray:
        """(rows, blocks) on-phone capacity of the worked cells of `roster`, in quarters of an interval."""
        rows = self._rows(roster)
        if not rows:
            return np.zeros((len(self.inst.rows), self.nb), dtype=np.int64)
        ais = sorted(rows)
        caps = np.vstack([self._row_terms(ai, rows[ai])[0] for ai in ais])
        return self.rows_of_agent[ais].T.astype(np.int64) @ caps

    def under_points(self, roster: dict[Cell, str]) -> np.ndarray:
        """(rows, blocks) under-staffing points, as the model's penalty sets them."""
        R = self.req_b
        u = np.clip(R - self.capacity(roster), 0, None)
        (s1, s2, s3), (b1, b2) = UNDER_STAFFING.slopes, UNDER_STAFFING.breakpoints
        c1, c2 = np.floor(b1 * R + 1e-9).astype(np.int64), np.floor(b2 * R + 1e-9).astype(np.int64)
        pen = np.maximum.reduce([s1 * u, s2 * u - (s2 - s1) * c1, s3 * u - (s3 - s2) * c2 - (s2 - s1) * c1])
        return np.where(R > 0, pen, 0) * self.weight[:, None]

    def overtime_min(self, ai: int, row: dict[int, str]) -> int:
        """Agent ai's overtime minutes for its worked days `row` (day -> option), as the model's overtime
        variables come out at their least."""
        inst = self.inst
        paid = {d: inst.options[int(t)].paid_min for d, t in row.items()}
        if getattr(inst.config.rules, "cycle_months", 0):
            total = 0
            for _part, _ai, lim, worked in _cycle_terms(_PaidView(inst, ai, paid)):
                if lim["hi"] - lim["contract"] > 0:
                    total += max(0, worked - lim["contract"] - lim["over"])
            return total
        total = 0
        day_min = round(inst.config.rules.max_hours_day * 60)
        for days, contract, _hi, daily in overtime_weeks(inst, ai):
            week = sum(paid.get(d, 0) for d in days)
            ot = max(0, week - contract)
            if daily:
                ot = max(ot, week - day_min * sum(1 for d in days if d in paid))
            total += ot
        return total

    def objective(self, roster: dict[Cell, str]) -> int:
        """The whole model's objective of `roster`, in points (`wfm.roster.objective`)."""
        rows = self._rows(roster)
        terms = [self._row_terms(ai, rows.get(ai, ())) for ai in range(self.n_staff)]
        pts = int(self.under_points(roster).sum())
        pts += sum(points + OVERTIME.weight * ot for _, ot, points in terms)
        pts += FAIRNESS.weight * self.fairness_spread(roster)
        return pts

    def fairness_spread(self, roster: dict[Cell, str]) -> int:
        counts = Counter()
        for (ai, d), t in roster.items():
            for kind in self._kinds():
                if self._is_kind(kind, d, t):
                    counts[ai, kind] += 1
        return sum(max(c) - min(c) for ais in self.groups for kind in self._kinds()
                   for c in [[counts[ai, kind] + self._before(ai, kind) for ai in ais]])

    def bad_slots(self, roster: dict[Cell, str]) -> list[tuple[int, str, int]]:
        """(day, option covering the block most, points) of every under-staffed (row, block)."""
        pts = self.under_points(roster)
        out = []
        per_day_blocks = self.inst.per_day // self.g
        for r, b in zip(*np.nonzero(pts)):
            d = min(self.n_days - 1, int(b) // per_day_blocks)
            k = max(range(len(self.inst.options)), key=lambda k: self.blocks[k].get(int(b) - d * per_day_blocks, 0))
            out.append((d, str(k), int(pts[r, b])))
        return out

    def short_blocks(self, roster: dict[Cell, str]) -> list[tuple[int, int, int]]:
        """(row, block, points) of every under-staffed (row, block)."""
        pts = self.under_points(roster)
        return [(int(r), int(b), int(pts[r, b])) for r, b in zip(*np.nonzero(pts))]

    def missed_requests(self, roster: dict[Cell, str]) -> list[tuple[int, int, int]]:
        """(agent, day, points) of worked days off the agent's preferred templates."""
        inst = self.inst
        return [(ai, d, -PREFERENCE.weight) for (ai, d), t in roster.items()
                if inst.agents[ai].shift_preference
                and inst.options[int(t)].template.code not in inst.agents[ai].shift_preference.split(";")]


class _PaidView:
    """What `rules._cycle_terms` reads of a context: the instance cut to agent ai, its worked days' paid minutes."""

    def __init__(self, inst: Instance, ai: int, paid: dict[int, int]):
        self.inst = dataclasses.replace(inst, agents=[inst.agents[ai]],
                                        credit=None if inst.credit is None else inst.credit[[ai]])
        self._paid = paid

    def paid(self, _ai: int, days) -> int:
        return sum(self._paid.get(d, 0) for d in days)


def as_cells(assignment: dict[tuple[int, int], int]) -> dict[Cell, str]:
    return {c: str(k) for c, k in assignment.items()}


def as_assignment(roster: dict[Cell, str]) -> dict[tuple[int, int], int]:
    return {c: int(t) for c, t in roster.items()}
