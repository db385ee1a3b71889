"""The neighbourhoods of the LNS engine (`wfm.roster.lns`): which cells one step frees."""

from __future__ import annotations

import random

from wfm.roster.lns_types import Cell, CellProblem, Roster, RowProblem


def _window(rng: random.Random, D: int, length: int, around: int | None = None) -> range:
    length = min(D, length)
    if around is None:
        first = rng.randrange(0, max(1, D - length + 1))
    else:
        first = min(max(0, around - rng.randrange(0, length)), D - length)
    return range(first, first + length)


def _cover_staff(problem: CellProblem, rng: random.Random, n: int, cur: Roster) -> tuple[list[int], int | None]:
    """Employees around a badly covered slot, drawn in proportion to its penalty (an under-covered slot weighs a
    hundred over-covered ones on Curtois), and its day (None when every slot is met: then random employees).
    Under-covered: those off that day who could work it (to take it, each dropping a shift elsewhere) and those
    working another shift that day who could (to switch); over-covered: those on it. A quarter are others."""
    E = problem.n_staff
    bad = problem.bad_slots(cur)
    if not bad:
        return rng.sample(range(E), min(n, E)), None
    d, t, _ = rng.choices(bad, weights=[max(1, w) for *_, w in bad])[0]
    on = [e for e in range(E) if cur.get((e, d)) == t]
    able = [e for e in range(E) if cur.get((e, d)) != t and problem.can_work(e, d, t)]
    off = [e for e in able if (e, d) not in cur]
    if rng.random() < 0.5 and off:  # fill it: mostly people who are off that day
        near = off if len(off) >= n else off + able
    else:
        near = on + able
    return _with_others(rng, near, n, E), d


