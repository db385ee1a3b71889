"""Exact, vectorised Erlang C (M/M/N) and Erlang A (M/M/N+M) kernels.

Everything is computed in log space from regularised incomplete gamma functions (no factorials), so it is
exact to double precision and free of overflow for loads from 0 to beyond 20,000 Erlangs. Inputs are
dimensionless numpy arrays that broadcast; the public, unit-aware API is in `wfm.staffing`.

Notation: A = offered load (Erlangs), n = agents, tau = answer time / AHT.

Erlang C (textbook; e.g. Gans, Koole & Mandelbaum 2003, "Telephone call centers", MSOM 5:79):
  1/B(n, A) = e^A n! A^-n Q(n+1, A), Q = regularised upper incomplete gamma,
  C = 1 / (1 + (1 - A/n) (1/B - 1)),  SL(t) = 1 - C e^{-(n-A) t/aht},  ASA = C aht / (n - A).

Erlang A (Palm 1943; Garnett, Mandelbaum & Reiman 2002, "Designing a call center with impatient
customers", MSOM 4:208; Mandelbaum & Zeltyn 2007, "Service engineering in action: the Palm/Erlang-A
queue"): birth-death chain with arrival rate lam, service rate mu per busy agent, abandonment rate theta per
waiting caller. With r = mu/theta, x = n r, y = A r and weights relative to pi_n:
  states k < n:      K = 1/B(n, A) - 1
  queue states:      S = sum_j y^j / ((x+1)...(x+j)) = M(1; x+1; y) = e^y y^-x Gamma(x+1) P(x, y)
  normaliser:        D = K + S, pi_n = 1/D, P(wait) = S/D.
A caller who finds j callers queued ahead of him enters service after j+1 exponential stages with rates
n mu + i theta (i = j..0) unless his own patience (rate theta) runs out first. Summing the resulting
hypo-exponential laws over the stationary queue (PASTA) telescopes to the closed form
  weight of callers served after waiting more than t:
      F(t) = x e^y y^-(x+1) gamma(x+1, y e^{-theta t})   (gamma = lower incomplete gamma),
  callers served after any wait: W = F(0) = x (S - 1) / y,
  SL(t) = (K + W - F(t)) / D,  P(abandon) = (S - W) / D,  mean wait of all callers = P(abandon) / theta,
  mean wait of answered callers = sum_j pi_{n+j} x/(x+j+1) (psi(x+j+2) - psi(x+1)) / theta / P(answered).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import special as sp

# pred(idx, n): whether elements `idx` meet a target at agent counts `n` (1-d arrays), monotone in n
Predicate = Callable[[np.ndarray, np.ndarray], np.ndarray]

_TINY = 1e-250  # below this a regularised incomplete gamma is recomputed from its series
_NEG_INF = -np.inf
# Under/overflow to 0 or inf and log(0) = -inf are intended in these kernels (e.g. exp(-1e6) is 0).
_quiet = np.errstate(under="ignore", over="ignore", divide="ignore")
# Erlang A with patience above this many handle times is computed at it: the results differ from the limit
# (Erlang C) by about 1/R_MAX, where beyond ~1e7 the closed forms cancel catastrophically (SL 0.42 against
# Erlang C's 0.55 at 1e12) and the wait series needs a window of sqrt(n r) terms (gigabytes at 1e15).
R_MAX = 1e6


@_quiet
def _log_expm1(v: np.ndarray) -> np.ndarray:
    """log(exp(v) - 1) for v >= 0 without overflow (-inf at v = 0).

    v is a log of a quantity >= 1; rounding can leave it a hair below 0 (a tiny load), which means 0 here.
    """
    v = np.maximum(np.asarray(v, dtype=float), 0.0)
    out = np.empty_like(v)
    big = v > 30.0
    out[big] = v[big] + np.log1p(-np.exp(-v[big]))
    small = ~big
    with np.errstate(divide="ignore"):
        out[small] = np.log(np.expm1(v[small]))
    return out


@_quiet
def log_gammainc(a: np.ndarray, z: np.ndarray) -> np.ndarray:
    """log P(a, z) (regularised lower incomplete gamma), a > 0, z >= 0; exact where P underflows."""
    a, z = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(z, dtype=float))
    p = sp.gammainc(a, z)
    out = np.full(a.shape, _NEG_INF)
    ok = p > _TINY
    out[ok] = np.log(p[ok])
    tiny = ~ok & (z > 0)
    if tiny.any():
        # P(a, z) = e^-z z^a / Gamma(a+1) * sum_j z^j / ((a+1)...(a+j)); converges fast since z << a here.
        aa, zz = a[tiny], z[tiny]
        term = np.ones_like(aa)
        total = np.ones_like(aa)
        j = 0
        while True:
            j += 1
            term = term * zz / (aa + j)
            total += term
            if not (term > 1e-17 * total).any() or j > 100_000:
                break
        out[tiny] = -zz + aa * np.log(zz) - sp.gammaln(aa + 1.0) + np.log(total)
    return out


@_quiet
def log_gammaincc_int(m: np.ndarray, z: np.ndarray) -> np.ndarray:
    """log Q(m, z) (regularised upper incomplete gamma) for whole m >= 1, z > 0; exact where Q underflows."""
    m, z = np.broadcast_arrays(np.asarray(m, dtype=float), np.asarray(z, dtype=float))
    q = sp.gammaincc(m, z)
    out = np.empty(m.shape)
    ok = q > _TINY
    out[ok] = np.log(q[ok])
    tiny = ~ok
    if tiny.any():
        # Q(n+1, z) = e^-z z^n / n! * sum_{i=0..n} n!/((n-i)! z^i); z >> n here, so the terms fall fast.
        n, zz = m[tiny] - 1.0, z[tiny]
        term = np.ones_like(n)
        total = np.ones_like(n)
        i = 0
        while True:
            i += 1
            term = term * np.maximum(n - i + 1, 0.0) / zz
            total += term
            if not (term > 1e-17 * total).any() or i > 100_000:
                break
        out[tiny] = -zz + n * np.log(zz) - sp.gammaln(n + 1.0) + np.log(total)
    return out


@_quiet
def log_inv_erlang_b(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """log(1 / B(n, A)), the inverse Erlang B blocking probability, for whole n >= 0 and A > 0."""
    n, a = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(a, dtype=float))
    out: np.ndarray = a + sp.gammaln(n + 1.0) - n * np.log(a) + log_gammaincc_int(n + 1.0, a)
    return out


# --------------------------------------------------------------------------------------------- Erlang C


@_quiet
def erlang_c(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Probability of waiting C(n, A); 1 where n <= A (unstable), 0 where A = 0."""
    n, a = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(a, dtype=float))
    out = np.ones(n.shape)
    out[a <= 0] = 0.0
    ok = (a > 0) & (n > a)
    if ok.any():
        nn, aa = n[ok], a[ok]
        lk = _log_expm1(log_inv_erlang_b(nn, aa))  # log(1/B - 1)
        # 1/C = 1 + (1 - A/n)(1/B - 1)
        with np.errstate(over="ignore", under="ignore"):
            out[ok] = np.exp(-np.logaddexp(0.0, np.log1p(-aa / nn) + lk))
    return out


