"""Interval forecasting per queue: `Forecaster` (fit/predict), `backtest`, and the seasonal baselines."""

from wfm.forecast.backtest import backtest, summarise
from wfm.forecast.baselines import seasonal_naive, weekday_mean
from wfm.forecast.model import FORECAST_COLUMNS, Forecaster

__all__ = ["FORECAST_COLUMNS", "Forecaster", "backtest", "seasonal_naive", "summarise", "weekday_mean"]
