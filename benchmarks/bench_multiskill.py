"""Benchmark: multi-skill staffing (issue 14). Plain script; prints a table and writes the multi-skill section
of benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/bench_multiskill.py [--time-limit 60] [--no-write]

Cases:
- demo week: the sample hotline as `wfm demo` builds it (forecast, per-queue requirements, agents sized on the
  pooled need of their skill mix), rostered with calls routed by skill, then simulated 10 replications (seed 0,
  priority routing, absences drawn at the unplaced shrinkage). Reports on-phone agent-hours three ways (each
  queue alone, the floor's skill sets, one pool), per queue simulated service level with its 95% interval,
  answer rate, and the daytime (09:00-21:00) occupancy of the agents on the phone.
- by hand: the demo week with `queue_assignment = "by_hand"`: queue switches per agent-shift in the Detail sheet
  (target: median at most 1).
- scale: a generated centre of 20 queues and 8 skill sets, 4 weeks of 15-minute intervals: time to compute the
  pooled requirements of every set of queues and the agents per skill set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.results import update_section  # noqa: E402

START = dt.date(2026, 11, 30)


def demo_inputs():
    """The demo week's sample hotline, its forecast and its per-queue requirements."""
    from wfm.forecast import Forecaster
    from wfm.sample import build_sample
    from wfm.staffing import staff

    s = build_sample(START, days=7)
    fc = Forecaster().fit(s.history).predict(START, 7)
    req = staff(fc, s.config.queues, interval_s=s.config.centre.interval_s, shrinkage=s.config.shrinkage.unplaced)
    return s, fc, req


def demo_week(limit: float, inputs) -> tuple[str, dict]:
    from wfm.multiskill import agent_hours, pool_name, pooled_requirements, queue_sets, skill_group_requirements
    from wfm.roster import build_roster
    from wfm.simulation.roster_sim import simulate_roster

    s, fc, req = inputs
    cfg = s.config
    queues = list(cfg.queues)
    held = [[q for q in queues if q in a.skills] for a in s.agents]
    t0 = time.perf_counter()
    sets = queue_sets(queues, held)
    pooled = pooled_requirements(req, cfg.queues, sets, interval_s=cfg.centre.interval_s,
                                 shrinkage=cfg.shrinkage.unplaced)
    groups = skill_group_requirements(pooled, [pool_name(h) for h in held if h])
    hours = agent_hours(req, pooled, groups, cfg.queues, interval_s=cfg.centre.interval_s)
    staff_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = build_roster(req, s.agents, cfg, START, 7, time_limit_s=limit)
    roster_s = time.perf_counter() - t0
    sim = simulate_roster(res.data, fc, s.agents, cfg, replications=10, seed=0, absence=cfg.shrinkage.unplaced)
    # occupancy as an ACD counts it: handle time over logged-in time, summed over the day's intervals and queues
    hour = pd.to_datetime(sim.grid.starts).hour
    day = (hour >= 9) & (hour < 21)
    busy = (sum(float(t.busy_s[day].sum()) for t in sim.replications)
            / max(sum(float(t.staffed_s[day].sum()) for t in sim.replications), 1.0))
    work = res.data[res.data["activity"] == "work"]
    on_phone_h = len(work) * cfg.centre.interval_minutes / 60 * (1 - cfg.shrinkage.unplaced)
    lines = [f"Demo week ({START}, 7 days, {len(s.agents)} agents, {len(sets)} sets of queues, roster limit "
             f"{limit:g} s, roster {roster_s:.0f} s, pooled staffing {staff_s:.1f} s, load "
             f"{os.getloadavg()[0]:.1f}):", "",
             "| staffed as | on-phone agent-hours | vs each queue alone |", "|---|---:|---:|"]
    for key, label in (("per_queue", "each queue alone (per-queue Erlang summed)"),
                       ("skill_mix", "the floor's skill sets, routed by skill (LP)"),
                       ("single_pool", "one pool with every skill")):
        lines.append(f"| {label} | {hours[key]:,.0f} | {100 * (hours[key] / hours['per_queue'] - 1):+.1f}% |")
    lines.append(f"| rostered on the phone, less absences drawn at {cfg.shrinkage.unplaced:.0%} | {on_phone_h:,.0f} | "
                 f"{100 * (on_phone_h / hours['per_queue'] - 1):+.1f}% |")
    lines += ["", "| queue | target | simulated SL | 95% interval | answer rate | abandon | met (low end >= target - 1 pt) |",
              "|---|---:|---:|---:|---:|---:|---|"]
    met_all = True
    for r in sim.period.itertuples(index=False):
        if r.queue == "all":
            continue
        q = cfg.queues[r.queue]
        lo = r.service_level - r.service_level_hw
        met = lo >= q.sl_target - 0.01
        if q.answer_rate_target is not None:
            met &= (1 - r.abandon_rate + r.abandon_rate_hw) >= q.answer_rate_target - 0.01
        met_all &= met
        lines.append(f"| {r.queue} | {q.sl_target:.0%}/{q.answer_time_s:g}s"
                     + (f", answer {q.answer_rate_target:.0%}" if q.answer_rate_target else "")
                     + f" | {r.service_level:.1%} | {lo:.1%}-{r.service_level + r.service_level_hw:.1%} | "
                     f"{1 - r.abandon_rate:.1%} | {r.abandon_rate:.1%} | {'yes' if met else 'NO'} |")
    lines += ["", f"Daytime (09:00-21:00) occupancy of agents on the phone: {busy:.1%}. "
              f"Checker: {len(res.report.violations)} hard-rule violation(s)."]
    return "\n".join(lines), {"met": met_all, "occupancy": busy, **hours}


