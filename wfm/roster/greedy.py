"""A first roster without a solver: each employee's row laid out day by day by a beam search over the row's own
hard rules (runs of work and rest, weekends, minutes, caps per shift, successions, days off), maximising what
the row takes off the objective given the rows already laid (an under-covered slot gains its under-cover weight,
an over-covered one loses its over-cover weight, requests count). Then rows are re-laid one at a time against
all the others while that improves the roster. For problems meeting `RowProblem`; a row the beam cannot place
is handed to a fallback (the CP-SAT row solve of `wfm.roster.lns.construct`).

A row's gain is exact: an employee holds at most one shift a day, so each slot's gain from them is the marginal
change of that slot's penalty. Only the search over the row is approximate (a beam of `width` states a day).
One term is not the objective's: when the staff's weekend allowances cannot cover the weekend demand, a weekend
worked on one day only is charged what the slot it leaves open costs (`split_weekend_cost`). A row laid against
the others cannot see that: where the other day is already covered a whole weekend gains a unit less than half
of one, so rows laid one at a time took one-day weekends, and the allowance they spent is a unit of cover lost for good.

Rows laid one at a time also stop short of their maximum minutes and weekends: an early row saves its minutes for
gaining days that later rows then cover, and a later row finds no run it may still work. So after the first lay
and after every re-lay pass, `fill_rows` adds to each row the best block of work its runs of rest can take under
its rules. And when weekends are short, an under-covered weekend slot gains WEEKEND_PREMIUM more once all rows are
laid: a row at its maximum minutes then trades weekdays for a weekend it may still work (a weekday left open can
be taken by the many rows with minutes left, a weekend day only by a row with an allowance left).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from wfm.roster.greedy_fill import fill_rows
from wfm.roster.row_moves import move_rows
from wfm.roster.row_window import window_rows
from wfm.roster.swap_moves import swap_rows
from wfm.roster.weekend_moves import relocate_weekends
from wfm.roster.lns_types import Roster, RowProblem, RowRules

__all__ = ["lay_row", "construct_greedy", "RowRelayer", "CoverCount", "split_weekend_cost"]

BEAM_WIDTH = 40  # states kept a day; 40 lays a year-long row of 32 shift types in about 0.1 CPU-s
MIN_WIDTH = 8  # the narrowest beam when time runs short
PACE = 1.0  # beam rank: points lost per minute a state lags behind an even pace towards the minimum minutes
FUTURE = 1.0  # beam rank: weight of what unspent minutes and weekends could still gain
WORK_OPTIONS = 2  # shifts tried a day from a state: the best ones that bar different shifts the next day
PER_CLASS = 3  # shifts kept a day among those barring the same next-day shifts (caps, bans may rule some out)
RETRY_WIDER = 4  # a row the beam loses is retried with a beam this much wider than BEAM_WIDTH, then the fallback
SPLIT_WEEKEND = 1.0  # what a one-day weekend costs a row's rank, in under-cover weights, when weekends are short
WEEKEND_PREMIUM = 0.5  # after the first lay, an under-covered weekend slot's extra gain, in `split_weekend_cost`s
# the last trades (`move_rows`) may run on to this times the budget when the re-lay passes spent it: on a synthetic
# of Instance24's size they took 193,190 to 177,453 in 9 CPU-s, where the LNS that follows gains a few hundred a second
TRADE_OVERRUN = 1.5
LENGTH_BONUS = 1  # per minute worked, in a last try of a row the beam lost: more than any cover term gains


@dataclass(slots=True)
class _State:
    score: int
    last: str | None  # shift worked the day before, None if off
    run: int  # length of the current run of work (last set) or rest
    edge: bool  # the current run touches day 0 (exempt from the minimum lengths)
    weekends: int
    minutes: int
    counts: tuple[int, ...]  # shifts worked of each capped type
    back: _State | None  # the state of the day before
    shift: str | None  # this day's shift


def _run_fits(d: int, weekends: int, r: RowRules, n_days: int) -> bool:
    """Whether a run of work started on day d can reach its minimum length (or the horizon's end) without a
    required day off or a weekend beyond the maximum."""
    for day in range(d + 1, min(n_days, d + r.min_consecutive)):
        if day in r.days_off or (day % 7 == 5 and weekends >= r.max_weekends):
            return False
    return True


_Option = tuple[int, str, int, int, int]  # a day's shift: (gain, shift, minutes, id of the shifts it bars, cap index)
_Key = tuple[str | None, int, bool, int, int, tuple[int, ...]]  # a state's (last, run, edge, weekends, minutes, counts)


def _next_states(states: list[_State], d: int, day: list[_Option], r: RowRules, n_days: int, split: int,
                 reach: float) -> dict[_Key, _State]:
    """Day d's states from the day before's: from each state, in order, its best WORK_OPTIONS shifts (`day`:
    (gain, shift, minutes, id of the shifts it bars the next day, index among the capped shifts or -1), best
    first; a shift barring the same ones as a better one taken leads nowhere new) then its day off; dropped when
    its minutes plus the `reach` still to come fall short of the minimum; one state per (last shift, run, edge,
    weekends, minutes, counts): the first with the best score. A state is made only when it is kept (the beam's
    inner loop: most moves lose to a state already kept)."""
    best: dict[_Key, _State] = {}
    min_minutes, max_minutes, max_weekends = r.min_minutes, r.max_minutes, r.max_weekends
    max_run, min_run, min_off = r.max_consecutive, r.min_consecutive, r.min_consecutive_off
    forbidden, max_shifts = r.forbidden_next, r.max_shifts
    saturday, sunday = d % 7 == 5, d % 7 == 6
    fits: dict[int, bool] = {}  # weekends worked -> whether a run started today fits (`_run_fits`)
    for st in states:
        last, run, edge, weekends, minutes, counts, score = (st.last, st.run, st.edge, st.weekends, st.minutes,
                                                             st.counts, st.score)
        cont = last is not None
        if day and (run < max_run if cont else (run >= min_off or edge)):  # work today
            weekend = saturday or (sunday and not cont)
            worked = weekends + weekend
            if not cont and worked not in fits:
                fits[worked] = _run_fits(d, worked, r, n_days)
            if not (weekend and weekends >= max_weekends) and (cont or fits[worked]):
                banned = forbidden.get(last, ()) if last is not None else ()
                cost = split if sunday and not cont else 0  # a Sunday worked after a Saturday off
                run2, edge2 = (run + 1 if cont else 1), edge and (cont or run == 0)
                found: list[int] = []
                for gain, t, length, bars, cap in day:
                    if t in banned or minutes + length > max_minutes or bars in found:
                        continue
                    counts2 = counts
                    if cap >= 0:
                        if counts[cap] >= max_shifts[t]:
                            continue
                        counts2 = counts[:cap] + (counts[cap] + 1,) + counts[cap + 1:]
                    found.append(bars)
                    minutes2, score2 = minutes + length, score + gain - cost
                    if not minutes2 + reach < min_minutes:
                        key: _Key = (t, run2, edge2, worked, minutes2, counts2)
                        kept = best.get(key)
                        if kept is None or kept.score < score2:
                            best[key] = _State(score2, t, run2, edge2, worked, minutes2, counts2, st, t)
                    if len(found) >= WORK_OPTIONS:
                        break
        if (not cont or run >= min_run or edge) and not minutes + reach < min_minutes:  # off today
            score2 = score - (split if sunday and cont else 0)  # a Sunday off after a Saturday worked
            run2, edge2 = (1 if cont else run + 1), edge and (not cont or run == 0)
            key = (None, run2, edge2, weekends, minutes, counts)
            kept = best.get(key)
            if kept is None or kept.score < score2:
                best[key] = _State(score2, None, run2, edge2, weekends, minutes, counts, st, None)
    return best


def _future(days: list[list[tuple[int, str]]], n_days: int) -> list[tuple[int, int, float]]:
    """For each day d, over the days after it: (positive weekdays, positive weekend days, mean positive gain),
    a positive day being one whose best shift gains."""
    out: list[tuple[int, int, float]] = [(0, 0, 0.0)] * n_days
    week = weekend = 0
    total = 0
    for d in range(n_days - 1, -1, -1):
        out[d] = (week, weekend, total / max(1, week + weekend))
        top = days[d][0][0] if days[d] else 0
        if top > 0:
            total += top
            if d % 7 >= 5:
                weekend += 1
            else:
                week += 1
    return out


def _day_options(d: int, gain: Callable[[int, str], int], info: dict[str, tuple[int, int, int]],
                 r: RowRules) -> list[tuple]:
    """Day d's shifts as (gain, shift, minutes, id of the shifts it bars the next day, capped index or -1), best
    first, on equal gain the one barring fewest; only the best PER_CLASS of the shifts barring the same ones."""
    out, seen = [], {}
    for g, _, t in sorted(((gain(d, t), -len(r.forbidden_next.get(t, ())), t) for t in info), reverse=True):
        bars = info[t][1]
        seen[bars] = seen.get(bars, 0) + 1
        if seen[bars] <= PER_CLASS:
            out.append((g, t, *info[t]))
    return out


def lay_row(rules: RowRules, n_days: int, gain: Callable[[int, str], int], width: int = BEAM_WIDTH,
            split: int = 0) -> tuple[dict[int, str], int] | None:
    """The best row the beam finds: ({day: shift}, its total gain less `split` per weekend worked on one day
    only: `row_value`), or None when no state meets the minimum minutes at the end. `gain(d, t)`: what working
    shift t on day d takes off the objective. States are ranked
    by their gain so far plus what their unspent minutes and weekends could still gain on the gaining days to
    come, less PACE per minute lagging behind an even pace to the minimum minutes."""
    r = rules
    longest = max(r.minutes.values(), default=0)
    capped = [t for t in r.minutes if r.max_shifts.get(t, n_days) < n_days - len(r.days_off)]
    bar_ids: dict[frozenset, int] = {}
    info = {t: (r.minutes[t], bar_ids.setdefault(frozenset(r.forbidden_next.get(t, ())), len(bar_ids)),
                capped.index(t) if t in capped else -1) for t in r.minutes if r.max_shifts.get(t, n_days) > 0}
    days = [[] if d in r.days_off else _day_options(d, gain, info, r) for d in range(n_days)]
    future = _future(days, n_days)
    states = [_State(0, None, 0, True, 0, 0, (0,) * len(capped), None, None)]
    per_week = r.max_consecutive / (r.max_consecutive + max(1, r.min_consecutive_off))
    max_minutes, max_weekends = r.max_minutes, r.max_weekends
    for d in range(n_days):
        reach = (per_week * (n_days - 1 - d) + r.max_consecutive) * longest  # at most this many minutes to come
        best = _next_states(states, d, days[d], r, n_days, split, reach)
        pace = r.min_minutes * (d + 1) / n_days  # minutes a row on course for its minimum has worked by now
        week, weekend, mean = future[d]
        found = list(best.values())
        # rank: what a state lags behind the pace, less its score and what it could still gain (lowest first)
        rank = [PACE * max(0.0, pace - s.minutes) - s.score - FUTURE * min(
            (max_minutes - s.minutes) // longest, week + min(weekend, 2 * (max_weekends - s.weekends))) * mean
            for s in found]
        states = [found[i] for i in sorted(range(len(found)), key=rank.__getitem__)[:width]]
        if not states:
            return None
    done = [s for s in states if s.minutes >= r.min_minutes]
    if not done:
        return None
    last = max(done, key=lambda s: s.score)
    total, row, d = last.score, {}, n_days - 1
    st: _State | None = last
    while st is not None and st.back is not None:
        if st.shift is not None:
            row[d] = st.shift
        st, d = st.back, d - 1
    return row, total


class CoverCount:
    """How many are on each (day, shift) slot, and what one more person there gains."""

    def __init__(self, terms: dict[tuple[int, str], tuple[int, int, int]]):
        self.terms = terms
        self.on: Counter[tuple[int, str]] = Counter()
        self.weekend_premium = 0  # added to an under-covered weekend slot's gain

    def add(self, row: dict[int, str], sign: int) -> None:
        for d, t in row.items():
            self.on[d, t] = self.on.get((d, t), 0) + sign

    def gain(self, requests: dict[tuple[int, str], int]) -> Callable[[int, str], int]:
        terms, on, premium = self.terms, self.on, self.weekend_premium

        def g(d: int, t: str) -> int:
            term = terms.get((d, t))
            extra = requests.get((d, t), 0)
            if term is None:
                return extra
            need, under, over = term
            if on.get((d, t), 0) < need:
                return extra + under + (premium if d % 7 >= 5 else 0)
            return extra - over
        return g


def construct_greedy(problem: RowProblem, budget: float, order: list[int],
                     fallback: Callable[[int, Roster], Roster], log: Callable[[str], object] = lambda s: 0,
                     width: int = BEAM_WIDTH) -> Roster:
    """A first roster: rows laid by `lay_row` in `order` against the rows before them, a row the beam cannot
    place from `fallback(e, roster so far)` (its cells), then passes re-laying every row against all the others
    while a pass improves the roster and `budget` seconds last."""
    t0 = time.perf_counter()
    D = problem.n_days
    cover = CoverCount(problem.cover_terms())
    rules = {e: problem.row_rules(e) for e in order}
    requests = {e: problem.request_gains(e) for e in order}
    rows: dict[int, dict[int, str]] = {}
    fell_back, full = 0, width
    split = split_weekend_cost(rules.values(), cover.terms, D)
    for i, e in enumerate(order):
        start = time.perf_counter()
        gain = cover.gain(requests[e])
        laid = lay_row(rules[e], D, gain, width, split) or _lay_hard_row(rules[e], D, gain, width, split)
        if laid is None:
            fell_back += 1
            cells = fallback(e, _roster(rows))
            laid = ({d: t for (_, d), t in cells.items()}, 0)
        rows[e] = laid[0]
        cover.add(rows[e], 1)
        # a narrower beam when the rows left would not fit in half the budget at this row's pace (a busy machine)
        per_state = (time.perf_counter() - start) / width
        room = (budget / 2 - (time.perf_counter() - t0)) / max(1, len(order) - i - 1)
        width = max(MIN_WIDTH, min(full, int(room / max(per_state, 1e-9))))
    first = time.perf_counter() - t0
    log(f"greedy construction: {len(order)} rows in {first:.1f} s ({fell_back} by the fallback), "
        f"obj={problem.objective(_roster(rows))}")
    t1 = time.perf_counter()
    cover.weekend_premium = round(WEEKEND_PREMIUM * split)
    blocks = fill_rows(rules, requests, rows, cover, D, split, lambda: time.perf_counter() - t0 < budget)
    log(f"greedy fill: {blocks} blocks of work added in {time.perf_counter() - t1:.1f} s, "
        f"obj={problem.objective(_roster(rows))}")
    passes = 0
    while time.perf_counter() - t0 < budget:  # a pass cut short keeps the rows it re-laid
        passes += 1
        more = lambda: time.perf_counter() - t0 < budget  # noqa: E731
        relaid = _relay_pass(rules, requests, rows, cover, D, width, split, more)
        blocks = fill_rows(rules, requests, rows, cover, D, split, more)
        blocks += _trade_and_fill(rules, requests, rows, cover, D, split, more)
        if not relaid and not blocks:
            break
    log(f"greedy re-lay: {passes} passes, {time.perf_counter() - t0:.1f} s, obj={problem.objective(_roster(rows))}")
    t1 = time.perf_counter()
    overrun = lambda: time.perf_counter() - t0 < TRADE_OVERRUN * budget  # noqa: E731
    traded = _trade_and_fill(rules, requests, rows, cover, D, split, overrun, windows=True)
    swapped = swap_rows(rules, requests, rows, D, overrun)
    roster = _roster(rows)
    log(f"greedy trades: {traded} and {swapped} exchanges for requests in {time.perf_counter() - t1:.1f} s, "
        f"obj={problem.objective(roster)}")
    return roster


def _trade_and_fill(rules: dict[int, RowRules], requests: dict[int, dict[tuple[int, str], int]],
                    rows: dict[int, dict[int, str]], cover: CoverCount, n_days: int, split: int,
                    more: Callable[[], bool], windows: bool = False) -> int:
    """With `windows`, the rows' days laid out again a window at a time (`window_rows`); the rows' gaining trades of a
    day for another (`move_rows`); when weekends are short, their weekend allowances moved to whole weekends
    (`relocate_weekends`) and the trades again; then the work the days they left open let `fill_rows` add; how many
    changes. Trades before relocations: on a roster just laid they gain a few thousand a CPU-second, the relocations
    about 800. Windows first: from a Synth24 construction (277,060) they took 81,442 off in 12.8 CPU-s, then trades
    10,000 more in 4; trades alone 41,119 in 10. Windows only in the last trades (40 s construction of Synth24: 149,180,
    against 156,524 with windows in every re-lay pass, which then had time for one pass instead of 2; on Synth20 re-lay
    passes with windows converge no better: 24,203 against 24,009)."""
    traded = window_rows(rules, requests, rows, cover.terms, cover.on, n_days, split, more) if windows else 0
    traded += move_rows(rules, requests, rows, cover.terms, cover.on, n_days, split, more)
    if moved := relocate_weekends(rules, requests, rows, cover.terms, cover.on, n_days, split, more):
        traded += moved + move_rows(rules, requests, rows, cover.terms, cover.on, n_days, split, more)
    return traded + (fill_rows(rules, requests, rows, cover, n_days, split, more) if traded else 0)


def _lay_hard_row(rules: RowRules, n_days: int, gain: Callable[[int, str], int], width: int, split: int) -> \
        tuple[dict[int, str], int] | None:
    """A row the beam lost (its states fell short of the minimum minutes or died against days off and weekends):
    a wider beam, then beams 4x and 16x wider that value every minute worked (LENGTH_BONUS) over the cover, so
    they reach the minimum where any row can; the row's true gain is returned."""
    wide = max(width, BEAM_WIDTH) * RETRY_WIDER
    laid = lay_row(rules, n_days, gain, wide, split)
    if laid is not None:
        return laid
    for beam in (wide, wide * RETRY_WIDER):  # 640 states: a few seconds, where a CP-SAT year-long row took 76 s
        laid = lay_row(rules, n_days, lambda d, t: gain(d, t) + LENGTH_BONUS * rules.minutes[t], beam, split)
        if laid is not None:
            return laid[0], row_value(laid[0], gain, n_days, split)
    return None


def _relay_pass(rules: dict[int, RowRules], requests: dict, rows: dict[int, dict[int, str]], cover: CoverCount,
                n_days: int, width: int, split: int, more: Callable[[], bool]) -> bool:
    """Each row re-laid against all the others, kept when it gains more than the row it replaces; whether any
    row changed."""
    changed = False
    for e, row in list(rows.items()):
        if not more():
            break
        cover.add(row, -1)
        gain = cover.gain(requests[e])
        laid = lay_row(rules[e], n_days, gain, width, split)
        if laid is not None and laid[1] > row_value(row, gain, n_days, split):
            rows[e] = row = laid[0]
            changed = True
        cover.add(row, 1)
    return changed


def row_value(row: dict[int, str], gain: Callable[[int, str], int], n_days: int, split: int) -> int:
    """What `lay_row` ranks a row by: its gain, less `split` per weekend (with both days in the horizon) worked
    on one day only."""
    one_day = sum((d in row) != (d + 1 in row) for d in range(5, n_days - 1, 7))
    return sum(gain(d, t) for d, t in row.items()) - split * one_day


def split_weekend_cost(rules: Iterable[RowRules], terms: dict[tuple[int, str], tuple[int, int, int]],
                       n_days: int) -> int:
    """What a weekend worked on one day only costs the rows laid by `lay_row`: when the weekend demand (people
    wanted on weekend days) is at least twice the weekends the staff may work, every allowance spent on one day
    leaves a weekend slot open somewhere, so SPLIT_WEEKEND times the mean under-cover weight of weekend slots;
    else 0. (Synthetics of Instance13-24's sizes want 1.04-1.32 times that capacity, and 89-100% of the
    under-cover left by the construction was on weekends, with 17-22% of the weekends worked on one day.)"""
    weekend = [(need, under) for (d, _), (need, under, _) in terms.items() if d % 7 >= 5]
    full = sum(1 for d in range(5, n_days - 1, 7))
    capacity = 2 * sum(min(r.max_weekends, full) for r in rules)
    demand = sum(need for need, _ in weekend)
    if not weekend or demand < capacity:
        return 0
    return round(SPLIT_WEEKEND * sum(under * need for need, under in weekend) / max(1, demand))


class RowRelayer:
    """One LNS move without a solver: employee e's whole row re-laid by `lay_row` against every other row of a
    roster (the beam DP over the row's own rules, scored by the row's exact gain). On long horizons it gains far
    more per second than a CP-SAT step (a year-long row in about 0.1 CPU-s)."""

    def __init__(self, problem: RowProblem, width: int = BEAM_WIDTH):
        self.problem, self.width = problem, width
        self.terms = problem.cover_terms()
        self._rules: dict[int, RowRules] = {}
        self._requests: dict[int, dict[tuple[int, str], int]] = {}
        self.split = split_weekend_cost([problem.row_rules(e) for e in range(problem.n_staff)], self.terms,
                                        problem.n_days)

    def relay(self, cur: Roster, e: int) -> tuple[dict[int, str], int] | None:
        """A better row for e against the others in `cur`: ({day: shift}, what it gains over e's row in `cur`),
        or None when the beam finds none strictly better."""
        if e not in self._rules:
            self._rules[e] = self.problem.row_rules(e)
            self._requests[e] = self.problem.request_gains(e)
        cover = CoverCount(self.terms)
        cover.on = Counter((d, t) for (who, d), t in cur.items() if who != e)
        gain = cover.gain(self._requests[e])
        D = self.problem.n_days
        laid = lay_row(self._rules[e], D, gain, self.width, self.split)
        if laid is None:
            return None
        now = row_value({d: t for (who, d), t in cur.items() if who == e}, gain, D, self.split)
        return (laid[0], laid[1] - now) if laid[1] > now else None


def _roster(rows: dict[int, dict[int, str]]) -> Roster:
    return {(e, d): t for e, row in rows.items() for d, t in row.items()}
