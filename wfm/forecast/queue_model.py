"""One queue's model: daily volume (calendar regression + local level) x intraday profile per day kind,
AHT per slot, and prediction intervals from the model's own rolling-origin errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from wfm.forecast import annual, daily, ets
from wfm.forecast.aht import fit_aht
from wfm.forecast.baselines import mean_rows, naive_rows, rows_mean
from wfm.forecast.closures import closed_days, holiday_days_off, learn_closures, stopped
from wfm.forecast.intervals import interval_bounds
from wfm.forecast.prep import QueueGrid, mark_outages
from wfm.forecast.profile import (HOLIDAY, MAKEUP, WeeklyStructure, day_kinds, dispersion, estimate_profiles,
                                  weekly_structure)

PROFILE_DAYS = 182  # intraday profiles from the last 26 weeks (holiday profiles from all history)
PROFILE_HALF_LIFE = 56.0
ERROR_ORIGINS = 3  # internal rolling origins for the error distribution
ERROR_BUCKETS = (7, 14, 28)  # horizon buckets (days) with their own daily error scale
YEARLY_HARMONICS = 4  # Fourier pairs of the yearly pattern (with at least 420 days of history)
RECENT_DAYS = 70  # days of history kept for the recent-weeks and naive candidates


@dataclass
class Settings:
    half_life_days: float = 180.0
    default_aht_s: float = 300.0
    fourier: int | None = None  # None: 4 with >= 420 days of history, else 0
    trend: bool = False
    alpha: float | None = None  # None: chosen per queue
    point_only: bool = False  # skip prediction intervals and AHT (selection backtests)
    country: str | None = None  # the queue's own holiday country, when not the centre's
    # smoothing parameters of the statsmodels candidate, to filter with (selection folds after the earliest: `ets`)
    ets_params: tuple[float, ...] | None = None


@dataclass
class QueueModel:
    queue: str
    interval_minutes: int
    last_day: pd.Timestamp
    spec: daily.DailySpec | None = None
    beta: np.ndarray | None = None
    level: float = 0.0
    alpha: float = 0.0
    decay: float = 1.0  # the level's daily persistence: `level * decay ** h` is left h days ahead
    log_bias: float = 0.0
    sigma: np.ndarray = field(default_factory=lambda: np.full(len(ERROR_BUCKETS), 0.1))
    phi: float = 0.0
    profiles: np.ndarray | None = None
    structure: WeeklyStructure = field(default_factory=WeeklyStructure)
    closed_holidays: tuple[str, ...] = ()  # holidays (by name) the queue was closed on in the history
    seen_holidays: tuple[str, ...] = ()  # holidays (by name) the history has data for
    holiday_default_closed: bool = False  # what a holiday the history has not seen is taken to be
    makeup_closed: bool = False
    aht: np.ndarray | None = None  # (2, slots): workday / rest day
    aht_settings: dict = field(default_factory=dict)
    default_aht_s: float = 300.0
    stopped: bool = False
    notes: list[str] = field(default_factory=list)
    recent_raw: np.ndarray | None = None  # the last `RECENT_DAYS` days as read (days x slots, NaN = missing)
    recent_clean: np.ndarray | None = None  # the same with outages and holidays, make-up and special days as NaN
    choice: str = "model"  # the candidate `predict` delivers (`wfm.forecast.select`)
    ets_state: ets.SmoothState | None = None  # `ets`: ETS on the log daily totals
    # the holiday effects as the queue's own history holds them, for pooling across queues (`wfm.forecast.pooling`):
    # feature -> (column, coefficient, days of support, ridge penalty), and the day-to-day noise (log scale)
    holiday_effects: dict[str, tuple[int, float, float, float]] = field(default_factory=dict)
    weekday_effects: dict[str, tuple[int, float, float, float]] = field(default_factory=dict)  # the same, wd1-wd6
    noise: float = 0.0

    # ------------------------------------------------------------------ predict
    def predict(self, cal: pd.DataFrame, level: float = 0.8) -> pd.DataFrame:
        """Interval forecast for the days of `cal` (rows of `wfm.calendar.day_calendar`)."""
        slots = 1440 // self.interval_minutes
        dates = pd.to_datetime(cal["date"]).to_numpy()
        n = len(cal)
        starts = (dates[:, None] + (np.arange(slots) * self.interval_minutes).astype("timedelta64[m]")).ravel()
        if self.stopped or self.beta is None:
            calls = np.zeros((n, slots))
            lo = hi = calls
            aht = np.full((n, slots), self.default_aht_s)
        else:
            calls = self.point(cal, self.choice)
            h = (pd.to_datetime(cal["date"]) - self.last_day).dt.days.to_numpy()
            sig = self.sigma[np.searchsorted(ERROR_BUCKETS, np.clip(h, 1, ERROR_BUCKETS[-1]))]
            lo, hi = interval_bounds(calls, np.repeat(sig, slots).reshape(n, slots), self.phi, level)
            aht = self._aht(cal, n, slots)
        return pd.DataFrame({
            "interval_start": starts,
            "queue": self.queue,
            "calls": calls.ravel(),
            "aht_s": aht.ravel(),
            "calls_lo": np.asarray(lo).ravel(),
            "calls_hi": np.asarray(hi).ravel(),
        })

    def point(self, cal: pd.DataFrame, candidate: str = "model") -> np.ndarray:
        """(days, slots) expected calls on the days of `cal` by one of `wfm.forecast.select.CANDIDATES`."""
        slots = 1440 // self.interval_minutes
        if self.stopped or self.beta is None:
            return np.zeros((len(cal), slots))
        target = pd.DatetimeIndex(pd.to_datetime(cal["date"]))
        days = pd.date_range(end=self.last_day, periods=len(self.recent_raw))  # the days of both recent arrays
        if candidate in ("seasonal_naive", "weekday_mean4"):
            pick = naive_rows if candidate == "seasonal_naive" else mean_rows
            return rows_mean(self.recent_raw, pick(self.recent_raw, days, target))
        ahead = (target - self.last_day).days.to_numpy()
        model = self._model_calls(cal, self.level * self.decay ** ahead)
        if candidate == "model":
            return model
        # last year's events in these weeks (`wfm.forecast.annual`) are the model's knowledge, as its holidays are
        annual_factor = self._annual_factor(cal)[:, None]
        if candidate == "model_mean4":
            return 0.5 * (model + annual_factor * rows_mean(self.recent_raw, mean_rows(self.recent_raw, days, target)))
        ordinary = (day_kinds(cal) < HOLIDAY) & _plain_days(cal) & ~cal["holiday_period"].to_numpy(bool) \
            & ~self.closed(cal)
        if candidate in ("ets", "model_ets"):
            if self.ets_state is None:
                return model
            total = np.maximum(np.expm1(self.ets_state.path(ahead)), 0.0)
            smoothed = np.where(ordinary[:, None], annual_factor * total[:, None] * self.profiles[day_kinds(cal)],
                                model)
            return smoothed if candidate == "ets" else 0.5 * (model + smoothed)
        used = mean_rows(self.recent_clean, days, target)
        recent = rows_mean(self.recent_clean, used)
        keep = ordinary & np.array([len(u) > 0 for u in used])
        recent = np.where(keep[:, None], annual_factor * recent, model)
        if candidate == "recent":
            return recent
        if candidate == "blend":
            return 0.5 * (model + recent)
        raise ValueError(f"unknown forecast candidate {candidate!r}")

    def _annual_factor(self, cal: pd.DataFrame) -> np.ndarray:
        """The annual recurrence's factor on each day of `cal` (1 where the model has none)."""
        if self.spec is None or self.spec.annual is None or self.beta is None:
            return np.ones(len(cal))
        X, names = daily.design(cal, self.spec)
        j = names.index("yr")
        return np.exp(X[:, j] * self.beta[j])

    def _model_calls(self, cal: pd.DataFrame, level: float | np.ndarray) -> np.ndarray:
        X, _ = daily.design(cal, self.spec)
        total = np.maximum(np.exp(X @ self.beta + level + self.log_bias) - 1.0, 0.0)
        total[self.closed(cal)] = 0.0
        return total[:, None] * self.profiles[day_kinds(cal)]

    @property
    def closed_weekdays(self) -> tuple[int, ...]:
        return self.structure.closed_weekdays

    def closed(self, cal: pd.DataFrame) -> np.ndarray:
        """Days of `cal` the queue is closed: its closed weekdays (weekends of holiday periods too), holidays
        it was closed on in the history, make-up days if those were closed. A holiday the history has not seen
        follows the centre's own habit: closed when it was closed on at least half of the holidays the history
        holds rows for, else open with the holiday effects (and open when it holds none: a closed day staffed
        costs less than an open day left unstaffed)."""
        return closed_days(cal, self.closed_weekdays, self.closed_holidays, self.makeup_closed,
                           seen=self.seen_holidays, default_closed=self.holiday_default_closed)

    def _aht(self, cal: pd.DataFrame, n: int, slots: int) -> np.ndarray:
        if self.aht is None:
            return np.full((n, slots), self.default_aht_s)
        return self.aht[(~cal["is_workday"].to_numpy(bool)).astype(int)]  # the calendar's rest days


