"""Model selection per queue by rolling-origin backtest on the last weeks of the history.

Candidates (`CANDIDATES`): the calendar model (`model`), ETS on the daily totals (`ets`: statsmodels,
`wfm.forecast.ets`), an equal blend of `model` and `ets` (`model_ets`),
the recent same-weekday mean made aware of closures and holidays (`recent`: days the model calls special take the
model's forecast), an equal blend of `model` and `recent` (`blend`), one of `model` and the plain mean of 4 weekdays
(`model_mean4`: a forecast combination that hedges the model against a shift the recent weeks show), and the two
naive baselines exactly as `wfm backtest` scores them. Each is scored by WAPE at the scoring period over `folds`
origins a week apart, the last one leaving the horizon at the end of the history. A queue keeps `model` unless
another candidate beats it by `SWITCH_MARGIN` over all folds and on most folds one by one (events the calendar does
not know make single folds noisy); what it keeps is never worse than the better baseline over all folds (else the
candidate best over all folds is taken). Queues with few calls in the folds are chosen for together, as one group,
so that Poisson noise in one small queue does not pick its model. There is no candidate that only extrapolates the
model's recent level faster or with a trend: on a few overlapping folds such variants won by chance and then missed
by far (`wfm.forecast.ets`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

CANDIDATES = ("model", "ets", "model_ets", "recent", "blend", "model_mean4",
              "seasonal_naive", "weekday_mean4")
BASELINES = ("seasonal_naive", "weekday_mean4")
LABELS = {
    "model": "calendar model", "ets": "ETS on daily totals (statsmodels) x profile",
    "model_ets": "calendar model + ETS",
    "recent": "recent weeks",
    "blend": "calendar model + recent weeks", "model_mean4": "calendar model + mean of 4 weekdays",
    "seasonal_naive": "seasonal naive", "weekday_mean4": "mean of 4 weekdays",
}
SWITCH_MARGIN = 0.03  # another candidate must beat `model` by 3% of its error
SPARSE_CALLS = 2000.0  # queues with fewer calls over the selection folds are chosen for as a group
MIN_TRAIN_DAYS = 21
SELECTION_COLUMNS = ["queue", "fold", "origin", "candidate", "abs_error", "actual"]


def step_days(horizon: int) -> int:
    """Days between selection origins: a week, or two for horizons over three weeks (folds overlap less)."""
    return 14 if horizon > 21 else 7


def weekday_shift(origin_day, first_forecast_day) -> int:
    """Days to move the last selection origin back so that it falls on the forecast's first weekday (none when
    the forecast's start is not known)."""
    if first_forecast_day is None:
        return 0
    return (origin_day.weekday() - first_forecast_day.weekday()) % 7


def fold_origins(n_days: int, horizon: int, folds: int, step: int = 7, shift: int = 0) -> list[int]:
    """Day indices of the selection origins, the last one leaving `horizon` days of history after it, moved
    back `shift` days (to start on the forecast's weekday)."""
    last = n_days - horizon - shift
    return sorted(o for o in (last - step * k for k in range(folds)) if o >= MIN_TRAIN_DAYS)


