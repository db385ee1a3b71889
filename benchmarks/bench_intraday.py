"""Benchmark: intraday replay with a surge (issue 17). Plain script; prints a table and writes the intraday
section of benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/bench_intraday.py [--time-limit 45] [--replications 10] [--no-write]

The sample hotline as `wfm demo` builds it is forecast and rostered for a week. On its Tuesday the true
arrivals are the forecast with faults +60% from 10:00 for 3 hours; an actuals feed is drawn from them (Poisson,
seed 1). From 08:00 to 21:30 every 30 minutes `wfm intraday`'s stages run on the feed so far (re-forecast,
re-plan of the roster as last re-planned) and each re-plan is timed (the checker's run too). The day is then
simulated against the true arrivals with the static roster and with the re-planned one (same seed: the same
callers, handle times and patience; routing and absences as in `wfm simulate`), and, for the service level the
surge cost, the static roster against the forecast without the surge. The scale case times one re-plan of a
floor of five copies of the sample's agents against five times its calls.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import pickle
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.results import update_section  # noqa: E402

START = dt.date(2026, 12, 7)  # a Monday
DAY = START + dt.timedelta(days=1)
SURGE_QUEUE, SURGE_FROM, SURGE_HOURS, SURGE = "faults", 10, 3, 1.6


def surged(fc: pd.DataFrame) -> pd.DataFrame:
    out = fc.copy()
    ts = out["interval_start"]
    hot = (out["queue"] == SURGE_QUEUE) & (ts >= pd.Timestamp(DAY) + pd.Timedelta(hours=SURGE_FROM)) & (
        ts < pd.Timestamp(DAY) + pd.Timedelta(hours=SURGE_FROM + SURGE_HOURS))
    out.loc[hot, "calls"] *= SURGE
    return out


def day_sl(roster, fc, agents, cfg, reps: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulated service level per queue on DAY (the day before simulated too, for its night shift), and the surged
    queue's calls and calls answered in time per interval."""
    from wfm.simulation.roster_sim import simulate_roster

    dates = pd.to_datetime(roster["date"]).dt.date
    part = roster[(dates >= DAY - dt.timedelta(days=1)) & (dates <= DAY)]
    f = fc[(fc["interval_start"] >= pd.Timestamp(DAY - dt.timedelta(days=1)))
           & (fc["interval_start"] < pd.Timestamp(DAY + dt.timedelta(days=1)))]
    sim = simulate_roster(part, f, agents, cfg, replications=reps, seed=0, absence=cfg.shrinkage.unplaced)
    iv = sim.intervals
    iv = iv[pd.to_datetime(iv["interval_start"]).dt.date == DAY]
    iv = iv.assign(in_time=iv["service_level"].fillna(0) * iv["calls"],
                   surge=pd.to_datetime(iv["interval_start"]).dt.hour.between(SURGE_FROM, SURGE_FROM + SURGE_HOURS
                                                                               - 1))
    day = iv.groupby("queue")[["in_time", "calls"]].sum()
    win = iv[iv["surge"]].groupby("queue")[["in_time", "calls"]].sum()
    table = pd.DataFrame({"day": day["in_time"] / day["calls"], "window": win["in_time"] / win["calls"]})
    return table, iv[iv["queue"] == SURGE_QUEUE].groupby("interval_start")[["in_time", "calls"]].sum()


def loss_split(no_surge: pd.DataFrame, static: pd.DataFrame, after: pd.DataFrame, seen: pd.Timestamp | None
               ) -> str:
    """Where the surged queue's calls answered in time were lost (no-surge service level per interval on the
    surged calls, less the static plan's) and how much of each part the re-plans won back, in points of the day's
    service level: before the surge was first seen (nothing could react yet), from then to its end, after it."""
    ts = pd.to_datetime(static.index)
    lost = (no_surge["in_time"] / no_surge["calls"].where(no_surge["calls"] > 0)).fillna(0) * static["calls"] \
        - static["in_time"]
    won = after["in_time"] - static["in_time"]
    end = pd.Timestamp(DAY) + pd.Timedelta(hours=SURGE_FROM + SURGE_HOURS)
    seen = seen if seen is not None else end
    parts = {f"before it was seen (to {seen:%H:%M})": ts < seen,
             f"{seen:%H:%M}-{end:%H:%M}": (ts >= seen) & (ts < end), "after it": ts >= end}
    pts = 100 / static["calls"].sum()
    return "; ".join(f"{name} {pts * lost[m].sum():.1f} lost, {pts * won[m].sum():+.1f} won back"
                     for name, m in parts.items())


