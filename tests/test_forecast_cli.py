"""`wfm forecast` and `wfm backtest` from a history file alone, and on the real histories when present."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import test_forecast_synth as synth
from wfm.forecast import FORECAST_COLUMNS, Forecaster, select

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
    assert set(acc["queue"]) == {"billing", "faults", "ALL"} and len(acc) == 3 * (1 + len(select.CANDIDATES))
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


def test_forecast_survives_hostile_queue_names_and_messy_measurements(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    t = pd.date_range("2026-01-05", "2026-03-01 23:30", freq="30min")
    rng = np.random.default_rng(1)
    rows = []
    for q in ("a/b", "=1+1", "Forecast"):
        offered = rng.poisson(np.where((t.hour >= 8) & (t.hour < 20), 6.0, 0.0))
        aht = np.where(offered > 0, 280.0, np.nan)
        rows.append(pd.DataFrame({"interval_start": t.strftime("%Y-%m-%dT%H:%M:%S"), "queue": q,
                                  "offered": offered, "aht_s": aht}))
    h = pd.concat(rows, ignore_index=True)
    busy = h.index[h["offered"] > 0]
    h.loc[busy[0], "aht_s"] = 19247.0  # a call stuck for 5 hours
    h.loc[busy[1], "aht_s"] = 0.0  # AHT 0 with calls handled
    h.to_csv("h.csv", index=False)
    code, out, err = cli("forecast", "--history", "h.csv", "--country", "none", "--start", "2026-03-02", "--days", "7")
    assert code == 0, err
    assert "19247" in err and "AHT of 0 s" in err  # warnings, not errors
    wb = load_workbook(tmp_path / "forecasts" / "forecast_2026-03-02_7d.xlsx")
    assert {"a_b", "=1+1", "Forecast~2"} <= set(wb.sheetnames)
    cells = [c for c in wb["Forecast"]["B"] if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)  # text, never a formula
    code, _, err = cli("forecast", "--history", "h.csv", "--start", "9999-12-31", "--days", "7", "-o", "far.csv")
    assert code == 2 and "days after the end of the history" in err


def test_special_days_file(cli, history_csv):
    sd = history_csv.parent / "events.csv"
    sd.write_text("start,end,label\n2025-12-01,2025-12-03,bill run\n2026-02-09,,bill run\n2026-02-10,,launch\n")
    code, out, err = cli("forecast", "--history", history_csv, "--start", "2026-02-02", "--days", "14",
                         "--special-days", sd, "-o", "sd.csv", "--no-xlsx")
    assert code == 0, err
    assert "5 day(s) with 2 label(s)" in out and "bill_run" in out
    assert "no past occurrence" in out and "launch" in out
    sd.write_text("start,label\n02/03/2026,x\n")  # day/month or month/day: refused, not guessed
    code, _, err = cli("forecast", "--history", history_csv, "--start", "2026-02-02", "--days", "14",
                       "--special-days", sd, "-o", "sd2.csv", "--no-xlsx")
    assert code == 2 and "row 2" in err and "'start'" in err


def test_calls_a_day_leave_out_the_days_a_queue_is_closed(cli, tmp_path, monkeypatch):
    """An office closed at weekends: 'calls/day' is the mean over the forecast's open days (10 of 14), not the
    total over 14 calendar days."""
    monkeypatch.chdir(tmp_path)
    h = synth.history(D(2025, 9, 1), D(2026, 1, 31), seed=4)
    h.loc[h["interval_start"].dt.day_of_week >= 5, "offered"] = 0
    h["interval_start"] = h["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    h.to_csv("history.csv", index=False)
    code, out, err = cli("forecast", "--history", "history.csv", "--start", "2026-02-02", "--days", "14",
                         "--country", "none", "-o", "f.csv")
    assert code == 0, err
    f = pd.read_csv("f.csv", parse_dates=["interval_start"])
    by_day = f.groupby(f["interval_start"].dt.date)["calls"].sum()
    weekend = [d for d in by_day.index if d.weekday() >= 5]
    assert by_day[weekend].max() < 0.5  # the closure is forecast as closed
    row = next(line for line in out.splitlines() if "billing" in line and "│" in line)
    cells = [c.strip() for c in row.split("│") if c.strip()]
    assert cells[2] == f"{by_day.sum() / 10:,.0f}" != f"{by_day.sum() / 14:,.0f}"


def test_a_history_resting_on_other_days_than_the_default_calendar_gets_a_note(cli, tmp_path, monkeypatch):
    """Without --country (or a config) the holidays are China's. A Saudi bank's history, which rests on Friday
    and Saturday and works on Sunday, forecast so got China's National Day: its Saturday 4 October at 2,130
    calls (903 a plain Saturday), Sunday-Thursday cut by 40%. The forecast says which calendar it used and why
    that looks wrong; with --country SA (or a queue resting on CN's weekend) there is no such note."""
    from wfm.sample.centres import generated_centre

    monkeypatch.chdir(tmp_path)
    centre = generated_centre("frisat_bank", seed=0, end=dt.date(2026, 4, 30))
    h = centre.history.assign(interval_start=centre.history["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S"))
    h.to_csv("bank.csv", index=False)
    args = ["forecast", "--history", "bank.csv", "--start", "2026-05-01", "--days", "7", "--accuracy-folds", "0",
            "--no-xlsx"]
    code, out, err = cli(*args, "-o", "cn.csv")
    assert code == 0, err
    text = " ".join((out + err).split())
    assert "--country" in text and "rest on Fri, Sat" in text and "CN weekend (Sat, Sun)" in text, text
    code, out, err = cli(*args, "--country", "SA", "-o", "sa.csv")
    assert code == 0, err
    assert "rest on" not in " ".join((out + err).split())
