"""The Curtois & Qu benchmark as a CP-SAT model built from the roster engine's rule pieces: bool x[e,d,t]
(employee e works shift type t on day d); the hotline rule classes driven through a thin adapter
(`_RuleContext`), the general rule functions of `wfm.roster.pieces`, and the benchmark's objective as soft terms."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from types import SimpleNamespace

from ortools.sat.python import cp_model

from benchmarks.curtois_reader import CurtoisProblem, cover_penalty
from wfm.roster import pieces, rules


class _RuleContext:
    """What a `wfm.roster.rules.Rule` sees (ctx.inst, ctx.model, ctx.add, ctx.work, ctx.paid, ...), for a group
    of benchmark employees that share the rule's parameter. `inst` is a stand-in carrying only the fields the
    rule reads: the period, the agents' hour bounds and the config values of the rule."""

    def __init__(self, model, work, paid_terms, members: list[int], days: int, rule_values: dict,
                 agents: list | None = None):
        self.model = model
        self.members = members  # local agent index -> employee index
        self._work = work
        self._paid = paid_terms
        self.overtime: list = []
        start = datetime.date(2024, 1, 1)  # a Monday: the benchmark's day 0 is a Monday
        self.inst = SimpleNamespace(
            agents=agents if agents is not None else [SimpleNamespace(agent_id=str(e)) for e in members],
            days=days,
            start=start,
            previous={},
            config=SimpleNamespace(rules=SimpleNamespace(max_hours_day=24, **rule_values)),
            weeks=lambda: [list(range(w, min(w + 7, days))) for w in range(0, days, 7)],
            date=lambda d: start + datetime.timedelta(days=d),
        )

    def add(self, constraint, rule: str, ai) -> None:
        if isinstance(constraint, bool):
            if not constraint:
                raise ValueError(f"rule {rule} cannot hold for employee {self.members[ai]}")
            return
        self.model.Add(constraint)

    def work(self, ai: int, d: int):
        return self._work[self.members[ai]][d]

    def paid(self, ai: int, days: list[int]):
        return sum(m * v for d in days for m, v in self._paid[self.members[ai]][d])

    def previous_run(self, agent) -> int:
        return 0  # the benchmark has no previous roster: the days before day 0 are off


# ----------------------------------------------------------------------------- the model


@dataclass
class Built:
    model: cp_model.CpModel
    x: dict[tuple[int, int, str], cp_model.IntVar]  # the free cells' variables only
    objective: object


def build(p: CurtoisProblem, fixed: dict[tuple[int, int], str | None] | None = None) -> Built:
    """The model; cells (employee, day) in `fixed` are constants (their shift, or None = off), not variables.

    Used whole for the first solve (`build_full`, from the hotline's rule classes) and with most cells fixed for
    each LNS step and construction row (`build_local`: only the constraints that reach a free cell, the fixed
    cells' share of the whole-row rules folded into constants). The objective of a partly fixed model leaves out
    constant terms, so LNS compares candidates by `objective()` on the whole roster.
    """
    return build_local(p, fixed) if fixed else build_full(p, fixed)