@_quiet
def erlang_c_metrics(n: np.ndarray, a: np.ndarray, tau: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(P(wait), SL, ASA/AHT) of M/M/n at load A with answer time tau = t/AHT; unstable: (1, 0, inf)."""
    n, a, tau = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (n, a, tau)))
    c = erlang_c(n, a)
    gap = n - a
    stable = gap > 0
    sl = np.zeros(n.shape)
    asa = np.full(n.shape, np.inf)
    with np.errstate(under="ignore"):
        sl[stable] = 1.0 - c[stable] * np.exp(-gap[stable] * tau[stable])
        asa[stable] = c[stable] / gap[stable]
    return c, np.clip(sl, 0.0, 1.0), asa


@_quiet
def erlang_c_search(
    a: np.ndarray, tau: np.ndarray, sl_target: np.ndarray, asa_target: np.ndarray, *, tol: float = 1e-12
) -> tuple[np.ndarray, np.ndarray]:
    """Smallest n > A meeting SL(tau) >= sl_target, and smallest n > A meeting ASA/AHT <= asa_target.

    All inputs 1-d, A > 0; asa_target may be +inf (no target). Starts at floor(A)+1 with 1/B from the
    incomplete gamma function and steps the (stable, forward) Erlang B recursion 1/B(n) = 1 + n/A/B(n-1)
    only on the elements not yet done, so the cost is O(sqrt(A)) cheap steps per element.
    """
    m = a.shape[0]
    n_sl = np.zeros(m, dtype=np.int64)
    n_asa = np.zeros(m, dtype=np.int64)
    idx = np.arange(m)
    n = np.floor(a) + 1.0
    inv_b = np.exp(np.minimum(log_inv_erlang_b(n, a), 575.0))  # 1/B, capped: C is ~0 beyond that
    aa, tt, st, at = a, tau, sl_target, asa_target
    done_sl = np.zeros(m, dtype=bool)
    done_asa = ~np.isfinite(at)
    with np.errstate(under="ignore", over="ignore"):
        for _ in range(1_000_000):
            c = 1.0 / (1.0 + (1.0 - aa / n) * (inv_b - 1.0))
            gap = n - aa
            sl_ok = 1.0 - c * np.exp(-gap * tt) >= st - tol
            asa_ok = c <= at * gap * (1.0 + tol)
            new_sl = sl_ok & ~done_sl
            new_asa = asa_ok & ~done_asa
            n_sl[idx[new_sl]] = n[new_sl]
            n_asa[idx[new_asa]] = n[new_asa]
            done_sl |= sl_ok
            done_asa |= asa_ok
            keep = ~(done_sl & done_asa)
            if not keep.any():
                break
            if not keep.all():
                idx, n, inv_b, aa, tt, st, at = (v[keep] for v in (idx, n, inv_b, aa, tt, st, at))
                done_sl, done_asa = done_sl[keep], done_asa[keep]
            n = n + 1.0
            inv_b = 1.0 + (n / aa) * np.minimum(inv_b, 1e250)
    return n_sl, n_asa


# --------------------------------------------------------------------------------------------- Erlang A


@_quiet
def _erlang_a_logs(n: np.ndarray, a: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, ...]:
    """log K, log S, log D, log W (weights relative to pi_n) for n >= 1; see the module docstring."""
    x, y = n * r, a * r
    lk = _log_expm1(log_inv_erlang_b(n, a))
    ly = np.log(y)
    ls = y - x * ly + sp.gammaln(x + 1.0) + log_gammainc(x, y)
    ld = np.logaddexp(lk, ls)
    lw = np.log(x) + _log_expm1(ls) - ly
    return x, y, ly, lk, ls, ld, lw


@_quiet
def erlang_a_metrics(
    n: np.ndarray, a: np.ndarray, r: np.ndarray, t_theta: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(P(wait), SL, P(abandon)) of M/M/n+M: A load, r = patience/AHT, t_theta = answer time/patience.

    SL counts callers answered within the answer time among all arrivals. n = 0 gives (1, 0, 1).
    """
    n, a, r, t_theta = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (n, a, r, t_theta)))
    t_theta = np.where(r > R_MAX, t_theta * (r / R_MAX), t_theta)  # the answer time in units of the capped patience
    r = np.minimum(r, R_MAX)
    pw = np.ones(n.shape)
    sl = np.zeros(n.shape)
    pab = np.ones(n.shape)
    zero_load = a <= 0
    pw[zero_load], sl[zero_load], pab[zero_load] = 0.0, 1.0, 0.0
    ok = (n >= 1) & ~zero_load
    if ok.any():
        nn, aa, rr, tt = n[ok], a[ok], r[ok], t_theta[ok]
        with np.errstate(under="ignore", over="ignore", divide="ignore"):
            x, y, ly, lk, ls, ld, lw = _erlang_a_logs(nn, aa, rr)
            yt = y * np.exp(-tt)
            lf = np.log(x) + sp.gammaln(x + 1.0) + y - (x + 1.0) * ly + log_gammainc(x + 1.0, yt)
            pw[ok] = np.exp(ls - ld)
            sl[ok] = np.exp(np.logaddexp(lk, lw) - ld) - np.exp(lf - ld)
            pab[ok] = np.exp(ls - ld) - np.exp(lw - ld)
    return pw, np.clip(sl, 0.0, 1.0), np.clip(pab, 0.0, 1.0)


