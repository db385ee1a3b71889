"""The numbers the workbook reports, computed from the long roster table (no Excel here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.config import Config
from wfm.pay import cost as pay_cost
from wfm.pay import night_hours
from wfm.publish.codes import LEAVE, OFF, shift_codes
from wfm.readers.agents import Agent


@dataclass
class RosterFigures:
    """Everything the Roster, Coverage and Summary sheets show."""

    days: list[dt.date]
    codes: pd.DataFrame  # agent_id, date, code, start, end, paid_h, night
    grid: pd.DataFrame  # agent_id x date -> code (OFF where not working)
    hours: pd.DataFrame  # agent_id, week columns, total, contract, vs_contract
    coverage: pd.DataFrame  # interval_start, queue, required, scheduled, gap
    per_queue: pd.DataFrame  # queue, target, required, scheduled, under, over, expected_sl
    totals: dict[str, float] = field(default_factory=dict)
    fairness: pd.DataFrame | None = None  # team, nights_spread, weekend_spread
    preferences: tuple[int, int] = (0, 0)  # met, asked
    requests: tuple[int, int] = (0, 0)  # honoured, asked


def roster_figures(roster: pd.DataFrame, agents: list[Agent], config: Config, start: dt.date, days: int,
                   requirements: pd.DataFrame | None = None, previous: pd.DataFrame | None = None) -> RosterFigures:
    """Shift codes, hours per week, coverage per interval and queue, and the summary figures."""
    day_list = [start + dt.timedelta(days=i) for i in range(days)]
    codes = shift_codes(roster, config)
    grid = _grid(codes, agents, day_list)
    paid_off = _paid_days_off(grid, agents, config, start, days)  # also marks leave on `grid`
    hours = _hours(codes, agents, day_list, paid_off)
    coverage = _coverage(roster, agents, config, requirements, start, days, previous)
    per_queue = _per_queue(coverage, config, requirements, roster, agents)
    weeks = max(days / 7, 1 / 7)
    paid = float(hours["total"].sum())
    bands = roster_pay(codes, paid_off, agents, config, start, days)
    overtime = float(hours.filter(like="overtime_w").sum().sum()) if not config.rules.cycle_months else \
        float(bands.loc[bands["band"].str.startswith("overtime"), "hours"].sum())  # 综合工时: above the cycle only
    totals = {
        "agents": int((hours["total"] > 0).sum()),
        "paid_hours": paid,
        "contract_hours": float(hours["contract"].sum() * weeks),
        "overtime_hours": overtime,
        "fte": paid / (config.rules.hours_per_week * weeks),
        "cost": pay_cost(bands, config.costs, night_hours(roster, config.centre.interval_minutes,
                                                          config.breaks.lunch_paid)),
        "pay_bands": bands.groupby("band")["hours"].sum().to_dict() if len(bands) else {},
    }
    return RosterFigures(day_list, codes, grid, hours, coverage, per_queue, totals, _fairness(codes, agents),
                         _preferences(codes, agents), _requests(grid, agents))


def _grid(codes: pd.DataFrame, agents: list[Agent], day_list: list[dt.date]) -> pd.DataFrame:
    """agent x day -> shift code, OFF where the agent does not work."""
    grid = pd.DataFrame(OFF, index=[a.agent_id for a in agents], columns=day_list)
    for r in codes.itertuples(index=False):
        if r.agent_id in grid.index and r.date in grid.columns:
            grid.loc[r.agent_id, r.date] = r.code
    return grid


def payroll(roster: pd.DataFrame, agents: list[Agent], config: Config, start: dt.date, days: int) -> pd.DataFrame:
    """Paid hours per agent and day by pay band (`wfm.pay`), as the Summary counts them: `agent_id, date,
    normal, overtime_workday, overtime_rest_day, statutory_holiday, paid_hours`; shifts less unpaid lunch, paid
    leave and the paid holidays the centre closes for. One row per agent and day with paid hours."""
    from wfm.pay import BANDS, pay_hours_by_date

    day_list = [start + dt.timedelta(days=i) for i in range(days)]
    codes = shift_codes(roster, config)
    credit = _paid_days_off(_grid(codes, agents, day_list), agents, config, start, days)
    statutory, rest = _statutory(config, start, days)
    by_date = pay_hours_by_date(_worked(codes, credit), {a.agent_id: a.contract_hours_week for a in agents},
                                start, days, statutory, rest, config.rules.cycle_months,
                                config.rules.first_weekday)
    if by_date.empty:
        return pd.DataFrame(columns=["agent_id", "date", *BANDS, "paid_hours"])
    wide = by_date.pivot_table(index=["agent_id", "date"], columns="band", values="hours", aggfunc="sum",
                               fill_value=0.0).reindex(columns=list(BANDS), fill_value=0.0).round(4)
    wide.columns.name = None
    wide["paid_hours"] = wide[list(BANDS)].sum(axis=1).round(4)
    return wide.reset_index()


def _statutory(config: Config, start: dt.date, days: int) -> tuple[set[dt.date], set[dt.date]]:
    from wfm.pay import statutory_days

    cal = config.calendar
    return statutory_days(start, days, config.centre.country, cal.extra_holidays, cal.extra_workdays)


def _worked(codes: pd.DataFrame, credit: dict[tuple[str, dt.date], float]) -> pd.DataFrame:
    """`agent_id, date, hours`: the shifts' paid hours and the paid days off."""
    return pd.concat([codes[["agent_id", "date", "paid_h"]].rename(columns={"paid_h": "hours"}),
                      pd.DataFrame([(a, d, h) for (a, d), h in credit.items()], columns=["agent_id", "date", "hours"])],
                     ignore_index=True)


