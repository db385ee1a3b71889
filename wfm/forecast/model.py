"""`Forecaster`: fit on a long history frame, predict every interval of a horizon for every queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
import pandas as pd

from wfm.calendar import day_calendar
from wfm.forecast.prep import infer_interval_minutes, queue_grid
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
        self.models_: dict[str, QueueModel] = {}

    # ------------------------------------------------------------------
    def calendar(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        return day_calendar(start, end, self.country, extra_holidays=self.extra_holidays,
                            extra_workdays=self.extra_workdays, special_days=self.special_days)

    def _aht_for(self, queue: str) -> float:
        if isinstance(self.default_aht_s, Mapping):
            return float(self.default_aht_s.get(queue, 300.0))
        return float(self.default_aht_s)

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
        tasks = []
        for queue, rows in frame.groupby("queue", sort=True):
            settings = Settings(half_life_days=self.half_life_days, default_aht_s=self._aht_for(str(queue)))
            tasks.append((str(queue), rows[cols].reset_index(drop=True), settings))
        labels = sorted(set(self.special_days.values()))
        job = _FitJob(self.interval_minutes_, end, self.country, self.extra_holidays, self.extra_workdays,
                      self.special_days, labels)
        models = map_tasks(job, tasks, scheduler=self.scheduler, workers=self.workers, progress=self.progress)
        self.models_ = {m.queue: m for m in models}
        return self

    def predict(self, start: dt.date | str, days: int) -> pd.DataFrame:
        """Every interval of `days` days from `start` for every fitted queue (`FORECAST_COLUMNS`)."""
        if not self.models_:
            raise RuntimeError("call fit() before predict()")
        if days < 1:
            raise ValueError("days must be at least 1")
        start = _as_date(start)
        cal = self.calendar(start, start + dt.timedelta(days=days - 1))
        parts = [m.predict(cal, self.level) for _, m in sorted(self.models_.items())]
        out = pd.concat(parts, ignore_index=True)
        out["queue"] = out["queue"].astype(str)
        for c in ("calls", "calls_lo", "calls_hi", "aht_s"):
            out[c] = out[c].astype(float).round(3)
        return out[FORECAST_COLUMNS]

    @property
    def notes(self) -> dict[str, list[str]]:
        """What the fit noticed per queue (outages dropped, closed-down queues)."""
        return {q: list(m.notes) for q, m in self.models_.items() if m.notes}


class _FitJob:
    """A picklable task: fit one queue (runs in a worker process or on a Dask worker)."""

    def __init__(self, interval_minutes, end, country, extra_holidays, extra_workdays, special_days, labels):
        self.interval_minutes = interval_minutes
        self.end = end
        self.country = country
        self.extra_holidays = extra_holidays
        self.extra_workdays = extra_workdays
        self.special_days = special_days
        self.labels = labels

    def __call__(self, task) -> QueueModel:
        queue, rows, settings = task
        grid = queue_grid(rows, queue, self.interval_minutes, end=self.end)
        cal = day_calendar(grid.days[0].date(), grid.days[-1].date(), self.country,
                           extra_holidays=self.extra_holidays, extra_workdays=self.extra_workdays,
                           special_days=self.special_days)
        return fit_queue(grid, cal, settings, self.end, self.labels)
