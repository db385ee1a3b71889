"""Multi-skill staffing: what a floor whose agents hold several skills needs, per interval.

Per-queue Erlang staffs each queue as if its agents served nobody else. On a floor where the ACD routes any
waiting call to an idle agent holding its skill, agents are shared, and far fewer are needed. The model here is
the subset-pooling approximation (Bhulai, Koole and Pot 2008, "Simple methods for shift scheduling in multiskill
call centers"; the aggregate constraints of Cezik and L'Ecuyer 2008): for every set S of queues,

    agents on the phone holding at least one skill in S  >=  N(S),

where N(S) is what one pooled queue carrying all of S's calls needs. For a single queue N({q}) is the per-queue
Erlang requirement (the requirements file's `agents`); for larger sets the pool gets the summed calls, the
call-weighted handle time and patience, and its targets are met on the call-weighted average of its members
(service level at each member's own answer time, abandonment), the tightest ASA target and occupancy cap, the
largest floor. Priority routing then protects small high-priority queues (their single-queue constraint still
holds). Only sets that can bind are kept: the *closure* of S (every queue all of whose holders also serve S)
needs more and is served by the same agents, so only closed sets within one connected group of skills matter.

The roster covers these sets (`wfm.roster`), and the simulator (`wfm.simulation`) checks the result under the
centre's routing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from wfm import erlang as E
from wfm import staffing as S

MAX_ENUMERATED_QUEUES = 12  # up to this many queues per skill component every subset is closed; above, unions
MAX_SETS = 400  # sets kept per component at most (largest unions first dropped)
POOL_SEP = "+"


def _components(queues: Sequence[str], skill_sets: Sequence[frozenset[str]]) -> list[list[str]]:
    """Queues linked by agents holding several of them, in config order (queues nobody holds are left out)."""
    parent = {q: q for q in queues}

    def find(q: str) -> str:
        while parent[q] != q:
            parent[q] = parent[parent[q]]
            q = parent[q]
        return q

    held = set()
    for s in skill_sets:
        qs = [q for q in queues if q in s]
        held.update(qs)
        for a, b in zip(qs, qs[1:]):
            parent[find(a)] = find(b)
    groups: dict[str, list[str]] = {}
    for q in queues:
        if q in held:
            groups.setdefault(find(q), []).append(q)
    return list(groups.values())


def queue_sets(queues: Sequence[str], skill_sets: Iterable[Iterable[str]], *,
               max_enumerated: int = MAX_ENUMERATED_QUEUES, max_sets: int = MAX_SETS) -> list[tuple[str, ...]]:
    """The sets of queues whose pooled requirement can bind, for agents with the given skill sets.

    Every single queue first (config order), then the closed sets of two or more queues, smallest first.
    """
    sets = [frozenset(s) & frozenset(queues) for s in skill_sets]
    sets = sorted({s for s in sets if s}, key=lambda s: sorted(s))
    holders = {q: {i for i, s in enumerate(sets) if q in s} for q in queues}
    out: list[tuple[str, ...]] = [(q,) for q in queues]

    def closure(sub: frozenset[str], comp: list[str]) -> frozenset[str]:
        capable = {i for i, s in enumerate(sets) if s & sub}
        return frozenset(q for q in comp if holders[q] <= capable)

    for comp in _components(queues, sets):
        if len(comp) < 2:
            continue
        found: set[frozenset[str]] = set()
        if len(comp) <= max_enumerated:
            for r in range(1, len(comp) + 1):
                for sub in itertools.combinations(comp, r):
                    found.add(closure(frozenset(sub), comp))
        else:  # unions of overlapping skill sets, grown until nothing new or the cap
            frontier = {closure(frozenset([q]), comp) for q in comp}
            frontier |= {closure(s, comp) for s in sets if s <= set(comp)}
            found |= frontier
            while frontier and len(found) < max_sets:
                new = set()
                for a in frontier:
                    for s in sets:
                        if s & a and not s <= a:
                            new.add(closure(a | s, comp))
                frontier = new - found
                found |= frontier
            # the whole group and all of it but one queue or one skill set: the agents' total capacity, which
            # the unions of a few skill sets above never reach on a large floor
            whole = frozenset(comp)
            found |= {whole} | {closure(whole - {q}, comp) for q in comp}
            found |= {closure(whole - s, comp) for s in sets if s < whole}
        multi = sorted((s for s in found if len(s) > 1), key=lambda s: (len(s), [comp.index(q) for q in sorted(s)]))
        out += [tuple(q for q in comp if q in s) for s in _keep_both_ends(multi, len(comp), max_sets)]
    return out


def _keep_both_ends(multi: list[frozenset[str]], size: int, max_sets: int) -> list[frozenset[str]]:
    """At most `max_sets` of the sets (sorted smallest first), dropping those of middling size: the small ones
    guard scarce skills, the near-whole ones the group's total capacity (dropping the largest sets let a
    large floor's skill mix fall below what one pool with every skill needs)."""
    if len(multi) <= max_sets:
        return multi
    order = sorted(range(len(multi)), key=lambda i: (min(len(multi[i]), size + 1 - len(multi[i])), i))
    return [multi[i] for i in sorted(order[:max_sets])]


