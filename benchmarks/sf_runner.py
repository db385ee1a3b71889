"""Runs statsforecast on prepared folds (executed in the separate benchmarks/_work/sf-venv, never a project dep).

Usage: sf_runner.py JOBS.json — each job: {"train": CSV (unique_id, ds, y at 30 min, gaps already filled),
"h_days": N, "out": CSV, "slots": slots per day}. Writes forecasts `unique_id, ds, autoets, mstl` at 30 min:
- autoets: AutoETS (season 7) on daily totals x the mean intraday share of the last 4 same weekdays;
- mstl: MSTL with daily and weekly seasons on the 30-minute series, AutoETS for the trend/remainder.
Prints the seconds spent per job.
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import MSTL, AutoETS


def run(job):
    t0 = time.perf_counter()
    train = pd.read_csv(job["train"], parse_dates=["ds"])
    slots, h_days = job["slots"], job["h_days"]
    out = []
    # (a) daily AutoETS x weekday profile
    train["day"] = train["ds"].dt.floor("D")
    daily = train.groupby(["unique_id", "day"], as_index=False)["y"].sum().rename(columns={"day": "ds"})
    sf = StatsForecast(models=[AutoETS(season_length=7)], freq="D", n_jobs=job.get("n_jobs", 1))
    fd = sf.forecast(df=daily, h=h_days).reset_index()
    for uid, g in train.groupby("unique_id"):
        g = g.sort_values("ds")
        last_days = g["day"].drop_duplicates().iloc[-28:]
        recent = g[g["day"].isin(last_days)]
        shares = recent.assign(wd=recent["ds"].dt.dayofweek, slot=(recent["ds"] - recent["day"]) // pd.Timedelta(minutes=1440 // slots))
        prof = shares.groupby(["wd", "slot"])["y"].sum()
        prof = (prof / prof.groupby(level=0).transform("sum")).fillna(0)
        f = fd[fd["unique_id"] == uid]
        for _, r in f.iterrows():
            wd = r["ds"].dayofweek
            p = prof.loc[wd].reindex(range(slots), fill_value=0).to_numpy() if wd in prof.index.get_level_values(0) else np.full(slots, 1 / slots)
            ts = r["ds"] + pd.to_timedelta(np.arange(slots) * (1440 // slots), unit="m")
            out.append(pd.DataFrame({"unique_id": uid, "ds": ts, "autoets": max(r["AutoETS"], 0) * p}))
    a = pd.concat(out, ignore_index=True)
    # (b) MSTL on the interval series
    sf = StatsForecast(models=[MSTL(season_length=[slots, 7 * slots], trend_forecaster=AutoETS(model="ZZN"))],
                       freq=f"{1440 // slots}min", n_jobs=job.get("n_jobs", 1))
    fm = sf.forecast(df=train[["unique_id", "ds", "y"]], h=h_days * slots).reset_index()
    fm = fm.rename(columns={"MSTL": "mstl"})[["unique_id", "ds", "mstl"]]
    fm["mstl"] = fm["mstl"].clip(lower=0)
    res = a.merge(fm, on=["unique_id", "ds"], how="outer")
    res.to_csv(job["out"], index=False)
    return time.perf_counter() - t0


if __name__ == "__main__":
    jobs = json.load(open(sys.argv[1]))
    for job in jobs:
        print(json.dumps({"out": job["out"], "seconds": run(job)}), flush=True)
