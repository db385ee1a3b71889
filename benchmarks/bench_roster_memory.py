"""Benchmark: peak resident memory of the whole `wfm roster` command, per phase (issue 19: under 1 GB).

    python benchmarks/bench_roster_memory.py prepare --agents 600 --weeks 4 DIR   # config, agents, requirements
    python benchmarks/bench_roster_memory.py run DIR --time-limit 600 --json A.json   # `wfm roster`, stages sampled
    python benchmarks/bench_roster_memory.py compare BEFORE.json AFTER.json     # the table, into RESULTS.md

`prepare` writes the scale case of `bench_roster.py` (the sample hotline's volume scaled to about N agents) as the
files a scheduler would pass: config.toml, agents.xlsx, requirements.csv. `run` runs `wfm roster` on them in this
process (the CLI's own entry point) with the roster's stages wrapped so that a sampling thread (psutil, every
50 ms) knows which stage is running: the table gives the largest resident set seen in each stage and the RSS on
leaving it. The roster runs no child processes, so the process's RSS is the command's. With `--tracemalloc` the
Python allocations of each stage are traced too (slow; for small cases).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import importlib
import json
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

START = dt.date(2026, 12, 7)

# (module, function): the stages of `wfm roster`, innermost label wins while nested
STAGES = [
    ("wfm.config", "load_config", "read"),
    ("wfm.readers", "read_agents", "read"),
    ("wfm.readers.forecast", "read_requirements", "read"),
    ("wfm.roster", "build_instance", "instance"),
    ("wfm.roster.model", "solve_phase1", "phase 1 search"),
    ("wfm.roster.model", "build_model", "CP-SAT model building"),
    ("wfm.roster.heuristic", "construct", "construction"),
    ("wfm.roster.model", "run_solver", "CP-SAT solve"),
    ("wfm.roster.model", "placed_under", "placement"),
    ("wfm.roster.detail", "place", "placement"),
    ("wfm.roster.table", "long_table", "long table"),
    ("wfm.roster", "_correct_by_simulation", "simulate + repair"),
    ("wfm.roster.heuristic", "repair", "repair search"),
    ("wfm.roster", "check", "checker"),
    ("wfm.roster", "_stats", "bound + stats"),
    ("wfm.roster.workbook", "write_roster", "workbook"),
]


def prepare(n_agents: int, weeks: int, out: Path) -> None:
    from benchmarks.bench_roster import scale_case
    from wfm.atomic import write_csv
    from wfm.readers.agents import agents_frame
    from wfm.sample.config_template import QUEUES, config_text
    from wfm.workspace import write_agents_xlsx

    out.mkdir(parents=True, exist_ok=True)
    agents, config, req, k = scale_case(n_agents, 7 * weeks)
    (out / "config.toml").write_text(config_text(QUEUES, time_limit_s=60.0, name="Scaled sample hotline"))
    write_agents_xlsx(agents_frame(agents), out / "agents.xlsx", force=True)
    iso = req.copy()
    iso["interval_start"] = iso["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    write_csv(iso, out / "requirements.csv", force=True)
    (out / "case.json").write_text(json.dumps({"agents": len(agents), "days": 7 * weeks, "volume_scale": k}))
    print(f"{len(agents)} agents, {7 * weeks} days, k = {k:.3f}, requirements {len(req)} rows -> {out}")


class Sampler:
    """RSS of this process every `every` seconds, attributed to the innermost running stage."""

    def __init__(self, every: float = 0.05, trace: bool = False):
        import psutil

        self.proc = psutil.Process()
        self.every = every
        self.stack: list[str] = ["start-up"]
        self.frames: list[list] = []  # [label, rss on entry, inclusive peak] of the running wrapped calls
        self.calls: list[tuple] = []  # (depth, label, seconds, rss on entry, inclusive peak, rss on leaving)
        self.peak: dict[str, float] = {}
        self.after: dict[str, float] = {}
        self.seconds: dict[str, float] = {}
        self.py_peak: dict[str, float] = {}
        self.trace = trace
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> float:
        return self.proc.memory_info().rss / 2 ** 20

    def _note(self) -> None:
        label, rss = self.stack[-1], self.rss()
        self.peak[label] = max(self.peak.get(label, 0.0), rss)
        for f in list(self.frames):
            f[2] = max(f[2], rss)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._note()

    def wrap(self, fn, label: str):
        @functools.wraps(fn)
        def inner(*a, **kw):
            import tracemalloc

            self._note()
            self.stack.append(label)
            frame = [label, self.rss(), 0.0]
            self.frames.append(frame)
            t = time.perf_counter()
            if self.trace:
                tracemalloc.reset_peak()
            try:
                return fn(*a, **kw)
            finally:
                self._note()
                if self.trace:
                    self.py_peak[label] = max(self.py_peak.get(label, 0.0), tracemalloc.get_traced_memory()[1] / 2 ** 20)
                self.stack.pop()
                self.frames.pop()
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - t
                self.after[label] = self.rss()
                self.calls.append((len(self.frames), label, round(time.perf_counter() - t, 1), round(frame[1]),
                                   round(frame[2]), round(self.after[label])))
        return inner

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._note()


def run(case: Path, time_limit: float, out: Path, trace: bool) -> dict:
    if trace:
        import tracemalloc

        tracemalloc.start(10)
    sampler = Sampler(trace=trace)
    import wfm.cli.main as cli_main

    for mod_name, fn_name, label in STAGES:
        mod = importlib.import_module(mod_name)
        setattr(mod, fn_name, sampler.wrap(getattr(mod, fn_name), label))
    info = json.loads((case / "case.json").read_text())
    argv = ["roster", "-r", str(case / "requirements.csv"), "-a", str(case / "agents.xlsx"),
            "-c", str(case / "config.toml"), "--start", START.isoformat(), "--days", str(info["days"]),
            "--time-limit", str(time_limit), "-o", str(out), "--force"]
    sampler.start()
    t0 = time.perf_counter()
    code = 0
    try:
        cli_main.main(argv)
    except SystemExit as exc:
        code = exc.code or 0
    wall = time.perf_counter() - t0
    sampler.stop()
    import resource

    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row = {**info, "time_limit": time_limit, "exit": code, "wall_s": round(wall, 1), "maxrss_mb": round(maxrss),
           "peak": {k: round(v) for k, v in sampler.peak.items()}, "after": {k: round(v) for k, v in sampler.after.items()},
           "seconds": {k: round(v, 1) for k, v in sampler.seconds.items()},
           "py_peak": {k: round(v) for k, v in sampler.py_peak.items()}, "calls": sampler.calls}
    if trace:
        import tracemalloc

        snap = tracemalloc.take_snapshot()
        row["top"] = [str(s) for s in snap.statistics("lineno")[:15]]
    return row


def table(row: dict) -> str:
    lines = [f"{row['agents']} agents x {row['days']} days, limit {row['time_limit']:.0f} s: exit {row['exit']}, "
             f"wall {row['wall_s']} s, process max RSS {row['maxrss_mb']} MB", "",
             "| stage | s | peak RSS MB | RSS after MB |" + (" Python peak MB |" if row["py_peak"] else ""),
             "|---|---|---|---|" + ("---|" if row["py_peak"] else "")]
    for label in dict.fromkeys(["start-up"] + [s[2] for s in STAGES]):
        if label not in row["peak"]:
            continue
        py = f" {row['py_peak'].get(label, '-')} |" if row["py_peak"] else ""
        lines.append(f"| {label} | {row['seconds'].get(label, '-')} | {row['peak'][label]} | "
                     f"{row['after'].get(label, '-')} |{py}")
    lines += ["", "Calls (nesting depth, stage, s, RSS on entry, peak within, RSS on leaving; MB):"]
    lines += [f"{'  ' * c[0]}{c[1]}: {c[2]} s, {c[3]} -> peak {c[4]} -> {c[5]}" for c in row.get("calls", [])
              if c[2] >= 0.5 or c[4] - c[3] >= 20]
    return "\n".join(lines)


def compare(before: dict, after: dict, note: str = "") -> str:
    """Peak RSS per stage before -> after (two `run` results of the same case), as a RESULTS.md section."""
    lines = ["## Roster memory (issue 19: the whole `wfm roster` command under 1 GB)", "",
             (f"`wfm roster` on {after['agents']} agents x {after['days']} days (the scale case of "
              f"`bench_roster.py`, volume k = {after['volume_scale']:.2f}, written as config.toml, agents.xlsx and "
              f"requirements.csv), --time-limit {after['time_limit']:.0f}, run in one process by "
              "`python benchmarks/bench_roster_memory.py` with its stages wrapped and the resident set sampled every "
              "50 ms (psutil; CP-SAT's native memory included; the command starts no child process). Peak = the "
              "largest RSS seen while the stage ran (nested stages apart); MB = 2^20 bytes."), "",
             "| stage | before: s | before: peak MB | after: s | after: peak MB |", "|---|---|---|---|---|"]
    for label in dict.fromkeys([s[2] for s in STAGES]):
        if label not in before["peak"] and label not in after["peak"]:
            continue
        b, a = before["peak"].get(label, "-"), after["peak"].get(label, "-")
        lines.append(f"| {label} | {before['seconds'].get(label, '-')} | {b} | {after['seconds'].get(label, '-')} "
                     f"| {a} |")
    lines.append(f"| **whole command (max RSS)** | {before['wall_s']} | **{before['maxrss_mb']}** | {after['wall_s']} "
                 f"| **{after['maxrss_mb']}** |")
    if note:
        lines += ["", note]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--agents", type=int, default=600)
    p.add_argument("--weeks", type=int, default=4)
    p.add_argument("dir", type=Path)
    r = sub.add_parser("run")
    r.add_argument("dir", type=Path)
    r.add_argument("--time-limit", type=float, default=600.0)
    r.add_argument("--out", type=Path, default=None)
    r.add_argument("--tracemalloc", action="store_true")
    r.add_argument("--json", type=Path, default=None, help="also save the figures here")
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    c.add_argument("--note", default="", help="a paragraph under the table")
    c.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if args.cmd == "compare":
        text = compare(json.loads(args.before.read_text()), json.loads(args.after.read_text()), args.note)
        print(text)
        if not args.no_write:
            from benchmarks.results import update_section

            update_section("roster memory", text)
        return
    if args.cmd == "prepare":
        prepare(args.agents, args.weeks, args.dir)
        return
    row = run(args.dir, args.time_limit, args.out or args.dir / "roster.xlsx", args.tracemalloc)
    if args.json:
        args.json.write_text(json.dumps(row, indent=1))
    print(table(row))
    for line in row.get("top", []):
        print(line)


if __name__ == "__main__":
    main()
