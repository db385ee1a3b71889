"""Issue 19: regressions for what benchmarks/adversarial.py found (each ran the real CLI end to end)."""

from __future__ import annotations

import errno
import os
import stat
import sys
import time

import pandas as pd
import pytest

from wfm.atomic import OutputError, check_writable, write_atomic, write_group
from wfm.config import load_config_lenient
from wfm.errors import InputError, OutputExistsError
from wfm.parallel import SchedulerError, check_scheduler_address
from wfm.readers.forecast import check_covers_period
from wfm.readers.tables import read_table


# --------------------------------------------------------------------------------- outputs that are not files

def test_output_onto_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    for force in (False, True):
        with pytest.raises(OutputError, match="not a regular file"):
            check_writable(fifo, force)
        with pytest.raises(OutputError, match="not a regular file"):
            write_atomic(fifo, lambda p: p.write_text("x"), force=force)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still the pipe, never replaced by a file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a character device needs root")
def test_output_onto_a_device_never_replaces_it(tmp_path):
    """As root, `-o /dev/full --force` renamed the output over the device node (found on a real run)."""
    dev = tmp_path / "full"
    os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    with pytest.raises(OutputError, match="not a regular file"):
        write_group([(dev, lambda p: p.write_text("x"))], force=True)
    assert stat.S_ISCHR(os.stat(dev).st_mode)


def test_output_through_a_symlink_to_a_regular_file_is_still_allowed(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_atomic(link, lambda p: p.write_text("new"), force=True)
    assert link.read_text() == "new"
    with pytest.raises(OutputExistsError):
        write_atomic(link, lambda p: p.write_text("newer"), force=False)


def test_an_output_name_too_long_for_the_file_system_is_an_output_error(tmp_path):
    """A 300-character name gave an ENAMETOOLONG traceback from the writability check (`Path.is_dir`)."""
    target = tmp_path / ("x" * 300 + ".csv")
    with pytest.raises(OutputError, match="File name too long"):
        check_writable(target, False)
    with pytest.raises(OutputError, match="File name too long"):
        write_atomic(target, lambda p: p.write_text("x"), force=True)
    assert list(tmp_path.iterdir()) == []


def test_a_writer_failing_on_a_full_disk_leaves_no_generator_noise(tmp_path, monkeypatch):
    """openpyxl's lxml streams are generators that raise again when closed after ENOSPC: their 'Exception
    ignored' tracebacks were printed after the plain error message."""
    noise: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", noise.append)

    def stream():
        try:
            yield
        finally:
            raise RuntimeError("not in an element")  # what lxml's xmlfile raises when closed half-way

    def writer(path):
        gen = stream()
        next(gen)
        path.write_text("partial")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    target = tmp_path / "roster.xlsx"
    target.write_text("last good")
    with pytest.raises(OutputError, match="No space left on device") as info:
        write_atomic(target, writer, force=True)
    assert info.value.__context__ is None and info.value.__cause__ is None
    assert noise == []
    assert sys.unraisablehook == noise.append  # the caller's hook is restored
    assert target.read_text() == "last good"
    assert [p.name for p in tmp_path.iterdir()] == ["roster.xlsx"]


# ------------------------------------------------------------------------------------------------- inputs

def test_nul_bytes_past_the_first_4kb_are_an_error_naming_the_line(tmp_path):
    lines = ["interval_start,queue,offered"] + [f"2026-11-02T{h:02d}:{m:02d}:00,billing,{h}"
                                                for h in range(24) for m in (0, 15, 30, 45)] * 3
    data = ("\n".join(lines) + "\n").encode()
    assert len(data) > 4096
    cut = data.index(b"\n", 5000) + 1  # the start of a line past 4 KB
    line_no = data.count(b"\n", 0, cut) + 1
    path = tmp_path / "h.csv"
    path.write_bytes(data[:cut + 10] + b"\x00\x00" + data[cut + 10:])
    with pytest.raises(InputError) as info:
        read_table(path, what="history")
    (problem,) = info.value.problems
    assert problem.row == line_no and "NUL" in problem.message and problem.file == str(path)


def test_config_nested_too_deep_is_a_problem_not_a_recursion_error(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    config, problems = load_config_lenient(path)
    assert config is None
    assert [p.message for p in problems.errors] == ["not valid TOML: arrays or tables nested too deep"]


def test_config_of_megabytes_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text("[centre]\ninterval_minutes = 15\n" + "# padding\n" * 500_000)
    config, problems = load_config_lenient(path)
    assert config is None and "MB" in problems.errors[0].message


@pytest.mark.parametrize("address", ["foo", "tcp://host", "tcp://host:0", "tcp://host:99999", "http://h:1",
                                     "tcp://h:1/x", ""])
def test_malformed_scheduler_addresses(address):
    with pytest.raises(SchedulerError, match="not a Dask scheduler address"):
        check_scheduler_address(address)


@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "tls://sched.example.org:8786", "localhost:8786",
                                     "tcp://[::1]:8786", "ws://h:8786", "inproc://192.0.2.2/23802/1"])
