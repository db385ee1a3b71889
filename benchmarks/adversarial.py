"""Adversarial test of the whole CLI (issue 19): hostile, huge and messy inputs, lost-work races, values that
pass one check and crash the next. Plain script; prints a table and writes the "Adversarial" section of
benchmarks/RESULTS.md.

    nice -n 15 .venv/bin/python benchmarks/adversarial.py [--only WORD] [--category CAT] [--no-write] [-v]

Each case builds its files in a fresh copy of a small workspace (`wfm init`, a week's forecast, requirements and
roster made once) and runs `wfm ...` in subprocesses (address space capped at 3 GB, a timeout per run). A case
passes when every run exits 2 with a clear message naming what is wrong, or gives the right output. It fails on
a traceback, a hang, a peak resident memory over 1 GB, a leftover temporary, a half-written or overwritten
output, or a silently wrong result (each case checks its own).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.results import update_section  # noqa: E402

WFM = [sys.executable, "-c", "from wfm.cli.main import main; main()"]
MEMORY_CAP_BYTES = 3 * 1024**3  # a safety net for the machine; the verdict's limit is MEMORY_LIMIT_MB
MEMORY_LIMIT_MB = 1024
START, DAYS = "2026-12-07", "7"  # a full week: a part week can fall short of the training rules


@dataclass
class Run:
    """One finished subprocess."""

    args: list[str]
    code: int | None
    out: str
    err: str
    seconds: float
    peak_mb: float
    timed_out: bool

    @property
    def text(self) -> str:
        return self.out + self.err


@dataclass
class Ctx:
    """What a case gets: its workspace and a runner that records generic failures."""

    ws: Path
    problems: list[str] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)

    def wfm(self, *args: object, timeout: float = 120, env: dict | None = None, cwd: Path | None = None,
            fsize: int | None = None) -> Run:
        run = run_capped([*WFM, *map(str, args)], timeout=timeout, env=env, cwd=cwd or self.ws, fsize=fsize)
        self.check_generic(run)
        return run

    def check_generic(self, run: Run) -> None:
        cmd = " ".join(run.args[3:5])
        if run.timed_out:
            self.problems.append(f"hang: `{cmd}` still running after {run.seconds:.0f} s")
        if "Traceback (most recent call last)" in run.text:
            last = [ln for ln in run.err.splitlines() if ln.strip()][-1:] or ["?"]
            self.problems.append(f"traceback in `{cmd}`: {last[0][:160]}")
        if run.peak_mb > MEMORY_LIMIT_MB:
            self.problems.append(f"memory: `{cmd}` peaked at {run.peak_mb:,.0f} MB")
        self.runs.append(run)

    def fail(self, why: str) -> None:
        self.problems.append(why)

    def expect_error(self, run: Run, *words: str) -> None:
        """Exit 2, no traceback, and a message holding every word (file names, columns)."""
        if run.code != 2:
            self.fail(f"expected exit 2, got {run.code}: {tail(run)}")
            return
        low = run.text.lower()
        missing = [w for w in words if w.lower() not in low]
        if missing:
            self.fail(f"exit 2 but the message does not name {missing}: {tail(run)}")

    def expect_ok(self, run: Run, codes: tuple[int, ...] = (0,)) -> bool:
        if run.code not in codes:
            self.fail(f"expected exit {codes}, got {run.code}: {tail(run)}")
            return False
        return True


def tail(run: Run, n: int = 220) -> str:
    lines = [ln.strip() for ln in run.text.splitlines() if ln.strip()]
    return " | ".join(lines[-3:])[-n:]


def _limits(fsize: int | None) -> Callable[[], None]:
    def apply() -> None:
        os.setsid()
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # a foreground job's, also when run in the background
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return apply


def run_capped(args: list[str], *, timeout: float, env: dict | None, cwd: Path, fsize: int | None = None,
               kill_after: float | None = None, sig: int = signal.SIGKILL) -> Run:
    """Run ARGS with capped memory; peak RSS from wait4; killed (group) at the timeout or at `kill_after`."""
    full_env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "COLUMNS": "200",
                **(env or {})}
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        t0 = time.monotonic()
        proc = subprocess.Popen(args, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL, cwd=cwd, env=full_env,
                                preexec_fn=_limits(fsize))
        timed_out, status, usage = False, 0, None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.monotonic() - t0
            if kill_after is not None and elapsed > kill_after:
                os.killpg(proc.pid, sig)
                kill_after = None
            elif elapsed > timeout:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - t0
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read().decode("utf-8", "replace"), fe.read().decode("utf-8", "replace")
    return Run(args, proc.returncode, out, err, seconds, usage.ru_maxrss / 1024 if usage else 0.0, timed_out)


# ------------------------------------------------------------------------------------------------- the cases

CASES: list[tuple[str, str, Callable[[Ctx], None]]] = []


def case(category: str) -> Callable:
    """Register a case function under a category; its docstring's first line describes it."""
    def register(fn: Callable[[Ctx], None]) -> Callable[[Ctx], None]:
        CASES.append((category, fn.__name__, fn))
        return fn
    return register


