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
