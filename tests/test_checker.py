"""The independent checker catches hand-made violations of each hard rule."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from test_roster import START
from wfm.roster.checker import check
from wfm.roster.workbook import write_roster


@pytest.fixture(scope="module")
def base(small_roster):
    cfg, agents, req, result = small_roster  # conftest.py: built once per session
    assert result.report.ok
    codes = {(r["agent_id"], dt.date.fromisoformat(c)): r[c] for _, r in result.codes.iterrows()
             for c in result.codes.columns[3:]}
    return cfg, agents, req, result.data, codes


def rules_of(rep):
    return set(rep.by_rule())


def run(cfg, agents, data, codes=None, **kw):
    return check(data, agents, cfg, start=START, days=7, codes=codes, **kw)


def a_shift(data, agent_prefix="A"):
    """(agent_id, date) of a full-length shift of a front-line agent."""
    g = data[data["agent_id"].str.startswith(agent_prefix)].groupby(["agent_id", "date"]).size()
    return g[g == g.max()].index[0]


def test_base_is_clean(base):
    cfg, agents, req, data, codes = base
    assert run(cfg, agents, data, codes, requirements=req).ok


def test_skills(base):
    cfg, agents, req, data, codes = base
    d = data.copy()
    sk = {a.agent_id: a.skills for a in agents}
    i = next(i for i in d.index if d.at[i, "activity"] == "work" and len(sk[d.at[i, "agent_id"]]) < 3)
    d.at[i, "queue"] = next(q for q in ("billing", "faults", "vip") if q not in sk[d.at[i, "agent_id"]])
    assert "skills" in rules_of(run(cfg, agents, d, codes))


def test_breaks_missing_and_lunch_outside_window(base):
    cfg, agents, req, data, codes = base
    d = data.copy()
    i = d.index[d["activity"] == "break"][0]
    d.loc[i, ["activity", "queue"]] = ["work", "billing"]
    assert "breaks" in rules_of(run(cfg, agents, d))
    d = data.copy()
    aid, date = a_shift(data)
    rows = d.index[(d["agent_id"] == aid) & (d["date"] == date)]
    acts = list(d.loc[rows, "activity"])
    lunch = [j for j, a in enumerate(acts) if a == "lunch"]
    new = ["work"] * len(acts)
    new[0:len(lunch)] = ["lunch"] * len(lunch)  # lunch at the very start
    d.loc[rows, "activity"] = new
    d.loc[rows, "queue"] = [None if a != "work" else "billing" for a in new]
    assert "breaks" in rules_of(run(cfg, agents, d))


def test_training_missing(base):
    cfg, agents, req, data, codes = base
    d = data.copy()
    aid = d.loc[d["activity"] == "meeting", "agent_id"].iloc[0]
    m = (d["agent_id"] == aid) & (d["activity"] == "meeting")
    d.loc[m, "activity"] = "work"
    sk = next(a for a in agents if a.agent_id == aid).skills
    d.loc[m, "queue"] = next(iter(sk))
    assert "training" in rules_of(run(cfg, agents, d))


def test_shift_template_and_code(base):
    cfg, agents, req, data, codes = base
    d = data.copy()
    aid, date = a_shift(data)
    m = (d["agent_id"] == aid) & (d["date"] == date)
    d.loc[m, "interval_start"] = d.loc[m, "interval_start"] + pd.Timedelta(minutes=30)
    r = rules_of(run(cfg, agents, d, codes))
    assert "shift_template" in r and "shift_code" in r
    c2 = dict(codes)
    c2[aid, date] = "OFF"
    assert "shift_code" in rules_of(run(cfg, agents, data, c2))


def test_overlap_and_gap(base):
    cfg, agents, req, data, codes = base
    d = pd.concat([data, data.iloc[[10]]], ignore_index=True)
    assert "overlap" in rules_of(run(cfg, agents, d))
    aid, date = a_shift(data)
    rows = data.index[(data["agent_id"] == aid) & (data["date"] == date)]
    d = data.drop(rows[10])
    assert "shift_template" in rules_of(run(cfg, agents, d))


def test_contract_hours_and_overtime(base):
    cfg, agents, req, data, codes = base
    aid = next(a.agent_id for a in agents if not a.is_supervisor and a.contract_hours_week == 40)
    d = data[~((data["agent_id"] == aid) & (data["date"] == data.loc[data["agent_id"] == aid, "date"].iloc[0]))]
    assert "contract_hours" in rules_of(run(cfg, agents, d))
    ag = [dataclasses.replace(a, contract_hours_week=20.0, min_hours_week=None, max_hours_week=45.0)
          if a.agent_id == aid else a for a in agents]
    cfg0 = dataclasses.replace(cfg, rules=dataclasses.replace(cfg.rules, max_overtime_h_month=0.0))
    assert "overtime" in rules_of(run(cfg0, ag, data))


@pytest.mark.parametrize("rule,change", [
    ("max_consecutive_days", {"max_consecutive_days": 1}),
    ("min_days_off_week", {"min_days_off_week": 5}),
    ("min_rest", {"min_rest_h": 40.0}),
    ("max_nights", {"max_nights_period": 0}),
    ("weekends_off", {"min_weekends_off_period": 4}),
    ("max_shift_length", {"max_hours_day": 4.0, "max_overtime_h_day": 0.0}),
])
def test_rule_limits(base, rule, change):
    cfg, agents, req, data, codes = base
    cfg2 = dataclasses.replace(cfg, rules=dataclasses.replace(cfg.rules, **change))
    assert rule in rules_of(run(cfg2, agents, data))


def test_requests_availability_supervisor(base):
    cfg, agents, req, data, codes = base
    aid, date = a_shift(data)
    ag = [dataclasses.replace(a, days_off_requested=(date,), available_from=23 * 60, available_to=24 * 60)
          if a.agent_id == aid else a for a in agents]
    r = rules_of(run(cfg, ag, data))
    assert {"days_off_requests", "availability"} <= r
    d = data[data["agent_id"] != "S01"]
    d = d[~(d["agent_id"].str.startswith("S") & (d["date"] == dt.date(2026, 12, 9)))]
    assert "supervisor_on_duty" in rules_of(run(cfg, agents, d))


def test_unknown_agent_and_bad_activity(base):
    cfg, agents, req, data, codes = base
    d = data.copy()
    d["activity"] = d["activity"].astype(object)
    d.loc[d.index[0], "activity"] = "nap"
    r = rules_of(run(cfg, agents[1:], d))
    assert "table" in r and "unknown_agent" in r


@pytest.fixture
def inputs(base, tmp_path):
    """The small roster's config, agents and requirements written as the files `wfm check` reads."""
    from test_roster import CONFIG
    from wfm.readers.agents import agents_frame

    _, agents, req, _, _ = base
    (tmp_path / "config.toml").write_text(CONFIG.format(iv=30), encoding="utf-8")
    agents_frame(agents).to_csv(tmp_path / "agents.csv", index=False)
    r = req.copy()
    r["interval_start"] = r["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    r.to_csv(tmp_path / "req.csv", index=False)
    return tmp_path


def test_check_cli_exit_codes(base, inputs, cli):
    cfg, agents, req, data, codes = base
    tmp_path = inputs

    good = write_roster(tmp_path / "good.xlsx", data, agents, cfg, start=START, days=7, requirements=req, report=None)
    code, out, err = cli("check", good, "--agents", tmp_path / "agents.csv", "--config", tmp_path / "config.toml",
                         "--requirements", tmp_path / "req.csv")
    assert code == 0, out + err
    assert "0 hard-rule violation" in out and "under-staffed" in out
    bad = data.copy()
    i = bad.index[bad["activity"] == "break"][0]
    bad.loc[i, ["activity", "queue"]] = ["work", "billing"]
    badp = write_roster(tmp_path / "bad.xlsx", bad, agents, cfg, start=START, days=7, requirements=req, report=None)
    code, out, err = cli("check", badp, "--agents", tmp_path / "agents.csv", "--config", tmp_path / "config.toml")
    assert code == 1 and "breaks" in out
    code, out, err = cli("check", tmp_path / "missing.xlsx", "--agents", tmp_path / "agents.csv", "--config",
                         tmp_path / "config.toml")
    assert code == 2


def test_hand_edit_in_excel_is_checked(base, inputs, cli):
    """HR changes shift codes on the Roster sheet; `wfm check` rebuilds those days and reports what changed."""
    from openpyxl import load_workbook

    cfg, agents, req, data, codes = base
    tmp_path = inputs
    path = write_roster(tmp_path / "r.xlsx", data, agents, cfg, start=START, days=7, requirements=req, report=None)
    wb = load_workbook(path)
    ws = wb["Roster"]
    row = next(r for r in ws.iter_rows(min_row=4) if r[0].value and all(c.value != "OFF" for c in r[6:10]))
    aid = row[0].value
    for c in row[6:13]:  # work all seven days (columns G to M): breaks the days-off and consecutive-days rules
        if c.value == "OFF":
            c.value = row[6].value
    wb.save(path)
    code, out, err = cli("check", path, "--agents", tmp_path / "agents.csv", "--config", tmp_path / "config.toml",
                         "--requirements", tmp_path / "req.csv")
    assert code == 1, out + err
    assert "changed by hand" in out and aid in out
    assert "Coverage change from the hand edits" in out
    assert "days_off" in out or "consecutive" in out


def test_over_staffing_under_routing_counts_each_agent_once_against_one_pool():
    """Two agents holding all three queues, on shift on a day with no calls: one pool of every queue needs nobody,
    so every on-phone interval of each is over-staffing, once (the per-queue view counts each agent 3 times)."""
    from test_roster import make_config

    from wfm.publish.codes import plan_from_code
    from wfm.readers.agents import Agent
    from wfm.roster.checker import coverage, routed_over, routed_skills

    cfg = make_config()
    assert cfg.centre.queue_assignment == "routing"
    agents = [Agent(f"A{i}", f"A {i}", "T1", {q: 1.0 for q in cfg.queues}, 40.0) for i in (1, 2)]
    data = pd.concat([plan_from_code(a, START, "E0700", cfg) for a in agents], ignore_index=True)
    ts = pd.date_range(pd.Timestamp(START), periods=48, freq="30min")
    req = pd.DataFrame([(t, q, 0.0, 300.0, 0) for t in ts for q in cfg.queues],
                       columns=["interval_start", "queue", "calls", "aht_s", "agents"])
    on_phone = int((data["activity"] == "work").sum())
    assert routed_over(data, req, cfg, START, 1) == on_phone
    _, totals = coverage(data, req.assign(heads=0), START, 1, skills=routed_skills(agents, cfg))
    assert totals["over"] == 3 * on_phone  # the queues' view: each agent in each of its 3 queues
    assert routed_over(data, req.drop(columns=["calls"]), cfg, START, 1) is None  # nothing to pool


def test_a_shift_moved_to_another_templates_start_names_the_template(base):
    """HR moves an early shift to the afternoon typing E1300: the E template starts only at 07:00 or 08:00 (13:00
    for 9 h is an L shift), so the check names that, not a mismatch with the Data sheet HR never touched; a code
    run longer than the overtime cap (E0800+4) is the length rules' breach, not a code that mismatches its rows."""
    from wfm.publish.codes import plan_from_code

    cfg, agents, req, data, codes = base
    agent = next(a for a in agents if not a.is_supervisor)
    day = START + dt.timedelta(days=2)
    table = plan_from_code(agent, day, "E1300", cfg)
    found = [v for v in check(table, [agent], cfg, start=START, days=7, codes={(agent.agent_id, day): "E1300"}
                              ).violations if v.rule in ("shift_code", "shift_template")]
    assert [(v.rule, v.agent_id, v.date, v.message) for v in found] == [
        ("shift_template", agent.agent_id, day, "shift code E1300: 13:00 is not a start time of the E template "
                                                "(07:00, 08:00)")]
    table = plan_from_code(agent, day, "E0800+4", cfg, cap_overtime=False)
    rules = check(table, [agent], cfg, start=START, days=7, codes={(agent.agent_id, day): "E0800+4"}).by_rule()
    assert "max_shift_length" in rules and "shift_code" not in rules


def test_check_previous_reads_hr_edits_on_the_previous_roster(base, inputs, cli):
    """HR put an agent on the Sunday night of the published week (Roster sheet only); next Monday's early shift is
    then 1 h after that night: `wfm check --previous` must see the edit (it read the Data sheet as written and
    passed the rest rule). People of the previous roster who have left the agents file are passed over."""
    from openpyxl import load_workbook

    from wfm.publish.codes import plan_from_code
    from wfm.readers.agents import agents_frame

    cfg, agents, req, data, codes = base
    sunday, monday = START + dt.timedelta(days=6), START + dt.timedelta(days=7)
    agent = next(a for a in agents if not a.is_supervisor and codes[a.agent_id, sunday] == "OFF"
                 and a.available_from is None and a.available_to is None)
    plain = write_roster(inputs / "prev.xlsx", data, agents, cfg, start=START, days=7, requirements=req, report=None)
    edited = inputs / "prev_edited.xlsx"
    wb = load_workbook(plain)
    ws = wb["Roster"]
    row = next(r for r in ws.iter_rows(min_row=4) if r[0].value == agent.agent_id)
    row[12].value = "N2200"  # column M: Sunday
    wb.save(edited)
    now = plan_from_code(agent, monday, "E0700", cfg)
    now["date"] = now["date"].astype(str)
    now["interval_start"] = now["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    now.to_csv(inputs / "now.csv", index=False)

    def rest_lines(previous, agents_file):
        code, out, err = cli("check", inputs / "now.csv", "--agents", agents_file, "--config", inputs / "config.toml",
                             "--previous", previous)
        assert code in (0, 1), out + err
        return [line for line in out.splitlines() if line.startswith("[min_rest]")]

    assert rest_lines(plain, inputs / "agents.csv") == []
    assert rest_lines(edited, inputs / "agents.csv")[0].startswith(f"[min_rest] {agent.agent_id} on {monday}")
    left = next(a for a in agents if a.agent_id != agent.agent_id and not a.is_supervisor)
    agents_frame([a for a in agents if a is not left]).to_csv(inputs / "fewer.csv", index=False)
    assert rest_lines(edited, inputs / "fewer.csv")[0].startswith(f"[min_rest] {agent.agent_id} on {monday}")


def test_a_mistyped_agent_id_is_one_error_naming_the_row_and_the_likely_agent(base, inputs, cli):
    """HR mistypes an id on the Roster sheet (A0 for AO): one error for the row, with the id it most likely
    means, not one per shift cell of the row."""
    from openpyxl import load_workbook

    cfg, agents, req, data, codes = base
    path = write_roster(inputs / "r.xlsx", data, agents, cfg, start=START, days=7, requirements=req, report=None)
    wb = load_workbook(path)
    ws = wb["Roster"]
    row = next(r for r in ws.iter_rows(min_row=4) if r[0].value and str(r[0].value).startswith("A")
               and sum(c.value != "OFF" for c in r[6:13]) >= 3)
    aid = row[0].value
    row[0].value = aid[:-1] + "X"
    wb.save(path)
    code, out, err = cli("check", path, "--agents", inputs / "agents.csv", "--config", inputs / "config.toml")
    assert code == 2, out + err
    text = " ".join(err.split())
    assert text.count(f"agent '{aid[:-1]}X' is not in the agents file") == 1, text
    assert f"row {row[0].row}" in text and f"did you mean '{aid}'" in text, text
