"""Closures: a centre closed at weekends and on public holidays gets no shift, no supervisor and no requirement
on those days; a holiday it closes for is not owed (no make-up work); the checker flags a shift on a closed day."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib

import numpy as np
import pytest

from wfm.calendar import closed_days
from wfm.config import parse_config
from wfm.roster import build_roster
from wfm.readers.agents import Agent
from wfm.roster.checker import check
from test_roster import CONFIG, START, make_agents, make_config, make_requirements


def _closed_config(**centre):
    cfg = make_config()
    return dataclasses.replace(cfg, centre=dataclasses.replace(cfg.centre, **centre))


def test_closed_weekdays_are_read_by_name():
    text = CONFIG.format(iv=30).replace("[centre]", '[centre]\nclosed_weekdays = ["Sat", "周日"]\n'
                                                    "closed_on_holidays = true", 1)
    cfg = parse_config(tomllib.loads(text))
    assert cfg.centre.closed_weekdays == (5, 6) and cfg.centre.closed_on_holidays
    with pytest.raises(Exception) as exc:
        parse_config(tomllib.loads(CONFIG.format(iv=30).replace("[centre]", '[centre]\nclosed_weekdays = ["Sab"]', 1)))
    assert "closed_weekdays" in str(exc.value)


def test_national_day_week_closed_days_and_make_up_saturday():
    cfg = _closed_config(closed_weekdays=(5, 6), closed_on_holidays=True, country="CN")
    shut, holidays = closed_days(cfg.centre, cfg.calendar, dt.date(2026, 9, 28), 14)
    # 2026: Oct 1-3 National Day, Oct 5 observed, Oct 6-7 moved days off; Oct 10 (Sat) is a make-up working day
    assert {dt.date(2026, 10, d) for d in (1, 2, 5, 6, 7)} == holidays
    assert dt.date(2026, 10, 3) in shut and dt.date(2026, 10, 4) in shut
    assert dt.date(2026, 10, 10) not in shut and dt.date(2026, 10, 11) in shut


@pytest.fixture(scope="module")
def weekday_roster():
    # a bank's office hours: 07:00-23:00 on weekdays (no night shift), closed at weekends
    cfg = _closed_config(closed_weekdays=(5, 6), open_minute=7 * 60, close_minute=23 * 60)
    agents = [dataclasses.replace(a, days_off_requested=(), available_from=None, available_to=None)
              for a in make_agents()]
    result = build_roster(make_requirements(cfg), agents, cfg, START, 7, time_limit_s=4)
    return cfg, agents, result


def test_no_shift_and_no_supervisor_on_closed_weekend(weekday_roster):
    cfg, agents, result = weekday_roster
    assert result.report.ok, [str(v) for v in result.report.violations]
    days = {dt.date.fromisoformat(str(d)[:10]) for d in result.data["date"]}
    assert all(d.weekday() < 5 for d in days)


def test_checker_flags_a_shift_on_a_closed_day(weekday_roster):
    cfg, agents, result = weekday_roster
    data = result.data.copy()
    one = data[data["date"].astype(str) == START.isoformat()]
    aid = one["agent_id"].iloc[0]
    moved = one[one["agent_id"] == aid].copy()
    sat = START + dt.timedelta(days=5)
    moved["date"] = sat.isoformat()
    moved["interval_start"] = moved["interval_start"].map(lambda t: str(t).replace(START.isoformat(), sat.isoformat()))
    import pandas as pd

    report = check(pd.concat([data, moved], ignore_index=True), agents, cfg, start=START, days=7)
    assert any(v.rule == "closed" and v.agent_id == aid for v in report.violations)


def test_requested_weekday_off_in_a_weekday_centre_is_given_as_unpaid_leave():
    cfg = _closed_config(closed_weekdays=(5, 6), open_minute=7 * 60, close_minute=23 * 60)
    agents = [dataclasses.replace(a, days_off_requested=(), available_from=None, available_to=None)
              for a in make_agents()]
    i = next(k for k, a in enumerate(agents) if not a.is_supervisor and a.contract_hours_week == 40)
    wednesday = START + dt.timedelta(days=2)
    agents[i] = dataclasses.replace(agents[i], days_off_requested=(wednesday,))
    result = build_roster(make_requirements(cfg), agents, cfg, START, 7, time_limit_s=4)
    assert result.report.ok, [str(v) for v in result.report.violations]
    mine = result.data[result.data["agent_id"] == agents[i].agent_id]
    worked = {dt.date.fromisoformat(str(d)[:10]) for d in mine["date"]}
    assert wednesday not in worked and all(d.weekday() < 5 for d in worked)  # honoured, and no weekend work
    assert len(worked) == 4  # the contract is not made up on another day
    assert any(agents[i].agent_id in n and "personal leave" in n for n in result.notes)
    row = result.codes[result.codes["agent_id"] == agents[i].agent_id].iloc[0]
    assert row[wednesday.isoformat()] == "LEAVE"


def test_staffing_needs_nobody_while_the_centre_is_closed():
    import pandas as pd

    from wfm.cli.staff import close_requirements

    cfg = _closed_config(closed_weekdays=(5, 6), open_minute=8 * 60, close_minute=20 * 60)
    ts = pd.to_datetime(["2026-12-07 07:30", "2026-12-07 08:00", "2026-12-07 19:30", "2026-12-07 20:00",
                         "2026-12-12 10:00"])  # Monday before/at opening, before/at closing; a Saturday
    req = pd.DataFrame({"interval_start": ts, "queue": "billing", "agents": 5, "heads": 6, "binding": "service_level"})
    out = close_requirements(req, cfg)
    assert out["agents"].tolist() == [0, 5, 5, 0, 0] and out["heads"].tolist() == [0, 6, 6, 0, 0]
    assert out["binding"].tolist() == ["closed", "service_level", "service_level", "closed", "closed"]


def test_roster_warns_about_a_queue_nobody_holds_and_missing_supervisors():
    cfg = make_config()
    agents = [dataclasses.replace(a, role="agent", skills={q: v for q, v in a.skills.items() if q != "vip"}
                                  or {"billing": 1.0}) for a in make_agents()]
    result = build_roster(make_requirements(cfg), agents, cfg, START, 7, time_limit_s=3)
    assert any("no agent holds vip" in n for n in result.notes)
    assert any("no supervisor" in n for n in result.notes)


# --------------------------------------------------------------------------- opening hours per weekday

def test_weekday_hours_are_read_by_name_and_checked():
    text = CONFIG.format(iv=30).replace("[centre]", '[centre]\nweekday_hours = { Sat = "10:00-15:00", "周日" = '
                                                    '"09:30-24:00" }', 1)
    cfg = parse_config(tomllib.loads(text))
    assert cfg.centre.weekday_hours == {5: (600, 900), 6: (570, 1440)}
    assert cfg.centre.hours_on(dt.date(2026, 12, 12)) == (600, 900)  # a Saturday
    assert cfg.centre.hours_on(dt.date(2026, 12, 11)) == (0, 1440)  # a Friday: open / close
    for bad in ('{ Sat = "15:00-10:00" }', '{ Sab = "10:00-15:00" }', '{ Sat = "10:15-15:00" }'):
        with pytest.raises(Exception) as exc:
            parse_config(tomllib.loads(CONFIG.format(iv=30).replace("[centre]", f"[centre]\nweekday_hours = {bad}", 1)))
        assert "centre.weekday_hours" in str(exc.value)


def test_staffing_needs_nobody_outside_a_weekday_s_own_hours():
    import pandas as pd

    from wfm.cli.staff import close_requirements

    cfg = _closed_config(open_minute=8 * 60, close_minute=20 * 60, weekday_hours={5: (10 * 60, 15 * 60)})
    ts = pd.to_datetime(["2026-12-11 19:30", "2026-12-12 09:30", "2026-12-12 10:00", "2026-12-12 15:00"])
    req = pd.DataFrame({"interval_start": ts, "queue": "billing", "agents": 5, "heads": 6, "binding": "service_level"})
    out = close_requirements(req, cfg)
    assert out["agents"].tolist() == [5, 0, 5, 0]  # Friday 19:30 open; Saturday only 10:00-15:00


def test_a_short_saturday_gets_only_shifts_inside_its_hours():
    """Open 07:00-23:00, Saturday 07:00-16:00, closed Sunday: on Saturday only E0700 (07:00-16:00) and P1000
    (10:00-15:00) fit, and the checker flags an E0800 (to 17:00) typed there."""
    import pandas as pd

    from wfm.publish.codes import plan_from_code

    cfg = _closed_config(open_minute=7 * 60, close_minute=23 * 60, weekday_hours={5: (7 * 60, 16 * 60)},
                         closed_weekdays=(6,))
    agents = [dataclasses.replace(a, days_off_requested=(), available_from=None, available_to=None)
              for a in make_agents()]
    result = build_roster(make_requirements(cfg), agents, cfg, START, 7, time_limit_s=4)
    assert result.report.ok, [str(v) for v in result.report.violations]
    sat = START + dt.timedelta(days=5)
    on_sat = result.data[result.data["date"].astype(str) == sat.isoformat()]
    starts = pd.to_datetime(on_sat["interval_start"])
    assert len(on_sat) and starts.min().hour >= 7 and (starts.max() + pd.Timedelta(minutes=30)).hour <= 16
    edited = pd.concat([result.data, plan_from_code(agents[6], sat, "E0800", cfg)], ignore_index=True)
    found = [v for v in check(edited, agents, cfg, start=START, days=7).violations if v.rule == "opening_hours"]
    assert [(v.agent_id, v.date) for v in found] == [(agents[6].agent_id, sat)]


def test_pooled_rows_need_nobody_where_their_queues_need_nobody():
    """Skill routing adds pool rows computed from the forecast's calls. Calls the forecast still holds on a closed
    weekend (and hours where every member queue needs nobody) must not become a pool's need: no shift can cover
    it, and the solver reported it as under-staffing (33.6% on a weekday office) the roster never had."""
    from wfm.roster.problem import add_rows, build_instance

    cfg = _closed_config(closed_weekdays=(5, 6))
    assert cfg.centre.queue_assignment == "routing"
    req = make_requirements(cfg)  # calls on every day, the weekend included
    inst = build_instance(req, make_agents(), cfg, START, 7)
    add_rows(inst, req)
    pools = [i for i, r in enumerate(inst.rows) if len(r) > 1]
    assert pools  # agents hold two queues, so there are pool rows
    weekend = np.zeros(inst.horizon, dtype=bool)
    weekend[5 * inst.per_day:7 * inst.per_day] = True  # START is a Monday: days 5 and 6
    assert inst.row_req[pools][:, weekend].sum() == 0
    members_idle = inst.req.max(axis=0) == 0
    for i in pools:
        assert inst.row_req[i][inst.req[list(inst.rows[i])].max(axis=0) == 0].sum() == 0
    assert inst.row_req[pools][:, ~weekend & ~members_idle].sum() > 0  # weekdays still need the pools


def _p_shifts(agent_id: str, days: list[dt.date]):
    """A hand-made long table: 5-hour P shifts (10:00-15:00) with one break, on `days`."""
    import pandas as pd

    rows = []
    for day in days:
        for i in range(10):  # 30-minute intervals
            ts = dt.datetime.combine(day, dt.time(10)) + dt.timedelta(minutes=30 * i)
            rows.append((agent_id, day.isoformat(), ts.isoformat(), "break" if i == 5 else "work",
                         None if i == 5 else "billing"))
    return pd.DataFrame(rows, columns=["agent_id", "date", "interval_start", "activity", "queue"])


def test_closed_holidays_are_days_off_for_the_weekly_rest_rule():
    # A weekday centre closed on holidays, week of 2026-10-05: Mon-Wed are closed holidays (Oct 5 observed, Oct 6-7
    # moved days off), Sat Oct 10 is a make-up working day, Sun closed. An agent of 30 h a week (max 35) works
    # Thu, Fri and the make-up Saturday, 5 h each: 15 h + 3 x 6 h holiday credit = 33 h; days off Mon-Wed and Sun.
    # The roster engine counts the closed holidays as days off; the checker must too (it read them as leave and
    # demanded a second rest day among Thu-Sat).
    cfg = _closed_config(closed_weekdays=(5, 6), closed_on_holidays=True, country="CN")
    week = dt.date(2026, 10, 5)
    agent = Agent("A1", "A 1", "T1", {"billing": 1.0}, 30.0, min_hours_week=25.0, max_hours_week=35.0)
    worked = [week + dt.timedelta(days=d) for d in (3, 4, 5)]
    report = check(_p_shifts("A1", worked), [agent], cfg, start=week, days=7)
    assert "min_days_off_week" not in report.by_rule(), [str(v) for v in report.violations]
    assert "contract_hours" not in report.by_rule(), [str(v) for v in report.violations]
    # approved leave is still no rest day: on leave Mon-Wed of an ordinary week, working Thu-Sat leaves Sunday alone
    plain = dt.date(2026, 10, 19)
    on_leave = dataclasses.replace(agent, leave=tuple((plain + dt.timedelta(days=d), "annual") for d in range(3)))
    cfg7 = _closed_config(country="CN")
    report = check(_p_shifts("A1", [plain + dt.timedelta(days=d) for d in (3, 4, 5)]), [on_leave], cfg7,
                   start=plain, days=7)
    assert [(v.rule, v.date) for v in report.violations if v.rule == "min_days_off_week"] == [
        ("min_days_off_week", plain)]
