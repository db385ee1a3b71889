"""The config's [centre], [calendar] and [queues] tables: where the centre is, when it is open, what it answers."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from wfm.config.fields import keys, spec
from wfm.config.schema import (DATE_MAX, DATE_MIN, INTERVALS, QUEUE_ASSIGNMENTS, WEEKDAY_NAMES, CalendarConfig,
                               CentreConfig, QueueConfig)
from wfm.config.values import Reader, Table, as_date, parse_clock, short_repr

__all__ = ["QUEUE_ASSIGNMENTS", "QUEUE_KEYS", "read_calendar", "read_centre", "read_queues"]


def read_centre(r: Reader, raw: Table) -> CentreConfig:
    w = "centre"
    raw = r.section(raw, w, keys(CentreConfig))
    interval = r.value(raw, w, CentreConfig, "interval_minutes")
    if interval not in INTERVALS:
        r.error(f"{w}.interval_minutes", f"must be one of {', '.join(map(str, INTERVALS))}, not {interval}")
        interval = spec(CentreConfig, "interval_minutes").default
    open_m = r.value(raw, w, CentreConfig, "open_minute")
    close_m = r.value(raw, w, CentreConfig, "close_minute")
    if close_m <= open_m:
        overnight = ("; hours that cross midnight cannot be configured for the centre: configure it as open all day "
                     "(open = \"00:00\", close = \"24:00\"; hours with no calls in the history are forecast "
                     "closed) and try night-only hours with wfm whatif hours=22:00-06:00") if close_m < open_m else ""
        r.error(f"{w}.close", f"must be after open (use close = \"24:00\" for midnight){overnight}")
    for key, m in (("open", open_m), ("close", close_m)):
        if m % interval:
            r.error(f"{w}.{key}", f"must fall on the {interval}-minute interval grid")
    tz = r.value(raw, w, CentreConfig, "timezone")
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        r.error(f"{w}.timezone", f"unknown time zone {tz!r} (use an IANA name such as Asia/Shanghai)")
    country = r.value(raw, w, CentreConfig, "country")
    from wfm.calendar import UnknownCountryError, country_holidays

    try:
        country_holidays(country, [2026])
    except UnknownCountryError as exc:
        r.error(f"{w}.country", str(exc))
    return CentreConfig(
        name=r.value(raw, w, CentreConfig, "name"),
        interval_minutes=interval,
        open_minute=open_m,
        close_minute=close_m,
        timezone=tz,
        country=country.upper(),
        language=r.value(raw, w, CentreConfig, "language"),
        queue_assignment=r.value(raw, w, CentreConfig, "queue_assignment"),
        closed_weekdays=_weekdays(r, raw, w, "closed_weekdays"),
        closed_on_holidays=r.value(raw, w, CentreConfig, "closed_on_holidays"),
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
    raw = r.section(raw, w, keys(CalendarConfig))
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


QUEUE_KEYS = keys(QueueConfig)


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
        sl = r.value(q, w, QueueConfig, "sl_target")
        t = r.value(q, w, QueueConfig, "answer_time_s")
        if sl >= 1.0:
            r.error(f"{w}.sl_target", "a service level of 100% can never be met with random arrivals; "
                                      "use a target below 1, e.g. 0.95")
        patience = r.value(q, w, QueueConfig, "patience_s")
        answer_rate, abandon = _abandonment_targets(r, q, w, has_patience="patience_s" in q)
        queues[name] = QueueConfig(
            name=name,
            label=r.value(q, w, QueueConfig, "label", default=name),
            sl_target=sl,
            answer_time_s=t,
            asa_target_s=r.value(q, w, QueueConfig, "asa_target_s"),
            max_occupancy=r.value(q, w, QueueConfig, "max_occupancy"),
            patience_s=patience,
            priority=r.value(q, w, QueueConfig, "priority"),
            min_agents=r.value(q, w, QueueConfig, "min_agents"),
            default_aht_s=r.value(q, w, QueueConfig, "default_aht_s"),
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
    art = r.value(q, w, QueueConfig, "answer_rate_target")
    if art is not None and art <= 0.0:
        r.error(f"{w}.answer_rate_target", f"must be above 0 and below 1 (e.g. 0.95), not {short_repr(art)}")
        art = None
    elif art is not None and art >= 1.0:
        r.error(f"{w}.answer_rate_target", "an answer rate of 100% can never be met when callers have a patience "
                                           "(some always hang up); use a target below 1, e.g. 0.95")
        art = None
    mab = r.value(q, w, QueueConfig, "max_abandon_rate")
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
