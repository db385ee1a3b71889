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


class _SparseLP:
    """An LP built column by column and row by row (rows are `<=`), solved with HiGHS."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.ub: list[float] = []
        self.r_i: list[int] = []
        self.r_j: list[int] = []
        self.r_v: list[float] = []
        self.b_ub: list[float] = []

    @property
    def ncol(self) -> int:
        return len(self.cost)

    def col(self, cost: float, ub: float) -> int:
        self.cost.append(cost)
        self.ub.append(ub)
        return len(self.cost) - 1

    def row(self, cols, coefs, rhs) -> None:
        r = len(self.b_ub)
        self.r_i.extend([r] * len(cols))
        self.r_j.extend(cols)
        self.r_v.extend(coefs)
        self.b_ub.append(float(rhs))

    def maximise(self, time_limit_s: float):
        """(-min cost, "optimal", size), or (None, the solver's message, size)."""
        import scipy.sparse as sp
        from scipy.optimize import linprog

        size = (len(self.b_ub), self.ncol)
        if not self.ncol:
            return 0.0, "optimal", (0, 0)
        A_ub = sp.csr_matrix((self.r_v, (self.r_i, self.r_j)), shape=size)
        res = linprog(np.array(self.cost), A_ub=A_ub, b_ub=np.array(self.b_ub),
                      bounds=np.column_stack([np.zeros(self.ncol), self.ub]), method="highs-ipm",
                      options={"time_limit": float(time_limit_s)})
        if res.status != 0:
            return None, str(res.message), size
        return -float(res.fun), "optimal", size


def _lp_block(inst: Instance, days: list[int], time_limit_s: float):
    """Most requirement the shifts starting on `days` can cover (LP), or None with the solver's status."""
    classes: dict[tuple, list[int]] = {}
    for ai, a in enumerate(inst.agents):
        opts = frozenset(k for d in days for k in inst.allowed[ai][d])
        key = (tuple(qi for qi, q in enumerate(inst.queues) if q in a.skills), tuple(sorted(opts)))
        classes.setdefault(key, []).append(ai)
    daily_tr = sum(math.ceil(t.minutes / inst.interval) for t in inst.config.training
                   if t.frequency == "daily" and t.who == "all")
    onphone = []
    for o in inst.options:
        du = inst.duties(o)
        n = o.length_min // inst.interval
        onphone.append(max(0, n - du.lunch - du.breaks * du.break_len - daily_tr))
    lp = _SparseLP()
    cover_cols: dict[tuple[int, int], list[int]] = {}  # (q, t) -> z columns
    for (qs, opts), ais in classes.items():
        _class_rows(lp, inst, days, qs, opts, ais, onphone, cover_cols)
    for (qi, t), zs in cover_cols.items():
        if len(zs) > 1:
            lp.row(zs, [1.0] * len(zs), inst.req[qi, t])
    return lp.maximise(time_limit_s)


def _class_rows(lp: _SparseLP, inst: Instance, days: list[int], qs: tuple, opts: tuple, ais: list[int],
                onphone: list[int], cover_cols: dict[tuple[int, int], list[int]]) -> None:
    """One class of alike agents (same skills, same shift options): how many take each shift (y), their hours,
    days off and nights, and the requirement they cover per queue and interval (z, at most their on-phone time)."""
    from wfm.roster.rules import hours_bounds, leave_credit

    rules = inst.config.rules
    ycol: dict[tuple[int, int], int] = {}
    for d in days:
        avail = sum(1 for ai in ais if inst.allowed[ai][d])
        if not avail:
            continue
        for k in opts:
            ycol[d, k] = lp.col(0.0, float(avail))
        lp.row([ycol[d, k] for k in opts], [1.0] * len(opts), avail)
    cols = list(ycol.values())
    if not cols:
        return
    coefs = [inst.options[k].paid_min / 60 for (d, k) in ycol]
    bounds = [hours_bounds(inst, inst.agents[ai], len(days)) for ai in ais]
    lo = sum(max(0, b[0] - leave_credit(inst, ai, days)) for ai, b in zip(ais, bounds))
    hi = sum(max(0, b[1] - leave_credit(inst, ai, days)) for ai, b in zip(ais, bounds))
    lp.row(cols, coefs, hi / 60)  # hours
    lp.row(cols, [-c for c in coefs], -lo / 60)
    off = 0 if rules.hours_averaging == "period" else max(0, rules.min_days_off_week - (7 - len(days)))
    if off:
        lp.row(cols, [1.0] * len(cols), len(ais) * (len(days) - off))
    nights = [c for (d, k), c in ycol.items() if inst.options[k].night]
    if nights:
        lp.row(nights, [1.0] * len(nights), len(ais) * rules.max_nights_period)
    present: dict[int, list[int]] = {}
    for (d, k), c in ycol.items():
        o = inst.options[k]
        s = d * inst.per_day + o.start_min // inst.interval
        for t in range(s, min(inst.horizon, s + o.length_min // inst.interval)):
            present.setdefault(t, []).append(c)
    zcols = []
    for t, ys in present.items():
        zs = []
        for qi in qs:
            if inst.req[qi, t] > 0:
                zs.append(lp.col(-1.0, float(inst.req[qi, t])))
                cover_cols.setdefault((qi, t), []).append(zs[-1])
        if zs:
            lp.row(zs + ys, [1.0] * len(zs) + [-1.0] * len(ys), 0.0)
            zcols.extend(zs)
    if zcols:
        lp.row(zcols + cols, [1.0] * len(zcols) + [-float(onphone[k]) for (d, k) in ycol], 0.0)
