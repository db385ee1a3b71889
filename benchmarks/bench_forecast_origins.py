#!/usr/bin/env python
"""The unseen-centre evaluation (`../shared/tools/forecast_eval.py`) from many origins instead of a few: wfm fitted
as `wfm forecast` fits it (the history alone, no events, the model chosen per queue by its backtest for the
horizon), N days ahead from every origin `--step` days apart across a history, 30-minute WAPE summed over queues,
against the better of seasonal-naive and the mean of the last 4 same weekdays built from the training part as
forecast_eval.py builds them (weekdays without any data, e.g. a closed centre's weekend without rows, are left out).
Three origins say little about a forecaster on an event-driven history: this says how often and by how much it
loses to the baseline.

    /tmp/venv/bin/python benchmarks/bench_forecast_origins.py                 # print
    /tmp/venv/bin/python benchmarks/bench_forecast_origins.py --write         # and the section of RESULTS.md
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from results import update_section  # noqa: E402
from wfm.forecast import Forecaster  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
# name, file, country, horizon, first origin, last origin (inclusive)
RUNS = (
    ("bernco (hourly)", "bernco_assessor_hourly_history.csv", "US", 28, "2024-03-04", "2025-05-05"),
    ("bernco (hourly)", "bernco_assessor_hourly_history.csv", "US", 14, "2024-03-04", "2025-05-19"),
    ("montco 911 (15 min, 3 queues)", "montco_911_15min_history.csv", "US", 28, "2016-03-06", "2016-07-24"),
    ("us_bank (5 min)", "us_bank_5min_history.csv", "US", 28, "2003-05-05", "2003-09-22"),
    ("us_bank (5 min)", "us_bank_5min_history.csv", "US", 14, "2003-05-05", "2003-10-06"),
)
BASELINE_DAYS = 70  # forecast_eval.py's window for the baselines


def cube(frame: pd.DataFrame, col: str, start: pd.Timestamp, days: int, step: int, queues: list[str]) -> np.ndarray:
    """(days, 30-minute periods, queues) sums of `col`, NaN where no row."""
    idx = pd.date_range(start, periods=days * 1440 // step, freq=f"{step}min")
    p = frame.pivot_table(index="interval_start", columns="queue", values=col, aggfunc="sum")
    x = p.reindex(idx).reindex(columns=queues).to_numpy(float).reshape(days, 1440 // step, len(queues))
    k = max(1, 30 // step)
    if k == 1:
        return x
    x = x.reshape(days, x.shape[1] // k, k, len(queues))
    return np.where(np.isnan(x).all(axis=2), np.nan, np.nansum(x, axis=2))


def baselines(train: pd.DataFrame, origin: pd.Timestamp, days: int, step: int, queues: list[str]):
    """Seasonal-naive and mean-of-4-weekdays forecasts as forecast_eval.py builds them."""
    start = origin - pd.Timedelta(days=BASELINE_DAYS)
    past = cube(train, "offered", start, BASELINE_DAYS, step, queues)
    weekday = pd.date_range(start, periods=BASELINE_DAYS).day_of_week
    has = ~np.isnan(past).all(axis=(1, 2))
    sn, m4 = np.zeros((days, *past.shape[1:])), np.zeros((days, *past.shape[1:]))
    for k in range(days):
        same = [i for i in range(BASELINE_DAYS - 1, -1, -1) if has[i] and weekday[i] == (origin.day_of_week + k) % 7][:4]
        if same:
            sn[k] = np.nan_to_num(past[same[0]])
            with warnings.catch_warnings():  # a queue without calls on those days: 0
                warnings.simplefilter("ignore", RuntimeWarning)
                m4[k] = np.nan_to_num(np.nanmean(past[same], axis=0))
    return sn, m4


def origin_row(hist: pd.DataFrame, country: str, days: int, origin: pd.Timestamp, step: int, queues: list[str]) -> dict:
    train = hist[hist["interval_start"] < origin]
    test = hist[(hist["interval_start"] >= origin) & (hist["interval_start"] < origin + pd.Timedelta(days=days))]
    fc = Forecaster(country=country, interval_minutes=step, horizon_days=min(days, 28), selection_folds=4,
                    forecast_start=origin.date()).fit(train)
    pred = fc.predict(origin.date(), days).rename(columns={"calls": "offered"})
    actual = cube(test, "offered", origin, days, step, queues)
    ok = np.isfinite(actual)
    total = actual[ok].sum()

    def wape(x: np.ndarray) -> float:
        return float(np.abs(np.nan_to_num(x)[ok] - actual[ok]).sum() / total)

    sn, m4 = baselines(train, origin, days, step, queues)
    chosen = sorted(set(fc.selection_["chosen"])) if fc.selection_ is not None else ["model"]
    return {"origin": origin.date(), "calls": total, "wfm": wape(cube(pred, "offered", origin, days, step, queues)),
            "base": min(wape(sn), wape(m4)), "chosen": "+".join(chosen)}


def run(name: str, file: str, country: str, days: int, first: str, last: str, step_days: int) -> dict:
    hist = pd.read_csv(DATA / file, parse_dates=["interval_start"]).dropna(subset=["offered"])
    hist["queue"] = hist["queue"].astype(str)
    step = int(hist["interval_start"].drop_duplicates().sort_values().diff().min() / pd.Timedelta(minutes=1))
    queues = sorted(hist["queue"].unique())
    t0 = time.perf_counter()
    rows = [origin_row(hist, country, days, o, step, queues)
            for o in pd.date_range(first, last, freq=f"{step_days}D")]
    r = pd.DataFrame(rows)
    w = r["calls"] / r["calls"].sum()
    ratio = r["wfm"] / r["base"]
    worst = r.loc[ratio.idxmax()]
    return {"name": name, "days": days, "origins": len(r), "first": first, "last": last,
            "wfm": float((w * r["wfm"]).sum()), "base": float((w * r["base"]).sum()),
            "worse": int((ratio > 1).sum()), "worst": f"{ratio.max():.2f} ({worst['origin']}, {worst['chosen']})",
            "median": float(ratio.median()), "seconds": time.perf_counter() - t0}


HEADER = ["| history | horizon | origins | pooled wfm | pooled better baseline | ratio | median origin ratio "
          "| origins worse than the baseline | worst origin (its model) | time s |",
          "|---|---|---|---|---|---|---|---|---|---|"]


def fmt(s: dict) -> str:
    return (f"| {s['name']} | {s['days']} d | {s['origins']} ({s['first']} to {s['last']}) | {100 * s['wfm']:.1f}% | "
            f"{100 * s['base']:.1f}% | {s['wfm'] / s['base']:.3f} | {s['median']:.2f} | {s['worse']} | {s['worst']} | "
            f"{s['seconds']:.0f} |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--step", type=int, default=7, help="days between origins")
    ap.add_argument("--only", default="", help="run only histories whose name contains this")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--note", default="", help="a line written under the table (e.g. the figures before a change)")
    args = ap.parse_args(argv)
    print("\n".join(HEADER))
    rows = []
    for spec in RUNS:
        if args.only in spec[0] and (DATA / spec[1]).exists():
            rows.append(run(*spec, args.step))
            print(fmt(rows[-1]), flush=True)
    if args.write:
        update_section("forecast_origins", "\n".join([
            "## Forecast from many origins, scored as unseen centres (issue 13)",
            "",
            f"`benchmarks/bench_forecast_origins.py`: wfm as `wfm forecast` runs it (history alone, no events, model "
            f"chosen per queue by its backtest), from every origin {args.step} days apart, 30-minute WAPE summed over "
            "queues against the better of seasonal-naive and the mean of 4 weekdays built as "
            "`../shared/tools/forecast_eval.py` builds them; pooled over origins by actual calls. forecast_eval.py "
            "itself scores three bernco origins; on an event-driven history three origins are mostly luck.",
            "", *HEADER, *map(fmt, rows), *([""] + [args.note] if args.note else [])]))


if __name__ == "__main__":
    main()
