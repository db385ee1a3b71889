"""Adversarial cases, part 2: lost work and outputs (see benchmarks/adversarial.py)."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import subprocess
import threading

import pandas as pd

from benchmarks.adversarial import DAYS, START, WFM, Ctx, case, run_capped
from benchmarks.adversarial_cases import roster
from benchmarks.adversarial_files import agents, write_agents_csv


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _concurrent(ctx: Ctx, argv_list: list[list]) -> list:
    results = [None] * len(argv_list)

    def go(i):
        results[i] = run_capped([*WFM, *map(str, argv_list[i])], timeout=120, env=None, cwd=ctx.ws)
    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(argv_list))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        ctx.check_generic(r)
    return results


@case("lost-work")
def two_rosters_same_output(ctx: Ctx) -> None:
    """Two concurrent `wfm roster -o same.xlsx` without --force: one writes, the other says it exists."""
    ws = ctx.ws
    argv = ["roster", "-r", ws / "req.csv", "-a", ws / "agents.xlsx", "-c", ws / "config.toml", "--start", START,
            "--days", DAYS, "--time-limit", "2", "-o", ws / "same.xlsx"]
    rs = _concurrent(ctx, [argv, argv])
    codes = sorted(r.code for r in rs)
    if codes not in ([0, 2], [1, 2]):
        ctx.fail(f"two writers exited {codes}")
    loser = [r for r in rs if r.code == 2]
    if loser and "exists" not in loser[0].text:
        ctx.fail(f"the loser does not say the file exists: {loser[0].text[-200:]}")


@case("lost-work")
def two_forecasts_same_output(ctx: Ctx) -> None:
    """Two concurrent `wfm forecast -o same.csv`: one CSV+XLSX pair, from one run."""
    ws = ctx.ws
    argv = ["forecast", "-H", ws / "history.csv", "--start", START, "--days", "2", "--accuracy-folds", "0",
            "-o", ws / "same.csv"]
    rs = _concurrent(ctx, [argv, argv])
    if sorted(r.code for r in rs) != [0, 2]:
        ctx.fail(f"two forecasts exited {[r.code for r in rs]}")
    if not ((ws / "same.csv").exists() and (ws / "same.xlsx").exists()):
        ctx.fail("the pair is incomplete")


@case("lost-work")
def export_name_collisions(ctx: Ctx) -> None:
    """Ids a/b, a_b, 张三, 李四, A1, a1, '..', 'CON': one file pair per agent, manifest maps each back."""
    ids = ["a/b", "a_b", "张三", "李四", "A1", "a1", "..", "CON", "x" * 300]
    a = agents(ctx.ws)
    a.loc[: len(ids) - 1, "agent_id"] = ids
    path = write_agents_csv(ctx.ws, a)
    if not ctx.expect_ok(roster(ctx, path.name), (0, 1)):
        return
    r = ctx.wfm("export", ctx.ws / "out.xlsx", "-a", path, "-c", ctx.ws / "config.toml", "-o", ctx.ws / "exp",
                "--allow-violations")
    if not ctx.expect_ok(r):
        return
    man = pd.read_csv(ctx.ws / "exp" / "manifest.tsv", sep="\t", dtype=str, keep_default_na=False)
    files = [f for f in man["file"] if f.endswith(".csv")]
    if len(set(files)) != len(files):
        ctx.fail("two agents share a file name")
    on_disk = {p.name for p in (ctx.ws / "exp").glob("*.csv")}
    if on_disk != set(files):
        ctx.fail(f"manifest and folder disagree: {sorted(on_disk ^ set(files))[:4]}")
    got = set(man["agent_id"])
    if not set(ids) <= got:
        ctx.fail(f"agents missing from the export: {sorted(set(ids) - got)[:4]}")
    outside = [p for p in ctx.ws.rglob("*.ics") if p.parent != ctx.ws / "exp"]
    if outside:
        ctx.fail(f"a file was written outside the export folder: {outside[0]}")


@case("lost-work")
def roster_read_only_folder_before_search(ctx: Ctx) -> None:
    """`-o` into a read-only file system: refused before a 60 s search, exit 2."""
    ro = ctx.ws / "ro"
    ro.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(ro)]).returncode != 0:
        ctx.fail("cannot mount a read-only tmpfs (case not run)")
        return
    try:
        r = ctx.wfm("roster", "-r", ctx.ws / "req.csv", "-a", ctx.ws / "agents.xlsx", "-c", ctx.ws / "config.toml",
                    "--start", START, "--days", DAYS, "--time-limit", "60", "-o", ro / "x.xlsx")
        ctx.expect_error(r, "x.xlsx")
        if r.seconds > 30:
            ctx.fail(f"refused only after {r.seconds:.0f} s (after the search)")
    finally:
        subprocess.run(["umount", str(ro)])


def _tiny_fs(ctx: Ctx, kb: int):
    mnt = ctx.ws / "tiny"
    mnt.mkdir()
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kb}k", "tmpfs", str(mnt)],
                        capture_output=True).returncode == 0
    return mnt if ok else None


@case("lost-work")
def full_disk_keeps_last_good_roster(ctx: Ctx) -> None:
    """The output folder's disk is full: exit 2 plainly, the last good roster there intact."""
    mnt = _tiny_fs(ctx, 80)
    if mnt is None:
        ctx.fail("cannot mount a small tmpfs to fill (case not run)")
        return
    try:
        good = mnt / "r.xlsx"
        good.write_bytes(b"last good" * 100)
        before = digest(good)
        (mnt / "filler").write_bytes(b"x" * (80 * 1024 - 8192))
        r = roster(ctx, "agents.xlsx", str(good), "--force")
        ctx.expect_error(r, "r.xlsx")
        if digest(good) != before:
            ctx.fail("the last good roster was changed")
        left = [p.name for p in mnt.iterdir() if p.name not in ("r.xlsx", "filler")]
        if left:
            ctx.fail(f"leftovers on the full disk: {left}")
    finally:
        subprocess.run(["umount", str(mnt)])


