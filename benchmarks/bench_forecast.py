#!/usr/bin/env python
"""Forecast benchmark: rolling-origin WAPE at 30 minutes, wfm vs seasonal-naive, mean of the last 4 same
weekdays and statsforecast (AutoETS daily x profile, MSTL), on the sample hotline and the real histories in
../shared/data; and the time to fit + predict 28 days for 6 queues x 2 years of 15-minute history.

statsforecast runs in its own venv (benchmarks/_work/sf-venv, never a project dependency):
    python -m venv benchmarks/_work/sf-venv && benchmarks/_work/sf-venv/bin/pip install statsforecast
Without it the statsforecast columns are left empty. Run: .venv/bin/python benchmarks/bench_forecast.py
Writes its section of benchmarks/RESULTS.md (between the forecast markers). `--reuse-sf` keeps statsforecast
outputs already in benchmarks/_work/forecast/ (they do not depend on wfm's code) instead of recomputing them.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wfm.forecast import Forecaster, backtest  # noqa: E402
from wfm.forecast.backtest import _actual_grid, _aggregate, origins  # noqa: E402
from wfm.forecast.prep import infer_interval_minutes, queue_grid  # noqa: E402
from results import update_section  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

DATA = ROOT.parent / "shared" / "data"
WORK = ROOT / "benchmarks" / "_work" / "forecast"
SF_PY = ROOT / "benchmarks" / "_work" / "sf-venv" / "bin" / "python"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
HORIZONS = (14, 28)
FOLDS, STEP = 4, 14
SCORE_MIN = 30


def datasets():
    out = []
    try:
        from wfm.sample.history import sample_history

        out.append(("sample hotline (6 queues, 15 min, 2 y)", sample_history(dt.date(2026, 3, 31), years=2.0, seed=0), "CN"))
    except ImportError:
        print("wfm.sample is missing: the sample hotline is skipped")
    for name, file in (("us_bank (5 min)", "us_bank_5min_history.csv"), ("montco 911 (15 min, 3 queues)", "montco_911_15min_history.csv")):
        if (DATA / file).exists():
            frame = pd.read_csv(DATA / file, parse_dates=["interval_start"])
            out.append((name, frame, "US"))
            if "montco" in file:  # the centre total too (the data README's reference numbers are on it)
                total = frame.groupby("interval_start", as_index=False)["offered"].sum().assign(queue="all")
                out.append(("montco_total (3 queues summed)", total, "US"))
        else:
            print(f"{DATA / file} is absent: skipped")
    return out


def sf_train(rows: pd.DataFrame, queue: str, im: int) -> pd.DataFrame:
    """30-minute training series for statsforecast: missing days filled from the week before (else 0)."""
    g = queue_grid(rows, queue, im)
    k = max(1, SCORE_MIN // im)
    x = g.calls.reshape(g.calls.shape[0], -1, k).sum(axis=2)  # NaN days stay NaN
    for i in range(len(x)):
        if np.isnan(x[i]).any():
            x[i] = x[i - 7] if i >= 7 and not np.isnan(x[i - 7]).any() else 0.0
    slots = x.shape[1]
    ds = (g.days.to_numpy()[:, None] + (np.arange(slots) * SCORE_MIN).astype("timedelta64[m]")).ravel()
    return pd.DataFrame({"unique_id": queue, "ds": ds, "y": x.ravel()})


REUSE_SF = "--reuse-sf" in sys.argv


def run_sf(jobs: list[dict]) -> dict[str, float]:
    if REUSE_SF and jobs and all(Path(j["out"]).exists() for j in jobs):
        return {j["out"]: float("nan") for j in jobs}
    if not SF_PY.exists() or not jobs:
        return {}
    path = WORK / "jobs.json"
    path.write_text(json.dumps(jobs))
    proc = subprocess.run([str(SF_PY), str(ROOT / "benchmarks" / "sf_runner.py"), str(path)], capture_output=True, text=True)
    if proc.returncode:
        print(proc.stderr[-3000:])
        return {}
    return {json.loads(l)["out"]: json.loads(l)["seconds"] for l in proc.stdout.splitlines() if l.startswith("{")}


def score_sf(frame, im, start, days, out_csv) -> dict[str, tuple[float, float]]:
    """Pooled (abs error, actual) of the statsforecast methods over the queues of one fold."""
    f = pd.read_csv(out_csv, parse_dates=["ds"])
    acc = {}
    stop = start + pd.Timedelta(days=days)
    for queue, rows in frame.groupby("queue"):
        test = rows[(rows["interval_start"] >= start) & (rows["interval_start"] < stop)].reset_index(drop=True)
        actual = _actual_grid(test, str(queue), im, start, days)
        ok = np.isfinite(actual).all(axis=1)
        a = _aggregate(actual[ok].ravel(), im, SCORE_MIN)
        g = f[f["unique_id"] == queue].set_index("ds").sort_index()
        idx = pd.date_range(start, periods=days * 1440 // SCORE_MIN, freq=f"{SCORE_MIN}min")
        for method in ("autoets", "mstl"):
            pred = g[method].reindex(idx).fillna(0).to_numpy().reshape(days, -1)[ok].ravel()
            e, s = acc.get(method, (0.0, 0.0))
            acc[method] = (e + float(np.abs(a - pred).sum()), s + float(a.sum()))
    return acc


def poisson_floor(frame, country, days) -> float:
    """Expected WAPE at 30 min if the wfm forecast were the exact Poisson rate (noise alone)."""
    num = den = 0.0
    k = np.arange(0, 400)
    for o in origins(frame, days, FOLDS, STEP):
        p = Forecaster(country=country, workers=1).fit(frame[frame["interval_start"] < o]).predict(o, days)
        lam = p.set_index("interval_start").groupby("queue")["calls"].resample(f"{SCORE_MIN}min").sum().to_numpy()
        lam = lam[lam > 0]
        num += float((stats.poisson.pmf(k[None, :], lam[:, None]) * np.abs(k[None, :] - lam[:, None])).sum())
        den += float(lam.sum())
    return num / den


def accuracy():
    rows = []
    WORK.mkdir(parents=True, exist_ok=True)
    for name, frame, country in datasets():
        frame = frame.assign(interval_start=pd.to_datetime(frame["interval_start"]))
        im = infer_interval_minutes(frame)
        for days in HORIZONS:
            t0 = time.perf_counter()
            res = backtest(frame, horizon_days=days, folds=FOLDS, step_days=STEP, country=country, score_minutes=SCORE_MIN)
            secs = time.perf_counter() - t0
            pooled = res.groupby("method")[["abs_error", "actual"]].sum()
            wape = (pooled["abs_error"] / pooled["actual"]).to_dict()
            cov = res[res["method"] == "wfm"]["coverage"].mean()
            jobs, starts = [], origins(frame, days, FOLDS, STEP)
            for i, start in enumerate(starts):
                train = frame[frame["interval_start"] < start]
                tr = pd.concat([sf_train(r, str(q), im) for q, r in train.groupby("queue")])
                p = WORK / f"{name.split()[0]}_{days}_{i}"
                tr.to_csv(f"{p}_train.csv", index=False)
                jobs.append({"train": f"{p}_train.csv", "out": f"{p}_sf.csv", "h_days": days, "slots": 1440 // SCORE_MIN})
            done = run_sf(jobs)
            if done:
                tot = {}
                for start, job in zip(starts, jobs):
                    for m, (e, s) in score_sf(frame, im, start, days, job["out"]).items():
                        te, ts = tot.get(m, (0.0, 0.0))
                        tot[m] = (te + e, ts + s)
                wape.update({m: e / s for m, (e, s) in tot.items()})
            floor = poisson_floor(frame, country, days) if "montco" in name else float("nan")
            rows.append({"dataset": name, "horizon_days": days, **{k: wape.get(k, np.nan) for k in
                        ("wfm", "seasonal_naive", "weekday_mean4", "autoets", "mstl")},
                         "wfm_coverage80": cov, "poisson_floor": floor, "backtest_s": secs})
            print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def speed():
    from wfm.sample.history import sample_history

    hist = sample_history(dt.date(2026, 3, 31), years=2.0, seed=0)
    t0 = time.perf_counter()
    Forecaster(country="CN").fit(hist).predict(dt.date(2026, 4, 1), 28)
    wfm_s = time.perf_counter() - t0
    sf_s = np.nan
    cached = WORK / "speed_sf.json"
    if REUSE_SF and cached.exists():
        sf_s = json.loads(cached.read_text())["seconds"]
    elif SF_PY.exists():
        g = hist.rename(columns={"queue": "unique_id", "interval_start": "ds", "offered": "y"})[["unique_id", "ds", "y"]]
        g.to_csv(WORK / "speed_train.csv", index=False)
        done = run_sf([{"train": str(WORK / "speed_train.csv"), "out": str(WORK / "speed_sf.csv"), "h_days": 28,
                        "slots": 96, "n_jobs": 2}])
        sf_s = next(iter(done.values()), np.nan)
        cached.write_text(json.dumps({"seconds": sf_s}))
    return {"rows": len(hist), "queues": hist["queue"].nunique(), "wfm_s": wfm_s, "statsforecast_s": sf_s}


def markdown(acc: pd.DataFrame, sp: dict) -> str:
    lines = ["## Forecast (issue 4)", "",
             f"`benchmarks/bench_forecast.py`, {dt.date.today()}, {platform.python_version()}, 2 cores. Rolling origin: "
             f"{FOLDS} origins {STEP} days apart (the last one ending with the history), WAPE of 30-minute totals pooled "
             "over queues and folds (missing days not scored). statsforecast 'autoets' = AutoETS(season 7) on daily totals "
             "x last-4-weeks weekday profile; 'mstl' = MSTL(48, 336) with AutoETS trend on the 30-minute series (gaps filled "
             "from the week before).", "",
             "| dataset | horizon | wfm | seasonal-naive | mean of 4 weekdays | sf AutoETS | sf MSTL | wfm vs best baseline | wfm 80% coverage | Poisson floor |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in acc.itertuples(index=False):
        best = min(r.seasonal_naive, r.weekday_mean4)
        f = lambda v: "n/a" if v != v else f"{v:.1%}"  # noqa: E731
        lines.append(f"| {r.dataset} | {r.horizon_days} d | **{f(r.wfm)}** | {f(r.seasonal_naive)} | {f(r.weekday_mean4)} | "
                     f"{f(r.autoets)} | {f(r.mstl)} | {r.wfm / best - 1:+.0%} | {f(r.wfm_coverage80)} | {f(r.poisson_floor)} |")
    lines.append("")
    for r in acc.itertuples(index=False):
        best = min(r.seasonal_naive, r.weekday_mean4)
        peers = np.nanmin([r.autoets, r.mstl])
        ok = r.wfm <= 0.85 * best and not (r.wfm > peers)
        if not ok:
            why = ""
            if r.poisson_floor == r.poisson_floor:
                why = (f" Poisson noise alone leaves {r.poisson_floor:.1%} WAPE for a forecast equal to the true rate; "
                       f"wfm is {100 * (r.wfm - r.poisson_floor):.1f} points above that, the best baseline "
                       f"{100 * (best - r.poisson_floor):.1f}.")
            lines.append(f"- Target missed: {r.dataset}, {r.horizon_days} d: wfm {r.wfm / best - 1:+.0%} against the "
                         f"better baseline (target -15%), {'better' if r.wfm <= peers else 'worse'} than statsforecast.{why}")
    lines += ["- Coverage is the share of actual interval counts (native interval, intervals with calls forecast or "
              "seen) inside the 80% interval.", "", f"Speed: fit + predict 28 days, {sp['queues']} queues x 2 years of 15-minute history ({sp['rows']:,} rows): "
              f"wfm {sp['wfm_s']:.1f} s (2 local processes); statsforecast AutoETS-daily + MSTL on the same series "
              f"{sp['statsforecast_s']:.1f} s (n_jobs=2, import excluded)."]
    return "\n".join(lines)


if __name__ == "__main__":
    acc = accuracy()
    sp = speed()
    print(acc.to_string())
    print(sp)
    update_section("forecast", markdown(acc, sp))
    print(f"wrote {RESULTS}")
