"""The daily-volume model: robust, recency-weighted ridge regression of log daily calls on calendar effects,
plus a local level (exponential smoothing of the residuals that fades back by a daily decay; rate and decay chosen
by multi-step error on residuals out of sample, `choose_level`, `ahead_residuals`).

Effects: weekday (a make-up working day counts as an average workday-like weekday, a public holiday, on a working
day or the calendar's weekend, as the queue's quietest weekday), holiday periods with a deviation per named holiday,
the official holiday itself, the last workday before and the first after a holiday period, bridge days, make-up
working days, the user's special days (one effect per label on the day, four for the four weeks after it),
month-start days (bill dates), the first and the last working day of a month (salaries, statements, standing
orders), yearly Fourier terms (with at least ~14 months of history) and a slow trend.
Every effect but the weekday is shrunk toward zero (ridge), so a rare effect is only learned as far as the
data support it; the first working day after a holiday is shrunk toward a catch-up of about +15% instead
(`PRIOR_MEAN`: callers who waited out the days off), which a history without holidays, or with a few, keeps.
The holiday effects (period, official holiday, per-name deviation, eve, first day after, bridge
day) are shrunk as a normal prior on their size would: the penalty is the day-to-day noise variance over the prior
variance (`HOLIDAY_PRIOR_SD`), so a holiday seen once in a quiet, regular series is learned nearly at face value
and one seen once in a noisy series stays near the effects of its kind (every holiday of the queue, the queue's
quietest weekday). The month-position effects are shrunk the same way (`MONTH_PRIOR_SD`): a bank whose days vary
by 4% learns a 10% first-of-month lift from a few months, an event-driven office whose days vary by 35% keeps its
month-start effects near zero unless month after month shows them. Outlying days (outages, storms) get zero weight
through bisquare IRLS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.forecast.annual import Anomaly

YEAR_DAYS = 365.25
SCALE_FLOOR = 0.05
# ridge penalties, in pseudo-days of weight pulling a coefficient to zero
PENALTY = {"wd": 0.5, "hper": 1.0, "hol": 2.0, "hn": 3.0, "pre": 3.0, "post": 3.0, "bridge": 3.0, "makeup": 4.0,
           "spa": 2.0, "sp": 1.0, "dom": 6.0, "mfirst": 3.0, "mlast": 3.0, "fy": 8.0, "trend": 20.0, "yr": 2.0}


def holiday_label(name: str) -> str:
    """A short label for a holiday name: 'National Day (observed)' -> 'National Day'; substitute days -> ''."""
    if not name or name.lower().startswith("day off"):
        return ""
    name = name.split(";")[0]
    return re.sub(r"\s*\(.*?\)\s*", " ", name).strip()


@dataclass
class DailySpec:
    """Which features a queue's daily model uses (fixed at fit time, reused to predict)."""

    t0: pd.Timestamp
    fourier: int = 0
    trend: bool = False
    month_start: bool = True
    holiday_names: list[str] = field(default_factory=list)
    special_labels: list[str] = field(default_factory=list)
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # workday-like weekdays, learned per queue
    quietest: int = 6  # the weekday a holiday on a working day behaves like, learned per queue
    annual: Anomaly | None = None  # the same weeks a year earlier (`wfm.forecast.annual`), with 2+ years


def calendar_flags(cal: pd.DataFrame) -> pd.DataFrame:
    """Per-day derived flags from `wfm.calendar.day_calendar` output: rest day, period name, the working days
    just before and after a holiday period, and bridge days (a single working day between a holiday period and
    another day off)."""
    out = pd.DataFrame(index=cal.index)
    workday = cal["is_workday"].to_numpy(bool)
    period = cal["holiday_period"].to_numpy(bool)
    out["rest"] = ~workday
    # each official holiday by its own name (Christmas closed, Boxing Day open in one period), the other days of a
    # holiday period (bridged working days, weekends in it) by the period's first named holiday
    names = np.array([""] * len(cal), dtype=object)
    labels = [holiday_label(n) for n in cal["holiday_name"]]
    i, n = 0, len(cal)
    while i < n:
        if period[i]:
            j = i
            while j < n and period[j]:
                j += 1
            label = next((lab for lab in labels[i:j] if lab), "holiday")
            names[i:j] = [lab or label for lab in labels[i:j]]
            i = j
        else:
            i += 1
    out["period_name"] = names
    nxt = np.append(period[1:], False)
    prv = np.insert(period[:-1], 0, False)
    out["pre"] = workday & nxt
    out["post"] = workday & prv
    # a bridge day: one working day between a holiday period and another day off (many take it as leave)
    off_next = np.append(~workday[1:], False)
    off_prev = np.insert(~workday[:-1], 0, False)
    out["bridge"] = workday & ((nxt & off_prev) | (prv & off_next))
    return out


