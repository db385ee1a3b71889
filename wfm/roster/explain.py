"""Plain-words explanations of why no roster meets the hard rules.

The rule model is rebuilt with one assumption literal per rule and agent (CP-SAT enforcement literals); when it
is infeasible, CP-SAT's sufficient assumptions name a small set of rules and people that clash. Agents whose own
inputs leave no shift at all (availability, requested days off) are named before any solve.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from wfm.roster.model import DTIME_PER_S, Context, run_solver, wall_cap
from wfm.roster.problem import Instance
from wfm.roster.rules import RULE_WORDS, RULES, hours_bounds, leave_credit


def _clock(m):
    return "-" if m is None else f"{m // 60:02d}:{m % 60:02d}"


def explain(inst: Instance, *, time_limit_s: float = 20.0, workers: int = 2) -> list[str]:
    """Plain-words lines naming the clash; `time_limit_s` (reference seconds) becomes a deterministic budget."""
    lines: list[str] = []
    for ai, a in enumerate(inst.agents):
        lo, _ = hours_bounds(inst, a, min(7, inst.days))
        lo = max(0, lo - leave_credit(inst, ai, range(min(7, inst.days))))
        if lo > 0 and not any(inst.allowed[ai][d] for d in range(inst.days)):
            why = []
            if a.available_from is not None or a.available_to is not None:
                why.append(f"availability {_clock(a.available_from)}-{_clock(a.available_to)} fits no shift template")
            if a.days_off_requested:
                why.append(f"{len(a.days_off_requested)} requested day(s) off")
            if getattr(inst, "on_leave", None) is not None and inst.on_leave[ai].any():
                why.append(f"{int(inst.on_leave[ai].sum())} day(s) of leave, {int(inst.credit[ai].sum()) / 60:g} h "
                           "of it paid")
            lines.append(f"{a.agent_id} ({a.name}) can work no shift in the period ({'; '.join(why) or 'no template'})"
                         f" but the contract needs {lo / 60:g} h: relax the availability, the requests or the "
                         "contract hours.")
    model = cp_model.CpModel()
    ctx = Context(inst, model, explain=True)
    for ai in range(len(inst.agents)):
        for d in range(inst.days):
            ks = inst.allowed[ai][d]
            for k in ks:
                ctx.x[ai, d, k] = model.NewBoolVar("")
            if len(ks) > 1:
                model.AddAtMostOne(ctx.x[ai, d, k] for k in ks)
    for rule in RULES:
        rule.add(ctx)
    lits = list(ctx.assumptions.items())
    model.AddAssumptions([v for _, v in lits])
    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = time_limit_s * DTIME_PER_S  # the same core on every run
    solver.parameters.max_time_in_seconds = wall_cap(time_limit_s)  # safety cap only
    solver.parameters.num_workers = 1  # cores are only reported by a single worker
    status = run_solver(solver, model)
    if status == cp_model.INFEASIBLE:
        core = set(solver.SufficientAssumptionsForInfeasibility())
        clash = [key for key, v in lits if v.Index() in core]
        by_rule = defaultdict(list)
        for rule, ai in clash:
            by_rule[rule].append(ai)
        people = sorted({ai for _, ai in clash if ai is not None})
        parts = []
        for rule, ais in by_rule.items():
            who = [inst.agents[ai].agent_id for ai in ais if ai is not None]
            parts.append(f"{RULE_WORDS.get(rule, rule)}" + (f" for {', '.join(who[:12])}"
                                                           + (" ..." if len(who) > 12 else "") if who else ""))
        lines.append("These rules cannot all hold together: " + "; ".join(parts) + ".")
        for ai in people[:12]:
            a = inst.agents[ai]
            lo, hi = hours_bounds(inst, a, min(7, inst.days))
            lines.append(f"  {a.agent_id} ({a.name}, team {a.team}, {a.role}): {lo / 60:.1f}-{hi / 60:.1f} h a week, "
                         f"availability {_clock(a.available_from)}-{_clock(a.available_to)}, "
                         f"{len(a.days_off_requested)} requested day(s) off.")
        if "supervisor_on_duty" in by_rule:
            sups = [a.agent_id for a in inst.agents if a.is_supervisor]
            lines.append(f"  {len(sups)} supervisor(s) ({', '.join(sups[:20])}) cannot keep one on duty at every "
                         "open hour within their own rules (hours, rest, days off, nights); "
                         "add supervisors, allow more night shifts, or set rules.supervisor_on_duty = false.")
        lines.append("Relax one of these (config [rules] or the agents table) and run again.")
    elif status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        lines.append("The labour rules can all be met; the solver ran out of time before finding a roster. "
                     "Give it more time (--time-limit).")
    else:
        lines.append("The solver could not decide in time whether the rules can all be met; give it more time.")
    return lines
