"""The centre configuration's schema: typed, frozen dataclasses with their defaults, and the constants of the
values they accept. Read from TOML by `wfm.config.loading`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from wfm.config.fields import setting

LANGUAGES = ("en", "zh")
QUEUE_ASSIGNMENTS = ("routing", "by_hand")
INTERVALS = (5, 10, 15, 20, 30, 60)  # interval lengths in minutes that divide an hour
TRAINING_FREQUENCIES = ("daily", "weekly", "once")
TRAINING_ACTIVITIES = ("training", "meeting", "coaching")
HOURS_AVERAGING = ("week", "period", "month", "quarter", "year")
CYCLE_MONTHS = {"month": 1, "quarter": 3, "year": 12}  # 综合计算工时 cycles: hours averaged over calendar months
SEED_MAX = 2**31 - 1  # OR-Tools' random_seed is a 32-bit int
TIME_LIMIT_MAX_S = 86400.0  # a roster search of more than a day is a typo
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2199, 12, 31)  # calendar dates: beyond these is a typo


@dataclass(frozen=True)
class CentreConfig:
    name: str = setting("Contact centre", doc="shown on reports")
    interval_minutes: int = setting(15, required=True, doc="(required) interval length of history, forecast and "
                                                           "roster: 5, 10, 15, 20, 30 or 60")
    open_minute: int = setting(0, kind="clock", key="open",  # minutes after midnight the centre opens
                               doc='opening time; open = "00:00" with close = "24:00" is a 24/7 centre')
    # minutes after midnight it closes (1440 = midnight); open 0 and close 1440 is 24/7
    close_minute: int = setting(1440, kind="clock24", key="close", doc='closing time ("24:00" = midnight)')
    timezone: str = setting("Asia/Shanghai", doc="IANA time zone of the centre; history timestamps with UTC "
                                                 "offsets are converted to it")
    country: str = setting("CN", doc="public-holiday calendar (ISO code, or with a region: US-NM, DE-BY); CN "
                                     "includes make-up working days (调休)")
    language: str = setting("en", choices=LANGUAGES, doc='language of the roster workbook: "en" or "zh"')
    queue_assignment: str = setting(  # routing: the ACD routes by skill; by_hand: team leaders assign queues
        "routing", choices=QUEUE_ASSIGNMENTS, doc='"routing" (default) or "by_hand", as explained above',
        note='how calls reach agents: "routing" = the ACD gives any waiting call to an idle agent holding its '
             'skill (highest\nqueue priority first), so multi-skilled agents are shared and staffed as pools; '
             '"by_hand" = team leaders assign\neach agent one queue at a time, so each queue is staffed alone')
    closed_weekdays: tuple[int, ...] = setting(  # 0 = Monday; a make-up working day on one of them is open
        (), doc='weekdays the centre is closed, e.g. ["Sat", "Sun"] (a make-up working day is open)')
    closed_on_holidays: bool = setting(  # closed on the calendar's holidays (and the days off moved around them)
        False, doc="closed on public holidays and the days off moved around them (a paid day, not owed)")
    weekday_hours: dict[int, tuple[int, int]] = setting(  # weekday -> (open, close) minutes
        {}, doc='a weekday\'s own opening hours, e.g. { Sat = "09:00-13:00" } (others: open/close)')

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
    extra_holidays: tuple[dt.date, ...] = setting(
        (), doc='dates treated as holidays in addition to the country\'s, e.g. ["2026-12-31"]')
    extra_workdays: tuple[dt.date, ...] = setting(
        (), doc="dates treated as working days, e.g. a make-up Saturday not yet in the calendar")
    special_days: dict[dt.date, str] = setting(
        {}, note='special days with their own forecast effect (bill dates, campaigns, planned outages): '
                 '"YYYY-MM-DD" = "label"')


@dataclass(frozen=True)
class QueueConfig:
    name: str  # the table's name: [queues.NAME]
    sl_target: float = setting(kind="float", lo=0.0, hi=1.0, required=True, fallback=0.8,
                               doc="(required) share of calls answered within answer_time_s")
    answer_time_s: float = setting(kind="float", lo=0.0, hi=3600.0, required=True, fallback=20.0,
                                   doc="(required) seconds")
    label: str = setting("", doc="name shown on reports")  # read as the queue's name when not given
    asa_target_s: float | None = setting(None, kind="float", lo=0.0, hi=3600.0, example=30,
                                         doc="optional: also keep the average speed of answer at or below this")
    max_occupancy: float | None = setting(None, kind="float", lo=0.05, hi=1.0,
                                          doc="cap on the share of time agents are busy")
    patience_s: float | None = setting(None, kind="float", lo=1.0, hi=7200.0,
                                       doc="mean caller patience; set = staff with Erlang A (abandonment), "
                                           "omit = Erlang C")
    priority: int = setting(1, lo=1, hi=100,
                            doc="routing priority, higher first; weights under-staffing in the roster")
    min_agents: int = setting(0, lo=0, hi=1000, doc="floor of agents while calls are expected")
    default_aht_s: float = setting(300.0, lo=1.0, hi=7200.0, doc="handle time used when the history has no aht_s")
    answer_rate_target: float | None = setting(  # share of offered calls answered (人工接通率); Erlang A only
        None, kind="float", lo=0.0, hi=1.0, example=0.92,
        doc="share of offered calls an agent answers (人工接通率); needs patience_s")
    max_abandon_rate: float | None = setting(  # share of offered calls abandoned; Erlang A only
        None, kind="float", lo=0.0, hi=1.0, example=0.08,
        doc="optional: cap on the share of offered calls abandoned; needs patience_s")
    acd_names: tuple[str, ...] = setting(
        (), doc="the queue's names in ACD exports (技能组), read as this queue")


def acd_name_map(config: "Config | None") -> dict[str, str] | None:
    """ACD queue name -> config queue, from every queue's `acd_names` (None when no queue has any)."""
    if config is None:
        return None
    out = {n: q.name for q in config.queues.values() for n in q.acd_names}
    return out or None