def build_full(p: CurtoisProblem, fixed: dict[tuple[int, int], str | None] | None = None) -> Built:
    """The model with every rule walked over every active employee's whole row: used for the whole model, and
    as the reference `build_local` is tested against. Employees with every cell fixed get no constraints (the
    incumbent already meets them) and add only constants to the cover."""
    fixed = fixed or {}
    m = cp_model.CpModel()
    E, D = len(p.staff), p.days
    x: dict[tuple[int, int, str], cp_model.IntVar] = {}
    const: dict[tuple[int, int, str], int] = {}
    work, paid = [], []
    n_fixed = Counter(e for e, _ in fixed)
    active = [e for e in range(E) if n_fixed[e] < D]
    for (e, d), t in fixed.items():  # the cover's constants
        if t is not None:
            const[e, d, t] = 1
    is_active = set(active)
    for e in range(E):
        row, prow = [], []
        if e not in is_active:  # no rule is posted for a wholly fixed employee: skip building their rows
            work.append(row)
            paid.append(prow)
            continue
        for d in range(D):
            if (e, d) in fixed:
                t = fixed[e, d]
                row.append(1 if t is not None else 0)
                prow.append([(p.minutes[t], 1)] if t is not None else [])
                continue
            ts = [t for t in p.shifts if p.can_work(e, d, t)]
            for t in ts:
                x[e, d, t] = m.NewBoolVar(f"x_{e}_{d}_{t}")
            w = m.NewBoolVar(f"w_{e}_{d}")
            m.Add(w == sum(x[e, d, t] for t in ts))  # at most one shift a day
            row.append(w)
            prow.append([(p.minutes[t], x[e, d, t]) for t in ts])
        work.append(row)
        paid.append(prow)
    def lit(e, d, t):
        return x[e, d, t] if (e, d, t) in x else const.get((e, d, t), 0)

    staff = {e: p.staff[e] for e in active}

    def groups(key) -> dict:
        out: dict = {}
        for e, s in staff.items():
            out.setdefault(key(s), []).append(e)
        return out

    # hotline rule classes through the adapter
    for (lo, hi), members in groups(lambda s: (s.min_minutes, s.max_minutes)).items():
        agents = [SimpleNamespace(agent_id=str(e), contract_hours_week=hi * 7 / (60 * D),
                                  min_hours_week=lo * 7 / (60 * D), max_hours_week=hi * 7 / (60 * D))
                  for e in members]
        ctx = _RuleContext(m, work, paid, members, D, {"hours_averaging": "period"}, agents)
        rules.ContractHours("contract_hours").add(ctx)
    for n, members in groups(lambda s: s.max_consecutive).items():
        ctx = _RuleContext(m, work, paid, members, D, {"max_consecutive_days": n})
        rules.MaxConsecutiveDays("max_consecutive_days").add(ctx)
    n_weekends = len([d for d in range(D - 1) if d % 7 == 5])
    for k, members in groups(lambda s: s.max_weekends).items():
        if k >= n_weekends:
            continue
        ctx = _RuleContext(m, work, paid, members, D,
                           {"min_weekends_off_period": (n_weekends - k) * 4 / n_weekends})
        rules.WeekendsOff("weekends_off").add(ctx)

    # general rule functions (wfm.roster.pieces)
    ctx = _RuleContext(m, work, paid, list(range(E)), D, {})
    for e, s in staff.items():
        for t in p.shifts:
            # only the free cells as variables, the cap less the fixed shifts of that type (an LNS step frees a
            # few days of a row: passing the constants too made the rules half the time of a step on 120 staff)
            lits = [lit(e, d, t) for d in range(D)]
            free = [v for v in lits if not isinstance(v, int)]
            cap = s.max_shifts[t] - sum(v for v in lits if isinstance(v, int))
            if free:
                pieces.max_shifts_of_kind(ctx, free, cap, "max_shifts", e)
            else:
                ctx.add(cap >= 0, "max_shifts", e)
        for d in range(D - 1):
            if (e, d) in fixed and (e, d + 1) in fixed:
                continue
            today = {t: v for t in p.shifts if not _zero(v := lit(e, d, t))}  # a shift not worked is absent
            tomorrow = {t: v for t in p.shifts if not _zero(v := lit(e, d + 1, t))}
            pieces.forbidden_successions(ctx, today, tomorrow, p.forbidden_next, "shift_rotation", e)
        pieces.min_run_length(ctx, work[e], s.min_consecutive, "min_consecutive_shifts", e, value=1)
        pieces.min_run_length(ctx, work[e], s.min_consecutive_off, "min_consecutive_days_off", e, value=0)

    # soft terms, exactly the benchmark's objective (constant terms of fixed cells left out)
    def free_cell(emp, d):
        return (p.staff_index[emp], d) not in fixed

    on = [(lit(p.staff_index[emp], d, t), w) for emp, d, t, w in p.on_requests if free_cell(emp, d)]
    off = [(lit(p.staff_index[emp], d, t), w) for emp, d, t, w in p.off_requests if free_cell(emp, d)]
    terms = [pieces.soft_requests(on, off)]
    on_slot: dict[tuple[int, str], list] = {}
    for (_e, d, t), v in x.items():
        on_slot.setdefault((d, t), []).append(v)
    for (_e, d, t), v in const.items():
        on_slot.setdefault((d, t), []).append(v)
    for (d, t), (r, wu, wo) in sorted(p.cover.items()):
        on = on_slot.get((d, t), [])
        free = [v for v in on if not isinstance(v, int)]
        n = sum(v for v in on if isinstance(v, int))
        if len(free) <= 1:  # a constant, or linear in the one free cell (LNS steps, the construction)
            base = cover_penalty(n, r, wu, wo)
            terms.append(base + (cover_penalty(n + 1, r, wu, wo) - base) * free[0] if free else base)
            continue
        pen, _, _ = pieces.soft_cover(m, sum(on), r, wu, wo, E, f"cover_{d}_{t}")
        terms.append(pen)
    obj = sum(terms)
    m.Minimize(obj)
    return Built(m, x, obj)


