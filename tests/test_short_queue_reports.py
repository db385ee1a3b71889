"""A queue the roster's simulation leaves under target is said in plain words where people read: the Summary sheet
of the roster workbook (English and Chinese), `wfm simulate`'s output; and a roster the requirements cannot
simulate says so instead of falling back to the staffing estimate silently."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from wfm.publish import write_roster_workbook
from wfm.roster.stats import ShortQueue
from wfm.sample import build_sample
from test_workbook_print import START, synthetic_roster

# the small sample's queues (billing, faults, vip), with the labels each test gives them
FAULTS_SHORT = ShortQueue("faults", 0.633, 0.023, 0.8, None, None, 6, 159, ["billing", "vip"])
VIP_SHORT = ShortQueue("vip", 0.85, 0.01, 0.8, 0.12, 0.08, 20, 159, [])


def _summary_texts(path, sheet: str) -> list[str]:
    ws = load_workbook(path)[sheet]
    return [str(r[0]) for r in ws.iter_rows(values_only=True) if r and r[0] is not None]


def _block(texts: list[str], heading: str, next_row: str) -> str:
    """The lines between `heading` and `next_row`, joined without spaces (lines are wrapped at spaces or
    between Chinese characters)."""
    return "".join(texts[texts.index(heading) + 1:texts.index(next_row)]).replace(" ", "")


def _book(tmp_path, language: str, short_queues, labels: dict[str, str]):
    sample = build_sample(START, days=2, small=True)
    c = sample.config
    config = replace(c, centre=replace(c.centre, language=language),
                     queues={k: replace(q, label=labels.get(k, q.label)) for k, q in c.queues.items()})
    path = tmp_path / f"roster_{language}.xlsx"
    write_roster_workbook(path, synthetic_roster(sample, 2), sample.agents, config, start=START, days=2,
                          short_queues=short_queues)
    return path


def test_summary_sheet_names_each_short_queue_in_english(tmp_path):
    path = _book(tmp_path, "en", [FAULTS_SHORT, VIP_SHORT], {"faults": "Faults desk", "vip": "VIP line",
                                                             "billing": "Billing"})
    texts = _summary_texts(path, "Summary")
    head = "Below target in the roster's simulation check:"
    assert texts.count(head) == 1
    faults = "Faults desk: simulated service level 63% (±2 points) against its 80% target; 6 of 159 agents " \
             "hold Faults desk, who also answer Billing, VIP line (routed before Faults desk). More agents holding " \
             "Faults desk would help: agents without it cannot answer its calls"
    vip = "VIP line: simulated service level 85% (±1 points) against its 80% target, 12% of calls abandoned " \
          "against at most 8%; 20 of 159 agents hold VIP line. More agents holding VIP line would help: agents " \
          "without it cannot answer its calls"
    # each sentence is wrapped over lines that fit the printed width; the warning comes before the figures
    assert _block(texts, head, "Centre") == (faults + vip).replace(" ", "")
    assert faults.startswith(texts[texts.index(head) + 1])
    ws = load_workbook(path)["Summary"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == head)
    assert cell.fill.fgColor.rgb.endswith("FFC7CE") and cell.font.b


def test_summary_sheet_without_short_queues_has_no_warning(tmp_path):
    texts = _summary_texts(_book(tmp_path, "en", [], {}), "Summary")
    assert not any("simulation check" in t or "simulated service level" in t for t in texts)


def test_summary_sheet_short_queue_in_chinese(tmp_path):
    path = _book(tmp_path, "zh", [FAULTS_SHORT], {"faults": "故障申报", "billing": "话费咨询", "vip": "贵宾"})
    texts = _summary_texts(path, "汇总")
    assert _block(texts, "排班仿真校验中未达标：", "中心") == (
        "故障申报：仿真服务水平 63%（±2 个百分点），目标 80%；159 名坐席中有 6 名具备 故障申报 技能，"
        "他们同时接听 话费咨询、贵宾（优先于 故障申报 分配）。"
        "增加具备 故障申报 技能的坐席会有帮助：不具备该技能的坐席无法接听其来电").replace(" ", "")


def test_a_queue_name_like_a_formula_is_written_as_text(tmp_path):
    evil = ShortQueue("=HYPERLINK(\"http://x\")", 0.5, 0.0, 0.8, None, None, 1, 2, [])
    path = _book(tmp_path, "en", [evil], {})
    ws = load_workbook(path)["Summary"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    assert cells[0].value.startswith("=HYPERLINK(\"http://x\"): simulated service level 50%")


# --------------------------------------------------------------------------------------------- wfm simulate


def test_below_target_lines_follow_the_roster_rule():
    """billing's low end 0.70 - 0.01 is 10 points under 80%: below; vip at 0.92 - 0.02 against 90% is within the
    one-point margin: met; without agents only the figures are said."""
    from wfm.cli.simulate import below_target_lines

    q = SimpleNamespace(answer_rate_target=None, max_abandon_rate=None, patience_s=None)
    cfg = SimpleNamespace(queues={"billing": replace_ns(q, sl_target=0.8, priority=1),
                                  "vip": replace_ns(q, sl_target=0.9, priority=5)})
    period = pd.DataFrame({"queue": ["billing", "vip", "all"], "calls": [900.0, 100.0, 1000.0],
                           "service_level": [0.70, 0.92, 0.72], "service_level_hw": [0.01, 0.02, 0.01],
                           "abandon_rate": [0.05, 0.01, 0.05], "abandon_rate_hw": [0.01, 0.01, 0.01]})
    agents = [SimpleNamespace(skills={"billing": 1.0, "vip": 1.0}), SimpleNamespace(skills={"vip": 1.0})]
    assert below_target_lines(period, cfg, agents) == [
        "billing: simulated service level 70% (±1 points) against its 80% target; 1 of 2 agents hold billing, who "
        "also answer vip (routed before billing). More agents holding billing would help: agents without it "
        "cannot answer its calls"]
    assert below_target_lines(period, cfg, None) == [
        "billing: simulated service level 70% (±1 points) against its 80% target"]


def replace_ns(ns: SimpleNamespace, **kw) -> SimpleNamespace:
    return SimpleNamespace(**{**vars(ns), **kw})


def test_cli_simulate_flags_a_queue_far_below_target(tmp_path, cli, monkeypatch):
    """16 billing calls per 15 minutes at 180 s (3.2 Erlangs) against at most 2 agents on billing: billing's
    simulated level is far under its 80% target and the output says so, naming its 2 holders of 3 agents."""
    from test_simulation_roster import _forecast, _workspace

    _workspace(tmp_path)
    fc = _forecast({"billing": 16, "vip": 3}, 25)
    fc["interval_start"] = fc["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    fc.to_csv(tmp_path / "forecast.csv", index=False)
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("simulate", "roster.xlsx", "--forecast", "forecast.csv", "--config", "config.toml",
                         "--agents", "agents.csv", "--replications", "3", "--seed", "2", "--no-own-only")
    assert code == 0, err
    err = " ".join(err.split())  # the console wraps long lines
    [line] = [ln for ln in err.split("warning: ")[1:] if ln.startswith("below target: billing")]
    level = int(line.split("service level ")[1].split("%")[0])
    assert level < 50
    assert "against its 80% target; 2 of 3 agents hold billing, who also answer vip (routed before billing)" in line
    row = next(ln for ln in out.splitlines() if ln.strip("│ ").startswith("billing") and "%" in ln)
    assert "BELOW 80%" in row


# --------------------------------------------------------------------------------------------- wfm roster


def test_roster_says_the_simulation_was_skipped_when_the_forecast_leaves_out_closed_hours():
    """The forecast covers only the open hours 09:00-18:00 of the one roster day: the roster cannot be simulated
    (missing intervals are not zero calls), and the build says so, naming both queues and the day."""
    import tomllib

    from test_multiskill import SMALL_QUEUE_FLOOR
    from wfm.config import parse_config
    from wfm.readers.agents import Agent
    from wfm.roster import build_roster
    from wfm.staffing import staff

    cfg = parse_config(tomllib.loads(SMALL_QUEUE_FLOOR))
    start = dt.date(2026, 12, 7)
    ts = pd.date_range(pd.Timestamp(start) + pd.Timedelta(hours=9), periods=18, freq="30min")
    fc = pd.concat([pd.DataFrame({"interval_start": ts, "queue": q, "calls": np.full(len(ts), c), "aht_s": 240.0})
                    for q, c in (("billing", 20.0), ("english", 3.0))])
    req = staff(fc, cfg.queues, interval_s=cfg.centre.interval_s, shrinkage=cfg.shrinkage.unplaced)
    agents = [Agent(f"A{i}", f"A{i}", "T1", {"billing": 1.0, "english": 1.0}, 40.0) for i in range(8)]
    res = build_roster(req, agents, cfg, start, 1, time_limit_s=5)
    [note] = [n for n in res.notes if "not simulated" in n]
    assert "Summary sheet's service level is the staffing (Erlang) estimate" in note
    assert "billing, english" in note and "2026-12-07" in note
    assert res.stats.short_queues == [] and res.stats.corrected_queues == []
