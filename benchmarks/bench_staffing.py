"""Benchmark: required agents for one year of 15-minute intervals for 10 queues (350,400 intervals).

    .venv/bin/python benchmarks/bench_staffing.py [--sample 2000] [--no-pyworkforce]

Times wfm's vectorised Erlang C (best of 3) and Erlang A, and pyworkforce 0.5.1's ErlangC (one Python
call per interval) on a random sample of the non-zero intervals, extrapolated per interval to the whole
workload. pyworkforce runs in its own venv, created on first use at benchmarks/_work/pyworkforce-venv.
Prints a table and replaces the staffing section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from wfm import staffing as S  # noqa: E402
from results import update_section  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

INTERVALS_PER_QUEUE = 365 * 96
QUEUES = 10
INTERVAL_S = 900
SEED = 20261201
VENV = HERE / "_work" / "pyworkforce-venv"
RESULTS = HERE / "RESULTS.md"

# per queue: SL target, answer time (s), occupancy cap (nan = none), patience (s, Erlang A run)
SL = np.array([0.8, 0.8, 0.85, 0.9, 0.8, 0.8, 0.8, 0.85, 0.9, 0.8])
ANSWER = np.array([20, 20, 20, 15, 30, 20, 20, 20, 15, 30], dtype=float)
CAP = np.array([np.nan, 0.85, np.nan, np.nan, 0.9, np.nan, np.nan, 0.85, np.nan, np.nan])
PATIENCE = np.array([60, 120, 180, 300, 90, 60, 120, 180, 300, 90], dtype=float)

PYWF_SCRIPT = r"""
import json, sys, time
from pyworkforce.queuing import ErlangC
rows = json.load(sys.stdin)
out = []
t0 = time.perf_counter()
for calls, aht, answer, sl, cap in rows:
    # pyworkforce takes aht, asa (= the answer time of the SL target) and interval in one time unit
    e = ErlangC(transactions=calls, aht=aht, asa=answer, interval=%d, shrinkage=0.0)
    r = e.required_positions(service_level=sl, max_occupancy=cap)
    out.append(int(r["raw_positions"]))
elapsed = time.perf_counter() - t0
json.dump({"elapsed": elapsed, "agents": out}, sys.stdout)
""" % INTERVAL_S


def workload(seed: int = SEED) -> dict[str, np.ndarray]:
    """350,400 intervals: calls uniform on 1..2000 with 10% set to zero, AHT 180-420 s, 10 queues' targets."""
    rng = np.random.default_rng(seed)
    n = INTERVALS_PER_QUEUE * QUEUES
    q = np.repeat(np.arange(QUEUES), INTERVALS_PER_QUEUE)
    calls = rng.integers(1, 2001, n).astype(float)
    calls[rng.permutation(n)[: n // 10]] = 0.0
    aht = np.round(rng.uniform(180.0, 420.0, n), 1)
    return {"queue": q, "calls": calls, "aht_s": aht, "sl": SL[q], "answer": ANSWER[q], "cap": CAP[q],
            "patience": PATIENCE[q]}


def run_wfm(w: dict[str, np.ndarray], *, erlang_a: bool) -> np.ndarray:
    return S.required_agents(w["calls"], w["aht_s"], interval_s=INTERVAL_S, sl_target=w["sl"],
                             answer_time_s=w["answer"], max_occupancy=w["cap"],
                             patience_s=w["patience"] if erlang_a else None)


def ensure_pyworkforce() -> Path | None:
    py = VENV / "bin" / "python"
    if not py.exists():
        print(f"creating {VENV} (pip install pyworkforce==0.5.1) ...", flush=True)
        subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "pyworkforce==0.5.1"], check=True)
    ok = subprocess.run([str(py), "-c", "import pyworkforce.queuing"], capture_output=True)
    return py if ok.returncode == 0 else None


