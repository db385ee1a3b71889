"""The Lagrangian lower bound of the Curtois & Qu benchmark (`benchmarks/curtois_dual.py`): below every roster's
value, above the compact LP, and equal to the proved optimum where the literature has one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import curtois_bound, curtois_dual  # noqa: E402
from benchmarks.curtois_model import build  # noqa: E402
from benchmarks.curtois_reader import DATA, objective, parse  # noqa: E402
from benchmarks.curtois_synth import generate  # noqa: E402


def _instance(tmp_path: Path, text: str):
    path = tmp_path / "inst.txt"
    path.write_text(text)
    return path, parse(path)


def _solved(p) -> int:
    """The optimum of instance p, proved by CP-SAT on the benchmark's whole model."""
    built = build(p)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 60
    solver.parameters.num_workers = 2
    assert solver.Solve(built.model) == cp_model.OPTIMAL
    return objective(p, {(e, d): t for (e, d, t), v in built.x.items() if solver.Value(v)})


def test_between_the_lp_bound_and_the_optimum_on_a_generated_instance(tmp_path):
    path, p = _instance(tmp_path, generate(14, 6, 2, seed=5))
    best = _solved(p)
    lp = curtois_bound.bounds(path)["lp_bound"]
    lag = curtois_dual.lagrangian_bound(p, 60, log=lambda s: None)["lagrangian_bound"]
    assert lp - 1e-6 <= lag <= best + 1e-6  # the Dantzig-Wolfe bound is at least the LP's, and still a bound


def test_every_row_priced_means_every_row_fixed_at_its_own_best(tmp_path):
    # TWO_PEOPLE-like, but one person: its row cannot cover 7 days (at most 4 shifts), so 3 days are short by
    # one each (100 each), and no price can move that: the bound is 300, the optimum too
    text = """SECTION_HORIZON
7

SECTION_SHIFTS
D,480,

SECTION_STAFF
A,D=7,1920,1440,4,2,2,1

SECTION_DAYS_OFF

SECTION_SHIFT_ON_REQUESTS

SECTION_SHIFT_OFF_REQUESTS

SECTION_COVER
""" + "".join(f"{d},D,1,100,1\n" for d in range(7))
    _, p = _instance(tmp_path, text)
    assert curtois_dual.lagrangian_bound(p, 30, log=lambda s: None)["lagrangian_bound"] == pytest.approx(300)


@pytest.mark.parametrize("name, best", [("Instance2", 828), ("Instance3", 1001)])
def test_reaches_the_proved_optimum_of_small_real_instances(name, best):
    path = DATA / f"{name}.txt"
    if not path.exists():
        pytest.skip(f"{path} absent (the Curtois instances live in ../shared/data/curtois)")
    # the optima of the data README, proved by others; the compact LP stops at 719.45 and 1,000.0
    bound = curtois_dual.lagrangian_bound(parse(path), 120, log=lambda s: None)["lagrangian_bound"]
    assert bound == pytest.approx(best, abs=0.5)


def test_the_weekend_count_on_a_hand_made_instance(tmp_path):
    # one person, one weekend allowed; a 13-day horizon ends on a Saturday (day 12, off): 3 weekend person-days
    # wanted (days 5, 6, 12), at most 2 worked (the first weekend whole), so one short at 100 at least; the
    # optimum works days 5 and 6 and nothing else (a weekday worked is over-cover)
    text = """SECTION_HORIZON
13

SECTION_SHIFTS
D,480,

SECTION_STAFF
A,D=13,6240,0,7,1,1,1

SECTION_DAYS_OFF
A,12

SECTION_SHIFT_ON_REQUESTS

SECTION_SHIFT_OFF_REQUESTS

SECTION_COVER
""" + "".join(f"{d},D,{1 if d % 7 >= 5 else 0},100,1\n" for d in range(13))
    _, p = _instance(tmp_path, text)
    assert curtois_bound.weekend_bound(p) == 100.0
    assert _solved(p) == 100


@pytest.mark.parametrize("staff, seed", [(3, 1), (5, 4)])  # instances where the count binds (100-200)
def test_the_weekend_count_is_below_the_optimum_of_generated_instances(tmp_path, staff, seed):
    _, p = _instance(tmp_path, generate(14, staff, 2, seed=seed))
    assert curtois_bound.weekend_bound(p) > 0
    assert curtois_bound.weekend_bound(p) <= _solved(p) + 1e-6
