"""The kinds of synthetic centre `wfm.sample.centres` generates: each one's country, interval, history length,
queues, weekly and intraday pattern, holiday effects and data defects (`SPECS`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np


CENTRE_KINDS: tuple[str, ...] = (
    "satsun_business", "frisat_bank", "sun_only_weekend", "sixday_week_24x7", "sevenday_business_hours",
    "short_history", "sparse_queues", "level_shift", "outage_feed_loss", "service_desk",
)
DESCRIPTIONS = {
    "satsun_business": "US office, Mon-Fri 08-18, closed weekends (zero rows or no rows by seed) and holidays, "
                       "30/60 min, 1 y",
    "frisat_bank": "Saudi bank, Fri-Sat weekend, 6 queues, 15 min, Fri ~8%, Sat ~40%, Eid ~5%, 9 months, "
                   "a month lost, a stuck call (odd seeds: in the UAE, whose calendar weekend is Sat-Sun, Fri ~4% "
                   "all day)",
    "sun_only_weekend": "Indian centre open Mon-Sat 08-20, Sunday closed, 30 min, 8 months",
    "sixday_week_24x7": "Chinese 24/7 main line, Sunday lowest, Spring Festival low, make-up workdays, 15 min, 2 y",
    "sevenday_business_hours": "UK centre open 09-21 every day, weekend ~70%, Christmas closed, 30 min, 1 y",
    "short_history": "German office, Mon-Fri 08-18, 3 queues, 30 min, only 6 weeks",
    "sparse_queues": "French centre, 8 queues of 0.2-1.6 calls per open interval, 2 open 7 days, 30 min, 10 weeks",
    "level_shift": "Brazilian 06-24 line, 15 min, 1 y, +35% on all queues 5 weeks and -25% on one 3 weeks "
                   "before the end",
    "outage_feed_loss": "24/7 line without holidays, 15 min, 6 months, three feed outages of 6-20 h read as zeros",
    "service_desk": "Multi-country service desk (DE FR GB PL ES IT NL SE), 34 queues, 30 min, 5-7 weeks by queue, "
                    "most queues 0.2-3 calls per open interval, 27 closed Sat-Sun (zero rows or no rows by queue), "
                    "7 open every day, each queue closed or ~10% on its own country's holidays; ends before "
                    "May Day (GB), Victory Day (FR) and Ascension",
}


@dataclass(frozen=True)
class QueueSpec:
    """One queue: expected calls on a normal working day and mean AHT; optional own opening, holiday country,
    history length, intraday peaks and rows on closed days."""

    name: str
    calls: float
    aht_s: float
    weekday: tuple[float, ...] | None = None  # own day factors Mon..Sun (None: the kind's)
    hours: tuple[float, float] | None = None  # own opening hours on every open day (None: the kind's)
    holiday: float | None = None  # own holiday factor (None: the kind's rules)
    country: str | None = None  # own holiday country (None: the kind's)
    days: int | None = None  # own history length: no rows before the queue starts (None: the kind's)
    absent_closed: bool = False  # the queue's closed weekend days have no rows (rather than zero rows)
    peaks: tuple[float, float] = (0.0, 1.0)  # intraday peaks shifted by hours, afternoon peak weight


@dataclass(frozen=True)
class KindSpec:
    """What makes a kind of centre: calendar, opening, intraday shape, effects, noise and length."""

    country: str
    interval_minutes: int
    history_days: int
    queues: tuple[QueueSpec, ...]
    weekday: tuple[float, ...]  # day factor Mon..Sun relative to a normal working day; 0 = closed
    hours: tuple[tuple[float, float], ...]  # opening (from, to) hour Mon..Sun
    shape: str = "business"  # "business" (lunch dip) or "24x7" (night trough, evening bump)
    weekend: tuple[int, ...] = (5, 6)  # the country's days off (weekend intraday shape)
    holiday: float = 0.0  # public-holiday volume relative to a mean working day; 0 = closed
    holiday_rules: tuple[tuple[str, float], ...] = ()  # holiday-name substring -> factor
    holiday_hours: tuple[float, float] | None = None
    holiday_period: bool = False  # days off bridging a holiday count as holiday (China's Golden Weeks)
    rebound: float = 1.0  # first working day after a holiday
    season: float = 0.0  # yearly amplitude
    season_peak: int = 15  # day of year of the yearly peak
    trend: float = 0.03  # per year
    month_lift: tuple[tuple[int, float], ...] = ()  # (day of month, extra share)
    day_sd: float = 0.05  # log-sd of the day-level noise
    dispersion: float = 40.0  # gamma shape of the interval noise (np.inf: plain Poisson)
    absent_closed: bool = False  # weekend days with every queue closed have no rows at all
    default_end: dt.date | None = None  # own fixed last day of the default history (None: DEFAULT_END)


WEEK_OFFICE = (1.12, 1.03, 1.0, 0.97, 0.88, 0.0, 0.0)
OFFICE_HOURS = ((8.0, 18.0),) * 7
ALL_DAY = ((0.0, 24.0),) * 7

SPECS: dict[str, KindSpec] = {
    "satsun_business": KindSpec(
        "US", 30, 365, (QueueSpec("service", 900, 330), QueueSpec("billing", 420, 260)),
        WEEK_OFFICE, OFFICE_HOURS, holiday=0.0, rebound=1.2, season=0.10, season_peak=20, trend=0.04,
        month_lift=((1, 0.25), (2, 0.12), (3, 0.05))),
    "frisat_bank": KindSpec(
        "SA", 15, 273,
        (QueueSpec("retail", 4200, 240), QueueSpec("cards", 1800, 280), QueueSpec("loans", 700, 420),
         QueueSpec("corporate", 260, 520), QueueSpec("premium", 120, 360), QueueSpec("fraud", 60, 600)),
        (0.98, 0.96, 0.95, 0.93, 0.08, 0.40, 1.15),  # Mon..Sun: Friday a few hours, Saturday reduced
        ((8.0, 20.0),) * 4 + ((16.0, 20.0), (9.0, 17.0), (8.0, 20.0)),
        weekend=(4, 5), holiday=0.05, holiday_hours=(10.0, 14.0), rebound=1.25, trend=0.05,
        month_lift=((27, 0.18), (28, 0.10))),  # government salaries are paid on the 27th
    "sun_only_weekend": KindSpec(
        "IN", 30, 243, (QueueSpec("hindi", 1500, 300), QueueSpec("english", 900, 340), QueueSpec("regional", 400, 380)),
        (1.10, 1.03, 1.0, 0.98, 0.95, 0.80, 0.0), ((8.0, 20.0),) * 7, weekend=(6,), holiday=0.5,
        holiday_rules=(("Republic", 0.0), ("Independence", 0.0), ("Gandhi", 0.0), ("Diwali", 0.2)), rebound=1.1),
    "sixday_week_24x7": KindSpec(
        "CN", 15, 730, (QueueSpec("main", 6000, 270), QueueSpec("vip", 800, 330)),
        (1.12, 1.04, 1.0, 0.98, 0.97, 0.90, 0.72), ALL_DAY, shape="24x7", holiday=0.7,
        holiday_rules=(("Chinese New Year", 0.45), ("Spring Festival", 0.45), ("National Day", 0.65)),
        holiday_period=True, rebound=1.12, season=0.08, season_peak=200, trend=0.05,
        month_lift=((1, 0.20), (2, 0.10), (3, 0.05))),
    "sevenday_business_hours": KindSpec(
        "GB", 30, 365,
        (QueueSpec("sales", 1100, 420), QueueSpec("support", 1600, 380), QueueSpec("retentions", 300, 560)),
        (1.10, 1.02, 1.0, 0.98, 0.95, 0.72, 0.66), ((9.0, 21.0),) * 7, holiday=0.75,
        holiday_rules=(("Christmas Day", 0.0), ("Boxing", 0.45), ("New Year", 0.5)), season=0.12, season_peak=340),
    "short_history": KindSpec(
        "DE", 30, 42, (QueueSpec("service", 700, 300), QueueSpec("technik", 400, 450), QueueSpec("rechnung", 200, 280)),
        WEEK_OFFICE, OFFICE_HOURS, holiday=0.0, rebound=1.15),
    "sparse_queues": KindSpec(
        "FR", 30, 70,
        tuple(QueueSpec(n, m * 18, a) for n, m, a in (
            ("accueil", 1.6, 300), ("factures", 0.9, 260), ("resiliation", 0.6, 420), ("pro", 0.4, 360),
            ("export", 0.3, 480), ("litiges", 0.2, 600))) + (
            QueueSpec("assistance", 1.2 * 24, 330, (1.08, 1.0, 1.0, 0.98, 0.96, 0.55, 0.45), (8.0, 20.0), 0.5),
            QueueSpec("urgence", 0.2 * 24, 400, (1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.7), (8.0, 20.0), 0.7)),
        (1.12, 1.03, 1.0, 0.97, 0.88, 0.0, 0.0), ((9.0, 18.0),) * 7, holiday=0.0, dispersion=np.inf, day_sd=0.04),
    "level_shift": KindSpec(
        "BR", 15, 365,
        (QueueSpec("atendimento", 3000, 310), QueueSpec("cobranca", 1200, 270), QueueSpec("ouvidoria", 250, 540)),
        (1.10, 1.03, 1.0, 0.99, 0.96, 0.75, 0.55), ((6.0, 24.0),) * 6 + ((8.0, 22.0),), shape="24x7", holiday=0.6,
        holiday_rules=(("Christmas", 0.35), ("Universal Fraternization", 0.4)), season=0.07, season_peak=75,
        month_lift=((1, 0.15), (2, 0.08), (5, 0.10))),
    "outage_feed_loss": KindSpec(
        "none", 15, 182, (QueueSpec("main", 2500, 290), QueueSpec("billing", 700, 250)),
        (1.08, 1.02, 1.0, 1.0, 1.02, 0.85, 0.78), ALL_DAY, shape="24x7", trend=0.06),
    "service_desk": KindSpec(
        "DE", 30, 49, (), (1.16, 1.04, 1.0, 0.97, 0.86, 0.0, 0.0), OFFICE_HOURS, holiday=0.0, rebound=1.1,
        day_sd=0.06, dispersion=8.0, default_end=dt.date(2026, 5, 3)),  # queues: _SERVICE_DESK below
}

# The service desk's queues: name, holiday country, calls on a normal working day, AHT, opening hours, open every
# day, holiday factor, days of history, closed weekends without rows, (peak shift in hours, afternoon weight).
SEVEN_DAY = (1.14, 1.03, 1.0, 0.97, 0.88, 0.32, 0.24)
_SERVICE_DESK = (
    ("de_it_support", "DE", 360, 420, (7, 20), True, 0.1, 49, False, (0.0, 1.0)),
    ("de_billing", "DE", 30, 300, (8, 18), False, 0.0, 49, False, (-0.5, 0.8)),
    ("de_hr", "DE", 8, 480, (8, 17), False, 0.0, 42, True, (0.5, 0.7)),
    ("de_access", "DE", 40, 240, (7, 20), True, 0.1, 35, False, (-0.75, 1.2)),
    ("de_payroll", "DE", 6, 450, (8, 18), False, 0.0, 38, True, (0.25, 0.9)),
    ("de_procurement", "DE", 5, 520, (9, 17), False, 0.0, 45, False, (0.5, 1.1)),
    ("fr_it_support", "FR", 130, 400, (8, 18), False, 0.1, 49, False, (0.25, 1.15)),
    ("fr_billing", "FR", 24, 300, (8, 18), False, 0.0, 42, True, (0.5, 1.3)),
    ("fr_hr", "FR", 6, 500, (9, 17), False, 0.0, 35, False, (0.75, 0.9)),
    ("fr_access", "FR", 14, 260, (8, 20), True, 0.1, 49, False, (0.0, 1.2)),
    ("fr_travel", "FR", 5, 350, (9, 18), False, 0.0, 38, True, (0.5, 0.8)),
    ("uk_it_support", "GB", 220, 380, (7, 20), True, 0.1, 49, False, (-0.25, 0.9)),
    ("uk_billing", "GB", 36, 290, (8, 18), False, 0.0, 45, False, (0.0, 0.75)),
    ("uk_hr", "GB", 7, 520, (9, 17), False, 0.0, 35, True, (0.25, 1.0)),
    ("uk_access", "GB", 20, 250, (8, 18), True, 0.1, 42, False, (-0.5, 1.1)),
    ("uk_facilities", "GB", 5, 330, (8, 17), False, 0.0, 49, True, (-0.75, 0.7)),
    ("pl_it_support", "PL", 150, 430, (7, 20), False, 0.1, 42, False, (-0.5, 1.0)),
    ("pl_billing", "PL", 16, 310, (8, 18), False, 0.0, 49, False, (-0.25, 0.85)),
    ("pl_access", "PL", 10, 260, (8, 18), False, 0.0, 35, True, (-0.5, 1.2)),
    ("pl_hr", "PL", 4, 470, (9, 17), False, 0.0, 45, False, (0.0, 0.8)),
    ("es_billing", "ES", 110, 320, (8, 18), False, 0.1, 49, False, (0.75, 1.3)),
    ("es_it_support", "ES", 40, 410, (8, 18), False, 0.1, 38, True, (0.5, 1.2)),
    ("es_hr", "ES", 6, 490, (9, 17), False, 0.0, 35, False, (1.0, 1.1)),
    ("es_access", "ES", 9, 270, (8, 18), False, 0.0, 42, True, (0.25, 0.9)),
    ("it_helpdesk", "IT", 50, 400, (8, 18), False, 0.1, 49, False, (0.25, 1.0)),
    ("it_billing", "IT", 20, 300, (8, 18), False, 0.0, 45, True, (0.5, 0.9)),
    ("it_hr", "IT", 5, 500, (9, 17), False, 0.0, 35, False, (0.0, 1.2)),
    ("it_access", "IT", 8, 260, (8, 18), False, 0.0, 42, False, (-0.25, 1.0)),
    ("nl_it_support", "NL", 36, 390, (8, 18), True, 0.1, 49, False, (-0.5, 0.9)),
    ("nl_billing", "NL", 12, 300, (8, 18), False, 0.0, 38, True, (-0.25, 1.1)),
    ("nl_hr", "NL", 5, 480, (9, 17), False, 0.0, 45, False, (0.0, 0.75)),
    ("se_it_support", "SE", 24, 380, (8, 18), True, 0.1, 35, False, (-0.75, 0.85)),
    ("se_billing", "SE", 10, 300, (8, 18), False, 0.0, 49, True, (-0.5, 1.0)),
    ("se_access", "SE", 6, 260, (8, 17), False, 0.0, 42, False, (-0.25, 1.25)),
)
SPECS["service_desk"] = replace(SPECS["service_desk"], queues=tuple(
    QueueSpec(name, calls, aht, SEVEN_DAY if seven else None, (float(hours[0]), float(hours[1])), holiday, country,
              days, absent, peaks)
    for name, country, calls, aht, hours, seven, holiday, days, absent, peaks in _SERVICE_DESK))