def aggregate(x: np.ndarray, k: int) -> np.ndarray:
    """Sum (days, slots) into (days, slots // k) scoring periods."""
    if x.shape[1] % k:
        k = 1
    return x.reshape(x.shape[0], x.shape[1] // k, k).sum(axis=2)


def score(actual: np.ndarray, forecasts: dict[str, np.ndarray], k: int) -> dict[str, tuple[float, float]]:
    """(sum |actual - forecast|, sum actual) per candidate at scoring periods of `k` slots, over complete days."""
    ok = np.isfinite(actual).all(axis=1)
    a = aggregate(actual[ok], k)
    return {name: (float(np.abs(aggregate(f[ok], k) - a).sum()), float(a.sum())) for name, f in forecasts.items()}


def choose(errors: pd.DataFrame, candidates: Iterable[str] = CANDIDATES) -> pd.DataFrame:
    """The candidate per queue from the fold errors (`SELECTION_COLUMNS`): one row per queue with `chosen`,
    `group` (the queue itself, or `sparse queues`), the WAPE of every candidate and `reason`."""
    candidates = [c for c in candidates if c in set(errors["candidate"])]
    per = errors.groupby(["queue", "candidate"])[["abs_error", "actual"]].sum()
    actual = per["actual"].groupby(level="queue").max()
    sparse = actual.index[actual < SPARSE_CALLS]
    group_of = {q: ("sparse queues" if q in sparse and len(sparse) > 1 else q) for q in actual.index}
    rows = []
    for group in dict.fromkeys(group_of.values()):
        members = [q for q, g in group_of.items() if g == group]
        tot = per.loc[members].groupby(level="candidate").sum()
        wape = (tot["abs_error"] / tot["actual"].where(tot["actual"] > 0)).reindex(candidates)
        folds = (errors[errors["queue"].isin(members)].groupby(["fold", "candidate"])["abs_error"].sum()
                 .unstack("candidate").reindex(columns=candidates))
        chosen, reason = _pick(wape, folds)
        for q in members:
            own = per.loc[q]
            own_wape = (own["abs_error"] / own["actual"].where(own["actual"] > 0)).reindex(candidates)
            rows.append({"queue": q, "chosen": chosen, "group": group, "reason": reason,
                         **{f"wape_{c}": own_wape.get(c, np.nan) for c in candidates}})
    return pd.DataFrame(rows).sort_values("queue").reset_index(drop=True)


def _pick(wape: pd.Series, folds: pd.DataFrame) -> tuple[str, str]:
    """The candidate for one queue or group: `wape` over all folds, `folds` the absolute errors per fold."""
    if wape.isna().all() or "model" not in wape or wape["model"] != wape["model"]:
        return "model", "no calls in the selection folds: calendar model"
    base_name = wape[list(BASELINES)].idxmin()
    base = wape[base_name]

    def beats(c: str, margin: float = 0.0) -> bool:
        wins = (folds[c] < folds["model"]).sum()
        return bool(wape[c] < (1 - margin) * wape["model"] and wins > len(folds) / 2)

    chosen = "model"
    better = [c for c in wape.drop(["model"]).dropna().sort_values().index
              if beats(c, 0.0 if c in BASELINES else SWITCH_MARGIN)]
    if better:
        chosen = better[0]
    why = f"{wape[chosen]:.1%} against {LABELS[base_name]} {base:.1%}"
    if wape[chosen] > base:
        # never deliver what backtests worse than the better baseline: the best candidate over all folds
        over = chosen
        chosen = str(wape.dropna().idxmin())
        return chosen, (f"{wape[chosen]:.1%} against {LABELS[base_name]} {base:.1%}; the "
                        f"{LABELS[over]} backtested worse than the baseline ({wape[over]:.1%})")
    if chosen != "model":
        why += f" and the calendar model {wape['model']:.1%}, better on {int((folds[chosen] < folds['model']).sum())}" \
               f" of {len(folds)} origins"
    return chosen, why


def accuracy_table(errors: pd.DataFrame, selection: pd.DataFrame) -> pd.DataFrame:
    """WAPE per queue (and `ALL`, pooled) of the delivered forecast (`wfm`: each queue's chosen candidate) and
    of every candidate on the selection folds; columns `queue, method, wape, chosen, reason`."""
    chosen = selection.set_index("queue")["chosen"]
    wfm = errors[errors["candidate"] == errors["queue"].map(chosen)].assign(candidate="wfm")
    both = pd.concat([wfm, errors], ignore_index=True)
    rows = []
    for (queue, method), g in both.groupby(["queue", "candidate"], sort=False):
        rows.append((queue, method, g["abs_error"].sum(), g["actual"].sum()))
    for method, g in both.groupby("candidate", sort=False):
        rows.append(("ALL", method, g["abs_error"].sum(), g["actual"].sum()))
    out = pd.DataFrame(rows, columns=["queue", "method", "abs_error", "actual"])
    out["wape"] = out["abs_error"] / out["actual"].where(out["actual"] > 0)
    info = selection.set_index("queue")[["chosen", "reason"]]
    out = out.join(info, on="queue")
    order = {m: i for i, m in enumerate(("wfm",) + CANDIDATES)}
    out["_q"] = out["queue"].eq("ALL")
    out["_m"] = out["method"].map(order)
    out = out.sort_values(["_q", "queue", "_m"])
    return out.drop(columns=["_q", "_m", "abs_error", "actual"]).reset_index(drop=True)
