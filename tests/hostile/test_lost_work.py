"""Issue 19, "Lost work": no output is silently replaced, lost, half-written or left mismatched
(CONTRACT: "An existing output file is not overwritten without --force")."""

from __future__ import annotations

import datetime as dt
import errno
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm import atomic
from wfm.atomic import OutputError, check_writable, clean_folder, write_atomic, write_group, write_text
from wfm.errors import OutputExistsError
from wfm.publish import plan_from_code
from wfm.publish.agent_export import MANIFEST, export_agent_schedules, export_file_names
from wfm.sample import build_sample

START = dt.date(2026, 11, 30)
HOSTILE_IDS = ["a/b", "a_b", "张三", "李四", "A1", "a1"]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".wfm-" in p.name)


def _enospc(_path):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# ------------------------------------------------------------------------------------ exclusive create, no race

def test_two_writers_without_force_exactly_one_wins(tmp_path):
    """Both pass the early check, both write, both place: one file, one 'exists; pass --force'."""
    target = tmp_path / "roster.xlsx"
    barrier = threading.Barrier(2, timeout=10)
    results: dict[str, object] = {}

    def run(name: str) -> None:
        def writer(p: Path) -> None:
            p.write_text(name, encoding="utf-8")
            barrier.wait()  # both have passed the existence check and written their temporary
        try:
            write_atomic(target, writer, force=False)
            results[name] = "written"
        except OutputExistsError as exc:
            results[name] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [n for n, r in results.items() if r == "written"]
    losers = [r for r in results.values() if isinstance(r, OutputExistsError)]
    assert len(winners) == 1 and len(losers) == 1
    assert "exists; pass --force" in str(losers[0])
    assert target.read_text(encoding="utf-8") == winners[0]
    assert _leftovers(tmp_path) == []


