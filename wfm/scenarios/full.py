"""Full depth: a roster per scenario with the current agents (`wfm.roster.build_roster`), then the weekly
expected service level of what the roster actually schedules, its paid hours, overtime and cost.

Per scenario: the scenario's forecast and queue targets give the requirements (`wfm.staffing.staff`); the
agents' skills follow the scenario's queues (a pool is served by everyone holding any member's skill, an
added queue by those holding its template's skill, a queue moved into another by those holding either);
the roster is built under the config's labour rules; then per week:

- ``fte_required`` as in fast depth (the requirement does not depend on the roster);
- ``fte_available`` = the roster's on-phone hours / on-phone hours one FTE gives (after breaks and
  training), i.e. the FTE the roster puts on the phones before absence;
- ``service_level`` = under skill routing (`centre.queue_assignment = "routing"`), the roster simulated as
  its workbook's Summary does it (same replications and seed, absences at the unplaced shrinkage), calls
  answered in time over the calls the simulation drew, i.e. the simulation's own service level for the week;
  by hand, Erlang C/A at the agents the roster puts on each queue in each interval, less that shrinkage
  (scheduled x (1 - shrinkage), rounded), call-weighted;
- ``cost`` = the cost of the required FTE, as in fast depth;
- ``cost_on_books`` = paid hours (the roster's shifts, unpaid lunch excluded) x wage, with the hours above
  each agent's weekly contract paid at the overtime multiplier (``overtime_hours``).

A partial week is weighted by its share of a whole week's workload (`wfm.scenarios.evaluate.week_shares`),
never scaled up to 7 days.

Hire classes and attrition are not rostered (a roster period is weeks; the fast depth covers them); a
scenario that changes them is reported with a note in the failures. A roster with no feasible
solution fails that scenario only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from wfm.calendar import week_start
from wfm.pay import hours_cost, is_night, night_hours
from wfm.scenarios.apply import ScenarioError
from wfm.scenarios.evaluate import (COLUMNS, EXTRA, Plan, _queue_fields, _week_start_days, plan_costs, requirements,
                                    week_shares)
from wfm.scenarios.scenario import Scenario
from wfm.staffing import service_level, staff


def _queue_config(q: Any, template: Any | None) -> Any:
    """A `wfm.config.QueueConfig` for a scenario queue (pools are `PooledQueue`s)."""
    from wfm.config import QueueConfig

    if isinstance(q, QueueConfig):
        return q
    return QueueConfig(name=q.name, sl_target=q.sl_target, answer_time_s=q.answer_time_s,
                       label=q.name, asa_target_s=q.asa_target_s, max_occupancy=q.max_occupancy,
                       patience_s=q.patience_s, priority=getattr(template, "priority", 1),
                       min_agents=q.min_agents, default_aht_s=getattr(template, "default_aht_s", 300.0),
                       answer_rate_target=getattr(q, "answer_rate_target", None),
                       max_abandon_rate=getattr(q, "max_abandon_rate", None))


def scenario_agents(agents: list[Any], sc: Scenario) -> list[Any]:
    """The agents with skills renamed for the scenario's added, removed and pooled queues."""
    out = []
    for a in agents:
        skills = dict(a.skills)
        for add in sc.add:
            if add.like in skills:
                skills[add.name] = skills[add.like]
        for r in sc.remove:
            level = skills.pop(r.queue, None)
            if r.into is not None and level is not None:
                skills[r.into] = max(level, skills.get(r.into, 0.0))
        for members in sc.pool:
            held = [skills.pop(m) for m in members if m in skills]
            if held:
                skills["+".join(members)] = max(held)
        if skills or a.role == "supervisor":
            out.append(dataclasses.replace(a, skills=skills or dict(a.skills)))
    return out


def _simulated_answered(f: pd.DataFrame, data: pd.DataFrame, people: list[Any], cfg: Any,
                        shrinkage: float) -> pd.DataFrame:
    """`answered` (in time) per interval and queue from the roster simulated as the workbook's Summary does it
    (`wfm.publish.figures.SIM_REPLICATIONS`, the config's seed, absences at the unplaced shrinkage)."""
    from wfm.publish.figures import SIM_REPLICATIONS
    from wfm.simulation.roster_sim import simulate_roster

    sim = simulate_roster(data, f[["interval_start", "queue", "calls", "aht_s"]], people, cfg,
                          replications=SIM_REPLICATIONS, seed=cfg.solver.seed, absence=shrinkage)
    iv = sim.intervals[["interval_start", "queue", "service_level", "calls"]].rename(columns={"calls": "sim_calls"})
    iv["interval_start"] = pd.to_datetime(iv["interval_start"])
    out = f.assign(_ts=pd.to_datetime(f["interval_start"])).merge(
        iv.rename(columns={"interval_start": "_ts"}), on=["_ts", "queue"], how="left")
    # answered in time over the calls the simulation drew (not the forecast's), so that the weekly figure is the
    # simulation's own period service level, the one the Summary and `wfm simulate` print
    sim_calls = out["sim_calls"].fillna(0.0).to_numpy()
    out["answered"] = out["service_level"].fillna(1.0).to_numpy() * sim_calls
    out["sl_calls"] = sim_calls
    return out.drop(columns=["_ts", "service_level", "sim_calls"])


