"""Queue priority of multi-skilled agents: answer another of one's skills first for a stretch of the shift.

A duty manager facing a surge tells the agents who hold the surged queue as a second skill to take it first
until the surge is over, then go back; a whole-shift switch would take them off their own queue for hours the
surge does not need them. So a switch runs over a stretch of the agent's remaining work intervals: each
interval's moves (one agent more on the new queue, one less on the one it leaves) add up over a stretch, so
every (start, end) pair is valued at once from prefix sums (`Floor.span_worths`). Stretches
are tried best first until the floor allows one (no queue pushed under its floor, see `Floor.allowed`).
"""

from __future__ import annotations

import numpy as np

from wfm.intraday.floor import Day, Floor

TRIES = 12  # stretches tried per agent once the best are refused (a shorter one may spare the queue it leaves)


def switch_queue(d: Day, floor: Floor, queues: list[str], min_gain: float, journal: list) -> None:
    """Give a multi-skilled agent another first-call queue over the stretch of its remaining work where that is
    worth most (at least `min_gain`), if the floor allows it; one switch per call."""
    if len(d.skills) < 2:
        return
    work = np.flatnonzero((d.t >= 0) & np.array([a == "work" for a in d.acts]))
    if not len(work):
        return
    cur = np.array([queues.index(d.queues[x]) for x in work])
    options = []
    for q in d.skills:
        pos = np.flatnonzero(cur != q)
        if not len(pos):
            continue
        lo, hi = np.triu_indices(len(pos) + 1, k=1)
        t = d.t[work[pos]]
        parts = [(q, np.arange(len(pos)), t, +1)] + [
            (c, np.flatnonzero(cur[pos] == c), t[cur[pos] == c], -1) for c in sorted(set(cur[pos].tolist()))]
        worth, _ = floor.span_worths(parts, len(pos), lo, hi)
        keep = np.flatnonzero(worth > min_gain)
        options += [(-float(worth[k]), q, int(lo[k]), int(hi[k]), pos) for k in keep]
    options.sort(key=lambda o: o[:4])
    for _, q, lo, hi, pos in options[:TRIES]:
        chosen = work[pos[lo:hi]]
        donors = cur[pos[lo:hi]]
        moves = [(q, d.t[chosen], +1)] + [(int(c), d.t[chosen[donors == c]], -1)
                                          for c in sorted(set(donors.tolist()))]
        if floor.allowed(moves, d.skills):
            floor.apply(moves, d.skills)
            journal.append((d, list(d.acts), list(d.queues)))
            for x in chosen:
                d.queues[x] = queues[q]
            return


def switched_stretches(d: Day, acts: list[str], queues_before: list[str | None]) -> list[tuple[int, int, str, str]]:
    """The switches of one shift against how it was: (first interval, last interval, old queue, new queue) per
    run of work intervals (breaks inside a run do not split it) answering a new first-call queue."""
    out: list[tuple[int, int, str, str]] = []
    run = None
    for x in (x for x in range(len(acts)) if acts[x] == "work" and d.acts[x] == "work"):
        pair = (queues_before[x], d.queues[x])
        if pair[0] != pair[1] and run is not None and run[2:] == pair:
            run = (run[0], x, *pair)
            continue
        if run is not None:
            out.append(run)
        run = (x, x, *pair) if pair[0] != pair[1] else None
    if run is not None:
        out.append(run)
    return out
