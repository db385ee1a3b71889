"""Seeded synthetic call-centre histories of many kinds, with the true rate behind every count.

Each kind is a different centre (opening days and hours, which days are the weekend, holiday calendar,
interval length, queue sizes, history length, data defects), so a forecaster can be checked for not being
tuned to one kind of centre. For each queue and day:

    rate = calls x day factor (weekday, holidays, rebound, yearly season, trend, month lift, level shifts)
           x intraday share (opening hours; morning and afternoon peaks; lunch dip in business hours)

and `offered` ~ Poisson(rate x day noise x interval gamma noise), both noises of mean 1, so `rate` is the
exact expectation of `offered` (the oracle forecast). A day's draws come from a random stream keyed by
(seed, kind, date): `GeneratedCentre.future` continues the same process, and reproduces the history on days
the two share (the history's deliberate defects aside: missing month, feed outages, a stuck call).

A queue may have its own holiday country (it observes that country's holidays, not the centre's), its own
history length (no rows before it starts), its own intraday peaks, and closed days without rows.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field, replace
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from wfm.sample.centre_kinds import CENTRE_KINDS, DESCRIPTIONS, SPECS, KindSpec, QueueSpec

DEFAULT_END = dt.date(2026, 6, 30)  # fixed (or the kind's own), so the default centre never changes with the calendar
STUCK_AHT_S = 19247.0
_FINE = 5  # minutes of the grid the intraday shapes are drawn on before summing into intervals
_CALENDAR_LEAD = 31  # days of calendar read before a window (holiday runs and rebounds crossing its start)
_KEYS = {kind: zlib.crc32(kind.encode()) for kind in CENTRE_KINDS}  # per-kind seed offsets (not hash(): salted)


@dataclass(frozen=True)
class _Process:
    """The deterministic demand process of one centre: rate by date, draws keyed by date."""

    kind: str
    seed: int
    end: dt.date
    spec: KindSpec
    shifts: tuple[tuple[str, dt.date, float], ...] = ()

    def grid(self, start: dt.date, end: dt.date) -> dict[str, np.ndarray]:
        """Rate, offered and AHT (days x queues x slots) from `start` to `end` inclusive, per-day flags, and
        which (day, queue) have rows (`present`: the queue has started; not a closed weekend it leaves out)."""
        spec = self.spec
        countries = {spec.country} | {q.country for q in spec.queues if q.country}
        # each country's calendar read from before `start`, so that a rebound or holiday run at the window's start
        # is the same as in any other window (the process does not depend on the window)
        lead = dt.timedelta(days=_CALENDAR_LEAD)
        cals = {c: {k: v[_CALENDAR_LEAD:] for k, v in _calendar(replace(spec, country=c), start - lead, end).items()}
                for c in sorted(countries)}
        cal = cals[spec.country]
        rate = np.stack([self._queue_rate(q, cals[q.country or spec.country]) for q in spec.queues], axis=1)
        offered, aht = _draw(self, cal["date"], rate)
        closed = (rate.sum(axis=(1, 2)) == 0) & cal["weekend"]
        present = np.ones(rate.shape[:2], bool)
        for i, q in enumerate(spec.queues):
            if q.days is not None:
                present[:, i] &= cal["date"] >= np.datetime64(self.end - dt.timedelta(days=q.days - 1))
            if q.absent_closed:
                present[:, i] &= ~((rate[:, i].sum(axis=1) == 0) & cals[q.country or spec.country]["weekend"])
        return {"date": cal["date"], "rate": rate, "offered": offered, "aht": aht, "closed_weekend": closed,
                "present": present}

    def _queue_rate(self, q: QueueSpec, cal: dict[str, np.ndarray]) -> np.ndarray:
        factor, opens, closes = _day_factors(self.spec, q, cal, self.end)
        for name, day, f in self.shifts:
            if name == q.name:
                factor = factor * np.where(cal["date"] >= np.datetime64(day), f, 1.0)
        shares = np.zeros((len(factor), 1440 // self.spec.interval_minutes))
        for key in set(zip(opens, closes, cal["weekend_shape"])):
            rows = (opens == key[0]) & (closes == key[1]) & (cal["weekend_shape"] == key[2])
            shares[rows] = _profile(self.spec.shape, self.spec.interval_minutes, *key, q.peaks)
        return q.calls * factor[:, None] * shares

    def frame(self, start: dt.date, end: dt.date) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
        """The long frame `interval_start, queue, offered, aht_s, rate` (closed weekends dropped where the kind
        drops them) and the grid it came from."""
        g = self.grid(start, end)
        keep = g["present"] & (~g["closed_weekend"][:, None] if self.spec.absent_closed else True)
        return _long(g, keep, self.spec), g


@dataclass
class GeneratedCentre:
    """A synthetic centre: its history (long frame), the true rate on the same rows, and what is known of it.

    `rate` has the rows of `history` (same index) with columns `interval_start, queue, rate`. `outages` are
    feed losses in the history, (queue, first interval, end exclusive): zeros that are not closures, where
    `rate` is the demand that went unrecorded. `gaps` are inclusive date ranges without rows that are not
    closures. `stuck_calls` are rows whose `aht_s` is a stuck call's. `level_shifts`: (queue, first day,
    factor), permanent, in `rate` and `future`.
    """

    kind: str
    history: pd.DataFrame
    country: str
    interval_minutes: int
    rate: pd.DataFrame
    seed: int
    end: dt.date
    queues: tuple[str, ...]
    description: str
    closed_weekends_absent: bool = False
    outages: list[tuple[str, pd.Timestamp, pd.Timestamp]] = field(default_factory=list)
    gaps: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    stuck_calls: list[tuple[str, pd.Timestamp]] = field(default_factory=list)
    level_shifts: list[tuple[str, dt.date, float]] = field(default_factory=list)
    _process: _Process | None = field(default=None, repr=False)

    def future(self, start: dt.date | None = None, days: int = 28) -> pd.DataFrame:
        """Actual draws and true rate for `days` days from `start` (default: the day after the history):
        `interval_start, queue, offered, aht_s, rate`, on the history's row convention, without its defects."""
        start = start or self.end + dt.timedelta(days=1)
        frame, _ = self._process.frame(start, start + dt.timedelta(days=days - 1))
        return frame


