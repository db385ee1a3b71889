"""What-if scenarios: the frozen `Scenario` and its parsers (command line, TOML file, grids).

Command line: ``NAME:KEY=VALUE,KEY=VALUE`` (a bare ``base`` is the current plan). The keys, their syntax and
meaning are one table, `wfm.scenario_keys.KEY_HELP` (shown by `wfm whatif --help`); every key but shrinkage,
attrition, training_weeks and ramp_weeks may be given more than once in one scenario.

Dates are ``YYYY-MM-DD``; ``@FROM`` alone means from that day on, ``@..TO`` up to that day (inclusive).
Every parse error is an `InputError` naming the scenario, the key and what is wrong; all errors of all
scenarios are reported together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from wfm.errors import Problems
from wfm.scenarios.apply import ScenarioError, check_queues
from wfm.scenarios.grid import expand_grid, parse_grid_axis
from wfm.scenarios.keys import KEYS, build_scenario, parse_scenario, problem_in
from wfm.scenarios.scenario import (BASE, Diversion, Hire, Hours, NewQueue, Removal, Scale, Scenario, Target)
from wfm.scenarios.scenario_file import load_scenario_file


def check_names(scenarios: Sequence[Scenario], *, source: str = "--scenario") -> None:
    """Raise `InputError` when two scenarios share a name."""
    seen: set[str] = set()
    problems = Problems()
    for sc in scenarios:
        if sc.name in seen:
            problems.items.append(problem_in(source, sc.name, None, "more than one scenario has this name"))
        seen.add(sc.name)
    problems.raise_if_errors()


def with_base(scenarios: Sequence[Scenario]) -> list[Scenario]:
    """The scenarios with `base` (the current plan) first, added when missing."""
    rest = [s for s in scenarios if s.name != BASE]
    base = next((s for s in scenarios if s.name == BASE), Scenario(BASE, spec=BASE))
    return [base, *rest]


def validate_against(scenarios: Sequence[Scenario], queues: Iterable[str], *, source: str = "--scenario") -> Problems:
    """Problems of scenarios against the plan's queues (unknown names, a queue in two pools, ...)."""
    problems = Problems()
    base_queues = set(queues)
    for sc in scenarios:
        try:
            check_queues(sc, base_queues)
        except ScenarioError as exc:
            problems.items.append(problem_in(source, sc.name, exc.key, str(exc)))
    return problems


__all__ = ["BASE", "Diversion", "Hire", "Hours", "KEYS", "NewQueue", "Removal", "Scale", "Scenario", "Target",
           "build_scenario", "check_names", "expand_grid", "load_scenario_file", "parse_grid_axis",
           "parse_scenario", "validate_against", "with_base"]
