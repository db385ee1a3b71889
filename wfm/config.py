"""The centre configuration (TOML), validated into typed, frozen objects.

Every problem is collected (file, line, key) before anything is raised; unknown keys are errors.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wfm.errors import Problems

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
    week_start: str = "period"  # weekly rules' weeks: 7 days from the first day, or calendar weeks from a weekday

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


# ---------------------------------------------------------------------------------------------- parsing

QUEUE_ASSIGNMENTS = ("routing", "by_hand")


class _Reader:
    """Reads typed values out of the raw TOML, recording problems with the line of each key."""

    def __init__(self, path: Path, text: str, problems: Problems):
        self.path = path
        self.problems = problems
        self.lines = _key_lines(text)

    def error(self, where: str, message: str) -> None:
        self.problems.error(self.path, f"{where}: {message}", row=self.lines.get(where), column=where)

    def section(self, raw: dict, where: str, allowed: set[str]) -> dict:
        if not isinstance(raw, dict):
            self.error(where, "must be a table")
            return {}
        for key in sorted(set(raw) - allowed):
            self.error(f"{where}.{key}" if where else key, f"unknown key (allowed: {', '.join(sorted(allowed))})")
        return raw

    def get(self, raw: dict, where: str, key: str, kind: str, default: Any, *, lo: float | None = None,
            hi: float | None = None, choices: tuple[str, ...] | None = None, required: bool = False) -> Any:
        name = f"{where}.{key}" if where else key
        if key not in raw:
            if required:
                self.error(name, "is required")
            return default
        value = raw[key]
        ok = {
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, (int, float)) and not isinstance(value, bool),
            "str": isinstance(value, str),
            "bool": isinstance(value, bool),
        }[kind]
        if not ok:
            self.error(name, f"must be {_KIND_WORDS[kind]}, not {value!r}")
            return default
        if kind == "float":
            value = float(value) if not isinstance(value, int) or abs(value) < 10**300 else math.inf  # 1e400 as int
            if not math.isfinite(value):  # TOML has nan and inf literals, and nan passes every comparison
                self.error(name, "must be a finite number, not " + ("a number this large" if isinstance(raw[key], int)
                                                                    else repr(value)))
                return default
        if lo is not None and value < lo or hi is not None and value > hi:
            rng = f"between {lo} and {hi}" if lo is not None and hi is not None else (
                f"at least {lo}" if lo is not None else f"at most {hi}")
            self.error(name, f"must be {rng}, not {_short(value)}")
            return default
        if choices is not None and value not in choices:
            self.error(name, f"must be one of {', '.join(choices)}, not {value!r}")
            return default
        return value

    def clock(self, raw: dict, where: str, key: str, default: int, *, allow_24: bool = False) -> int:
        text = self.get(raw, where, key, "str", None)
        if text is None:
            return default
        minutes = parse_clock(text, allow_24=allow_24)
        if minutes is None:
            self.error(f"{where}.{key}", f"must be a time HH:MM, not {text!r}")
            return default
        return minutes

    def dates(self, raw: dict, where: str, key: str) -> tuple[dt.date, ...]:
        values = raw.get(key, [])
        if not isinstance(values, list):
            self.error(f"{where}.{key}", "must be a list of dates")
            return ()
        out = []
        for v in values:
            d = _as_date(v)
            if d is None:
                self.error(f"{where}.{key}", f"{v!r} is not a date (YYYY-MM-DD)")
            elif not DATE_MIN <= d <= DATE_MAX:
                self.error(f"{where}.{key}", f"{d} is outside {DATE_MIN.year}-{DATE_MAX.year}")
            else:
                out.append(d)
        return tuple(out)


def _short(value: Any) -> str:
    """repr of a value for a message: a 400-digit TOML integer is cut short."""
    if isinstance(value, int) and abs(value) >= 10**40:
        return f"a {len(str(abs(value)))}-digit number"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_KIND_WORDS = {"int": "a whole number", "float": "a number", "str": "text", "bool": "true or false"}


def parse_clock(text: str, *, allow_24: bool = False) -> int | None:
    """'07:30' -> 450 minutes after midnight; '24:00' only when `allow_24`. None when malformed."""
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not m:
        return None
    h, mi = int(m.group(1)), int(m.group(2))
    if mi >= 60 or h > 24 or (h == 24 and (mi or not allow_24)):
        return None
    return h * 60 + mi


def _as_date(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v.strip())
        except ValueError:
            return None
    return None


def _key_lines(text: str) -> dict[str, int]:
    """Map dotted key paths ('queues.billing.sl_target') to their 1-based line in the TOML text."""
    lines: dict[str, int] = {}
    table = ""
    counts: dict[str, int] = {}
    for i, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if s.startswith("[["):
            name = s.strip("[] ")
            counts[name] = counts.get(name, -1) + 1
            table = f"{name}[{counts[name]}]"
            lines.setdefault(table, i)
        elif s.startswith("["):
            table = s.strip("[] ").replace('"', "")
            lines.setdefault(table, i)
        elif "=" in s and not s.startswith("#"):
            key = s.split("=", 1)[0].strip().strip('"')
            lines.setdefault(f"{table}.{key}" if table else key, i)
    return lines


MAX_CONFIG_BYTES = 4 * 2**20  # a commented config of a large centre is under 100 KB


def load_config(path: str | Path) -> Config:
    """Read and validate a centre config; raises `InputError` listing every problem."""
    config, problems = load_config_lenient(path)
    problems.raise_if_errors()
    assert config is not None
    return config


def load_config_lenient(path: str | Path) -> tuple[Config | None, Problems]:
    """The config as far as it can be read (defaults where a value is bad) and every problem found.

    For `wfm validate`, which checks other files against the config even when the config has errors.
    """
    path = Path(path)
    problems = Problems()
    if not path.is_file():
        problems.error(path, "config file not found")
        return None, problems
    if path.stat().st_size > MAX_CONFIG_BYTES:
        problems.error(path, f"the config file is {path.stat().st_size / 2**20:,.0f} MB; a centre's config is a few "
                             f"KB (at most {MAX_CONFIG_BYTES // 2**20} MB is read): is it the right file?")
        return None, problems
    raw_bytes = path.read_bytes()
    if not raw_bytes.strip():
        problems.error(path, "the config file is empty")
        return None, problems
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError:
        problems.error(path, "the config file is not UTF-8 text (is it a TOML file?)")
        return None, problems
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        problems.error(path, f"not valid TOML: {exc}", row=int(m.group(1)) if m else None)
        return None, problems
    except RecursionError:
        problems.error(path, "not valid TOML: arrays or tables nested too deep")
        return None, problems
    except ValueError as exc:  # tomllib's int() of a number over 4300 digits
        problems.error(path, "not valid TOML: a number has thousands of digits" if "digits" in str(exc)
                       else f"not valid TOML: {str(exc)[:120]}")
        return None, problems
    return parse_config(raw, path=path, text=text, problems=problems), problems


def parse_config(raw: dict, *, path: str | Path = "config.toml", text: str = "",
                 problems: Problems | None = None) -> Config:
    """Validate an already-parsed TOML mapping; problems go to `problems` (raised if not given)."""
    own = problems is None
    problems = problems if problems is not None else Problems()
    r = _Reader(Path(path), text, problems)
    top = r.section(raw, "", {"centre", "calendar", "queues", "shrinkage", "shifts", "breaks", "rules", "training",
                               "rotation", "solver", "costs", "leave", "adherence", "capacity"})
    if "centre" not in top:
        r.error("centre", "the [centre] table is required")
    centre = _centre(r, top.get("centre", {}))
    queues = _queues(r, top.get("queues", {}))
    config = Config(
        path=str(path),
        centre=centre,
        queues=queues,
        calendar=_calendar(r, top.get("calendar", {})),
        shrinkage=_shrinkage(r, top.get("shrinkage", {})),
        shifts=_shifts(r, top.get("shifts", []), centre.interval_minutes),
        breaks=_breaks(r, top.get("breaks", {})),
        rules=_rules(r, top.get("rules", {})),
        training=_training(r, top.get("training", [])),
        rotation=_rotation(r, top.get("rotation", {})),
        solver=_solver(r, top.get("solver", {})),
        costs=_costs(r, top.get("costs", {})),
        leave=_leave(r, top.get("leave", {})),
        adherence=_adherence(r, top.get("adherence", {})),
        capacity=_capacity(r, top.get("capacity", {})),
    )
    if own:
        problems.raise_if_errors()
    return config


def _centre(r: _Reader, raw: dict) -> CentreConfig:
    w = "centre"
    raw = r.section(raw, w, {"name", "interval_minutes", "open", "close", "timezone", "country", "language",
                            "queue_assignment", "closed_weekdays", "closed_on_holidays", "weekday_hours"})
    interval = r.get(raw, w, "interval_minutes", "int", 15, required=True)
    if interval not in (5, 10, 15, 20, 30, 60):
        r.error(f"{w}.interval_minutes", f"must be one of 5, 10, 15, 20, 30, 60, not {interval}")
        interval = 15
    open_m = r.clock(raw, w, "open", 0)
    close_m = r.clock(raw, w, "close", 1440, allow_24=True)
    if close_m <= open_m:
        r.error(f"{w}.close", "must be after open (use close = \"24:00\" for midnight)")
    for key, m in (("open", open_m), ("close", close_m)):
        if m % interval:
            r.error(f"{w}.{key}", f"must fall on the {interval}-minute interval grid")
    tz = r.get(raw, w, "timezone", "str", "Asia/Shanghai")
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        r.error(f"{w}.timezone", f"unknown time zone {tz!r} (use an IANA name such as Asia/Shanghai)")
    country = r.get(raw, w, "country", "str", "CN")
    from wfm.calendar import UnknownCountryError, country_holidays

    try:
        country_holidays(country, [2026])
    except UnknownCountryError as exc:
        r.error(f"{w}.country", str(exc))
    return CentreConfig(
        name=r.get(raw, w, "name", "str", "Contact centre"),
        interval_minutes=interval,
        open_minute=open_m,
        close_minute=close_m,
        timezone=tz,
        country=country.upper(),
        language=r.get(raw, w, "language", "str", "en", choices=LANGUAGES),
        queue_assignment=r.get(raw, w, "queue_assignment", "str", "routing", choices=QUEUE_ASSIGNMENTS),
        closed_weekdays=_weekdays(r, raw, w, "closed_weekdays"),
        closed_on_holidays=r.get(raw, w, "closed_on_holidays", "bool", False),
        weekday_hours=_weekday_hours(r, raw, w, interval),
    )


def _weekday_hours(r: _Reader, raw: dict, where: str, interval: int) -> dict[int, tuple[int, int]]:
    """`weekday_hours = { Sat = "09:00-13:00" }`: a weekday's own opening hours (the others keep open/close)."""
    key = f"{where}.weekday_hours"
    value = raw.get("weekday_hours", {})
    if not isinstance(value, dict):
        r.error(key, 'must be a table of weekday = "HH:MM-HH:MM", e.g. { Sat = "09:00-13:00" }')
        return {}
    out: dict[int, tuple[int, int]] = {}
    for name, text in value.items():
        day = WEEKDAY_NAMES.get(str(name).strip().lower())
        parts = text.split("-") if isinstance(text, str) else []
        times = [parse_clock(t, allow_24=True) for t in parts] if len(parts) == 2 else []
        if day is None:
            r.error(key, f"{name!r} is not a weekday name (Mon ... Sun, or 周一 ... 周日)")
        elif len(times) != 2 or None in times or times[1] <= times[0] or any(t % interval for t in times):
            r.error(key, f'{name} = {text!r} must be "HH:MM-HH:MM" on the {interval}-minute grid, closing after '
                         'opening (close the day with closed_weekdays)')
        else:
            out[day] = (times[0], times[1])
    return out


