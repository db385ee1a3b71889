"""The roster workbook: sheets read back equal the roster table; hand edits are read back; atomic writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess

import pandas as pd
import pytest
from openpyxl import load_workbook

from wfm.errors import InputError, OutputExistsError
from wfm.publish import plan_from_code, write_roster_workbook
from wfm.publish.agent_export import export_agent_schedules
from wfm.publish.readback import read_roster, read_roster_workbook
from wfm.sample import build_sample

START = dt.date(2026, 11, 30)
CODES = ["E0700", "D0900", "L1330", "N2200", "E0800", "L1400"]


@pytest.fixture(scope="module")
def sample():
    return build_sample(START, days=3, small=True)


@pytest.fixture(scope="module")
def roster(sample):
    rows = []
    for i, a in enumerate(sample.agents):
        for d in range(3):
            if (i + d) % 4 == 3:
                continue
            code = "P1000" if a.contract_hours_week < 40 else CODES[(i + d) % len(CODES)]
            rows.append(plan_from_code(a, START + dt.timedelta(days=d), code, sample.config))
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def requirements(roster):
    work = roster[roster["activity"] == "work"].groupby(["interval_start", "queue"]).size()
    req = work.rename("heads").reset_index()
    req["heads"] = (req["heads"] + (req.index % 3) - 1).clip(lower=0)  # some under, some over
    req["agents"] = req["heads"]
    req["calls"] = req["heads"] * 8.0
    req["aht_s"] = 240.0
    return req


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, sample, roster, requirements):
    path = tmp_path_factory.mktemp("wb") / "roster.xlsx"
    violations = pd.DataFrame([("min_rest", "A0001", "2026-12-01", "rest of 9 h between shifts, 12 h required")],
                              columns=["rule", "agent_id", "date", "message"])
    write_roster_workbook(path, roster, sample.agents, sample.config, start=START, days=3,
                          requirements=requirements, violations=violations)
    return path


def test_sheets_in_contract_order(workbook):
    assert load_workbook(workbook, read_only=True).sheetnames == ["Roster", "Detail", "Coverage", "Summary", "Data"]


def _agent_rows(ws, agents) -> dict:
    ids = {a.agent_id for a in agents}
    return {row[0].value: [c.value for c in row] for row in ws.iter_rows(min_row=4) if row[0].value in ids}


def test_roster_sheet_codes_and_hours_match_the_table(workbook, sample, roster):
    ws = load_workbook(workbook)["Roster"]
    header = [c.value for c in ws[3]]
    assert header[:6] == ["Agent ID", "Name", "Team", "Role", "Skills", "Contract h/week"]
    assert ws.freeze_panes == "G4" and ws.auto_filter.ref.startswith("A3:")
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"
    dates = [c.value for c in ws[2]][6:9]
    assert dates == ["2026-11-30", "2026-12-01", "2026-12-02"]
    by_agent = _agent_rows(ws, sample.agents)
    assert len(by_agent) == len(sample.agents)
    # expected values derived here from the long table, not from the publishing code
    for (aid, day), g in roster.groupby(["agent_id", "date"]):
        first = g["interval_start"].min()
        col = 6 + (day - START).days
        assert by_agent[aid][col][1:] == f"{first:%H%M}"
    step_h = sample.config.centre.interval_minutes / 60
    paid = roster[roster["activity"] != "lunch"].groupby("agent_id").size() * step_h
    for aid, h in paid.items():
        assert by_agent[aid][9] == pytest.approx(h)  # the total hours column (one week: no week columns)
    off = [a.agent_id for a in sample.agents if a.agent_id not in set(roster["agent_id"])]
    assert all(v == "OFF" for aid in off for v in by_agent[aid][6:9])
    roles = {aid: row[3] for aid, row in by_agent.items()}
    assert all((roles[a.agent_id] == "Supervisor") == a.is_supervisor for a in sample.agents)


def test_roster_groups_agents_by_team_with_a_page_break_per_team(workbook, sample):
    ws = load_workbook(workbook)["Roster"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    teams = sorted({a.team for a in sample.agents})
    headings = [i for i, r in enumerate(rows) if r[0] is None and r[1] and str(r[1]).startswith("Team ")]
    assert [rows[i][1].split(":")[0] for i in headings] == [f"Team {t}" for t in teams]
    for i, team in zip(headings, teams):  # the rows under a heading are that team's agents
        size = sum(a.team == team for a in sample.agents)
        assert rows[i][1] == f"Team {team}: {size} people"
        assert [r[2] for r in rows[i + 1:i + 1 + size]] == [team] * size
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks == [4 + i - 1 for i in headings[1:]]  # a break just above each team but the first


def test_coverage_sheet_counts_working_agents(workbook, sample, roster, requirements):
    """Calls routed by skill (the default): every on-phone agent holding billing counts for billing."""
    ws = load_workbook(workbook, read_only=True)["Coverage"]
    rows = list(ws.iter_rows(values_only=True))
    label = sample.config.queues["billing"].label or "billing"
    req_col = rows[0].index(label)
    assert rows[1][req_col:req_col + 3] == ("req.", "sched.", "gap")
    holders = {a.agent_id for a in sample.agents if "billing" in a.skills}
    work = roster[(roster["activity"] == "work") & roster["agent_id"].isin(holders)]
    counts = work.groupby("interval_start").size()
    req = requirements[requirements["queue"] == "billing"].set_index("interval_start")["heads"]
    for r in rows[2:]:
        ts = pd.Timestamp(r[0])
        assert r[1] == ts.strftime("%a")
        assert r[req_col + 1] == counts.get(ts, 0)
        assert r[req_col] == req.get(ts, 0)
        assert r[req_col + 2] == r[req_col + 1] - r[req_col]


def test_coverage_has_a_straight_line_chart_per_queue_and_total(workbook, sample):
    import re
    import zipfile

    with zipfile.ZipFile(workbook) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == len(sample.config.queues) + 1
        titles = []
        for name in charts:
            xml = z.read(name).decode()
            assert "<c:lineChart>" in xml or "<lineChart>" in xml
            assert not re.search(r'smooth val="(1|true)"', xml)  # straight lines
            titles.append(re.search(r"<a:t>([^<]*)</a:t>", xml).group(1))
    labels = [q.label or name for name, q in sample.config.queues.items()]
    assert titles == ["All queues"] + labels


def test_summary_reports_checker_result_and_service_level(workbook):
    ws = load_workbook(workbook, read_only=True)["Summary"]
    cells = [v for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert "1 violation(s)" in cells and "min_rest" in cells
    assert "Service level" in cells
    assert any(isinstance(v, float) and 0 < v <= 1 for v in cells)


def test_data_sheet_is_the_long_table(workbook, roster):
    data = pd.read_excel(workbook, sheet_name="Data", dtype=str)
    assert list(data.columns) == ["agent_id", "date", "interval_start", "activity", "queue"]
    assert len(data) == len(roster)
    assert set(data.loc[data["activity"] == "work", "queue"]) <= {"billing", "faults", "vip"}
    assert data.loc[data["activity"] != "work", "queue"].isna().all()


def test_read_back_without_edits_is_identity(workbook, sample, roster):
    back = read_roster_workbook(workbook, sample.agents, sample.config)
    assert back.edits.empty
    a = back.roster.sort_values(["agent_id", "interval_start"]).reset_index(drop=True)
    b = roster.sort_values(["agent_id", "interval_start"]).reset_index(drop=True)
    assert a["interval_start"].tolist() == b["interval_start"].tolist()
    assert a["activity"].tolist() == b["activity"].tolist()


def test_hand_edit_round_trip(tmp_path, workbook, sample, roster):
    edited = tmp_path / "edited.xlsx"
    shutil.copy(workbook, edited)
    wb = load_workbook(edited)
    ws = wb["Roster"]
    target = next(r for r in ws.iter_rows(min_row=4) if r[0].value and r[6].value not in (None, "OFF"))
    aid = target[0].value
    target[6].value = "L1400"  # HR moves the agent to a late shift on day 1
    ws.cell(row=target[0].row, column=9).value = "OFF"  # and gives day 3 off
    wb.save(edited)
    back = read_roster_workbook(edited, sample.agents, sample.config)
    mine = back.roster[back.roster["agent_id"] == aid]
    day1 = mine[mine["date"] == START]
    assert day1["interval_start"].min() == pd.Timestamp("2026-11-30 14:00")
    assert day1["interval_start"].max() == pd.Timestamp("2026-11-30 22:45")
    assert (day1["activity"] == "lunch").sum() == 4 and (day1["activity"] == "break").sum() == 2
    assert mine[mine["date"] == START + dt.timedelta(days=2)].empty
    assert len(back.edits) >= 1 and (back.edits["now"] == "L1400").any()


def test_read_roster_is_the_one_entry(tmp_path, workbook, sample):
    """With the agents, the workbook as it stands (HR's edit applied); without, the Data sheet as written; with
    the config only, the Data sheet checked against its queues."""
    edited = tmp_path / "edited.xlsx"
    shutil.copy(workbook, edited)
    wb = load_workbook(edited)
    ws = wb["Roster"]
    target = next(r for r in ws.iter_rows(min_row=4) if r[0].value and r[6].value not in (None, "OFF"))
    target[6].value = "OFF"
    wb.save(edited)
    aid, day = str(target[0].value), START
    as_is = read_roster(edited, sample.config, sample.agents)
    written = read_roster(edited)
    assert as_is.edits["now"].tolist() == ["OFF"] and written.edits.empty and written.start is None
    on_day = lambda r: r[(r["agent_id"] == aid) & (r["date"] == pd.Timestamp(day))]  # noqa: E731
    assert on_day(as_is.roster).empty and not on_day(written.roster).empty
    assert len(read_roster(edited, sample.config).roster) == len(written.roster)
    narrow = dataclasses.replace(sample.config, queues={q: v for q, v in sample.config.queues.items()
                                                        if q != "billing"})
    with pytest.raises(InputError, match="queue 'billing' is not in the config"):
        read_roster(edited, narrow)


def test_bad_hand_edit_names_the_cell(tmp_path, workbook, sample):
    edited = tmp_path / "bad.xlsx"
    shutil.copy(workbook, edited)
    wb = load_workbook(edited)
    wb["Roster"]["G5"] = "Q0730"  # row 4 is the first team's heading
    wb.save(edited)
    with pytest.raises(InputError) as exc:
        read_roster_workbook(edited, sample.agents, sample.config)
    assert "cell G5" in str(exc.value) and "Q0730" in str(exc.value)


def test_writing_is_atomic_and_needs_force(tmp_path, sample, roster):
    path = tmp_path / "r.xlsx"
    write_roster_workbook(path, roster, sample.agents, sample.config, start=START, days=3)
    before = path.read_bytes()
    with pytest.raises(OutputExistsError):
        write_roster_workbook(path, roster, sample.agents, sample.config, start=START, days=3)
    broken = roster.drop(columns=["activity"])
    with pytest.raises(KeyError):
        write_roster_workbook(path, broken, sample.agents, sample.config, start=START, days=3, force=True)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]  # no temporary file left behind


def test_chinese_workbook(tmp_path, sample, roster):
    from dataclasses import replace

    config = replace(sample.config, centre=replace(sample.config.centre, language="zh"))
    path = tmp_path / "zh.xlsx"
    write_roster_workbook(path, roster, sample.agents, config, start=START, days=3)
    assert load_workbook(path, read_only=True).sheetnames == ["排班表", "明细", "覆盖", "汇总", "Data"]
    assert read_roster_workbook(path, sample.agents, config).edits.empty


def test_agent_exports(tmp_path, sample, roster):
    paths = export_agent_schedules(roster, sample.agents, sample.config, tmp_path)
    aid = roster["agent_id"].iloc[0]
    ics = (tmp_path / f"{aid}.ics").read_text(encoding="utf-8")
    shifts = roster[roster["agent_id"] == aid]["date"].nunique()
    assert ics.startswith("BEGIN:VCALENDAR") and ics.count("BEGIN:VEVENT") == shifts
    assert "TZID=Asia/Shanghai" in ics
    csv = pd.read_csv(tmp_path / f"{aid}.csv")
    assert len(csv) == shifts and csv["breaks"].str.contains("lunch").any()
    assert len(paths) == 2 * roster["agent_id"].nunique()


@pytest.mark.slow
def test_libreoffice_opens_and_renders_the_workbook(tmp_path, workbook):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (CI installs libreoffice-calc-nogui)")
    out = tmp_path / "pdf"
    result = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                             "--convert-to", "pdf", "--outdir", str(out), str(workbook)],
                            capture_output=True, text=True, timeout=240)
    pdf = out / "roster.pdf"
    assert pdf.is_file(), result.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_outputs_are_readable_by_others(tmp_path):
    import os
    import stat

    from wfm.atomic import write_text

    old = os.umask(0o022)
    try:
        path = write_text("x", tmp_path / "out.csv")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_detail_sheet_shows_every_interval_of_every_shift(workbook, roster):
    ws = load_workbook(workbook, read_only=True)["Detail"]
    rows = list(ws.iter_rows(values_only=True))
    day_headers = [r for r in rows
                   if r and isinstance(r[0], str) and re.fullmatch(r"(Mon|Tue|Wed) 2026-\d\d-\d\d", r[0])]
    assert len(day_headers) == roster["date"].nunique()
    agent_rows = [r for r in rows if r and r[0] in set(roster["agent_id"])]
    assert len(agent_rows) == roster.groupby(["agent_id", "date"]).ngroups
    cells = [v for r in agent_rows for v in r[3:] if v]
    assert len(cells) == len(roster)
    assert sum(v == "b" for v in cells) == (roster["activity"] == "break").sum()
    assert sum(v == "l" for v in cells) == (roster["activity"] == "lunch").sum()
    # billing's label is "话费咨询 Billing": in English its mark is the label's first Latin letter
    assert sum(v == "B" for v in cells) == ((roster["activity"] == "work") & (roster["queue"] == "billing")).sum()


def _export_inputs(tmp_path, sample):
    from wfm.readers.agents import agents_frame

    cfg = tmp_path / "config.toml"
    cfg.write_text(sample.config_text, encoding="utf-8")
    agents_frame(sample.agents).to_csv(tmp_path / "agents.csv", index=False)
    return ["--agents", tmp_path / "agents.csv", "--config", cfg]


def test_export_refuses_a_roster_that_breaks_a_hard_rule(tmp_path, workbook, sample, cli):
    args = _export_inputs(tmp_path, sample)
    code, out, err = cli("export", workbook, *args, "--out", tmp_path / "mine")
    assert code == 1 and "--allow-violations" in err and "nothing was exported" in err
    assert not (tmp_path / "mine").exists() and not (tmp_path / "mine_payroll.csv").exists()


def test_export_command(tmp_path, workbook, sample, cli):
    args = _export_inputs(tmp_path, sample)
    code, out, err = cli("export", workbook, *args, "--out", tmp_path / "mine", "--allow-violations")
    assert code == 0, err
    assert len(list((tmp_path / "mine").glob("*.ics"))) == len(list((tmp_path / "mine").glob("*.csv"))) > 0
    assert "despite" in out and (tmp_path / "mine_payroll.csv").is_file()
    code, _, err = cli("export", workbook, *args, "--out", tmp_path / "mine", "--allow-violations")
    assert code == 2 and "--force" in err


def test_export_team_days_and_only_the_agents_on_the_roster_sheet(tmp_path, workbook, sample, roster, cli):
    edited = tmp_path / "edited.xlsx"
    wb = load_workbook(workbook)
    ws = wb["Roster"]
    team = sample.agents[0].team
    rows = [r for r in ws.iter_rows(min_row=4) if r[0].value and r[2].value == team
            and any(c.value not in ("OFF", None) for c in r[6:8])]
    gone = rows[-1][0].value
    ws.delete_rows(rows[-1][0].row)  # HR deletes an agent's row
    wb.save(edited)
    args = _export_inputs(tmp_path, sample)
    code, out, err = cli("export", edited, *args, "--out", tmp_path / "t", "--team", team, "--from", "2026-11-30",
                         "--to", "2026-12-01", "--allow-violations")
    assert code == 0, err
    expected = {a.agent_id for a in sample.agents if a.team == team and a.agent_id != gone} & \
        set(roster.loc[roster["date"] <= dt.date(2026, 12, 1), "agent_id"])
    files = {p.stem for p in (tmp_path / "t").glob("*.ics")}
    assert files == expected and gone not in files
    for aid in files:
        days = set(pd.read_csv(tmp_path / "t" / f"{aid}.csv")["date"])
        assert days <= {"2026-11-30", "2026-12-01"}
    pay = pd.read_csv(tmp_path / "t_payroll.csv")
    assert set(pay["agent_id"]) <= expected and gone not in set(pay["agent_id"])
    assert set(pay["date"]) <= {"2026-11-30", "2026-12-01"}
    code, _, err = cli("export", edited, *args, "--out", tmp_path / "u", "--team", "nosuch", "--allow-violations")
    assert code == 2 and "nosuch" in err


def test_payroll_hours_by_band(sample):
    from wfm.publish.figures import payroll

    a = next(x for x in sample.agents if x.contract_hours_week == 40 and not x.leave)
    # five early shifts Mon-Fri (8 h paid each: 9 h less the unpaid lunch) and a sixth on Saturday
    plan = pd.concat([plan_from_code(a, START + dt.timedelta(days=d), "E0700", sample.config) for d in range(6)])
    pay = payroll(plan, [a], sample.config, START, 7).set_index("date")
    assert pay["paid_hours"].tolist() == [8.0] * 6
    assert pay["normal"].sum() == 40.0  # the week's contract
    saturday = pay.loc[START + dt.timedelta(days=5)]
    assert saturday["overtime_rest_day"] == 8.0 and saturday["normal"] == 0.0  # the week's last day, a rest day


def test_legend_and_role_and_code_dropdown(workbook, sample):
    ws = load_workbook(workbook)["Roster"]
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    # hand-computed from the sample's templates: N is 9 h from 22:00 with a 60-min unpaid lunch
    assert "N2200 Night: 22:00 to 07:00 next day, 8 h paid (60 min lunch unpaid)" in cells
    assert "E0700 Early: 07:00 to 16:00, 8 h paid (60 min lunch unpaid)" in cells
    [dv] = ws.data_validations.dataValidation
    allowed = dv.formula1.strip('"').split(",")
    assert {"OFF", "LEAVE", "TRN", "E0700", "N2200"} <= set(allowed) and "Q0730" not in allowed
    first_agent_row = 5  # row 4 is the first team's heading
    assert f"G{first_agent_row}" in dv.sqref and dv.type == "list"
