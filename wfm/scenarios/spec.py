"""What-if scenarios: the frozen `Scenario` and its parsers (command line, TOML file, grids).

Command line: ``NAME:KEY=VALUE,KEY=VALUE`` (a bare ``base`` is the current plan). Keys (repeatable keys
may be given more than once in one scenario):

| key | value | meaning |
|---|---|---|
| volume (rep.) | ``[QUEUE:]FACTOR[@FROM..TO]`` | calls x FACTOR, all queues or one, optionally between two dates |
| aht (rep.) | ``[QUEUE:]FACTOR[@FROM..TO]`` | handle time x FACTOR |
| sl (rep.) | ``[QUEUE:]TARGET/SECONDS`` | service target, e.g. ``0.9/15`` = 90% within 15 s |
| shrinkage | ``SHARE`` | shrinkage the roster does not place (absence, leave, meetings; config [shrinkage]) |
| ivr (rep.) | ``QUEUE:SHARE[@FROM..TO]`` | share of the queue's calls diverted to self-service |
| pool (rep.) | ``QUEUE+QUEUE[+...]`` | queues served as one pool (centralisation) |
| add (rep.) | ``NAME:LIKE[:FACTOR]`` | a new queue with LIKE's targets and FACTOR x LIKE's calls |
| remove (rep.) | ``QUEUE[>INTO]`` | queue closed; its calls vanish, or move into queue INTO |
| hours (rep.) | ``[QUEUE:]HH:MM-HH:MM[/shift or /drop]`` | opening hours; calls outside are shifted into the
  same day's open intervals (default) or dropped |
| hire (rep.) | ``N@DATE[/TRAIN[+RAMP]]`` | a class of N full-time agents starting on DATE |
| attrition | ``RATE`` | share of agents leaving per month, compounding |
| training_weeks | ``WEEKS`` | default training weeks of hires (4) |
| ramp_weeks | ``WEEKS`` | default weeks to ramp from 0 to full productivity after training (4) |

Dates are ``YYYY-MM-DD``; ``@FROM`` alone means from that day on, ``@..TO`` up to that day (inclusive).
Every parse error is an `InputError` naming the scenario, the key and what is wrong; all errors of all
scenarios are reported together.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from wfm.errors import InputError, Problem, Problems

NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+\-]{0,59}")
QUEUE_RE = r"[a-z][a-z0-9_]*"
DEFAULT_TRAINING_WEEKS = 4.0
DEFAULT_RAMP_WEEKS = 4.0
BASE = "base"


# ------------------------------------------------------------------------------------------ changes


@dataclass(frozen=True)
class Scale:
    """Multiply calls (volume) or handle time (aht) by `factor`, in one queue or all, between two dates."""

    factor: float
    queue: str | None = None
    start: dt.date | None = None  # inclusive; None = open
    end: dt.date | None = None  # inclusive; None = open


@dataclass(frozen=True)
class Target:
    """A new service target: `sl_target` of calls answered within `answer_time_s`."""

    sl_target: float
    answer_time_s: float
    queue: str | None = None


@dataclass(frozen=True)
class Diversion:
    """A share of a queue's calls handled by IVR / self-service instead of agents."""

    queue: str
    share: float
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class NewQueue:
    """A queue added: the targets of `like` and `factor` x its calls, interval by interval."""

    name: str
    like: str
    factor: float = 1.0


@dataclass(frozen=True)
class Removal:
    """A queue closed: its calls vanish, or move into queue `into` (call-weighted AHT)."""

    queue: str
    into: str | None = None


@dataclass(frozen=True)
class Hours:
    """Opening hours (minutes after midnight; close may be 1440; open > close wraps past midnight)."""

    open_minute: int
    close_minute: int
    queue: str | None = None
    mode: str = "shift"  # "shift": calls outside move into the day's open intervals; "drop": they are lost