WEEKDAY_NAMES = {name: i for i, names in enumerate(
    (("mon", "monday", "周一", "星期一"), ("tue", "tuesday", "周二", "星期二"), ("wed", "wednesday", "周三", "星期三"),
     ("thu", "thursday", "周四", "星期四"), ("fri", "friday", "周五", "星期五"), ("sat", "saturday", "周六", "星期六"),
     ("sun", "sunday", "周日", "星期日", "周天", "星期天"))) for name in names}


def _weekdays(r: _Reader, raw: dict, where: str, key: str) -> tuple[int, ...]:
    """A list of weekday names (`["Sat", "Sun"]`, `["周六", "周日"]`) as weekday numbers (0 = Monday)."""
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        r.error(f"{where}.{key}", 'must be a list of weekday names, e.g. ["Sat", "Sun"]')
        return ()
    out = []
    for v in value:
        day = WEEKDAY_NAMES.get(v.strip().lower())
        if day is None:
            r.error(f"{where}.{key}", f"{v!r} is not a weekday name (Mon ... Sun, or 周一 ... 周日)")
            return ()
        out.append(day)
    if len(set(out)) == 7:
        r.error(f"{where}.{key}", "the centre cannot be closed on every day of the week")
        return ()
    return tuple(sorted(set(out)))


