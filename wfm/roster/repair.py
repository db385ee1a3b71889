"""Repair, not rebuild: re-plan a published roster after leave or hand edits, changing as little as possible.

Every published shift that still fits stays, with its breaks, training and queues as published. The people whose
week no longer holds (a shift on a day they now have leave, a request or availability that rules it out, a hard
rule the edited roster breaks) re-choose their weeks against everyone else's shifts (`heuristic.repair`); HR's
`LEAVE` and `TRN` days stay as typed and count as paid days.
"""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd

from wfm.config import Config
from wfm.publish.readback import RosterWorkbook
from wfm.readers.agents import Agent
from wfm.roster.checker import check

HR_DAYS = ("LEAVE", "TRN")  # typed by HR: no shift, a paid day


def repair_roster(requirements: pd.DataFrame, agents: list[Agent], config: Config, published: RosterWorkbook,
                  start: dt.date, days: int, *, time_limit_s: float, seed: int | None = None,
                  previous: pd.DataFrame | None = None):
    """The published roster with the weeks that no longer hold re-planned. Returns a `RosterResult` whose `notes`
    start with one line per changed day (`A0012 2026-12-02: D0900 -> L1300 (why)`)."""
    from wfm.roster import RosterResult, _stats, previous_shifts
    from wfm.roster.detail import place
    from wfm.roster.heuristic import repair
    from wfm.roster.model import Phase1Result
    from wfm.roster.problem import build_instance
    from wfm.roster.table import codes_by_day, long_table, shift_codes

    t0 = time.perf_counter()
    seed = config.solver.seed if seed is None else seed
    prev = previous_shifts(previous, config) if previous is not None else None
    inst = build_instance(requirements, agents, config, start, days, previous=prev, carried=previous)
    codes = {k: str(v).strip().upper() for k, v in (published.codes or {}).items()}
    by_code = {o.code: k for k, o in enumerate(inst.options)}
    assignment: dict[tuple[int, int], int] = {}
    why: dict[str, str] = {}
    for ai, a in enumerate(inst.agents):
        for d in range(days):
            date = inst.date(d)
            code = codes.get((a.agent_id, date), "OFF")
            if code in HR_DAYS:
                inst.allowed[ai][d] = []
                inst.credit[ai, d] = a.paid_day_minutes
                continue
            if code in ("OFF", ""):
                continue
            k = by_code.get(code)
            if k is None or k not in inst.allowed[ai][d]:
                why.setdefault(a.agent_id, f"{date}: {code} no longer fits (leave, a request, availability or "
                                           "the templates)")
                continue
            assignment[ai, d] = k
    stands = check(published.roster, agents, config, start=start, days=days, codes=published.codes,
                   previous=previous)
    known = {a.agent_id for a in agents}
    for v in stands.violations:
        if v.agent_id in known:
            why.setdefault(v.agent_id, f"{v.rule}: {v.message}")
    movers = [ai for ai, a in enumerate(inst.agents) if a.agent_id in why]
    t1 = time.perf_counter()
    moved = assignment
    if movers:  # the published days of the movers: each one changed is a change HR sees
        published_days = {(ai, d): assignment.get((ai, d)) for ai in movers for d in range(days)
                          if (ai, d) in assignment or codes.get((inst.agents[ai].agent_id, inst.date(d)), "OFF")
                          in ("OFF", "")}
        moved = repair(inst, assignment, movers, time_limit_s=time_limit_s, seed=seed, keep=published_days)
    ids = {inst.agents[ai].agent_id for ai in movers}
    fresh = long_table(inst, place(inst, moved))
    kept = published.roster[~published.roster["agent_id"].astype(str).isin(ids)]
    data = pd.concat([kept, fresh[fresh["agent_id"].isin(ids)]], ignore_index=True)
    data = data.sort_values(["agent_id", "interval_start"], kind="stable").reset_index(drop=True)
    table = shift_codes(inst, moved)
    for (aid, date), code in codes.items():
        if code in HR_DAYS:
            table.loc[table["agent_id"] == aid, date.isoformat()] = code
    code_map = codes_by_day(table)
    t2 = time.perf_counter()
    report = check(data, agents, config, start=start, days=days, codes=code_map, requirements=requirements,
                   previous=previous)
    changes = [f"{aid} {date}: {codes.get((aid, date), 'OFF')} -> {now} ({why[aid]})"
               for (aid, date), now in sorted(code_map.items())
               if aid in ids and now != codes.get((aid, date), "OFF")]
    if not movers:
        changes = ["every published shift still holds: nothing to re-plan"]
    p1 = Phase1Result("REPAIRED", moved)  # no CP-SAT search ran
    stats = _stats(inst, p1, report, (t0, t1, t2), agents, [])
    stats.repaired_agents = sorted(ids)
    assignment_out = {(inst.agents[ai].agent_id, inst.date(d)): inst.options[k].code for (ai, d), k in moved.items()}
    return RosterResult(data, table, assignment_out, report, stats, agents,
                        changes + [str(w) for w in report.warnings])  # leave over an entitlement or team cap
