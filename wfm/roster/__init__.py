"""Rosters: who works which shift, with breaks, training and queues, under the labour rules (OR-Tools CP-SAT).

`build_roster` runs the two phases (shift assignment by CP-SAT, then breaks/training/queues per shift) and checks
the result with the independent checker; `check_workbook` verifies a roster workbook, also one edited by hand.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.calendar import clock
from wfm.config import Config
from wfm.errors import WfmError
from wfm.readers.agents import Agent
from wfm.roster.checker import CheckReport, check
from wfm.roster.problem import Instance, PrevShift, build_instance, paid_minutes
from wfm.roster.requests import requests_as_leave
from wfm.roster.stats import RosterStats, ShortQueue, reproducibility_note


class RosterInfeasible(WfmError):
    """No roster meets the hard rules; the message explains which rules and people clash."""

    exit_code = 1

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("no roster meets the hard rules.\n" + "\n".join(lines))


@dataclass
class RosterResult:
    data: pd.DataFrame  # the long table
    codes: pd.DataFrame  # agent rows x day columns of shift codes
    assignment: dict[tuple[str, dt.date], str]
    report: CheckReport
    stats: RosterStats
    agents: list[Agent] = field(default_factory=list)  # as rostered (requests the contract cannot absorb as leave)
    notes: list[str] = field(default_factory=list)


def check_roster_size(n_agents: int, days: int, source: str | Path = "roster") -> None:
    """InputError (exit 2) before any work when agents x days is over `WFM_MAX_AGENT_DAYS`: the model's memory
    and its construction time grow with it (about 0.1 MB per agent-day), and a large agents file given by
    mistake would otherwise run the machine out of memory. `source` names the agents file in the message."""
    from wfm.errors import InputError
    from wfm.readers.tables import limit

    cap = limit("WFM_MAX_AGENT_DAYS")
    if n_agents * days > cap:
        raise InputError(f"{n_agents:,} agents x {days} days = {n_agents * days:,} agent-days, over the limit of "
                         f"{cap:,} for one roster (it would need about {0.2 + n_agents * days / 1e4:,.1f} GB of "
                         f"memory); roster teams or sites separately, or a shorter period, or raise the limit with "
                         f"the environment variable WFM_MAX_AGENT_DAYS", file=str(source))


def build_roster(requirements: pd.DataFrame, agents: list[Agent], config: Config, start: dt.date, days: int, *,
                 time_limit_s: float | None = None, workers: int | None = None, seed: int | None = None,
                 previous: pd.DataFrame | None = None, progress: Callable[[dict], None] | None = None,
                 wall_s: float | None = None) -> RosterResult:
    """Build and check a roster; raises `RosterInfeasible` (with the explanation) when the rules cannot hold.

    The same inputs, workers and seed give the same roster: `time_limit_s` is turned into deterministic search
    budgets (seconds on the reference machine, see `wfm.roster.budget.Budget`), so it is only roughly the wall time.
    The wall clock only caps the search (at `wall_cap(limit)` seconds, and so that the whole call ends within
    `wall_s` seconds when given: the searches leave room for placement, the check and the simulation);
    `stats.reproducible` is False (and `stats.wall_capped` names the stages) when a cap, not the budget,
    ended a search.
    """
    from wfm.roster.detail import place
    from wfm.roster.explain import explain
    from wfm.roster.budget import slowness, wall_cap
    from wfm.roster.model import solve_phase1
    from wfm.roster.verify import short_queue_facts, simulation_skipped_reason
    from wfm.roster.search import prefer_lns, solve_phase1_lns
    from wfm.roster.table import codes_by_day, long_table, shift_codes

    check_roster_size(len(agents), days)
    t0, c0 = time.perf_counter(), time.process_time()
    limit = float(time_limit_s if time_limit_s is not None else config.solver.time_limit_s)
    prev = previous_shifts(previous, config) if previous is not None else None
    agents, notes = requests_as_leave(agents, config, start, days, _longest_paid(config))
    notes += _coverage_notes(requirements, agents, config)
    inst = build_instance(requirements, agents, config, start, days, previous=prev, carried=previous)
    if previous is None:
        notes += _boundary_notes(inst)
    seed = config.solver.seed if seed is None else seed
    verify = inst.pooled and len(inst.rows) >= 1 and requirements is not None \
        and {"calls", "aht_s"} <= set(requirements.columns)
    share = 1.0 - CORRECTION_SHARE if verify else 1.0
    # placement, the check and the simulation after the search, in CPU-seconds; in wall seconds at the pace the
    # machine gave the single-threaded work before the search (a busy machine stretches them too)
    reserve = AFTER_SEARCH_S_PER_AGENT_DAY * len(agents) * days * slowness(t0, c0)

    def search_cap(part: float) -> float:
        """Wall seconds a search may take from now: its part of the cap, within what the call has left."""
        own = wall_cap(limit) * part
        if wall_s is None:
            return own
        left = t0 + wall_s - time.perf_counter() - reserve
        return max(MIN_SEARCH_S, min(own, left * part))

    workers = workers or config.solver.workers
    # rosters whose whole model the budget cannot search (large ones) are improved by LNS (`wfm.roster.search`)
    solve = solve_phase1_lns if prefer_lns(inst, limit * 0.9 * share, workers) else solve_phase1
    p1 = solve(inst, time_limit_s=limit * 0.9 * share, workers=workers, seed=seed, progress=progress,
               wall_cap_s=search_cap(share))
    if not p1.assignment:
        raise RosterInfeasible(explain(inst, time_limit_s=max(5.0, limit * 0.3)))
    t1 = time.perf_counter()
    plans = place(inst, p1.assignment)
    data = long_table(inst, plans)
    corrected: list[str] = []
    short: list[ShortQueue] = []
    period = None  # the simulated period figures of the roster written, when the check simulated it
    if verify and wall_s is not None and search_cap(1.0) < CORRECTION_SHARE * (t1 - t0):
        verify = False  # the time promised is spent: no second search (the Summary still simulates the roster)
        notes.append("the roster was not simulated and searched again for queues short of target: the time limit "
                     "was spent on the first search (a larger --time-limit leaves room for it)")
    if verify:
        p1, plans, data, corrected, period = _correct_by_simulation(inst, p1, plans, data, agents, requirements,
                                                                    limit, seed, search_cap(1.0))
        if period is not None:
            short = short_queue_facts(period, config, agents)
    if period is None:
        skipped = simulation_skipped_reason(data, agents, requirements, config)
        if skipped:
            notes.append("the roster was not simulated: no check for queues short of target, and the Summary "
                         "sheet's service level is the staffing (Erlang) estimate, not a simulation; " + skipped)
    codes = shift_codes(inst, p1.assignment)
    t2 = time.perf_counter()
    code_map = codes_by_day(codes)
    report = check(data, agents, config, start=start, days=days, codes=code_map, requirements=requirements,
                   previous=previous)
    notes += [str(w) for w in report.warnings]  # leave over an entitlement or a team's daily cap
    stats = _stats(inst, p1, report, (t0, t1, t2), agents, corrected)
    stats.short_queue_facts = short
    assignment = {(inst.agents[ai].agent_id, inst.date(d)): inst.options[k].code
                  for (ai, d), k in p1.assignment.items()}
    return RosterResult(data, codes, assignment, report, stats, agents, notes)


def _coverage_notes(requirements: pd.DataFrame | None, agents: list[Agent], config: Config) -> list[str]:
    """Warnings about what no roster of these agents can do: a queue with requirements nobody holds, the
    supervisor-on-duty rule with no supervisor."""
    out = []
    if requirements is not None and len(requirements) and "queue" in requirements:
        col = "heads" if "heads" in requirements else "agents" if "agents" in requirements else None
        needed = set(requirements.loc[pd.to_numeric(requirements[col], errors="coerce") > 0, "queue"].astype(str)) \
            if col else set()
        held = {q for a in agents for q in a.skills}
        for q in sorted(needed - held):
            out.append(f"no agent holds {q}: its requirement stays uncovered")
    if config.rules.supervisor_on_duty and not any(a.is_supervisor for a in agents):
        out.append("rules.supervisor_on_duty is on but the agents table has no supervisor (role = supervisor): "
                   "the rule is not applied")
    return out


def _stats(inst: Instance, p1, report: CheckReport, times: tuple[float, float, float], agents: list[Agent],
           corrected: list[str]) -> RosterStats:
    """The build's figures: search status and times, reproducibility, the lower bound and its gap, soft terms."""
    t0, t1, t2 = times
    stats = RosterStats(
        phase1_status=p1.status, phase1_s=round(t1 - t0, 2), detail_s=round(t2 - t1, 2),
        check_s=round(time.perf_counter() - t2, 2), objective=p1.objective, objective_bound=p1.bound,
        solutions=p1.solutions, deterministic_time=round(p1.dtime, 3), wall_capped=p1.wall_capped,
        reproducible=not p1.wall_capped,
        expected_under_pct=None if p1.expected_short is None else 100 * p1.expected_short,
        agents=len(agents), shifts=len(p1.assignment), corrected_queues=corrected, **lower_bound(inst),
        **soft_summary(inst, p1.assignment))
    lb = stats.under_lower_bound
    stats.under_gap_pct = 100.0 * (report.totals["under"] - lb) / report.totals["required"] \
        if report.totals["required"] else 0.0
    return stats