def _calendar(r: _Reader, raw: dict) -> CalendarConfig:
    w = "calendar"
    raw = r.section(raw, w, {"extra_holidays", "extra_workdays", "special_days"})
    special_raw = raw.get("special_days", {})
    special: dict[dt.date, str] = {}
    if not isinstance(special_raw, dict):
        r.error(f"{w}.special_days", 'must be a table of "YYYY-MM-DD" = "label"')
    else:
        for k, v in special_raw.items():
            d = _as_date(k)
            if d is None or not isinstance(v, str):
                r.error(f"{w}.special_days", f"{k!r} = {v!r} is not a \"YYYY-MM-DD\" = \"label\" pair")
            elif not DATE_MIN <= d <= DATE_MAX:
                r.error(f"{w}.special_days", f"{d} is outside {DATE_MIN.year}-{DATE_MAX.year}")
            else:
                special[d] = v
    return CalendarConfig(r.dates(raw, w, "extra_holidays"), r.dates(raw, w, "extra_workdays"), special)


QUEUE_KEYS = {"label", "sl_target", "answer_time_s", "asa_target_s", "max_occupancy", "patience_s", "priority",
              "min_agents", "default_aht_s", "answer_rate_target", "max_abandon_rate", "acd_names"}


def _queues(r: _Reader, raw: dict) -> dict[str, QueueConfig]:
    if not isinstance(raw, dict) or not raw:
        r.error("queues", "at least one [queues.NAME] table is required")
        return {}
    queues = {}
    for name, q in raw.items():
        w = f"queues.{name}"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            r.error(w, "queue names are lower_snake_case (letters, digits, _)")
        q = r.section(q, w, QUEUE_KEYS)
        sl = r.get(q, w, "sl_target", "float", 0.8, lo=0.0, hi=1.0, required=True)
        t = r.get(q, w, "answer_time_s", "float", 20.0, lo=0.0, hi=3600.0, required=True)
        if sl >= 1.0:
            r.error(f"{w}.sl_target", "a service level of 100% can never be met with random arrivals; "
                                      "use a target below 1, e.g. 0.95")
        patience = r.get(q, w, "patience_s", "float", None, lo=1.0, hi=7200.0)
        answer_rate, abandon = _abandonment_targets(r, q, w, has_patience="patience_s" in q)
        queues[name] = QueueConfig(
            name=name,
            label=r.get(q, w, "label", "str", name),
            sl_target=sl,
            answer_time_s=t,
            asa_target_s=r.get(q, w, "asa_target_s", "float", None, lo=0.0, hi=3600.0),
            max_occupancy=r.get(q, w, "max_occupancy", "float", None, lo=0.05, hi=1.0),
            patience_s=patience,
            priority=r.get(q, w, "priority", "int", 1, lo=1, hi=100),
            min_agents=r.get(q, w, "min_agents", "int", 0, lo=0, hi=1000),
            default_aht_s=r.get(q, w, "default_aht_s", "float", 300.0, lo=1.0, hi=7200.0),
            answer_rate_target=answer_rate,
            max_abandon_rate=abandon,
            acd_names=_acd_names(r, q, w),
        )
    _check_acd_names(r, queues)
    return queues