@dataclass(frozen=True)
class ShrinkageConfig:
    """Shares of paid time lost to what the roster does not place itself."""

    absence: float = setting(0.0, lo=0.0, hi=0.9, doc="sickness and unplanned absence")
    leave: float = setting(0.0, lo=0.0, hi=0.9, doc="annual leave")
    meetings: float = setting(0.0, lo=0.0, hi=0.9, doc="team meetings not in the roster")
    other: float = setting(0.0, lo=0.0, hi=0.9, doc="anything else")

    @property
    def unplaced(self) -> float:
        return self.absence + self.leave + self.meetings + self.other


@dataclass(frozen=True)
class ShiftTemplate:
    code: str = setting(kind="str", required=True, fallback="X",  # one letter used in shift codes, e.g. E0700
                        doc="one capital letter: the roster shows E0700 for an Early shift starting 07:00")
    name: str = setting(kind="str", doc="shown in the roster legend")  # read as the code when not given
    start_minutes: tuple[int, ...] = setting(  # allowed start times, minutes after midnight
        key="start_times", doc="allowed start times, on the interval grid")
    length_minutes: int = setting(  # elapsed length including lunch; in hours in the file
        kind="float", key="length_h", lo=1.0, hi=16.0, required=True, fallback=9.0,
        doc="elapsed hours from start to end, lunch included")
    night: bool = setting(False, doc="a night shift: counts toward the night caps and needs rest after it")


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
    break_minutes: int = setting(15, lo=0, hi=60, doc="length of each short break")
    breaks_per_shift: int = setting(2, lo=0, hi=6, doc="short breaks in a full shift (one in shifts of 6 h or less)")
    lunch_minutes: int = setting(60, lo=0, hi=120, doc="meal break in shifts longer than lunch_if_shift_over_h")
    lunch_paid: bool = setting(False, doc="an unpaid lunch does not count toward hours")
    lunch_if_shift_over_h: float = setting(6.0, lo=0.0, hi=16.0, doc="shifts longer than this many hours get a lunch")
    lunch_window_h: tuple[float, float] = setting(  # lunch starts this many hours after shift start
        (3.0, 5.5), doc="lunch starts between these hours after the shift start")
    min_work_between_breaks_h: float = setting(1.0, lo=0.0, hi=8.0,
                                               doc="least work between two breaks, and before the first")


