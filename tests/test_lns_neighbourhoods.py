"""The "twin" neighbourhood of the LNS engine: two windows a whole number of weeks apart, on a hand-made problem
where a shift must move from one week to the next."""

from __future__ import annotations

import random

from ortools.sat.python import cp_model

from wfm.roster import lns

# 2 employees x 14 days, one shift "A" that can only be worked on days 5 and 12 (the Saturdays), each employee
# works exactly one day. Cover: one A on each Saturday; under-cover costs 10 a person, over-cover 1.
SATURDAYS, UNDER, OVER = (5, 12), 10, 1


class Weeks:
    n_staff, n_days, shifts = 2, 14, ["A"]

    def can_work(self, e, d, t):
        return d in SATURDAYS

    def build(self, fixed):
        m = cp_model.CpModel()
        x, on = {}, {d: [] for d in range(self.n_days)}
        for e in range(self.n_staff):
            row = []
            for d in range(self.n_days):
                if (e, d) in fixed:
                    row.append(int(fixed[e, d] is not None))
                    on[d].append(row[-1])
                    continue
                if self.can_work(e, d, "A"):
                    x[e, d, "A"] = m.NewBoolVar(f"x{e}_{d}")
                    row.append(x[e, d, "A"])
                    on[d].append(x[e, d, "A"])
            if any((e, d) not in fixed for d in range(self.n_days)):
                m.Add(sum(row) == 1)
        pens = []
        for d, vs in on.items():
            need = int(d in SATURDAYS)
            under, over = m.NewIntVar(0, 2, ""), m.NewIntVar(0, 2, "")
            m.Add(sum(vs) - need == over - under)
            pens.append(UNDER * under + OVER * over)
        m.Minimize(sum(pens))
        return lns.SubModel(m, x)

    def _count(self, roster):
        count = [0] * self.n_days
        for (_e, d) in roster:
            count[d] += 1
        return count

    def bad_slots(self, roster):
        out = []
        for d, n in enumerate(self._count(roster)):
            need = int(d in SATURDAYS)
            if n != need:
                out.append((d, "A", UNDER * max(0, need - n) + OVER * max(0, n - need)))
        return out

    def objective(self, roster):
        return sum(w for *_, w in self.bad_slots(roster))

    def missed_requests(self, roster):
        return []


# both employees work the first Saturday: 1 over there, 10 under on the second
START = {(0, 5): "A", (1, 5): "A"}


def test_twin_frees_the_slot_and_the_same_weekday_a_week_away():
    """Whichever slot is drawn (day 12 short, or day 5 one too many) its only twin in a 14-day horizon is the
    other Saturday: with one employee and windows of one day, the neighbourhood is one employee's two Saturdays
    (the one off on day 12 and working day 5 first: here both are)."""
    problem = Weeks()
    assert problem.objective(START) == 11
    for seed in range(20):
        cells = lns.neighbourhood(problem, random.Random(seed), "twin", 1, START, None, twin_days=2)
        e = next(iter(cells))[0]
        assert cells == {(e, 5), (e, 12)}
    wide = lns.neighbourhood(problem, random.Random(0), "twin", 2, START, None, twin_days=4)
    assert {d for _, d in wide} in ({4, 5, 11, 12}, {5, 6, 11, 12}, {4, 5, 12, 13}, {5, 6, 12, 13})


def test_twin_moves_a_shift_a_week_where_a_window_around_the_slot_cannot():
    """A fill step frees days around one Saturday only, where nobody can move (each row's one shift is on a
    Saturday and can only go to the other): it stays at 11; a twin step moves one employee's shift from day 5
    to day 12: 0."""
    problem = Weeks()
    fill = lns.Settings(kinds=("fill",), fill_size=2, fill_days=3)
    _, stuck, _ = lns.improve(problem, dict(START), 1.0, workers=1, seed=1, settings=fill)
    assert stuck == 11
    twin = lns.Settings(kinds=("twin",), fill_size=1, twin_days=2)
    roster, value, _ = lns.improve(problem, dict(START), 5.0, workers=1, seed=1, settings=twin, bound=0)
    assert value == problem.objective(roster) == 0
    assert sorted(roster) in ([(0, 5), (1, 12)], [(0, 12), (1, 5)])