@case("lost-work")
def file_size_limit_forecast(ctx: Ctx) -> None:
    """Writes fail (file size limit, EFBIG) while the forecast is written: exit 2, the old pair kept."""
    ws = ctx.ws
    r = ctx.wfm("forecast", "-H", ws / "history.csv", "--start", START, "--days", "2", "--accuracy-folds", "0",
                "-o", ws / "f.csv")
    if not ctx.expect_ok(r):
        return
    before = (digest(ws / "f.csv"), digest(ws / "f.xlsx"))
    r = ctx.wfm("forecast", "-H", ws / "history.csv", "--start", START, "--days", "3", "--accuracy-folds", "0",
                "-o", ws / "f.csv", "--force", fsize=20_000)
    ctx.expect_error(r, "f.")
    if (digest(ws / "f.csv"), digest(ws / "f.xlsx")) != before:
        ctx.fail("the previous forecast pair was changed")


@case("lost-work")
def existing_outputs_not_overwritten(ctx: Ctx) -> None:
    """Every command refuses to overwrite an existing output without --force, leaving it untouched."""
    ws = ctx.ws
    sentinel = b"precious"
    runs = {
        "f.csv": ["forecast", "-H", ws / "history.csv", "--start", START, "--days", "2", "--accuracy-folds", "0"],
        "r.csv": ["staff", "-f", ws / "forecast.csv", "-c", ws / "config.toml"],
        "s.csv": ["simulate", ws / "roster.xlsx", "-f", ws / "forecast.csv", "-c", ws / "config.toml", "-n", "2"],
        "b.csv": ["backtest", "-H", ws / "history.csv", "--days", "7", "--folds", "1"],
        "w.csv": ["whatif", "-c", ws / "config.toml", "-f", ws / "forecast.csv", "--fte", "30", "-s", "up:volume=1.1"],
        "o.xlsx": ["roster", "-r", ws / "req.csv", "-a", ws / "agents.xlsx", "-c", ws / "config.toml", "--start",
                   START, "--days", DAYS, "--time-limit", "2"],
    }
    for name, argv in runs.items():
        (ws / name).write_bytes(sentinel)
        r = ctx.wfm(*argv, "-o", ws / name)
        ctx.expect_error(r, "exists")
        if (ws / name).read_bytes() != sentinel:
            ctx.fail(f"{name} was overwritten without --force")


@case("lost-work")
def leftover_temporaries_cleaned(ctx: Ctx) -> None:
    """A roster killed mid-write leaves nothing the next run does not clean."""
    ws = ctx.ws
    (ws / ".out.xlsx.wfm-tmp-12345-abc").write_bytes(b"half")
    os.utime(ws / ".out.xlsx.wfm-tmp-12345-abc", (1, 1))
    r = roster(ctx, "agents.xlsx", "out.xlsx")
    ctx.expect_ok(r, (0, 1))


