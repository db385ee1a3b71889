"""Benchmark: the roster engine on the sample hotline, 1 week and 4 weeks (15-minute intervals, 6 queues).

    .venv/bin/python benchmarks/bench_roster.py [--weeks 1 4] [--limit1 45] [--limit4 240]

For each horizon: builds the sample hotline, forecasts and staffs it as `wfm demo` does, rosters it with
the given time limit, and checks the roster with the independent checker. Reports wall time, hard-rule
violations, under- and over-staffed agent-intervals (% of required heads), the lower bound on under-staffing
(`wfm.roster.lower_bound`) and the gap. Replaces the roster section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

START = dt.date(2026, 12, 7)


def requirements_for(days: int):
    from wfm.forecast import Forecaster
    from wfm.sample import build_sample
    from wfm.staffing import staff

    sample = build_sample(START, days=days)
    cfg = sample.config
    cal = cfg.calendar
    f = Forecaster(cfg.centre.country, cal.special_days, cal.extra_holidays, cal.extra_workdays,
                   interval_minutes=cfg.centre.interval_minutes,
                   default_aht_s={q: c.default_aht_s for q, c in cfg.queues.items()}).fit(sample.history)
    forecast = f.predict(START, days)
    req = staff(forecast, cfg.queues, interval_s=cfg.centre.interval_s, shrinkage=cfg.shrinkage.unplaced)
    return sample, req


def run(weeks: int, limit: float) -> dict:
    from wfm.roster import build_roster

    days = 7 * weeks
    sample, req = requirements_for(days)
    t0 = time.perf_counter()
    r = build_roster(req, sample.agents, sample.config, START, days, time_limit_s=limit,
                     progress=lambda i: print({k: round(v, 3) if isinstance(v, float) else v for k, v in i.items()},
                                              file=sys.stderr))
    wall = time.perf_counter() - t0
    t = r.report.totals
    return {"weeks": weeks, "agents": len(sample.agents), "limit": limit, "wall": wall,
            "violations": len(r.report.violations), "under": t["under_pct"], "over": t["over_pct"],
            "lb": r.stats["under_lower_bound_pct"], "gap": t["under_pct"] - r.stats["under_lower_bound_pct"],
            "status": r.stats["phase1_status"], "pref": f"{r.stats['preferences_met']}/{r.stats['preferences_total']}"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--weeks", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--limit1", type=float, default=45.0)
    ap.add_argument("--limit4", type=float, default=240.0)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    rows = []
    for w in args.weeks:
        rows.append(run(w, args.limit1 if w == 1 else args.limit4))
        print(rows[-1])
    lines = ["## Roster (CP-SAT shift assignment + break/queue placement, independent checker)", "",
             "Sample hotline, 15-minute intervals, 6 queues, requirements = `heads` per interval and queue. Under / "
             "over = under- and over-staffed agent-intervals as % of required; lower bound = "
             "`wfm.roster.lower_bound` (interval-wise and period-wise skill-set relaxations); gap = under - bound "
             "(percentage points). `python benchmarks/bench_roster.py`.", "",
             "| weeks | agents | time limit s | wall s | solver | violations | under % | over % | lower bound % "
             "| gap pts | preferences met |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['weeks']} | {r['agents']} | {r['limit']:.0f} | {r['wall']:.0f} | {r['status']} | "
                     f"{r['violations']} | {r['under']:.2f} | {r['over']:.1f} | {r['lb']:.2f} | {r['gap']:.2f} | "
                     f"{r['pref']} |")
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    lines += ["", f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
                  f"load average {load[0]:.2f} at the end; {dt.date.today()}."]
    print("\n".join(lines))
    if not args.no_write:
        from results import update_section

        update_section("roster", "\n".join(lines))


if __name__ == "__main__":
    main()