NO_NIGHTS_CAP = 62  # the longest roster period: a period cap this high never binds


@dataclass(frozen=True)
class RulesConfig:
    hours_per_week: float = setting(40.0, lo=1, hi=84, doc="standard hours (Chinese labour law: 8 h/day, 40 h/week)")
    max_hours_day: float = setting(8.0, lo=1, hi=16, doc="paid hours in a day before overtime")
    max_overtime_h_day: float = setting(3.0, lo=0, hi=8, doc="overtime cap per day")
    max_overtime_h_month: float = setting(36.0, lo=0, hi=200, doc="overtime cap per month")
    hours_averaging: str = setting("week", choices=HOURS_AVERAGING,
                                   doc='"week": contract hours every week; "period": averaged over the roster '
                                       'period;\n"month", "quarter", "year": 综合计算工时, overtime only above the '
                                       "cycle's total")
    max_consecutive_days: int = setting(6, lo=1, hi=31, doc="working days in a row")
    min_days_off_week: int = setting(1, lo=0, hi=7, doc="days off in every calendar week")
    min_rest_h: float = setting(12.0, lo=0, hi=48, doc="rest between the end of one shift and the start of the next")
    max_nights_period: int = setting(  # no cap (NO_NIGHTS_CAP) when only max_nights_week or _month is set
        8, lo=0, hi=NO_NIGHTS_CAP,
        doc="or a cap per roster period (default 8; no period cap when a week/month cap is set)")
    max_nights_week: int = setting(  # per 7-day block of the period; 0 = no weekly cap
        0, lo=0, hi=7, doc="night shifts per agent in each week of the period (consecutive periods join up)")
    max_nights_month: int = setting(  # per calendar month, the previous roster's nights in it counted; 0 = no cap
        0, lo=0, hi=31, example=16,
        doc="or per calendar month (the previous roster's nights in the month counted)")
    rest_after_night_h: float = setting(24.0, lo=0, hi=72, doc="rest after the last night shift of a run")
    min_weekends_off_period: int = setting(1, lo=0, hi=10, doc="full weekends (Saturday and Sunday) off per 4 weeks")
    supervisor_on_duty: bool = setting(True, doc="at least one supervisor on duty whenever the centre is open")
    max_shift_h_averaged: float = setting(
        12.0, lo=1, hi=16, doc="paid hours a shift may hold under a month/quarter/year cycle (12-hour shifts)")
    week_start: str = setting(  # weekly rules' weeks: calendar weeks from a weekday, or "period" (7-day blocks)
        "Mon", doc='weekly rules on calendar weeks from this weekday (the default), or "period": 7-day\nblocks '
                   "from the roster's first day")

    @property
    def first_weekday(self) -> int | None:
        """The weekday (0 = Monday) weekly rules' calendar weeks start on; None for 7-day blocks from the start."""
        return None if self.week_start == "period" else WEEKDAY_NAMES[self.week_start.strip().lower()]

    @property
    def max_overtime_h_week(self) -> float:
        """The monthly overtime cap as a weekly average (12 months over 52 weeks)."""
        return self.max_overtime_h_month * 12 / 52

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
    name: str = setting(kind="str", required=True)  # read as "training N" when missing
    minutes: int = setting(kind="int", lo=5, hi=480, required=True, fallback=15, doc="length of each session")
    frequency: str = setting("weekly", choices=TRAINING_FREQUENCIES,  # daily, weekly or once (per period)
                             doc="daily, weekly or once per roster period")
    who: str = setting("all", doc="all, new_hires, or a team name")  # all, new_hires or a team name
    group: bool = setting(False, doc="true: the team attends together")  # the whole team together
    activity: str = setting("training", choices=TRAINING_ACTIVITIES, doc="training, meeting or coaching")


