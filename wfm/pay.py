"""Pay of a roster by the bands of China's Labour Law art. 44: normal hours at the wage, overtime on working days at
150%, overtime on rest days at 200%, any work on a statutory holiday at 300%.

- Statutory holidays (法定节假日) are the named days of the country calendar (`holidays`), not the days off moved
  around them ("Day off (substituted ...)", "(observed)"): those are rest days. Every hour worked on a
  statutory day is paid at 300%.
- A week owes a fifth of the weekly contract per official working day in it (5 in a plain week, 3 in the
  National Day week, make-up working days included). The week's other paid hours up to that are normal; the hours
  above it are overtime, taken from the week's last days first: at 200% on calendar rest days (weekends that are
  not make-up working days, holidays and the days off moved around them), at 150% otherwise.
- Weeks are the roster's weeks, as its own weekly rules count them: 7 days from the first day, or calendar
  weeks (`rules.week_start`).
- Under 综合计算工时 (`cycle_months` 1, 3 or 12: hours averaged over a calendar month, quarter or year) the blocks are
  the period's parts in one cycle and there is no rest-day band: only the hours above what the part owes are
  overtime (150%), and only in a part that closes its cycle (before that they are a balance the rest of the
  cycle evens out); statutory holidays stay at 300%.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import pandas as pd

from wfm.calendar import day_calendar, week_blocks

BANDS = ("normal", "overtime_workday", "overtime_rest_day", "statutory_holiday")
NOT_STATUTORY = ("day off", "observed", "substituted")


def statutory_days(start: dt.date, days: int, country: str, extra_holidays: Iterable[dt.date] = (),
                   extra_workdays: Iterable[dt.date] = ()) -> tuple[set[dt.date], set[dt.date]]:
    """(statutory holidays, calendar rest days) of the period."""
    cal = day_calendar(start, start + dt.timedelta(days=days - 1), country, extra_holidays=extra_holidays,
                       extra_workdays=extra_workdays)
    statutory = {d for d, name, hol in zip(cal["date"], cal["holiday_name"], cal["is_holiday"])
                 if hol and not any(w in str(name).lower() for w in NOT_STATUTORY)}
    rest = {d for d, work in zip(cal["date"], cal["is_workday"]) if not work}
    return statutory, rest


def pay_hours(worked: pd.DataFrame, contract_hours_week: Mapping[str, float], start: dt.date, days: int,
              statutory: set[dt.date], rest: set[dt.date], cycle_months: int = 0,
              first_weekday: int | None = None) -> pd.DataFrame:
    """Paid hours per agent and band. `worked`: `agent_id, date, hours` (paid hours of each shift, by its roster
    day). Returns `agent_id, band, hours` for the bands in `BANDS` with hours > 0."""
    out = pay_hours_by_date(worked, contract_hours_week, start, days, statutory, rest, cycle_months, first_weekday)
    out = out.groupby(["agent_id", "band"], as_index=False, sort=True)["hours"].sum()
    return out[out["hours"] > 1e-9].reset_index(drop=True)


def pay_blocks(start: dt.date, days: int, cycle_months: int = 0,
               first_weekday: int | None = None) -> list[tuple[list[dt.date], bool]]:
    """The blocks overtime is counted over, each with whether its overtime is due: the roster's weeks (7 days
    from `start`, or calendar weeks from `first_weekday`), or the parts of the period in one cycle of
    `cycle_months` months (due when the part closes its cycle)."""
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    if not cycle_months:
        return [([dates[i] for i in block], True) for block in week_blocks(start, days, first_weekday)]

    def cycle(d: dt.date) -> tuple[int, int]:
        return d.year, (d.month - 1) // cycle_months

    out: list[list[dt.date]] = []
    for d in dates:
        if out and cycle(out[-1][-1]) == cycle(d):
            out[-1].append(d)
        else:
            out.append([d])
    return [(block, cycle(block[-1] + dt.timedelta(days=1)) != cycle(block[-1])) for block in out]


def pay_hours_by_date(worked: pd.DataFrame, contract_hours_week: Mapping[str, float], start: dt.date, days: int,
                      statutory: set[dt.date], rest: set[dt.date], cycle_months: int = 0,
                      first_weekday: int | None = None) -> pd.DataFrame:
    """Paid hours per agent, day and band, as `pay_hours` counts them (a block's overtime on its last days):
    `agent_id, date, band, hours`, hours > 0, sorted by agent and date."""
    rows = []
    by_agent = {aid: g for aid, g in worked.groupby("agent_id", sort=True)}
    blocks = pay_blocks(start, days, cycle_months, first_weekday)
    for aid, g in by_agent.items():
        per_day = g.groupby("date")["hours"].sum()
        contract = float(contract_hours_week.get(aid, 40.0))
        for dates, due in blocks:
            owed = contract / 5 * sum(d not in rest for d in dates)  # a fifth of the contract per official workday
            rows += [(aid, d, "statutory_holiday", float(per_day.get(d, 0.0))) for d in dates if d in statutory]
            other = [(d, float(per_day.get(d, 0.0))) for d in dates if d not in statutory]
            extra = max(0.0, sum(h for _, h in other) - owed) if due else 0.0
            for d, h in reversed(other):  # overtime from the block's last days first
                take = min(h, extra)
                if take > 0:
                    band = "overtime_rest_day" if d in rest and not cycle_months else "overtime_workday"
                    rows.append((aid, d, band, take))
                    extra -= take
                rows.append((aid, d, "normal", h - max(take, 0.0)))
    out = pd.DataFrame(rows, columns=["agent_id", "date", "band", "hours"])
    out = out[out["hours"] > 1e-9].sort_values(["agent_id", "date", "band"], kind="stable")
    return out.reset_index(drop=True)


def rates(costs) -> dict[str, float]:
    """Multiples of the wage per band from the config's `[costs]` (150%, 200%, 300% by default, as the law says)."""
    return {"normal": 1.0, "overtime_workday": costs.overtime_multiplier,
            "overtime_rest_day": costs.rest_day_multiplier, "statutory_holiday": costs.holiday_multiplier}


def cost(bands: pd.DataFrame, costs, night_hours: float = 0.0) -> float:
    """Loaded cost of the paid hours: hours x wage x the band's multiple (`rates`), plus the night allowance
    per night hour, times 1 + the employer's on-costs (`on_cost_share`)."""
    r = rates(costs)
    pay = sum(h * r[b] * costs.hourly_wage for b, h in zip(bands["band"], bands["hours"]))
    pay += night_hours * getattr(costs, "night_allowance_per_h", 0.0)
    return float(pay * (1.0 + getattr(costs, "on_cost_share", 0.0)))


def hours_cost(normal_h: float, overtime_h: float, night_h: float, costs) -> float:
    """`cost` of paid hours not split by day (what-if's staff): `normal_h` at the wage, `overtime_h` at the
    working-day overtime rate, the night allowance on `night_h`, with on-costs."""
    bands = pd.DataFrame({"band": ["normal", "overtime_workday"], "hours": [float(normal_h), float(overtime_h)]})
    return cost(bands, costs, float(night_h))


def is_night(starts) -> "pd.Series":
    """Whether each interval start falls between 22:00 and 06:00 (the night of the night allowance)."""
    ts = pd.to_datetime(pd.Series(starts)).reset_index(drop=True)
    minute = ts.dt.hour * 60 + ts.dt.minute
    return (minute >= NIGHT_MINUTES[0]) | (minute < NIGHT_MINUTES[1])


NIGHT_MINUTES = (22 * 60, 6 * 60)  # the night a night allowance pays for: 22:00 to 06:00


def night_hours(roster: pd.DataFrame, interval_minutes: int, lunch_paid: bool = False) -> float:
    """Paid hours of a roster long table (`interval_start`, `activity`) between 22:00 and 06:00: every
    interval on duty there, an unpaid lunch excepted."""
    if roster is None or roster.empty:
        return 0.0
    night = is_night(roster["interval_start"]).to_numpy()
    paid = (roster["activity"].astype(str) != "lunch").to_numpy() if not lunch_paid else True
    return float((night & paid).sum() * interval_minutes / 60)
