"""The config's tables on how people work and are paid: [shrinkage], [[shifts]], [breaks], [rules],
[[training]], [rotation], [solver], [costs], [leave], [adherence] and [capacity]."""

from __future__ import annotations

import re
from typing import Any

from wfm.config.schema import (ADHERENCE_ACTIVITIES, ANNUAL_DAYS, DEFAULT_STATES, HOURS_AVERAGING, LEAVE_TYPES,
                               NO_NIGHTS_CAP, SEED_MAX, TIME_LIMIT_MAX_S, TRAINING_FREQUENCIES, WEEKDAY_NAMES,
                               AdherenceConfig, BreaksConfig, CapacityConfig, CostsConfig, LeaveConfig,
                               RotationConfig, RulesConfig, ShiftTemplate, ShrinkageConfig, SolverConfig,
                               TrainingActivity)
from wfm.config.values import Reader, Table, parse_clock


def read_shrinkage(r: Reader, raw: Table) -> ShrinkageConfig:
    w = "shrinkage"
    raw = r.section(raw, w, {"absence", "leave", "meetings", "other"})
    s = ShrinkageConfig(**{k: r.get(raw, w, k, "float", 0.0, lo=0.0, hi=0.9)
                           for k in ("absence", "leave", "meetings", "other")})
    if s.unplaced >= 0.9:
        r.error(w, f"total unplaced shrinkage {s.unplaced:.0%} leaves almost no one on the phone")
    return s


def read_shifts(r: Reader, raw: list[Any], interval: int) -> tuple[ShiftTemplate, ...]:
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


def read_breaks(r: Reader, raw: Table) -> BreaksConfig:
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


def read_rules(r: Reader, raw: Table) -> RulesConfig:
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


def _week_start(r: Reader, raw: Table, w: str) -> str:
    value: str = r.get(raw, w, "week_start", "str", "Mon")
    if value != "period" and value.strip().lower() not in WEEKDAY_NAMES:
        r.error(f"{w}.week_start", f'must be "period" or a weekday name (Mon ... Sun, 周一 ... 周日), not {value!r}')
        return "period"
    return value


def read_training(r: Reader, raw: list[Any]) -> tuple[TrainingActivity, ...]:
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


def read_rotation(r: Reader, raw: Table) -> RotationConfig:
    w = "rotation"
    raw = r.section(raw, w, {"fair_shift_types", "fair_weekends", "queue_rotation_weeks"})
    return RotationConfig(
        fair_shift_types=r.get(raw, w, "fair_shift_types", "bool", True),
        fair_weekends=r.get(raw, w, "fair_weekends", "bool", True),
        queue_rotation_weeks=r.get(raw, w, "queue_rotation_weeks", "int", 0, lo=0, hi=52),
    )


def read_solver(r: Reader, raw: Table) -> SolverConfig:
    w = "solver"
    raw = r.section(raw, w, {"time_limit_s", "workers", "seed"})
    return SolverConfig(
        time_limit_s=r.get(raw, w, "time_limit_s", "float", 60.0, lo=1.0, hi=TIME_LIMIT_MAX_S),
        workers=r.get(raw, w, "workers", "int", 2, lo=1, hi=256),
        seed=r.get(raw, w, "seed", "int", 0, lo=0, hi=SEED_MAX),
    )


def read_costs(r: Reader, raw: Table) -> CostsConfig:
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


def read_leave(r: Reader, raw: Table) -> LeaveConfig:
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


def _annual_days(r: Reader, raw: Table, w: str) -> tuple[tuple[float, int], ...]:
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


def read_adherence(r: Reader, raw: Table) -> AdherenceConfig:
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


def read_capacity(r: Reader, raw: Table) -> CapacityConfig:
    w = "capacity"
    raw = r.section(raw, w, {"supervisor_phone_share", "nesting_share"})
    shares = {k: r.get(raw, w, k, "float", 1.0, lo=0.0, hi=1.0) for k in ("supervisor_phone_share", "nesting_share")}
    for k, v in shares.items():
        if v <= 0:
            r.error(f"{w}.{k}", "must be above 0 (a share of the on-phone time; leave the people off the roster "
                                "to count them as nothing)")
            shares[k] = 1.0
    return CapacityConfig(**shares)
