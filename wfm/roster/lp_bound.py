"""A lower bound on under-staffing from an LP relaxation of the shift assignment (queues assigned by hand)."""

from __future__ import annotations

import math
import time

import numpy as np

from wfm.roster.problem import Instance


def lp_lower_bound(inst: Instance, *, time_limit_s: float = 120.0) -> dict:
    """A lower bound on under-staffed agent-intervals from an LP relaxation of the shift assignment (HiGHS).

    Agents are pooled into classes of equal skills and equal shift options; y[c,d,k] (continuous) is how many of
    class c work option k on day d, within the class's available heads per day, its summed weekly hours, days
    off per week and night caps. On-phone flows z[c,q,t] to skilled queues are bounded by the heads present in
    each interval and, per week, by the on-phone time the shifts leave after lunch, breaks and daily training;
    they cover at most the requirement. Any roster is feasible here (sequencing rules, supervisors and the
    placement of breaks are relaxed away). The LP decomposes by week (shifts starting in the week, covering
    intervals up to their end): the sum over weeks of the most each week's shifts can cover is at least what a
    roster covers, so required - that sum is a valid bound, rounded up to whole agent-intervals. It measures
    queues assigned by hand (an agent covers one queue at a time); under skill routing it is not a bound.
    """
    if inst.pooled:
        raise ValueError("the LP bound is for queues assigned by hand (centre.queue_assignment = \"by_hand\")")
    t0 = time.perf_counter()
    total_req = int(inst.req.sum())
    if total_req == 0:
        return {"under_lower_bound_lp": 0, "lp_s": 0.0, "lp_status": "trivial"}
    period = inst.config.rules.hours_averaging == "period"
    blocks = [list(range(inst.days))] if period else inst.weeks()
    covered = 0.0
    status = "optimal"
    size = [0, 0]
    for days in blocks:
        left = time_limit_s - (time.perf_counter() - t0)
        c, st, sz = _lp_block(inst, days, max(1.0, left))
        size = [max(size[0], sz[0]), max(size[1], sz[1])]
        if c is None:
            status = st
            break
        covered += c
    out = {"lp_s": round(time.perf_counter() - t0, 2), "lp_status": status, "lp_size": size}
    out["under_lower_bound_lp"] = (max(0, math.ceil(total_req - covered - 1e-6 * total_req))
                                   if status == "optimal" else None)
    return out


def _lp_block(inst: Instance, days: list[int], time_limit_s: float):
    """Most requirement the shifts starting on `days` can cover (LP), or None with the solver's status."""
    import scipy.sparse as sp
    from scipy.optimize import linprog

    from wfm.roster.rules import hours_bounds, leave_credit

    H = inst.horizon
    req = inst.req
    classes: dict[tuple, list[int]] = {}
    for ai, a in enumerate(inst.agents):
        opts = frozenset(k for d in days for k in inst.allowed[ai][d])
        key = (tuple(qi for qi, q in enumerate(inst.queues) if q in a.skills), tuple(sorted(opts)))
        classes.setdefault(key, []).append(ai)
    period = inst.config.rules.hours_averaging == "period"
    need_off = inst.config.rules.min_days_off_week
    nights_cap = inst.config.rules.max_nights_period
    daily_tr = sum(math.ceil(t.minutes / inst.interval) for t in inst.config.training
                   if t.frequency == "daily" and t.who == "all")
    onphone = []
    for o in inst.options:
        du = inst.duties(o)
        n = o.length_min // inst.interval
        onphone.append(max(0, n - du.lunch - du.breaks * du.break_len - daily_tr))
    ncol = 0
    cost: list[float] = []
    ub: list[float] = []
    r_i: list[int] = []
    r_j: list[int] = []
    r_v: list[float] = []
    b_ub: list[float] = []

    def add_row(cols, coefs, rhs) -> None:
        r = len(b_ub)
        r_i.extend([r] * len(cols))
        r_j.extend(cols)
        r_v.extend(coefs)
        b_ub.append(float(rhs))

    cover_cols: dict[tuple[int, int], list[int]] = {}  # (q, t) -> z columns
    for (qs, opts), ais in classes.items():
        ycol: dict[tuple[int, int], int] = {}
        for d in days:
            avail = sum(1 for ai in ais if inst.allowed[ai][d])
            if not avail:
                continue
            for k in opts:
                ycol[d, k] = ncol
                ncol += 1
                cost.append(0.0)
                ub.append(float(avail))
            add_row([ycol[d, k] for k in opts], [1.0] * len(opts), avail)
        cols = list(ycol.values())
        if not cols:
            continue
        coefs = [inst.options[k].paid_min / 60 for (d, k) in ycol]
        lo = sum(max(0, hours_bounds(inst, inst.agents[ai], len(days))[0] - leave_credit(inst, ai, days))
                 for ai in ais)
        hi = sum(max(0, hours_bounds(inst, inst.agents[ai], len(days))[1] - leave_credit(inst, ai, days))
                 for ai in ais)
        add_row(cols, coefs, hi / 60)  # hours
        add_row(cols, [-c for c in coefs], -lo / 60)
        off = 0 if period else max(0, need_off - (7 - len(days)))
        if off:
            add_row(cols, [1.0] * len(cols), len(ais) * (len(days) - off))
        nights = [c for (d, k), c in ycol.items() if inst.options[k].night]
        if nights:
            add_row(nights, [1.0] * len(nights), len(ais) * nights_cap)
        present: dict[int, list[int]] = {}
        for (d, k), c in ycol.items():
            o = inst.options[k]
            s = d * inst.per_day + o.start_min // inst.interval
            for t in range(s, min(H, s + o.length_min // inst.interval)):
                present.setdefault(t, []).append(c)
        zcols = []
        for t, ys in present.items():
            zs = []
            for qi in qs:
                if req[qi, t] > 0:
                    zs.append(ncol)
                    cover_cols.setdefault((qi, t), []).append(ncol)
                    ncol += 1
                    cost.append(-1.0)
                    ub.append(float(req[qi, t]))
            if zs:
                add_row(zs + ys, [1.0] * len(zs) + [-1.0] * len(ys), 0.0)
                zcols.extend(zs)
        if zcols:
            add_row(zcols + cols, [1.0] * len(zcols) + [-float(onphone[k]) for (d, k) in ycol], 0.0)
    for (qi, t), zs in cover_cols.items():
        if len(zs) > 1:
            add_row(zs, [1.0] * len(zs), req[qi, t])
    if not ncol:
        return 0.0, "optimal", (0, 0)
    A_ub = sp.csr_matrix((r_v, (r_i, r_j)), shape=(len(b_ub), ncol))
    res = linprog(np.array(cost), A_ub=A_ub, b_ub=np.array(b_ub), bounds=np.column_stack([np.zeros(ncol), ub]),
                  method="highs-ipm", options={"time_limit": float(time_limit_s)})
    if res.status != 0:
        return None, str(res.message), (len(b_ub), ncol)
    return -float(res.fun), "optimal", (len(b_ub), ncol)