def _acd_names(r: _Reader, q: dict, w: str) -> tuple[str, ...]:
    values = q.get("acd_names", [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        r.error(f"{w}.acd_names", "must be a list of non-empty names, e.g. [\"话费查询\", \"账单\"]")
        return ()
    return tuple(v.strip() for v in values)


def _check_acd_names(r: _Reader, queues: dict[str, QueueConfig]) -> None:
    """An ACD name maps to one queue only (compared without regard to case)."""
    seen: dict[str, str] = {}
    for name, q in queues.items():
        for n in q.acd_names:
            other = seen.setdefault(n.casefold(), name)
            if other != name:
                r.error(f"queues.{name}.acd_names", f"'{n}' is also an ACD name of queue {other}")


def _abandonment_targets(r: _Reader, q: dict, w: str, *, has_patience: bool) -> tuple[float | None, float | None]:
    """A queue's `answer_rate_target` in (0, 1) and `max_abandon_rate` in (0, 1): shares of offered calls
    answered and abandoned. Both need `patience_s`: only Erlang A models callers hanging up."""
    art = r.get(q, w, "answer_rate_target", "float", None, lo=0.0, hi=1.0)
    if art is not None and art <= 0.0:
        r.error(f"{w}.answer_rate_target", f"must be above 0 and below 1 (e.g. 0.95), not {_short(art)}")
        art = None
    elif art is not None and art >= 1.0:
        r.error(f"{w}.answer_rate_target", "an answer rate of 100% can never be met when callers have a patience "
                                           "(some always hang up); use a target below 1, e.g. 0.95")
        art = None
    mab = r.get(q, w, "max_abandon_rate", "float", None, lo=0.0, hi=1.0)
    if mab is not None and mab >= 1.0:
        r.error(f"{w}.max_abandon_rate", f"must be above 0 and below 1 (e.g. 0.05), not {_short(mab)}")
        mab = None
    elif mab is not None and mab <= 0.0:
        r.error(f"{w}.max_abandon_rate", "an abandonment rate of 0 can never be met when callers have a patience "
                                         "(some always hang up); use a share above 0, e.g. 0.05")
        mab = None
    for key in ("answer_rate_target", "max_abandon_rate"):
        if key in q and not has_patience:
            r.error(f"{w}.{key}", "needs patience_s (the mean caller patience): only Erlang A models callers "
                                  "hanging up; without a patience the queue is staffed with Erlang C")
    return art, mab


def _shrinkage(r: _Reader, raw: dict) -> ShrinkageConfig:
    w = "shrinkage"
    raw = r.section(raw, w, {"absence", "leave", "meetings", "other"})
    s = ShrinkageConfig(**{k: r.get(raw, w, k, "float", 0.0, lo=0.0, hi=0.9)
                           for k in ("absence", "leave", "meetings", "other")})
    if s.unplaced >= 0.9:
        r.error(w, f"total unplaced shrinkage {s.unplaced:.0%} leaves almost no one on the phone")
    return s


def _shifts(r: _Reader, raw: list, interval: int) -> tuple[ShiftTemplate, ...]:
    if not isinstance(raw, list):
        r.error("shifts", "must be an array of tables: [[shifts]]")
        return ()
    out = []
    for i, s in enumerate(raw):
        w = f"shifts[{i}]"
        s = r.section(s, w, {"code", "name", "start_times", "length_h", "night"})
        code = r.get(s, w, "code", "str", "X", required=True)
        if not re.fullmatch(r"[A-Z]", code):
            r.error(f"{w}.code", f"must be one capital letter (it starts shift codes such as E0700), not {code!r}")
        starts_raw = s.get("start_times", [])
        starts = []
        if not isinstance(starts_raw, list) or not starts_raw:
            r.error(f"{w}.start_times", "must be a non-empty list of times HH:MM")
        else:
            for t in starts_raw:
                m = parse_clock(t) if isinstance(t, str) else None
                if m is None:
                    r.error(f"{w}.start_times", f"{t!r} is not a time HH:MM")
                elif m % interval:
                    r.error(f"{w}.start_times", f"{t} is not on the {interval}-minute interval grid")
                else:
                    starts.append(m)
        length_h = r.get(s, w, "length_h", "float", 9.0, lo=1.0, hi=16.0, required=True)
        if round(length_h * 60) % interval:
            r.error(f"{w}.length_h", f"{length_h} h is not a whole number of {interval}-minute intervals")
        out.append(ShiftTemplate(code, r.get(s, w, "name", "str", code), tuple(starts), round(length_h * 60),
                                 r.get(s, w, "night", "bool", False)))
    codes = [s.code for s in out]
    for c in sorted({c for c in codes if codes.count(c) > 1}):
        r.error("shifts", f"shift code {c!r} is used by more than one template")
    return tuple(out)


def _breaks(r: _Reader, raw: dict) -> BreaksConfig:
    w = "breaks"
    raw = r.section(raw, w, {"break_minutes", "breaks_per_shift", "lunch_minutes", "lunch_paid",
                             "lunch_if_shift_over_h", "lunch_window_h", "min_work_between_breaks_h"})
    window = raw.get("lunch_window_h", [3.0, 5.5])
    if (not isinstance(window, list) or len(window) != 2
            or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and 0 <= x <= 16 for x in window)
            or window[0] > window[1]):  # `0 <= x <= 16` is False for nan, so nan and inf land here too
        r.error(f"{w}.lunch_window_h", "must be [earliest, latest] hours after shift start, between 0 and 16, "
                                       "e.g. [3, 5.5]")
        window = [3.0, 5.5]
    return BreaksConfig(
        break_minutes=r.get(raw, w, "break_minutes", "int", 15, lo=0, hi=60),
        breaks_per_shift=r.get(raw, w, "breaks_per_shift", "int", 2, lo=0, hi=6),
        lunch_minutes=r.get(raw, w, "lunch_minutes", "int", 60, lo=0, hi=120),
        lunch_paid=r.get(raw, w, "lunch_paid", "bool", False),
        lunch_if_shift_over_h=r.get(raw, w, "lunch_if_shift_over_h", "float", 6.0, lo=0.0, hi=16.0),
        lunch_window_h=(float(window[0]), float(window[1])),
        min_work_between_breaks_h=r.get(raw, w, "min_work_between_breaks_h", "float", 1.0, lo=0.0, hi=8.0),
    )


def _rules(r: _Reader, raw: dict) -> RulesConfig:
    w = "rules"
    d = RulesConfig()
    raw = r.section(raw, w, set(RulesConfig.__dataclass_fields__))
    return RulesConfig(
        hours_per_week=r.get(raw, w, "hours_per_week", "float", d.hours_per_week, lo=1, hi=84),
        max_hours_day=r.get(raw, w, "max_hours_day", "float", d.max_hours_day, lo=1, hi=16),
        max_overtime_h_day=r.get(raw, w, "max_overtime_h_day", "float", d.max_overtime_h_day, lo=0, hi=8),
        max_overtime_h_month=r.get(raw, w, "max_overtime_h_month", "float", d.max_overtime_h_month, lo=0, hi=200),
        hours_averaging=r.get(raw, w, "hours_averaging", "str", d.hours_averaging, choices=HOURS_AVERAGING),
        max_consecutive_days=r.get(raw, w, "max_consecutive_days", "int", d.max_consecutive_days, lo=1, hi=31),
        min_days_off_week=r.get(raw, w, "min_days_off_week", "int", d.min_days_off_week, lo=0, hi=7),
        min_rest_h=r.get(raw, w, "min_rest_h", "float", d.min_rest_h, lo=0, hi=48),
        max_nights_period=r.get(raw, w, "max_nights_period", "int",
                                NO_NIGHTS_CAP if (raw.get("max_nights_week") or raw.get("max_nights_month"))
                                and "max_nights_period" not in raw else d.max_nights_period, lo=0, hi=NO_NIGHTS_CAP),
        max_nights_week=r.get(raw, w, "max_nights_week", "int", d.max_nights_week, lo=0, hi=7),
        max_nights_month=r.get(raw, w, "max_nights_month", "int", d.max_nights_month, lo=0, hi=31),
        rest_after_night_h=r.get(raw, w, "rest_after_night_h", "float", d.rest_after_night_h, lo=0, hi=72),
        min_weekends_off_period=r.get(raw, w, "min_weekends_off_period", "int", d.min_weekends_off_period,
                                      lo=0, hi=10),
        supervisor_on_duty=r.get(raw, w, "supervisor_on_duty", "bool", d.supervisor_on_duty),
        max_shift_h_averaged=r.get(raw, w, "max_shift_h_averaged", "float", d.max_shift_h_averaged, lo=1, hi=16),
        week_start=_week_start(r, raw, w),
    )


def _week_start(r: _Reader, raw: dict, w: str) -> str:
    value = r.get(raw, w, "week_start", "str", "period")
    if value != "period" and value.strip().lower() not in WEEKDAY_NAMES:
        r.error(f"{w}.week_start", f'must be "period" or a weekday name (Mon ... Sun, 周一 ... 周日), not {value!r}')
        return "period"
    return value


def _training(r: _Reader, raw: list) -> tuple[TrainingActivity, ...]:
    if not isinstance(raw, list):
        r.error("training", "must be an array of tables: [[training]]")
        return ()
    out = []
    for i, t in enumerate(raw):
        w = f"training[{i}]"
        t = r.section(t, w, {"name", "minutes", "frequency", "who", "group", "activity"})
        out.append(TrainingActivity(
            name=r.get(t, w, "name", "str", f"training {i + 1}", required=True),
            minutes=r.get(t, w, "minutes", "int", 15, lo=5, hi=480, required=True),
            frequency=r.get(t, w, "frequency", "str", "weekly", choices=TRAINING_FREQUENCIES),
            who=r.get(t, w, "who", "str", "all"),
            group=r.get(t, w, "group", "bool", False),
            activity=r.get(t, w, "activity", "str", "training", choices=("training", "meeting", "coaching")),
        ))
    return tuple(out)


def _rotation(r: _Reader, raw: dict) -> RotationConfig:
    w = "rotation"
    raw = r.section(raw, w, {"fair_shift_types", "fair_weekends", "queue_rotation_weeks"})
    return RotationConfig(
        fair_shift_types=r.get(raw, w, "fair_shift_types", "bool", True),
        fair_weekends=r.get(raw, w, "fair_weekends", "bool", True),
        queue_rotation_weeks=r.get(raw, w, "queue_rotation_weeks", "int", 0, lo=0, hi=52),
    )


def _solver(r: _Reader, raw: dict) -> SolverConfig:
    w = "solver"
    raw = r.section(raw, w, {"time_limit_s", "workers", "seed"})
    return SolverConfig(
        time_limit_s=r.get(raw, w, "time_limit_s", "float", 60.0, lo=1.0, hi=TIME_LIMIT_MAX_S),
        workers=r.get(raw, w, "workers", "int", 2, lo=1, hi=256),
        seed=r.get(raw, w, "seed", "int", 0, lo=0, hi=SEED_MAX),
    )


def _costs(r: _Reader, raw: dict) -> CostsConfig:
    w = "costs"
    raw = r.section(raw, w, {"hourly_wage", "overtime_multiplier", "currency", "rest_day_multiplier",
                             "holiday_multiplier", "night_allowance_per_h", "on_cost_share"})
    return CostsConfig(
        hourly_wage=r.get(raw, w, "hourly_wage", "float", 30.0, lo=0.0, hi=1e6),
        overtime_multiplier=r.get(raw, w, "overtime_multiplier", "float", 1.5, lo=1.0, hi=5.0),
        currency=r.get(raw, w, "currency", "str", "CNY"),
        rest_day_multiplier=r.get(raw, w, "rest_day_multiplier", "float", 2.0, lo=1.0, hi=5.0),
        holiday_multiplier=r.get(raw, w, "holiday_multiplier", "float", 3.0, lo=1.0, hi=5.0),
        night_allowance_per_h=r.get(raw, w, "night_allowance_per_h", "float", 0.0, lo=0.0, hi=1e4),
        on_cost_share=r.get(raw, w, "on_cost_share", "float", 0.0, lo=0.0, hi=2.0),
    )


def _leave(r: _Reader, raw: dict) -> LeaveConfig:
    w = "leave"
    raw = r.section(raw, w, {"unpaid", "annual_days", "max_per_team_day"})
    cap = r.get(raw, w, "max_per_team_day", "int", 0, lo=0, hi=10000)
    steps = _annual_days(r, raw, w)
    unpaid = raw.get("unpaid", list(LeaveConfig.unpaid))
    if not isinstance(unpaid, list) or not all(isinstance(k, str) for k in unpaid):
        r.error(f"{w}.unpaid", f"must be a list of leave types ({', '.join(LEAVE_TYPES)})")
        return LeaveConfig(annual_days=steps, max_per_team_day=cap)
    bad = [k for k in unpaid if k not in LEAVE_TYPES]
    if bad:
        r.error(f"{w}.unpaid", f"unknown leave type(s) {', '.join(map(repr, bad))} (types: {', '.join(LEAVE_TYPES)})")
        return LeaveConfig(annual_days=steps, max_per_team_day=cap)
    return LeaveConfig(unpaid=tuple(unpaid), annual_days=steps, max_per_team_day=cap)


def _annual_days(r: _Reader, raw: dict, w: str) -> tuple[tuple[float, int], ...]:
    """`annual_days = [[1, 5], [10, 10], [20, 15]]`: years of work -> days of annual leave, steps rising."""
    value = raw.get("annual_days", [list(step) for step in ANNUAL_DAYS])
    ok = isinstance(value, list) and all(
        isinstance(step, list) and len(step) == 2 and all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                                          and 0 <= x <= 366 for x in step)
        and float(step[1]).is_integer() for step in value)
    steps = [(float(y), int(d)) for y, d in value] if ok else []
    if not ok or any(a[0] >= b[0] or a[1] > b[1] for a, b in zip(steps, steps[1:])):
        r.error(f"{w}.annual_days", "must be [years of work, days a year] steps with the years rising and the days "
                                    "not falling, e.g. [[1, 5], [10, 10], [20, 15]]")
        return ANNUAL_DAYS
    return tuple(steps)