def replay(roster, fc, truth, agents, cfg):
    """Run the intraday stages every 30 minutes; the roster as re-planned, the timings, the changes."""
    from wfm.intraday import reforecast, replan
    from wfm.roster.checker import check

    rng = np.random.default_rng(1)
    today = truth[truth["interval_start"].dt.date == DAY]
    feed = today.assign(offered=rng.poisson(today["calls"].to_numpy()))[["interval_start", "queue", "offered"]]
    times, checks, changes, surges = [], [], {}, []
    current = roster
    for minutes in range(8 * 60, 22 * 60, 30):
        cutoff = pd.Timestamp(DAY) + pd.Timedelta(minutes=minutes)
        t0 = time.perf_counter()
        rf = reforecast(fc, feed[feed["interval_start"] < cutoff], cutoff)
        plan = replan(current, rf.intervals, agents, cfg, cutoff)
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        report = check(plan.roster, agents, cfg, start=START, days=7)
        checks.append((time.perf_counter() - t0, len(report.violations)))
        for kind, n in plan.changes["change"].value_counts().items():
            changes[kind] = changes.get(kind, 0) + int(n)
        q = rf.queues.set_index("queue").loc[SURGE_QUEUE]
        if q["surge"]:
            surges.append(f"{cutoff:%H:%M}")
        current = plan.roster
    return current, times, checks, changes, surges