@_quiet
def erlang_a_wait_answered(n: np.ndarray, a: np.ndarray, r: np.ndarray, *, chunk: int = 2_000_000) -> np.ndarray:
    """Mean wait of answered callers in units of patience (ASA / patience) for M/M/n+M; n = 0 gives nan.

    Exact series over the stationary queue length (window holding all terms above 1e-18 of the largest);
    patience above `R_MAX` handle times is computed at it.
    """
    n, a, r_true = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (n, a, r)))
    r = np.minimum(r_true, R_MAX)
    out = np.full(n.shape, np.nan)
    out[(a <= 0) & (n >= 1)] = 0.0
    ok = np.flatnonzero((n >= 1) & (a > 0))
    if ok.size == 0:
        return out
    nn, aa, rr = n.ravel()[ok], a.ravel()[ok], r.ravel()[ok]
    with np.errstate(under="ignore", over="ignore", divide="ignore", invalid="ignore"):
        x, y, ly, lk, ls, ld, lw = _erlang_a_logs(nn, aa, rr)
        peak = np.maximum(0.0, np.ceil(y - x - 1.0))
        half = np.ceil(np.sqrt(84.0 * (np.maximum(x, y) + 1.0))) + 40.0
        j_lo = np.maximum(0.0, peak - half)
        width = (peak + half - j_lo + 1.0).astype(np.int64)
        lg1 = sp.gammaln(x + 1.0)
        psi1 = sp.psi(x + 1.0)
        p_served = 1.0 - (np.exp(ls - ld) - np.exp(lw - ld))
        res = np.empty(ok.size)
        order = np.argsort(-width)  # widest first: each block is sized by its first row
        start = 0
        while start < ok.size:
            rows = max(1, chunk // int(width[order[start]]))
            sel = order[start : start + rows]
            w_max = int(width[sel[0]])
            j = j_lo[sel, None] + np.arange(w_max)[None, :]
            xs = x[sel, None]
            lw_j = j * ly[sel, None] + lg1[sel, None] - sp.gammaln(xs + j + 1.0) - ld[sel, None]
            term = np.exp(lw_j) * xs / (xs + j + 1.0) * (sp.psi(xs + j + 2.0) - psi1[sel, None])
            res[sel] = term.sum(axis=1) / p_served[sel]
            start += rows
    out.ravel()[ok] = res * rr / r_true.ravel()[ok]  # in units of the true patience
    return out


def bisect_smallest(pred: Predicate, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Per element, the smallest whole n in (lo, hi] with pred true, given pred(lo) false, pred(hi) true
    and pred monotone. `pred(idx, n)` evaluates elements `idx` at agent counts `n` (1-d arrays)."""
    lo = lo.astype(np.int64).copy()
    hi = hi.astype(np.int64).copy()
    while True:
        act = np.flatnonzero(hi - lo > 1)
        if act.size == 0:
            return hi
        mid = (lo[act] + hi[act]) // 2
        good = pred(act, mid)
        hi[act[good]] = mid[good]
        lo[act[~good]] = mid[~good]


def gallop_upper(pred: Predicate, lo: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Per element an n >= start with pred(n) true, doubling the distance from lo until it holds."""
    hi = np.maximum(start.astype(np.int64), lo.astype(np.int64) + 1)
    idx = np.arange(hi.size)
    for _ in range(200):
        good = pred(idx, hi[idx])
        idx = idx[~good]
        if idx.size == 0:
            return hi
        hi[idx] = hi[idx] + np.maximum(hi[idx] - lo[idx], 1)
    raise ArithmeticError("no staffing level meets the target")  # pragma: no cover - guarded by validation
