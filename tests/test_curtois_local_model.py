"""The LNS steps' model (`curtois_model.build_local`: only the constraints that reach a free cell, the fixed cells
folded into constants) against the model that walks every rule over the whole rows (`build_full`), on generated
instances with the cells outside random neighbourhoods fixed to a feasible roster: both must admit exactly the
same assignments of the free cells."""

from __future__ import annotations

import random

import pytest
from ortools.sat.python import cp_model


def _solve(built, weights: dict | None = None, pinned: dict | None = None) -> tuple[str, float | None, dict]:
    """Status, optimum and assignment of a built model: under its own objective, or `weights` over its x
    variables; with `pinned` x values (key -> 0/1) added as constraints."""
    m = built.model
    for k, val in (pinned or {}).items():
        m.Add(built.x[k] == val)
    if weights is not None:
        m.Minimize(sum(w * built.x[k] for k, w in weights.items()))
    s = cp_model.CpSolver()
    s.parameters.num_workers = 1
    s.parameters.max_time_in_seconds = 30
    st = s.Solve(m)
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return s.StatusName(st), None, {}
    return s.StatusName(st), s.ObjectiveValue(), {k: int(s.Value(v)) for k, v in built.x.items()}


def _merged(roster: dict, free: set, assign: dict) -> dict:
    """`roster` with its `free` cells replaced by a sub-model's assignment."""
    out = {k: t for k, t in roster.items() if k not in free}
    out.update({(e, d): t for (e, d, t), val in assign.items() if val})
    return out


def _neighbourhoods(rng: random.Random, E: int, D: int) -> list[set[tuple[int, int]]]:
    """Free cell sets of every shape the LNS frees: employees over a window, two windows weeks apart, whole
    days, whole rows, and scattered cells (the hardest for the restriction: free days far apart)."""
    def window(n: int) -> range:
        first = rng.randrange(0, D - n + 1)
        return range(first, first + n)

    emps = rng.sample(range(E), 3)
    twin = set(window(4))
    twin |= {d + 14 for d in twin if d + 14 < D}
    return [
        {(e, d) for e in emps for d in window(rng.randint(3, 12))},
        {(e, d) for e in rng.sample(range(E), 4) for d in twin},
        {(e, d) for e in range(E) for d in window(2)},
        {(e, d) for e in rng.sample(range(E), 2) for d in range(D)},
        {(e, d) for e in range(E) for d in range(D) if rng.random() < 0.12},
    ]


@pytest.mark.parametrize("days,staff,shifts,seed", [(28, 8, 3, 1), (28, 6, 4, 2), (42, 7, 3, 3), (35, 6, 5, 4)])
def test_local_model_admits_exactly_the_full_models_rows(curtois, tmp_path, days, staff, shifts, seed):
    from benchmarks import curtois_model
    from benchmarks.curtois_synth import generate
    from wfm.roster import lns

    path = tmp_path / "synth.txt"
    path.write_text(generate(days=days, staff=staff, shifts=shifts, seed=seed))
    p = curtois.parse(path)
    roster = lns.construct(curtois.Cells(p), 5.0, method="greedy")
    for e, s in enumerate(p.staff):  # caps of the types worked tightened to one more than worked: they bind
        for t in p.shifts:
            worked = sum(roster.get((e, d)) == t for d in range(days))
            if worked:
                s.max_shifts[t] = min(s.max_shifts[t], worked + 1)
    rng = random.Random(seed)
    compared = 0
    for free in _neighbourhoods(rng, staff, days):
        fixed = {(e, d): roster.get((e, d)) for e in range(staff) for d in range(days) if (e, d) not in free}
        local, full = curtois_model.build_local(p, fixed), curtois_model.build_full(p, fixed)
        assert set(local.x) == set(full.x) and local.x
        # the benchmark's own objective: the same best roster value (the local model leaves out constants)
        st_l, _, best_l = _solve(curtois_model.build_local(p, fixed))
        st_f, _, best_f = _solve(curtois_model.build_full(p, fixed))
        assert st_l == st_f == "OPTIMAL"
        value_l, value_f = (curtois.objective(p, _merged(roster, free, best)) for best in (best_l, best_f))
        assert value_l == value_f
        # random objectives over the free cells: pushing to work more (caps, max runs, weekends) or less
        # (minimum hours, minimum runs) reach every rule's edge; the optima must agree, and each model's
        # optimal assignment must be feasible in the other
        for _ in range(4):
            sign = rng.choice((-1, 1))
            weights = {k: sign * rng.randint(0, 9) + rng.randint(-2, 2) for k in full.x}
            st_l, val_l, assign_l = _solve(curtois_model.build_local(p, fixed), weights)
            st_f, val_f, assign_f = _solve(curtois_model.build_full(p, fixed), weights)
            assert st_l == st_f == "OPTIMAL" and val_l == val_f
            assert _solve(curtois_model.build_full(p, fixed), pinned=assign_l)[0] == "OPTIMAL"
            assert _solve(curtois_model.build_local(p, fixed), pinned=assign_f)[0] == "OPTIMAL"
            compared += 1
    assert compared == 20


def test_local_model_is_infeasible_where_the_full_one_is(curtois, tmp_path):
    """A free window too short for the hours the rest of the row leaves: both models infeasible."""
    from benchmarks import curtois_model
    from benchmarks.curtois_synth import generate

    path = tmp_path / "synth.txt"
    path.write_text(generate(days=28, staff=4, shifts=2, seed=5))
    p = curtois.parse(path)
    # employee 0 off everywhere but days 10-12: far below their minimum minutes
    fixed = {(e, d): None for e in range(4) for d in range(28) if not (e == 0 and 10 <= d <= 12)}
    assert p.staff[0].min_minutes > 3 * max(p.minutes.values())
    assert _solve(curtois_model.build_full(p, fixed))[0] == "INFEASIBLE"
    assert _solve(curtois_model.build_local(p, fixed))[0] == "INFEASIBLE"


def test_model_around_a_roster_is_the_local_model(curtois, tmp_path):
    """`build_around(p, roster, free)` (a step's model without a dict of the whole roster) is the very model
    `build_local` makes from that dict, for every shape of neighbourhood."""
    from benchmarks import curtois_model
    from benchmarks.curtois_synth import generate
    from wfm.roster import lns

    path = tmp_path / "synth.txt"
    path.write_text(generate(days=35, staff=7, shifts=4, seed=6))
    p = curtois.parse(path)
    roster = lns.construct(curtois.Cells(p), 5.0, method="greedy")
    rng = random.Random(6)
    for free in _neighbourhoods(rng, 7, 35):
        fixed = {(e, d): roster.get((e, d)) for e in range(7) for d in range(35) if (e, d) not in free}
        around, local = curtois_model.build_around(p, roster, free), curtois_model.build_local(p, fixed)
        assert str(around.model.Proto()) == str(local.model.Proto()) != ""
        assert list(around.x) == list(local.x)
