"""Benchmark: reading a large ACD history (issue 19). Plain script; prints a line and writes the "Large history"
section of benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/bench_big_history.py [--mb 200] [--no-write]

A seeded history CSV of about `--mb` megabytes (15-minute intervals, 40 queues) is written to a temporary folder
and read by `wfm validate --history` in a subprocess; reported: rows, wall time, peak resident memory of the
subprocess (ru_maxrss of the children), exit code and its last line.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.results import update_section  # noqa: E402


def write_history(path: Path, mb: float, seed: int = 0) -> int:
    rng = np.random.default_rng(seed)
    queues = [f"q{i:02d}" for i in range(40)]
    rows_per_day = 96 * len(queues)
    bytes_per_row = 43  # as written (measured)
    days = max(1, int(mb * 1e6 / bytes_per_row / rows_per_day))
    ts = pd.date_range("2020-01-01", periods=days * 96, freq="15min")
    chunk_days = 30
    first = True
    n = 0
    for d0 in range(0, days, chunk_days):
        t = ts[d0 * 96:(d0 + chunk_days) * 96]
        frame = pd.DataFrame({"interval_start": np.repeat(t.strftime("%Y-%m-%dT%H:%M:%S"), len(queues)),
                              "queue": np.tile(queues, len(t))})
        frame["offered"] = rng.poisson(20, len(frame))
        frame["handled"] = np.minimum(frame["offered"], rng.poisson(19, len(frame)))
        frame["abandoned"] = frame["offered"] - frame["handled"]
        frame["aht_s"] = np.round(rng.uniform(150, 400, len(frame)), 1)
        frame["asa_s"] = np.round(rng.uniform(0, 60, len(frame)), 1)
        frame.to_csv(path, mode="w" if first else "a", header=first, index=False)
        first = False
        n += len(frame)
    return n


def run(mb: float) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.csv"
        rows = write_history(path, mb)
        config = Path(tmp) / "config.toml"
        config.write_text("[centre]\ninterval_minutes = 15\n" + "".join(
            f"[queues.q{i:02d}]\nsl_target = 0.8\nanswer_time_s = 20\n" for i in range(40)), encoding="utf-8")
        size = path.stat().st_size / 1e6
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-c", "from wfm.cli.main import main; main()", "validate", "--config",
                            str(config), "--history", str(path)], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    last = (r.stdout + r.stderr).strip().splitlines()[-1:] or [""]
    return (f"## Large history (issue 19)\n\n`benchmarks/bench_big_history.py`: a {size:,.0f} MB history CSV "
            f"({rows:,} rows, 40 queues, 15-minute intervals) read by `wfm validate --history`: {wall:.0f} s, peak "
            f"memory {peak:,.0f} MB (target under 2,048 MB), exit {r.returncode} (\"{last[0][:120]}\"); "
            f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}.\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=200.0)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    text = run(args.mb)
    print(text)
    if not args.no_write:
        update_section("Large history", text)


if __name__ == "__main__":
    main()