def evaluate_full(plan: Plan, sc: Scenario) -> pd.DataFrame:
    """One roster for the scenario over the plan's days; weekly results with the fast-depth columns."""
    from wfm.roster import build_roster

    if plan.config is None or not plan.agents:
        raise ScenarioError("full depth needs the config and the agents table in the plan")
    if sc.hire or sc.attrition:
        raise ScenarioError("hire classes and attrition are long-range changes: use the fast depth for them")
    f, qs, shrinkage = requirements(plan, sc)
    fc = f[["interval_start", "queue", "calls", "aht_s"]]
    req = staff(fc, qs, interval_s=plan.interval_s, shrinkage=shrinkage, open_mask=f["open"].to_numpy())
    config = plan.config
    queues = {}
    for name, q in qs.items():
        template = config.queues.get(name) or next((config.queues[m] for m in name.split("+")
                                                   if m in config.queues), None)
        queues[name] = _queue_config(q, template)
    cfg = dataclasses.replace(config, queues=queues)
    if sc.shrinkage is not None:
        cfg = dataclasses.replace(cfg, shrinkage=type(config.shrinkage)(other=sc.shrinkage))
    people = scenario_agents(list(plan.agents), sc)
    result = build_roster(req, people, cfg, plan.start, plan.days, time_limit_s=plan.roster_time_limit_s)

    h = plan.interval_s / 3600.0
    data = result.data
    work = data[data["activity"] == "work"]
    sched = (work.groupby(["interval_start", "queue"]).size().rename("scheduled").reset_index())
    f = f.merge(sched, on=["interval_start", "queue"], how="left")
    f["scheduled"] = f["scheduled"].fillna(0).astype(np.int64)
    q = _queue_fields(f["queue"].to_numpy(), qs)
    present = np.floor(f["scheduled"].to_numpy() * (1.0 - shrinkage) + 0.5)
    sl = service_level(f["calls"].to_numpy(), f["aht_s"].to_numpy(), present,
                       interval_s=plan.interval_s, answer_time_s=q["answer_time_s"], patience_s=q["patience_s"])
    f["answered"] = sl * f["calls"].to_numpy()
    f["sl_calls"] = f["calls"].to_numpy()
    if cfg.centre.queue_assignment == "routing":  # shared agents: the roster's simulation, as in its Summary
        f = _simulated_answered(f, data, people, cfg, shrinkage)
    f["week_start"] = [dt.date.fromisoformat(str(d)) for d in _week_start_days(f["interval_start"])]
    per_fte = plan.on_phone_hours_per_fte * (1.0 - shrinkage)
    g = f.groupby("week_start", sort=True).agg(calls=("calls", "sum"), agents=("agents", "sum"),
                                               scheduled=("scheduled", "sum"), answered=("answered", "sum"),
                                               sl_calls=("sl_calls", "sum"))
    peak = f.groupby(["week_start", "interval_start"])["agents"].sum().groupby(level=0).max()
    days = pd.Series([week_start(d) for d in plan.dates]).value_counts()
    shares = week_shares(plan.dates, f["interval_start"], f["agents"].to_numpy())
    paid_acts = data["activity"] != "lunch" if not config.breaks.lunch_paid else np.ones(len(data), dtype=bool)
    paid = data[paid_acts]
    paid_week = [week_start(d) for d in pd.to_datetime(paid["date"].astype(str)).dt.date]
    hours = paid.assign(week_start=paid_week).groupby(["week_start", "agent_id"]).size() * h
    contract = {a.agent_id: a.contract_hours_week for a in people}
    # night hours, as the Summary prices them: the requirement's share (cost) and the roster's own (on books)
    f["_night"] = f["agents"].to_numpy() * is_night(f["interval_start"]).to_numpy()
    by_week = f.groupby("week_start")[["_night", "agents"]].sum()
    night_share = (by_week["_night"] / by_week["agents"].where(by_week["agents"] > 0)).fillna(0.0).to_dict()
    night_week = {wk: night_hours(rows_w, cfg.centre.interval_minutes, cfg.breaks.lunch_paid)
                  for wk, rows_w in data.assign(_w=[d - dt.timedelta(days=d.weekday()) for d in
                                                    pd.to_datetime(data["date"].astype(str)).dt.date]).groupby("_w")}
    costs = plan_costs(plan)
    rows = []
    for w, r in g.iterrows():
        paid_req = r["agents"] * h / per_fte * plan.hours_per_week
        scale = shares.get(w, 0.0) or days[w] / 7.0  # a week with no workload: by its days
        hw = hours.xs(w, level=0) if w in hours.index.get_level_values(0) else pd.Series(dtype=float)
        over = float(sum(max(0.0, v - contract.get(aid, plan.hours_per_week) * scale) for aid, v in hw.items()))
        total = float(hw.sum())
        rows.append({
            "scenario": sc.name, "week_start": w,
            "fte_required": round(r["agents"] * h / per_fte / scale, 3),
            "fte_available": round(r["scheduled"] * h / plan.on_phone_hours_per_fte / scale, 3),
            "peak_agents": int(peak[w]),
            "service_level": round(r["answered"] / r["sl_calls"], 4) if r["sl_calls"] > 0 else np.nan,
            "cost": round(hours_cost(paid_req, 0.0, paid_req * night_share.get(w, 0.0), costs), 2),
            "days": int(days[w]), "calls": round(r["calls"], 1), "agent_hours": round(r["agents"] * h, 2),
            "fte_paid": round(total / plan.hours_per_week / scale, 3),
            "gap_fte": round((r["agents"] * h / per_fte - r["scheduled"] * h / plan.on_phone_hours_per_fte) / scale, 3),
            "overtime_hours": round(over, 1),
            "cost_on_books": round(hours_cost(total - over, over, night_week.get(w, 0.0), costs), 2),
        })
    return pd.DataFrame(rows, columns=COLUMNS + EXTRA)


__all__ = ["evaluate_full", "scenario_agents"]