def test_settings_draw_twin_steps():
    for staff, days in ((32, 56), (120, 28)):
        kinds = lns.Settings.for_size(staff, days).kinds
        assert "twin" in kinds and "fill" in kinds and "comb" in kinds


class Weekends(Weeks):
    """3 weeks, one shift "A" on the weekend days (5, 6, 12, 13, 19, 20), one person needed on each; the rows
    state their rules (`RowRules`: weekend k is days 7k+5 and 7k+6), so the engine can tell a weekend worked on
    one day only."""

    n_staff, n_days = 4, 21
    WEEKEND = (5, 6, 12, 13, 19, 20)

    def can_work(self, e, d, t):
        return d in self.WEEKEND

    def build(self, fixed):
        raise NotImplementedError  # only the neighbourhood is drawn here

    def bad_slots(self, roster):
        count = self._count(roster)
        return [(d, "A", UNDER * max(0, 1 - count[d]) + OVER * max(0, count[d] - 1)) for d in self.WEEKEND
                if count[d] != 1]

    def row_rules(self, e):
        return lns.RowRules({"A": 480}, 0, 4 * 480, 7, 1, 1, 2, {}, {}, frozenset())


def test_comb_frees_the_days_around_the_slot_in_every_week_for_the_one_day_weekends_first():
    """Employee 0 works day 5 without day 6 (a one-day weekend), 1 works weekend 0 whole, 2 weekend 1; weekend 2
    is open (10 each day) and day 5 has one too many (1). A comb of one employee drawn for an open slot on day 19
    or 20 frees employee 0, who can move its lone day to weekend 2: the 4 days around the slot's day (starting 1
    or 2 days before it) in each of the 3 weeks, the whole weekend in every week."""
    problem = Weekends()
    cur = {(0, 5): "A", (1, 5): "A", (1, 6): "A", (2, 12): "A", (2, 13): "A"}
    assert problem.objective(cur) == 21
    for seed in range(30):
        cells = lns.neighbourhood(problem, random.Random(seed), "comb", 1, cur, None)
        (e,) = {e for e, _ in cells}
        days = sorted(d for _, d in cells)
        assert set(problem.WEEKEND) <= set(days)
        assert all(any(abs(d - w) <= 2 for w in problem.WEEKEND) for d in days)
        assert all(sum(1 for d in days if d // 7 == k) <= 4 for k in range(3))
        if 19 in days and 20 in days and e != 0:  # drawn for day 5's over-cover: someone off on day 5
            assert e in (2, 3)
    drawn = [{e for e, _ in lns.neighbourhood(problem, random.Random(s), "comb", 1, cur, None)} for s in range(60)]
    assert sum(1 for x in drawn if x == {0}) > 40  # the open weekend (20 of the 21) draws employee 0
    # employee 3 works day 19 alone: for the open day 20 it comes before employee 0 (one day more, a whole weekend)
    partner = cur | {(3, 19): "A"}
    drawn = [{e for e, _ in lns.neighbourhood(problem, random.Random(s), "comb", 1, partner, None)} for s in range(60)]
    assert sum(1 for x in drawn if x == {3}) > 40 and sum(1 for x in drawn if x == {0}) == 0
    narrow = lns.neighbourhood(problem, random.Random(0), "comb", 2, cur, None, comb_weeks=1)
    assert len({d // 7 for _, d in narrow}) <= 2 and len({e for e, _ in narrow}) == 2


def test_comb_moves_a_shift_between_weeks_and_adapts_its_span():
    """On the two Saturdays of `Weeks` a comb of one employee moves a shift a week (0); its span narrows to
    four weeks at least when steps are not proved (here the horizon's 3), and grows back before the staff."""
    from wfm.roster.lns_search import Search

    problem = Weeks()
    comb = lns.Settings(kinds=("comb",), comb_size=1)
    roster, value, _ = lns.improve(problem, dict(START), 5.0, workers=1, seed=1, settings=comb, bound=0)
    assert value == problem.objective(roster) == 0
    search = Search(problem, dict(START), lns.Settings(kinds=("comb",), comb_size=3), 1, None)
    assert search.weeks == 3  # 14 days touch at most 3 weeks from a slot's weekday
    search.adapt("comb", "FEASIBLE", 3.0, 3.0)
    assert (search.size["comb"], search.weeks) == (2, 3)
    search.adapt("comb", "FEASIBLE", 3.0, 3.0)
    assert (search.size["comb"], search.weeks) == (2, 3)  # already at the horizon's 3 < 4 weeks
    search.adapt("comb", "OPTIMAL", 0.1, 3.0)
    assert search.size["comb"] == 2  # capped by the staff of 2


def test_mend_frees_a_wasted_weekend_allowance_and_a_whole_weekend_to_spend_it_on():
    """Employee 0 works day 5 without day 6 (a one-day weekend) and has an allowance of 2 weekends; the others
    each work 2 whole weekends. A "mend" of one employee frees employee 0 only, over the days around its one-day
    weekend (when that is the waste drawn) and around a weekend it works neither day of, MEND_REACH days either
    side; with more employees asked for, others are freed on the same days."""
    from wfm.roster.neighbourhoods import MEND_REACH

    problem = Weekends()
    cur = {(0, 5): "A", (1, 5): "A", (1, 6): "A", (1, 12): "A", (1, 13): "A", (2, 12): "A", (2, 13): "A",
           (2, 19): "A", (2, 20): "A", (3, 5): "A", (3, 6): "A", (3, 19): "A", (3, 20): "A"}
    halves = 0
    for seed in range(40):
        cells = lns.neighbourhood(problem, random.Random(seed), "mend", 1, cur, None)
        assert {e for e, _ in cells} == {0}
        days = {d for _, d in cells}
        assert {12, 13} <= days or {19, 20} <= days  # a weekend employee 0 is free to work whole
        assert all(any(-MEND_REACH <= d - sat <= 1 + MEND_REACH for sat in (5, 12, 19)) for d in days)
        halves += {5, 6} <= days
    assert 10 < halves < 40  # its one-day weekend, or its unused allowance alone
    wide = lns.neighbourhood(problem, random.Random(0), "mend", 3, cur, None)
    assert len({e for e, _ in wide}) == 3 and 0 in {e for e, _ in wide}


def test_mend_without_row_rules_or_waste_falls_back_to_twin():
    problem = Weekends()
    whole = {(e, d): "A" for e, days in ((0, (5, 6, 12, 13)), (1, (5, 6, 19, 20)), (2, (12, 13, 19, 20)),
                                         (3, (12, 13, 19, 20))) for d in days}
    assert lns.neighbourhood(problem, random.Random(0), "mend", 2, whole, None)  # no waste: a twin's cells
    assert lns.neighbourhood(Weeks(), random.Random(0), "mend", 2, dict(START), None)  # no RowRules
    assert "mend" in lns.Settings.for_size(40, 84).kinds


def test_mend_counts_a_horizon_ending_on_a_saturday_as_a_weekend_worked():
    """A horizon of 20 days ends on Saturday 19: working it spends a weekend allowance (as `RowRules` counts), and
    it is not a one-day weekend. With every allowance spent that way or on whole weekends, nothing is wasted and
    "mend" draws what "twin" draws."""
    from wfm.roster.neighbourhoods import MEND_REACH, _mend_cells, _twin_cells

    class Short(Weekends):
        n_days, WEEKEND = 20, (5, 6, 12, 13, 19)

    problem = Short()
    cur = {(e, d): "A" for e, days in ((0, (5, 6, 19)), (1, (5, 6, 12, 13)), (2, (12, 13, 19)), (3, (5, 6, 19)))
           for d in days}
    for seed in range(10):
        assert _mend_cells(problem, random.Random(seed), 1, cur) == _twin_cells(
            problem, random.Random(seed), 1, cur, MEND_REACH + 1)