def _plain_days(cal: pd.DataFrame) -> np.ndarray:
    """Days with no special label on them or in the days before (`wfm.calendar.AFTER_DAYS`)."""
    after = cal["special_after"].astype(str).to_numpy()
    return (cal["special"].astype(str).to_numpy() == "") & (after == "")


# ---------------------------------------------------------------------- fit
def fit_queue(grid: QueueGrid, cal: pd.DataFrame, settings: Settings, history_end: pd.Timestamp,
              special_labels: list[str]) -> QueueModel:
    """Fit one queue. `cal` covers exactly the grid's days."""
    model = QueueModel(grid.queue, grid.interval_minutes, grid.days[-1], default_aht_s=settings.default_aht_s)
    raw = grid.calls
    totals_raw = np.nansum(raw, axis=1)
    if stopped(model, grid.days, totals_raw, history_end, settings.point_only):
        return model
    kinds = day_kinds(cal)
    period = cal["holiday_period"].to_numpy(bool)
    n_days = raw.shape[0]
    age = (n_days - 1 - np.arange(n_days)).astype(float)
    present = np.isfinite(raw).all(axis=1)
    week = np.arange(n_days) // 7
    in_data_weeks = np.isin(week, np.unique(week[present]))
    # 0. the week as this queue lives it: workday-like and closed weekdays, closed hours per weekday
    structure = weekly_structure(raw, np.where(period, HOLIDAY, kinds), present, in_data_weeks)
    model.structure = structure

    # 1. zeros where the queue's pattern expects calls: outages, not learned
    calls = _without_outages(model, raw, totals_raw, kinds, period, present, age)

    # 2. profiles from recent complete days (holiday kinds from all days)
    pw = np.where(age < PROFILE_DAYS, 0.5 ** (age / PROFILE_HALF_LIFE), 0.0)
    pw[kinds == HOLIDAY] = 1.0
    pw[kinds == MAKEUP] = 1.0
    profiles = estimate_profiles(calls, kinds, pw, structure)
    model.profiles = profiles

    # 3. daily totals, scaled up for partly missing days
    obs = np.isfinite(calls)
    cover = (profiles[kinds] * obs).sum(axis=1)
    totals = np.where(cover > 0, np.nansum(calls, axis=1) / np.maximum(cover, 1e-9), np.nan)
    usable = cover >= 0.5

    # 4. closed holidays and make-up days: no calls on most of their days, in weeks that have data
    (model.closed_holidays, model.seen_holidays, model.holiday_default_closed,
     model.makeup_closed) = learn_closures(cal, totals_raw, present, in_data_weeks, structure)
    _note_left_out_closures(model, cal, present)
    open_day = ~model.closed(cal)
    valid = usable & open_day & (totals > 0)
    spec = _daily_spec(grid, cal, settings, structure, special_labels)
    X, names = daily.design(cal, spec)
    y = np.log1p(np.where(valid, totals, 0.0))
    recency = 0.5 ** (age / settings.half_life_days)
    w = np.where(valid, recency * np.clip(cover, 0, 1), 0.0)

    # holidays, make-up days and the user's special days are what their effects are learned from: never
    # outliers, even when the history holds one or two of them or the effect is large (a mailing tripling calls)
    protect = (cal["holiday_period"].to_numpy(bool) | cal["is_makeup_workday"].to_numpy(bool)
               | (cal["special"].astype(str).to_numpy() != ""))
    model.spec = spec
    beta, rw, scale, alpha, pen = _fit_volume(model, X, names, y, w, valid, totals, protect, settings)
    if n_days >= annual.MIN_DAYS:
        X, names, (beta, rw, scale, alpha, pen) = _with_annual(model, cal, X, names, y, w, valid, totals, protect,
                                                               settings, (beta, rw, scale, alpha, pen))
    keep = slice(max(0, n_days - RECENT_DAYS), n_days)
    ordinary = (kinds < HOLIDAY) & ~period & _plain_days(cal) & open_day
    model.recent_raw = raw[keep].copy()
    model.recent_clean = np.where(ordinary[keep, None], calls[keep], np.nan)
    resid = (y - X @ beta)[valid & (rw > 0)]
    model.log_bias = float(np.log(np.mean(np.exp(np.clip(resid - np.median(resid), -3 * scale, 3 * scale))))) \
        if len(resid) > 10 else 0.0
    kept = valid & (rw > 0)
    model.ets_state = ets.daily_ets(y, kept & ordinary, X @ beta + model.level, settings.ets_params)

    if settings.point_only:
        return model
    # 5. daily error scale per horizon bucket, from internal rolling origins
    model.sigma = _error_scales(X, y, w, pen, valid, (alpha, model.decay), scale, protect,
                                daily.prior_means(names))
    # 6. interval-level dispersion: the last 28 days against profiles from before them
    model.phi = dispersion(calls, kinds, age, PROFILE_DAYS, PROFILE_HALF_LIFE)
    # 7. AHT per slot (workday / rest day)
    if grid.aht is not None and np.isfinite(grid.aht).any():
        model.aht, model.aht_settings = fit_aht(grid.aht, calls, ~cal["is_workday"].to_numpy(bool),
                                                grid.interval_minutes, settings.default_aht_s)
    return model


