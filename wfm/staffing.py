"""Staffing: from forecast calls to required on-phone agents and rostered heads, per interval and queue.

Erlang C (M/M/N) for queues without a patience, Erlang A (M/M/N+M, Palm 1943; Garnett, Mandelbaum &
Reiman 2002) for queues with one; formulas and sources in `wfm.erlang`. Conventions follow
`shared/data/erlang_reference.md`: load A = calls * aht_s / interval_s; required agents = the smallest N
with service level >= target, ASA <= target (when set), occupancy <= cap (when set), for Erlang A
P(abandon) <= the abandonment cap (when set; `abandon_cap`) and, for Erlang C, N > A; zero calls need zero
agents. Comparisons against targets allow 1e-12 for floating-point noise.
The maths per interval is in `wfm.staffing_targets` (re-exported here); this module is the DataFrame stage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.staffing_targets import (BINDINGS, TOL, ImpossibleTargetError, QueueLike, StaffingError, abandon_cap,
                                  abandon_probability, asa, heads, load_arrays, metrics, occupancy,
                                  required_agents, required_agents_explained, service_level, wait_probability)


def _queue_arrays(queue_col: pd.Series, queues: Mapping[str, QueueLike]) -> dict[str, np.ndarray]:
    unknown = sorted(set(queue_col.unique()) - set(queues))
    if unknown:
        raise StaffingError(f"queue(s) not in the config: {', '.join(map(str, unknown))}")
    fields = {"sl_target": 0.0, "answer_time_s": 0.0, "asa_target_s": np.nan, "max_occupancy": np.nan,
              "patience_s": np.nan, "min_agents": 0}
    out = {}
    for f, default in fields.items():
        table = {name: (getattr(q, f) if getattr(q, f) is not None else default) for name, q in queues.items()}
        out[f] = queue_col.map(table).to_numpy(dtype=float)
    caps = {name: abandon_cap(q) for name, q in queues.items()}
    out["max_abandon_rate"] = queue_col.map({k: np.nan if v is None else v for k, v in caps.items()}
                                            ).to_numpy(dtype=float)
    return out


def staff(forecast: pd.DataFrame, queues: Mapping[str, QueueLike], *, interval_s: int, shrinkage: float,
          open_mask: Sequence[bool] | np.ndarray | pd.Series | None = None) -> pd.DataFrame:
    """Requirements per interval and queue from a forecast (`interval_start, queue, calls, aht_s`).

    Returns the contract's requirements columns plus `abandon_rate` (Erlang A queues; empty for Erlang C)
    and `binding` (service_level, asa, occupancy, abandon_rate, min_agents, or none where no calls are
    expected); a queue's abandonment cap is `abandon_cap` (Erlang A queues only).
    `shrinkage` is the share the roster does not place; `open_mask` (aligned with the forecast rows) limits
    the queues' `min_agents` floor to open intervals (default: always open).
    """
    missing = [c for c in ("interval_start", "queue", "calls", "aht_s") if c not in forecast.columns]
    if missing:
        raise StaffingError(f"forecast is missing column(s): {', '.join(missing)}")
    q = _queue_arrays(forecast["queue"], queues)
    calls = forecast["calls"].to_numpy(dtype=float)
    aht = forecast["aht_s"].to_numpy(dtype=float)
    floor_ = q["min_agents"]
    if open_mask is not None:
        floor_ = np.where(np.asarray(open_mask, dtype=bool), floor_, 0.0)
    agents, binding = required_agents_explained(
        calls, aht, interval_s=interval_s, sl_target=q["sl_target"], answer_time_s=q["answer_time_s"],
        max_occupancy=q["max_occupancy"], patience_s=q["patience_s"], asa_target_s=q["asa_target_s"],
        min_agents=floor_, max_abandon_rate=q["max_abandon_rate"])
    m = metrics(calls, aht, agents, interval_s, q["answer_time_s"], q["patience_s"])
    _, aht_c, _, load = load_arrays(calls, aht, interval_s)
    out = pd.DataFrame({
        "interval_start": forecast["interval_start"].to_numpy(),
        "queue": forecast["queue"].to_numpy(),
        "calls": calls,
        "aht_s": aht_c,
        "erlangs": np.round(load, 6),
        "agents": agents,
        "heads": heads(agents, shrinkage),
        "service_level": np.round(m["service_level"], 6),
        "asa_s": np.round(m["asa_s"], 3),
        "occupancy": np.round(m["occupancy"], 6),
        "abandon_rate": np.where(np.isnan(q["patience_s"]), np.nan, np.round(m["abandon_rate"], 6)),
        "binding": np.asarray(BINDINGS, dtype=object)[binding],
    })
    return out


def summarise(requirements: pd.DataFrame, *, interval_s: int,
              hours_per_fte: float = 40.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-day and per-week (Monday start) totals per queue and for all queues together (`queue` = "all").

    Columns: peak_agents (largest interval requirement; for "all" the peak of the summed requirement),
    agent_hours, head_hours, fte. Weekly FTE = head_hours / hours_per_fte; daily FTE = head_hours /
    (hours_per_fte / 5), i.e. full-time days of a 5-day week.
    """
    if requirements.empty:
        cols = ["queue", "peak_agents", "agent_hours", "head_hours", "fte"]
        return pd.DataFrame(columns=["date", *cols]), pd.DataFrame(columns=["week_start", "days", *cols])
    h = interval_s / 3600.0
    df = requirements[["interval_start", "queue", "agents", "heads"]].copy()
    ts = pd.to_datetime(df["interval_start"])
    df["date"] = ts.dt.normalize()
    total = df.groupby(["interval_start", "date"], as_index=False)[["agents", "heads"]].sum()
    total["queue"] = "all"
    both = pd.concat([df, total], ignore_index=True)
    both["week_start"] = both["date"] - pd.to_timedelta(both["date"].dt.day_of_week, unit="D")

    def agg(keys: list[str]) -> pd.DataFrame:
        g = both.groupby(keys, sort=True)
        res = g.agg(peak_agents=("agents", "max"), agent_hours=("agents", "sum"), head_hours=("heads", "sum"),
                    days=("date", "nunique")).reset_index()
        res["agent_hours"] = res["agent_hours"] * h
        res["head_hours"] = res["head_hours"] * h
        return res

    daily = agg(["date", "queue"]).drop(columns="days")
    daily["fte"] = daily["head_hours"] / (hours_per_fte / 5.0)
    daily["date"] = daily["date"].dt.date
    weekly = agg(["week_start", "queue"])
    weekly["fte"] = weekly["head_hours"] / hours_per_fte
    weekly["week_start"] = weekly["week_start"].dt.date
    weekly = weekly[["week_start", "days", "queue", "peak_agents", "agent_hours", "head_hours", "fte"]]
    order = {name: i for i, name in enumerate(list(dict.fromkeys(requirements["queue"])) + ["all"])}
    daily = daily.sort_values(["date", "queue"], key=lambda s: s.map(order) if s.name == "queue" else s)
    weekly = weekly.sort_values(["week_start", "queue"], key=lambda s: s.map(order) if s.name == "queue" else s)
    return daily.reset_index(drop=True), weekly.reset_index(drop=True)


