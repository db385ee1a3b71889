"""Which country's public holidays a queue keeps, when a centre serves several countries.

A multi-country service desk runs queues such as `fr_billing` or `uk_hr` that close on their own country's
holidays, not on those of the centre's `--country`. A queue gets another country's calendar only when both
its name and its history say so: a two-letter token of the name is a country code the `holidays` package
knows (`uk` reads as GB), and that country's weekday holidays in the queue's history match its closed days
better than the centre's do (closed or nearly on them, open on the centre's holidays it does not share).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from wfm.calendar import NO_COUNTRY, UnknownCountryError, country_holidays, weekend_days
from wfm.forecast.queue_model import QueueModel

ALIASES = {"UK": "GB", "EL": "GR"}  # tokens used for countries whose ISO code differs
OBSERVED_SHARE = 0.3  # a weekday with under 30% of the queue's usual calls was a day off (closed or nearly)
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def name_countries(queue: str, centre: str) -> list[str]:
    """Country codes named by two-letter tokens of `queue` (other than the centre's)."""
    out = []
    own = centre.upper().partition("-")[0]  # `US-NM`: the country of a centre given with its region
    for token in re.split(r"[^A-Za-z]+", queue):
        code = ALIASES.get(token.upper(), token.upper())
        if len(token) == 2 and code != own and code not in out:
            try:
                country_holidays(code, [2000])
            except UnknownCountryError:
                continue
            out.append(code)
    return out


def queue_countries(history: pd.DataFrame, centre: str) -> dict[str, tuple[str, str]]:
    """`{queue: (country, why)}` for the queues that keep another country's holidays than `centre`."""
    frame = history.assign(day=pd.to_datetime(history["interval_start"]).dt.normalize())
    out: dict[str, tuple[str, str]] = {}
    for queue, rows in frame.groupby("queue", sort=True):
        candidates = name_countries(str(queue), centre)
        if not candidates:
            continue
        totals = rows.groupby("day")["offered"].sum()
        days = pd.date_range(totals.index.min(), totals.index.max(), freq="D")
        totals = totals.reindex(days)  # absent days: NaN (closed or lost, told apart below)
        workdays = days[days.day_of_week < 5]
        usual = totals[workdays].median()
        if not usual > 0:
            continue
        closed = (totals.fillna(0.0) < OBSERVED_SHARE * usual)
        years = sorted({d.year for d in days})
        fit = {c: _holiday_fit(c, closed, workdays, years) for c in (centre, *candidates)}
        base = fit[centre][0]
        best = max(candidates, key=lambda c: fit[c][0])
        s, shut, n = fit[best]
        if s > base and shut >= 1:
            out[str(queue)] = (best, f"closed or nearly on {shut} of {n} {best} holidays in its history; the "
                                     f"{centre.upper()} calendar fits it less well")
    return out


def _holiday_fit(country: str, closed: pd.Series, workdays: pd.DatetimeIndex, years: list[int]
                 ) -> tuple[int, int, int]:
    """How well `country`'s weekday holidays in the history match its closed days: (holidays closed less
    holidays open, holidays closed, weekday holidays); zeros for no country."""
    if country.upper() == NO_COUNTRY:
        return 0, 0, 0
    hol = [d for d in country_holidays(country, years) if pd.Timestamp(d) in workdays]
    shut = sum(bool(closed[pd.Timestamp(d)]) for d in hol)
    return shut - (len(hol) - shut), shut, len(hol)


def off_weekend(models: Mapping[str, QueueModel], country: str) -> dict[str, tuple[int, ...]]:
    """`{queue: its rest days}` for the queues whose week is not `country`'s: a weekday the calendar works on is a
    rest day of the queue while a day of the calendar's weekend is one of its workdays (a Friday-Saturday week
    read with a Saturday-Sunday calendar), so the calendar's holidays and make-up days fall on the wrong days. A
    single quiet weekday (a sparse queue's noise, a day cut short) is no other week."""
    if country.upper() == NO_COUNTRY:
        return {}
    weekend = weekend_days(country)
    out = {}
    for queue, model in models.items():
        if model.stopped:
            continue
        rest = tuple(d for d in range(7) if d not in model.structure.workdays)
        if len(rest) >= 2 and set(rest) - weekend and weekend & set(model.structure.workdays):
            out[queue] = rest
    return out


def describe_days(days: Iterable[int]) -> str:
    return ", ".join(DAY_NAMES[d] for d in sorted(days))