def _note_left_out_closures(model: QueueModel, cal: pd.DataFrame, present: np.ndarray) -> None:
    """Note the holidays read as closed because the export left their days out, as it leaves out closed days."""
    names = daily.calendar_flags(cal)["period_name"].to_numpy()
    shut = [n for n in model.closed_holidays if not (present & (names == n) & holiday_days_off(cal)).any()]
    if shut:
        model.notes.append(f"closed on {', '.join(shut)}: no rows on those days in the history, with rows on the "
                           f"days around them (an export that leaves closed days out)")


def _without_outages(model: QueueModel, raw: np.ndarray, totals_raw: np.ndarray, kinds: np.ndarray,
                     period: np.ndarray, present: np.ndarray, age: np.ndarray) -> np.ndarray:
    """`raw` with the intervals read as outages set to NaN (noted on `model`): zeros against a rough expectation
    per slot, the rolling median total per day kind x a pooled profile."""
    tot = pd.Series(np.where(present, totals_raw, np.nan))
    typical = tot.groupby(kinds).transform(lambda s: s.rolling(9, center=True, min_periods=1).median())
    typical = typical.fillna(tot.median()).to_numpy()
    rough = estimate_profiles(raw, kinds, np.where(age < 2 * PROFILE_DAYS, 1.0, 0.2), model.structure)
    # holidays are too irregular in level and shape to call their zeros outages
    expected = np.where(period[:, None], 0.0, typical[:, None] * rough[kinds])
    calls = mark_outages(raw, expected)
    n_out = int((np.isnan(calls) & ~np.isnan(raw)).sum())
    if n_out:
        model.notes.append(f"{n_out} intervals of zeros read as outages (not learned)")
    return calls