@dataclass(frozen=True)
class PooledQueue:
    """A queue made of several pooled queues (same fields staffing reads from `QueueConfig`)."""

    name: str
    sl_target: float
    answer_time_s: float
    asa_target_s: float | None
    max_occupancy: float | None
    patience_s: float | None
    min_agents: int
    answer_rate_target: float | None = None
    max_abandon_rate: float | None = None


def pooled_queue(members: Sequence[QueueLike], name: str | None = None) -> PooledQueue:
    """The queue config of a pool: the strictest target of its members (highest SL target, shortest answer
    time, lowest ASA target and occupancy cap, largest floor, highest answer-rate target, lowest abandonment
    cap); patience is the shortest member patience when every member has one (Erlang A), else none (Erlang C,
    which ignores the answer-rate and abandonment targets)."""
    def least(values: list[float | None]) -> float | None:
        vals = [v for v in values if v is not None]
        return min(vals) if vals else None

    def most(values: list[float | None]) -> float | None:
        vals = [v for v in values if v is not None]
        return max(vals) if vals else None

    pats = [m.patience_s for m in members]
    known = [p for p in pats if p is not None]
    return PooledQueue(
        name=name or "+".join(m.name for m in members),
        sl_target=max(m.sl_target for m in members),
        answer_time_s=min(m.answer_time_s for m in members),
        asa_target_s=least([m.asa_target_s for m in members]),
        max_occupancy=least([m.max_occupancy for m in members]),
        patience_s=min(known) if len(known) == len(pats) else None,
        min_agents=max(m.min_agents for m in members),
        answer_rate_target=most([getattr(m, "answer_rate_target", None) for m in members]),
        max_abandon_rate=least([getattr(m, "max_abandon_rate", None) for m in members]),
    )