def generated_centre(kind: str, *, seed: int = 0, end: dt.date | None = None) -> GeneratedCentre:
    """The centre of `kind` (one of `CENTRE_KINDS`) whose history ends on `end` (inclusive); deterministic."""
    if kind not in _KEYS:
        raise ValueError(f"unknown centre kind {kind!r}; one of {', '.join(CENTRE_KINDS)}")
    end = end or SPECS[kind].default_end or DEFAULT_END
    params = np.random.default_rng([seed, _KEYS[kind], 0])
    spec = _seeded_spec(kind, seed, params)
    names = tuple(q.name for q in spec.queues)
    shifts = _level_shifts(kind, names, end, params)
    process = _Process(kind, seed, end, spec, tuple(shifts))
    start = end - dt.timedelta(days=spec.history_days - 1)
    frame, grid = process.frame(start, end)
    centre = GeneratedCentre(kind, frame, spec.country, spec.interval_minutes, frame, seed, end, names,
                             DESCRIPTIONS[kind], spec.absent_closed, level_shifts=list(shifts), _process=process)
    if kind == "outage_feed_loss":
        frame = _add_outages(centre, frame, grid, params)
    if kind == "frisat_bank":
        frame = _drop_month(centre, frame, params)
        frame = _stick_call(centre, frame, params)
    centre.history = frame[["interval_start", "queue", "offered", "aht_s"]]
    centre.rate = frame[["interval_start", "queue", "rate"]]
    return centre


# --- the kinds' seeded variations and defects ---------------------------------------------------------------