def by_hand_switches(limit: float, inputs) -> str:
    """Queue switches per agent-shift in the Detail sheet when team leaders assign queues by hand."""
    import dataclasses

    from wfm.roster import build_roster

    s, _, req = inputs
    cfg = dataclasses.replace(s.config, centre=dataclasses.replace(s.config.centre, queue_assignment="by_hand"))
    res = build_roster(req, s.agents, cfg, START, 7, time_limit_s=limit)
    work = res.data[res.data["activity"] == "work"].sort_values(["agent_id", "interval_start"])
    switches = np.array([int((g["queue"].to_numpy()[1:] != g["queue"].to_numpy()[:-1]).sum())
                         for _, g in work.groupby(["agent_id", "date"])])
    return (f"By hand (`queue_assignment = \"by_hand\"`, demo week, {len(switches)} agent-shifts): queue switches "
            f"per agent-shift median {np.median(switches):g}, mean {switches.mean():.2f}, max {switches.max()}; "
            f"{(switches == 0).mean():.0%} of shifts on one queue throughout (target: median at most 1).")


def scale_case(n_queues: int = 20, n_sets: int = 8, days: int = 28, seed: int = 0) -> str:
    from types import SimpleNamespace

    from wfm.multiskill import agent_hours, pool_name, pooled_requirements, queue_sets, skill_group_requirements
    from wfm.staffing import staff

    rng = np.random.default_rng(seed)
    names = [f"q{i:02d}" for i in range(n_queues)]
    queues = {n: SimpleNamespace(name=n, sl_target=float(rng.choice([0.8, 0.85, 0.9])), answer_time_s=20.0,
                                 asa_target_s=None, max_occupancy=0.88, patience_s=float(rng.choice([90, 150])),
                                 priority=int(rng.integers(1, 5)), min_agents=0, answer_rate_target=None,
                                 max_abandon_rate=None) for n in names}
    ts = pd.date_range("2026-12-07", periods=days * 96, freq="15min")
    hour = ts.hour + ts.minute / 60
    shape = np.clip(np.sin((hour - 7) / 15 * np.pi), 0.05, None)
    frames = []
    for n in names:
        frames.append(pd.DataFrame({"interval_start": ts, "queue": n,
                                    "calls": rng.uniform(5, 120) * shape * rng.uniform(0.9, 1.1, len(ts)),
                                    "aht_s": rng.uniform(180, 480)}))
    fc = pd.concat(frames, ignore_index=True)
    t0 = time.perf_counter()
    req = staff(fc, queues, interval_s=900, shrinkage=0.12)
    t_staff = time.perf_counter() - t0
    skill_sets = [sorted(rng.choice(names, size=int(rng.integers(2, 6)), replace=False)) for _ in range(n_sets)]
    skill_sets += [[n] for n in names]  # specialists for every queue
    t0 = time.perf_counter()
    sets = queue_sets(names, skill_sets)
    pooled = pooled_requirements(req, queues, sets, interval_s=900, shrinkage=0.12)
    t_pool = time.perf_counter() - t0
    t0 = time.perf_counter()
    groups = skill_group_requirements(pooled, [pool_name(s) for s in skill_sets])
    t_lp = time.perf_counter() - t0
    hours = agent_hours(req, pooled, groups, queues, interval_s=900)
    return (f"Scale: {n_queues} queues, {n_sets} multi-skill sets plus a specialist per queue, {days} days of "
            f"15-minute intervals ({len(ts):,} intervals): per-queue Erlang {t_staff:.1f} s; {len(sets)} sets of "
            f"queues, pooled requirements {t_pool:.1f} s; agents per skill set (LP per interval) {t_lp:.1f} s; total "
            f"{t_staff + t_pool + t_lp:.1f} s (target under 60 s on 2 cores). On-phone hours: each queue alone "
            f"{hours['per_queue']:,.0f}, skill sets {hours['skill_mix']:,.0f} "
            f"({100 * (hours['skill_mix'] / hours['per_queue'] - 1):+.1f}%), one pool {hours['single_pool']:,.0f}.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    scale = scale_case()
    print(scale)
    inputs = demo_inputs()
    demo, _ = demo_week(args.time_limit, inputs)
    print(demo)
    by_hand = by_hand_switches(args.time_limit, inputs)
    print(by_hand)
    if not args.no_write:
        update_section("Multi-skill staffing", demo + "\n\n" + by_hand + "\n\n" + scale + "\n")


if __name__ == "__main__":
    main()
