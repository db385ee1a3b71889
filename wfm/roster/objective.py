"""The soft terms of the roster objective: each a named object, registered once in `SOFT_TERMS`.

The unit is the **point**: one point is the cost of one paid interval of one agent (the paid-time term, weight 1).
Every term's `weight` is the points one of its `unit`s costs (negative: earns); the shift-assignment model
minimises the sum of the terms' points (`SoftTerm.add`), the construction heuristic reads the same weights, and
the checker side measures each term by name on a finished roster (`wfm.roster.score`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from wfm.roster.context import Context
from wfm.roster.coverage import pooled_coverage, queue_coverage


@dataclass
class CoverInputs:
    """What the under-staffing term needs from the model's capacity part, and what it leaves for progress reports:
    the shortfall variables' total (`short_total`, in quarter agent-intervals) and the requirement's."""

    need: object  # coverage rows x intervals (`Instance.coverage_req`)
    classes: list
    cap_terms: dict
    blocks: int
    block_len: int
    prio: list[int]
    short_total: cp_model.IntVar | None = None
    total_req: int = 0


@dataclass(frozen=True)
class SoftTerm:
    """A soft term: its name, what it means in plain words, the unit its quantity counts and the points one
    unit costs."""

    name: str
    words: str
    unit: str
    weight: int

    def add(self, ctx: Context, cover: CoverInputs):  # pragma: no cover - interface
        """The term's points as a linear expression of the model's variables (adding any it needs)."""
        raise NotImplementedError


@dataclass(frozen=True)
class UnderStaffing(SoftTerm):
    """Each coverage row's shortfall per time block, at `weight` points per quarter agent-interval short while the
    shortfall is within the first breakpoint's share of the requirement, `depth` times that beyond each
    breakpoint (convex: deep holes cost more than shallow ones), times the queue's priority."""

    depth: tuple[int, int, int] = (1, 2, 4)
    breakpoints: tuple[float, float] = (0.25, 0.5)

    @property
    def slopes(self) -> tuple[int, int, int]:
        """Points per quarter agent-interval short in each depth band, at priority 1."""
        a, b, c = (self.weight * m for m in self.depth)
        return a, b, c

    def add(self, ctx: Context, cover: CoverInputs):
        inst, model = ctx.inst, ctx.model
        build = pooled_coverage if inst.pooled else queue_coverage
        pens, shorts, total_req = build(inst, model, cover.need, cover.classes, cover.cap_terms, cover.blocks,
                                        cover.block_len, cover.prio, self.slopes, self.breakpoints)
        cover.short_total = model.NewIntVar(0, max(total_req, 0), "short_total")
        model.Add(cover.short_total == sum(shorts))
        cover.total_req = total_req
        return sum(pens)


