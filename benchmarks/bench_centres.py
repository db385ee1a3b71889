#!/usr/bin/env python
"""Forecast accuracy across kinds of centre: is the forecaster tuned to one kind?

For each synthetic centre of `wfm.sample.centres` (or those given with --kinds), a rolling-origin backtest
(`wfm.forecast.backtest`, weekly origins) at 14 and 28 days ahead with 3 folds: pooled WAPE over all queues of
`wfm`, `seasonal_naive` and `weekday_mean4`, the ratio of wfm to the better baseline, and the oracle: the WAPE of
the generator's true rate on the same folds and queues, scored the same way (totals per 30 minutes, or per
interval when longer; days without rows not scored) -- the noise floor no forecast can beat.

    /tmp/venv/bin/python benchmarks/bench_centres.py --quick            # 14 days, 2 folds
    /tmp/venv/bin/python benchmarks/bench_centres.py --kinds frisat_bank,level_shift --write

Without --write it only prints; with it, the table replaces the centres section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from results import update_section  # noqa: E402  (benchmarks/ is on sys.path when run as a script)
from wfm.forecast import backtest, summarise  # noqa: E402
from wfm.sample.centres import CENTRE_KINDS, GeneratedCentre, generated_centre  # noqa: E402

METHODS = ("wfm", "seasonal_naive", "weekday_mean4")
SCORE_MIN = 30
STEP_DAYS = 7
NONE_FALLBACK = "US"  # used when the forecaster does not know country "none" yet
HEADER = ("| horizon | folds | wfm | seasonal_naive | weekday_mean4 | oracle | wfm / best baseline | wfm / oracle "
          "| time s |")
RULE = "|---|---|---|---|---|---|---|---|---|"


def oracle_wape(centre: GeneratedCentre, results: pd.DataFrame, horizon: int, score_minutes: int) -> float:
    """Pooled WAPE of the true rate on the backtest's folds and queues, on totals per `score_minutes`."""
    frame = centre.history.assign(rate=centre.rate["rate"])
    abs_err = actual = 0.0
    for (origin, queue), _ in results.groupby(["origin", "queue"]):
        start = pd.Timestamp(origin)
        rows = frame[(frame["queue"] == queue) & (frame["interval_start"] >= start)
                     & (frame["interval_start"] < start + pd.Timedelta(days=horizon))]
        blocks = rows.groupby(rows["interval_start"].dt.floor(f"{score_minutes}min"))[["offered", "rate"]].sum()
        abs_err += float((blocks["offered"] - blocks["rate"]).abs().sum())
        actual += float(blocks["offered"].sum())
    return abs_err / actual if actual > 0 else float("nan")


def run_backtest(centre: GeneratedCentre, horizon: int, folds: int) -> tuple[pd.DataFrame, str]:
    """The backtest with the centre's holiday country (a fallback when the forecaster rejects "none")."""
    try:
        return backtest(centre.history, horizon_days=horizon, folds=folds, country=centre.country,
                        step_days=STEP_DAYS), centre.country
    except ValueError as exc:  # wfm.calendar.UnknownCountryError is a ValueError
        if centre.country != "none" or "country" not in str(exc):
            raise
    return backtest(centre.history, horizon_days=horizon, folds=folds, country=NONE_FALLBACK,
                    step_days=STEP_DAYS), NONE_FALLBACK


def score(centre: GeneratedCentre, horizon: int, folds: int) -> dict:
    """One table row: pooled WAPE per method, the oracle's, the ratios and the wall time."""
    t0 = time.perf_counter()
    try:
        results, country = run_backtest(centre, horizon, folds)
    except ValueError as exc:
        if "too short" not in str(exc):
            raise
        return {"horizon": horizon, "note": str(exc)}
    seconds = time.perf_counter() - t0
    overall = summarise(results).query("queue == 'ALL'").set_index("method")["wape"]
    row = {"horizon": horizon, "folds": int(results["fold"].nunique()), "seconds": seconds,
           **{m: float(overall.get(m, float("nan"))) for m in METHODS}}
    row["oracle"] = oracle_wape(centre, results, horizon, max(SCORE_MIN, centre.interval_minutes))
    row["ratio"] = row["wfm"] / min(row["seasonal_naive"], row["weekday_mean4"])
    row["vs_oracle"] = row["wfm"] / row["oracle"]
    row["note"] = "" if country == centre.country else f"country {country} (\"none\" not supported)"
    return row


def fmt(row: dict) -> str:
    if "wfm" not in row:
        return f"| {row['horizon']} d | - | {row['note']} | | | | | | |"
    pct = " | ".join(f"{100 * row[k]:.1f}%" for k in (*METHODS, "oracle"))
    note = f" ({row['note']})" if row["note"] else ""
    return (f"| {row['horizon']} d | {row['folds']} | {pct} | {row['ratio']:.2f} | {row['vs_oracle']:.2f} | "
            f"{row['seconds']:.1f}{note} |")


def bench_kind(kind: str, seed: int, horizons: tuple[int, ...], folds: int) -> list[dict]:
    centre = generated_centre(kind, seed=seed)
    days = centre.history["interval_start"].dt.normalize().nunique()
    print(f"\n### {kind}: {centre.description}")
    print(f"{len(centre.queues)} queues, {centre.interval_minutes} min, {days} days with rows, "
          f"country {centre.country}\n")
    print(HEADER)
    print(RULE)
    rows = []
    for horizon in horizons:
        try:
            row = score(centre, horizon, folds)
        except Exception as exc:  # a crash inside the forecaster: report it, go on with the other kinds
            traceback.print_exc()
            row = {"horizon": horizon, "note": f"error: {type(exc).__name__}: {exc}"}
        rows.append({"kind": kind, **row})
        print(fmt(row), flush=True)
    return rows


def markdown(rows: list[dict], args: argparse.Namespace, horizons: tuple[int, ...], folds: int) -> str:
    lines = [
        "## Forecast across kinds of centre (synthetic)",
        "",
        f"`benchmarks/bench_centres.py` (seed {args.seed}): the synthetic centres of `wfm.sample.centres`, "
        f"rolling-origin backtest {', '.join(map(str, horizons))} days ahead, {folds} weekly folds; pooled WAPE over "
        f"all queues at {SCORE_MIN} minutes (or the interval when longer). oracle = the generator's true rate (the noise floor); "
        "wfm / best baseline < 1 means wfm beats both baselines.",
        "",
        "| kind | " + HEADER[2:],
        "|---" + RULE,
    ]
    lines += [f"| {r['kind']} " + fmt(r) for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kinds", default=",".join(CENTRE_KINDS), help="comma-separated kinds (default: all)")
    ap.add_argument("--quick", action="store_true", help="14 days ahead only, 2 folds")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--write", action="store_true", help="update the centres section of benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in CENTRE_KINDS]
    if unknown:
        ap.error(f"unknown kinds {unknown}; choose from {', '.join(CENTRE_KINDS)}")
    horizons, folds = ((14,), 2) if args.quick else ((14, 28), 3)
    t0 = time.perf_counter()
    rows = [row for kind in kinds for row in bench_kind(kind, args.seed, horizons, folds)]
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")
    if args.write:
        update_section("centres", markdown(rows, args, horizons, folds))
        print("wrote the centres section of benchmarks/RESULTS.md")


if __name__ == "__main__":
    main()
