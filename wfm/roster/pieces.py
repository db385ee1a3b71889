"""General, parameterised rule pieces over per-day literals, for models beyond the hotline's (the Curtois
benchmark, `benchmarks/curtois_model.py`).

They need no hotline config: a model passes the literals (work[d] = "works on day d", or the literal of one shift
kind on day d) and the limit, per person. Each adds its constraints through `ctx.add(constraint, rule, person)`
like the rules of `wfm.roster.rules`, so explain mode still applies.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------------------------


def max_shifts_of_kind(ctx, lits: list, cap: int, rule: str, ai) -> None:
    """At most `cap` of the given shift literals are worked (max night shifts, max shifts of one type...)."""
    if cap <= 0:
        for v in lits:
            ctx.add(v == 0, rule, ai)
    elif len(lits) > cap:
        ctx.add(sum(lits) <= cap, rule, ai)


def forbidden_successions(ctx, today: dict, tomorrow: dict, forbidden: dict, rule: str, ai) -> None:
    """Shift rotation / minimum rest as forbidden pairs: no shift in `forbidden[k]` the day after shift k.

    `today` and `tomorrow` map a shift kind to its literal on two consecutive days (kinds the person cannot work
    that day are absent); at most one shift a day, so one constraint per first shift forbids all its followers.
    """
    for k, v in today.items():
        clash = [tomorrow[k2] for k2 in forbidden.get(k, ()) if k2 in tomorrow]
        if clash:
            ctx.add(v + sum(clash) <= 1, rule, ai)


def min_run_length(ctx, work: list, min_len: int, rule: str, ai, *, value: int = 1,
                   open_edges: bool = True, near: list[int] | None = None) -> None:
    """No maximal run of consecutive days with work[d] == value shorter than `min_len` days.

    value=1: minimum consecutive working days (a block of shifts); value=0: minimum consecutive days off.
    With open_edges a run touching the first or last day is exempt (it may continue outside the period);
    otherwise the days outside count as the opposite value. Forbids each short pattern
    (other, value x L, other) as a clause. `work` items are 0/1 literals or constants. With `near` (days), only
    the patterns that reach one of those days are posted: when the other days are constants from a roster that
    holds the rule (a re-solve of a few days), the patterns among them hold already.
    """
    n = len(work)

    def is_(d: int, val: int):  # literal-valued expression "work[d] == val"
        return work[d] if val else 1 - work[d]

    for length in range(1, min_len):
        starts = range(0, n - length + 1) if near is None else \
            sorted({s for d in near for s in range(max(0, d - length), min(n - length, d + 1) + 1)})
        for s in starts:
            e = s + length  # run is days s..e-1
            if open_edges and (s == 0 or e == n):
                continue
            terms = [is_(d, 1 - value) for d in range(s, e)]  # some day inside is not `value`
            if s > 0:
                terms.append(is_(s - 1, value))  # or the run continues to the left
            if e < n:
                terms.append(is_(e, value))  # or to the right
            ctx.add(sum(terms) >= 1, rule, ai)


def max_run_length(ctx, work: list, max_len: int, rule: str, ai, *, near: list[int] | None = None) -> None:
    """No more than `max_len` consecutive days with work[d] == 1 (the days outside the list count as off): at most
    `max_len` worked in every window of max_len + 1 days. With `near`, only the windows that hold one of those
    days (see `min_run_length`)."""
    n = len(work)
    starts = range(0, n - max_len) if near is None else \
        sorted({s for d in near for s in range(max(0, d - max_len), min(n - max_len - 1, d) + 1)})
    for s in starts:
        ctx.add(sum(work[s: s + max_len + 1]) <= max_len, rule, ai)


def soft_requests(on: list[tuple[object, int]], off: list[tuple[object, int]]):
    """Penalty of shift requests: weight if a wanted shift literal is 0 (on) or an unwanted one is 1 (off).

    Items are (literal or constant 0 when the shift cannot be worked at all, weight). Returns a linear expression.
    """
    return sum(w * (1 - v) for v, w in on) + sum(w * v for v, w in off)


def soft_cover(model, assigned, requirement: int, w_under: int, w_over: int, max_assigned: int,
               name: str = "cover"):
    """Under- and over-staffing of one cover slot as penalised slack: returns (penalty expression, under, over).

    assigned - requirement == over - under; the minimiser sets at most one of the two positive.
    """
    ub = max(requirement, 0)
    under = model.NewIntVar(0, ub, f"{name}_under")
    over = model.NewIntVar(0, max(max_assigned - requirement, 0), f"{name}_over")
    model.Add(assigned - requirement == over - under)
    return w_under * under + w_over * over, under, over