def _boundary_notes(inst) -> list[str]:
    """A note when the period's first hours need agents that only the previous period's night shifts can give."""
    from wfm.roster.problem import coverable_mask

    first_day = slice(0, inst.per_day)
    hole = ~coverable_mask(inst)[first_day] & (inst.req[:, first_day].sum(axis=0) > 0)
    if not hole.any():
        return []
    t = np.flatnonzero(hole)
    hours = [clock(i * inst.interval) for i in (t[0], t[-1] + 1)]
    need = int(inst.req[:, first_day][:, hole].sum())
    return [f"{inst.start} {hours[0]}-{hours[1]}: {need} agent-intervals are required before any shift of this "
            "period starts; the previous period's night shifts cover them: pass --previous with its roster so "
            "they count (without it they show as under-staffed)"]


def _longest_paid(config: Config) -> int:
    cap = config.rules.max_shift_paid_h * 60
    paid = [paid_minutes(config, t.length_minutes) for t in config.shifts]
    return int(max([p for p in paid if p <= cap + 1e-9], default=0))


SHORT_QUEUE_BOOST = 3.0  # where the simulation finds a queue short, its shortfall weighs this much more in the repair
CORRECTION_SHARE = 0.3  # of the search budget kept for repairs when the simulation finds a queue short
CORRECTION_ROUNDS = 3  # simulate-and-repair rounds at most
POST_S_PER_AGENT_DAY = 0.004  # reference seconds the repair loop charges its budget per agent-day simulated
# CPU-seconds kept per agent-day for placement and the check after the search (the demo week: 0.5 s and 1.4 s
# wall at load 4, about 1 CPU-s for 777 agent-days)
AFTER_SEARCH_S_PER_AGENT_DAY = 0.002
MIN_SEARCH_S = 1.0  # a search always gets this long (the first construction sweep always completes)


