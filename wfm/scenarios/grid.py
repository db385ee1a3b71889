"""Grids of scenarios: `KEY=START:STOP:STEP` or `KEY=V1,V2,...` axes, every combination a scenario."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import replace

from wfm.errors import InputError, Problem, Problems
from wfm.scenarios.keys import GRID_NUMERIC, KEYS, build_scenario
from wfm.scenarios.scenario import Scenario


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
