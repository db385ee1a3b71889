"""The scenario mini-language: each key's value parser (`KEYS`) and `NAME:KEY=VALUE,...` to a `Scenario`.

The keys and their syntax are listed in `wfm.scenarios.spec`'s docstring.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any

from wfm.errors import Problem, Problems
from wfm.scenarios.scenario import (BASE, NAME_RE, QUEUE_RE, Diversion, Hire, Hours, NewQueue, Removal, Scale,
                                    Scenario, Target)


# ------------------------------------------------------------------------------------------ parsing


class _Error(ValueError):
    """A problem with one key's value (message without the scenario and key)."""


def _num(text: str, what: str, lo: float, hi: float, *, lo_open: bool = False, hi_open: bool = False) -> float:
    try:
        v = float(text)
    except ValueError:
        raise _Error(f"{what} {text!r} is not a number") from None
    if not math.isfinite(v):
        raise _Error(f"{what} must be a finite number, not {text!r}")
    below = v <= lo if lo_open else v < lo
    above = v >= hi if hi_open else v > hi
    if below or above:
        lb = "(" if lo_open else "["
        hb = ")" if hi_open else "]"
        raise _Error(f"{what} must be in {lb}{lo:g}, {hi:g}{hb}, not {v:g}")
    return v


def _date(text: str, what: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise _Error(f"{what} {text!r} is not a date (YYYY-MM-DD)") from None


def _window(text: str | None) -> tuple[dt.date | None, dt.date | None]:
    """'2027-01-01..2027-03-31', '2027-01-01' (from that day on), '..2027-03-31'; None = always."""
    if text is None:
        return None, None
    text = text.strip()
    if ".." in text:
        a, b = text.split("..", 1)
    else:
        a, b = text, ""
    start = _date(a, "start date") if a.strip() else None
    end = _date(b, "end date") if b.strip() else None
    if start is None and end is None:
        raise _Error("the date range after @ is empty (use @FROM..TO, @FROM or @..TO)")
    if start and end and end < start:
        raise _Error(f"the date range ends ({end}) before it starts ({start})")
    return start, end


def _queue(text: str, what: str = "queue") -> str:
    q = text.strip().lower()
    if not re.fullmatch(QUEUE_RE, q):
        raise _Error(f"{what} {text.strip()!r} is not a queue name (lower-case letters, digits, _)")
    return q


def _split_queue(text: str) -> tuple[str | None, str]:
    """'billing:1.3' -> ('billing', '1.3'); '1.3' -> (None, '1.3')."""
    m = re.fullmatch(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*:(.*)", text)
    if m:
        return _queue(m.group(1)), m.group(2)
    return None, text


def _scale(value: str, what: str, hi: float) -> Scale:
    queue, rest = _split_queue(value)
    rest, _, window = rest.partition("@")
    factor = _num(rest.strip(), f"{what} factor", 0.0, hi, lo_open=(what == "aht"))
    start, end = _window(window if "@" in value else None)
    return Scale(factor, queue, start, end)


def _parse_volume(value: str) -> Scale:
    return _scale(value, "volume", 100.0)


def _parse_aht(value: str) -> Scale:
    return _scale(value, "aht", 20.0)


def _parse_sl(value: str) -> Target:
    queue, rest = None, value
    m = re.fullmatch(r"\s*([A-Za-z][A-Za-z0-9_+]*)\s*:(.*)", value)
    if m:  # a queue, or a pool named a+b
        queue = "+".join(_queue(q) for q in m.group(1).split("+"))
        rest = m.group(2)
    m = re.fullmatch(r"\s*([^/]+)/([^/]+)\s*", rest)
    if not m:
        raise _Error(f"{value!r} is not TARGET/SECONDS (e.g. sl=0.9/15 or sl=vip:0.95/10)")
    target = _num(m.group(1), "service-level target", 0.0, 1.0, lo_open=True, hi_open=True)
    seconds = _num(m.group(2), "answer time (seconds)", 0.0, 3600.0)
    return Target(target, seconds, queue)


def _parse_shrinkage(value: str) -> float:
    return _num(value, "shrinkage", 0.0, 0.95)


def _parse_ivr(value: str) -> Diversion:
    queue, rest = _split_queue(value)
    if queue is None:
        raise _Error(f"{value!r} names no queue: use ivr=QUEUE:SHARE, e.g. ivr=billing:0.2")
    rest, _, window = rest.partition("@")
    share = _num(rest.strip(), "diverted share", 0.0, 1.0)
    start, end = _window(window if "@" in value else None)
    return Diversion(queue, share, start, end)


def _parse_pool(value: str) -> tuple[str, ...]:
    parts = [p for p in value.split("+")]
    if len(parts) < 2:
        raise _Error(f"{value!r} pools fewer than two queues: use pool=QUEUE+QUEUE, e.g. pool=billing+data")
    members = tuple(_queue(p, "pool member") for p in parts)
    dup = sorted({m for m in members if members.count(m) > 1})
    if dup:
        raise _Error(f"queue {dup[0]} appears twice in the pool")
    return members


def _parse_add(value: str) -> NewQueue:
    parts = value.split(":")
    if len(parts) not in (2, 3):
        raise _Error(f"{value!r} is not NAME:LIKE[:FACTOR] (e.g. add=wechat:billing:0.25)")
    name = _queue(parts[0], "new queue name")
    like = _queue(parts[1], "template queue")
    factor = _num(parts[2], "volume factor", 0.0, 100.0, lo_open=True) if len(parts) == 3 else 1.0
    return NewQueue(name, like, factor)


def _parse_remove(value: str) -> Removal:
    queue, arrow, into = value.partition(">")
    return Removal(_queue(queue), _queue(into, "target queue") if arrow else None)


def _clock(text: str, *, allow_24: bool) -> int:
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if m:
        h, mi = int(m.group(1)), int(m.group(2))
        if mi < 60 and (h < 24 or (h == 24 and mi == 0 and allow_24)):
            return h * 60 + mi
    raise _Error(f"{text.strip()!r} is not a time HH:MM" + (" (24:00 allowed as closing time)" if allow_24 else ""))


def _parse_hours(value: str) -> Hours:
    m = re.fullmatch(r"\s*(?:([A-Za-z][A-Za-z0-9_]*):)?([0-9:]+)-([0-9:]+)(?:/(\w+))?\s*", value)
    if not m:
        raise _Error(f"{value!r} is not [QUEUE:]HH:MM-HH:MM[/shift|/drop] (e.g. hours=08:00-22:00)")
    queue = _queue(m.group(1)) if m.group(1) else None
    open_m = _clock(m.group(2), allow_24=False)
    close_m = _clock(m.group(3), allow_24=True)
    if open_m == close_m or (open_m == 0 and close_m == 1440):
        if open_m == 0 and close_m == 1440:
            return Hours(0, 1440, queue, (m.group(4) or "shift").lower())
        raise _Error("opening and closing times are the same")
    mode = (m.group(4) or "shift").lower()
    if mode not in ("shift", "drop"):
        raise _Error(f"mode {m.group(4)!r} must be shift (calls outside move into open hours) or drop")
    return Hours(open_m, close_m, queue, mode)


def _parse_hire(value: str) -> Hire:
    m = re.fullmatch(r"\s*(\d+)\s*@\s*([0-9-]+)\s*(?:/\s*([0-9.]+)\s*(?:\+\s*([0-9.]+))?)?\s*", value)
    if not m:
        raise _Error(f"{value!r} is not N@DATE[/TRAINING_WEEKS[+RAMP_WEEKS]] (e.g. hire=20@2027-03-01)")
    count = int(m.group(1))
    if not 1 <= count <= 100_000:
        raise _Error(f"class size must be between 1 and 100000, not {count}")
    date = _date(m.group(2), "start date")
    t = _num(m.group(3), "training weeks", 0.0, 104.0) if m.group(3) else None
    r = _num(m.group(4), "ramp weeks", 0.0, 104.0) if m.group(4) else None
    return Hire(count, date, t, r)


def _parse_rate(value: str) -> float:
    return _num(value, "monthly attrition", 0.0, 1.0, hi_open=True)


def _parse_weeks(value: str) -> float:
    return _num(value, "weeks", 0.0, 104.0)


# key -> (parser, repeatable)
KEYS: dict[str, tuple[Any, bool]] = {
    "volume": (_parse_volume, True),
    "aht": (_parse_aht, True),
    "sl": (_parse_sl, True),
    "shrinkage": (_parse_shrinkage, False),
    "ivr": (_parse_ivr, True),
    "pool": (_parse_pool, True),
    "add": (_parse_add, True),
    "remove": (_parse_remove, True),
    "hours": (_parse_hours, True),
    "hire": (_parse_hire, True),
    "attrition": (_parse_rate, False),
    "training_weeks": (_parse_weeks, False),
    "ramp_weeks": (_parse_weeks, False),
}
GRID_NUMERIC = ("volume", "aht", "shrinkage", "attrition", "training_weeks", "ramp_weeks")

def problem_in(source: str, scenario: str, key: str | None, message: str) -> Problem:
    where = f"scenario '{scenario}'" + (f", key '{key}'" if key else "")
    return Problem(source, f"{where}: {message}")


def build_scenario(name: str, pairs: Iterable[tuple[str, str]], *, source: str = "--scenario",
                   problems: Problems | None = None, spec: str = "") -> Scenario | None:
    """A scenario from (key, value) text pairs; problems are collected (raised when `problems` is None)."""
    own = problems is None
    problems = problems if problems is not None else Problems()
    before = len(problems.items)
    if not NAME_RE.fullmatch(name or ""):
        problems.items.append(problem_in(source, name, None, "a scenario name is letters, digits, _ . + - (at most 60 "
                                                           "characters), starting with a letter or digit"))
    values: dict[str, Any] = {}
    for key, value in pairs:
        k = key.strip().lower()
        if k not in KEYS:
            problems.items.append(problem_in(source, name, key.strip(), f"unknown key (known: {', '.join(KEYS)})"))
            continue
        parser, repeatable = KEYS[k]
        if not repeatable and k in values:
            problems.items.append(problem_in(source, name, k, "given more than once"))
            continue
        if not str(value).strip():
            problems.items.append(problem_in(source, name, k, "has no value"))
            continue
        try:
            parsed = parser(str(value))
        except _Error as exc:
            problems.items.append(problem_in(source, name, k, str(exc)))
            continue
        if repeatable:
            values.setdefault(k, []).append(parsed)
        else:
            values[k] = parsed
    if name == BASE and values:
        problems.items.append(problem_in(source, name, None, "'base' is the current plan and takes no keys; give "
                                                           "the changed plan another name"))
    if len(problems.items) > before:
        if own:
            problems.raise_if_errors()
        return None
    kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in values.items()}
    return Scenario(name=name, spec=spec or name, **kwargs)


def parse_scenario(text: str, *, source: str = "--scenario", problems: Problems | None = None) -> Scenario | None:
    """``NAME:KEY=VALUE,KEY=VALUE`` (or a bare ``NAME`` with no changes, e.g. ``base``)."""
    own = problems is None
    problems = problems if problems is not None else Problems()
    text = text.strip()
    name, colon, body = text.partition(":")
    name = name.strip()
    if "=" in name:
        problems.items.append(Problem(source, f"{text!r} has no scenario name: write NAME:KEY=VALUE,... "
                                              f"(e.g. tariff:{text})"))
        if own:
            problems.raise_if_errors()
        return None
    pairs = []
    if colon:
        if not body.strip():
            problems.items.append(problem_in(source, name, None, "no KEY=VALUE after the colon (a scenario without "
                                                               "changes is written NAME alone)"))
        for part in body.split(","):
            if not part.strip():
                continue
            key, eq, value = part.partition("=")
            if not eq:
                problems.items.append(problem_in(source, name, key.strip() or None,
                                               f"{part.strip()!r} is not KEY=VALUE"))
                continue
            pairs.append((key, value))
    sc = build_scenario(name, pairs, source=source, problems=problems, spec=text)
    if own:
        problems.raise_if_errors()
    return sc