def _seeded_spec(kind: str, seed: int, params: np.random.Generator) -> KindSpec:
    """The kind's spec with queue sizes jittered by the seed; satsun_business alternates interval and rows,
    frisat_bank its country (odd seeds: the UAE, with a Friday open all day at ~4%)."""
    spec = SPECS[kind]
    jitter = np.clip(np.exp(params.normal(0, 0.1, len(spec.queues))), 0.85, 1.15)
    spec = replace(spec, queues=tuple(replace(q, calls=q.calls * j) for q, j in zip(spec.queues, jitter)))
    if kind == "satsun_business":
        spec = replace(spec, interval_minutes=30 if seed % 2 == 0 else 60, absent_closed=(seed // 2) % 2 == 1)
    if kind == "frisat_bank" and seed % 2 == 1:
        # the same bank in the UAE: the calendar's weekend is Saturday-Sunday, the bank's own stays Friday-Saturday,
        # and its near-closed Friday takes a thin trickle all day (~4%) instead of a few busy evening hours
        week = spec.weekday[:4] + (0.04,) + spec.weekday[5:]
        spec = replace(spec, country="AE", weekday=week, hours=spec.hours[:4] + ((8.0, 20.0),) + spec.hours[5:])
    return spec


def _level_shifts(kind: str, names: tuple[str, ...], end: dt.date,
                  params: np.random.Generator) -> list[tuple[str, dt.date, float]]:
    if kind != "level_shift":
        return []
    up = end - dt.timedelta(days=34)  # the last 5 weeks are 35% up
    down = end - dt.timedelta(days=20)  # and one queue's last 3 weeks 25% down from there
    one = names[int(params.integers(len(names)))]
    return [(n, up, 1.35) for n in names] + [(one, down, 0.75)]


def _add_outages(centre: GeneratedCentre, frame: pd.DataFrame, grid: dict, params: np.random.Generator
                 ) -> pd.DataFrame:
    """Three feed losses of 6-20 hours from some time between 05:00 and 15:00 of an ordinary day (not in the first
    week or the last 5 weeks), on every queue or on one."""
    im, per_day = centre.interval_minutes, 1440 // centre.interval_minutes
    n_days = len(grid["date"])
    days = np.sort(params.choice(np.arange(7, n_days - 36, 4), size=3, replace=False))
    offered = frame["offered"].to_numpy().copy()
    aht = frame["aht_s"].to_numpy().copy()
    nq = len(centre.queues)
    for d in days:
        t0 = int(d) * per_day + int(params.integers(5 * 60, 15 * 60)) // im  # starts in the day: calls are lost
        length = int(params.integers(6 * 60, 20 * 60 + 1)) // im
        queues = range(nq) if params.random() < 0.5 else [int(params.integers(nq))]
        for qi in queues:
            rows = np.arange(t0, t0 + length) * nq + qi  # rows are (day, slot, queue) in order
            offered[rows], aht[rows] = 0, np.nan
            stamps = frame["interval_start"].to_numpy()[rows]
            centre.outages.append((centre.queues[qi], pd.Timestamp(stamps[0]),
                                   pd.Timestamp(stamps[-1]) + pd.Timedelta(minutes=im)))
    return frame.assign(offered=offered, aht_s=aht)


def _drop_month(centre: GeneratedCentre, frame: pd.DataFrame, params: np.random.Generator) -> pd.DataFrame:
    """Remove one whole calendar month (not the first full one, not the last two) as an export would lose it."""
    first = pd.Timestamp(centre.history["interval_start"].min()).to_period("M") + 1
    last = pd.Timestamp(centre.end).to_period("M")
    if (pd.Timestamp(centre.end) + pd.Timedelta(days=1)).day != 1:
        last -= 1  # the last month must be whole too
    months = pd.period_range(first + 1, last - 2, freq="M")
    month = months[int(params.integers(len(months)))]
    centre.gaps.append((month.start_time.date(), month.end_time.date()))
    lost = frame["interval_start"].dt.to_period("M") == month
    return frame[~lost].reset_index(drop=True)


def _stick_call(centre: GeneratedCentre, frame: pd.DataFrame, params: np.random.Generator) -> pd.DataFrame:
    """One busy interval of a small queue whose AHT carries a call stuck for 5 h 20 min."""
    small = centre.queues[-3]
    rows = np.flatnonzero((frame["queue"] == small).to_numpy() & (frame["offered"] >= 1).to_numpy())
    row = int(rows[int(params.integers(len(rows) // 4, 3 * len(rows) // 4))])
    aht = frame["aht_s"].to_numpy().copy()
    aht[row] = STUCK_AHT_S
    centre.stuck_calls.append((small, pd.Timestamp(frame["interval_start"].iloc[row])))
    return frame.assign(aht_s=aht)


# --- calendar and day factors --------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _holidays(country: str, years: tuple[int, ...]) -> tuple[dict, frozenset]:
    if country == "none":
        return {}, frozenset()
    cal = holidays.country_holidays(country, years=list(years))
    return dict(cal.items()), frozenset(getattr(cal, "weekend_workdays", ()))


def _calendar(spec: KindSpec, start: dt.date, end: dt.date) -> dict[str, np.ndarray]:
    """Per day: date, weekday, holiday factor (NaN if none), make-up workday, weekend, holiday run flags."""
    dates = pd.date_range(start, end, freq="D")
    hol, makeup_days = _holidays(spec.country, tuple(range(start.year - 1, end.year + 2)))
    wd = dates.day_of_week.to_numpy()
    makeup = np.array([d in makeup_days for d in dates.date], bool)
    names = [("" if m else hol.get(d, "")) for d, m in zip(dates.date, makeup)]
    hf = np.array([_rule(spec, n) if n else np.nan for n in names])
    weekend = np.isin(wd, spec.weekend)
    off = (weekend & ~makeup) | ~np.isnan(hf)
    period, after = _holiday_runs(off, ~np.isnan(hf))
    if spec.holiday_period:  # every day of a run of days off that holds a holiday is that holiday
        run_id = np.cumsum(~off)
        run_min = pd.Series(hf).groupby(run_id).transform("min").to_numpy()
        hf = np.where(period, run_min, hf)
    is_hol = ~np.isnan(hf)
    return {"date": dates.to_numpy(), "weekday": wd, "holiday": hf, "is_holiday": is_hol, "makeup": makeup,
            "weekend": weekend & ~makeup, "weekend_shape": (weekend & ~makeup) | is_hol, "after": after}


def _rule(spec: KindSpec, name: str) -> float:
    for part, f in spec.holiday_rules:
        if part.lower() in name.lower():
            return f
    return spec.holiday


def _holiday_runs(off: np.ndarray, hol: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days in a run of days off holding a holiday, and the first working day after such a run."""
    run_id = np.cumsum(~off)
    has_hol = pd.Series(hol).groupby(run_id).transform("any").to_numpy()
    period = off & has_hol
    after = np.zeros_like(off)
    after[1:] = period[:-1] & ~off[1:]
    return period, after


def _day_factors(spec: KindSpec, q: QueueSpec, cal: dict[str, np.ndarray], end: dt.date
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per day: volume relative to a normal working day, and opening hours."""
    wf = np.array(q.weekday or spec.weekday)
    hours = np.array([q.hours] * 7 if q.hours else spec.hours)
    wd = cal["weekday"]
    work_mean = wf[[d for d in range(7) if d not in spec.weekend and wf[d] > 0]].mean()
    base = np.where(cal["makeup"], work_mean, wf[wd])  # a make-up workday is worked like a working day
    opens = np.where(cal["makeup"], hours[0, 0], hours[wd, 0])
    closes = np.where(cal["makeup"], hours[0, 1], hours[wd, 1])
    hf = cal["holiday"] if q.holiday is None else np.where(cal["is_holiday"], q.holiday, np.nan)
    factor = np.where(cal["is_holiday"], np.minimum(base, np.nan_to_num(hf) * work_mean), base)
    if spec.holiday_hours is not None:
        opens = np.where(cal["is_holiday"], spec.holiday_hours[0], opens)
        closes = np.where(cal["is_holiday"], spec.holiday_hours[1], closes)
    dates = pd.DatetimeIndex(cal["date"])
    factor = factor * np.where(cal["after"] & (base > 0), spec.rebound, 1.0)
    factor = factor * (1 + spec.season * np.cos(2 * np.pi * (dates.day_of_year.to_numpy() - spec.season_peak) / 365.25))
    factor = factor * (1 + spec.trend * (dates - pd.Timestamp(end)).days.to_numpy() / 365.25)
    lift = dict(spec.month_lift)
    factor = factor * (1 + np.array([lift.get(d, 0.0) for d in dates.day]))
    return factor, opens, closes


# --- intraday shape, draws and the long frame --------------------------------------------------------------

def _bumps(h: np.ndarray, spec: list[tuple[float, float, float]]) -> np.ndarray:
    return sum(a * np.exp(-0.5 * ((h - c) / w) ** 2) for c, w, a in spec)


def _intensity(shape: str, h: np.ndarray, weekend: bool, peaks: tuple[float, float] = (0.0, 1.0)) -> np.ndarray:
    """Relative call intensity at hour `h`: morning and afternoon peaks; lunch dip or night trough. `peaks`:
    business hours' peaks (and dip) shifted by hours, and the afternoon's weight."""
    if shape == "24x7":
        if weekend:
            return 0.05 + _bumps(h, [(11.5, 2.0, 0.9), (16.0, 2.4, 0.75), (20.5, 1.6, 0.5)])
        return 0.04 + _bumps(h, [(10.2, 1.5, 1.0), (14.8, 1.7, 0.85), (20.3, 1.5, 0.45)])
    shift, pm = peaks
    if weekend:
        return 0.3 + _bumps(h - shift, [(11.5, 1.8, 0.8), (15.0, 2.0, 0.6 * pm)])
    return 0.25 + _bumps(h - shift, [(10.0, 1.3, 1.0), (14.6, 1.5, 0.85 * pm), (19.0, 1.2, 0.3 * pm)]) \
        - _bumps(h - shift, [(12.75, 0.55, 0.22)])


@lru_cache(maxsize=512)
def _profile(shape: str, interval_minutes: int, opens: float, closes: float, weekend: bool,
             peaks: tuple[float, float] = (0.0, 1.0)) -> np.ndarray:
    """Share of the day's calls per interval (sums to 1 when open at all, else zeros)."""
    h = (np.arange(0, 1440, _FINE) + _FINE / 2) / 60
    fine = np.where((h >= opens) & (h < closes), _intensity(shape, h, weekend, peaks), 0.0)
    slots = fine.reshape(-1, interval_minutes // _FINE).sum(axis=1)
    total = slots.sum()
    return slots / total if total > 0 else slots


def _aht_shape(interval_minutes: int) -> np.ndarray:
    """AHT multiplier per interval: longer early and late, shorter at the morning peak."""
    h = (np.arange(0, 1440, interval_minutes) + interval_minutes / 2) / 60
    return 1 + 0.12 * np.cos(2 * np.pi * (h - 3) / 24) - 0.06 * _bumps(h, [(10.5, 2.0, 1.0)])


def _draw(proc: _Process, dates: np.ndarray, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offered calls and their mean handle time per (day, queue, slot); each day from its own keyed stream."""
    spec = proc.spec
    n_q, n_s = rate.shape[1:]
    mean_aht = np.array([q.aht_s for q in spec.queues])[:, None] * _aht_shape(spec.interval_minutes)[None, :]
    offered = np.empty(rate.shape, np.int64)
    aht = np.empty(rate.shape)
    ordinals = (dates.astype("datetime64[D]").astype(np.int64))
    sd, k = spec.day_sd, spec.dispersion
    for i, day in enumerate(ordinals):
        rng = np.random.default_rng([proc.seed, _KEYS[proc.kind], 1, int(day) + 1_000_000])
        lam = rate[i] * np.exp(rng.normal(-sd * sd / 2, sd, n_q))[:, None]
        if np.isfinite(k):
            lam = lam * rng.gamma(k, 1 / k, (n_q, n_s))
        n = rng.poisson(lam)
        shape = np.maximum(n, 1) * 1.5  # the mean of n handle times with a CV of about 0.8
        mean = mean_aht * np.exp(rng.normal(0, 0.03, n_q))[:, None]
        offered[i] = n
        aht[i] = np.where(n > 0, np.round(rng.gamma(shape, mean / shape), 1), np.nan)
    return offered, aht


def _long(g: dict[str, np.ndarray], keep: np.ndarray, spec: KindSpec) -> pd.DataFrame:
    """Rows (day, slot, queue) in that order for the (day, queue) kept (`keep`: days x queues)."""
    n_s = 1440 // spec.interval_minutes
    names = np.array([q.name for q in spec.queues], dtype=object)
    n_q = len(names)
    slots = np.arange(n_s) * np.timedelta64(spec.interval_minutes, "m")
    stamps = (g["date"].astype("datetime64[ns]")[:, None] + slots[None, :]).ravel()
    rows = np.repeat(keep[:, None, :], n_s, axis=1).ravel()  # (day, slot, queue)

    def flat(a: np.ndarray) -> np.ndarray:
        return a.transpose(0, 2, 1).ravel()[rows]

    return pd.DataFrame({
        "interval_start": np.repeat(stamps, n_q)[rows],
        "queue": np.tile(names, len(stamps))[rows],
        "offered": flat(g["offered"]),
        "aht_s": flat(g["aht"]),
        "rate": flat(g["rate"]),
    })
