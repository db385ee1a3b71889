"""The centre configuration's schema: typed, frozen dataclasses with their defaults, and the constants of the
values they accept. Read from TOML by `wfm.config.loading`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

LANGUAGES = ("en", "zh")
TRAINING_FREQUENCIES = ("daily", "weekly", "once")
HOURS_AVERAGING = ("week", "period", "month", "quarter", "year")
CYCLE_MONTHS = {"month": 1, "quarter": 3, "year": 12}  # 综合计算工时 cycles: hours averaged over calendar months
SEED_MAX = 2**31 - 1  # OR-Tools' random_seed is a 32-bit int
TIME_LIMIT_MAX_S = 86400.0  # a roster search of more than a day is a typo
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2199, 12, 31)  # calendar dates: beyond these is a typo


@dataclass(frozen=True)
class CentreConfig:
    name: str
    interval_minutes: int
    open_minute: int  # minutes after midnight the centre opens
    close_minute: int  # minutes after midnight it closes (1440 = midnight); open 0 and close 1440 is 24/7
    timezone: str
    country: str
    language: str
    queue_assignment: str = "routing"  # routing: the ACD routes by skill; by_hand: team leaders assign queues
    closed_weekdays: tuple[int, ...] = ()  # 0 = Monday; a make-up working day on one of them is open
    closed_on_holidays: bool = False  # closed on the calendar's holidays (and the days off moved around them)
    weekday_hours: dict[int, tuple[int, int]] = field(default_factory=dict)  # weekday -> (open, close) minutes

    @property
    def interval_s(self) -> int:
        return self.interval_minutes * 60

    def hours_on(self, day: dt.date) -> tuple[int, int]:
        """Opening and closing minute on `day`: its weekday's own hours, else `open`/`close`."""
        return self.weekday_hours.get(day.weekday(), (self.open_minute, self.close_minute))

    @property
    def always_open(self) -> bool:
        return self.open_minute == 0 and self.close_minute == 1440


@dataclass(frozen=True)
class CalendarConfig:
    extra_holidays: tuple[dt.date, ...] = ()
    extra_workdays: tuple[dt.date, ...] = ()
    special_days: dict[dt.date, str] = field(default_factory=dict)


@dataclass(frozen=True)
class QueueConfig:
    name: str
    sl_target: float
    answer_time_s: float
    label: str = ""
    asa_target_s: float | None = None
    max_occupancy: float | None = None
    patience_s: float | None = None
    priority: int = 1
    min_agents: int = 0
    default_aht_s: float = 300.0
    answer_rate_target: float | None = None  # share of offered calls answered (人工接通率); Erlang A only
    max_abandon_rate: float | None = None  # share of offered calls abandoned; Erlang A only
    acd_names: tuple[str, ...] = ()  # the queue's names in ACD exports (技能组), read as this queue


def acd_name_map(config: "Config | None") -> dict[str, str] | None:
    """ACD queue name -> config queue, from every queue's `acd_names` (None when no queue has any)."""
    if config is None:
        return None
    out = {n: q.name for q in config.queues.values() for n in q.acd_names}
    return out or None


@dataclass(frozen=True)
class ShrinkageConfig:
    """Shares of paid time lost to what the roster does not place itself."""

    absence: float = 0.0
    leave: float = 0.0
    meetings: float = 0.0
    other: float = 0.0

    @property
    def unplaced(self) -> float:
        return self.absence + self.leave + self.meetings + self.other


@dataclass(frozen=True)
class ShiftTemplate:
    code: str  # one letter used in shift codes, e.g. E for E0700
    name: str
    start_minutes: tuple[int, ...]  # allowed start times, minutes after midnight
    length_minutes: int  # elapsed length including lunch
    night: bool = False


