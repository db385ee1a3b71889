"""Public holidays, China's make-up working days (调休) and user-defined special days.

Holidays and the weekend days worked to bridge them come from the `holidays` package (for China it lists
the announced make-up working days as `weekend_workdays`). A centre can add or override days in its config
(`[calendar]` holidays, workdays and special days such as bill dates, campaigns or planned outages).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import holidays as holidays_lib
import numpy as np
import pandas as pd

DAY_COLUMNS = [
    "date", "weekday", "is_holiday", "holiday_name", "is_makeup_workday", "is_workday", "holiday_period", "special",
    "is_weekend", "special_after",
]
AFTER_DAYS = 28  # days after a special day during which its after-effect is tracked
NO_COUNTRY = "NONE"  # `--country none`: no public holidays, a Saturday-Sunday weekend


class _NoHolidays(dict):
    """The calendar of `--country none`: no holidays, no make-up days, the usual weekend."""

    weekend = frozenset({5, 6})
    weekend_workdays: frozenset = frozenset()


class UnknownCountryError(ValueError):
    """The holiday country code is not known to the `holidays` package."""


def country_holidays(country: str, years: Iterable[int]) -> holidays_lib.HolidayBase:
    """The `holidays` calendar of `country` for `years`: an ISO code such as `CN`, a country and one of its
    subdivisions as ISO 3166-2 writes them (`US-NM`, `DE-BY`, `ES-MD`: the region's own holidays added, national
    ones it does not keep left out), or `none`."""
    if country.upper() == NO_COUNTRY:
        return _NoHolidays()  # type: ignore[return-value]
    code, _, region = country.strip().partition("-")
    try:
        subdiv = _subdivision(code.upper(), region) if region else None
        return holidays_lib.country_holidays(code.upper(), subdiv=subdiv, years=sorted(set(years)))
    except NotImplementedError as exc:
        raise UnknownCountryError(f"unknown holiday country {country!r} (use an ISO code such as CN, US, GB, "
                                  f"a country with its region such as US-NM or DE-BY, or none)") from exc


def _subdivision(code: str, region: str) -> str:
    """The `holidays` package's spelling of subdivision `region` of country `code` (matched without case)."""
    known = holidays_lib.list_supported_countries(include_aliases=False).get(code, [])
    match = next((s for s in known if s.upper() == region.upper()), None)
    if match is None:
        raise NotImplementedError(f"{code} has no subdivision {region!r}")
    return match


def weekend_days(country: str) -> frozenset[int]:
    """The country's weekend as weekday numbers (Monday = 0): Saturday-Sunday in most, Friday-Saturday in
    Saudi Arabia or Israel, Friday alone in Iran (from the `holidays` package)."""
    return frozenset(int(d) for d in getattr(country_holidays(country, [2000]), "weekend", {5, 6}))


def day_calendar(
    start: dt.date,
    end: dt.date,
    country: str = "CN",
    *,
    extra_holidays: Iterable[dt.date] = (),
    extra_workdays: Iterable[dt.date] = (),
    special_days: Mapping[dt.date, str] | None = None,
) -> pd.DataFrame:
    """One row per day from `start` to `end` inclusive with columns `DAY_COLUMNS`.

    `is_weekend` marks the country's weekend days (Saturday-Sunday in most countries, Friday-Saturday in some).
    `is_workday` is True for non-weekend days that are not holidays and for make-up working days (weekend days
    the law makes working days). `holiday_period` is True for every day of a run of consecutive non-working
    days that contains a holiday (the weekend inside a Spring Festival week too). `special` holds the user's label
    for the day (empty string if none).
    """
    days = pd.date_range(start, end, freq="D")
    cal = country_holidays(country, range(start.year, end.year + 1)) if len(days) else {}
    makeup = set(getattr(cal, "weekend_workdays", set())) | set(extra_workdays)
    weekend = frozenset(int(d) for d in getattr(cal, "weekend", {5, 6})) if len(days) else frozenset({5, 6})
    extra_h = set(extra_holidays)
    special = dict(special_days or {})
    rows = []
    for ts in days:
        d = ts.date()
        name = cal.get(d) if d not in makeup else None
        if d in extra_h:
            name = name or "holiday"
        is_holiday = name is not None
        in_weekend = d.weekday() in weekend
        is_makeup = d in makeup and in_weekend
        is_workday = (not in_weekend and not is_holiday) or d in makeup
        rows.append([d, d.weekday(), is_holiday, name or "", is_makeup, is_workday, False, special.get(d, ""),
                     in_weekend, _after(special, d)])
    _mark_holiday_periods(rows)
    return pd.DataFrame(rows, columns=DAY_COLUMNS)


def special_labels(special_days: Mapping[dt.date, str]) -> list[str]:
    """The distinct labels of a special-days mapping (a day may carry several, `;`-separated)."""
    return sorted({lab for v in special_days.values() for lab in str(v).split(";") if lab})


