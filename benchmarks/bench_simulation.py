"""Benchmark: one replication of the roster simulation over 4 weeks, ~150 agents, ~200,000 calls.

    .venv/bin/python benchmarks/bench_simulation.py [--days 28] [--calls 200000] [--repeat 3] [--libs] [--no-write]

Inputs: the embedded sample hotline (150 agents, 6 queues, 1-3 skills each), a profile forecast from its
history scaled to about `--calls` calls over the period, and a greedy synthetic roster long table
(`benchmarks/synthetic_roster.py`; the roster engine's output can replace it). Times building the engine's
arrays from the long table, one replication of the event loop (best of `--repeat`) and the whole
`simulate_roster` with one replication (build + run + per-interval, per-day and period tables). Prints a
table and replaces the simulation section of benchmarks/RESULTS.md.

With `--libs`, also runs one M/M/N+M queue (Erlang A) in wfm, SimPy and Ciw for the same number of calls and
compares time and results with the exact formula; SimPy and Ciw run in their own venv, created on first use at
benchmarks/_work/simpy-venv.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from wfm.sample import build_sample  # noqa: E402
from wfm.simulation import run  # noqa: E402
from wfm.simulation.roster_sim import build_scenario, simulate_roster  # noqa: E402
from benchmarks.synthetic_roster import greedy_roster, profile_forecast  # noqa: E402

sys.path.insert(0, str(HERE))
from results import RESULTS, update_section  # noqa: E402

VENV = HERE / "_work" / "simpy-venv"
# one queue for the library comparison: calls per 15 min, AHT, agents, patience, answer time
LIB_CASE = dict(calls=200.0, aht=300.0, agents=62, patience=120.0, answer=20.0, interval=900.0)

LIB_SCRIPT = r"""
import json, sys, time, random
case = json.loads(sys.argv[1]); horizon = float(sys.argv[2]); warm = float(sys.argv[3])
lam = case["calls"] / case["interval"]; mu = 1.0 / case["aht"]; theta = 1.0 / case["patience"]
out = {}

import simpy
def simpy_run(seed):
    rnd = random.Random(seed)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=case["agents"])
    stats = [0, 0, 0, 0.0]  # calls, in time, abandoned, wait of answered
    def caller(env):
        t0 = env.now
        with agents.request() as req:
            res = yield req | env.timeout(rnd.expovariate(theta))
            measured = t0 >= warm
            if measured:
                stats[0] += 1
            if req in res:
                w = env.now - t0
                if measured:
                    stats[1] += w <= case["answer"]
                    stats[3] += w
                yield env.timeout(rnd.expovariate(mu))
            elif measured:
                stats[2] += 1
    def source(env):
        while True:
            yield env.timeout(rnd.expovariate(lam))
            env.process(caller(env))
    env.process(source(env))
    t = time.perf_counter()
    env.run(until=horizon)
    el = time.perf_counter() - t
    n, it, ab, w = stats
    return {"time": el, "calls": n, "sl": it / n, "abandon": ab / n, "asa": w / (n - ab)}
out["simpy"] = simpy_run(1)

import ciw
def ciw_run(seed):
    ciw.seed(seed)
    net = ciw.create_network(arrival_distributions=[ciw.dists.Exponential(lam)],
                             service_distributions=[ciw.dists.Exponential(mu)],
                             number_of_servers=[case["agents"]],
                             reneging_time_distributions=[ciw.dists.Exponential(theta)])
    sim = ciw.Simulation(net)
    t = time.perf_counter()
    sim.simulate_until_max_time(horizon)
    el = time.perf_counter() - t
    recs = [r for r in sim.get_all_records() if r.arrival_date >= warm]
    served = [r for r in recs if r.record_type == "service"]
    reneged = [r for r in recs if r.record_type == "renege"]
    n = len(served) + len(reneged)
    return {"time": el, "calls": n, "sl": sum(r.waiting_time <= case["answer"] for r in served) / n,
            "abandon": len(reneged) / n, "asa": sum(r.waiting_time for r in served) / len(served)}
