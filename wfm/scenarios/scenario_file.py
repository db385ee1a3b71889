"""Scenarios and grid axes from a TOML file (`wfm whatif --scenario-file`)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from wfm.errors import Problems
from wfm.scenarios.keys import KEYS, build_scenario, problem_in
from wfm.scenarios.scenario import Scenario


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
                    problems.items.append(problem_in(src, name, key, f"value {value!r} must be a number, a text or "
                                                                   f"a list of them"))
                    continue
                if len(vals) > 1 and key in KEYS and not KEYS[key][1]:
                    problems.items.append(problem_in(src, name, key, "takes one value, not a list"))
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