class _Posting:
    """The `ctx` the rule pieces post through (`ctx.add(constraint, rule, person)`), for `build_local`: a
    constraint that is a constant must hold, else the model is made infeasible (as the solver would find it)."""

    def __init__(self, model: cp_model.CpModel):
        self.model = model

    def add(self, constraint, rule: str, ai) -> None:
        if isinstance(constraint, bool):
            if not constraint:
                self.model.add_bool_or([])  # an empty clause: infeasible
            return
        self.model.add(constraint)


class _Around:
    """The fixed cells of a step as `build_local` reads them (`get`, `in`, `[]`), every cell but `free` at its
    value in `roster`, without a dict of the whole roster (`build_around`)."""

    def __init__(self, roster: dict[tuple[int, int], str], free: set[tuple[int, int]]):
        self.roster, self.free = roster, free

    def __contains__(self, cell: tuple[int, int]) -> bool:
        return cell not in self.free

    def __getitem__(self, cell: tuple[int, int]) -> str | None:
        return self.roster.get(cell)

    def get(self, cell: tuple[int, int], default: str | None = None) -> str | None:
        return default if cell in self.free else self.roster.get(cell, default)


def build_around(p: CurtoisProblem, roster: dict[tuple[int, int], str], free: set[tuple[int, int]]) -> Built:
    """`build(fixed)` with every cell but `free` fixed to `roster`, the same model, in time of the free cells:
    no dict of the whole roster is made (on 150 staff x 364 days that dict and the walk to find the free cells
    took 40 ms of a step)."""
    if len(free) >= len(p.staff) * p.days:
        return build_full(p, {})
    by_employee: dict[int, list[int]] = {}
    for e, d in free:
        by_employee.setdefault(e, []).append(d)
    free_days = {e: sorted(by_employee[e]) for e in sorted(by_employee)}
    return build_local(p, _Around(roster, free), free_days)  # type: ignore[arg-type]


def build_local(p: CurtoisProblem, fixed: dict[tuple[int, int], str | None],
                free_days: dict[int, list[int]] | None = None) -> Built:
    """`build_full`'s model for a few free cells (those not in `fixed`) among many fixed ones, built in time of
    the free cells rather than of the whole roster (a 7-28-day step on 50 staff x 364 days: the whole-row walk
    took as long as the sub-solve). It assumes what LNS and the construction guarantee: the fixed cells of each
    employee with a free cell come from a row that holds the rules. Then a rule's constraints that reach no free
    cell hold already and are left out: runs, successions and consecutive days are posted only near the free
    days (within the longest run rule); hours, shifts of a type and weekends worked count the fixed cells as a
    constant. So it admits exactly the rows `build_full` admits (tests/test_curtois_local_model.py). `free_days`:
    each employee's free days in order, employees in order, when the caller knows them."""
    m = cp_model.CpModel()
    E, D = len(p.staff), p.days
    post = _Posting(m)
    if free_days is None:  # the free days of each employee with one, from `fixed` (`build_around` gives them)
        free_days = {}
        for e in range(E) if len(fixed) < E * D else ():
            days = [d for d in range(D) if (e, d) not in fixed]
            if days:
                free_days[e] = days
    x: dict[tuple[int, int, str], cp_model.IntVar] = {}
    on_slot: dict[tuple[int, str], list] = {}
    requests = p.request_gains()
    request_terms = []
    n_weekends = len([d for d in range(D - 1) if d % 7 == 5])
    for e, days in free_days.items():
        s = p.staff[e]
        row: list = [0] * D
        minutes = 0
        of_type: Counter = Counter()
        for d in range(D):
            t = fixed.get((e, d))
            if t is not None:
                row[d] = 1
                minutes += p.minutes[t]
                of_type[t] += 1
        paid, paid_min, kind = [], [], {t: [] for t in p.shifts}
        for d in days:
            ts = [t for t in p.shifts if p.can_work(e, d, t)]
            w = m.new_bool_var(f"w_{e}_{d}")
            for t in ts:
                v = x[e, d, t] = m.new_bool_var(f"x_{e}_{d}_{t}")
                paid.append(v)
                paid_min.append(p.minutes[t])
                kind[t].append(v)
                on_slot.setdefault((d, t), []).append(v)
            m.add(w == cp_model.LinearExpr.sum([x[e, d, t] for t in ts]))  # at most one shift a day
            row[d] = w
            for t, weight in requests.get((e, d), ()):  # +weight: wanted (on), -weight: unwanted (off)
                if (e, d, t) in x:
                    request_terms.append(-weight * x[e, d, t])
        worked = cp_model.LinearExpr.weighted_sum(paid, paid_min)
        post.add(worked >= s.min_minutes - minutes, "contract_hours", e)
        post.add(worked <= s.max_minutes - minutes, "contract_hours", e)
        for t in p.shifts:
            if kind[t]:
                pieces.max_shifts_of_kind(post, kind[t], s.max_shifts[t] - of_type[t], "max_shifts", e)
        pieces.max_run_length(post, row, s.max_consecutive, "max_consecutive_days", e, near=days)
        pieces.min_run_length(post, row, s.min_consecutive, "min_consecutive_shifts", e, value=1, near=days)
        pieces.min_run_length(post, row, s.min_consecutive_off, "min_consecutive_days_off", e, value=0, near=days)
        pairs = sorted({d0 for d in days for d0 in (d - 1, d) if 0 <= d0 < D - 1})
        for d in pairs:
            today = _shift_lits(p, e, d, fixed, x)
            tomorrow = _shift_lits(p, e, d + 1, fixed, x)
            _successions(m, today, tomorrow, p.forbidden_next)
        if s.max_weekends < n_weekends:
            offs, fixed_off = [], 0
            for sat in range(5, D - 1, 7):
                wk = (row[sat], row[sat + 1])
                if any(isinstance(v, int) and v == 1 for v in wk):
                    continue  # worked on a fixed day
                if all(isinstance(v, int) for v in wk):
                    fixed_off += 1
                    continue
                off = m.new_bool_var(f"wkoff_{e}_{sat}")
                for v in wk:
                    if not isinstance(v, int):
                        m.add(v + off <= 1)
                offs.append(off)
            post.add(sum(offs) >= n_weekends - s.max_weekends - fixed_off, "weekends_off", e)
    terms = [sum(request_terms)]
    fixed_on = {d: Counter(fixed.get((e, d)) for e in range(E)) for d in {d for d, _ in on_slot}}
    for (d, t), free in sorted(on_slot.items()):
        r, wu, wo = p.cover.get((d, t), (0, 0, 0))
        if not (wu or wo):
            continue
        n = fixed_on[d][t]
        terms.append(_cover_term(m, n, free, r, wu, wo))
    obj = sum(terms)
    m.minimize(obj)
    return Built(m, x, obj)