def test_wellformed_scheduler_addresses(address):
    assert check_scheduler_address(address) == address and check_scheduler_address(None) is None


def test_requirements_of_another_period_name_the_file_and_its_span(tmp_path):
    import datetime as dt

    req = pd.DataFrame({"interval_start": pd.date_range("2026-12-07", periods=4 * 96, freq="15min")})
    check_covers_period(req, tmp_path / "r.csv", dt.date(2026, 12, 10), 7)  # overlaps: fine
    with pytest.raises(InputError) as info:
        check_covers_period(req, tmp_path / "r.csv", dt.date(2027, 1, 4), 7)
    (problem,) = info.value.problems
    assert problem.file == str(tmp_path / "r.csv")
    assert "2027-01-04 to 2027-01-10" in problem.message and "2026-12-07 to 2026-12-10" in problem.message


# ---------------------------------------------------------------------------------------------------- the CLI

def test_scheduler_foo_is_a_usage_error_at_once(tmp_path, cli):
    t0 = time.perf_counter()
    code, _, err = cli("forecast", "-H", tmp_path / "absent.csv", "--start", "2026-12-07", "--days", "2",
                       "--scheduler", "foo")
    assert code == 2 and "not a Dask scheduler address" in err and "Traceback" not in err
    assert time.perf_counter() - t0 < 5


def test_init_onto_a_file_exits_2(tmp_path, cli):
    target = tmp_path / "agents.xlsx"
    target.write_bytes(b"mine")
    code, _, err = cli("init", target)
    assert code == 2 and "not a folder" in err.replace("\n", " ")
    assert target.read_bytes() == b"mine"


def test_init_writes_nothing_when_one_of_its_files_exists(tmp_path, cli):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "history.csv").write_text("mine")
    code, _, err = cli("init", ws)
    assert code == 2 and "exists" in err
    assert sorted(p.name for p in ws.iterdir()) == ["history.csv"]
    assert (ws / "history.csv").read_text() == "mine"


# ------------------------------------------------------------------------------------------- roster model size

def test_roster_size_limit_counts_agent_days(monkeypatch):
    from wfm.roster import check_roster_size

    check_roster_size(700, 28)  # 19,600 agent-days: a large centre's month, under the default
    with pytest.raises(InputError, match="20,000 agents x 7 days = 140,000 agent-days.*WFM_MAX_AGENT_DAYS"):
        check_roster_size(20_000, 7)  # a 2 MB agents file: it ran 245 s and over 2.8 GB before failing
    with pytest.raises(InputError) as info:
        check_roster_size(20_000, 7, "big.csv")
    assert info.value.problems[0].file == "big.csv"
    monkeypatch.setenv("WFM_MAX_AGENT_DAYS", "200000")
    check_roster_size(20_000, 7)


@pytest.mark.slow
def test_build_roster_refuses_an_oversized_roster_before_any_work(monkeypatch):
    import datetime as dt

    from wfm.roster import build_roster
    from wfm.sample import build_sample

    sample = build_sample(dt.date(2026, 12, 7), small=True)
    monkeypatch.setenv("WFM_MAX_AGENT_DAYS", str(len(sample.agents) * 7 - 1))
    t0 = time.perf_counter()
    with pytest.raises(InputError, match="agent-days"):
        build_roster(pd.DataFrame(), sample.agents, sample.config, sample.start, 7, time_limit_s=60)
    assert time.perf_counter() - t0 < 1


# ----------------------------------------------------------------------------------------------- many queues

def _history(tmp_path, queues: list[str]):
    rows = ["interval_start,queue,offered"] + [f"2026-11-02T00:{15 * (i % 4):02d}:00,{q},3"
                                               for i, q in enumerate(queues)]
    path = tmp_path / "h.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_history_with_more_queues_than_the_limit_is_refused(tmp_path, monkeypatch):
    """16,128 one-row queues (0.6 MB) ran the forecast for over two minutes, one fit per queue."""
    from wfm.readers import read_history

    monkeypatch.setenv("WFM_MAX_QUEUES", "50")
    read_history(_history(tmp_path, [f"q{i}" for i in range(50)]))
    with pytest.raises(InputError) as info:
        read_history(_history(tmp_path, [f"q{i}" for i in range(51)]))
    (problem,) = info.value.problems
    assert problem.column == "queue" and "51 different queue names" in problem.message


def test_unknown_queues_are_listed_up_to_twenty_then_counted(tmp_path):
    from wfm.readers import read_history

    with pytest.raises(InputError) as info:
        read_history(_history(tmp_path, ["billing"] + [f"x{i:03d}" for i in range(300)]), queues={"billing"})
    messages = [p.message for p in info.value.problems]
    assert len(messages) == 21
    assert messages[0].startswith("queue 'x000' is not in the config") and "first rows: 3" in messages[0]
    assert messages[-1] == "and 280 more queues not in the config"