def _correct_by_simulation(inst: Instance, p1, plans, data, agents, requirements, limit: float, seed: int,
                           wall_left_s: float):
    """Simulate the roster; where a queue misses its targets, raise its requirement (and the weight of its
    shortfall) in the hours it falls short and re-choose the weeks of that queue's agents against everyone else's
    shifts (`wfm.roster.verify`, `wfm.roster.heuristic.repair`); again, up to `CORRECTION_ROUNDS` times, for the
    queues a repair leaves or makes short. Returns the (possibly new) result, its plans and long table, and the
    queues corrected and the simulated period figures of the roster returned (a last repair the rounds left
    unjudged is simulated once more for them; None when the calls cannot be simulated)."""
    from wfm.roster.budget import Budget
    from wfm.roster.detail import place
    from wfm.roster.heuristic import repair
    from wfm.roster.budget import wall_cap
    from wfm.roster.model import Phase1Result
    from wfm.roster.table import long_table
    from wfm.roster.verify import BALANCE_SAFETY, _simulate, balance_primaries, shortfall

    seconds = limit * 0.9 * CORRECTION_SHARE
    budget = Budget(seconds, time.perf_counter() + min(wall_cap(limit) * CORRECTION_SHARE, wall_left_s))
    req, row_req = inst.req, inst.row_req
    added = np.zeros_like(req)
    result, corrected = p1, []
    # (queues short, result, plans, data, first-call weights, simulation) of the best simulated
    best: tuple | None = None
    judged, judged_sim = None, None  # the last roster simulated, and its simulation
    post_s = POST_S_PER_AGENT_DAY * len(inst.agents) * inst.days  # placing and simulating a roster once
    for done in range(CORRECTION_ROUNDS + 1):
        if budget.left_s() <= 0 or budget.wall_left() <= 0:
            break
        # first the cheap fix: who answers which queue first, the shifts unchanged (the short hours found so far
        # count in the first-call targets too)
        inst.req = req + added
        try:
            data, margins, sim = balance_primaries(inst, plans, agents, requirements, seed=seed,
                                                   deadline=time.perf_counter() + budget.wall_left())
        finally:
            inst.req = req
        budget.spent_s += post_s
        if budget.wall_left() <= 0:
            budget.capped.append("first-call balancing")
        judged, judged_sim = result, sim
        if margins:
            # a repair can leave more queues short than before it (another queue pays for the one it helps): the
            # roster simulated with the fewest queues short is kept, the later one on a tie
            n_short = sum(m < 0 for m in margins.values())
            weights = None if inst.primary_weight is None else inst.primary_weight.copy()
            if best is None or n_short <= best[0]:
                best = (n_short, result, plans, data, weights, sim)
        if done == CORRECTION_ROUNDS or not margins or min(margins.values()) >= BALANCE_SAFETY:
            break
        extra, misses = shortfall(inst, data, agents, requirements, seed=seed, sim=sim, safety=BALANCE_SAFETY)
        if extra is None:
            break
        corrected += [q for q in misses if margins.get(q, 0.0) < 0 and q not in corrected]
        added += extra
        inst.req = req + added
        inst.row_req = row_req.copy()
        inst.row_req[:len(inst.queues)] += added
        boost = np.ones(inst.row_req.shape)
        boost[:len(inst.queues)][added > 0] = SHORT_QUEUE_BOOST
        short = [inst.queues.index(q) for q in misses]
        movers = [ai for ai, a in enumerate(inst.agents) if any(inst.queues[q] in a.skills for q in short)]
        try:
            # only the short queues' agents move, against everyone else's shifts: a search from scratch moves
            # everyone and fixes one queue at another's cost
            moved = repair(inst, result.assignment, movers, time_limit_s=budget.left_s() / (CORRECTION_ROUNDS - done),
                           boost=boost, seed=seed, budget=budget)
            plans = place(inst, moved)
        finally:
            inst.req, inst.row_req = req, row_req
        budget.spent_s += post_s
        result = Phase1Result("REPAIRED", moved)
        data = long_table(inst, plans)
    kept_sim = judged_sim if judged is result else None
    if best is not None and best[1] is not result and judged is result:
        _, result, plans, data, inst.primary_weight, kept_sim = best  # (a last repair left unsimulated stays)
    elif kept_sim is None and corrected:  # that last repair is simulated once, to say whether it met the targets
        kept_sim = _simulate(data, agents, requirements, inst.config, seed)
    if result is not p1 or corrected:  # the repairs' time counts even when the first roster stays the best
        dtime, capped = p1.dtime + budget.dtime, list(p1.wall_capped) + list(budget.capped)
        result.dtime, result.wall_capped = dtime, capped
    return result, plans, data, corrected, None if kept_sim is None else kept_sim.period


