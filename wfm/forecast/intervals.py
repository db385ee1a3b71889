"""Prediction intervals of interval counts: negative binomial around the point forecast."""

from __future__ import annotations

import numpy as np
from scipy import stats


def interval_bounds(mean: np.ndarray, sigma_day: np.ndarray, phi: float, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Central `level` interval of counts with mean `mean`: negative binomial with variance
    m + m^2 (phi + exp(sigma^2) - 1) (interval noise and daily-level uncertainty), quantiles interpolated
    within the integer steps so that small counts are not over-covered."""
    m = np.maximum(np.asarray(mean, float), 0.0)
    disp = phi + np.expm1(np.asarray(sigma_day, float) ** 2)
    disp = np.maximum(disp, 1e-6)
    n_par = 1.0 / disp
    p_par = n_par / (n_par + np.maximum(m, 1e-12))
    a = (1 - level) / 2
    lo = _interp_ppf(a, n_par, p_par)
    # where the lower bound reaches zero the interval cannot leave `a` below it: give the upper tail the rest
    first_in = np.ceil(lo)
    below = np.where(first_in > 0, stats.nbinom.cdf(first_in - 1, n_par, p_par), 0.0)
    hi = _interp_ppf(np.minimum(level + below, 1 - 1e-9), n_par, p_par)
    zero = m <= 1e-9
    return np.where(zero, 0.0, np.minimum(lo, m)), np.where(zero, 0.0, np.maximum(hi, m))


def _interp_ppf(q: float, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    k = stats.nbinom.ppf(q, n, p)
    f_prev = np.where(k > 0, stats.nbinom.cdf(k - 1, n, p), 0.0)
    f_k = stats.nbinom.cdf(k, n, p)
    frac = np.clip((q - f_prev) / np.maximum(f_k - f_prev, 1e-12), 0, 1)
    return np.maximum(k - 0.5 + frac, 0.0)
