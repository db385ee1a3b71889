"""Run independent tasks in parallel: local processes by default, a Dask cluster when given its address.

One code path: every task goes through a `concurrent.futures.Executor` — a `ProcessPoolExecutor` on this
machine, or the executor of a `dask.distributed.Client` connected to `tcp://HOST:PORT` (a LocalCluster's
address in the tests). A single task, or `workers=1` without a scheduler, runs inline: no start-up cost.
Results come back in the order of `items`.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any, Iterator, TypeVar

from wfm.errors import WfmError

T = TypeVar("T")
R = TypeVar("R")


class SchedulerError(WfmError):
    """The Dask scheduler could not be reached."""


_ADDRESS = re.compile(r"(?:(?:tcp|tls|ws|wss|ucx)://)?(?P<host>\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(?P<port>\d{1,5})"
                      r"|inproc://\S+")  # inproc: a LocalCluster in this process (tests)


def check_scheduler_address(address: str | None) -> str | None:
    """`address` if it is None or a Dask scheduler address (`[tcp://|tls://|ws://|...]HOST:PORT`, port 1-65535,
    or `inproc://...`), else SchedulerError (exit 2) before any connection is tried: a malformed one leaves
    Dask's half-built client waiting 20 s to close."""
    if address is None:
        return None
    m = _ADDRESS.fullmatch(address.strip())
    if m is None or (m["port"] is not None and not 1 <= int(m["port"]) <= 65535):
        raise SchedulerError(f"--scheduler: '{address}' is not a Dask scheduler address (tcp://HOST:PORT, e.g. "
                             f"tcp://10.0.0.5:8786)")
    return address.strip()


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _init_worker() -> None:
    # One BLAS thread per worker process: the tasks are many small numpy calls, and threads would oversubscribe.
    # A forked worker has the parent's BLAS already started, so the environment alone is too late: threadpoolctl
    # resizes the loaded pools (as statsforecast does).
    from threadpoolctl import threadpool_limits

    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    threadpool_limits(limits=1)


@contextmanager
def executor(scheduler: str | None = None, workers: int | None = None) -> Iterator[Executor]:
    """An executor: the Dask client's at `scheduler`, else a local process pool of `workers` processes."""
    if scheduler:
        check_scheduler_address(scheduler)
        try:
            from dask.distributed import Client
        except ImportError:
            raise SchedulerError("--scheduler runs the work on a Dask cluster, and Dask is not installed: "
                                 "pip install 'wfm[dask]' (without --scheduler the work runs on local cores)") from None
        try:
            client = Client(scheduler, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
    else:
        # fork: starts in milliseconds and needs no `if __name__ == "__main__"` guard in the caller's script
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with ProcessPoolExecutor(max_workers=workers or default_workers(), mp_context=ctx,
                                 initializer=_init_worker) as pool:
            yield pool


def map_tasks(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], Any] | None = None,
) -> list[R]:
    """`[fn(x) for x in items]`, in parallel; `progress(done, total)` is called as tasks finish.

    `fn` and the items must be picklable (a module-level function). Exceptions raised by a task propagate.
    """
    items = list(items)
    total = len(items)
    if progress:
        progress(0, total)
    if total == 0:
        return []
    n_workers = min(workers or default_workers(), total)
    if scheduler is None and n_workers <= 1:
        out = []
        for i, x in enumerate(items):
            out.append(fn(x))
            if progress:
                progress(i + 1, total)
        return out
    results: list[Any] = [None] * total
    with executor(scheduler, n_workers) as ex:
        futures = {ex.submit(fn, x): i for i, x in enumerate(items)}
        for done, fut in enumerate(as_completed(futures), start=1):
            results[futures[fut]] = fut.result()
            if progress:
                progress(done, total)
    return results
