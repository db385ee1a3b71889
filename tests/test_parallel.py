"""Local and Dask execution (`wfm.parallel`) without a cluster: what a user without Dask is told."""

from __future__ import annotations

import sys

import pytest

from wfm.parallel import SchedulerError, executor


def test_scheduler_without_dask_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # as if Dask were not installed
    with pytest.raises(SchedulerError) as exc:
        with executor("tcp://127.0.0.1:8786"):
            pass
    assert "pip install 'wfm[dask]'" in str(exc.value) and exc.value.exit_code == 2


PROBE = """
import numpy
from threadpoolctl import threadpool_info
from wfm.parallel import executor

def blas():
    return sorted({p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"})

if __name__ == "__main__":
    with executor(workers=2) as ex:
        print([ex.submit(blas).result() for _ in range(4)])
"""


def test_local_workers_run_one_blas_thread_each(tmp_path):
    """In a fresh interpreter without the thread variables this suite sets (conftest), the parent's BLAS is
    loaded before the workers fork, so setting the environment in a worker is too late: the workers must resize
    their pools themselves (threadpoolctl)."""
    import os
    import subprocess

    script = tmp_path / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                                             "MKL_NUM_THREADS")}
    out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() in ("[[1], [1], [1], [1]]", "[[], [], [], []]"), out.stdout