def pooling_effect(forecast: pd.DataFrame, queues: Mapping[str, QueueLike], pools: Sequence[Sequence[str]], *,
                   interval_s: int) -> pd.DataFrame:
    """Agents needed with each pool's queues served separately versus as one pooled queue, per interval.

    The pooled queue gets the summed calls, the call-weighted AHT and the strictest member target
    (`pooled_queue`). Columns: `interval_start, pool, calls, aht_s, agents_separate, agents_pooled, saving`.
    Use `pooling_totals` for agent-hours and peaks per pool.
    """
    frames = []
    for members in pools:
        members = list(members)
        unknown = [m for m in members if m not in queues]
        if unknown:
            raise StaffingError(f"pool member(s) not in the config: {', '.join(unknown)}")
        part = forecast[forecast["queue"].isin(members)].copy()
        sep = staff(part, queues, interval_s=interval_s, shrinkage=0.0)
        part["agents"] = sep["agents"].to_numpy()
        part["work"] = part["calls"] * np.nan_to_num(part["aht_s"].to_numpy(dtype=float))
        g = part.groupby("interval_start", sort=True).agg(calls=("calls", "sum"), work=("work", "sum"),
                                                          agents_separate=("agents", "sum")).reset_index()
        pool = pooled_queue([queues[m] for m in members])
        with np.errstate(invalid="ignore", divide="ignore"):
            g["aht_s"] = np.where(g["calls"] > 0, g["work"] / g["calls"], 0.0)
        g["queue"] = pool.name
        pooled = staff(g[["interval_start", "queue", "calls", "aht_s"]], {pool.name: pool},
                       interval_s=interval_s, shrinkage=0.0)
        g["agents_pooled"] = pooled["agents"].to_numpy()
        g["pool"] = pool.name
        frames.append(g)
    if not frames:
        return pd.DataFrame(columns=["interval_start", "pool", "calls", "aht_s", "agents_separate",
                                     "agents_pooled", "saving"])
    out = pd.concat(frames, ignore_index=True)
    out["saving"] = out["agents_separate"] - out["agents_pooled"]
    return out[["interval_start", "pool", "calls", "aht_s", "agents_separate", "agents_pooled", "saving"]]


def pooling_totals(effect: pd.DataFrame, *, interval_s: int) -> pd.DataFrame:
    """Per pool: agent-hours and peak agents separate vs pooled, and the saving in hours and percent."""
    h = interval_s / 3600.0
    g = effect.groupby("pool", sort=False).agg(
        hours_separate=("agents_separate", "sum"), hours_pooled=("agents_pooled", "sum"),
        peak_separate=("agents_separate", "max"), peak_pooled=("agents_pooled", "max")).reset_index()
    g["hours_separate"] *= h
    g["hours_pooled"] *= h
    g["saving_hours"] = g["hours_separate"] - g["hours_pooled"]
    with np.errstate(invalid="ignore", divide="ignore"):
        g["saving_pct"] = np.where(g["hours_separate"] > 0, 100.0 * g["saving_hours"] / g["hours_separate"], 0.0)
    return g


__all__ = [
    "BINDINGS", "TOL", "ImpossibleTargetError", "PooledQueue", "QueueLike", "StaffingError", "abandon_cap",
    "abandon_probability",
    "asa", "heads", "occupancy", "pooled_queue", "pooling_effect", "pooling_totals", "required_agents",
    "required_agents_explained", "service_level", "staff", "summarise", "wait_probability",
]
