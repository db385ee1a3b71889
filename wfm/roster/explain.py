"""Plain-words explanations of why no roster meets the hard rules.

The rule model is rebuilt with one assumption literal per rule and agent (CP-SAT enforcement literals); when it
is infeasible, CP-SAT's sufficient assumptions name a small set of rules and people that clash. Agents whose own
inputs leave no shift at all (availability, requested days off) are named before any solve.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from wfm.calendar import clock
from wfm.roster.budget import DTIME_PER_S, run_solver, wall_cap
from wfm.roster.context import Context
from wfm.roster.problem import Instance, sub_instance
from wfm.roster.rules import RULE_WORDS, RULES, hours_bounds, leave_credit


def _clock(m):
    return "-" if m is None else clock(m)


PERSON_S = 0.05  # reference seconds of CP-SAT per person checked alone
MAX_NAMED = 12  # people named at most


def _alone(inst: Instance, ai: int) -> tuple[int, list[str]]:
    """One agent's rules without the others (and without the supervisor rule, which needs them all): the
    solver status and, when infeasible, the names of the rules in the clash."""
    sub = sub_instance(inst, [ai])
    model = cp_model.CpModel()
    ctx = Context(sub, model, explain=True)
    ctx.choose_shifts()
    for rule in RULES:
        if rule.name != "supervisor_on_duty":
            rule.add(ctx)
    lits = list(ctx.assumptions.items())
    model.AddAssumptions([v for _, v in lits])
    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = PERSON_S * DTIME_PER_S
    solver.parameters.num_workers = 1
    status = run_solver(solver, model)
    if status != cp_model.INFEASIBLE:
        return status, []
    core = set(solver.SufficientAssumptionsForInfeasibility())
    return status, sorted({rule for (rule, _), v in lits if v.Index() in core})


def _people_alone(inst: Instance, time_limit_s: float) -> list[str]:
    """Lines for the people whose own rules clash whatever the others do (people with the same inputs are
    checked once), within half of `time_limit_s` of wall clock."""
    import time

    deadline = time.perf_counter() + max(1.0, time_limit_s / 2)
    seen: dict[tuple, list[str]] = {}
    found: list[tuple[int, list[str]]] = []
    for ai, a in enumerate(inst.agents):
        key = (a.contract_hours_week, a.min_hours_week, a.max_hours_week, a.available_from, a.available_to,
               tuple(tuple(r) for r in inst.allowed[ai]),
               None if inst.credit is None else tuple(inst.credit[ai]))
        if key not in seen:
            if time.perf_counter() > deadline:
                break
            seen[key] = _alone(inst, ai)[1]
        if seen[key]:
            found.append((ai, seen[key]))
    lines = []
    for ai, rules in found[:MAX_NAMED]:
        a = inst.agents[ai]
        lo, hi = hours_bounds(inst, a, min(7, inst.days))
        lines.append(f"{a.agent_id} ({a.name}, team {a.team}): these rules cannot all hold for this person, whatever "
                     f"the others do: {'; '.join(RULE_WORDS.get(r, r) for r in rules)} "
                     f"({lo / 60:.1f}-{hi / 60:.1f} h a week, availability {_clock(a.available_from)}-"
                     f"{_clock(a.available_to)}, {len(a.days_off_requested)} requested day(s) off).")
    if len(found) > MAX_NAMED:
        lines.append(f"... and {len(found) - MAX_NAMED} more people like these.")
    return lines


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
    if not lines:  # each person alone first: small models, answered at any time limit
        lines += _people_alone(inst, time_limit_s)
    if lines:
        return lines + ["Relax one of these (config [rules] or the agents table) and run again."]
    model = cp_model.CpModel()
    ctx = Context(inst, model, explain=True)
    ctx.choose_shifts()
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
