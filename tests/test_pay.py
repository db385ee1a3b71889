"""Pay by the bands of Labour Law art. 44, against hand-computed figures."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from wfm.pay import pay_hours, statutory_days


def test_spring_festival_2026_statutory_days_and_rest_days():
    statutory, rest = statutory_days(dt.date(2026, 2, 16), 14, "CN")
    # 2026: New Year's Eve (Feb 16) and the first three days (Feb 17-19) are statutory; Feb 20 and 23 are days
    # off moved from the make-up Saturdays Feb 14 and 28
    assert statutory == {dt.date(2026, 2, d) for d in (16, 17, 18, 19)}
    assert {dt.date(2026, 2, 20), dt.date(2026, 2, 21), dt.date(2026, 2, 22), dt.date(2026, 2, 23)} <= rest
    assert dt.date(2026, 2, 24) not in rest


def test_a_spring_festival_fortnight_is_paid_by_hand():
    start = dt.date(2026, 2, 16)  # Monday
    statutory, rest = statutory_days(start, 14, "CN")
    # one agent, 40 h a week, 8 paid hours a day:
    # week 1 (Feb 16-22): works Mon Feb 16, Tue 17 (statutory), Fri 20, Sat 21, Sun 22
    # week 2 (Feb 23-Mar 1): works Mon Feb 23 .. Sat Feb 28 (six days)
    days = [16, 17, 20, 21, 22, 23, 24, 25, 26, 27, 28]
    worked = pd.DataFrame({"agent_id": "A1", "date": [dt.date(2026, 2, d) for d in days], "hours": 8.0})
    bands = pay_hours(worked, {"A1": 40.0}, start, 14, statutory, rest).set_index("band")["hours"]
    # week 1 (Feb 16-22) has no official working day: it owes 0 h. Statutory hours 16 (Feb 16, 17) at 300%; the
    # other 24 h (Fri Feb 20, a moved day off, and the weekend) are rest-day overtime at 200%.
    # week 2 (Feb 23-Mar 1): Feb 23 is a moved day off, Feb 24-27 and Sat Feb 28 (a make-up working day) are
    # working days: it owes 40 h; 48 h worked: 40 normal, 8 overtime taken from Sat Feb 28, a working day (150%)
    assert bands["statutory_holiday"] == pytest.approx(16.0)
    assert bands["normal"] == pytest.approx(40.0)
    assert bands["overtime_rest_day"] == pytest.approx(24.0)
    assert bands["overtime_workday"] == pytest.approx(8.0)
    wage = 30.0
    cost = 16 * 3 * wage + 40 * wage + 24 * 2 * wage + 8 * 1.5 * wage
    from types import SimpleNamespace

    from wfm.pay import cost as pay_cost

    costs = SimpleNamespace(hourly_wage=wage, overtime_multiplier=1.5, rest_day_multiplier=2.0, holiday_multiplier=3.0)
    assert pay_cost(bands.rename_axis("band").reset_index(), costs) == pytest.approx(cost)


def test_national_day_week_worked_on_its_official_days_has_no_overtime():
    start = dt.date(2026, 9, 28)
    statutory, rest = statutory_days(start, 7, "CN")
    # Sep 28-30 are the week's only official working days; Oct 1-3 statutory, Oct 4 Sunday
    worked = pd.DataFrame({"agent_id": "A1", "date": [dt.date(2026, 9, d) for d in (28, 29, 30)], "hours": 8.0})
    bands = pay_hours(worked, {"A1": 40.0}, start, 7, statutory, rest).set_index("band")["hours"]
    assert dict(bands) == {"normal": pytest.approx(24.0)}


def test_under_a_month_cycle_only_hours_above_the_month_are_overtime():
    """December 2026 as one block (hours averaged over the month): 23 official working days owe 23 x 8 = 184 h.
    15 x 12 h = 180 h: all normal, though the first week holds 60 h (week by week: 20 h overtime, 8 h of it at 200%
    on Saturday Dec 5). 17 x 12 h = 204 h: 20 h overtime at 150% from the last days, none at 200%."""
    start = dt.date(2026, 12, 1)
    statutory, rest = statutory_days(start, 31, "CN")
    assert not statutory and len(rest) == 8
    month = [0, 1, 2, 3, 4, 8, 9, 10, 15, 16, 17, 18, 22, 23, 29]

    def bands(offsets, cycle_months):
        worked = pd.DataFrame({"agent_id": "A1", "date": [start + dt.timedelta(days=i) for i in offsets],
                               "hours": 12.0})
        return dict(pay_hours(worked, {"A1": 40.0}, start, 31, statutory, rest, cycle_months)
                    .set_index("band")["hours"])

    assert bands(month, 1) == {"normal": pytest.approx(180.0)}
    weekly = bands(month, 0)
    assert weekly["overtime_workday"] + weekly["overtime_rest_day"] > 20
    assert bands(sorted(month + [5, 30]), 1) == {"normal": pytest.approx(184.0),
                                                 "overtime_workday": pytest.approx(20.0)}


def test_a_part_of_a_cycle_owes_no_overtime_before_the_cycle_closes():
    """December 14-27 under a month cycle does not close December: 14 x 12 h = 168 h, all normal (the rest of
    the month evens it out); a quarter cycle from Dec 18 to Dec 31 closes Q4: 10 working days owe 80 h, 8 x 12 h =
    96 h gives 16 h overtime."""
    from wfm.pay import pay_blocks

    start = dt.date(2026, 12, 14)
    assert [due for _, due in pay_blocks(start, 14, 1)] == [False]
    assert [(len(b), due) for b, due in pay_blocks(dt.date(2026, 12, 25), 14, 1)] == [(7, True), (7, False)]
    statutory, rest = statutory_days(start, 14, "CN")
    worked = pd.DataFrame({"agent_id": "A1", "date": [start + dt.timedelta(days=i) for i in range(14)],
                           "hours": 12.0})
    assert dict(pay_hours(worked, {"A1": 40.0}, start, 14, statutory, rest, 1).set_index("band")["hours"]) == {
        "normal": pytest.approx(168.0)}
    q_start = dt.date(2026, 12, 18)
    statutory, rest = statutory_days(q_start, 14, "CN")
    worked = pd.DataFrame({"agent_id": "A1", "date": [q_start + dt.timedelta(days=i) for i in range(8)],
                           "hours": 12.0})
    got = dict(pay_hours(worked, {"A1": 40.0}, q_start, 14, statutory, rest, 3).set_index("band")["hours"])
    assert got == {"normal": pytest.approx(80.0), "overtime_workday": pytest.approx(16.0)}


def test_night_allowance_and_on_costs_by_hand():
    """One N2200 shift (22:00-07:00, 1 h unpaid lunch at 02:00-03:00 on the 30-minute grid): 8 paid hours, 7 of
    them between 22:00 and 06:00 (22:00-02:00 and 03:00-06:00). At 30/h, a 10/h night allowance and 30% on-costs:
    (8 x 30 + 7 x 10) x 1.3 = 403."""
    from types import SimpleNamespace

    from test_roster import make_config
    from wfm.pay import cost as pay_cost
    from wfm.pay import hours_cost, night_hours
    from wfm.publish.codes import plan_from_code
    from wfm.readers.agents import Agent

    cfg = make_config()
    shift = plan_from_code(Agent("A1", "a", "T", {"billing": 1.0}, 40.0), dt.date(2026, 12, 7), "N2200", cfg)
    lunch = pd.to_datetime(shift.loc[shift["activity"] == "lunch", "interval_start"])
    assert [t.strftime("%H:%M") for t in lunch] == ["02:00", "02:30"]
    assert night_hours(shift, 30) == 7.0 and night_hours(shift, 30, lunch_paid=True) == 8.0
    costs = SimpleNamespace(hourly_wage=30.0, overtime_multiplier=1.5, rest_day_multiplier=2.0,
                            holiday_multiplier=3.0, night_allowance_per_h=10.0, on_cost_share=0.3)
    bands = pd.DataFrame({"band": ["normal"], "hours": [8.0]})
    assert pay_cost(bands, costs, night_hours(shift, 30)) == pytest.approx(403.0)
    assert hours_cost(8.0, 0.0, 7.0, costs) == pytest.approx(403.0)  # what-if's pricing, the same function
    assert hours_cost(0.0, 2.0, 0.0, costs) == pytest.approx(2 * 30 * 1.5 * 1.3)


def test_the_summary_cost_counts_the_night_allowance_and_on_costs():
    """The same N2200 shift as the only shift of a week: (8 x 30 + 7 x 10) x 1.3 = 403 in the Summary's cost."""
    import dataclasses

    from test_roster import make_config
    from wfm.publish.codes import plan_from_code
    from wfm.publish.figures import roster_figures
    from wfm.readers.agents import Agent

    cfg = make_config()
    cfg = dataclasses.replace(cfg, costs=dataclasses.replace(cfg.costs, hourly_wage=30.0, night_allowance_per_h=10.0,
                                                             on_cost_share=0.3))
    agent = Agent("A1", "a", "T", {"billing": 1.0}, 40.0)
    start = dt.date(2026, 12, 7)
    figures = roster_figures(plan_from_code(agent, start, "N2200", cfg), [agent], cfg, start, 7)
    assert figures.totals["cost"] == pytest.approx(403.0)