out["ciw"] = ciw_run(1)
json.dump(out, sys.stdout)
"""
PERIOD_START = dt.date(2026, 3, 2)


def libs_compare(n_calls: float) -> list[tuple[str, str, str, str, str, str]]:
    """Rows (engine, calls, time, SL, abandonment, ASA) for one M/M/N+M queue in wfm, SimPy and Ciw."""
    import json
    import subprocess

    from wfm import staffing as S
    from wfm.simulation import single_queue

    c = LIB_CASE
    intervals = int(round(n_calls / c["calls"]))
    warm = 20
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "simpy", "ciw"], check=True)
    t0 = time.perf_counter()
    r = single_queue(c["calls"], c["aht"], c["agents"], interval_s=c["interval"], intervals=intervals,
                     answer_time_s=c["answer"], patience_s=c["patience"], warmup=warm, seed=1)
    t_wfm = time.perf_counter() - t0
    kw = dict(interval_s=c["interval"], patience_s=c["patience"])
    exact = (float(S.service_level(c["calls"], c["aht"], c["agents"], answer_time_s=c["answer"], **kw)),
             float(S.abandon_probability(c["calls"], c["aht"], c["agents"], **kw)),
             float(S.asa(c["calls"], c["aht"], c["agents"], **kw)))
    horizon = (warm + intervals) * c["interval"]
    res = subprocess.run([str(VENV / "bin" / "python"), "-c", LIB_SCRIPT, json.dumps(c), str(horizon),
                          str(warm * c["interval"])], capture_output=True, text=True, check=True)
    other = json.loads(res.stdout)
    rows = [("exact Erlang A (wfm.staffing)", "", "", f"{exact[0]:.4f}", f"{exact[1]:.4f}", f"{exact[2]:.2f}"),
            ("wfm single_queue", f"{r['calls']:,.0f}", f"{t_wfm:.2f} s",
             f"{r['service_level']:.4f} ±{r['service_level_hw']:.4f}",
             f"{r['abandon_rate']:.4f} ±{r['abandon_rate_hw']:.4f}", f"{r['asa_s']:.2f} ±{r['asa_s_hw']:.2f}")]
    for name in ("simpy", "ciw"):
        o = other[name]
        rows.append((f"{name} {'4.1' if name == 'simpy' else '3.2'}", f"{o['calls']:,}", f"{o['time']:.2f} s",
                     f"{o['sl']:.4f}", f"{o['abandon']:.4f}", f"{o['asa']:.2f}"))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--calls", type=float, default=200_000, help="target expected calls over the period")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--libs", action="store_true", help="also compare one queue with SimPy and Ciw")
    ap.add_argument("--lib-calls", type=float, default=100_000, help="calls in the library comparison")
    ap.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = ap.parse_args()

    t0 = time.perf_counter()
    s = build_sample(PERIOD_START, days=args.days)
    fc = profile_forecast(s.history, PERIOD_START, args.days)
    fc["calls"] *= args.calls / fc["calls"].sum()
    roster = greedy_roster(fc, s.agents, s.config, PERIOD_START, args.days)
    t_inputs = time.perf_counter() - t0

    t0 = time.perf_counter()
    sc, grid = build_scenario(roster, fc, s.config, s.agents)
    t_build = time.perf_counter() - t0

    runs, n_calls = [], 0
    for r in range(args.repeat):
        t0 = time.perf_counter()
        tot, _ = run(sc, np.random.default_rng([0, r]))
        runs.append(time.perf_counter() - t0)
        n_calls = int(tot.calls.sum())
    t0 = time.perf_counter()
    sim = simulate_roster(roster, fc, s.agents, s.config, replications=1, seed=0)
    t_full = time.perf_counter() - t0

    agents = roster["agent_id"].nunique()
    period = sim.period.set_index("queue")
    rows = [
        ("inputs: sample, profile forecast, greedy roster (not timed against the target)", f"{t_inputs:.2f} s", ""),
        ("build engine arrays from the long table", f"{t_build:.2f} s", f"{len(roster):,} roster rows"),
        ("one replication, event loop + aggregation", f"{min(runs):.2f} s",
         "best of " + ", ".join(f"{x:.2f}" for x in runs)),
        ("simulate_roster, 1 replication (build + run + tables)", f"{t_full:.2f} s", "target < 20 s"),
    ]
    head = (f"Workload: sample hotline, {args.days} days from {PERIOD_START}, {agents} rostered agents "
            f"(6 queues, 1-3 skills), {n_calls:,} simulated calls in one replication "
            f"(forecast {fc['calls'].sum():,.0f}), 15-minute intervals, exponential handle times, Erlang A "
            f"patience per queue, routing assigned_first. Period SL all queues "
            f"{period.loc['all', 'service_level']:.3f}, "
            f"abandonment {period.loc['all', 'abandon_rate']:.3f}, occupancy {period.loc['all', 'occupancy']:.3f}.")
    table = ["| what | time | note |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    parts = ["## Simulation (`benchmarks/bench_simulation.py`)", "", head, "", *table, ""]
    if args.libs:
        c = LIB_CASE
        lib = libs_compare(args.lib_calls)
        parts += [f"One queue, M/M/N+M: {c['calls']:g} calls per {c['interval'] / 60:g} min, AHT {c['aht']:g} s, "
                  f"{c['agents']} agents, mean patience {c['patience']:g} s, SL within {c['answer']:g} s; about "
                  f"{args.lib_calls:,.0f} calls after a 5-hour warm-up, one run each (wfm: 95% batch-means "
                  "half-widths; its time includes drawing the calls and the statistics, SimPy's and Ciw's only the "
                  "run).", "", "| engine | calls | time | SL | abandonment | ASA s |", "|---|---|---|---|---|---|"]
        parts += [f"| {' | '.join(row)} |" for row in lib] + [""]
    load = os.getloadavg()
    machine = (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
               f"numpy {np.__version__}; load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} "
               f"(1/5/15 min) at the end of the run; {dt.date.today()}.")
    text = "\n".join([*parts, machine, ""])
    print(text)
    if not args.no_write:
        update_section("simulation", text)
        print(f"wrote the simulation section of {RESULTS}")


if __name__ == "__main__":
    main()