@dataclass(frozen=True)
class Hire:
    """A class of `count` full-time agents starting on `date`; None weeks = the scenario's defaults."""

    count: int
    date: dt.date
    training_weeks: float | None = None
    ramp_weeks: float | None = None


@dataclass(frozen=True)
class Scenario:
    """One what-if scenario: changes applied to the current plan. `Scenario("base")` is the plan itself."""

    name: str
    volume: tuple[Scale, ...] = ()
    aht: tuple[Scale, ...] = ()
    sl: tuple[Target, ...] = ()
    shrinkage: float | None = None
    ivr: tuple[Diversion, ...] = ()
    pool: tuple[tuple[str, ...], ...] = ()
    add: tuple[NewQueue, ...] = ()
    remove: tuple[Removal, ...] = ()
    hours: tuple[Hours, ...] = ()
    hire: tuple[Hire, ...] = ()
    attrition: float = 0.0
    training_weeks: float = DEFAULT_TRAINING_WEEKS
    ramp_weeks: float = DEFAULT_RAMP_WEEKS
    spec: str = field(default="", compare=False)  # the text it was parsed from, for messages

    @property
    def is_base(self) -> bool:
        """True when nothing is changed."""
        return self == Scenario(self.name)

    def hire_weeks(self, hire: Hire) -> tuple[float, float]:
        """(training weeks, ramp weeks) of a hire class, with the scenario's defaults."""
        t = self.training_weeks if hire.training_weeks is None else hire.training_weeks
        r = self.ramp_weeks if hire.ramp_weeks is None else hire.ramp_weeks
        return t, r


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


def _problem(source: str, scenario: str, key: str | None, message: str) -> Problem:
    where = f"scenario '{scenario}'" + (f", key '{key}'" if key else "")
    return Problem(source, f"{where}: {message}")


