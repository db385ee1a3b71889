"""Coverage terms of the phase-1 model: each coverage row's shortfall per time block, penalised by a convex
piecewise-linear function of its share of the requirement and weighted by queue priority."""

from __future__ import annotations

import math

import numpy as np
from ortools.sat.python import cp_model

from wfm.roster.problem import Instance

SCALE = 4  # capacity in quarters of an agent-interval


def penalty(model: cp_model.CpModel, u, R: int, weight: int, name: str, slopes: tuple[int, int, int],
            breakpoints: tuple[float, float]):
    """Convex piecewise-linear penalty of a shortfall u out of a requirement R: `slopes` points per unit short
    (times `weight`, the queue's priority), rising at the `breakpoints` shares of R (the under-staffing term of
    `wfm.roster.objective`)."""
    c1, c2 = math.floor(breakpoints[0] * R), math.floor(breakpoints[1] * R)
    s1, s2, s3 = (s * weight for s in slopes)
    pen = model.NewIntVar(0, s3 * R, name)
    model.Add(pen >= s1 * u)
    model.Add(pen >= s2 * u - (s2 - s1) * c1)
    model.Add(pen >= s3 * u - (s3 - s2) * c2 - (s2 - s1) * c1)
    return pen


def pooled_coverage(inst: Instance, model: cp_model.CpModel, need: np.ndarray, classes, cap_terms, nb: int, g: int,
                    prio, slopes: tuple[int, int, int], breakpoints: tuple[float, float]):
    """Skill routing: every on-phone agent counts in each coverage row holding one of its skills."""
    req_b = np.zeros((len(inst.rows), nb), dtype=np.int64)
    for b in range(nb):
        req_b[:, b] = need[:, b * g:(b + 1) * g].sum(axis=1) * SCALE
    capv = {}
    for (c, b), terms in cap_terms.items():
        v = model.NewIntVar(0, int(sum(w * m for w, _, m in terms)), f"cap_{c}_{b}")
        model.Add(v == sum(w * n for w, n, _ in terms))
        capv[c, b] = v
    qidx = {q: i for i, q in enumerate(inst.queues)}
    class_q = [{qidx[q] for q in qs} for qs in classes]
    pens, shorts = [], []
    for r, row in enumerate(inst.rows):
        capable = [c for c, qs in enumerate(class_q) if qs & set(row)]
        weight = max(prio[q] for q in row)
        label = "+".join(inst.queues[q] for q in row)
        for b in range(nb):
            R = int(req_b[r, b])
            if R <= 0:
                continue
            u = model.NewIntVar(0, R, f"short_{label}_{b}")
            have = [capv[c, b] for c in capable if (c, b) in capv]
            model.Add(u >= R - sum(have)) if have else model.Add(u == R)
            shorts.append(u)
            pens.append(penalty(model, u, R, weight, f"pen_{label}_{b}", slopes, breakpoints))
    return pens, shorts, int(req_b.sum())


def queue_coverage(inst: Instance, model: cp_model.CpModel, need: np.ndarray, classes, cap_terms, nb: int, g: int,
                   prio, slopes: tuple[int, int, int], breakpoints: tuple[float, float]):
    """Queues assigned by hand: each class's capacity is split over its queues by integer flows."""
    req_b = np.zeros((len(inst.queues), nb), dtype=np.int64)
    for b in range(nb):
        req_b[:, b] = need[:len(inst.queues), b * g:(b + 1) * g].sum(axis=1) * SCALE
    pens = []
    shorts = []
    for b in range(nb):
        zq: dict[int, list] = {}
        for c, qs in enumerate(classes):
            terms = cap_terms.get((c, b))
            if not terms:
                continue
            ub = sum(w * m for w, _, m in terms)
            zs = []
            for q in qs:
                qi = inst.queues.index(q)
                if req_b[qi, b] <= 0:
                    continue
                z = model.NewIntVar(0, int(min(ub, req_b[qi, b])), f"z_{c}_{qi}_{b}")
                zs.append(z)
                zq.setdefault(qi, []).append(z)
            if zs:
                model.Add(sum(zs) <= sum(w * n for w, n, _ in terms))
        for qi in range(len(inst.queues)):
            R = int(req_b[qi, b])
            if R <= 0:
                continue
            u = model.NewIntVar(0, R, f"u_{qi}_{b}")
            model.Add(u == R - sum(zq.get(qi, [])))
            shorts.append(u)
            pens.append(penalty(model, u, R, prio[qi], f"pen_{qi}_{b}", slopes, breakpoints))
    return pens, shorts, int(req_b.sum())