def extended_template(shifts: tuple[ShiftTemplate, ...], start_min: int, length_min: int,
                      max_overtime_min: float) -> tuple[ShiftTemplate, int] | None:
    """The template a shift of `length_min` from `start_min` extends by overtime (started earlier and/or ended
    later than one of its start times, by at most `max_overtime_min` in all), and the minutes of extension;
    None for a shift that matches a template exactly or extends none. The shortest extension wins."""
    best = None
    for t in shifts:
        extra = length_min - t.length_minutes
        if 0 < extra <= max_overtime_min + 1e-9 and any(start_min <= s0 % 1440 <= start_min + extra
                                                         for s0 in t.start_minutes):
            if best is None or extra < best[1]:
                best = (t, extra)
    return best


@dataclass(frozen=True)
class BreaksConfig:
    break_minutes: int = 15
    breaks_per_shift: int = 2
    lunch_minutes: int = 60
    lunch_paid: bool = False
    lunch_if_shift_over_h: float = 6.0
    lunch_window_h: tuple[float, float] = (3.0, 5.5)  # lunch starts this many hours after shift start
    min_work_between_breaks_h: float = 1.0


NO_NIGHTS_CAP = 62  # the longest roster period: a period cap this high never binds


@dataclass(frozen=True)
class RulesConfig:
    hours_per_week: float = 40.0
    max_hours_day: float = 8.0
    max_overtime_h_day: float = 3.0
    max_overtime_h_month: float = 36.0
    hours_averaging: str = "week"
    max_consecutive_days: int = 6
    min_days_off_week: int = 1
    min_rest_h: float = 12.0
    max_nights_period: int = 8  # no cap (NO_NIGHTS_CAP) when only max_nights_week or max_nights_month is set
    max_nights_week: int = 0  # per 7-day block of the period; 0 = no weekly cap
    max_nights_month: int = 0  # per calendar month, the previous roster's nights in it counted; 0 = no cap
    rest_after_night_h: float = 24.0
    min_weekends_off_period: int = 1
    supervisor_on_duty: bool = True
    max_shift_h_averaged: float = 12.0  # paid hours a shift may hold under a month/quarter/year cycle
    week_start: str = "Mon"  # weekly rules' weeks: calendar weeks from a weekday, or "period" (7-day blocks)

    @property
    def first_weekday(self) -> int | None:
        """The weekday (0 = Monday) weekly rules' calendar weeks start on; None for 7-day blocks from the start."""
        return None if self.week_start == "period" else WEEKDAY_NAMES[self.week_start.strip().lower()]

    @property
    def cycle_months(self) -> int:
        """Months of the 综合计算工时 cycle (`hours_averaging` month, quarter or year); 0 for week or period."""
        return CYCLE_MONTHS.get(self.hours_averaging, 0)

    @property
    def max_shift_paid_h(self) -> float:
        """Most paid hours in one shift: `max_hours_day` + `max_overtime_h_day`, or `max_shift_h_averaged` when
        longer under a cycle (12-hour shifts are legal when hours are averaged over a month or more)."""
        base = self.max_hours_day + self.max_overtime_h_day
        return max(base, self.max_shift_h_averaged) if self.cycle_months else base


@dataclass(frozen=True)
class TrainingActivity:
    name: str
    minutes: int
    frequency: str  # daily, weekly or once (per period)
    who: str = "all"  # all, new_hires or a team name
    group: bool = False  # the whole team together
    activity: str = "training"  # training, meeting or coaching


@dataclass(frozen=True)
class RotationConfig:
    fair_shift_types: bool = True
    fair_weekends: bool = True
    queue_rotation_weeks: int = 0


@dataclass(frozen=True)
class SolverConfig:
    time_limit_s: float = 60.0
    workers: int = 2
    seed: int = 0


@dataclass(frozen=True)
class CostsConfig:
    hourly_wage: float = 30.0
    overtime_multiplier: float = 1.5  # overtime on working days (Labour Law art. 44: 150%)
    currency: str = "CNY"
    rest_day_multiplier: float = 2.0  # work on a rest day beyond the contract (200%)
    holiday_multiplier: float = 3.0  # work on a statutory holiday (300%)
    night_allowance_per_h: float = 0.0  # 夜班补贴: per paid hour worked between 22:00 and 06:00
    on_cost_share: float = 0.0  # employer's social insurance and housing fund (五险一金) as a share of pay