def _adherence(r: _Reader, raw: dict) -> AdherenceConfig:
    w = "adherence"
    raw = r.section(raw, w, {"states"})
    given = raw.get("states", {})
    if not isinstance(given, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in given.items()):
        r.error(f"{w}.states", 'must be a table of ACD state = activity, e.g. { "Aux 3" = "break" }')
        return AdherenceConfig()
    bad = sorted(k for k, v in given.items() if v not in ADHERENCE_ACTIVITIES)
    if bad:
        r.error(f"{w}.states", f"state(s) {', '.join(map(repr, bad))} map to no activity (activities: "
                               f"{', '.join(ADHERENCE_ACTIVITIES)})")
        return AdherenceConfig()
    return AdherenceConfig({**DEFAULT_STATES, **{k.strip().lower(): v for k, v in given.items()}})


def _capacity(r: _Reader, raw: dict) -> CapacityConfig:
    w = "capacity"
    raw = r.section(raw, w, {"supervisor_phone_share", "nesting_share"})
    shares = {k: r.get(raw, w, k, "float", 1.0, lo=0.0, hi=1.0) for k in ("supervisor_phone_share", "nesting_share")}
    for k, v in shares.items():
        if v <= 0:
            r.error(f"{w}.{k}", "must be above 0 (a share of the on-phone time; leave the people off the roster "
                                "to count them as nothing)")
            shares[k] = 1.0
    return CapacityConfig(**shares)
