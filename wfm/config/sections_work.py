"""The config's tables on how people work and are paid: [shrinkage], [[shifts]], [breaks], [rules],
[[training]], [rotation], [solver], [costs], [leave], [adherence] and [capacity]."""

from __future__ import annotations

import re
from typing import Any

from wfm.config.fields import keys, spec
from wfm.config.schema import (ADHERENCE_ACTIVITIES, DEFAULT_STATES, LEAVE_TYPES, NO_NIGHTS_CAP, WEEKDAY_NAMES,
                               AdherenceConfig, BreaksConfig, CapacityConfig, CostsConfig, LeaveConfig,
                               RotationConfig, RulesConfig, ShiftTemplate, ShrinkageConfig, SolverConfig,
                               TrainingActivity)
from wfm.config.values import Reader, Table, parse_clock


def read_shrinkage(r: Reader, raw: Table) -> ShrinkageConfig:
    w = "shrinkage"
    s = ShrinkageConfig(**r.values(r.section(raw, w, keys(ShrinkageConfig)), w, ShrinkageConfig))
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
        s = r.section(s, w, keys(ShiftTemplate))
        code = r.value(s, w, ShiftTemplate, "code")
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
        length_h = r.value(s, w, ShiftTemplate, "length_minutes")  # in hours in the file
        if round(length_h * 60) % interval:
            r.error(f"{w}.length_h", f"{length_h} h is not a whole number of {interval}-minute intervals")
        out.append(ShiftTemplate(code, r.value(s, w, ShiftTemplate, "name", default=code), tuple(starts),
                                 round(length_h * 60), r.value(s, w, ShiftTemplate, "night")))
    codes = [s.code for s in out]
    for c in sorted({c for c in codes if codes.count(c) > 1}):
        r.error("shifts", f"shift code {c!r} is used by more than one template")
    return tuple(out)


def read_breaks(r: Reader, raw: Table) -> BreaksConfig:
    w = "breaks"
    raw = r.section(raw, w, keys(BreaksConfig))
    default_window = list(spec(BreaksConfig, "lunch_window_h").default)
    window = raw.get("lunch_window_h", default_window)
    if (not isinstance(window, list) or len(window) != 2
            or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and 0 <= x <= 16 for x in window)
            or window[0] > window[1]):  # `0 <= x <= 16` is False for nan, so nan and inf land here too
        r.error(f"{w}.lunch_window_h", "must be [earliest, latest] hours after shift start, between 0 and 16, "
                                       "e.g. [3, 5.5]")
        window = default_window
    return BreaksConfig(lunch_window_h=(float(window[0]), float(window[1])), **r.values(raw, w, BreaksConfig))


def read_rules(r: Reader, raw: Table) -> RulesConfig:
    w = "rules"
    raw = r.section(raw, w, keys(RulesConfig))
    values = r.values(raw, w, RulesConfig, skip=("week_start",))
    if (raw.get("max_nights_week") or raw.get("max_nights_month")) and "max_nights_period" not in raw:
        values["max_nights_period"] = NO_NIGHTS_CAP  # only a week or month cap set: no period cap
    return RulesConfig(week_start=_week_start(r, raw, w), **values)


def _week_start(r: Reader, raw: Table, w: str) -> str:
    value: str = r.value(raw, w, RulesConfig, "week_start")
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
        t = r.section(t, w, keys(TrainingActivity))
        out.append(TrainingActivity(name=r.value(t, w, TrainingActivity, "name", default=f"training {i + 1}"),
                                    **r.values(t, w, TrainingActivity, skip=("name",))))
    return tuple(out)


def read_rotation(r: Reader, raw: Table) -> RotationConfig:
    w = "rotation"
    return RotationConfig(**r.values(r.section(raw, w, keys(RotationConfig)), w, RotationConfig))


def read_solver(r: Reader, raw: Table) -> SolverConfig:
    w = "solver"
    return SolverConfig(**r.values(r.section(raw, w, keys(SolverConfig)), w, SolverConfig))


def read_costs(r: Reader, raw: Table) -> CostsConfig:
    w = "costs"
    return CostsConfig(**r.values(r.section(raw, w, keys(CostsConfig)), w, CostsConfig))


def read_leave(r: Reader, raw: Table) -> LeaveConfig:
    w = "leave"
    raw = r.section(raw, w, keys(LeaveConfig))
    cap = r.value(raw, w, LeaveConfig, "max_per_team_day")
    steps = _annual_days(r, raw, w)
    unpaid = raw.get("unpaid", list(spec(LeaveConfig, "unpaid").default))
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
    default: tuple[tuple[float, int], ...] = spec(LeaveConfig, "annual_days").default
    value = raw.get("annual_days", [list(step) for step in default])
    ok = isinstance(value, list) and all(
        isinstance(step, list) and len(step) == 2 and all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                                          and 0 <= x <= 366 for x in step)
        and float(step[1]).is_integer() for step in value)
    steps = [(float(y), int(d)) for y, d in value] if ok else []
    if not ok or any(a[0] >= b[0] or a[1] > b[1] for a, b in zip(steps, steps[1:])):
        r.error(f"{w}.annual_days", "must be [years of work, days a year] steps with the years rising and the days "
                                    "not falling, e.g. [[1, 5], [10, 10], [20, 15]]")
        return default
    return tuple(steps)


def read_adherence(r: Reader, raw: Table) -> AdherenceConfig:
    w = "adherence"
    raw = r.section(raw, w, keys(AdherenceConfig))
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
    shares = r.values(r.section(raw, w, keys(CapacityConfig)), w, CapacityConfig)
    for k, v in shares.items():
        if v <= 0:
            r.error(f"{w}.{k}", "must be above 0 (a share of the on-phone time; leave the people off the roster "
                                "to count them as nothing)")
            shares[k] = spec(CapacityConfig, k).default
    return CapacityConfig(**shares)
