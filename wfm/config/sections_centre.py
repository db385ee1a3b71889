"""The config's [centre], [calendar] and [queues] tables: where the centre is, when it is open, what it answers."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from wfm.config.schema import (DATE_MAX, DATE_MIN, LANGUAGES, WEEKDAY_NAMES, CalendarConfig, CentreConfig,
                               QueueConfig)
from wfm.config.values import Reader, Table, as_date, parse_clock, short_repr

QUEUE_ASSIGNMENTS = ("routing", "by_hand")


def read_centre(r: Reader, raw: Table) -> CentreConfig:
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


def _weekday_hours(r: Reader, raw: Table, where: str, interval: int) -> dict[int, tuple[int, int]]:
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
        clock = [parse_clock(t, allow_24=True) for t in parts] if len(parts) == 2 else []
        times = [t for t in clock if t is not None]  # two times only when both parts are times
        if day is None:
            r.error(key, f"{name!r} is not a weekday name (Mon ... Sun, or 周一 ... 周日)")
        elif len(times) != 2 or times[1] <= times[0] or any(t % interval for t in times):
            r.error(key, f'{name} = {text!r} must be "HH:MM-HH:MM" on the {interval}-minute grid, closing after '
                         'opening (close the day with closed_weekdays)')
        else:
            out[day] = (times[0], times[1])
    return out


def _weekdays(r: Reader, raw: Table, where: str, key: str) -> tuple[int, ...]:
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


def read_calendar(r: Reader, raw: Table) -> CalendarConfig:
    w = "calendar"
    raw = r.section(raw, w, {"extra_holidays", "extra_workdays", "special_days"})
    special_raw = raw.get("special_days", {})
    special: dict[dt.date, str] = {}
    if not isinstance(special_raw, dict):
        r.error(f"{w}.special_days", 'must be a table of "YYYY-MM-DD" = "label"')
    else:
        for k, v in special_raw.items():
            d = as_date(k)
            if d is None or not isinstance(v, str):
                r.error(f"{w}.special_days", f"{k!r} = {v!r} is not a \"YYYY-MM-DD\" = \"label\" pair")
            elif not DATE_MIN <= d <= DATE_MAX:
                r.error(f"{w}.special_days", f"{d} is outside {DATE_MIN.year}-{DATE_MAX.year}")
            else:
                special[d] = v
    return CalendarConfig(r.dates(raw, w, "extra_holidays"), r.dates(raw, w, "extra_workdays"), special)


QUEUE_KEYS = {"label", "sl_target", "answer_time_s", "asa_target_s", "max_occupancy", "patience_s", "priority",
              "min_agents", "default_aht_s", "answer_rate_target", "max_abandon_rate", "acd_names"}


def read_queues(r: Reader, raw: Table) -> dict[str, QueueConfig]:
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


def _acd_names(r: Reader, q: Table, w: str) -> tuple[str, ...]:
    values = q.get("acd_names", [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        r.error(f"{w}.acd_names", "must be a list of non-empty names, e.g. [\"话费查询\", \"账单\"]")
        return ()
    return tuple(v.strip() for v in values)


def _check_acd_names(r: Reader, queues: dict[str, QueueConfig]) -> None:
    """An ACD name maps to one queue only (compared without regard to case)."""
    seen: dict[str, str] = {}
    for name, q in queues.items():
        for n in q.acd_names:
            other = seen.setdefault(n.casefold(), name)
            if other != name:
                r.error(f"queues.{name}.acd_names", f"'{n}' is also an ACD name of queue {other}")


def _abandonment_targets(r: Reader, q: Table, w: str, *, has_patience: bool) -> tuple[float | None, float | None]:
    """A queue's `answer_rate_target` in (0, 1) and `max_abandon_rate` in (0, 1): shares of offered calls
    answered and abandoned. Both need `patience_s`: only Erlang A models callers hanging up."""
    art = r.get(q, w, "answer_rate_target", "float", None, lo=0.0, hi=1.0)
    if art is not None and art <= 0.0:
        r.error(f"{w}.answer_rate_target", f"must be above 0 and below 1 (e.g. 0.95), not {short_repr(art)}")
        art = None
    elif art is not None and art >= 1.0:
        r.error(f"{w}.answer_rate_target", "an answer rate of 100% can never be met when callers have a patience "
                                           "(some always hang up); use a target below 1, e.g. 0.95")
        art = None
    mab = r.get(q, w, "max_abandon_rate", "float", None, lo=0.0, hi=1.0)
    if mab is not None and mab >= 1.0:
        r.error(f"{w}.max_abandon_rate", f"must be above 0 and below 1 (e.g. 0.05), not {short_repr(mab)}")
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