def _cover_term(m: cp_model.CpModel, n: int, free: list, r: int, w_under: int, w_over: int):
    """One cover slot's penalty less its value with no free cell on it (a constant left out), `n` fixed cells on
    it and the `free` cells' literals: linear when every count the free cells can give is on one side of the
    requirement (all over, or all under: most slots of a step), else one variable for the units under (the
    penalty is convex: w_under * under + w_over * (assigned - requirement + under), under >= requirement -
    assigned). The same optimum as `pieces.soft_cover`, with a smaller model for the step's presolve."""
    assigned = cp_model.LinearExpr.sum(free)
    if n >= r:  # over or met whatever the free cells do
        return w_over * assigned
    if n + len(free) <= r:  # under or met whatever the free cells do
        return -w_under * assigned
    under = m.new_int_var(0, r - n, "")
    m.add(under + assigned >= r - n)
    return (w_under + w_over) * (under - (r - n)) + w_over * assigned


def _successions(m: cp_model.CpModel, today: dict, tomorrow: dict, forbidden: dict[str, set[str]]) -> None:
    """`pieces.forbidden_successions` for `build_local`, as at-most-one constraints (no linear expression to
    build): a fixed cell's shift is the constant 1 in `today` or `tomorrow`, and then the shifts it clashes with
    are barred. Both days fixed never reach here (a pair is posted only next to a free day)."""
    for k, v in today.items():
        clash = [tomorrow[k2] for k2 in forbidden.get(k, ()) if k2 in tomorrow]
        if not clash:
            continue
        lits = [v, *clash]
        free = [lit for lit in lits if not isinstance(lit, int)]
        if len(free) == len(lits):
            m.add_at_most_one(lits)
        elif len(free) == len(lits) - 1:
            m.add_bool_and([~lit for lit in free])
        else:
            m.add_bool_or([])  # two fixed shifts that clash: infeasible


def _shift_lits(p: CurtoisProblem, e: int, d: int, fixed, x) -> dict:
    """Employee e's shift literals on day d, as `forbidden_successions` takes them: the free cell's variables,
    or the fixed cell's shift as the constant 1 (a shift not worked is absent)."""
    if (e, d) in fixed:
        t = fixed[e, d]
        return {} if t is None else {t: 1}
    return {t: x[e, d, t] for t in p.shifts if (e, d, t) in x}


def _zero(v) -> bool:
    """Whether a cell's literal is the constant 0 (a CP-SAT variable is never)."""
    return isinstance(v, int) and v == 0