def _paid_days_off(grid: pd.DataFrame, agents: list[Agent], config: Config, start: dt.date,
                   days: int) -> dict[tuple[str, dt.date], float]:
    """(agent, date) -> paid hours of a day away from the phones: paid leave (marked LEAVE on `grid`) and the
    holidays the centre closes for; at most the week's contract per week."""
    from wfm.calendar import closed_days, week_blocks

    _, shut_holidays = closed_days(config.centre, config.calendar, start, days)
    out: dict[tuple[str, dt.date], float] = {}
    for a in agents:
        for block in week_blocks(start, days, config.rules.first_weekday):
            left = a.contract_hours_week * len(block) / 7
            for d in (grid.columns[i] for i in block):
                kind = a.leave_on(d)
                if grid.loc[a.agent_id, d] not in (OFF, LEAVE) or (kind is None and d not in shut_holidays):
                    continue
                if kind is not None:
                    grid.loc[a.agent_id, d] = LEAVE
                    if not config.leave.paid(kind):
                        continue
                h = min(a.paid_day_minutes / 60, left)
                if h > 0:
                    out[a.agent_id, d] = h
                    left -= h
    return out


def roster_pay(codes: pd.DataFrame, credit: dict[tuple[str, dt.date], float], agents: list[Agent], config: Config,
               start: dt.date, days: int) -> pd.DataFrame:
    """Paid hours per agent and pay band (`wfm.pay`): the shifts' paid hours and paid leave, the centre's calendar."""
    from wfm.pay import pay_hours

    statutory, rest = _statutory(config, start, days)
    return pay_hours(_worked(codes, credit), {a.agent_id: a.contract_hours_week for a in agents}, start, days,
                     statutory, rest, config.rules.cycle_months, config.rules.first_weekday)


