"""The forecast as an Excel workbook: the table, and a line chart of recent history vs forecast per queue."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference

from wfm.forecast.select import LABELS
from wfm.safe_text import append_row, clean_text, sheet_title
from wfm.xlsx_table import write_table

HISTORY_DAYS = 14  # days of history shown before the forecast in each chart


ACCURACY_COLUMNS = ["queue", "method", "wape", "mase", "bias", "coverage", "aht_wape", "chosen", "reason"]


def write_forecast_xlsx(forecast: pd.DataFrame, history: pd.DataFrame | None, path: str | Path,
                        accuracy: pd.DataFrame | None = None, accuracy_title: str = "") -> None:
    """Sheet `Forecast` (the CSV's columns), `Accuracy` (the model's backtest, `summarise` rows, when given) and
    one sheet per queue: hourly calls, history then forecast, charted."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Forecast"
    write_table(ws, forecast.columns, forecast.itertuples(index=False), freeze="A2", widths={"A": 20})
    if accuracy is not None:
        _accuracy_sheet(wb.create_sheet("Accuracy"), accuracy, accuracy_title)
    start = pd.to_datetime(forecast["interval_start"]).min()
    taken = {name.casefold() for name in wb.sheetnames}
    for queue, f in forecast.groupby("queue", sort=True):
        sheet = wb.create_sheet(sheet_title(queue, taken, default="queue"))
        fc = f.set_index(pd.to_datetime(f["interval_start"]))["calls"].resample("1h").sum()
        hist = pd.Series(dtype=float)
        if history is not None and not history.empty:
            h = history[history["queue"] == queue]
            ts = pd.to_datetime(h["interval_start"])
            mask = (ts >= start - pd.Timedelta(days=HISTORY_DAYS)) & (ts < start)
            if mask.any():
                hist = h.loc[mask, "offered"].set_axis(ts[mask]).astype(float).resample("1h").sum()
        index = hist.index.union(fc.index)
        write_table(sheet, ["hour", "history", "forecast"], ([t, _value(hist, t), _value(fc, t)] for t in index),
                    widths={"A": 20})
        n = len(index)
        chart = LineChart()
        chart.title = f"{clean_text(str(queue))}: calls per hour, history vs forecast"
        chart.y_axis.title = "calls"
        chart.x_axis.title = "hour"
        chart.x_axis.number_format = "mm-dd"
        chart.height, chart.width = 9, 28
        chart.add_data(Reference(sheet, min_col=2, max_col=3, min_row=1, max_row=n + 1), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=n + 1))
        sheet.add_chart(chart, "E2")
    wb.save(path)


def _accuracy_sheet(ws, accuracy: pd.DataFrame, title: str) -> None:
    append_row(ws, [title or "Backtest of the forecasting model"])
    ws.append(["WAPE = sum |actual - forecast| / sum actual. Method 'wfm' is the forecast delivered: per queue the "
               "candidate in 'chosen'. Candidates: " + ", ".join(f"{k} ({v})" for k, v in LABELS.items())
               + "; seasonal_naive and weekday_mean4 are the naive baselines."])
    cols = [c for c in ACCURACY_COLUMNS if c in accuracy.columns]
    write_table(ws, cols, accuracy[cols].itertuples(index=False), row=4, freeze="A5", widths={"A": 16, "B": 16},
                formats={c: "0.00" if c == "mase" else "0.0%" for c in cols[2:]})


def _value(series: pd.Series, t) -> float | None:
    if t in series.index:
        v = series.loc[t]
        return None if pd.isna(v) else round(float(v), 2)
    return None
