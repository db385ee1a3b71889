"""The workbook's figures are the command line's: a 7-day roster against a 14-day requirements file reports on
Summary exactly what `wfm check --requirements` prints (the second week is outside the period, not unstaffed)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
from openpyxl import load_workbook
from test_workbook_print import START, synthetic_roster

from wfm.publish import write_roster_workbook
from wfm.readers.agents import agents_frame
from wfm.sample import build_sample


@pytest.fixture(scope="module")
def seven_of_fourteen(tmp_path_factory):
    sample = build_sample(START, days=14, small=True)
    fortnight = synthetic_roster(sample, 14)
    work = fortnight[fortnight["activity"] == "work"].groupby(["interval_start", "queue"]).size()
    req = work.rename("heads").reset_index()
    req["heads"] = (req["heads"] + np.arange(len(req)) % 3 - 1).clip(lower=0)  # some under, some over
    req["agents"] = req["heads"]
    req["calls"] = req["heads"] * 8.0
    req["aht_s"] = 240.0
    req["erlangs"] = req["calls"] * 240.0 / 900
    req["service_level"], req["asa_s"], req["occupancy"] = 0.8, 10.0, 0.8
    week = fortnight[fortnight["date"] < START + dt.timedelta(days=7)]
    folder = tmp_path_factory.mktemp("p7of14")
    path = folder / "roster.xlsx"
    write_roster_workbook(path, week, sample.agents, sample.config, start=START, days=7, requirements=req)
    (folder / "config.toml").write_text(sample.config_text, encoding="utf-8")
    agents_frame(sample.agents).to_csv(folder / "agents.csv", index=False)
    req.to_csv(folder / "requirements.csv", index=False)
    return folder, req, week


def summary_queue_table(path) -> list[tuple]:
    rows = [tuple(r) + (None,) * 9 for r in load_workbook(path, read_only=True)["Summary"].iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(rows) if r[0] == "Queue")
    out = []
    for r in rows[at + 1:]:
        if not isinstance(r[2], (int, float)):
            break
        out.append(r)
    return out


def test_summary_equals_check_on_a_week_of_a_fortnight(seven_of_fourteen, cli):
    folder, req, week = seven_of_fourteen
    code, out, err = cli("check", folder / "roster.xlsx", "--agents", folder / "agents.csv", "--config",
                         folder / "config.toml", "--requirements", folder / "requirements.csv")
    m = re.search(r"Coverage: required (\d+) agent-intervals, under-staffed (\d+) \(([\d.]+)%\), over-staffed (\d+)",
                  " ".join(out.split()))  # the console may wrap the line
    assert m, out[-2000:] + err
    required, under, under_pct, over = int(m[1]), int(m[2]), float(m[3]), int(m[4])
    table = summary_queue_table(folder / "roster.xlsx")
    assert sum(r[2] for r in table) == required
    assert sum(r[4] for r in table) == under
    if "against one pool" in " ".join(out.split()):
        # calls routed by skill: the Summary's queues count an agent in each queue it holds, the check's total
        # counts it once against one pool's need
        assert sum(r[5] for r in table) >= over
    else:
        assert sum(r[5] for r in table) == over
    assert 100 * sum(r[4] for r in table) / required == pytest.approx(under_pct, abs=0.05)
    # and both are the first week's requirement alone (hand-summed here from the requirements table)
    first_week = req[req["interval_start"] < np.datetime64("2026-12-07")]
    assert required == int(first_week["heads"].sum()) < int(req["heads"].sum())
