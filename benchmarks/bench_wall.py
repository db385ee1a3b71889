"""Benchmark: does `wfm roster` keep its time promise (issue 18)? The whole command (reading, search, placement,
check, simulation, workbook) should end within 1.25 x `--time-limit`. Plain script; prints a table and writes
the "Roster wall time" section of benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/bench_wall.py [--limits 20,60] [--burn 0,2] [--no-write]

The sample hotline's demo week (`wfm demo` inputs) is rostered with each limit as a subprocess, timed by the
wall clock; the machine's load average is read before and after each run. `--burn 0,2` runs every limit alone,
then with 2 busy processes beside it (the target holds up to load 4: on 2 cores, 2 busy processes and the
roster's own 2 workers).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.results import update_section  # noqa: E402

START = dt.date(2026, 11, 30)


def _inputs(folder: Path) -> dict[str, Path]:
    from wfm.forecast import Forecaster
    from wfm.sample import build_sample
    from wfm.staffing import staff
    from wfm.workspace import write_workspace

    sample = build_sample(START, days=7)
    paths = write_workspace(sample, folder, force=True)
    fc = Forecaster().fit(sample.history).predict(START, 7)
    req = staff(fc, sample.config.queues, interval_s=sample.config.centre.interval_s,
                shrinkage=sample.config.shrinkage.unplaced)
    req = req.assign(interval_start=req["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S"))
    paths["requirements"] = folder / "requirements.csv"
    req.to_csv(paths["requirements"], index=False)
    return paths


def _spin() -> None:
    while True:
        pass


@contextlib.contextmanager
def _burners(n: int):
    """n busy processes for the duration (machine load for the promise to hold under)."""
    procs = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(n)]
    for proc in procs:
        proc.start()
    try:
        yield
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.join()


def run(limits: list[float], burns: list[int]) -> str:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = _inputs(folder)
        for burn, limit in ((b, x) for b in burns for x in limits):
            out = folder / f"roster_{limit:g}.xlsx"
            with _burners(burn):
                if burn:
                    time.sleep(30)  # let the 1-minute load average reach the burners
                load0 = os.getloadavg()[0]
                t0 = time.perf_counter()
                r = subprocess.run([sys.executable, "-c", "from wfm.cli.main import main; main()", "roster",
                                    "--requirements", str(paths["requirements"]), "--agents", str(paths["agents"]),
                                    "--config", str(paths["config"]), "--start", str(START), "--days", "7",
                                    "--time-limit", f"{limit:g}", "-o", str(out)], capture_output=True, text=True)
                wall = time.perf_counter() - t0
                load1 = os.getloadavg()[0]
            capped = "not reproducible" in r.stderr
            rows.append(f"| {limit:g} s | {burn} | {wall:.1f} s | {wall / limit:.2f} | {'yes' if wall <= 1.25 * limit else 'NO'} "
                        f"| {r.returncode} | {'yes' if capped else 'no'} | {load0:.1f} / {load1:.1f} |")
    head = ["## Roster wall time (issue 18)", "", f"`benchmarks/bench_wall.py`, {dt.date.today()}: `wfm roster` on the demo week ({START}, 7 days, sample hotline), whole command timed as a "
            f"subprocess; {os.cpu_count()} cores.", "",
            "| --time-limit | busy processes beside it | wall | wall / limit | within 1.25x | exit | wall clock ended a search "
            "| load before / after |",
            "|---|---:|---:|---:|---|---:|---|---|"]
    return "\n".join(head + rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limits", default="20,60")
    ap.add_argument("--burn", default="0,2", help="busy processes kept beside each run, one pass per number")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    table = run([float(x) for x in args.limits.split(",")], [int(x) for x in args.burn.split(",")])
    print(table)
    if not args.no_write:
        update_section("Roster wall time", table + "\n")


if __name__ == "__main__":
    main()
