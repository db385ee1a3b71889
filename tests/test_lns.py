"""The roster search engine (`wfm.roster.lns`) on a tiny hand-made cell problem, without the Curtois reader."""

from __future__ import annotations

import random
import time

import pytest
from ortools.sat.python import cp_model

from wfm.roster import lns, neighbourhoods
from wfm.roster.budget import Budget

# 3 employees x 4 days, shifts A and B; each employee works exactly `days_worked[e]` days; employee 2 cannot
# work B. Cover: one A every day, one B on days 0 and 1; under-cover costs 10, over-cover 1.
COVER = {(d, "A"): 1 for d in range(4)} | {(d, "B"): 1 for d in range(2)}


class Toy:
    n_staff, n_days, shifts = 3, 4, ["A", "B"]

    def __init__(self, days_worked=(2, 2, 2)):
        self.days_worked = days_worked

    def can_work(self, e, d, t):
        return not (e == 2 and t == "B")

    def build(self, fixed):
        m = cp_model.CpModel()
        x, on = {}, {k: [] for k in COVER}
        for e in range(self.n_staff):
            row = []
            for d in range(self.n_days):
                if (e, d) in fixed:
                    t = fixed[e, d]
                    row.append(int(t is not None))
                    if t is not None:
                        on.setdefault((d, t), []).append(1)
                    continue
                ts = [t for t in self.shifts if self.can_work(e, d, t)]
                for t in ts:
                    x[e, d, t] = m.NewBoolVar(f"x{e}{d}{t}")
                    on.setdefault((d, t), []).append(x[e, d, t])
                m.Add(sum(x[e, d, t] for t in ts) <= 1)
                row.extend(x[e, d, t] for t in ts)
            if any((e, d) not in fixed for d in range(self.n_days)):  # a wholly fixed row is not re-checked
                m.Add(sum(row) == self.days_worked[e])
        pens = []
        for (d, t), vs in on.items():
            need = COVER.get((d, t), 0)
            under, over = m.NewIntVar(0, 3, ""), m.NewIntVar(0, 3, "")
            m.Add(sum(vs) - need == over - under)
            pens.append(10 * under + over)
        m.Minimize(sum(pens))
        return lns.SubModel(m, x)

    def objective(self, roster):
        count = {}
        for (_e, d), t in roster.items():
            count[d, t] = count.get((d, t), 0) + 1
        keys = set(COVER) | set(count)
        return sum(10 * max(0, COVER.get(k, 0) - count.get(k, 0)) + max(0, count.get(k, 0) - COVER.get(k, 0))
                   for k in keys)

    def bad_slots(self, roster):
        count = {}
        for (_e, d), t in roster.items():
            count[d, t] = count.get((d, t), 0) + 1
        return [(d, t, 10 * max(0, COVER.get((d, t), 0) - n) + max(0, n - COVER.get((d, t), 0)))
                for (d, t) in set(COVER) | set(count) if (n := count.get((d, t), 0)) != COVER.get((d, t), 0)]

    def missed_requests(self, roster):
        return []


def _rows_hold(toy, roster):
    for e in range(toy.n_staff):
        days = [d for (f, d) in roster if f == e]
        assert len(days) == toy.days_worked[e]
    assert all(toy.can_work(e, d, t) for (e, d), t in roster.items())


def test_construction_keeps_every_row_feasible_and_lns_reaches_the_optimum():
    toy = Toy()
    first = lns.construct(toy, 5.0, workers=2, seed=1)
    _rows_hold(toy, first)
    # six shifts for six cover slots, and employee 2 fits the A-only days 2-3: every slot exactly met, 0
    roster, value, progress = lns.improve(toy, first, 5.0, workers=2, seed=1, bound=0)
    _rows_hold(toy, roster)
    assert value == toy.objective(roster) == 0
    assert progress.history[-1][1] == 0


def test_solve_from_the_construction_and_from_the_whole_model():
    toy = Toy()
    for whole in (False, True):
        r = lns.solve(toy, 2.0, workers=2, seed=1, whole_model=whole)
        _rows_hold(toy, r.roster)
        assert r.objective == 0
    assert r.optimal and r.bound == 0  # the whole model proves 0 at once