def _hours(codes: pd.DataFrame, agents: list[Agent], days: list[dt.date],
           credit: dict[tuple[str, dt.date], float] | None = None) -> pd.DataFrame:
    out = pd.DataFrame({"agent_id": [a.agent_id for a in agents],
                        "contract": [a.contract_hours_week for a in agents]}).set_index("agent_id")
    week_of = {d: i // 7 for i, d in enumerate(days)}
    leave = pd.DataFrame([(aid, d, h) for (aid, d), h in (credit or {}).items()],
                         columns=["agent_id", "date", "paid_h"])
    both = pd.concat([codes[["agent_id", "date", "paid_h"]], leave], ignore_index=True) if len(leave) else codes
    paid = both.assign(week=both["date"].map(week_of)).pivot_table(
        index="agent_id", columns="week", values="paid_h", aggfunc="sum", fill_value=0.0)
    n_weeks = (len(days) + 6) // 7
    for w in range(n_weeks):
        col = paid[w] if w in paid.columns else pd.Series(dtype=float)
        out[f"week_{w + 1}"] = col.reindex(out.index, fill_value=0.0).astype(float)
        week_days = min(7, len(days) - 7 * w)
        out[f"overtime_w{w + 1}"] = (out[f"week_{w + 1}"] - out["contract"] * week_days / 7).clip(lower=0)
    out["total"] = out[[f"week_{w + 1}" for w in range(n_weeks)]].sum(axis=1)
    out["vs_contract"] = out["total"] - out["contract"] * len(days) / 7
    return out.reset_index()


def _coverage(roster: pd.DataFrame, agents: list[Agent], config: Config, requirements: pd.DataFrame | None,
              start: dt.date, days: int, previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """The checker's coverage of the roster period (the same figures as `wfm check --requirements`)."""
    from wfm.roster.checker import coverage, on_calls_only, routed_skills

    both, _ = coverage(on_calls_only(roster, agents, config), requirements, start, days,
                       skills=routed_skills(agents, config), previous=on_calls_only(previous, agents, config))
    if requirements is None or requirements.empty:
        both["required"] = np.nan
    both = both[["interval_start", "queue", "required", "scheduled"]].copy()
    both["queue"] = both["queue"].astype(str)
    both["scheduled"] = both["scheduled"].astype(int)
    both["gap"] = both["scheduled"] - both["required"]
    order = {q: i for i, q in enumerate(config.queues)}
    both["_o"] = both["queue"].map(order).fillna(len(order))
    return both.sort_values(["interval_start", "_o"]).drop(columns="_o").reset_index(drop=True)


SIM_REPLICATIONS = 10


def simulated_service(roster: pd.DataFrame, agents: list[Agent], config: Config,
                      requirements: pd.DataFrame | None) -> pd.DataFrame | None:
    """Per-queue period figures of the roster simulated against the requirements' calls and handle times
    (`wfm simulate`'s function, its default routing, seed and absences at the unplaced shrinkage), or None when
    the requirements do not cover the roster period."""
    from wfm.simulation.roster_sim import ForecastCoverageError, simulate_roster

    if requirements is None or requirements.empty or not {"calls", "aht_s"} <= set(requirements.columns):
        return None
    fc = requirements[["interval_start", "queue", "calls", "aht_s"]]
    try:
        sim = simulate_roster(roster, fc, agents, config, replications=SIM_REPLICATIONS, seed=config.solver.seed,
                              absence=config.shrinkage.unplaced)
    except (ForecastCoverageError, ValueError):
        return None
    return sim.period


def _per_queue(coverage: pd.DataFrame, config: Config, requirements: pd.DataFrame | None,
               roster: pd.DataFrame, agents: list[Agent]) -> pd.DataFrame:
    from wfm.staffing import service_level

    rows = []
    interval_s = config.centre.interval_s
    shrink = config.shrinkage.unplaced
    sim = simulated_service(roster, agents, config, requirements)
    own = roster[roster["activity"] == "work"].groupby(["interval_start", "queue"]).size().rename("own")
    for name, q in config.queues.items():
        c = coverage[coverage["queue"] == name]
        row = {"queue": name, "target": f"{q.sl_target:.0%}/{q.answer_time_s:g}s",
               "required": float(c["required"].sum()), "scheduled": int(c["scheduled"].sum()),
               "under": float((-c["gap"]).clip(lower=0).sum()), "over": float(c["gap"].clip(lower=0).sum()),
               "expected_sl": np.nan, "sl_hw": np.nan, "abandon_rate": np.nan}
        hit = sim[sim["queue"] == name] if sim is not None else None
        if hit is not None and len(hit) and hit["calls"].iloc[0] > 0:
            row.update(expected_sl=float(hit["service_level"].iloc[0]), sl_hw=float(hit["service_level_hw"].iloc[0]),
                       abandon_rate=float(hit["abandon_rate"].iloc[0]))
        elif requirements is not None and not c.empty:
            # Erlang per queue with the agents the roster puts on it, less the unplaced shrinkage
            r = requirements[requirements["queue"] == name].merge(
                own.xs(name, level="queue", drop_level=True).reset_index() if name in own.index.get_level_values(1)
                else pd.DataFrame({"interval_start": [], "own": []}), on="interval_start", how="left")
            calls = r["calls"].to_numpy(float)
            if calls.sum() > 0:
                on_phone = np.floor(r["own"].fillna(0).to_numpy(float) * (1 - shrink) + 1e-9)
                sl = service_level(calls, r["aht_s"].to_numpy(float), on_phone, interval_s=interval_s,
                                   answer_time_s=q.answer_time_s, patience_s=q.patience_s)
                row["expected_sl"] = float(np.sum(np.nan_to_num(sl) * calls) / calls.sum())
        rows.append(row)
    return pd.DataFrame(rows)


def _fairness(codes: pd.DataFrame, agents: list[Agent]) -> pd.DataFrame:
    team = {a.agent_id: a.team for a in agents if not a.is_supervisor}
    c = codes[codes["agent_id"].isin(team)]
    per_agent = pd.DataFrame({"agent_id": list(team), "team": list(team.values())}).set_index("agent_id")
    per_agent["nights"] = c[c["night"]].groupby("agent_id").size().reindex(per_agent.index, fill_value=0)
    weekend = c[pd.to_datetime(c["date"]).dt.day_of_week >= 5]
    per_agent["weekend"] = weekend.groupby("agent_id").size().reindex(per_agent.index, fill_value=0)
    g = per_agent.groupby("team")
    return pd.DataFrame({"nights_spread": g["nights"].max() - g["nights"].min(),
                         "weekend_spread": g["weekend"].max() - g["weekend"].min()}).reset_index()


def _preferences(codes: pd.DataFrame, agents: list[Agent]) -> tuple[int, int]:
    prefs = {a.agent_id: set(filter(None, a.shift_preference.replace(",", ";").split(";"))) for a in agents
             if a.shift_preference}
    c = codes[codes["agent_id"].isin(prefs)]
    met = sum(code[0] in prefs[aid] for aid, code in zip(c["agent_id"], c["code"]))
    return int(met), int(len(c))


def _requests(grid: pd.DataFrame, agents: list[Agent]) -> tuple[int, int]:
    asked = honoured = 0
    for a in agents:
        for d in a.days_off_requested:
            if d in grid.columns:
                asked += 1
                honoured += grid.loc[a.agent_id, d] in (OFF, LEAVE)  # given as rest or as leave
    return honoured, asked