def build_base(folder: Path) -> Path:
    """A small workspace with a week's forecast, requirements and roster, made once."""
    ws = folder / "base"
    ctx = Ctx(folder)
    steps = [("init", ws),
             ("forecast", "--history", ws / "history.csv", "--config", ws / "config.toml", "--start", START,
              "--days", DAYS, "--accuracy-folds", "0", "-o", ws / "forecast.csv"),
             ("staff", "--forecast", ws / "forecast.csv", "--config", ws / "config.toml", "-o", ws / "req.csv"),
             ("roster", "-r", ws / "req.csv", "-a", ws / "agents.xlsx", "-c", ws / "config.toml", "--start", START,
              "--days", DAYS, "--time-limit", "2", "-o", ws / "roster.xlsx")]
    for step in steps:
        run = ctx.wfm(*step)
        if run.code != 0:
            raise SystemExit(f"building the base workspace failed at {step[0]}: {run.text[-2000:]}")
    return ws


def run_case(base: Path, fn: Callable[[Ctx], None], scratch: Path) -> Ctx:
    ws = scratch / fn.__name__
    shutil.copytree(base, ws)
    ctx = Ctx(ws)
    try:
        fn(ctx)
    except Exception as exc:  # noqa: BLE001 - a broken case is reported, not fatal
        ctx.fail(f"case error: {exc!r} {traceback.format_exc(limit=-2)[-300:]}")
    leftovers = [str(p.relative_to(ws)) for p in ws.rglob("*") if ".wfm-tmp" in p.name or p.name.endswith(".tmp")]
    if leftovers:
        ctx.fail(f"leftover temporaries: {leftovers[:3]}")
    return ctx


def summary(results: list[tuple[str, str, Ctx]]) -> str:
    by_cat: dict[str, Counter] = {}
    for cat, _, ctx in results:
        by_cat.setdefault(cat, Counter())["pass" if not ctx.problems else "fail"] += 1
    total = Counter()
    lines = ["| category | cases | passed | failed |", "|---|---:|---:|---:|"]
    for cat, c in by_cat.items():
        total.update(c)
        lines.append(f"| {cat} | {c['pass'] + c['fail']} | {c['pass']} | {c['fail']} |")
    lines.append(f"| **all** | {total['pass'] + total['fail']} | {total['pass']} | {total['fail']} |")
    failed = [f"- `{cat}/{name}`: {ctx.problems[0][:200]}" for cat, name, ctx in results if ctx.problems]
    return "\n".join(lines) + ("\n\nStill failing:\n" + "\n".join(failed) if failed else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="run the cases whose name contains this")
    ap.add_argument("--category")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    from benchmarks import (adversarial_cases, adversarial_inputs, adversarial_limits,  # noqa: F401
                            adversarial_lost, adversarial_more, adversarial_values)

    from benchmarks.adversarial import CASES as registered  # this file runs as __main__: the cases register there
    chosen = [c for c in registered if (not args.only or args.only in c[1]) and
              (not args.category or c[0] == args.category)]
    results = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="wfm-adv-") as tmp:
        base = build_base(Path(tmp))
        for cat, name, fn in chosen:
            ctx = run_case(base, fn, Path(tmp))
            secs = sum(r.seconds for r in ctx.runs)
            peak = max((r.peak_mb for r in ctx.runs), default=0)
            verdict = "PASS" if not ctx.problems else "FAIL"
            print(f"{verdict} {cat:10s} {name:45s} {secs:6.1f}s {peak:6.0f}MB  {'; '.join(ctx.problems)[:300]}",
                  flush=True)
            if args.verbose and ctx.problems:
                for r in ctx.runs:
                    print(f"    $ {' '.join(r.args[3:])[:200]} -> {r.code}\n      {tail(r, 600)}")
            results.append((cat, name, ctx))
    table = summary(results)
    print(table)
    if not args.no_write and not args.only and not args.category:
        update_section("Adversarial", (
            "## Adversarial test (issue 19)\n\n`benchmarks/adversarial.py`: every case runs the real CLI in "
            "subprocesses (3 GB address-space cap, a timeout per run) on a small workspace; FAIL on a traceback, "
            "a hang, over 1 GB resident, a leftover temporary, a lost or half-written output or a wrong result. "
            f"{len(results)} cases in {time.perf_counter() - t0:.0f} s.\n\n" + table + "\n"))


if __name__ == "__main__":
    main()
