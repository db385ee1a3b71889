"""Typed values out of the raw TOML: each bad value recorded as a problem with the line of its key (every problem
is collected before anything is raised), and the clock and date parsing the config's values use."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import MISSING
from pathlib import Path
from typing import Any

from wfm.config.fields import spec, specs
from wfm.config.schema import DATE_MAX, DATE_MIN
from wfm.errors import Problems

Table = dict[str, Any]  # a TOML table as tomllib reads it


class Reader:
    """Reads typed values out of the raw TOML, recording problems with the line of each key."""

    def __init__(self, path: Path, text: str, problems: Problems):
        self.path = path
        self.problems = problems
        self.lines = _key_lines(text)

    def error(self, where: str, message: str) -> None:
        self.problems.error(self.path, f"{where}: {message}", row=self.lines.get(where), column=where)

    def section(self, raw: Table, where: str, allowed: set[str]) -> Table:
        if not isinstance(raw, dict):
            self.error(where, "must be a table")
            return {}
        for key in sorted(set(raw) - allowed):
            near = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.8)
            hint = f": did you mean {near[0]}?" if near else ""
            self.error(f"{where}.{key}" if where else key,
                       f"unknown key{hint} (allowed: {', '.join(sorted(allowed))})")
        return raw

    def get(self, raw: Table, where: str, key: str, kind: str, default: Any, *, lo: float | None = None,
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
            self.error(name, f"must be {rng}, not {short_repr(value)}")
            return default
        if choices is not None and value not in choices:
            self.error(name, f"must be one of {', '.join(choices)}, not {value!r}")
            return default
        return value

    def value(self, raw: Table, where: str, cls: type, name: str, default: Any = MISSING) -> Any:
        """The value of the key declared by field `name` of `cls` (`wfm.config.fields.setting`), checked against
        its declaration; its declared default (or `default`) when absent or bad."""
        s = spec(cls, name)
        fallback = s.default if default is MISSING else default
        if s.kind in ("clock", "clock24"):
            return self.clock(raw, where, s.key, fallback, allow_24=s.kind == "clock24")
        assert s.kind is not None, f"{cls.__name__}.{name} is read by its own reader"
        return self.get(raw, where, s.key, s.kind, fallback, lo=s.lo, hi=s.hi, choices=s.choices,
                        required=s.required)

    def values(self, raw: Table, where: str, cls: type, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
        """Every key `cls` declares with a plain kind (not those in `skip`), by field name, in declaration order."""
        return {s.name: self.value(raw, where, cls, s.name) for s in specs(cls)
                if s.kind is not None and s.name not in skip}

    def clock(self, raw: Table, where: str, key: str, default: int, *, allow_24: bool = False) -> int:
        text = self.get(raw, where, key, "str", None)
        if text is None:
            return default
        minutes = parse_clock(text, allow_24=allow_24)
        if minutes is None:
            self.error(f"{where}.{key}", f"must be a time HH:MM, not {text!r}")
            return default
        return minutes

    def dates(self, raw: Table, where: str, key: str) -> tuple[dt.date, ...]:
        values = raw.get(key, [])
        if not isinstance(values, list):
            self.error(f"{where}.{key}", "must be a list of dates")
            return ()
        out = []
        for v in values:
            d = as_date(v)
            if d is None:
                self.error(f"{where}.{key}", f"{v!r} is not a date (YYYY-MM-DD)")
            elif not DATE_MIN <= d <= DATE_MAX:
                self.error(f"{where}.{key}", f"{d} is outside {DATE_MIN.year}-{DATE_MAX.year}")
            else:
                out.append(d)
        return tuple(out)


def short_repr(value: Any) -> str:
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


def as_date(v: Any) -> dt.date | None:
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
