"""The time promise's pieces: how busy the machine is, and what the workbook is given after the search."""

from __future__ import annotations

import time

import pandas as pd

from wfm.cli.roster import _wall_s
from wfm.roster.budget import SLOWNESS_MAX, slowness


def _burn(cpu_s: float) -> None:
    end = time.process_time() + cpu_s
    while time.process_time() < end:
        pass


def test_slowness_is_one_before_enough_work_to_judge():
    assert slowness(time.perf_counter() - 5.0, time.process_time()) == 1.0


def test_wall_time_without_cpu_reads_as_a_busy_machine():
    t, c = time.perf_counter(), time.process_time()
    _burn(0.25)
    time.sleep(0.75)  # wall seconds this process did not get the CPU for, as on a loaded machine
    assert 2.0 <= slowness(t, c) <= SLOWNESS_MAX


def test_slowness_stays_within_its_bounds():
    t, c = time.perf_counter(), time.process_time()
    _burn(0.25)
    time.sleep(3.0)
    assert slowness(t, c) == SLOWNESS_MAX


def test_the_workbooks_simulation_of_the_calls_is_kept_out_of_the_search():
    start, cpu = time.perf_counter(), time.process_time()
    quiet = pd.DataFrame({"calls": [0.0] * 4})
    busy = pd.DataFrame({"calls": [100_000.0] * 4})
    without = _wall_s(60.0, start, cpu, 100, 7, quiet)
    with_calls = _wall_s(60.0, start, cpu, 100, 7, busy)
    assert without < 75.0
    # 400,000 calls simulated 10 times: the demo week's 367,000 call events took 0.6-2.9 CPU-s, so 4 M over 6
    assert without - with_calls > 6.0