def _with_others(rng: random.Random, near: list[int], n: int, E: int) -> list[int]:
    """n employees: up to three quarters from `near`, the rest (or more, when near is short) from the others."""
    near = list(near)
    rng.shuffle(near)
    chosen = set(near[: max(1, n - n // 4)])
    rest = [e for e in range(E) if e not in chosen]
    rng.shuffle(rest)
    return sorted(chosen) + rest[: max(0, n - len(chosen))]


def _fill_cells(problem: CellProblem, rng: random.Random, n: int, cur: Roster, days: int) -> set[Cell]:
    """A short window of days around a badly covered slot (drawn in proportion to its penalty), freed for `n`
    employees: those who could take the slot, the ones off that day next to a day they work first (a slot is
    most often left open where a run or a weekend could be extended: on synthetics of Instance13's size every
    unit under-covered after 120 s was on a weekend, and a fifth of the weekends worked were worked one day
    only), then those on another shift that day, and a third of others who can take over the shifts the first
    ones give up elsewhere in the window. Many employees over a few days, where "cover" frees few whole rows."""
    E, D = problem.n_staff, problem.n_days
    bad = problem.bad_slots(cur)
    if not bad:
        return {(e, d) for e in rng.sample(range(E), min(n, E)) for d in _window(rng, D, days)}
    d, t, _ = rng.choices(bad, weights=[max(1, w) for *_, w in bad])[0]
    on = [e for e in range(E) if cur.get((e, d)) == t]
    able = [e for e in range(E) if cur.get((e, d)) != t and problem.can_work(e, d, t)]
    rng.shuffle(able)
    def rank(e: int) -> int:
        if (e, d) in cur:
            return 2
        return 0 if (e, d - 1) in cur or (e, d + 1) in cur else 1
    near = sorted(able, key=rank) + on
    first = set(near[: max(1, n - n // 3)])
    rest = [e for e in range(E) if e not in first]
    rng.shuffle(rest)
    emps = first | set(rest[: max(0, n - len(first))])
    return {(e, day) for e in emps for day in _window(rng, D, days, d)}


def _twin_cells(problem: CellProblem, rng: random.Random, n: int, cur: Roster, half: int) -> set[Cell]:
    """Two windows of `half` days a whole number of weeks apart, one around a badly covered slot (drawn in
    proportion to its penalty), freed for `n` employees: those who could take the slot and are off that day,
    the ones working on the twin day first (they can move that shift over: how a weekend worked one day, or
    an allowance of weekends spent on the wrong weekend, is undone), then those off on the twin day who can
    take over the shifts worked there, then others. The row-shaped neighbourhoods free one stretch of days,
    so they cannot trade work between two weeks without freeing everything in between."""
    E, D = problem.n_staff, problem.n_days
    bad = problem.bad_slots(cur)
    if not bad or D < 8:
        return _fill_cells(problem, rng, n, cur, 2 * half)
    d, t, _ = rng.choices(bad, weights=[max(1, w) for *_, w in bad])[0]
    twins = [d + k for k in range(-D, D + 1, 7) if k and 0 <= d + k < D]
    d2 = rng.choice(twins)
    able = [e for e in range(E) if (e, d) not in cur and problem.can_work(e, d, t)]
    movers = [e for e in able if (e, d2) in cur]
    shifts2 = {cur[e, d2] for e in movers}
    takers = [e for e in range(E) if (e, d2) not in cur and any(problem.can_work(e, d2, s) for s in shifts2)]
    for group in (movers, able, takers):
        rng.shuffle(group)
    quota = max(1, n // 3)
    chosen = list(dict.fromkeys(movers[:quota] + able[:quota]))[:n]
    chosen += [e for e in takers if e not in chosen][: (n - len(chosen)) // 2]
    rest = [e for e in range(E) if e not in chosen]
    rng.shuffle(rest)
    chosen += rest[: n - len(chosen)]
    days = set(_window(rng, D, half, d)) | set(_window(rng, D, half, d2))
    return {(e, day) for e in chosen for day in days}


def _comb_cells(problem: CellProblem, rng: random.Random, n: int, cur: Roster, weeks: int | None,
                tooth: int = 4) -> set[Cell]:
    """`tooth` days around a badly covered slot's day (drawn in proportion to its penalty) in every week of a span
    of `weeks` weeks around it (None: the whole horizon), freed for `n` employees, so that work can move between
    any two of those weeks. Half are drawn among those who could take the slot and are off that day, or who
    work its weekday in another week (with `RowRules`: who work a weekend on one day only): first those who
    work the other day of the slot's own weekend, then those who are both; a quarter among those with minutes to
    spare (with `RowRules`), who can take the shifts the others give up; the rest at random. On synthetics of
    Instance13, 19 and 20's sizes every unit under-covered after 120 s was on a weekend, with each employee's
    weekend allowance spent and weekends worked on one day: fixing one moves a weekend between distant weeks and
    a weekday shift to someone with slack, which no window of days frees."""
    E, D = problem.n_staff, problem.n_days
    bad = problem.bad_slots(cur)
    if not bad or D < 8:
        return _fill_cells(problem, rng, n, cur, tooth)
    d, t, _ = rng.choices(bad, weights=[max(1, w) for *_, w in bad])[0]
    lead = (tooth - 1) // 2 + rng.randrange(0, 2) if tooth > 1 else 0  # teeth d-lead .. d-lead+tooth-1, each week
    n_weeks = -(-D // 7) + 1
    span = n_weeks if weeks is None else max(1, min(weeks, n_weeks))
    first_week = min(max(0, d // 7 - rng.randrange(0, span)), n_weeks - span)
    days = sorted({day for k in range(first_week - d // 7, first_week - d // 7 + span)
                   for day in range(d + 7 * k - lead, d + 7 * k - lead + tooth) if 0 <= day < D})
    rules = hasattr(problem, "row_rules")

    def split(e: int) -> bool:
        """Works a tooth's day but not the slot's weekday in it, or its weekday without the others (one-day
        weekends where the problem states `RowRules`)."""
        if rules and d % 7 in (5, 6):
            return any(((e, w + 5) in cur) != ((e, w + 6) in cur) for w in range(0, D - 6, 7))
        return any((e, d + 7 * k) in cur for k in range(-(d // 7), (D - d) // 7 + 1) if k and 0 <= d + 7 * k < D)

    able = [e for e in range(E) if (e, d) not in cur and problem.can_work(e, d, t)]
    movers = [e for e in range(E) if split(e)]
    rng.shuffle(able)
    rng.shuffle(movers)
    partner = d + 1 if d % 7 == 5 else d - 1  # with `RowRules`, the other day of the slot's weekend
    whole = [e for e in able if rules and d % 7 in (5, 6) and (e, partner) in cur]  # one day more makes it whole
    both = [e for e in able if e in set(movers)]
    near = list(dict.fromkeys(whole + both + [x for pair in zip(able, movers) for x in pair] + able + movers))
    chosen = near[: max(1, n // 2)]
    if rules:
        spare = [e for e in _with_slack(problem, cur) if e not in chosen]  # type: ignore[arg-type]
        rng.shuffle(spare)
        chosen += spare[: max(0, n // 4)]
    rest = [e for e in range(E) if e not in chosen]
    rng.shuffle(rest)
    chosen += rest[: max(0, n - len(chosen))]
    return {(e, day) for e in chosen for day in days}


def _with_slack(problem: RowProblem, cur: Roster) -> list[int]:
    """The employees who may still work their shortest shift under their `RowRules` (max minutes)."""
    worked = [0] * problem.n_staff
    rules = [problem.row_rules(e) for e in range(problem.n_staff)]
    for (e, _), t in cur.items():
        worked[e] += rules[e].minutes.get(t, 0)
    return [e for e, r in enumerate(rules) if r.minutes and r.max_minutes - worked[e] >= min(r.minutes.values())]


MEND_REACH = 3  # days either side of a weekend freed with it by a "mend" (Wednesday to Tuesday)


def _mend_cells(problem: RowProblem, rng: random.Random, n: int, cur: Roster) -> set[Cell]:
    """A weekend allowance spent on one day only (or left unused) and a whole weekend the employee could work
    instead, each with MEND_REACH days either side, freed for that employee and `n` - 1 others at random. On
    synthetics of Instance13-23's sizes the gap left after 120 s was mostly such weekends (4-31 each, 400-3,100
    points, half of them beside a day off). Mending one takes a chain of changes over many rows: on a synthetic of
    Instance19's size (40 staff) both windows freed for the whole staff gained 90-103 points on 5 of its 7, for
    half the staff (those with minutes to spare, or the others) or 6-14 at random, never. Falls back to "twin" when
    no allowance is wasted."""
    E, D = problem.n_staff, problem.n_days
    saturdays = range(5, D - 1, 7)  # of whole weekends
    wasted: list[tuple[int, int | None]] = []
    for e in range(E):
        worked = [sat for sat in range(5, D, 7) if (e, sat) in cur or (e, sat + 1) in cur]  # as `RowRules` counts
        wasted += [(e, sat) for sat in worked if sat + 1 < D and ((e, sat) in cur) != ((e, sat + 1) in cur)]
        if len(worked) < problem.row_rules(e).max_weekends:
            wasted.append((e, None))
    if not wasted:
        return _twin_cells(problem, rng, n, cur, MEND_REACH + 1)
    e, sat = rng.choice(wasted)
    off = problem.row_rules(e).days_off
    targets = [s for s in saturdays if s != sat and (e, s) not in cur and (e, s + 1) not in cur
               and s not in off and s + 1 not in off]
    windows = [s for s in (sat, rng.choice(targets) if targets else None) if s is not None]
    days = {d for s in windows for d in range(max(0, s - MEND_REACH), min(D, s + 2 + MEND_REACH))}
    others = [x for x in range(E) if x != e]
    return {(x, d) for x in [e, *rng.sample(others, min(len(others), n - 1))] for d in days}


def _request_staff(problem: CellProblem, rng: random.Random, n: int, cur: Roster) -> tuple[list[int], int | None]:
    """The employee of a request `cur` does not grant (drawn in proportion to its weight) with others who work
    or could work that day, so they can swap; and its day (None when every request is granted)."""
    missed = problem.missed_requests(cur)
    if not missed:
        return _cover_staff(problem, rng, n, cur)
    e0, d, _ = rng.choices(missed, weights=[max(1, w) for *_, w in missed])[0]
    near = [e for e in range(problem.n_staff) if e != e0 and (cur.get((e, d)) is not None
                                                             or any(problem.can_work(e, d, t) for t in problem.shifts))]
    return sorted({e0, *_with_others(rng, near, n - 1, problem.n_staff)}), d


def neighbourhood(problem: CellProblem, rng: random.Random, kind: str, n: int, cur: Roster,
                  window: int | None, fill_days: int = 7, twin_days: int = 8, comb_weeks: int | None = None
                  ) -> set[Cell]:
    """The free cells of one LNS step: `n` employees (random: "staff"; around a badly covered slot: "cover";
    around a request not granted: "request"; one, near a badly covered slot or random, over the whole horizon:
    "row"),
    `n` whole days for everyone ("days"), or both ("mixed"); or `n` employees around a badly covered slot over
    `fill_days` days around it ("fill"), or over two windows of `twin_days` / 2 days, one around it and one a
    whole number of weeks away ("twin"), or over a few days around it in every week of `comb_weeks` weeks
    around it (None: all) ("comb"), or around a weekend allowance wasted and a weekend to spend it on
    ("mend", with `RowRules`). With `window`, employee neighbourhoods free that
    many days (around the bad slot for "cover"), not the whole horizon."""
    E, D = problem.n_staff, problem.n_days
    emps, days = range(E), range(D)
    if kind == "staff":
        emps = rng.sample(range(E), min(n, E))
        if window:
            days = _window(rng, D, window)
    elif kind in ("cover", "request"):
        emps, day = (_cover_staff if kind == "cover" else _request_staff)(problem, rng, n, cur)
        if window:
            days = _window(rng, D, window, day)
    elif kind == "row":  # one employee's whole row: near a badly covered slot half the time, else random
        emps = _cover_staff(problem, rng, 1, cur)[0] if rng.random() < 0.5 else [rng.randrange(E)]
    elif kind == "fill":
        return _fill_cells(problem, rng, n, cur, fill_days)
    elif kind == "twin":
        return _twin_cells(problem, rng, n, cur, max(1, twin_days // 2))
    elif kind == "comb":
        return _comb_cells(problem, rng, n, cur, comb_weeks)
    elif kind == "mend":
        if not hasattr(problem, "row_rules"):
            return _twin_cells(problem, rng, n, cur, max(1, twin_days // 2))
        return _mend_cells(problem, rng, n, cur)  # type: ignore[arg-type]
    elif kind == "days":
        days = _window(rng, D, n)
    else:
        emps, day = _cover_staff(problem, rng, n, cur)
        days = _window(rng, D, max(7, min(D // 2, window or D)), day if window else None)
    return {(e, d) for e in emps for d in days}
