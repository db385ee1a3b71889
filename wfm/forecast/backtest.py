"""Rolling-origin backtest of the forecaster against the seasonal baselines, per queue and overall."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from wfm.forecast import metrics
from wfm.forecast.baselines import seasonal_naive, weekday_mean
from wfm.forecast.model import Forecaster
from wfm.forecast.prep import infer_interval_minutes, queue_grid
from wfm.parallel import map_tasks

METHODS = ("wfm", "seasonal_naive", "weekday_mean4")
RESULT_COLUMNS = ["fold", "origin", "queue", "method", "wape", "mase", "bias", "coverage",
                  "actual", "abs_error", "error", "n", "aht_wape", "aht_abs_error", "workload_s"]


def origins(history: pd.DataFrame, horizon_days: int, folds: int, step_days: int | None = None) -> list[pd.Timestamp]:
    """Forecast start days, the last one leaving exactly `horizon_days` of history after it."""
    end = pd.to_datetime(history["interval_start"]).max().normalize()
    step = step_days or 7
    last = end - pd.Timedelta(days=horizon_days - 1)
    return sorted(last - pd.Timedelta(days=step * k) for k in range(folds))


def backtest(
    history: pd.DataFrame,
    *,
    horizon_days: int = 28,
    folds: int = 4,
    country: str = "CN",
    step_days: int | None = None,
    score_minutes: int = 30,
    level: float = 0.8,
    special_days: Mapping | None = None,
    extra_holidays: Iterable = (),
    extra_workdays: Iterable = (),
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], object] | None = None,
    selection_folds: int = 4,
) -> pd.DataFrame:
    """One row per fold, queue and method (`RESULT_COLUMNS`); see `summarise` for per-queue and overall.

    `wfm` is the whole procedure as `wfm forecast` runs it, model choice included (`selection_folds` origins
    inside each fold's training part), so its score is out of sample.

    WAPE, MASE and bias are scored on totals per `score_minutes` (or the history's own interval when longer);
    coverage of the `level` interval at the history's interval, over intervals with calls forecast or seen.
    When the history has `aht_s`, `aht_wape` scores the AHT forecast: sum over scored periods of
    calls x |actual AHT - forecast AHT| (`aht_abs_error`) over the actual workload, calls x AHT (`workload_s`),
    so a period weighs by its calls. Missing days are not scored.
    """
    frame = history.assign(interval_start=pd.to_datetime(history["interval_start"]))
    im = infer_interval_minutes(frame)
    starts = origins(frame, horizon_days, folds, step_days)
    min_train = frame["interval_start"].min().normalize() + pd.Timedelta(days=28)
    starts = [s for s in starts if s >= min_train]
    if not starts:
        span = (frame["interval_start"].max().normalize() - frame["interval_start"].min().normalize()).days + 1
        raise ValueError(f"history too short for a backtest of this horizon: {span} days of history, a "
                         f"{horizon_days}-day horizon needs at least {28 + horizon_days} (28 days to fit on)")
    opts = dict(country=country, level=level, special_days=special_days, extra_holidays=tuple(extra_holidays),
                extra_workdays=tuple(extra_workdays), interval_minutes=im, horizon_days=horizon_days,
                selection_folds=selection_folds)
    cols = [c for c in ("interval_start", "queue", "offered", "aht_s") if c in frame.columns]
    tasks = []
    for fold, start in enumerate(starts):
        stop = start + pd.Timedelta(days=horizon_days)
        queues = []
        for queue, rows in frame[cols].groupby("queue", sort=True):
            train = rows[rows["interval_start"] < start].reset_index(drop=True)
            test = rows[(rows["interval_start"] >= start) & (rows["interval_start"] < stop)].reset_index(drop=True)
            if train["offered"].sum() > 0 and len(test):
                queues.append((str(queue), train, test))
        if queues:
            tasks.append((fold, start, queues, horizon_days, max(score_minutes, im), opts))
    if not tasks:
        raise ValueError("no queue has calls before the backtest origins: nothing to score")
    parts = map_tasks(_fold_task, tasks, scheduler=scheduler, workers=workers, progress=progress)
    return pd.concat(parts, ignore_index=True)[RESULT_COLUMNS]


def _fold_task(task) -> pd.DataFrame:
    """One origin: the forecaster fitted on every queue together (as `wfm forecast` fits them), then scored
    per queue next to the baselines."""
    fold, start, queues, days, score_minutes, opts = task
    fc = Forecaster(workers=1, forecast_start=start.date(), **opts).fit(
        pd.concat([train for _, train, _ in queues], ignore_index=True))
    delivered = fc.predict(start, days)
    return pd.concat([_score_queue(fold, start, queue, train, test, days, score_minutes, opts, delivered)
                      for queue, train, test in queues], ignore_index=True)


def _score_queue(fold, start, queue, train, test, days, score_minutes, opts, delivered) -> pd.DataFrame:
    im = opts["interval_minutes"]
    forecasts = {}
    forecasts["wfm"] = delivered[delivered["queue"] == queue]
    forecasts["seasonal_naive"] = seasonal_naive(train, start, days, interval_minutes=im)
    forecasts["weekday_mean4"] = weekday_mean(train, start, days, interval_minutes=im)
    actual = _actual_grid(test, queue, im, start, days)
    actual_aht = _actual_grid(test, queue, im, start, days, "aht_s") if "aht_s" in test.columns else None
    scale = metrics.seasonal_scale(_aggregate(_train_series(train, queue, im), im, score_minutes),
                                   7 * 1440 // score_minutes)
    rows = []
    for method, f in forecasts.items():
        f = f[f["queue"] == queue]
        pred = f["calls"].to_numpy().reshape(days, -1)
        ok = np.isfinite(actual).all(axis=1)
        a_s = _aggregate(actual[ok].ravel(), im, score_minutes)
        f_s = _aggregate(pred[ok].ravel(), im, score_minutes)
        lo = f["calls_lo"].to_numpy().reshape(days, -1)[ok].ravel()
        hi = f["calls_hi"].to_numpy().reshape(days, -1)[ok].ravel()
        a_n, f_n = actual[ok].ravel(), pred[ok].ravel()
        live = (a_n > 0) | (f_n > 0)  # closed intervals (nothing forecast, nothing came) say nothing of coverage
        aht_err, workload = (np.nan, np.nan) if actual_aht is None else _aht_error(
            a_n, actual_aht[ok].ravel(), f_n, f["aht_s"].to_numpy().reshape(days, -1)[ok].ravel(), im, score_minutes)
        rows.append({
            "fold": fold, "origin": start.date(), "queue": queue, "method": method,
            "wape": metrics.wape(a_s, f_s), "mase": metrics.mase(a_s, f_s, scale), "bias": metrics.bias(a_s, f_s),
            "coverage": metrics.coverage(a_n[live], lo[live], hi[live]),
            "actual": float(a_s.sum()), "abs_error": float(np.abs(a_s - f_s).sum()), "error": float((f_s - a_s).sum()),
            "n": int(len(a_s)),
            "aht_wape": aht_err / workload if workload > 0 else np.nan, "aht_abs_error": aht_err,
            "workload_s": workload,
        })
    return pd.DataFrame(rows)


def _actual_grid(test: pd.DataFrame, queue: str, im: int, start: pd.Timestamp, days: int,
                 column: str = "offered") -> np.ndarray:
    """Actuals of `column` (days x slots) over the horizon; NaN on days without rows (and, for AHT, in
    intervals without a value)."""
    slots = 1440 // im
    out = np.full((days, slots), np.nan)
    if test.empty:
        return out
    ts = test["interval_start"]
    di = (ts.dt.floor("D") - start).dt.days.to_numpy()
    si = ((ts - ts.dt.floor("D")).dt.total_seconds().to_numpy() // (im * 60)).astype(int)
    if column == "offered":
        out[np.unique(di)] = 0.0
    out[di, si] = pd.to_numeric(test[column], errors="coerce").to_numpy(float)
    return out


def _aht_error(calls: np.ndarray, aht: np.ndarray, f_calls: np.ndarray, f_aht: np.ndarray, im: int,
               score_minutes: int) -> tuple[float, float]:
    """(sum of calls x |AHT error|, sum of calls x AHT) over scoring periods with calls and a known AHT.

    A period's actual AHT is the calls-weighted mean of its intervals; its forecast AHT is weighted by the
    forecast calls (the plain mean where none are forecast)."""
    known = np.isfinite(aht) & (calls > 0)
    c = np.where(known, calls, 0.0)
    work = _aggregate(c * np.nan_to_num(aht), im, score_minutes)
    c_s = _aggregate(c, im, score_minutes)
    fc = np.nan_to_num(f_calls)
    fa = np.nan_to_num(f_aht)
    f_w, f_c = _aggregate(fc * fa, im, score_minutes), _aggregate(fc, im, score_minutes)
    f_mean = _aggregate(fa, im, score_minutes) / max(1, score_minutes // im)
    f_aht_s = np.where(f_c > 0, f_w / np.maximum(f_c, 1e-12), f_mean)
    scored = c_s > 0
    a_aht_s = work[scored] / c_s[scored]
    return float((c_s[scored] * np.abs(a_aht_s - f_aht_s[scored])).sum()), float(work[scored].sum())


def _train_series(train: pd.DataFrame, queue: str, im: int) -> np.ndarray:
    return queue_grid(train, queue, im).calls.ravel()


def _aggregate(flat: np.ndarray, im: int, score_minutes: int) -> np.ndarray:
    k = max(1, score_minutes // im)
    n = len(flat) // k * k
    return flat[:n].reshape(-1, k).sum(axis=1)


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """Per queue and method, plus queue `ALL`: pooled WAPE, bias and AHT WAPE, mean MASE and coverage over folds."""
    def agg(g: pd.DataFrame) -> pd.Series:
        return pd.Series({
            "wape": g["abs_error"].sum() / g["actual"].sum() if g["actual"].sum() > 0 else np.nan,
            "mase": g["mase"].mean(),
            "bias": g["error"].sum() / g["actual"].sum() if g["actual"].sum() > 0 else np.nan,
            "coverage": g["coverage"].mean(),
            "aht_wape": g["aht_abs_error"].sum() / g["workload_s"].sum() if g["workload_s"].sum() > 0 else np.nan,
            "folds": g["fold"].nunique(),
        })
    per_queue = results.groupby(["queue", "method"], sort=True)[list(results.columns)].apply(agg).reset_index()
    overall = results.groupby("method", sort=True)[list(results.columns)].apply(agg).reset_index()
    overall.insert(0, "queue", "ALL")
    out = pd.concat([per_queue, overall], ignore_index=True)
    order = {m: i for i, m in enumerate(METHODS)}
    out["_o"] = out["method"].map(order).fillna(99)
    return out.sort_values(["queue", "_o"]).drop(columns="_o").reset_index(drop=True)
