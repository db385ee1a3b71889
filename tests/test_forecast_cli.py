"""`wfm forecast` and `wfm backtest` from a history file alone, and on the real histories when present."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import test_forecast_synth as synth
from wfm.forecast import FORECAST_COLUMNS, Forecaster

D = dt.date


@pytest.fixture
def history_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    h = synth.history(D(2025, 9, 1), D(2026, 1, 31), seed=2, with_aht=True)
    h = pd.concat([h, synth.history(D(2025, 9, 1), D(2026, 1, 31), seed=3, queue="faults", base=500)])
    h["interval_start"] = h["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    h.to_csv("history.csv", index=False)
    return tmp_path / "history.csv"


def test_forecast_command_writes_csv_and_xlsx(cli, history_csv):
    code, out, err = cli("forecast", "--history", history_csv, "--start", "2026-02-02", "--days", "14")
    assert code == 0, err
    csv = history_csv.parent / "forecasts" / "forecast_2026-02-02_14d.csv"
    f = pd.read_csv(csv, parse_dates=["interval_start"])
    assert list(f.columns) == FORECAST_COLUMNS and len(f) == 2 * 14 * 48
    assert f.loc[f["queue"] == "faults", "aht_s"].eq(300).all()  # no aht for faults: the default
    assert "300 s" not in out  # the history has an aht_s column
    wb = load_workbook(csv.with_suffix(".xlsx"))
    assert wb.sheetnames == ["Forecast", "Accuracy", "billing", "faults"] and wb["billing"]._charts
    # the model choice: per queue and overall, the delivered forecast (wfm), every candidate and both baselines
    acc = pd.DataFrame(list(wb["Accuracy"].iter_rows(min_row=5, values_only=True)),
                       columns=[c.value for c in wb["Accuracy"][4]])
    assert set(acc["queue"]) == {"billing", "faults", "ALL"} and len(acc) == 3 * 7
    wape = acc.set_index(["queue", "method"])["wape"]
    assert 0 < wape[("ALL", "wfm")] < wape[("ALL", "weekday_mean4")] < 1
    for q in ("billing", "faults"):  # never worse than the better baseline on its own backtest
        assert wape[(q, "wfm")] <= min(wape[(q, "seasonal_naive")], wape[(q, "weekday_mean4")])
        chosen = acc.loc[(acc["queue"] == q) & (acc["method"] == "wfm"), "chosen"].iloc[0]
        assert wape[(q, "wfm")] == wape[(q, chosen)] and f"model: {q}: " in out
    assert "WAPE" in out and "baseline" in out and "Model choice and accuracy" in out
    code, _, err = cli("forecast", "--history", history_csv, "--start", "2026-02-02", "--days", "14")
    assert code == 2 and "--force" in err
    code, _, err = cli("forecast", "--history", history_csv, "--start", "2026-01-02", "--days", "14", "-o", "x.csv")
    assert code == 2 and "not after the end" in err
    code, _, err = cli("forecast", "--history", history_csv, "--start", "2026-02-02", "--days", "7", "--country", "XX",
                       "-o", "y.csv")
    assert code == 2 and "unknown holiday country" in err


def test_backtest_command(cli, history_csv):
    code, out, err = cli("backtest", "--history", history_csv, "--days", "7", "--folds", "2", "-o", "bt.csv")
    assert code == 0, err
    assert "seasonal_naive" in out and "weekday_mean4" in out
    bt = pd.read_csv(history_csv.parent / "bt.csv")
    assert {"fold", "queue", "method", "wape", "mase", "bias", "coverage", "aht_wape"} <= set(bt.columns)
    assert set(bt["queue"]) == {"billing", "faults", "ALL"}
    assert "AHT WAPE" in out
    aht = bt[bt["fold"] == "all"].set_index(["queue", "method"])["aht_wape"]
    assert aht[("billing", "wfm")] > 0 and np.isnan(aht[("faults", "wfm")])  # faults has no aht_s


def test_help_has_example(cli):
    for command in ("forecast", "backtest"):
        code, out, _ = cli(command, "--help")
        assert code == 0 and "Example: wfm " + command in out


def test_real_histories(shared_data):
    montco = pd.read_csv(shared_data / "montco_911_15min_history.csv", parse_dates=["interval_start"])
    fc = Forecaster(country="US", workers=1).fit(montco[montco["interval_start"] < "2016-07-01"])
    assert fc.interval_minutes_ == 15
    assert any("outage" in n for n in fc.notes["ems"])  # the feed outage of 2016-05-01/02
    pred = fc.predict(D(2016, 7, 1), 28)
    actual = montco[(montco["interval_start"] >= "2016-07-01") & (montco["interval_start"] < "2016-07-29")]
    ratio = pred.groupby("queue")["calls"].sum() / actual.groupby("queue")["offered"].sum()
    assert ratio.between(0.85, 1.15).all(), ratio
    bank = pd.read_csv(shared_data / "us_bank_5min_history.csv", parse_dates=["interval_start"])
    pred = Forecaster(country="US", workers=1).fit(bank).predict(D(2003, 10, 27), 14)
    weekend = pred["interval_start"].dt.day_of_week >= 5
    assert (pred.loc[weekend, "calls"] == 0).all() and pred.loc[~weekend, "calls"].sum() > 0  # closed on weekends
    night = pred["interval_start"].dt.hour < 7
    assert (pred.loc[night, "calls"] == 0).all()