def pool_name(queues: Iterable[str]) -> str:
    return POOL_SEP.join(queues)


def _opt(q: object, name: str) -> float:
    v = getattr(q, name, None)
    return float("nan") if v is None else float(v)


def pooled_agents(calls: np.ndarray, aht: np.ndarray, members: Sequence[object], *, interval_s: int,
                  floor: np.ndarray | None = None) -> np.ndarray:
    """On-phone agents one pool needs per interval. `calls`, `aht`: (intervals, members) arrays; `members` the
    queues' configs (`sl_target`, `answer_time_s`, optional `patience_s`, `asa_target_s`, `max_occupancy`,
    `max_abandon_rate`, `answer_rate_target`)."""
    calls = np.nan_to_num(np.asarray(calls, dtype=float))
    aht = np.nan_to_num(np.asarray(aht, dtype=float))
    lam = calls.sum(axis=1)
    work = (calls * aht).sum(axis=1)
    busy = lam > 0
    out = np.zeros(lam.size, dtype=np.int64)
    if not busy.any():
        return out
    idx_b = np.flatnonzero(busy)
    lam_b, w_b = lam[busy], calls[busy]
    aht_p = work[busy] / lam_b
    load = work[busy] / interval_s
    pats = [_opt(m, "patience_s") for m in members]
    erlang_a = not any(np.isnan(p) for p in pats)
    pat = (w_b * np.array(pats)).sum(axis=1) / lam_b if erlang_a else None
    sl_t = np.array([m.sl_target for m in members])
    t_q = np.array([m.answer_time_s for m in members], dtype=float)
    target_sl = (w_b * sl_t).sum(axis=1) / lam_b
    caps = []
    for m in members:
        c = [v for v in (_opt(m, "max_abandon_rate"), 1 - _opt(m, "answer_rate_target")) if not np.isnan(v)]
        caps.append(min(c) if c else 1.0)
    target_ab = (w_b * np.array(caps)).sum(axis=1) / lam_b
    asa_t = np.nanmin([_opt(m, "asa_target_s") for m in members] + [np.inf])
    occ = np.nanmin([_opt(m, "max_occupancy") for m in members] + [1.0])

    def ok(i: np.ndarray, n: np.ndarray) -> np.ndarray:
        a, h = load[i], aht_p[i]
        good = np.ones(i.size, dtype=bool)
        if erlang_a:
            r = pat[i] / h
            sl = np.zeros(i.size)
            pab = None
            for j, t in enumerate(t_q):
                _, sl_j, pab = E.erlang_a_metrics(n, a, r, t / pat[i])
                sl += w_b[i, j] * sl_j
            good &= pab <= target_ab[i] + S.TOL
            served = a * (1 - pab)
            if np.isfinite(asa_t):
                good &= E.erlang_a_wait_answered(n, a, r) * pat[i] <= asa_t * (1 + S.TOL)
        else:
            stable = n > a + 1e-9
            sl = np.zeros(i.size)
            nn = np.where(stable, n, a + 1.0)
            for j, t in enumerate(t_q):
                sl += w_b[i, j] * E.erlang_c_metrics(nn, a, np.full(i.size, t) / h)[1]
            good &= stable
            served = a
            if np.isfinite(asa_t):
                good &= E.erlang_c_metrics(nn, a, np.zeros(i.size))[2] * h <= asa_t * (1 + S.TOL)
        good &= sl / lam_b[i] >= target_sl[i] - S.TOL
        good &= served <= (occ + S.TOL) * n
        return good

    # N <= A is unstable (Erlang C); with patience, SL <= P(answered) < N / A, so N <= target * A fails too
    lo = np.floor(target_sl * load if erlang_a else load).astype(np.int64)
    start = np.ceil(load).astype(np.int64) + 1
    hi = E.gallop_upper(ok, lo, start)
    n = E.bisect_smallest(ok, lo, hi)
    if floor is not None:
        n = np.maximum(n, np.asarray(floor, dtype=np.int64)[busy])
    out[idx_b] = n
    return out


