"""The rule-driven construction (`wfm.roster.greedy`, through `wfm.roster.lns.construct`) on hand-made Curtois &
Qu instances and a generated one, each roster checked by the independent scorer ../shared/tools/curtois_eval.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from curtois_cases import TWO_PEOPLE

REPO = Path(__file__).resolve().parents[1]
SCORER = REPO.parent / "shared" / "tools" / "curtois_eval.py"
pytestmark = pytest.mark.skipif(not SCORER.exists(), reason=f"scorer absent ({SCORER}); it lives in ../shared")



# One person, a week, an early (E) and a late (L) wanted every day; L may not be followed by E, at most two L,
# one weekend (a weekend worked on both days counts once), any run length. She can work every day, one slot a
# day stays open: 7 x 100 = 700 at least. The shift-on request for L on day 3 (weight 5) is not worth granting:
# after L on day 3 day 4 is off or L, and after a second L day 5 is off (cap 2), so granting it costs a day's
# cover (100). The optimum is 705: every day worked, L only as the last shifts (e.g. E on 0-4, L on 5-6), which
# also keeps the shift-off request for E on day 6 (weight 3).
ONE_PERSON = """SECTION_HORIZON
7

SECTION_SHIFTS
E,480,
L,480,E

SECTION_STAFF
A,E=7|L=2,3360,0,7,1,1,1

SECTION_DAYS_OFF

SECTION_SHIFT_ON_REQUESTS
A,3,L,5

SECTION_SHIFT_OFF_REQUESTS
A,6,E,3

SECTION_COVER
""" + "".join(f"{d},{t},1,100,1\n" for d in range(7) for t in "EL")



def _built_and_scored(curtois, curtois_scorer, tmp_path: Path, text: str):
    from wfm.roster import lns

    inst = tmp_path / "inst.txt"
    inst.write_text(text)
    p = curtois.parse(inst)
    roster = lns.construct(curtois.Cells(p), 2.0, method="greedy")
    sol = tmp_path / "sol.csv"
    curtois.write_csv(p, roster, sol)
    parsed = curtois_scorer.parse_instance(inst)
    ev = curtois_scorer.evaluate(parsed, curtois_scorer.parse_solution(sol, parsed))
    assert ev.feasible, [v.message for v in ev.violations]
    return p, roster, ev.objective


def test_two_people_split_the_week(curtois, curtois_scorer, tmp_path):
    _, roster, objective = _built_and_scored(curtois, curtois_scorer, tmp_path, TWO_PEOPLE)
    assert objective == 0
    assert len(roster) == 7


def test_one_person_successions_caps_and_requests(curtois, curtois_scorer, tmp_path):
    _, roster, objective = _built_and_scored(curtois, curtois_scorer, tmp_path, ONE_PERSON)
    assert objective == 705
    assert len(roster) == 7 and roster[0, 6] != "E"


def test_generated_instance_feasible_without_a_solver(curtois, curtois_scorer, tmp_path):
    from benchmarks.curtois_synth import generate

    # 30 people over 8 weeks with every rule of the benchmark drawn at random (caps, runs, weekends, days off)
    _, roster, objective = _built_and_scored(curtois, curtois_scorer, tmp_path, generate(56, 30, 5, seed=3))
    assert objective < 100 * 30 * 56  # far below all of the demand uncovered


def test_start_by_horizon_and_time_limit(curtois, tmp_path):
    from benchmarks.curtois_synth import generate

    short, year = tmp_path / "short.txt", tmp_path / "year.txt"
    short.write_text(TWO_PEOPLE)
    year.write_text(generate(364, 3, 2, seed=1))
    p_short, p_year = curtois.parse(short), curtois.parse(year)
    # the greedy rows (the engine's default, None) except on short horizons with a long time limit
    assert curtois.adapter._construction(p_short, 120.0) is None
    assert curtois.adapter._construction(p_short, 600.0) == "rows"
    assert curtois.adapter._construction(p_year, 600.0) is None


def _one_shift_rules(max_weekends: int = 1):
    from wfm.roster.lns_types import RowRules

    # one 480-minute shift D, 1-2 shifts in the horizon, any run length, one weekend
    return RowRules({"D": 480}, 480, 960, 2, 1, 1, max_weekends, {"D": 7}, {}, frozenset())


def test_a_one_day_weekend_costs_the_split_price():
    from wfm.roster.greedy import lay_row, row_value

    # Monday gains 50, Saturday 100, Sunday -1 (already covered: an over-cover), the rest 0. At most 2 shifts.
    gains = {0: 50, 5: 100, 6: -1}
    gain = lambda d, t: gains.get(d, 0)  # noqa: E731
    # Unpriced: Monday + Saturday, 150. At 100 a one-day weekend, that row is worth 50 and the whole weekend
    # (100 - 1 = 99) wins; Monday + the weekend would be 3 shifts, over the maximum.
    assert lay_row(_one_shift_rules(), 7, gain) == ({0: "D", 5: "D"}, 150)
    assert lay_row(_one_shift_rules(), 7, gain, split=100) == ({5: "D", 6: "D"}, 99)
    assert row_value({0: "D", 5: "D"}, gain, 7, 100) == 50
    assert row_value({0: "D", 5: "D"}, gain, 6, 100) == 150  # a Saturday ending the horizon is no split weekend


def test_split_weekend_priced_only_when_weekends_are_short():
    from wfm.roster.greedy import split_weekend_cost

    # two weeks, one person wanted on each weekend day (under-cover 100, 40 on the second Sunday): demand 4
    terms = {(5, "D"): (1, 100, 1), (6, "D"): (1, 100, 1), (12, "D"): (1, 100, 1), (13, "D"): (1, 40, 1),
             (0, "D"): (3, 1000, 1)}
    one = _one_shift_rules(max_weekends=1)
    assert split_weekend_cost([one], terms, 14) == 85  # capacity 2 < 4: the mean weekend weight, 340 / 4
    assert split_weekend_cost([one, one], terms, 14) == 85  # capacity 4, demand 4: still every half counts
    assert split_weekend_cost([one, one, one], terms, 14) == 0  # capacity 6: weekends to spare