def scale_case(roster, fc, agents, cfg, copies: int = 5) -> tuple[int, float]:
    """One re-plan at 11:00 of `copies` copies of the floor against `copies` times the calls."""
    from wfm.intraday import reforecast, replan

    big = pd.concat([roster.assign(agent_id=roster["agent_id"] + f"~{k}") for k in range(copies)], ignore_index=True)
    many = [dataclasses.replace(a, agent_id=f"{a.agent_id}~{k}") for k in range(copies) for a in agents]
    f = fc.assign(calls=fc["calls"] * copies)
    cutoff = pd.Timestamp(DAY) + pd.Timedelta(hours=11)
    rng = np.random.default_rng(1)
    t = surged(f)
    t = t[(t["interval_start"] >= pd.Timestamp(DAY)) & (t["interval_start"] < cutoff)]
    feed = t.assign(offered=rng.poisson(t["calls"].to_numpy()))
    t0 = time.perf_counter()
    rf = reforecast(f, feed, cutoff)
    replan(big, rf.intervals, many, cfg, cutoff)
    return len(many), time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=45.0)
    ap.add_argument("--replications", type=int, default=10)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--cache", type=Path,
                    help="Keep the built sample, forecast and roster in this pickle (CP-SAT under a time limit on a "
                         "loaded machine may not give the same roster twice)")
    args = ap.parse_args()
    from wfm.forecast import Forecaster
    from wfm.roster import build_roster
    from wfm.sample import build_sample
    from wfm.staffing import staff

    if args.cache is not None and args.cache.exists():
        s, fc, res = pickle.loads(args.cache.read_bytes())
    else:
        s = build_sample(START, days=7)
        fc = Forecaster(interval_minutes=s.config.centre.interval_minutes).fit(s.history).predict(START, 7)
        req = staff(fc, s.config.queues, interval_s=s.config.centre.interval_s, shrinkage=s.config.shrinkage.unplaced)
        res = build_roster(req, s.agents, s.config, START, 7, time_limit_s=args.time_limit)
        if args.cache is not None:
            args.cache.write_bytes(pickle.dumps((s, fc, res)))
    cfg = s.config
    agents = res.agents
    truth = surged(fc)
    replanned, times, checks, n_changes, surges = replay(res.data, fc, truth, agents, cfg)
    n_agents = res.data.loc[pd.to_datetime(res.data["date"]).dt.date == DAY, "agent_id"].nunique()
    no_surge, ns_iv = day_sl(res.data, fc, agents, cfg, args.replications)
    static, static_iv = day_sl(res.data, truth, agents, cfg, args.replications)
    after, after_iv = day_sl(replanned, truth, agents, cfg, args.replications)
    seen = pd.Timestamp(f"{DAY} {surges[0]}") if surges else None
    step_h = cfg.centre.interval_minutes / 60
    overtime_h = (len(replanned) - len(res.data)) * step_h  # offers only add intervals
    big_agents, big_s = scale_case(res.data, fc, agents, cfg)
    targets = {q: c.sl_target for q, c in cfg.queues.items()}
    loss = no_surge.loc[SURGE_QUEUE, "day"] - static.loc[SURGE_QUEUE, "day"]
    gain = after.loc[SURGE_QUEUE, "day"] - static.loc[SURGE_QUEUE, "day"]
    recovered = gain / loss if loss > 0 else float("nan")
    others_ok = all(after.loc[q, "day"] >= min(targets[q], static.loc[q, "day"])
                    for q in targets if q != SURGE_QUEUE and q in after.index)
    rules_ok = all(v == 0 for _, v in checks)
    lines = [f"Sample hotline, roster week from {START} ({len(s.agents)} agents, {n_agents} working on {DAY}); "
             f"true arrivals: {SURGE_QUEUE} x{SURGE} from {SURGE_FROM}:00 for {SURGE_HOURS} h; intraday every 30 min "
             f"08:00-21:30 ({len(times)} runs; changes: "
             f"{', '.join(f'{n} {k}' for k, n in sorted(n_changes.items())) or 'none'}; {overtime_h:g} h of "
             f"overtime in all); simulated "
             f"{args.replications} replications, "
             f"seed 0, same callers for every plan; load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.", "",
             "| queue | target | no surge, static | surge, static | surge, re-planned | in 10:00-13:00 static -> "
             "re-planned |", "|---|---:|---:|---:|---:|---:|"]
    for q in cfg.queues:
        if q not in after.index:
            continue
        lines.append(f"| {q} | {targets[q]:.0%} | {no_surge.loc[q, 'day']:.1%} | {static.loc[q, 'day']:.1%} | "
                     f"{after.loc[q, 'day']:.1%} | {static.loc[q, 'window']:.1%} -> {after.loc[q, 'window']:.1%} |")
    lines += ["", f"- SL lost to the surge on {SURGE_QUEUE} (day): {100 * loss:.1f} pts; recovered by re-planning: "
                  f"{100 * gain:.1f} pts = {recovered:.0%} (target >= 50%): {'met' if recovered >= 0.5 else 'NOT met'}",
              f"- other queues at or above min(target, static): {'yes' if others_ok else 'NO'}",
              f"- checker on every re-planned roster: {'0 violations' if rules_ok else 'VIOLATIONS'} "
              f"(checker {np.mean([c for c, _ in checks]):.1f} s a run)",
              f"- surge detected at: {', '.join(surges) or 'never'}",
              f"- where {SURGE_QUEUE} lost and won, in points of its day's service level: "
              f"{loss_split(ns_iv, static_iv, after_iv, seen)}",
              f"- re-plan time (re-forecast + re-plan) for {n_agents} agents on the day: mean {np.mean(times):.2f} s, "
              f"max {max(times):.2f} s (target < 10 s); {big_agents} agents (5 copies of the floor, 5x calls): "
              f"{big_s:.2f} s (target < 60 s)"]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        update_section("intraday", "## Intraday re-planning (bench_intraday.py)\n\n" + body)


if __name__ == "__main__":
    main()
