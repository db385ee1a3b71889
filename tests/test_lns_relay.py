"""The one-row re-lay move of the LNS engine (`wfm.roster.greedy.RowRelayer`, kind "row" in `lns.improve`) on a
hand-made Curtois & Qu week, the rosters checked by the independent scorer ../shared/tools/curtois_eval.py."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from wfm.roster import lns
from wfm.roster.greedy import RowRelayer
from curtois_cases import TWO_PEOPLE

SCORER = Path(__file__).resolve().parents[2] / "shared" / "tools" / "curtois_eval.py"
pytestmark = pytest.mark.skipif(not SCORER.exists(), reason=f"scorer absent ({SCORER}); it lives in ../shared")


# A on days 0-3; B on days 1-3, over the cover those days (3 x 1) while days 4-6 stay open (3 x 100): 303.
A_EARLY = {(0, d): "D" for d in range(4)}
POOR = A_EARLY | {(1, d): "D" for d in (1, 2, 3)}


def _problem(curtois, tmp_path: Path):
    inst = tmp_path / "week.txt"
    inst.write_text(TWO_PEOPLE)
    return curtois.Cells(curtois.parse(inst)), inst


def test_relay_finds_the_best_row_and_its_gain(curtois, tmp_path):
    cells, _ = _problem(curtois, tmp_path)
    assert cells.objective(POOR) == 303
    # Given A on 0-3, B's best row is 4-6 (3 x 100 gained, a run touching the horizon's end, weekend 5-6 once);
    # working day 3 too would add an over-cover (-1). B's row on 1-3 gains -3, so the move gains 303.
    assert RowRelayer(cells).relay(POOR, 1) == ({4: "D", 5: "D", 6: "D"}, 303)


def test_relay_keeps_a_row_nothing_beats(curtois, tmp_path):
    cells, _ = _problem(curtois, tmp_path)
    best = A_EARLY | {(1, d): "D" for d in (4, 5, 6)}
    assert cells.objective(best) == 0
    assert RowRelayer(cells).relay(best, 0) is None  # A's row already gains the most any row can (400)


def test_improve_by_relay_alone_reaches_the_optimum(curtois, curtois_scorer, tmp_path):
    cells, inst = _problem(curtois, tmp_path)
    only_rows = dataclasses.replace(lns.Settings.for_size(2, 7), relay_share=1.0)
    roster, best, prog = lns.improve(cells, dict(POOR), 5.0, workers=1, seed=3, settings=only_rows, bound=0)
    assert best == 0 and prog.history[-1][1] == 0
    sol = tmp_path / "sol.csv"
    curtois.write_csv(cells.p, roster, sol)
    parsed = curtois_scorer.parse_instance(inst)
    ev = curtois_scorer.evaluate(parsed, curtois_scorer.parse_solution(sol, parsed))
    assert ev.feasible and ev.objective == 0