def _daily_spec(grid: QueueGrid, cal: pd.DataFrame, settings: Settings, structure: WeeklyStructure,
                special_labels: list[str]) -> daily.DailySpec:
    """The daily regression's features for this queue's history."""
    span = len(grid.days)
    return daily.DailySpec(
        t0=grid.days[-1],
        fourier=settings.fourier if settings.fourier is not None else (YEARLY_HARMONICS if span >= 420 else 0),
        trend=settings.trend,
        month_start=span >= 56,
        holiday_names=sorted({n for n in daily.calendar_flags(cal)["period_name"] if n}),
        special_labels=list(special_labels),
        workdays=structure.workdays,
        quietest=structure.quietest,
    )


def _fit_volume(model: QueueModel, X, names, y, w, valid, totals, protect, settings: Settings):
    """The daily-volume regression of `model` (coefficients, level, holiday effects and noise for pooling):
    (beta, robustness weights, residual scale, smoothing rate, penalties)."""
    # the day-to-day noise, from a first fit, sets how far the holiday effects are shrunk (`daily.penalties`)
    prior = daily.prior_means(names)
    noise = daily.day_noise(X, y, w, daily.penalties(names), valid, totals, protect, prior=prior)
    month_noise = noise or daily.day_noise(X, y, w, daily.penalties(names), valid, totals, protect,
                                           min_days=daily.MONTH_NOISE_MIN_DAYS, prior=prior)
    pen = daily.penalties(names, noise, month_noise)
    beta, rw, scale, (alpha, decay), lev = _fit_daily(X, y, w, pen, valid, settings.alpha, protect=protect,
                                                      prior=prior)
    model.beta, model.alpha, model.decay, model.level = beta, alpha, decay, lev
    model.noise = noise or max(scale, daily.SCALE_FLOOR)
    model.holiday_effects = daily.holiday_support(names, beta, X, w, rw, pen)
    model.weekday_effects = daily.holiday_support(names, beta, X, w, rw, pen, keys=("wd",))
    return beta, rw, scale, alpha, pen