def previous_shifts(previous: pd.DataFrame, config: Config) -> dict[str, list[PrevShift]]:
    """Shifts of a previous roster's long table, for rest and consecutive-day rules across the boundary."""
    out: dict[str, list[PrevShift]] = {}
    iv = config.centre.interval_minutes
    df = pd.DataFrame({"agent_id": previous["agent_id"].astype(str),
                       "date": pd.to_datetime(previous["date"].astype(str)).dt.date,
                       "ts": pd.to_datetime(previous["interval_start"].astype(str), format="mixed")})
    for (aid, date), g in df.groupby(["agent_id", "date"]):
        first, last = g["ts"].min(), g["ts"].max()
        start_m = first.hour * 60 + first.minute
        length = int((last - first).total_seconds() // 60) + iv
        night = any(t.night and start_m in t.start_minutes and t.length_minutes == length for t in config.shifts)
        out.setdefault(aid, []).append(PrevShift(date, start_m, length, night))
    return out


def lower_bound(inst: Instance) -> dict:
    """A valid lower bound on under-staffed agent-intervals (a relaxation: each bound ignores most rules).

    Per interval: for every set of queues, the requirement minus the agents with any of those skills who could be
    on duty then. Over the period: for every set of queues, the requirement minus the most on-phone time the
    agents with those skills can give within their maximum hours. The bound is the larger of the two.
    """
    from wfm.roster.cycles import cycle_parts
    from wfm.roster.rules import hours_bounds

    Q = len(inst.queues)
    skills = np.array([[q in a.skills for q in inst.queues] for a in inst.agents])
    can = np.zeros((len(inst.agents), inst.horizon), dtype=bool)
    for ai in range(len(inst.agents)):
        for d in range(inst.days):
            for k in inst.allowed[ai][d]:
                o = inst.options[k]
                s = d * inst.per_day + o.start_min // inst.interval
                can[ai, s:s + o.length_min // inst.interval] = True
    onphone_share = {}
    for k, o in enumerate(inst.options):
        du = inst.duties(o)
        n = o.length_min // inst.interval
        off = du.lunch + du.breaks * du.break_len
        paid = o.paid_min // inst.interval
        onphone_share[k] = (n - off) / paid if paid else 0
    best_share = max(onphone_share.values())
    cap = np.zeros(len(inst.agents))
    # under a 综合计算工时 cycle each part of the period may run one longest shift above pro rata
    above = inst.config.rules.max_shift_paid_h * 60 * len(cycle_parts(inst.config, inst.start, inst.days, {},
                                                                      paid_minutes)) \
        if inst.config.rules.cycle_months else 0.0
    for ai, a in enumerate(inst.agents):
        _, hi = hours_bounds(inst, a, 7)
        cap[ai] = (hi * inst.days / 7 + above) / inst.interval * best_share
    per_interval = 0
    period = 0.0
    if inst.pooled:
        # skill routing: an agent counts in every queue it holds, so the per-queue shortfalls add up
        per_q = [(skills[:, q], inst.req[q]) for q in range(Q)]
        worst = sum(np.clip(need - can[h].sum(axis=0), 0, None) for h, need in per_q)
        period = sum(max(0.0, float(need.sum() - cap[h].sum())) for h, need in per_q)
    else:
        worst = np.zeros(inst.horizon)
        for r in range(1, Q + 1):
            for sub in itertools.combinations(range(Q), r):
                idx = list(sub)
                holders = skills[:, idx].any(axis=1)
                need = inst.req[idx].sum(axis=0)
                worst = np.maximum(worst, need - can[holders].sum(axis=0))
                period = max(period, float(need.sum() - cap[holders].sum()))
    per_interval = int(np.clip(worst, 0, None).sum())
    return {"under_lower_bound": int(max(per_interval, np.floor(period), 0)),
            "under_lower_bound_pct": 100.0 * max(per_interval, period, 0) / max(1, inst.req.sum())}


def soft_summary(inst: Instance, assignment: dict[tuple[int, int], int]) -> dict:
    """Preferences met and the spread of shift types and weekend work within teams."""
    with_pref = [(ai, k) for (ai, d), k in assignment.items() if inst.agents[ai].shift_preference]
    met = sum(1 for ai, k in with_pref if inst.options[k].template.code in inst.agents[ai].shift_preference.split(";"))
    groups: dict = {}
    for ai, a in enumerate(inst.agents):
        if not a.is_supervisor:
            groups.setdefault((a.team, a.contract_hours_week), []).append(ai)
    codes = sorted({o.template.code for o in inst.options})
    spreads = {c: 0 for c in codes}
    spreads["weekend"] = 0
    for ais in groups.values():
        if len(ais) < 2:
            continue
        for c in codes:
            counts = [sum(1 for d in range(inst.days) if assignment.get((ai, d)) is not None
                          and inst.options[assignment[ai, d]].template.code == c) for ai in ais]
            spreads[c] = max(spreads[c], max(counts) - min(counts))
        counts = [sum(1 for d in range(inst.days) if inst.date(d).weekday() >= 5 and (ai, d) in assignment)
                  for ai in ais]
        spreads["weekend"] = max(spreads["weekend"], max(counts) - min(counts))
    return {"preferences_met": met, "preferences_total": len(with_pref), "max_spread_in_team": spreads}


def check_workbook(path, agents: list[Agent], config: Config, *, requirements: pd.DataFrame | None = None,
                   previous: pd.DataFrame | None = None) -> CheckReport:
    """Check a roster workbook as it stands, hand edits on its Roster sheet applied."""
    from wfm.roster.workbook import read_roster_workbook

    book = read_roster_workbook(path, agents, config)
    return check(book.roster, agents, config, start=book.start, days=book.days, codes=book.codes,
                 requirements=requirements, previous=previous)


__all__ = ["RosterInfeasible", "RosterResult", "RosterStats", "build_roster", "check_workbook", "lower_bound",
           "reproducibility_note"]