def build_scenario(name: str, pairs: Iterable[tuple[str, str]], *, source: str = "--scenario",
                   problems: Problems | None = None, spec: str = "") -> Scenario | None:
    """A scenario from (key, value) text pairs; problems are collected (raised when `problems` is None)."""
    own = problems is None
    problems = problems if problems is not None else Problems()
    before = len(problems.items)
    if not NAME_RE.fullmatch(name or ""):
        problems.items.append(_problem(source, name, None, "a scenario name is letters, digits, _ . + - (at most 60 "
                                                           "characters), starting with a letter or digit"))
    values: dict[str, Any] = {}
    for key, value in pairs:
        k = key.strip().lower()
        if k not in KEYS:
            problems.items.append(_problem(source, name, key.strip(), f"unknown key (known: {', '.join(KEYS)})"))
            continue
        parser, repeatable = KEYS[k]
        if not repeatable and k in values:
            problems.items.append(_problem(source, name, k, "given more than once"))
            continue
        if not str(value).strip():
            problems.items.append(_problem(source, name, k, "has no value"))
            continue
        try:
            parsed = parser(str(value))
        except _Error as exc:
            problems.items.append(_problem(source, name, k, str(exc)))
            continue
        if repeatable:
            values.setdefault(k, []).append(parsed)
        else:
            values[k] = parsed
    if name == BASE and values:
        problems.items.append(_problem(source, name, None, "'base' is the current plan and takes no keys; give "
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
            problems.items.append(_problem(source, name, None, "no KEY=VALUE after the colon (a scenario without "
                                                               "changes is written NAME alone)"))
        for part in body.split(","):
            if not part.strip():
                continue
            key, eq, value = part.partition("=")
            if not eq:
                problems.items.append(_problem(source, name, key.strip() or None,
                                               f"{part.strip()!r} is not KEY=VALUE"))
                continue
            pairs.append((key, value))
    sc = build_scenario(name, pairs, source=source, problems=problems, spec=text)
    if own:
        problems.raise_if_errors()
    return sc


def _toml_values(value: Any) -> list[str] | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return [repr(value)]
    if isinstance(value, str):
        return [value]
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return [value.isoformat()]
    if isinstance(value, list):
        out: list[str] = []
        for v in value:
            got = _toml_values(v)
            if got is None or isinstance(v, list):
                return None
            out.extend(got)
        return out
    return None


def load_scenario_file(path: str | Path, *, problems: Problems | None = None) -> tuple[list[Scenario], list[str]]:
    """Scenarios (and grid specs) from a TOML file.

    ```toml
    [scenario.tariff]                 # one table per scenario; keys as on the command line
    volume = 1.15                     # a number, a string, or a list for repeatable keys
    ivr = ["billing:0.2@2027-01-01"]
    hire = "20@2027-03-01/4+6"
    description = "free text, ignored"

    [grid]                            # optional: a grid of scenarios varying the base plan
    volume = "0.9:1.3:0.05"
    shrinkage = [0.10, 0.15, 0.20]
    ```
    """
    own = problems is None
    problems = problems if problems is not None else Problems()
    path = Path(path)
    src = str(path)
    scenarios: list[Scenario] = []
    grid: list[str] = []
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.error(src, "scenario file not found")
        raw = None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        problems.error(src, f"not a valid TOML file: {exc}")
        raw = None
    if raw is not None:
        for top in sorted(set(raw) - {"scenario", "scenarios", "grid"}):
            problems.error(src, f"unknown table '{top}' (use [scenario.NAME] and [grid])", column=top)
        tables: dict[str, Any] = {}
        for top in ("scenario", "scenarios"):
            section = raw.get(top, {})
            if not isinstance(section, dict):
                problems.error(src, f"'{top}' must be tables [{top}.NAME]", column=top)
                continue
            tables.update(section)
        for name, body in tables.items():
            if not isinstance(body, dict):
                problems.error(src, f"scenario '{name}' must be a table [scenario.{name}]")
                continue
            pairs = []
            for key, value in body.items():
                if key in ("description", "label"):
                    continue
                vals = _toml_values(value)
                if vals is None:
                    problems.items.append(_problem(src, name, key, f"value {value!r} must be a number, a text or "
                                                                   f"a list of them"))
                    continue
                if len(vals) > 1 and key in KEYS and not KEYS[key][1]:
                    problems.items.append(_problem(src, name, key, "takes one value, not a list"))
                    continue
                pairs.extend((key, v) for v in vals)
            sc = build_scenario(name, pairs, source=src, problems=problems, spec=f"{src}:[scenario.{name}]")
            if sc is not None:
                scenarios.append(sc)
        g = raw.get("grid", {})
        if not isinstance(g, dict):
            problems.error(src, "[grid] must be a table of KEY = values", column="grid")
        else:
            for key, value in g.items():
                vals = _toml_values(value)
                if vals is None:
                    problems.error(src, f"[grid] {key}: {value!r} must be a range text or a list", column=key)
                    continue
                grid.append(f"{key}={','.join(vals)}")
    if own:
        problems.raise_if_errors()
    return scenarios, grid


# --------------------------------------------------------------------------------------------- grids


def _frange(a: float, b: float, step: float) -> list[float]:
    n = int(math.floor((b - a) / step + 1e-9))
    return [round(a + i * step, 10) for i in range(n + 1)]


def parse_grid_axis(text: str, *, source: str = "--grid") -> tuple[str, list[str]]:
    """``KEY=START:STOP:STEP`` (numeric keys, optionally ``volume=billing:0.9:1.3:0.1``) or ``KEY=V1,V2,...``.

    Returns the key and the list of value texts; raises `InputError`.
    """
    key, eq, body = text.partition("=")
    key = key.strip().lower()
    if not eq or not body.strip():
        raise InputError([Problem(source, f"{text!r} is not KEY=START:STOP:STEP or KEY=V1,V2,...")])
    if key not in KEYS:
        raise InputError([Problem(source, f"{text!r}: unknown key '{key}' (known: {', '.join(KEYS)})", column=key)])
    parts = body.split(":")
    if "," not in body and key in GRID_NUMERIC and len(parts) in (3, 4):
        prefix = ""
        if len(parts) == 4:
            prefix = parts[0].strip() + ":"
            parts = parts[1:]
        try:
            a, b, step = (float(p) for p in parts)
        except ValueError:
            raise InputError([Problem(source, f"{text!r}: START:STOP:STEP must be numbers", column=key)]) from None
        if not (step > 0 and b >= a and math.isfinite(a) and math.isfinite(b)):
            raise InputError([Problem(source, f"{text!r}: needs STEP > 0 and STOP >= START", column=key)])
        values = _frange(a, b, step)
        if len(values) > 1000:
            raise InputError([Problem(source, f"{text!r} gives {len(values)} values (at most 1000)", column=key)])
        return key, [f"{prefix}{v:g}" for v in values]
    values = [v.strip() for v in body.split(",") if v.strip()]
    if not values:
        raise InputError([Problem(source, f"{text!r} lists no values", column=key)])
    return key, values


def expand_grid(axes: Sequence[str], *, source: str = "--grid", limit: int = 10_000) -> list[Scenario]:
    """Every combination of the grid axes as a scenario varying the base plan, named ``key=v;key=v``."""
    parsed = [parse_grid_axis(a, source=source) for a in axes]
    keys = [k for k, _ in parsed]
    dup = sorted({k for k in keys if keys.count(k) > 1 and not KEYS[k][1]})
    if dup:
        raise InputError([Problem(source, f"key '{dup[0]}' is on more than one grid axis", column=dup[0])])
    total = math.prod(len(v) for _, v in parsed) if parsed else 0
    if total > limit:
        raise InputError([Problem(source, f"the grid has {total:,} scenarios (at most {limit:,})")])
    problems = Problems()
    out = []
    for combo in itertools.product(*(v for _, v in parsed)):
        pairs = list(zip(keys, combo))
        name = ";".join(f"{k}={v}" for k, v in pairs)
        sc = build_scenario("grid", pairs, source=source, problems=problems, spec=name)
        if sc is not None:
            out.append(replace(sc, name=name))
    problems.raise_if_errors()
    return out


def check_names(scenarios: Sequence[Scenario], *, source: str = "--scenario") -> None:
    """Raise `InputError` when two scenarios share a name."""
    seen: set[str] = set()
    problems = Problems()
    for sc in scenarios:
        if sc.name in seen:
            problems.items.append(_problem(source, sc.name, None, "more than one scenario has this name"))
        seen.add(sc.name)
    problems.raise_if_errors()


def with_base(scenarios: Sequence[Scenario]) -> list[Scenario]:
    """The scenarios with `base` (the current plan) first, added when missing."""
    rest = [s for s in scenarios if s.name != BASE]
    base = next((s for s in scenarios if s.name == BASE), Scenario(BASE, spec=BASE))
    return [base, *rest]


def validate_against(scenarios: Sequence[Scenario], queues: Iterable[str], *, source: str = "--scenario") -> Problems:
    """Problems of scenarios against the plan's queues (unknown names, a queue in two pools, ...)."""
    from wfm.scenarios.apply import ScenarioError, check_queues

    problems = Problems()
    base_queues = set(queues)
    for sc in scenarios:
        try:
            check_queues(sc, base_queues)
        except ScenarioError as exc:
            problems.items.append(_problem(source, sc.name, exc.key, str(exc)))
    return problems


__all__ = ["BASE", "Diversion", "Hire", "Hours", "KEYS", "NewQueue", "Removal", "Scale", "Scenario", "Target",
           "build_scenario", "check_names", "expand_grid", "load_scenario_file", "parse_grid_axis",
           "parse_scenario", "validate_against", "with_base"]