class ToyWithItsOwnStart(Toy):
    """The toy with its own construction (as the hotline brings its per-agent sweeps): everyone on A on their
    first days, which leaves both B slots uncovered and day 0-1 A over-covered."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def first_roster(self, budget, seed):
        self.calls.append((budget, seed))
        return {(e, d): "A" for e in range(self.n_staff) for d in range(self.days_worked[e])}


def test_a_problem_with_its_own_construction_gets_it_and_the_budget():
    toy = ToyWithItsOwnStart()
    assert lns.construction_method(toy) == "own" and lns.construction_method(Toy()) == "rows"
    budget = Budget(5.0, time.perf_counter() + 10)
    first = lns.construct(toy, budget, seed=3)
    assert toy.calls == [(budget, 3)]
    assert first == {(e, d): "A" for e in range(3) for d in range(2)}
    assert toy.objective(first) == 2 * 10 + 2 * 2 + 2 * 10  # B missed on days 0-1, A 2 over on each, A missed 2-3
    # the engine improves from it as from its own construction; the rows construction stays choosable by name
    _, value, _ = lns.improve(toy, first, 5.0, workers=2, seed=1, bound=0)
    assert value == 0
    _rows_hold(toy, lns.construct(toy, 5.0, seed=1, method="rows"))
    assert len(toy.calls) == 1


def test_an_employee_whose_rule_cannot_hold_is_named():
    toy = Toy(days_worked=(2, 5, 2))  # five days out of four
    with pytest.raises(lns.EmployeeInfeasible, match="^1: its rules cannot all hold"):
        lns.construct(toy, 5.0, workers=2, seed=1)
    r = lns.solve(toy, 2.0, workers=1, seed=1, whole_model=False)
    assert r.objective is None and r.note.startswith("employee 1:")


def test_neighbourhoods_free_the_cells_they_promise():
    toy = Toy()
    cur = {(0, 0): "B", (0, 1): "B", (1, 0): "A", (1, 1): "A", (2, 2): "A", (2, 2 + 1): "A"}
    rng = random.Random(3)
    staff = lns.neighbourhood(toy, rng, "staff", 2, cur, window=None)
    assert len({e for e, _ in staff}) == 2 and len(staff) == 8  # two whole rows
    days = lns.neighbourhood(toy, rng, "days", 2, cur, window=None)
    assert len({d for _, d in days}) == 2 and len(days) == 6  # two consecutive days for all three
    assert max(d for _, d in days) - min(d for _, d in days) == 1
    windowed = lns.neighbourhood(toy, rng, "staff", 1, cur, window=2)
    assert len(windowed) == 2
    # every slot met: "cover" falls back to random employees
    assert toy.bad_slots(cur) == [] and len(lns.neighbourhood(toy, rng, "cover", 1, cur, window=None)) == 4


def test_settings_scale_with_the_instance():
    small = lns.Settings.for_size(20, 28)
    large = lns.Settings.for_size(120, 28)
    year = lns.Settings.for_size(150, 364)
    assert small.window is None and year.window == lns.WINDOW_DAYS
    assert large.days_size < small.days_size  # a day window frees every employee: fewer days on large staffs


def test_kind_scores_draw_what_pays():
    """Uniform over the kinds (multiplicities kept) until each has been tried twice; then in proportion to the
    objective taken off per second: "fill" gaining 10 a second and "staff" nothing, every draw that is not one of
    the uniform share is "fill"."""
    from wfm.roster.lns_search import KindScores

    scores = KindScores(("staff", "fill", "fill"), explore=0.0)
    rng = random.Random(3)
    early = [scores.draw(rng) for _ in range(3000)]
    assert 0.63 < early.count("fill") / 3000 < 0.70  # 2 in 3 while untried
    for _ in range(2):
        scores.record("fill", 20, 2.0)
        scores.record("staff", 0, 1.0)
    scores.record("row", 50, 1.0)  # a kind outside the mix is ignored
    assert scores.score == pytest.approx({"staff": 0.0, "fill": 10.0})  # (0.9 * 20 + 20) / (0.9 * 2 + 2)
    assert {scores.draw(rng) for _ in range(200)} == {"fill"}
    scores.explore = 0.5  # half the draws uniform: staff a third of those
    late = [scores.draw(rng) for _ in range(3000)]
    assert 0.13 < late.count("staff") / 3000 < 0.20
    assert lns.Settings.for_size(120, 28).adaptive and not lns.Settings().adaptive  # the hotline's stays uniform
    assert lns.Settings.for_size(40, 84).widen and not lns.Settings().widen
    # the lighter presolve is the benchmark's; the hotline's steps (its own Settings) keep CP-SAT's default
    assert lns.Settings.for_size(40, 84).light_presolve and not lns.Settings().light_presolve
    assert lns.Settings.for_size(40, 84).trade_every > 0 and lns.Settings().trade_every == 0  # no trades: hotline


def test_recent_rate_decays_old_steps():
    """Gain and seconds summed with a decay of 0.9 a step, a step costing at least 0.05 s: 100 in 1 s then 0 in
    1 s is (0.9 * 100) / (0.9 * 1 + 1) = 47.4 a second; no step yet is a rate of 0."""
    from wfm.roster.lns_scores import RecentRate

    rate = RecentRate()
    assert rate.rate == 0.0
    rate.record(100, 1.0)
    rate.record(-5, 1.0)  # a loss counts as no gain
    assert rate.rate == pytest.approx(90 / 1.9)
    rate.record(0, 0.0)  # an instant step still costs 0.05 s
    assert rate.rate == pytest.approx(81 / (0.81 + 0.9 + 0.05))


def test_a_step_with_the_light_presolve_proves_the_same_optimum():
    toy = Toy()
    first = lns.construct(toy, 5.0, workers=1, seed=1)
    free = {(e, d) for e in range(toy.n_staff) for d in range(toy.n_days)} - {(0, 0)}
    full, light = (lns.resolve(toy, first, free, 5.0, 1, light=flag) for flag in (False, True))
    assert full.status == light.status == "OPTIMAL"
    assert toy.objective(full.candidate) == toy.objective(light.candidate) == 0


def test_fill_and_twin_grow_in_days_once_they_free_every_employee():
    """On 3 staff x 4 days a "fill" step over all 3 employees proved fast widens its window a day at a time up to
    the horizon; steps not proved narrow it back to its first span, then free fewer employees. "twin" moves by
    two days (one per window)."""
    from wfm.roster.lns_search import Search

    s = lns.Settings(kinds=("fill", "twin"), fill_size=3, fill_days=2, twin_days=2, widen=True)
    search = Search(Toy(), {(0, 0): "A", (1, 1): "A", (2, 2): "A"}, s, 1, None)
    for _ in range(3):
        search.adapt("fill", "OPTIMAL", 0.1, 3.0)
    assert search.span["fill"] == 4 and search.size["fill"] == 3  # capped by the 4 days
    search.adapt("fill", "OPTIMAL", 2.0, 3.0)  # proved, but not fast: unchanged
    assert search.span["fill"] == 4
    for _ in range(3):
        search.adapt("fill", "FEASIBLE", 3.0, 3.0)
    assert search.span["fill"] == 2 and search.size["fill"] == 2
    search.adapt("twin", "OPTIMAL", 0.1, 3.0)
    assert search.span["twin"] == 4 and len(search.draw()[1]) > 0


def test_cover_neighbourhood_goes_where_the_penalty_is():
    """Slots are drawn in proportion to their penalty: day 3 short of its A (10) against day 0's one extra A (1),
    so about 10 draws in 11 centre on day 3, and the free employees include one who is off that day."""
    toy = Toy()
    cur = {(0, 0): "A", (1, 0): "B", (2, 0): "A", (0, 1): "A", (1, 1): "B", (2, 2): "A"}
    assert sorted(toy.bad_slots(cur)) == [(0, "A", 1), (3, "A", 10)]  # two A on day 0, none on day 3
    rng = random.Random(5)
    days = [neighbourhoods._cover_staff(toy, rng, 2, cur)[1] for _ in range(400)]
    assert 0.85 <= days.count(3) / 400 <= 0.96  # 10/11 expected
    emps, day = neighbourhoods._cover_staff(toy, random.Random(1), 1, cur)
    assert day == 3 and all((e, 3) not in cur for e in emps)  # nobody works day 3: whoever is freed is off


class ToyRequests(Toy):
    def missed_requests(self, roster):
        return [(1, 2, 3)] if roster.get((1, 2)) != "A" else []  # employee 1 asked for A on day 2, weight 3


def test_request_neighbourhood_frees_the_employee_who_asked():
    toy = ToyRequests()
    cur = {(0, 0): "A", (0, 1): "B"}
    cells = lns.neighbourhood(toy, random.Random(2), "request", 2, cur, window=None)
    assert {e for e, _ in cells} >= {1} and len({e for e, _ in cells}) == 2
    granted = cur | {(1, 2): "A"}  # no request missed: falls back to the cover neighbourhood
    assert len({e for e, _ in lns.neighbourhood(toy, random.Random(2), "request", 2, granted, window=None)}) == 2


def test_fill_neighbourhood_frees_a_short_window_around_the_open_slot():
    """Day 3 has no A (the only penalised slot). The employee off that day who works the day before ranks first
    (employee 2 works day 2), so one employee over two days frees exactly (2, 2) and (2, 3)."""
    toy = Toy()
    cur = {(0, 0): "A", (1, 0): "B", (0, 1): "A", (1, 1): "B", (2, 2): "A"}
    assert toy.bad_slots(cur) == [(3, "A", 10)]
    for seed in range(5):
        assert lns.neighbourhood(toy, random.Random(seed), "fill", 1, cur, None, fill_days=2) == {(2, 2), (2, 3)}
    everyone = lns.neighbourhood(toy, random.Random(0), "fill", 3, cur, None, fill_days=4)
    assert everyone == {(e, d) for e in range(3) for d in range(4)}
    # LNS with only this neighbourhood fills day 3 (employee 2 takes A on days 2-3: 0)
    roster, value, _ = lns.improve(toy, cur | {(2, 1): "A"}, 5.0, workers=1, seed=1, bound=0,
                                   settings=lns.Settings(kinds=("fill",), fill_size=2, fill_days=2))
    _rows_hold(toy, roster)
    assert value == 0


class ToyOwnSteps(Toy):
    """The toy with its own neighbourhoods (employee 0's row, then 1's, in turn) and rows 0 and 1 linked (they
    change together)."""

    def __init__(self):
        super().__init__()
        self.drawn: list[tuple[str, int]] = []
        self.scored = 0

    def objective(self, roster):
        self.scored += 1
        return super().objective(roster)

    def neighbourhood(self, rng, kind, n, cur):
        self.drawn.append((kind, n))
        return {((len(self.drawn) - 1) % 2, d) for d in range(self.n_days)}

    def linked(self, emps):
        return emps | {0, 1} if emps & {0, 1} else set(emps)


# a roster whose rows each hold (two days each) but that misses day 2 and 3's A: 20 points, 0 reachable
POOR = {(0, 0): "A", (0, 1): "A", (1, 0): "B", (1, 1): "B", (2, 0): "A", (2, 1): "A"}


def _budget(seconds: float) -> Budget:
    return Budget(seconds, time.perf_counter() + 600.0)


def test_the_deterministic_schedule_repeats_and_spends_its_budget():
    """The same roster, objective and budget spent from the same seed, whatever the timing: steps are charged by
    counted work (model items, deterministic time), never by the clock. It reaches the optimum (0)."""
    toy = Toy()
    runs = []
    for _ in range(2):
        budget = _budget(3.0)
        roster, value, prog = lns.improve(toy, dict(POOR), budget, workers=2, seed=4,
                                          settings=lns.Settings(kinds=("staff", "cover")))
        runs.append((roster, value, prog.steps, budget.spent_s, budget.dtime))
        _rows_hold(toy, roster)
        assert budget.spent_s >= 3.0 and not budget.capped  # stopped by its budget, not by the wall cap
        assert prog.steps % 2 == 0  # whole rounds of two steps
    assert runs[0] == runs[1]
    assert runs[0][1] == 0 == toy.objective(runs[0][0])


def test_a_problem_brings_its_own_neighbourhoods_with_their_first_sizes():
    """The engine draws from the problem's `neighbourhood` with the sizes of `Settings.sizes` (both schedules)."""
    for schedule in (_budget(1.0), 1.0):
        toy = ToyOwnSteps()
        lns.improve(toy, dict(POOR), schedule, workers=1, seed=1,
                    settings=lns.Settings(kinds=("mine",), sizes={"mine": 3}))
        assert toy.drawn and toy.drawn[0] == ("mine", 3) and {k for k, _ in toy.drawn} == {"mine"}


def test_a_round_merges_only_steps_whose_linked_rows_are_untouched():
    """One round of two steps: the first frees employee 0's row, the second employee 1's. Rows 0 and 1 are linked,
    so once the first is merged the second is not even scored (a step is merged only onto the rows it was drawn
    from)."""
    toy = ToyOwnSteps()
    roster, value, prog = lns.improve(toy, dict(POOR), _budget(1e-9), workers=2, seed=1,  # one round
                                      settings=lns.Settings(kinds=("mine",), sizes={"mine": 1}))
    assert prog.steps == 2 and prog.improved == 1
    assert toy.scored == 2  # the start, then the first step's merge; the second step is left out unscored
    _rows_hold(toy, roster)
    assert value == toy.objective(roster) == 0 < toy.objective(POOR)