@dataclass(frozen=True)
class PaidTime(SoftTerm):
    """Every paid interval of a shift (the roster's cost)."""

    def add(self, ctx: Context, cover: CoverInputs):
        inst = ctx.inst
        return self.weight * sum(inst.options[k].paid_min // inst.interval * v for (ai, d, k), v in ctx.x.items())


@dataclass(frozen=True)
class Overtime(SoftTerm):
    """Paid minutes above the contract (week by week, or above a 综合计算工时 cycle's contract), on top of
    their pay."""

    def add(self, ctx: Context, cover: CoverInputs):
        ot = sum(ctx.overtime) if ctx.overtime else 0
        return self.weight * ot


@dataclass(frozen=True)
class Preference(SoftTerm):
    """A shift of one of the agent's preferred templates (the agents table's `shift_preference`)."""

    def add(self, ctx: Context, cover: CoverInputs):
        inst = ctx.inst
        pref_terms = []
        for (ai, _d, k), v in ctx.x.items():
            pref = inst.agents[ai].shift_preference
            if pref and inst.options[k].template.code in pref.split(";"):
                pref_terms.append(v)
        return self.weight * sum(pref_terms)


@dataclass(frozen=True)
class Fairness(SoftTerm):
    """The spread (most minus fewest) of each shift template's and of weekend shifts among one team's agents of
    one contract (supervisors apart), the previous roster's joined days counted (`Instance.earlier`)."""

    def add(self, ctx: Context, cover: CoverInputs):
        return self.weight * sum(fairness_spreads(ctx))


def fairness_groups(agents) -> list[list[int]]:
    """The agent indices of each fairness group (team and weekly contract hours, supervisors apart) of two or more."""
    groups: dict[tuple[str, float], list[int]] = {}
    for ai, a in enumerate(agents):
        if not a.is_supervisor:
            groups.setdefault((a.team, a.contract_hours_week), []).append(ai)
    return [ais for ais in groups.values() if len(ais) >= 2]


def fairness_spreads(ctx: Context) -> list:
    """One spread variable per fairness group and kind of shift (each template code, weekends)."""
    inst, model = ctx.inst, ctx.model
    rot = inst.config.rotation
    codes = sorted({o.template.code for o in inst.options})
    wk = {d for d in range(inst.days) if inst.date(d).weekday() >= 5}
    e = inst.earlier
    spreads = []
    for ais in fairness_groups(inst.agents):
        kinds = []  # (agent -> its shift literals of the kind, agent -> such shifts on the previous roster's days)
        if rot.fair_shift_types:
            for code in codes:
                kinds.append((lambda ai, code=code: [v for (a2, d, k), v in _agent_vars(ctx, ai)
                                                     if inst.options[k].template.code == code],
                              lambda ai, code=code: e.shifts_by_code.get((inst.agents[ai].agent_id, code), 0)))
        if rot.fair_weekends and wk:
            kinds.append((lambda ai: [v for (a2, d, k), v in _agent_vars(ctx, ai) if d in wk],
                          lambda ai: e.weekend_shifts.get(inst.agents[ai].agent_id, 0)))
        top = inst.days + (e.days if e else 0)
        for kind, before in kinds:
            counts = []
            for ai in ais:
                c = model.NewIntVar(0, top, f"fair_count_{ai}")
                model.Add(c == sum(kind(ai)) + (before(ai) if e else 0))  # counters carried from the previous roster
                counts.append(c)
            hi = model.NewIntVar(0, top, "fair_max")
            lo = model.NewIntVar(0, top, "fair_min")
            model.AddMaxEquality(hi, counts)
            model.AddMinEquality(lo, counts)
            s = model.NewIntVar(0, top, "fair_spread")
            model.Add(s == hi - lo)
            spreads.append(s)
    return spreads


def _agent_vars(ctx: Context, ai: int):
    inst = ctx.inst
    for d in range(inst.days):
        for k in inst.allowed[ai][d]:
            yield (ai, d, k), ctx.x[ai, d, k]


UNDER_STAFFING = UnderStaffing(
    "under_staffing", "under-staffing: agents short of the requirement, deeper holes and higher-priority queues "
    "weighing more", "quarter agent-interval short (x2 beyond 25% of the requirement short, x4 beyond 50%; "
    "times the queue's priority)", 10)
PAID_TIME = PaidTime("paid_time", "paid time: every paid interval rostered (the roster's cost)",
                     "paid interval of one agent", 1)
OVERTIME = Overtime("overtime", "overtime: paid time above the contract, on top of its pay", "minute of overtime", 2)
PREFERENCE = Preference("preferences", "shift preferences met: a shift of a template the agent prefers",
                        "shift on a preferred template", -8)
FAIRNESS = Fairness("fairness", "fairness: the spread of night, per-template and weekend shifts within a team's "
                    "agents of one contract", "shift of spread between two agents of a group", 30)

# in the order the objective adds them (the model's variables are created in this order)
SOFT_TERMS: tuple[SoftTerm, ...] = (UNDER_STAFFING, PAID_TIME, OVERTIME, PREFERENCE, FAIRNESS)


def objective(ctx: Context, cover: CoverInputs):
    """The model's objective: the sum of every soft term's points."""
    points = [term.add(ctx, cover) for term in SOFT_TERMS]
    total = points[0]
    for p in points[1:]:
        total = total + p
    return total


__all__ = ["CoverInputs", "SoftTerm", "SOFT_TERMS", "UNDER_STAFFING", "PAID_TIME", "OVERTIME", "PREFERENCE",
           "FAIRNESS", "objective", "fairness_groups"]
