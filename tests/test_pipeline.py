"""`wfm.pipeline`: the default output names of every command, and the requirements stage the demo and
`wfm staff` share (closed days and hours staffed with nobody), and the roster stages `wfm roster` and the demo share."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from wfm.config import parse_config
from wfm.errors import InputError
from wfm.pipeline import default_output, iso_times, output_name, requirements

MONDAY = dt.date(2026, 12, 7)

CONFIG = """
[centre]
interval_minutes = 15
open = "08:00"
close = "20:00"
closed_weekdays = ["Sun"]

[queues.billing]
sl_target = 0.8
answer_time_s = 20
"""


@pytest.mark.parametrize("kind, args, kwargs, expected", [
    ("forecast", (MONDAY, 7), {}, "forecasts/forecast_2026-12-07_7d.csv"),
    ("requirements", (MONDAY, 28), {}, "forecasts/requirements_2026-12-07_28d.csv"),
    ("roster", (MONDAY, 7), {}, "rosters/roster_2026-12-07_7d.xlsx"),
    ("simulation", (MONDAY, 7), {}, "forecasts/simulation_2026-12-07_7d.csv"),
    ("adherence", (MONDAY, 1), {}, "rosters/adherence_2026-12-07_1d.xlsx"),
    ("whatif", (MONDAY,), {"weeks": 26}, "forecasts/whatif_2026-12-07_26w.csv"),
    ("backtest", (), {"days": 28}, "forecasts/backtest_28d.csv"),
    ("intraday", (MONDAY,), {"tag": "0930"}, "rosters/intraday_2026-12-07_0930.xlsx"),
])
def test_default_outputs_are_the_contracts_names(kind, args, kwargs, expected):
    assert default_output(kind, *args, **kwargs) == Path(expected)


def test_the_demo_name_helper_is_the_pipelines():
    from wfm.demo import default_name

    assert default_name("roster", MONDAY, 14, ".xlsx") == "roster_2026-12-07_14d.xlsx"
    assert output_name("forecast", MONDAY, 7, suffix=".xlsx") == "forecast_2026-12-07_7d.xlsx"


def _forecast(days: list[dt.date], hours: list[int]) -> pd.DataFrame:
    rows = [(pd.Timestamp(d) + pd.Timedelta(hours=h), "billing", 10.0, 180.0) for d in days for h in hours]
    return pd.DataFrame(rows, columns=["interval_start", "queue", "calls", "aht_s"])


def test_requirements_staff_open_intervals_and_nobody_when_closed():
    cfg = parse_config(tomllib.loads(CONFIG))
    sunday = MONDAY - dt.timedelta(days=1)
    req = requirements(_forecast([sunday, MONDAY], [7, 9, 12, 21]), cfg)
    by = req.set_index("interval_start")
    # Monday 09:00 and 12:00: 2 erlangs (10 calls x 180 s / 900 s); Erlang C gives SL 0.602 with 3 agents and
    # 0.861 with 4 (20 s answer time), so 4 meet 80%; no shrinkage, so 4 heads.
    for hour in (9, 12):
        row = by.loc[pd.Timestamp(MONDAY) + pd.Timedelta(hours=hour)]
        assert (row["agents"], row["heads"], row["binding"]) == (4, 4, "service_level")
    # before opening (07:00), after closing (21:00) and all of Sunday: nobody, marked closed
    closed = req[req["binding"] == "closed"]
    assert len(closed) == 6 and (closed["agents"] == 0).all() and (closed["heads"] == 0).all()
    assert list(req["interval_start"]) == list(_forecast([sunday, MONDAY], [7, 9, 12, 21])["interval_start"])


def test_requirements_name_the_config_when_a_queue_is_not_in_it(tmp_path):
    cfg = parse_config(tomllib.loads(CONFIG))
    other = _forecast([MONDAY], [9]).assign(queue="faults")
    with pytest.raises(InputError) as exc:
        requirements(other, cfg, source=tmp_path / "config.toml")
    assert f"{tmp_path / 'config.toml'}: queue(s) not in the config: faults" in str(exc.value)


def test_iso_times_writes_the_csv_timestamps():
    out = iso_times(_forecast([MONDAY], [9]))
    assert out["interval_start"].tolist() == ["2026-12-07T09:00:00"]


def test_agent_and_the_fte_formula_live_in_the_domain_and_keep_their_old_homes():
    import wfm.agents as domain
    from wfm.readers import Agent as from_readers_package
    from wfm.readers.agents import PART_TIME_WEEK_H, Agent
    from wfm.sample.agents import on_phone_hours_per_fte

    assert Agent is domain.Agent is from_readers_package and PART_TIME_WEEK_H == 24.0
    assert on_phone_hours_per_fte is domain.on_phone_hours_per_fte
    cfg = parse_config(tomllib.loads(CONFIG))
    # 40 h / 8 h = 5 shifts a week, each with 2 breaks of 15 min: 2.5 h off the phones; no training, unpaid lunch
    assert domain.on_phone_hours_per_fte(cfg) == 37.5


def _roster_files(tmp_path: Path, small_roster) -> tuple[Path, Path, Path]:
    """The small roster's config, agents and requirements written as `wfm roster` reads them."""
    from test_roster import CONFIG as ROSTER_CONFIG
    from wfm.readers.agents import agents_frame

    _, agents, req, _ = small_roster
    (tmp_path / "config.toml").write_text(ROSTER_CONFIG.format(iv=30), encoding="utf-8")
    agents_frame(agents).to_csv(tmp_path / "agents.csv", index=False)
    iso_times(req).to_csv(tmp_path / "req.csv", index=False)
    return tmp_path / "req.csv", tmp_path / "agents.csv", tmp_path / "config.toml"


def test_roster_inputs_add_the_hr_leave_and_name_a_requirements_file_of_another_period(tmp_path, small_roster):
    from wfm.pipeline import read_roster_inputs

    req, agents, config = _roster_files(tmp_path, small_roster)
    who = small_roster[1][3].agent_id
    (tmp_path / "leave.csv").write_text(f"agent_id,start,end,type\n{who},2026-12-08,2026-12-09,annual\n",
                                        encoding="utf-8")
    inputs = read_roster_inputs(req, agents, config, MONDAY, 7, leave=tmp_path / "leave.csv")
    added = {(dt.date(2026, 12, 8), "annual"), (dt.date(2026, 12, 9), "annual")}
    assert not added & set(small_roster[1][3].leave)  # not there before
    assert added <= {a.agent_id: set(a.leave) for a in inputs.agents}[who]
    assert len(inputs.requirements) == len(small_roster[2])
    with pytest.raises(InputError) as exc:
        read_roster_inputs(req, agents, config, dt.date(2027, 1, 4), 7)
    assert "req.csv" in str(exc.value)


def test_write_workbook_writes_what_the_independent_checker_reads_back(tmp_path, small_roster):
    from wfm.pipeline import write_workbook
    from wfm.roster import check_workbook
    from wfm.roster.workbook import read_roster_workbook

    cfg, agents, req, result = small_roster
    path = write_workbook(tmp_path / "r.xlsx", result, cfg, MONDAY, 7, req)
    book = read_roster_workbook(path, agents, cfg)
    assert (book.start, book.days) == (MONDAY, 7) and book.edits.empty
    rep = check_workbook(path, agents, cfg, requirements=req)
    assert rep.ok, [str(v) for v in rep.violations]
    assert rep.totals["shifts"] == result.report.totals["shifts"] > 0
