"""Benchmark: issue 15's bank-centre target. A generated bank-like centre (open 08:00-20:00 on weekdays, closed at
weekends and on the holidays it closes for, 5-day week) whose agents ask for weekday days off and take a week of
annual leave: no shift on a closed day, every requested day off honoured, and no weekend work to make it up.
Plain script; prints a table and writes the "Bank centre" section of benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/bench_bank.py [--agents 380] [--days 14] [--limit 60] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.results import update_section  # noqa: E402

START = dt.date(2027, 3, 1)  # a Monday
BANK = """
[centre]
interval_minutes = 30
open = "08:00"
close = "20:00"
closed_weekdays = ["Sat", "Sun"]
closed_on_holidays = true

[queues.retail]
sl_target = 0.8
answer_time_s = 20

[queues.cards]
sl_target = 0.8
answer_time_s = 20

[[shifts]]
code = "E"
start_times = ["08:00", "09:00"]
length_h = 9

[[shifts]]
code = "L"
start_times = ["10:00", "11:00"]
length_h = 9

[rules]
min_days_off_week = 2
max_consecutive_days = 5

[solver]
workers = 2
"""


def bank(n_agents: int, days: int, seed: int = 0):
    """Config, agents (a supervisor per 15; 30% ask for one weekday off, 5% take a week of annual leave) and
    weekday requirements as large as the staff at the peaks (a morning and an afternoon peak, Monday 20% higher)."""
    from wfm.config import parse_config
    from wfm.readers.agents import Agent

    cfg = parse_config(tomllib.loads(BANK))
    rng = np.random.default_rng(seed)
    weekdays = [START + dt.timedelta(days=i) for i in range(days) if (START + dt.timedelta(days=i)).weekday() < 5]
    agents = []
    for i in range(n_agents):
        skills = {"retail": 1.0} if i % 3 else {"retail": 1.0, "cards": 1.0}
        asked = (weekdays[int(rng.integers(len(weekdays)))],) if rng.random() < 0.3 else ()
        leave = ()
        if rng.random() < 0.05:
            first = START + dt.timedelta(days=7 * int(rng.integers(max(1, days // 7))))
            leave = tuple((first + dt.timedelta(days=k), "annual") for k in range(5))
        agents.append(Agent(f"B{i:04d}", f"Agent {i}", f"T{i // 15 + 1}", skills, 40.0,
                            role="supervisor" if i % 15 == 0 else "agent", days_off_requested=asked, leave=leave))
    ts = pd.date_range(pd.Timestamp(START), periods=days * 48, freq="30min")
    hour = np.asarray(ts.hour + ts.minute / 60, dtype=float)
    shape = np.exp(-((hour - 10.5) / 2) ** 2) + 0.8 * np.exp(-((hour - 15.5) / 2.5) ** 2)
    open_ = (hour >= 8) & (hour < 20) & (np.asarray(ts.day_of_week) < 5)
    scale = n_agents * 1.0 * np.where(np.asarray(ts.day_of_week) == 0, 1.2, 1.0)
    rows = []
    for q, share in (("retail", 0.75), ("cards", 0.25)):
        need = np.rint(scale * share * shape * open_).astype(int)
        rows.append(pd.DataFrame({"interval_start": ts, "queue": q, "agents": need, "heads": need}))
    return cfg, agents, pd.concat(rows, ignore_index=True)


def measure(n_agents: int, days: int, limit: float) -> dict:
    from wfm.calendar import closed_days
    from wfm.roster import build_roster

    cfg, agents, req = bank(n_agents, days)
    t0 = time.perf_counter()
    result = build_roster(req, agents, cfg, START, days, time_limit_s=limit)
    wall = time.perf_counter() - t0
    shut, _ = closed_days(cfg.centre, cfg.calendar, START, days)
    worked = {(r.agent_id, dt.date.fromisoformat(str(r.date)[:10]))
              for r in result.data[["agent_id", "date"]].drop_duplicates().itertuples(index=False)}
    asked = [(a.agent_id, d) for a in agents for d in a.days_off_requested]
    askers = {a for a, _ in asked}
    weekday_req = int(req["heads"].sum())
    return {
        "agents": n_agents, "days": days, "closed_days": len(shut),
        "shifts": len(worked), "shifts_on_closed_days": sum(d in shut for _, d in worked),
        "requests": len(asked), "honoured": sum((a, d) not in worked for a, d in asked),
        "askers_weekend_shifts": sum(a in askers and d.weekday() >= 5 for a, d in worked),
        "leave_days_worked": sum((a.agent_id, d) in worked for a in agents for d, _ in a.leave),
        "violations": len(result.report.violations),
        "under_pct": round(100 * result.report.totals["under"] / weekday_req, 1) if weekday_req else 0.0,
        "wall_s": round(wall, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agents", type=int, default=380)
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    row = measure(args.agents, args.days, args.limit)
    table = "| " + " | ".join(row) + " |\n|" + "---|" * len(row) + "\n| " + " | ".join(map(str, row.values())) + " |"
    print(table)
    if not args.no_write:
        update_section("bank", "## Bank centre (issue 15): closed weekends, requested weekday days off\n\n"
                               f"`benchmarks/bench_bank.py --agents {args.agents} --days {args.days} --limit "
                               f"{args.limit:g}` (generated bank: 08:00-20:00 weekdays, 5-day week)\n\n" + table)


if __name__ == "__main__":
    main()