def run_pyworkforce(py: Path, rows: list[list[float]]) -> tuple[float, np.ndarray]:
    proc = subprocess.run([str(py), "-c", PYWF_SCRIPT], input=json.dumps(rows), capture_output=True, text=True,
                          check=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    res = json.loads(proc.stdout)
    return res["elapsed"], np.array(res["agents"], dtype=np.int64)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", type=int, default=20000, help="non-zero intervals timed with pyworkforce (0 = all)")
    ap.add_argument("--no-pyworkforce", action="store_true")
    ap.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = ap.parse_args()
    warnings.simplefilter("error")  # any float warning fails the benchmark

    w = workload()
    n = w["calls"].size
    run_wfm({k: v[:1000] for k, v in w.items()}, erlang_a=False)  # warm-up (imports, scipy init)
    times_c = []
    for _ in range(3):
        t0 = time.perf_counter()
        agents_c = run_wfm(w, erlang_a=False)
        times_c.append(time.perf_counter() - t0)
    t_c = min(times_c)
    t0 = time.perf_counter()
    agents_a = run_wfm(w, erlang_a=True)
    t_a = time.perf_counter() - t0

    rows = [("wfm Erlang C, required agents", f"{n:,}", f"{t_c:.3f} s", f"best of 3 ({', '.join(f'{t:.3f}' for t in times_c)})"),
            ("wfm Erlang A, required agents", f"{n:,}", f"{t_a:.3f} s", "one run")]
    notes = []
    py = None if args.no_pyworkforce else ensure_pyworkforce()
    if py is not None:
        rng = np.random.default_rng(SEED + 1)
        nonzero = np.flatnonzero(w["calls"] > 0)
        size = nonzero.size if args.sample <= 0 else min(args.sample, nonzero.size)
        idx = np.sort(rng.choice(nonzero, size=size, replace=False))
        sample = [[float(w["calls"][i]), float(w["aht_s"][i]), float(w["answer"][i]), float(w["sl"][i]),
                   1.0 if np.isnan(w["cap"][i]) else float(w["cap"][i])] for i in idx]
        t_py, agents_py = run_pyworkforce(py, sample)
        per = t_py / len(idx)
        t_py_all = per * nonzero.size  # zero-call intervals: pyworkforce refuses them, counted as free
        agree = int((agents_py == agents_c[idx]).sum())
        diff = agents_py - agents_c[idx]
        rows.append(("pyworkforce 0.5.1 ErlangC, required_positions", f"{len(idx):,} sampled",
                     f"{t_py:.2f} s", f"{per * 1e3:.2f} ms per interval"))
        rows.append(("pyworkforce, extrapolated", f"{nonzero.size:,} non-zero", f"{t_py_all:,.0f} s",
                     f"ratio to wfm Erlang C: {t_py_all / t_c:,.0f}x"))
        notes.append(f"Agreement on the {len(idx):,} sampled intervals: {agree:,} identical agent counts "
                     f"({100 * agree / len(idx):.2f}%); differences (pyworkforce - wfm): "
                     + (", ".join(f"{int(d):+d}: {int((diff == d).sum())}" for d in np.unique(diff[diff != 0]))
                        or "none") + ".")
        if size < nonzero.size:
            notes.append("pyworkforce is slow, so it was timed on a random sample of non-zero intervals and its "
                         f"per-interval time extrapolated to the {nonzero.size:,} non-zero intervals (it rejects zero "
                         "calls; those are counted as costing it nothing).")
        else:
            notes.append("pyworkforce was run on every non-zero interval (it rejects zero calls).")
        dk = np.flatnonzero(diff != 0)
        if dk.size:
            di = idx[dk]
            ratio = w["calls"][di] * w["aht_s"][di] / INTERVAL_S / w["cap"][di]
            on_boundary = int((np.abs(ratio - np.round(ratio)) < 1e-9).sum())
            notes.append(f"{on_boundary} of the {dk.size} differing intervals have load / occupancy cap equal to a "
                         "whole number N (e.g. 619.65 / 0.85 = 729): pyworkforce's float `ceil(A / cap)` gives N + 1, "
                         "wfm gives N, which meets the cap exactly as the reference convention (A / N <= cap) asks.")
    else:
        notes.append("pyworkforce was not run (--no-pyworkforce or its venv could not be created).")

    table = ["| what | intervals | time | note |", "|---|---|---|---|"]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    text = "\n".join([
        "## Staffing (`benchmarks/bench_staffing.py`)",
        "",
        f"Workload: {QUEUES} queues x {INTERVALS_PER_QUEUE:,} 15-minute intervals = {n:,} intervals; calls uniform "
        f"on 1..2,000 per interval with 10% set to 0, AHT uniform 180-420 s (up to {w['calls'].max() * 420 / 900:,.0f} "
        f"Erlangs), targets 80/20, 85/20, 90/15, 80/30, occupancy caps 0.85/0.9 on three queues, patience 60-300 s "
        f"for Erlang A; seed {SEED}. Peak requirement {agents_c.max():,} agents (Erlang C), {agents_a.max():,} (Erlang A).",
        "",
        *table,
        "",
        *[f"- {x}" for x in notes],
        f"- Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"numpy {np.__version__}; wfm is single-threaded.",
    ])
    print(text)
    if not args.no_write:
        update_section("staffing", text)
        print(f"\nwrote the staffing section of {RESULTS}")


if __name__ == "__main__":
    main()