def test_exclusive_placement_without_hard_links(tmp_path, monkeypatch):
    """Where the file system has no hard links, an O_EXCL reservation keeps the placement exclusive."""
    def no_link(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")
    monkeypatch.setattr(atomic.os, "link", no_link)
    target = tmp_path / "out.csv"
    write_text("one", target, force=False)
    with pytest.raises(OutputExistsError):
        write_atomic(target, lambda p: (p.write_text("two"), target.exists()), force=False)
    assert target.read_text() == "one" and _leftovers(tmp_path) == []
    write_text("three", target, force=True)
    assert target.read_text() == "three"


def test_concurrent_create_between_check_and_placement_loses_cleanly(tmp_path):
    target = tmp_path / "f.csv"

    def writer(p: Path) -> None:
        p.write_text("mine")
        target.write_text("theirs")  # another run placed it meanwhile

    with pytest.raises(OutputExistsError):
        write_atomic(target, writer, force=False)
    assert target.read_text() == "theirs" and _leftovers(tmp_path) == []


def test_pair_without_force_takes_back_the_first_file_when_the_second_exists(tmp_path):
    csv, xlsx = tmp_path / "f.csv", tmp_path / "f.xlsx"

    def second(p: Path) -> None:
        p.write_text("new xlsx")
        xlsx.write_text("someone else's xlsx")

    with pytest.raises(OutputExistsError):
        write_group([(csv, lambda p: p.write_text("new csv")), (xlsx, second)], force=False)
    assert not csv.exists() and xlsx.read_text() == "someone else's xlsx"
    assert _leftovers(tmp_path) == []


# ------------------------------------------------------------------------- disk full, permissions, fail fast

def test_disk_full_is_a_plain_error_and_the_last_output_stays(tmp_path):
    target = tmp_path / "roster.xlsx"
    target.write_text("last good")
    with pytest.raises(OutputError) as exc:
        write_atomic(target, _enospc, force=True)
    assert str(target) in str(exc.value) and "No space left on device" in str(exc.value)
    assert exc.value.exit_code == 2
    assert target.read_text() == "last good" and _leftovers(tmp_path) == []


def test_read_only_folder_is_reported_before_the_work(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "f.csv").write_text("last good")
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write to a read-only folder (root)")
        with pytest.raises(OutputError) as exc:
            check_writable(folder / "g.csv", force=False)
        assert "Permission denied" in str(exc.value)
        with pytest.raises(OutputError):
            write_text("new", folder / "f.csv", force=True)
        assert (folder / "f.csv").read_text() == "last good"
    finally:
        folder.chmod(0o700)
    assert _leftovers(folder) == []


def test_unwritable_folder_fails_fast_even_as_root(tmp_path, monkeypatch):
    """The probe file in the output folder is refused (EROFS, as on a read-only mount)."""
    real_open = os.open

    def refuse(path, flags, mode=0o777, **kw):
        if ".wfm-tmp-" in os.fspath(path):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_open(path, flags, mode, **kw)

    monkeypatch.setattr(atomic.os, "open", refuse)
    with pytest.raises(OutputError) as exc:
        check_writable(tmp_path / "out" / "roster.xlsx", force=False)
    assert "Read-only file system" in str(exc.value) and "roster.xlsx" in str(exc.value)


def test_output_folder_that_is_a_file(tmp_path):
    (tmp_path / "rosters").write_text("not a folder")
    with pytest.raises(OutputError):
        check_writable(tmp_path / "rosters" / "r.xlsx", force=False)
    with pytest.raises(OutputError):
        write_text("x", tmp_path / "rosters" / "r.xlsx")
    with pytest.raises(OutputError):
        check_writable(tmp_path, force=True)  # the output is a folder


def test_check_does_not_create_folders(tmp_path):
    check_writable(tmp_path / "a" / "b" / "c.csv", force=False)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------- stale temps

def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_stale_temporaries_are_removed_on_the_next_write(tmp_path):
    host = atomic.host_tag()
    dead = tmp_path / f".f.csv.wfm-tmp-{host}-{_dead_pid()}-abcd1234"
    old_other_host = tmp_path / ".f.csv.wfm-tmp-ffffff-1-abcd1234"
    live = tmp_path / f".f.csv.wfm-tmp-{host}-{os.getpid()}-abcd1234"  # a write in progress: kept
    legacy = tmp_path / ".f.k2j3h4g5.csv.tmp"  # the old mkstemp name for f.csv, an hour old
    users = tmp_path / ".backup.20261201.csv.tmp"  # not a temporary of the target: kept
    for p in (dead, old_other_host, live, legacy, users):
        p.write_text("partial")
    hour_ago = time.time() - 2 * atomic.STALE_AFTER_S
    for p in (old_other_host, legacy, users):
        os.utime(p, (hour_ago, hour_ago))
    mine = tmp_path / "mine.txt"
    mine.write_text("a user's file")
    write_text("new", tmp_path / "f.csv")
    assert _leftovers(tmp_path) == [live.name]
    assert not legacy.exists() and mine.exists() and users.exists()


# ------------------------------------------------------------------------------------ paired outputs (CSV+XLSX)

def test_failure_writing_the_xlsx_leaves_no_new_csv(tmp_path):
    csv, xlsx = tmp_path / "f.csv", tmp_path / "f.xlsx"
    csv.write_text("old csv")
    xlsx.write_text("old xlsx")
    with pytest.raises(OutputError):
        write_group([(csv, lambda p: p.write_text("new csv")), (xlsx, _enospc)], force=True)
    assert csv.read_text() == "old csv" and xlsx.read_text() == "old xlsx"
    assert _leftovers(tmp_path) == []


KILL_BETWEEN_RENAMES = """
import os, signal, sys
from wfm import atomic
real = os.replace
calls = []
def replace(src, dst):
    real(src, dst)
    if str(dst).endswith(".csv"):
        os.kill(os.getpid(), signal.SIGKILL)   # killed after the CSV, before the XLSX
atomic.os.replace = replace
folder = sys.argv[1]
atomic.write_group([(folder + "/f.csv", lambda p: open(p, "w").write("new csv")),
                    (folder + "/f.xlsx", lambda p: open(p, "w").write("new xlsx"))], force=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")
def test_a_kill_between_the_two_renames_is_finished_by_the_next_run(tmp_path):
    (tmp_path / "f.csv").write_text("old csv")
    (tmp_path / "f.xlsx").write_text("old xlsx")
    proc = subprocess.run([sys.executable, "-c", KILL_BETWEEN_RENAMES, str(tmp_path)], capture_output=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert (tmp_path / "f.csv").read_text() == "new csv"  # the kill did land between the renames
    assert any(".wfm-group-" in n for n in _leftovers(tmp_path))
    # The next wfm run in the folder (here the early check of `wfm forecast` without --force) completes the pair.
    with pytest.raises(OutputExistsError):
        check_writable(tmp_path / "f.csv", force=False)
    assert (tmp_path / "f.xlsx").read_text() == "new xlsx"
    assert _leftovers(tmp_path) == []


def _history(path: Path, weeks: int = 10) -> None:
    rng = np.random.default_rng(1)
    idx = pd.date_range("2025-11-03", periods=weeks * 7 * 48, freq="30min")
    base = 20 + 15 * np.clip(np.sin((idx.hour.to_numpy() + idx.minute.to_numpy() / 60) / 24 * 2 * np.pi - 1.5), 0, None)
    frame = pd.DataFrame({"interval_start": idx.strftime("%Y-%m-%dT%H:%M:%S"), "queue": "billing",
                          "offered": rng.poisson(base), "aht_s": 300.0})
    frame.to_csv(path, index=False)


def test_forecast_cli_xlsx_failure_keeps_the_previous_pair(tmp_path, cli, monkeypatch):
    import wfm.forecast.excel as excel

    monkeypatch.chdir(tmp_path)
    _history(tmp_path / "h.csv")
    args = ["forecast", "--history", "h.csv", "--start", "2026-01-12", "--days", "2", "--accuracy-folds", "0",
            "--country", "none", "-o", "out/f.csv"]
    code, _, err = cli(*args)
    assert code == 0, err
    before = {p: (tmp_path / "out" / p).read_bytes() for p in ("f.csv", "f.xlsx")}
    monkeypatch.setattr(excel, "write_forecast_xlsx", lambda *a, **k: _enospc(None))
    code, out, err = cli(*args, "--start", "2026-01-13", "--force")
    err = " ".join(err.split())  # the console wraps long lines
    assert code == 2 and "No space left on device" in err and "Traceback" not in err + out
    assert "f.xlsx" in err
    assert {p: (tmp_path / "out" / p).read_bytes() for p in before} == before
    assert _leftovers(tmp_path / "out") == []


def test_forecast_cli_read_only_output_fails_before_fitting(tmp_path, cli, monkeypatch):
    import wfm.forecast as forecast_pkg

    monkeypatch.chdir(tmp_path)
    _history(tmp_path / "h.csv")

    def no_fit(*a, **k):
        raise AssertionError("the forecast was computed before the output was checked")

    monkeypatch.setattr(forecast_pkg, "Forecaster", no_fit)
    (tmp_path / "out").write_text("a file where the folder should be")
    code, _, err = cli("forecast", "--history", "h.csv", "--start", "2026-01-12", "--days", "2",
                       "-o", "out/f.csv")
    assert code == 2 and "not a folder" in " ".join(err.split()) and "Traceback" not in err, err


def test_roster_cli_checks_the_output_folder_before_the_search(tmp_path, cli, monkeypatch):
    import wfm.roster as roster_pkg

    sample = build_sample(START, days=1, small=True)
    cfg = tmp_path / "config.toml"
    cfg.write_text(sample.config_text, encoding="utf-8")
    from wfm.readers.agents import agents_frame

    agents_frame(sample.agents).to_csv(tmp_path / "agents.csv", index=False)
    step = sample.config.centre.interval_minutes
    times = pd.date_range(pd.Timestamp(START) + pd.Timedelta(hours=8), pd.Timestamp(START) + pd.Timedelta(hours=18),
                          freq=f"{step}min", inclusive="left")
    req = pd.DataFrame([(t.strftime("%Y-%m-%dT%H:%M:%S"), q, 10.0, 300.0, 1.7, 2, 3, 0.8, 20.0, 0.8)
                        for t in times for q in sample.config.queues],
                       columns=["interval_start", "queue", "calls", "aht_s", "erlangs", "agents", "heads",
                                "service_level", "asa_s", "occupancy"])
    req.to_csv(tmp_path / "req.csv", index=False)

    def no_search(*a, **k):
        raise AssertionError("the roster search ran before the output was checked")

    monkeypatch.setattr(roster_pkg, "build_roster", no_search)
    (tmp_path / "rosters").write_text("a file where the folder should be")
    code, _, err = cli("roster", "--requirements", tmp_path / "req.csv", "--agents", tmp_path / "agents.csv",
                       "--config", cfg, "--start", START.isoformat(), "--days", "1",
                       "-o", tmp_path / "rosters" / "r.xlsx")
    assert code == 2 and "not a folder" in " ".join(err.split()) and "Traceback" not in err, err


# ------------------------------------------------------------------------------------------ wfm export names

def test_export_names_are_unique_and_reversible():
    names = export_file_names(HOSTILE_IDS)
    assert set(names) == set(HOSTILE_IDS)
    folded = [n.casefold() for n in names.values()]
    assert len(set(folded)) == len(HOSTILE_IDS)  # also on case-insensitive file systems
    assert names["a_b"] == "a_b"  # a readable id is kept as it is
    assert names["a/b"] != "a_b" and "/" not in names["a/b"]
    assert names["张三"] != names["李四"]
    assert names["A1"].casefold() != names["a1"].casefold()
    for n in names.values():
        assert n.isascii() and n == n.strip() and not n.startswith(".")
    assert export_file_names(["A0001", "B-2.x"]) == {"A0001": "A0001", "B-2.x": "B-2.x"}
    assert export_file_names(["CON", "manifest"])["CON"] != "CON"
    assert export_file_names(["manifest"])["manifest"] != "manifest"


def test_export_writes_every_agent_once_with_a_manifest(tmp_path):
    import dataclasses

    sample = build_sample(START, days=1, small=True)
    agents = [dataclasses.replace(a, agent_id=i) for a, i in zip(sample.agents, HOSTILE_IDS)]
    rows = [plan_from_code(a, START, "E0700" if a.contract_hours_week >= 40 else "P1000", sample.config)
            for a in agents]
    roster = pd.concat(rows, ignore_index=True)
    paths = export_agent_schedules(roster, agents, sample.config, tmp_path / "out")
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(paths) == 2 * len(HOSTILE_IDS) and len(files) == len(paths) + 1  # + the manifest
    assert len({f.casefold() for f in files}) == len(files)
    manifest = pd.read_csv(tmp_path / "out" / MANIFEST, sep="\t", dtype=str)
    assert sorted(manifest["file"]) == sorted(p.name for p in paths)
    assert set(manifest["agent_id"]) == set(HOSTILE_IDS)
    for aid, file in zip(manifest["agent_id"], manifest["file"]):
        if file.endswith(".ics"):
            assert f"UID:{aid}-" in (tmp_path / "out" / file).read_text(encoding="utf-8")
    # Without --force nothing is replaced; with --force the same files are rewritten, none added.
    with pytest.raises(OutputExistsError):
        export_agent_schedules(roster, agents, sample.config, tmp_path / "out")
    export_agent_schedules(roster, agents, sample.config, tmp_path / "out", force=True)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == files


def test_export_disk_full_leaves_the_previous_export(tmp_path, monkeypatch):
    import dataclasses

    sample = build_sample(START, days=1, small=True)
    agents = [dataclasses.replace(a, agent_id=i) for a, i in zip(sample.agents, ["x1", "x2", "x3"])]
    rows = [plan_from_code(a, START, "P1000", sample.config) for a in agents]
    roster = pd.concat(rows, ignore_index=True)
    out = tmp_path / "out"
    export_agent_schedules(roster, agents, sample.config, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = {"n": 0}
    real = atomic.text_writer

    def failing_text_writer(text):
        calls["n"] += 1
        return _enospc if calls["n"] == 2 else real(text)

    import wfm.publish.agent_export as agent_export

    monkeypatch.setattr(agent_export, "text_writer", failing_text_writer)
    with pytest.raises(OutputError):
        export_agent_schedules(roster.assign(queue=roster["queue"]), agents, sample.config, out, force=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_clean_folder_ignores_a_missing_folder(tmp_path):
    clean_folder(tmp_path / "nope")


def test_ctrl_c_between_the_two_renames_is_finished_by_the_next_write(tmp_path, monkeypatch):
    (tmp_path / "f.csv").write_text("old csv")
    (tmp_path / "f.xlsx").write_text("old xlsx")
    real = os.replace

    def interrupted(src, dst):
        real(src, dst)
        if str(dst).endswith("f.csv"):
            raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_group([(tmp_path / "f.csv", lambda p: p.write_text("new csv")),
                     (tmp_path / "f.xlsx", lambda p: p.write_text("new xlsx"))], force=True)
    monkeypatch.setattr(atomic.os, "replace", real)
    monkeypatch.setattr(atomic, "_pid_alive", lambda pid: False)  # as seen by the next run, once this one ended
    write_text("other", tmp_path / "g.csv")
    assert (tmp_path / "f.csv").read_text() == "new csv" and (tmp_path / "f.xlsx").read_text() == "new xlsx"
    assert _leftovers(tmp_path) == []