LEAVE_TYPES = ("annual", "sick", "personal", "marriage", "maternity", "compensatory")


ANNUAL_DAYS = ((1, 5), (10, 10), (20, 15))  # 职工带薪年休假条例 art. 3: years of work -> days of annual leave a year


@dataclass(frozen=True)
class LeaveConfig:
    """Approved absence: which leave types are unpaid (the others count their paid hours toward the contract),
    the annual-leave entitlement by years of work, and how many of a team may be on leave the same day."""

    unpaid: tuple[str, ...] = ("personal",)
    annual_days: tuple[tuple[float, int], ...] = ANNUAL_DAYS  # (at least this many years of work, days a year)
    max_per_team_day: int = 0  # agents of one team on leave the same day; 0 = no cap

    def annual_entitlement(self, service_years: float) -> int:
        """Days of annual leave a year for `service_years` of work (0 below the first step)."""
        return max((days for years, days in self.annual_days if service_years >= years), default=0)

    def paid(self, kind: str) -> bool:
        return kind not in self.unpaid


@dataclass(frozen=True)
class CapacityConfig:
    """How much of an on-phone interval goes to calls for the people who are not plain agents: a supervisor's
    share (the rest is floor support) and a new hire's in nesting (up to `training_until`). The roster, the
    simulation and what-if all count them by `wfm.phone_share.phone_share`."""

    supervisor_phone_share: float = 1.0
    nesting_share: float = 1.0


ADHERENCE_ACTIVITIES = ("work", "break", "lunch", "training", "meeting", "coaching", "other", "off")
DEFAULT_STATES = {  # ACD agent states (matched without regard to case) -> roster activity
    **dict.fromkeys(("available", "ready", "idle", "talking", "on call", "inbound", "outbound", "hold", "acw",
                     "wrap", "wrap-up", "after call work", "就绪", "空闲", "示闲", "通话", "话后", "话后处理"), "work"),
    **dict.fromkeys(("break", "short break", "小休", "休息"), "break"),
    **dict.fromkeys(("lunch", "meal", "用餐", "午餐", "午休"), "lunch"),
    **dict.fromkeys(("training", "培训"), "training"),
    **dict.fromkeys(("meeting", "会议", "班前会"), "meeting"),
    **dict.fromkeys(("coaching", "辅导"), "coaching"),
    **dict.fromkeys(("not ready", "aux", "示忙", "忙碌"), "other"),
    **dict.fromkeys(("logged out", "logout", "offline", "签出", "离线"), "off"),
}


@dataclass(frozen=True)
class AdherenceConfig:
    """How the ACD's agent states map to the roster's activities (`other`: an off-phone state nobody planned;
    `off`: not logged in)."""

    states: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_STATES))


@dataclass(frozen=True)
class Config:
    path: str
    centre: CentreConfig
    queues: dict[str, QueueConfig]
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    shrinkage: ShrinkageConfig = field(default_factory=ShrinkageConfig)
    shifts: tuple[ShiftTemplate, ...] = ()
    breaks: BreaksConfig = field(default_factory=BreaksConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    training: tuple[TrainingActivity, ...] = ()
    rotation: RotationConfig = field(default_factory=RotationConfig)
    solver: SolverConfig = field(default_factory=SolverConfig)
    costs: CostsConfig = field(default_factory=CostsConfig)
    leave: LeaveConfig = field(default_factory=LeaveConfig)
    adherence: AdherenceConfig = field(default_factory=AdherenceConfig)
    capacity: CapacityConfig = field(default_factory=CapacityConfig)


WEEKDAY_NAMES = {name: i for i, names in enumerate(
    (("mon", "monday", "周一", "星期一"), ("tue", "tuesday", "周二", "星期二"), ("wed", "wednesday", "周三", "星期三"),
     ("thu", "thursday", "周四", "星期四"), ("fri", "friday", "周五", "星期五"), ("sat", "saturday", "周六", "星期六"),
     ("sun", "sunday", "周日", "星期日", "周天", "星期天"))) for name in names}