def _after(special: Mapping[dt.date, str], day: dt.date) -> str:
    today = set(special.get(day, "").split(";"))
    seen: dict[str, int] = {}
    for gap in range(1, AFTER_DAYS + 1):
        for lab in special.get(day - dt.timedelta(days=gap), "").split(";"):
            if lab and lab not in today and lab not in seen:
                seen[lab] = gap
    return ";".join(f"{lab}:{gap}" for lab, gap in sorted(seen.items()))


def _mark_holiday_periods(rows: list[list]) -> None:
    run: list[list] = []
    for row in rows + [None]:
        if row is not None and not row[5]:
            run.append(row)
            continue
        if any(r[2] for r in run):
            for r in run:
                r[6] = True
        run = []


def closed_days(centre, calendar, start: dt.date, days: int) -> tuple[set[dt.date], set[dt.date]]:
    """(days the centre is closed, those of them that are holidays on a weekday it is normally open) over `days`
    days from `start`, from `[centre] closed_weekdays` and `closed_on_holidays` (a make-up working day is open)."""
    if not centre.closed_weekdays and not centre.closed_on_holidays:
        return set(), set()
    cal = day_calendar(start, start + dt.timedelta(days=days - 1), centre.country,
                       extra_holidays=calendar.extra_holidays, extra_workdays=calendar.extra_workdays)
    closed, holidays = set(), set()
    for d, hol, makeup in zip(cal["date"], cal["is_holiday"], cal["is_makeup_workday"]):
        weekly = d.weekday() in centre.closed_weekdays and not makeup
        if weekly or (centre.closed_on_holidays and hol):
            closed.add(d)
            if not weekly and centre.closed_on_holidays and hol:
                holidays.add(d)
    return closed, holidays


def clock(minutes: int, sep: str = ":", *, wrap: bool = False) -> str:
    """Minutes after midnight as HH:MM (`sep` between hours and minutes: "" for shift codes such as D0930);
    `wrap` folds 24:00 and later back into the day (a shift starting 24:30 reads 00:30)."""
    hours = minutes // 60 % 24 if wrap else minutes // 60
    return f"{hours:02d}{sep}{minutes % 60:02d}"


def time_span(start: dt.datetime, end: dt.datetime) -> str:
    """Two timestamps as a wall-clock span "09:00-10:30" (`end` exclusive: an interval's or a shift's end)."""
    return f"{start:%H:%M}-{end:%H:%M}"


def open_mask(starts: pd.Series, open_minute: int, close_minute: int) -> np.ndarray:
    """True for intervals starting while the centre is open (closing after midnight wraps; 0-1440 is always
    open)."""
    ts = pd.to_datetime(starts)
    minute = (ts.dt.hour * 60 + ts.dt.minute).to_numpy()
    if open_minute == 0 and close_minute >= 1440:
        return np.ones(minute.size, dtype=bool)
    if open_minute < close_minute:
        return (minute >= open_minute) & (minute < close_minute)
    return (minute >= open_minute) | (minute < close_minute)


def week_start(day: dt.date) -> dt.date:
    """The Monday of `day`'s week (weeks run Monday to Sunday, the roster's calendar week)."""
    return day - dt.timedelta(days=day.weekday())


def next_week_start(day: dt.date) -> dt.date:
    """The first Monday after `day` (a Monday gives the next one)."""
    return week_start(day) + dt.timedelta(days=7)


def week_blocks(start: dt.date, days: int, first_weekday: int | None = None) -> list[list[int]]:
    """The period's weeks as day-index blocks: 7 days from `start` when `first_weekday` is None, else calendar
    weeks starting on that weekday (0 = Monday), the first and last possibly shorter."""
    if first_weekday is None:
        return [list(range(w, min(w + 7, days))) for w in range(0, days, 7)]
    out: list[list[int]] = []
    for d in range(days):
        if not out or (start + dt.timedelta(days=d)).weekday() == first_weekday:
            out.append([])
        out[-1].append(d)
    return out


def open_at(starts, centre) -> "np.ndarray":
    """Whether the centre is open at each interval start (timestamps): within its weekday's hours
    (`CentreConfig.hours_on`). Closed days (`closed_days`) are not looked at here."""
    import numpy as np

    ts = pd.to_datetime(pd.Series(starts)).reset_index(drop=True)
    minute = (ts.dt.hour * 60 + ts.dt.minute).to_numpy()
    days = ts.dt.date.to_numpy()
    out = np.ones(len(ts), dtype=bool)
    for day in set(days):
        lo, hi = centre.hours_on(day)
        if lo == 0 and hi >= 1440:
            continue
        on = days == day
        out[on] = (minute[on] >= lo) & (minute[on] < hi)
    return out