@case("lost-work")
def kill_during_forecast_pair(ctx: Ctx) -> None:
    """SIGKILL at several moments of `wfm forecast --force`: never a mismatched CSV/XLSX pair after a rerun."""
    ws = ctx.ws
    base = ["forecast", "-H", ws / "history.csv", "--start", START, "--accuracy-folds", "0", "-o", ws / "f.csv"]
    ctx.expect_ok(ctx.wfm(*base, "--days", "2"))
    for i, at in enumerate((2.0, 3.0, 3.5, 4.0, 4.5)):
        days = str(3 + i)
        run_capped([*WFM, *map(str, base), "--days", days, "--force"], timeout=60, env=None, cwd=ws, kill_after=at)
        r = ctx.wfm("validate", "-c", ws / "config.toml")  # any later wfm run in the folder? the next forecast
        r = ctx.wfm(*base, "--days", "2", "--force")
        ctx.expect_ok(r)
        csv_days = pd.read_csv(ws / "f.csv")["interval_start"].str[:10].nunique()
        if csv_days != 2:
            ctx.fail(f"after the kill at {at}s and a rerun the CSV has {csv_days} days")


@case("lost-work")
def sigint_during_roster(ctx: Ctx) -> None:
    """Ctrl-C (SIGINT) during the roster search: exit 130, nothing written, no temporary left."""
    ws = ctx.ws
    argv = ["roster", "-r", ws / "req.csv", "-a", ws / "agents.xlsx", "-c", ws / "config.toml", "--start", START,
            "--days", DAYS, "--time-limit", "30", "-o", ws / "int.xlsx"]
    r = run_capped([*WFM, *map(str, argv)], timeout=60, env=None, cwd=ws, kill_after=5, sig=signal.SIGINT)
    ctx.check_generic(r)
    if r.code != 130:
        ctx.fail(f"Ctrl-C gave exit {r.code}")
    if (ws / "int.xlsx").exists():
        ctx.fail("a roster was written after Ctrl-C")


@case("lost-work")
def output_is_a_folder_or_device(ctx: Ctx) -> None:
    """`-o` naming a folder, a device (as root a rename would replace it), a FIFO, a path under a file."""
    ws = ctx.ws
    (ws / "dir.csv").mkdir()
    os.mknod(ws / "full", 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # a /dev/full of our own: never the real one
    os.mkfifo(ws / "fifo.csv")
    for out, word in ((ws / "dir.csv", "dir.csv"), (ws / "full", "full"), (ws / "fifo.csv", "fifo.csv"),
                      (ws / "agents.xlsx" / "x.csv", "agents.xlsx")):
        r = ctx.wfm("staff", "-f", ws / "forecast.csv", "-c", ws / "config.toml", "-o", out, "--force")
        ctx.expect_error(r, word)


@case("lost-work")
def export_folder_reused_with_force(ctx: Ctx) -> None:
    """An export with --force over an earlier one of other agents: old files removed or listed, none stale."""
    ws = ctx.ws
    r = ctx.wfm("export", ws / "roster.xlsx", "-a", ws / "agents.xlsx", "-c", ws / "config.toml", "-o", ws / "e",
                "--allow-violations")
    if not ctx.expect_ok(r):
        return
    n_before = len(list((ws / "e").glob("*.csv")))
    r = ctx.wfm("export", ws / "roster.xlsx", "-a", ws / "agents.xlsx", "-c", ws / "config.toml", "-o", ws / "e",
                "--allow-violations", "--team", "T01", "--force")
    if ctx.expect_ok(r):
        man = pd.read_csv(ws / "e" / "manifest.tsv", sep="\t", dtype=str)
        if len(man) >= n_before:
            ctx.fail("the manifest of a one-team export lists every agent")


@case("lost-work")
def output_same_as_input(ctx: Ctx) -> None:
    """`wfm staff -f forecast.csv -o forecast.csv --force`: the input is read before it is replaced."""
    ws = ctx.ws
    r = ctx.wfm("staff", "-f", ws / "forecast.csv", "-c", ws / "config.toml", "-o", ws / "forecast.csv", "--force")
    if r.code == 0:
        cols = pd.read_csv(ws / "forecast.csv", nrows=1).columns
        if "agents" not in cols:
            ctx.fail("the output is not the requirements")
    else:
        ctx.expect_error(r, "forecast.csv")