@dataclass(frozen=True)
class RotationConfig:
    fair_shift_types: bool = setting(True, doc="share early/late/night shifts fairly within each team")
    fair_weekends: bool = setting(True, doc="share weekend work fairly within each team")
    queue_rotation_weeks: int = setting(0, lo=0, hi=52, doc="rotate agents' primary queue every N weeks (0 = off)")


@dataclass(frozen=True)
class SolverConfig:
    time_limit_s: float = setting(60.0, lo=1.0, hi=TIME_LIMIT_MAX_S,
                                  doc="roster search time limit; the best roster found so far is kept")
    workers: int = setting(2, lo=1, hi=256, doc="search threads")
    seed: int = setting(0, lo=0, hi=SEED_MAX, doc="fixed seed: the same inputs give the same roster")


@dataclass(frozen=True)
class CostsConfig:
    hourly_wage: float = setting(30.0, lo=0.0, hi=1e6, doc="paid cost per agent hour")
    overtime_multiplier: float = setting(  # overtime on working days (Labour Law art. 44: 150%)
        1.5, lo=1.0, hi=5.0, doc="overtime hours on working days cost this multiple (Labour Law art. 44: 150%)")
    currency: str = setting("CNY", doc="shown with costs")
    rest_day_multiplier: float = setting(  # work on a rest day beyond the contract (200%)
        2.0, lo=1.0, hi=5.0, doc="hours beyond the contract worked on a rest day (200%)")
    holiday_multiplier: float = setting(  # work on a statutory holiday (300%)
        3.0, lo=1.0, hi=5.0, doc="hours worked on a statutory holiday (300%)")
    night_allowance_per_h: float = setting(  # 夜班补贴: per paid hour worked between 22:00 and 06:00
        0.0, lo=0.0, hi=1e4, doc="夜班补贴 per paid hour worked between 22:00 and 06:00")
    on_cost_share: float = setting(  # employer's social insurance and housing fund (五险一金) as a share of pay
        0.0, lo=0.0, hi=2.0,
        doc="employer's social insurance and housing fund (五险一金) as a share of pay, e.g. 0.3")


LEAVE_TYPES = ("annual", "sick", "personal", "marriage", "maternity", "compensatory")


ANNUAL_DAYS = ((1, 5), (10, 10), (20, 15))  # 职工带薪年休假条例 art. 3: years of work -> days of annual leave a year


@dataclass(frozen=True)
class LeaveConfig:
    """Approved absence: which leave types are unpaid (the others count their paid hours toward the contract),
    the annual-leave entitlement by years of work, and how many of a team may be on leave the same day."""

    unpaid: tuple[str, ...] = setting(("personal",), doc="leave types that are not paid")
    annual_days: tuple[tuple[float, int], ...] = setting(  # (at least this many years of work, days a year)
        ANNUAL_DAYS, doc="years of work (agents' service_years) -> days of annual leave a year")
    max_per_team_day: int = setting(  # agents of one team on leave the same day; 0 = no cap
        0, lo=0, hi=10000, doc="most of one team on leave the same day (0 = no cap); over it is a warning")

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

    supervisor_phone_share: float = setting(
        1.0, lo=0.0, hi=1.0, doc="a supervisor's share on the phones; the rest is floor support (e.g. 0.5)")
    nesting_share: float = setting(
        1.0, lo=0.0, hi=1.0, doc="a new hire up to training_until (nesting), as a share of a trained agent (e.g. 0.6)")


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

    states: dict[str, str] = setting(DEFAULT_STATES, doc='e.g. { "Aux 3" = "training", "Aux 7" = "meeting" }')


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

# The config file's tables and the class declaring each one's keys ([[shifts]] and [[training]] are arrays).
TABLES: dict[str, type] = {
    "centre": CentreConfig, "calendar": CalendarConfig, "queues.NAME": QueueConfig, "shrinkage": ShrinkageConfig,
    "shifts": ShiftTemplate, "breaks": BreaksConfig, "rules": RulesConfig, "training": TrainingActivity,
    "rotation": RotationConfig, "solver": SolverConfig, "costs": CostsConfig, "leave": LeaveConfig,
    "adherence": AdherenceConfig, "capacity": CapacityConfig}
