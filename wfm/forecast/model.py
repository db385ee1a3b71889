"""`Forecaster`: fit on a long history frame, predict every interval of a horizon for every queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from wfm.calendar import day_calendar, special_labels
from wfm.forecast import select
from wfm.forecast.countries import queue_countries
from wfm.forecast.pooling import (borrow_holiday_effects, pool_holiday_closures, pool_holiday_effects,
                                  pool_weekday_effects)
from wfm.forecast.prep import QueueGrid, infer_interval_minutes, queue_grid
from wfm.forecast.queue_model import QueueModel, Settings, fit_queue
from wfm.parallel import map_tasks

FORECAST_COLUMNS = ["interval_start", "queue", "calls", "aht_s", "calls_lo", "calls_hi"]


def _as_date(d) -> dt.date:
    return pd.Timestamp(d).date()


class Forecaster:
    """Seasonal interval forecast per queue (statsforecast / scikit-learn style).

    >>> fc = Forecaster(country="CN").fit(history)          # doctest: +SKIP
    >>> fc.predict(dt.date(2026, 3, 2), days=28)            # doctest: +SKIP

    Each queue gets a daily-volume model (weekday, holidays and make-up working days, special days, month
    start, yearly pattern, local level) times intraday profiles per day kind; `calls_lo`/`calls_hi` bound a
    central prediction interval of probability `level`. Queues are fitted independently, in parallel on local
    processes or on the Dask cluster at `scheduler`.
    """

    def __init__(
        self,
        country: str = "CN",
        special_days: Mapping[dt.date, str] | None = None,
        extra_holidays: Iterable[dt.date] = (),
        extra_workdays: Iterable[dt.date] = (),
        level: float = 0.8,
        *,
        interval_minutes: int | None = None,
        default_aht_s: float | Mapping[str, float] = 300.0,
        half_life_days: float = 180.0,
        scheduler: str | None = None,
        workers: int | None = None,
        progress: Callable[[int, int], object] | None = None,
        horizon_days: int = 28,
        selection_folds: int = 4,
        selection_step_days: int | None = None,
        score_minutes: int = 30,
        forecast_start: dt.date | str | None = None,
        infer_countries: bool = True,
    ):
        if not 0 < level < 1:
            raise ValueError("level must be between 0 and 1")
        self.country = country
        self.special_days = {_as_date(k): str(v) for k, v in (special_days or {}).items()}
        self.extra_holidays = tuple(_as_date(d) for d in extra_holidays)
        self.extra_workdays = tuple(_as_date(d) for d in extra_workdays)
        self.level = level
        self.interval_minutes = interval_minutes
        self.default_aht_s = default_aht_s
        self.half_life_days = half_life_days
        self.scheduler = scheduler
        self.workers = workers
        self.progress = progress
        self.horizon_days = horizon_days
        self.selection_folds = selection_folds
        self.selection_step_days = selection_step_days or select.step_days(horizon_days)
        self.score_minutes = score_minutes
        self.forecast_start = _as_date(forecast_start) if forecast_start is not None else None
        self.infer_countries = infer_countries
        self.queue_countries_: dict[str, tuple[str, str]] = {}
        self.models_: dict[str, QueueModel] = {}
        self.pooling_notes_: dict[str, str] = {}
        self.selection_: pd.DataFrame | None = None
        self.selection_errors_: pd.DataFrame | None = None

    # ------------------------------------------------------------------
    def calendar(self, start: dt.date, end: dt.date, country: str | None = None) -> pd.DataFrame:
        """The day calendar (`wfm.calendar.day_calendar`) of the centre, or of `country`."""
        return day_calendar(start, end, country or self.country, extra_holidays=self.extra_holidays,
                            extra_workdays=self.extra_workdays, special_days=self.special_days)

    def _country_of(self, queue: str) -> str:
        """The holiday country of `queue`: its own (`queue_countries_`) or the centre's."""
        return self.queue_countries_.get(queue, (self.country, ""))[0]

    def _aht_for(self, queue: str) -> float:
        if isinstance(self.default_aht_s, Mapping):
            return float(self.default_aht_s.get(queue, 300.0))
        return float(self.default_aht_s)

    @classmethod
    def from_config(cls, config, **options) -> "Forecaster":
        """The forecaster a centre's config describes: its holiday country and calendar, its interval and each
        queue's default handle time; `options` as for the constructor."""
        cal = config.calendar
        return cls(config.centre.country, cal.special_days, cal.extra_holidays, cal.extra_workdays,
                   interval_minutes=config.centre.interval_minutes,
                   default_aht_s={q: c.default_aht_s for q, c in config.queues.items()}, **options)

    def fit(self, history: pd.DataFrame) -> "Forecaster":
        """Fit every queue of `history` (columns `interval_start, queue, offered`, optional `aht_s`)."""
        missing = {"interval_start", "queue", "offered"} - set(history.columns)
        if missing:
            raise ValueError(f"history lacks columns {sorted(missing)}")
        if history.empty:
            raise ValueError("history is empty")
        frame = history.copy()
        frame["interval_start"] = pd.to_datetime(frame["interval_start"])
        self.interval_minutes_ = self.interval_minutes or infer_interval_minutes(frame)
        end = frame["interval_start"].max().floor("D")
        self.history_end_ = end
        cols = [c for c in ("interval_start", "offered", "aht_s") if c in frame.columns]
        self.queue_countries_ = queue_countries(frame, self.country) if self.infer_countries else {}
        tasks = []
        for queue, rows in frame.groupby("queue", sort=True):
            settings = Settings(half_life_days=self.half_life_days, default_aht_s=self._aht_for(str(queue)),
                                country=self._country_of(str(queue)))
            tasks.append((str(queue), rows[cols].reset_index(drop=True), settings))
        labels = special_labels(self.special_days)
        job = _FitJob(self.interval_minutes_, end, self.country, self.extra_holidays, self.extra_workdays,
                      self.special_days, labels, self.horizon_days, self.selection_folds,
                      max(1, self.score_minutes // self.interval_minutes_), self.selection_step_days,
                      self.forecast_start)
        results = map_tasks(job, tasks, scheduler=self.scheduler, workers=self.workers, progress=self.progress)
        self.models_ = {m.queue: m for m, _ in results}
        country_of = {q: self._country_of(q) for q in self.models_}
        self.pooling_notes_ = pool_holiday_closures(self.models_, country_of)
        pooled = (pool_weekday_effects(self.models_), pool_holiday_effects(self.models_, country_of),
                  borrow_holiday_effects(self.models_, country_of))  # in this order: each changes the models
        for notes in pooled:
            for q, note in notes.items():
                self.pooling_notes_[q] = f"{self.pooling_notes_[q]}; {note}" if q in self.pooling_notes_ else note
        errors = [e for _, e in results if e is not None and len(e)]
        self.selection_errors_ = pd.concat(errors, ignore_index=True) if errors else None
        self.selection_ = None
        if self.selection_errors_ is not None:
            self.selection_ = select.choose(self.selection_errors_)
            for row in self.selection_.itertuples(index=False):
                self.models_[row.queue].choice = row.chosen
        return self

    @property
    def accuracy_(self) -> pd.DataFrame | None:
        """The selection backtest per queue and `ALL`: WAPE of the delivered forecast (`wfm`) and of every
        candidate (`wfm.forecast.select.accuracy_table`)."""
        if self.selection_errors_ is None or self.selection_ is None:
            return None
        return select.accuracy_table(self.selection_errors_, self.selection_)

    def predict(self, start: dt.date | str, days: int) -> pd.DataFrame:
        """Every interval of `days` days from `start` for every fitted queue (`FORECAST_COLUMNS`)."""
        if not self.models_:
            raise RuntimeError("call fit() before predict()")
        if days < 1:
            raise ValueError("days must be at least 1")
        start = _as_date(start)
        end = start + dt.timedelta(days=days - 1)
        cals = {c: self.calendar(start, end, c) for c in {self._country_of(q) for q in self.models_}}
        parts = [m.predict(cals[self._country_of(q)], self.level) for q, m in sorted(self.models_.items())]
        out = pd.concat(parts, ignore_index=True)
        out["queue"] = out["queue"].astype(str)
        for c in ("calls", "calls_lo", "calls_hi", "aht_s"):
            out[c] = out[c].astype(float).round(3)
        return out[FORECAST_COLUMNS]

    @property
    def notes(self) -> dict[str, list[str]]:
        """What the fit noticed per queue (outages dropped, closed-down queues, another country's holidays)."""
        out = {q: list(m.notes) for q, m in self.models_.items() if m.notes}
        for q, note in self.pooling_notes_.items():
            out.setdefault(q, []).append(note)
        for q, (country, why) in self.queue_countries_.items():
            out.setdefault(q, []).insert(0, f"holidays of {country}: {why}")
        return out


class _FitJob:
    """A picklable task: fit one queue (runs in a worker process or on a Dask worker)."""

    def __init__(self, interval_minutes, end, country, extra_holidays, extra_workdays, special_days, labels,
                 horizon_days=28, selection_folds=0, score_slots=1, step_days=7, forecast_start=None):
        self.interval_minutes = interval_minutes
        self.end = end
        self.country = country
        self.extra_holidays = extra_holidays
        self.extra_workdays = extra_workdays
        self.special_days = special_days
        self.labels = labels
        self.horizon_days = horizon_days
        self.selection_folds = selection_folds
        self.score_slots = score_slots
        self.step_days = step_days
        self.forecast_start = forecast_start

    def __call__(self, task) -> tuple[QueueModel, pd.DataFrame | None]:
        queue, rows, settings = task
        grid = queue_grid(rows, queue, self.interval_minutes, end=self.end)
        cal = day_calendar(grid.days[0].date(), grid.days[-1].date(), settings.country or self.country,
                           extra_holidays=self.extra_holidays, extra_workdays=self.extra_workdays,
                           special_days=self.special_days)
        model = fit_queue(grid, cal, settings, self.end, self.labels)
        errors = None
        if self.selection_folds > 0 and not model.stopped:
            errors = self._selection_errors(grid, cal, settings)
        return model, errors

    def _selection_errors(self, grid: QueueGrid, cal: pd.DataFrame, settings: Settings) -> pd.DataFrame:
        """Every candidate's error on the selection folds (`select.SELECTION_COLUMNS`). The ETS candidate's
        smoothing parameters are estimated on the earliest fold's history and reused on the later folds (a filter
        pass each): parameters estimated on the whole history would have seen the folds' futures and made its fold
        scores optimistic."""
        n, horizon = grid.calls.shape[0], self.horizon_days
        point = replace(settings, point_only=True, ets_params=None)
        rows = []
        shift = select.weekday_shift(grid.days[n - horizon].date(), self.forecast_start) if n > horizon else 0
        for fold, o in enumerate(select.fold_origins(n, horizon, self.selection_folds, self.step_days, shift)):
            sub = QueueGrid(grid.queue, grid.first_day, grid.calls[:o], None, grid.interval_minutes)
            if not np.nansum(sub.calls) > 0:
                continue
            m = fit_queue(sub, cal.iloc[:o].reset_index(drop=True), point, sub.days[-1], self.labels)
            if point.ets_params is None and m.ets_state is not None:
                point = replace(point, ets_params=m.ets_state.params)
            target = cal.iloc[o:o + horizon].reset_index(drop=True)
            preds = {c: m.point(target, c) for c in select.CANDIDATES}
            for c, (err, act) in select.score(grid.calls[o:o + horizon], preds, self.score_slots).items():
                rows.append((grid.queue, fold, grid.days[o].date(), c, err, act))
        return pd.DataFrame(rows, columns=select.SELECTION_COLUMNS)
