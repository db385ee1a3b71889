"""Run many scenarios in parallel (local processes, or a Dask cluster) and collect results and failures.

The scenarios are split into batches (a few per worker, so the plan is shipped a few times rather than
once per scenario) and every batch goes through `wfm.parallel.map_tasks`: one code path for local
processes and for a cluster at ``tcp://HOST:PORT``. A scenario that fails is caught inside its batch and
reported as a row of the failures table; the other scenarios still complete. The numbers do not depend
on the scheduler or the batching: each scenario is evaluated by the same deterministic code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from wfm.errors import WfmError
from wfm.parallel import default_workers, map_tasks
from wfm.scenarios.evaluate import COLUMNS, EXTRA, Plan, base_workforce, evaluate
from wfm.scenarios.scenario import BASE, Scenario

FAILURE_COLUMNS = ["scenario", "error"]


class _Batch:
    """A picklable task: evaluate a batch of scenarios against one plan, catching each one's failure."""

    def __init__(self, plan: Plan):
        self.plan = plan

    def __call__(self, batch: Sequence[Scenario]) -> list[tuple[str, pd.DataFrame | None, str | None]]:
        out = []
        for sc in batch:
            try:
                out.append((sc.name, evaluate(self.plan, sc), None))
            except Exception as exc:  # noqa: BLE001 - one scenario's failure must not lose the others
                msg = str(exc) if isinstance(exc, WfmError) else f"{type(exc).__name__}: {exc}"
                out.append((sc.name, None, msg))
        return out


def _batches(items: Sequence[Scenario], n: int) -> list[list[Scenario]]:
    n = max(1, min(n, len(items)))
    size, extra = divmod(len(items), n)
    out, i = [], 0
    for b in range(n):
        k = size + (1 if b < extra else 0)
        out.append(list(items[i:i + k]))
        i += k
    return out


def run_scenarios(scenarios: Sequence[Scenario], plan: Plan, *, scheduler: str | None = None,
                  workers: int | None = None, progress: Callable[[int, int], Any] | None = None,
                  batches: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(results, failures): weekly results of every scenario that ran (`evaluate` columns, scenario order)
    and one row per failed scenario (``scenario, error``).

    Without a scheduler and with `workers` <= 1 everything runs in this process. With no workforce in the
    plan (no agents table), the staff available is what the base plan requires, computed here first.
    `batches` defaults to 4 per worker.
    """
    scenarios = list(scenarios)
    if plan.workforce is None:
        base = next((s for s in scenarios if s.name == BASE), Scenario(BASE))
        plan = dataclasses.replace(plan, workforce=base_workforce(plan, base),
                                   notes=(*plan.notes, "no agents given: the staff available is what the base "
                                                       "plan requires"))
    n_workers = workers or default_workers()
    if scheduler is None and n_workers <= 1:
        n_batches = 1
    else:
        n_batches = batches or 4 * n_workers
    parts = _batches(scenarios, n_batches) if scenarios else []
    done = map_tasks(_Batch(plan), parts, scheduler=scheduler, workers=workers, progress=progress)
    frames, failures = [], []
    for batch in done:
        for name, frame, error in batch:
            if error is None:
                frames.append(frame)
            else:
                failures.append({"scenario": name, "error": error})
    results = (pd.concat(frames, ignore_index=True) if frames
               else pd.DataFrame(columns=COLUMNS + EXTRA))
    return results, pd.DataFrame(failures, columns=FAILURE_COLUMNS)


__all__ = ["FAILURE_COLUMNS", "run_scenarios"]


def comparison(results: pd.DataFrame, summary: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per scenario, side by side: mean weekly FTE required and available (weighted by the days of
    each week, so a partial week counts for its days), largest gap, peak
    agents, call-weighted expected service level and the worst week's, total cost of the required FTE and
    its difference to the first scenario (the base), the total cost of the staff on the books (where the
    results have it), then the capacity summary's first short week, hire-by date and class size."""
    cols = ["scenario", "weeks", "fte_required", "fte_available", "max_gap_fte", "peak_agents", "service_level",
            "min_service_level", "cost", "cost_vs_base"]
    if "cost_on_books" in results:
        cols.append("cost_on_books")
    if results.empty:
        return pd.DataFrame(columns=cols)
    # weekly means weighted by the days of each week: a partial week counts for its days
    wd = results["days"].astype(float) if "days" in results else pd.Series(7.0, index=results.index)
    r = results.assign(_sl_calls=results["service_level"].fillna(0) * results["calls"],
                       _gap=results["fte_required"] - results["fte_available"], _wd=wd,
                       _req_d=results["fte_required"] * wd, _avail_d=results["fte_available"] * wd)
    g = r.groupby("scenario", sort=False).agg(
        weeks=("week_start", "size"), _req_d=("_req_d", "sum"), _avail_d=("_avail_d", "sum"), _wd=("_wd", "sum"),
        max_gap_fte=("_gap", "max"), peak_agents=("peak_agents", "max"), _sl_calls=("_sl_calls", "sum"),
        calls=("calls", "sum"), min_service_level=("service_level", "min"), cost=("cost", "sum"),
        **({"cost_on_books": ("cost_on_books", "sum")} if "cost_on_books" in results else {})).reset_index()
    g["fte_required"] = g["_req_d"] / g["_wd"]
    g["fte_available"] = g["_avail_d"] / g["_wd"]
    g["service_level"] = (g["_sl_calls"] / g["calls"].where(g["calls"] > 0)).round(4)
    g["max_gap_fte"] = g["max_gap_fte"].clip(lower=0)
    g["cost_vs_base"] = g["cost"] - g["cost"].iloc[0]
    for c, nd in (("fte_required", 2), ("fte_available", 2), ("max_gap_fte", 2), ("cost", 2),
                  ("cost_vs_base", 2), ("cost_on_books", 2)):
        if c in g:
            g[c] = g[c].round(nd)
    out = g[cols]
    if summary is not None and not summary.empty:
        keep = ["scenario", "first_short_week", "gap_opens", "hire_by", "late", "class_size", "note"]
        out = out.merge(summary[keep], on="scenario", how="left")
    return out


__all__ += ["comparison"]