def _with_annual(model: QueueModel, cal, X, names, y, w, valid, totals, protect, settings: Settings, fit):
    """The daily model with the annual recurrence feature (`wfm.forecast.annual`) when its coefficient comes out
    positive: (X, names, the `_fit_volume` result); else the fit without it, as it was."""
    # unclipped: the days of last year's event are outliers to a model without it
    spec = replace(model.spec, annual=annual.anomaly(y - X @ fit[0], valid & ~protect, cal["date"].iloc[0]))
    X2, names2 = daily.design(cal, spec)
    # the days a year after a clear anomaly are what the recurrence is learned from: never outliers
    protect = protect | (np.abs(X2[:, names2.index("yr")]) > 2 * model.noise)
    trial = daily.robust_ridge(X2, y, w, daily.penalties(names2, model.noise, model.noise), protect=protect,
                               prior=daily.prior_means(names2))[0]
    if not trial[names2.index("yr")] > 0:
        return X, names, fit
    model.spec = spec
    return X2, names2, _fit_volume(model, X2, names2, y, w, valid, totals, protect, settings)


def _fit_daily(X, y, w, pen, valid, alpha=None, protect=None, prior=None):
    """The robust ridge fit and its local level: (beta, robustness weights, scale, (alpha, decay), level);
    `alpha` given: that smoothing rate with a flat level (decay 1), else both chosen (`daily.choose_level`)."""
    beta, rw, scale = daily.robust_ridge(X, y, w, pen, protect=protect, prior=prior)
    r = y - X @ beta
    ok = valid & (rw > 0)
    r = np.clip(r, -2.5 * scale, 2.5 * scale)
    if alpha is None:
        ahead = daily.ahead_residuals(X, y, w, pen, protect, r, prior=prior)
        ahead = np.clip(ahead, -2.5 * scale, 2.5 * scale)
        alpha, decay = daily.choose_level(ahead, ok)
    else:
        decay = 1.0
    lev = daily.smooth_level(r, ok, alpha)
    return beta, rw, scale, (alpha, decay), float(lev[-1])


def _error_scales(X, y, w, pen, valid, rates, scale, protect, prior=None) -> np.ndarray:
    """The daily error scale per horizon bucket, from fits at internal origins with the level's `rates`
    (alpha, decay)."""
    alpha, decay = rates
    n = len(y)
    H = ERROR_BUCKETS[-1]
    errs: list[list[float]] = [[] for _ in ERROR_BUCKETS]
    for k in range(1, ERROR_ORIGINS + 1):
        origin = n - k * 14 - H + 14 if k > 1 else n - H
        if origin < 56 or valid[:origin].sum() < 42:
            continue
        beta, _, _, _, lev = _fit_daily(X[:origin], y[:origin], w[:origin], pen, valid[:origin], alpha,
                                        protect=protect[:origin], prior=prior)
        for h in range(1, H + 1):
            i = origin + h - 1
            if i < n and valid[i]:
                e = y[i] - (X[i] @ beta + lev * decay ** h)
                errs[int(np.searchsorted(ERROR_BUCKETS, h))].append(e)
    out = []
    floor = max(scale, 0.02)
    for bucket in errs:
        if len(bucket) >= 5:
            e = np.asarray(bucket)
            robust = 1.4826 * np.median(np.abs(e - np.median(e)))
            e = np.clip(e, -4 * max(robust, 1e-3), 4 * max(robust, 1e-3))
            out.append(max(float(np.sqrt(np.mean(e ** 2))), floor))
        else:
            out.append(np.nan)
    out = np.array(out)
    if np.isnan(out).all():
        return np.full(len(ERROR_BUCKETS), max(2 * floor, 0.1))
    out = pd.Series(out).ffill().bfill().to_numpy()
    return np.maximum.accumulate(out)
