"""Erlang metrics per interval and the smallest staffing meeting a queue's targets (arrays in, arrays out).

Erlang C (M/M/N) for queues without a patience, Erlang A (M/M/N+M, Palm 1943; Garnett, Mandelbaum &
Reiman 2002) for queues with one; formulas and sources in `wfm.erlang`. Conventions follow
`shared/data/erlang_reference.md`: load A = calls * aht_s / interval_s; required agents = the smallest N
with service level >= target, ASA <= target (when set), occupancy <= cap (when set), for Erlang A
P(abandon) <= the abandonment cap (when set; `abandon_cap`) and, for Erlang C, N > A; zero calls need zero
agents. Comparisons against targets allow 1e-12 for floating-point noise. The DataFrame stage built on these
is `wfm.staffing`.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any, Protocol

import numpy as np

from wfm import erlang as E
from wfm.errors import WfmError


TOL = 1e-12
# Codes index this tuple (requirements files store the names); new names go at the end.
BINDINGS = ("none", "service_level", "asa", "occupancy", "min_agents", "abandon_rate")
_NONE, _SL, _ASA, _OCC, _MIN, _ABN = range(6)


class StaffingError(WfmError, ValueError):
    """Bad staffing input (negative, NaN, out of range); the CLI reports it without a traceback."""


class ImpossibleTargetError(StaffingError):
    """A target that no number of agents can meet."""


class QueueLike(Protocol):
    """The fields of `wfm.config.QueueConfig` that staffing reads (read-only: frozen dataclasses qualify)."""

    @property
    def name(self) -> str: ...
    @property
    def sl_target(self) -> float: ...
    @property
    def answer_time_s(self) -> float: ...
    @property
    def asa_target_s(self) -> float | None: ...
    @property
    def max_occupancy(self) -> float | None: ...
    @property
    def patience_s(self) -> float | None: ...
    @property
    def min_agents(self) -> int: ...
    @property
    def answer_rate_target(self) -> float | None: ...  # share of offered calls answered (Erlang A); None: not set
    @property
    def max_abandon_rate(self) -> float | None: ...  # share of offered calls abandoned (Erlang A); None: not set


def abandon_cap(queue: Any) -> float | None:
    """A queue's effective abandonment cap: min(max_abandon_rate, 1 - answer_rate_target), None when neither
    is set. Only Erlang A queues (with a patience) use it; Erlang C models no abandonment."""
    caps = []
    mab = getattr(queue, "max_abandon_rate", None)
    art = getattr(queue, "answer_rate_target", None)
    if mab is not None:
        caps.append(float(mab))
    if art is not None:
        caps.append(1.0 - float(art))
    return min(caps) if caps else None


# ------------------------------------------------------------------------------------------- validation


def _arr(name: str, value: Any, *, optional: bool = False) -> np.ndarray:
    """A float array; None (when optional) becomes NaN, meaning "not set"."""
    if value is None:
        if optional:
            return np.array(np.nan)
        raise StaffingError(f"{name} is required")
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise StaffingError(f"{name} must be numeric, got {value!r}") from None
    if not optional and np.isnan(a).any():
        raise StaffingError(f"{name} contains NaN (missing) values")
    if np.isinf(a).any():
        raise StaffingError(f"{name} contains infinite values")
    return a


def _check(cond: np.ndarray | bool, message: str, cls: type[StaffingError] = StaffingError) -> None:
    if np.any(cond):
        raise cls(message)


VANISHING_LOAD = 1e-250


def load_arrays(calls: Any, aht_s: Any, interval_s: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    calls_a = _arr("calls", calls)
    aht = np.asarray(aht_s, dtype=float) if aht_s is not None else None
    if aht is None:
        raise StaffingError("aht_s is required")
    ivl = _arr("interval_s", interval_s)
    _check(calls_a < 0, "calls must not be negative")
    _check(ivl <= 0, "interval_s must be positive")
    calls_b, aht_b = np.broadcast_arrays(calls_a, aht)
    _check(np.isnan(aht_b) & (calls_b > 0), "aht_s is missing (NaN) where calls are expected")
    _check(np.isinf(aht_b), "aht_s contains infinite values")
    aht_b = np.where(np.isnan(aht_b), 0.0, aht_b)
    _check(aht_b < 0, "aht_s must not be negative")
    load = calls_b * aht_b / ivl
    # A load below 1e-250 Erlangs is no load: the answer differs from zero load by less than that, and the
    # Erlang A kernels would otherwise meet loads that underflow to 0 once scaled by patience / AHT.
    load = np.where(load < VANISHING_LOAD, 0.0, load)
    return calls_b, aht_b, ivl, load


def _patience(patience_s: Any) -> np.ndarray:
    p = _arr("patience_s", patience_s, optional=True)
    _check(p <= 0, "patience_s must be positive (omit it for Erlang C)")
    return p


# ------------------------------------------------------------------------------------------- metrics


def metrics(calls: Any, aht_s: Any, agents: Any, interval_s: Any, answer_time_s: Any, patience_s: Any,
             *, want_asa: bool = True) -> dict[str, np.ndarray]:
    """All queue metrics at a given staffing; Erlang A where patience is set, else Erlang C."""
    _, aht, _, load = load_arrays(calls, aht_s, interval_s)
    n = _arr("agents", agents)
    _check((n < 0) | (n != np.round(n)), "agents must be whole numbers >= 0")
    t = _arr("answer_time_s", answer_time_s)
    _check(t < 0, "answer_time_s must not be negative")
    pat = _patience(patience_s)
    load, aht, n, t, pat = np.broadcast_arrays(load, aht, n, t, pat)
    shape = load.shape
    load, aht, n, t, pat = (np.ravel(v).astype(float) for v in (load, aht, n, t, pat))
    pw = np.zeros(load.size)
    sl = np.ones(load.size)
    asa = np.zeros(load.size)
    pab = np.zeros(load.size)
    occ = np.zeros(load.size)
    has_a = ~np.isnan(pat)
    busy = load > 0
    c = busy & ~has_a
    if c.any():
        pw[c], sl[c], w = E.erlang_c_metrics(n[c], load[c], t[c] / aht[c])
        asa[c] = w * aht[c]
        with np.errstate(divide="ignore"):
            occ[c] = np.minimum(1.0, load[c] / n[c])
    a = busy & has_a
    if a.any():
        r, p = pat[a] / aht[a], pat[a]
        pw[a], sl[a], pab[a] = E.erlang_a_metrics(n[a], load[a], r, t[a] / p)
        if want_asa:
            asa[a] = E.erlang_a_wait_answered(n[a], load[a], r) * p
        with np.errstate(divide="ignore", invalid="ignore"):
            occ[a] = np.where(n[a] > 0, load[a] * (1.0 - pab[a]) / n[a], 1.0)
    out = {"wait_probability": pw, "service_level": sl, "asa_s": asa, "abandon_rate": pab, "occupancy": occ}
    return {k: v.reshape(shape) for k, v in out.items()}


def service_level(calls: Any, aht_s: Any, agents: Any, *, interval_s: Any, answer_time_s: Any,
                  patience_s: Any = None) -> np.ndarray:
    """Share of callers answered within `answer_time_s` (Erlang A: over all arriving callers)."""
    return metrics(calls, aht_s, agents, interval_s, answer_time_s, patience_s, want_asa=False)["service_level"]


def wait_probability(calls: Any, aht_s: Any, agents: Any, *, interval_s: Any, patience_s: Any = None) -> np.ndarray:
    """Probability that a caller has to wait at all (Erlang C: C(N, A))."""
    return metrics(calls, aht_s, agents, interval_s, 0.0, patience_s, want_asa=False)["wait_probability"]


def asa(calls: Any, aht_s: Any, agents: Any, *, interval_s: Any, patience_s: Any = None) -> np.ndarray:
    """Average speed of answer in seconds (Erlang A: mean wait of answered callers); inf when N <= A in C."""
    return metrics(calls, aht_s, agents, interval_s, 0.0, patience_s)["asa_s"]


def abandon_probability(calls: Any, aht_s: Any, agents: Any, *, interval_s: Any, patience_s: Any) -> np.ndarray:
    """Share of callers who hang up before being answered (Erlang A)."""
    return metrics(calls, aht_s, agents, interval_s, 0.0, patience_s, want_asa=False)["abandon_rate"]


def occupancy(calls: Any, aht_s: Any, agents: Any, *, interval_s: Any, patience_s: Any = None) -> np.ndarray:
    """Share of agent time on calls: A / N (Erlang A: A (1 - P(abandon)) / N); capped at 1."""
    return metrics(calls, aht_s, agents, interval_s, 0.0, patience_s, want_asa=False)["occupancy"]


# ------------------------------------------------------------------------------------- required agents


def required_agents(calls: Any, aht_s: Any, *, interval_s: Any, sl_target: Any, answer_time_s: Any,
                    max_occupancy: Any = None, patience_s: Any = None, asa_target_s: Any = None,
                    max_abandon_rate: Any = None) -> np.ndarray:
    """On-phone agents needed per interval (int array; arguments broadcast, NaN in an optional = not set).

    Erlang C, or Erlang A where `patience_s` is given. `max_abandon_rate` caps the share of offered calls
    abandoned (Erlang A only: ignored where there is no patience; see `abandon_cap` for a queue's cap).
    Raises `ImpossibleTargetError` for targets no staffing can meet and `StaffingError` for negative or
    missing inputs.
    """
    agents, _ = required_agents_explained(calls, aht_s, interval_s=interval_s, sl_target=sl_target,
                                          answer_time_s=answer_time_s, max_occupancy=max_occupancy,
                                          patience_s=patience_s, asa_target_s=asa_target_s,
                                          max_abandon_rate=max_abandon_rate)
    return agents


def required_agents_explained(calls: Any, aht_s: Any, *, interval_s: Any, sl_target: Any, answer_time_s: Any,
                              max_occupancy: Any = None, patience_s: Any = None, asa_target_s: Any = None,
                              min_agents: Any = 0, max_abandon_rate: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """(agents, binding): as `required_agents`, plus which target set each number (see `BINDINGS`).

    `min_agents` is a floor applied where calls > 0; ties are credited in the order service level, ASA,
    occupancy, abandonment, floor.
    """
    _, aht, _, load = load_arrays(calls, aht_s, interval_s)
    sl = _arr("sl_target", sl_target)
    t = _arr("answer_time_s", answer_time_s)
    cap = _arr("max_occupancy", max_occupancy, optional=True)
    pat = _patience(patience_s)
    asa_t = _arr("asa_target_s", asa_target_s, optional=True)
    floor_ = _arr("min_agents", min_agents)
    abn = _arr("max_abandon_rate", max_abandon_rate, optional=True)
    _check(t < 0, "answer_time_s must not be negative")
    _check(sl < 0, "sl_target must be between 0 and 1")
    _check(sl >= 1, "a service-level target of 100% cannot be met by any staffing: with random arrivals some "
           "callers always wait (use a target below 1, e.g. 0.95)", ImpossibleTargetError)
    _check((cap <= 0) | (cap > 1), "max_occupancy must be in (0, 1]")
    _check(asa_t <= 0, "an ASA target of 0 s cannot be met by any staffing (some callers always wait)",
           ImpossibleTargetError)
    _check((floor_ < 0) | (floor_ != np.round(floor_)), "min_agents must be a whole number >= 0")
    _check((abn < 0) | (abn > 1), "max_abandon_rate must be between 0 and 1")
    _check(abn == 0, "an abandonment cap of 0 cannot be met by any staffing: callers with a finite patience "
           "sometimes hang up (use a share above 0, e.g. 0.05)", ImpossibleTargetError)

    arrays = np.broadcast_arrays(load, aht, sl, t, cap, pat, asa_t, floor_, abn)
    shape = arrays[0].shape
    load, aht, sl, t, cap, pat, asa_t, floor_, abn = (np.ravel(v).astype(float) for v in arrays)
    agents = np.zeros(load.size, dtype=np.int64)
    binding = np.full(load.size, _NONE, dtype=np.int8)

    busy = load > 0
    c = np.flatnonzero(busy & np.isnan(pat))
    if c.size:
        agents[c], binding[c] = _required_c(load[c], aht[c], sl[c], t[c], cap[c], asa_t[c])
    a = np.flatnonzero(busy & ~np.isnan(pat))
    if a.size:
        agents[a], binding[a] = _required_a(load[a], aht[a], sl[a], t[a], cap[a], asa_t[a], pat[a], abn[a])
    floor_i = floor_.astype(np.int64)
    low = busy & (agents < floor_i)
    agents[low] = floor_i[low]
    binding[low] = _MIN
    return agents.reshape(shape), binding.reshape(shape)


def _occupancy_floor(load: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """ceil(A / cap) guarded against float noise (17.85 / 0.85 is 21); 0 where there is no cap."""
    with np.errstate(invalid="ignore"):
        n = np.ceil(np.round(load / cap, 9))
    return np.where(np.isnan(cap), 0, n).astype(np.int64)


def _required_c(load: np.ndarray, aht: np.ndarray, sl: np.ndarray, t: np.ndarray, cap: np.ndarray,
                asa_t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    asa_rel = np.where(np.isnan(asa_t), np.inf, asa_t / aht)
    n_sl, n_asa = E.erlang_c_search(load, t / aht, sl, asa_rel, tol=TOL)
    n_occ = _occupancy_floor(load, cap)
    stacked = np.stack([n_sl, n_asa, n_occ])
    return stacked.max(axis=0), (np.argmax(stacked, axis=0) + _SL).astype(np.int8)


def _raise_until(n: np.ndarray, binding: np.ndarray, rows: np.ndarray, ok: E.Predicate, code: int,
                 upper: Callable[[np.ndarray], np.ndarray] | None = None) -> None:
    """In place: for the elements `rows` where `ok(positions in rows, agents)` fails at the current `n`, the
    smallest larger `n` meeting it (`ok` monotone in N), and `binding` = `code` there. `upper(idx)` gives a
    known upper bound; without it one is found by galloping."""
    sub = np.arange(rows.size)
    bad = ~ok(sub, n[rows])
    if not bad.any():
        return
    idx, pos = rows[bad], sub[bad]
    lo = n[idx]

    def ok_bad(i: np.ndarray, m: np.ndarray) -> np.ndarray:
        return ok(pos[i], m)

    hi = E.gallop_upper(ok_bad, lo, lo + 1) if upper is None else upper(idx)
    n[idx] = E.bisect_smallest(ok_bad, lo, hi)
    binding[idx] = code


def _required_a(load: np.ndarray, aht: np.ndarray, sl: np.ndarray, t: np.ndarray, cap: np.ndarray,
                asa_t: np.ndarray, pat: np.ndarray, abn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r, tt = pat / aht, t / pat

    def sl_ok(idx: np.ndarray, n: np.ndarray) -> np.ndarray:
        ok: np.ndarray = E.erlang_a_metrics(n, load[idx], r[idx], tt[idx])[1] >= sl[idx] - TOL
        return ok

    # SL <= P(answered) < N / A, so N <= sl * A never meets the target: a lower bound that is false.
    lo = np.floor(sl * load).astype(np.int64)
    guess, _ = E.erlang_c_search(load, t / aht, sl, np.full(load.size, np.inf), tol=TOL)
    hi = E.gallop_upper(sl_ok, lo, np.maximum(guess, 1))
    n = E.bisect_smallest(sl_ok, lo, hi)
    binding = np.full(load.size, _SL, dtype=np.int8)

    has_asa = np.flatnonzero(~np.isnan(asa_t))
    if has_asa.size:
        def asa_ok(idx: np.ndarray, m: np.ndarray) -> np.ndarray:
            g = has_asa[idx]
            ok: np.ndarray = E.erlang_a_wait_answered(m, load[g], r[g]) * pat[g] <= asa_t[g] * (1 + TOL)
            return ok

        _raise_until(n, binding, has_asa, asa_ok, _ASA)

    has_cap = np.flatnonzero(~np.isnan(cap))
    if has_cap.size:
        def occ_ok(idx: np.ndarray, m: np.ndarray) -> np.ndarray:
            g = has_cap[idx]
            pab = E.erlang_a_metrics(m, load[g], r[g], tt[g])[2]
            ok: np.ndarray = load[g] * (1.0 - pab) <= (cap[g] + TOL) * m
            return ok

        # A/N <= cap always suffices: no need to gallop for an upper bound
        _raise_until(n, binding, has_cap, occ_ok, _OCC,
                     upper=lambda idx: np.maximum(_occupancy_floor(load[idx], cap[idx]), n[idx] + 1))

    has_abn = np.flatnonzero(~np.isnan(abn))
    if has_abn.size:
        def abn_ok(idx: np.ndarray, m: np.ndarray) -> np.ndarray:  # P(abandon) decreases in N
            g = has_abn[idx]
            ok: np.ndarray = E.erlang_a_metrics(m, load[g], r[g], tt[g])[2] <= abn[g] + TOL
            return ok

        _raise_until(n, binding, has_abn, abn_ok, _ABN)
    return n, binding


# ------------------------------------------------------------------------------------------- shrinkage


def heads(agents: Any, shrinkage: Any) -> np.ndarray:
    """Rostered heads = ceil(agents / (1 - shrinkage)), exact (7 agents at 30% shrinkage is 10, not 11).

    Use only the shrinkage the roster does not place itself (absence, leave, meetings): breaks, lunch and
    training placed by the roster are already in its coverage and must not be counted twice.
    """
    n = _arr("agents", agents)
    _check((n < 0) | (n != np.round(n)), "agents must be whole numbers >= 0")
    s = _arr("shrinkage", shrinkage)
    _check((s < 0) | (s >= 1), "shrinkage must be in [0, 1)")
    # in whole numbers per distinct shrinkage (a roster has few): float division rounds 74,361 / (1 - 0.93) up to
    # 1,062,301, one head too many
    n_b, s_b = np.broadcast_arrays(n.astype(np.int64), s)
    out = np.empty(n_b.shape, dtype=np.int64)
    for value in np.unique(s_b):
        keep = Fraction(1) - Fraction(repr(float(value))).limit_denominator(10**9)
        at = s_b == value
        out[at] = -((-n_b[at] * keep.denominator) // keep.numerator)
    return out if out.ndim else out[()]