def pooled_requirements(requirements: pd.DataFrame, queues: Mapping[str, object],
                        sets: Sequence[tuple[str, ...]], *, interval_s: int, shrinkage: float) -> pd.DataFrame:
    """Required agents and heads for every set of queues, per interval.

    `requirements` is the staffing stage's output (`interval_start, queue, calls, aht_s, agents`); single-queue
    sets take its `agents` as they are. Returns `interval_start, queues, calls, erlangs, agents, heads`, one row
    per interval and set (`queues` joined with "+").
    """
    req = requirements.copy()
    req["interval_start"] = pd.to_datetime(req["interval_start"])
    wide = req.pivot_table(index="interval_start", columns="queue", values=["calls", "aht_s", "agents"],
                           aggfunc="first", sort=True)
    ts = wide.index
    frames = []
    for s in sets:
        present = [q for q in s if ("calls", q) in wide.columns]
        if not present:
            continue
        calls = np.column_stack([wide["calls"][q].fillna(0).to_numpy(float) for q in present])
        aht = np.column_stack([wide["aht_s"][q].fillna(0).to_numpy(float) for q in present])
        if len(s) == 1:
            agents = wide["agents"][s[0]].fillna(0).to_numpy().astype(np.int64)
        else:
            floor = np.column_stack([wide["agents"][q].fillna(0).to_numpy() for q in present]).max(axis=1)
            floors = np.array([getattr(queues[q], "min_agents", 0) or 0 for q in present])
            floor = np.minimum(floor, floors.max())  # the members' configured floors, only where they applied
            agents = pooled_agents(calls, aht, [queues[q] for q in present], interval_s=interval_s, floor=floor)
        frames.append(pd.DataFrame({
            "interval_start": ts, "queues": pool_name(s), "calls": calls.sum(axis=1),
            "erlangs": np.round((calls * aht).sum(axis=1) / interval_s, 6), "agents": agents}))
    cols = ["interval_start", "queues", "calls", "erlangs", "agents", "heads"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    out["heads"] = S.heads(out["agents"].to_numpy(), shrinkage)
    return out[cols]


def skill_group_requirements(pooled: pd.DataFrame, skill_sets: Iterable[str]) -> pd.DataFrame:
    """Fewest agents per skill set meeting every pooled constraint, per interval (an LP, then rounded up).

    `skill_sets` are the floor's skill sets ("billing+faults"). Ties go to agents with fewer skills. Returns
    `interval_start, skill_set, agents, binding`; `binding` names the set of queues whose constraint is tightest
    (the one whose requirement per capable agent is highest).
    """
    from scipy.optimize import linprog

    groups = list(dict.fromkeys(skill_sets))
    gsets = [frozenset(g.split(POOL_SEP)) for g in groups]
    names = list(dict.fromkeys(pooled["queues"]))
    cover = np.array([[1.0 if g & set(n.split(POOL_SEP)) else 0.0 for g in gsets] for n in names])
    wide = pooled.pivot_table(index="interval_start", columns="queues", values="agents", aggfunc="first",
                              sort=True).reindex(columns=names).fillna(0)
    cost = 1.0 + 1e-3 * np.array([len(g) for g in gsets])
    rows = []
    held = cover.any(axis=1)  # a set of queues nobody on the floor can serve cannot be staffed by any mix
    for ts, need in zip(wide.index, wide.to_numpy(float)):
        live = (need > 0) & held
        if not live.any():
            x = np.zeros(len(groups))
        else:
            res = linprog(cost, A_ub=-cover[live], b_ub=-need[live], bounds=(0, None), method="highs")
            x = _round_up(res.x if res.status == 0 else np.full(len(groups), need.max()), cover[live], need[live])
        with np.errstate(divide="ignore", invalid="ignore"):
            tight = np.where(live, need / np.maximum(cover @ np.ones(len(groups)), 1), -1)
        binding = names[int(np.argmax(tight))] if live.any() else ""
        rows += [(ts, g, int(v), binding) for g, v in zip(groups, x)]
    return pd.DataFrame(rows, columns=["interval_start", "skill_set", "agents", "binding"])


def _round_up(x: np.ndarray, cover: np.ndarray, need: np.ndarray) -> np.ndarray:
    """Whole agents from an LP solution: floor, then one more where a constraint still falls short."""
    n = np.floor(x + 1e-9)
    frac = x - n
    while True:
        short = need - cover @ n
        if (short <= 1e-9).all():
            return n.astype(np.int64)
        gain = cover[short > 1e-9].sum(axis=0) + frac  # the group that helps most short constraints
        gain[cover[short > 1e-9].sum(axis=0) == 0] = -1
        j = int(np.argmax(gain))
        n[j] += 1
        frac[j] = 0


def agent_hours(requirements: pd.DataFrame, pooled: pd.DataFrame, groups: pd.DataFrame,
                queues: Mapping[str, object], *, interval_s: int) -> dict[str, float]:
    """On-phone agent-hours of the period three ways: each queue alone (per-queue Erlang summed), the floor's
    skill mix (`groups`), and one pool holding every skill (full flexibility, the reference). With `groups`, all
    three cover only the queues some skill set holds (the mix cannot answer the others' calls)."""
    h = interval_s / 3600.0
    req = requirements.copy()
    if len(groups):
        held = {q for s in groups["skill_set"].unique() for q in str(s).split(POOL_SEP)}
        req = req[req["queue"].isin(held)]
    per_queue = float(req["agents"].sum()) * h
    mix = float(groups["agents"].sum()) * h if len(groups) else per_queue
    req["interval_start"] = pd.to_datetime(req["interval_start"])
    names = [q for q in queues if q in set(req["queue"])]
    if not names:
        return {"per_queue": per_queue, "skill_mix": mix, "single_pool": 0.0}
    wide = req.pivot_table(index="interval_start", columns="queue", values=["calls", "aht_s"], aggfunc="first")
    calls = np.column_stack([wide["calls"][q].fillna(0).to_numpy(float) for q in names])
    aht = np.column_stack([wide["aht_s"][q].fillna(0).to_numpy(float) for q in names])
    single = float(pooled_agents(calls, aht, [queues[q] for q in names], interval_s=interval_s).sum()) * h
    return {"per_queue": per_queue, "skill_mix": mix, "single_pool": single}
