"""The share of an on-phone interval a person gives to calls: one function the roster model, the simulation and
what-if all count supervisors and new hires by (`[capacity]` in the config).

- A supervisor (`role = supervisor`) is on the phones `supervisor_phone_share` of their on-phone time; the rest
  is floor support (walk-ups, escalations).
- A new hire in nesting (on or before `training_until`) handles `nesting_share` of a trained agent's calls.
- Everyone else gives 1.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def phone_share(agent: Any, day: dt.date, config: Any) -> float:
    """Calls capacity of one on-phone interval of `agent` on `day`, as a share of a trained agent's."""
    cap = getattr(config, "capacity", None)
    if cap is None:
        return 1.0
    share = 1.0
    if getattr(agent, "role", "agent") == "supervisor":
        share *= cap.supervisor_phone_share
    until = getattr(agent, "training_until", None)
    if until is not None and day <= until:
        share *= cap.nesting_share
    return share


def kept_intervals(n: int, share: float) -> list[bool]:
    """Which of `n` on-phone intervals in a row a person with `share` spends on calls: spread evenly (the k-th
    is kept when the running total of `share` passes a whole number): floor(n x share) of them."""
    return [int((j + 1) * share + 1e-9) > int(j * share + 1e-9) for j in range(n)]


def on_calls(roster, agents, config):
    """A boolean array over the rows of a roster long table (`agent_id, date, interval_start, activity, queue`):
    True for the `work` rows a person spends on calls, by their `phone_share` on the row's date, spread evenly
    over each shift's on-phone intervals (`kept_intervals`); other activities are False."""
    import numpy as np
    import pandas as pd

    work = (roster["activity"].astype(str) == "work").to_numpy()
    keep = work.copy()
    by_id = {a.agent_id: a for a in agents}
    rows = pd.DataFrame({"agent_id": roster["agent_id"].astype(str).to_numpy(), "date": roster["date"].to_numpy(),
                         "ts": pd.to_datetime(roster["interval_start"]).to_numpy(),
                         "pos": np.arange(len(roster))})[work]
    for (aid, day), g in rows.groupby(["agent_id", "date"], sort=False):
        agent = by_id.get(aid)
        share = 1.0 if agent is None else phone_share(agent, pd.Timestamp(day).date(), config)
        if share < 1.0:
            g = g.sort_values("ts")
            keep[g["pos"].to_numpy()] = kept_intervals(len(g), share)
    return keep
