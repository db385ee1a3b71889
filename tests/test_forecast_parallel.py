"""Queues fitted in parallel: local processes and a real Dask LocalCluster give the serial numbers."""

import datetime as dt

import pandas as pd
import pytest

import test_forecast_synth as synth
from wfm.forecast import Forecaster
from wfm.parallel import map_tasks

D = dt.date


def _square(x):
    return x * x


def _history():
    return pd.concat([synth.history(D(2025, 6, 1), D(2025, 11, 30), seed=s, queue=q, base=b)
                      for s, (q, b) in enumerate([("billing", 2000), ("faults", 700), ("vip", 150)])])


def test_map_tasks_inline_and_processes():
    progress = []
    assert map_tasks(_square, [3], progress=lambda d, t: progress.append((d, t))) == [9]
    assert progress == [(0, 1), (1, 1)]
    assert map_tasks(_square, range(7), workers=2) == [x * x for x in range(7)]
    assert map_tasks(_square, [], workers=2) == []


@pytest.mark.slow
def test_local_processes_and_dask_cluster_match_serial():
    from dask.distributed import LocalCluster

    hist = _history()
    serial = Forecaster(country="CN", workers=1).fit(hist).predict(D(2025, 12, 1), 14)
    local = Forecaster(country="CN", workers=2).fit(hist).predict(D(2025, 12, 1), 14)
    pd.testing.assert_frame_equal(serial, local)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        done = []
        fc = Forecaster(country="CN", scheduler=cluster.scheduler_address, progress=lambda d, t: done.append(d))
        remote = fc.fit(hist).predict(D(2025, 12, 1), 14)
    pd.testing.assert_frame_equal(serial, remote)
    assert done[-1] == 3


def test_worker_processes_run_one_blas_thread(tmp_path):
    """Issue 20: workers forked from a process whose BLAS already runs several threads use one each (the
    environment variables alone, set after the fork, are too late). Run in a fresh interpreter without the
    test suite's own thread settings."""
    import os
    import subprocess
    import sys

    script = tmp_path / "blas.py"
    script.write_text(
        "import numpy as np\n"
        "from threadpoolctl import threadpool_info\n"
        "from wfm.parallel import map_tasks\n"
        "def threads(_):\n"
        "    return max((p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas'), default=1)\n"
        "if __name__ == '__main__':\n"
        "    np.ones((50, 50)) @ np.ones((50, 50))\n"
        "    print(threads(0), *map_tasks(threads, range(4), workers=2))\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                                            "MKL_NUM_THREADS")}
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, check=True)
    parent, *workers = map(int, out.stdout.split())
    assert workers == [1, 1, 1, 1], out.stdout