def month_edges(dates: pd.Series, rest: np.ndarray, weekend: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first and the last working day of each month among consecutive `dates` (`rest`: days off in the
    calendar, weekends and holidays). A month's first working day is the one with only days off before it in
    the month, its last the one with only days off after it. Days before the first date and after the last are
    read as days off when their weekday is a weekend day of the calendar rows (the weekdays `weekend` marks)."""
    n = len(dates)
    workday = ~np.asarray(rest, bool)
    if n == 0:
        return workday, workday
    day = pd.DatetimeIndex(dates).to_numpy().astype("datetime64[D]")
    month_start = day.astype("datetime64[M]")
    dom = (day - month_start.astype("datetime64[D]")).astype(int) + 1
    weekday = (day.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    off_weekdays = set(weekday[weekend].tolist())
    month = month_start.astype(int)
    work = workday.astype(int)
    earlier = np.cumsum(work) - work  # working days before each row
    starts = np.r_[0, np.flatnonzero(np.diff(month)) + 1]  # each month's first row
    block = np.cumsum(np.r_[0, np.diff(month) != 0])  # each row's month, 0, 1, ...
    before = earlier - earlier[starts][block]  # working days earlier in the month, in the rows
    after = np.add.reduceat(work, starts)[block] - before - work
    # the days of the first and the last month outside the rows
    lead = range(1, int(dom[0]))
    month_days = int(((month_start[-1] + 1).astype("datetime64[D]") - month_start[-1].astype("datetime64[D]"))
                     .astype(int))
    trail = range(1, month_days - int(dom[-1]) + 1)
    before[block == 0] += any((weekday[0] - k) % 7 not in off_weekdays for k in lead)
    after[block == block[-1]] += any((weekday[-1] + k) % 7 not in off_weekdays for k in trail)
    return workday & (before == 0), workday & (after == 0)


def design(cal: pd.DataFrame, spec: DailySpec) -> tuple[np.ndarray, list[str]]:
    """The design matrix (days x features) and the feature names for calendar rows `cal`."""
    flags = calendar_flags(cal)
    dates = pd.to_datetime(cal["date"])
    wd = dates.dt.day_of_week.to_numpy()
    makeup = cal["is_makeup_workday"].to_numpy(bool)
    rest = flags["rest"].to_numpy(bool)
    cols: dict[str, np.ndarray] = {"const": np.ones(len(cal))}
    weekend = cal["is_weekend"].to_numpy(bool)
    # a working day off, and a public holiday on the calendar's weekend, behave like the queue's quietest weekday:
    # the calendar's weekend need not be the queue's (a Friday-Saturday bank under a Saturday-Sunday calendar, a
    # centre open 7 days), and one set of holiday effects cannot be relative to both a busy and a quiet weekday
    holiday = cal["is_holiday"].to_numpy(bool)
    kind = np.where(rest & (~weekend | holiday), spec.quietest, wd)
    for k in range(1, 7):
        col = (kind == k).astype(float)
        # a make-up working day is an average workday-like weekday (Monday is the base)
        col[makeup] = 1.0 / len(spec.workdays) if k in spec.workdays else 0.0
        cols[f"wd{k}"] = col
    period = cal["holiday_period"].to_numpy(bool)
    cols["hper"] = period.astype(float)
    cols["hol"] = cal["is_holiday"].to_numpy(bool).astype(float)
    for name in spec.holiday_names:
        cols[f"hn:{name}"] = (period & (flags["period_name"].to_numpy() == name)).astype(float)
    cols["pre"] = flags["pre"].to_numpy(float)
    cols["post"] = flags["post"].to_numpy(float)
    cols["bridge"] = flags["bridge"].to_numpy(float)
    cols["makeup"] = makeup.astype(float)
    special = [set(str(v).split(";")) for v in cal["special"]]
    after = [dict(item.rsplit(":", 1) for item in str(v).split(";") if ":" in item)
             for v in cal["special_after"]]
    for label in spec.special_labels:
        cols[f"sp:{label}"] = np.array([label in s for s in special], float)
        gap = np.array([int(a.get(label, 0)) for a in after])
        for name, lo, hi in (("spa1", 1, 3), ("spa2", 4, 7), ("spa3", 8, 14), ("spa4", 15, 28)):  # days after
            cols[f"{name}:{label}"] = ((gap >= lo) & (gap <= hi)).astype(float)
    if spec.month_start:
        dom = dates.dt.day.to_numpy()
        workish = ~rest
        for d in (1, 2, 3):
            cols[f"dom{d}"] = ((dom == d) & workish).astype(float)
        cols["dom4"] = ((dom >= 4) & (dom <= 6) & workish).astype(float)
        cols["domlast"] = dates.dt.is_month_end.to_numpy(bool).astype(float)
        first, last = month_edges(dates, rest, cal["is_weekend"].to_numpy(bool))
        cols["mfirst"] = first.astype(float)
        cols["mlast"] = last.astype(float)
    t = (dates - spec.t0).dt.days.to_numpy(float) / YEAR_DAYS
    for k in range(1, spec.fourier + 1):
        cols[f"fy_s{k}"] = np.sin(2 * np.pi * k * dates.dt.day_of_year.to_numpy() / YEAR_DAYS)
        cols[f"fy_c{k}"] = np.cos(2 * np.pi * k * dates.dt.day_of_year.to_numpy() / YEAR_DAYS)
    if spec.trend:
        cols["trend"] = t
    if spec.annual is not None:  # last: the pooling inserts holiday columns by name before it
        plain = ~period & ~makeup & (cal["special"].astype(str).to_numpy() == "")
        cols["yr"] = spec.annual.lagged(dates) * plain
    names = list(cols)
    return np.column_stack([cols[c] for c in names]), names


# prior standard deviations (log daily volume) of the holiday effects: a holiday moves a centre's volume by tens of
# percent (a closure day to a few percent, an eve or the first day back by 10-30%); named holidays differ from the
# queue's average holiday about as much
HOLIDAY_PRIOR_SD = {"hper": 0.5, "hol": 0.5, "hn": 0.4, "pre": 0.25, "post": 0.25, "bridge": 0.25}
# ... and of the month-position effects (month-start days, the first and last working day of a month): a bank's
# or a utility's month start moves its volume by around 10%
MONTH_PRIOR_SD = {"dom": 0.1, "mfirst": 0.1, "mlast": 0.1}
MONTH_MAX_PENALTY = 1000.0
MONTH_NOISE_MIN_DAYS = 56  # valid days before the noise shrinks the month-position effects
MIN_PENALTY = 0.05
NOISE_MIN_DAYS = 126  # valid days (18 weeks) before the noise, and so the holiday penalties, are taken from the data


def penalties(names: list[str], scale: float | None = None, month_scale: float | None = None) -> np.ndarray:
    """Ridge penalty per feature (pseudo-days). With the residual `scale` of a first fit, the holiday effects
    get the penalty of their prior (noise variance / prior variance, at most their fixed `PENALTY`); with
    `month_scale` (the same noise, read from fewer days) the month-position effects get theirs (at most
    `MONTH_MAX_PENALTY`: a noisy queue keeps them near zero)."""
    out = []
    for n in names:
        key = "const" if n == "const" else next((k for k in PENALTY if n.startswith(k)), "sp")
        pen = 0.0 if key == "const" else PENALTY[key]
        if scale is not None and key in HOLIDAY_PRIOR_SD:
            noise = max(scale, SCALE_FLOOR)
            pen = float(np.clip((noise / HOLIDAY_PRIOR_SD[key]) ** 2, MIN_PENALTY, pen))
        if month_scale is not None and key in MONTH_PRIOR_SD:
            noise = max(month_scale, SCALE_FLOOR)
            pen = float(np.clip((noise / MONTH_PRIOR_SD[key]) ** 2, MIN_PENALTY, MONTH_MAX_PENALTY))
        out.append(pen)
    return np.array(out)


# prior means (log daily volume) of effects whose size a centre's history often does not show yet: the first
# working day after a holiday takes part of the calls the days off did not (the callers who waited), so a history
# without a holiday yet, or with one, starts from a catch-up of about +15% rather than from a normal day
PRIOR_MEAN = {"post": 0.15}


def prior_means(names: list[str]) -> np.ndarray:
    """The prior mean of each feature's coefficient (`PRIOR_MEAN`; 0 for the others)."""
    return np.array([PRIOR_MEAN.get(n, 0.0) for n in names])


def day_noise(X: np.ndarray, y: np.ndarray, w: np.ndarray, pen: np.ndarray, valid: np.ndarray,
              totals: np.ndarray, protect: np.ndarray | None = None, min_days: int = NOISE_MIN_DAYS,
              prior: np.ndarray | None = None) -> float | None:
    """The day-to-day noise of log daily volume: the residual scale of a robust fit, corrected for the
    features it fitted, and never under the Poisson noise of a median day (a small queue's days vary by at
    least 1/sqrt(calls)); None with under `min_days` valid days (a few weeks fitted with many effects do
    not tell the noise apart from the effects)."""
    n = int(valid.sum())
    if n < min_days:
        return None
    scale = robust_ridge(X, y, w, pen, protect=protect, prior=prior)[2]
    used = int((np.abs(X[valid]).sum(axis=0) > 0).sum())
    scale *= np.sqrt(n / max(n - used, 1))
    median = float(np.median(totals[valid]))
    return float(max(scale, SCALE_FLOOR, 1 / np.sqrt(median) if median > 0 else 1.0))


def holiday_support(names: list[str], beta: np.ndarray, X: np.ndarray, w: np.ndarray, rw: np.ndarray,
                    pen: np.ndarray, keys: tuple[str, ...] = tuple(HOLIDAY_PRIOR_SD)
                    ) -> dict[str, tuple[int, float, float, float]]:
    """Per holiday feature of a fit (or per feature starting with one of `keys`, e.g. `("wd",)` for the weekday
    effects; `w` day weights, `rw` robustness weights of `robust_ridge`): its column, its coefficient, its days of
    support in units of the mean day weight (as the penalties are) and its penalty; features no weighted day
    carries are left out."""
    mean_w = max(float(w.mean()), 1e-9)
    out = {}
    for j, n in enumerate(names):
        key = next((k for k in keys if n.startswith(k)), None)
        days = float((w * rw * X[:, j] ** 2).sum()) / mean_w
        if key is not None and days > 0:
            out[n] = (j, float(beta[j]), days, float(pen[j]))
    return out


def robust_ridge(X: np.ndarray, y: np.ndarray, w: np.ndarray, pen: np.ndarray, iters: int = 6,
                 protect: np.ndarray | None = None, prior: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray, float]:
    """Weighted ridge by IRLS (Huber start, then bisquare): coefficients, robustness weights, residual scale.
    Days in `protect` keep full weight (calendar days whose effects are learned from them). Each coefficient is
    shrunk toward its `prior` mean (`prior_means`; zero when None)."""
    if prior is not None and np.any(prior):  # ridge toward the prior: fit the deviations from it
        beta, rw, scale = robust_ridge(X, y - X @ prior, w, pen, iters, protect)
        return beta + prior, rw, scale
    rw = np.ones_like(y)
    scale = np.nan
    beta = np.zeros(X.shape[1])
    # penalties are stated per unit of mean weight
    pen = pen * max(w.mean(), 1e-9)
    for it in range(iters):
        ww = w * rw
        A = X.T @ (X * ww[:, None]) + np.diag(pen + 1e-9)
        beta = np.linalg.solve(A, X.T @ (ww * y))
        r = y - X @ beta
        active = ww > 0 if it else w > 0
        scale = 1.4826 * _weighted_median(np.abs(r[active]), w[active])
        scale = max(scale, 1e-3)
        # day-to-day variation of real centres is rarely under 5%: a smaller scale would reject holidays
        # that are fitted a little off as outliers and then unlearn them
        u = r / max(scale, SCALE_FLOOR)
        if it < 2:
            rw = np.minimum(1.0, 2.0 / np.maximum(np.abs(u), 1e-12))  # Huber
        else:
            rw = np.clip(1 - (u / 4.685) ** 2, 0, None) ** 2  # bisquare
        if protect is not None:
            rw = np.where(protect, 1.0, rw)
    return beta, rw, float(scale)


def _weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    if len(x) == 0:
        return 0.0
    order = np.argsort(x)
    cw = np.cumsum(w[order])
    return float(x[order][np.searchsorted(cw, 0.5 * cw[-1])])


ALPHAS = np.array([0.0, 0.03, 0.06, 0.1, 0.15, 0.25, 0.4])


def smooth_level(resid: np.ndarray, valid: np.ndarray, alpha: float) -> np.ndarray:
    """EWMA of residuals over valid days (missing days carry the level): the level *after* each day."""
    level = np.zeros(len(resid))
    cur = 0.0
    for i in range(len(resid)):
        if valid[i]:
            cur += alpha * (resid[i] - cur)
        level[i] = cur
    return level


DECAYS = np.array([1.0, 0.97, 0.93, 0.85])  # daily persistence of the level (1: a flat level, as smoothed)
DECAY_MARGIN = 0.01  # a fading level is chosen only when it beats the best flat one by 1% of its error


def choose_alpha(resid: np.ndarray, valid: np.ndarray, horizon: int = 28, window: int = 182) -> float:
    """The smoothing rate whose flat level best predicts residuals 1..`horizon` days ahead over the last `window`
    days."""
    return choose_level(resid, valid, horizon, window, decays=(1.0,))[0]


def choose_level(resid: np.ndarray, valid: np.ndarray, horizon: int = 28, window: int = 182,
                 decays=DECAYS) -> tuple[float, float]:
    """The smoothing rate and the daily decay of the level (`decay ** h` of it is left h days ahead) that best
    predict residuals 1..`horizon` days ahead from weekly origins over the last `window` days. A decay under 1
    is a level that follows a shift the calendar does not explain (a mailing, a campaign, an incident) and then
    fades back, at the rate the queue's own past shifts faded; it has to beat the best flat level by
    `DECAY_MARGIN`."""
    n = len(resid)
    if valid.sum() < 42:
        return 0.1, 1.0
    best, best_err = (0.1, 1.0), np.inf
    start = max(0, n - window - horizon)
    steps = np.arange(1, horizon + 1)
    for a in ALPHAS:
        lev = smooth_level(resid, valid, a)
        for phi in (decays if a > 0 else (1.0,)):
            errs = []
            for origin in range(start, n - 7, 7):
                ahead = slice(origin + 1, min(n, origin + 1 + horizon))
                ok = valid[ahead]
                if ok.any():
                    path = lev[origin] * phi ** steps[: ok.size]
                    errs.append(np.abs(resid[ahead][ok] - path[ok]).mean())
            err = float(np.mean(errs)) if errs else np.inf
            if phi < 1:  # the fading level must earn its keep: on white noise it wins by chance by up to ~0.3%
                err /= 1 - DECAY_MARGIN
            if err < best_err - 1e-9:
                best, best_err = (float(a), float(phi)), err
    return best


LEVEL_REFIT_DAYS = 28  # the residuals the level's rates are chosen on come from fits this many days apart
LEVEL_MIN_FIT_DAYS = 182  # ... each on at least half a year (else the in-sample residuals stay)


def ahead_residuals(X: np.ndarray, y: np.ndarray, w: np.ndarray, pen: np.ndarray, protect: np.ndarray | None,
                    resid: np.ndarray, window: int = 182 + 28, prior: np.ndarray | None = None) -> np.ndarray:
    """`resid` with its last `window` days replaced by residuals out of sample: each block of
    `LEVEL_REFIT_DAYS` days predicted by a fit on the days before it. In-sample residuals understate how long
    a shift lasts (the yearly terms and the other effects absorb part of it), and so the level's persistence."""
    n = len(y)
    out = resid.copy()
    for start in range(max(n - window, 0), n, LEVEL_REFIT_DAYS):
        if start < LEVEL_MIN_FIT_DAYS:  # a fit on a few weeks predicts worse than any level can mend
            continue
        beta = robust_ridge(X[:start], y[:start], w[:start], pen,
                            protect=protect[:start] if protect is not None else None, prior=prior)[0]
        block = slice(start, min(n, start + LEVEL_REFIT_DAYS))
        out[block] = y[block] - X[block] @ beta
    return out
