"""Cross-file validation of a workspace: every problem in config, agents and history, and between them."""

from __future__ import annotations

from pathlib import Path

from wfm.config import Config, acd_name_map, load_config_lenient
from wfm.errors import InputError, Problem


def validate_inputs(config_path: Path, agents_path: Path | None = None, history_path: Path | None = None
                    ) -> tuple[list[Problem], list[str]]:
    """All problems found (errors and warnings) and a few summary lines; never raises for bad input."""
    from wfm.readers import read_agents, read_history
    from wfm.readers.history import MIN_DAYS

    problems: list[Problem] = []
    summary: list[str] = []
    config: Config | None = None
    config, config_problems = load_config_lenient(config_path)
    problems += config_problems.items
    if config is not None:
        summary.append(f"config: {len(config.queues)} queues ({', '.join(config.queues)}), "
                       f"{config.centre.interval_minutes}-minute intervals, {len(config.shifts)} shift templates")
    if agents_path is not None:
        try:
            agent_warnings: list[Problem] = []
            agents = read_agents(agents_path, config, warnings=agent_warnings)
            problems += agent_warnings
            summary.append(f"agents: {len(agents)} ({sum(a.is_supervisor for a in agents)} supervisors, "
                           f"{sum(a.training_until is not None for a in agents)} in training)")
            if config is not None:
                problems += _skill_coverage(agents, config, agents_path)
        except InputError as exc:
            problems += exc.problems
    if history_path is not None:
        try:
            history = read_history(history_path, queues=set(config.queues) if config else None,
                                   timezone=config.centre.timezone if config else None, min_days=MIN_DAYS,
                                   acd_names=acd_name_map(config))
            problems += history.warnings
            f = history.frame
            summary.append(f"history: {len(f)} rows, {f['interval_start'].min()} to {f['interval_start'].max()}, "
                           f"{history.interval_minutes}-minute intervals, queues {', '.join(history.queues)}")
            if config is not None:
                problems += _interval_match(history.interval_minutes, config, history_path)
        except InputError as exc:
            problems += exc.problems
    return problems, summary


def _skill_coverage(agents, config: Config, path: Path) -> list[Problem]:
    out = []
    for q in config.queues:
        n = sum(q in a.skills for a in agents)
        if n == 0:
            out.append(Problem(str(path), f"no agent has the skill '{q}': the queue cannot be staffed",
                               column="skills", severity="error"))
        elif n < 3:
            out.append(Problem(str(path), f"only {n} agent(s) have the skill '{q}'", column="skills",
                               severity="warning"))
    return out


def _interval_match(history_minutes: int, config: Config, path: Path) -> list[Problem]:
    want = config.centre.interval_minutes
    if history_minutes == want:
        return []
    if want % history_minutes == 0:
        return [Problem(str(path), f"history has {history_minutes}-minute intervals; it will be summed to the "
                                   f"config's {want} minutes", column="interval_start", severity="warning")]
    return [Problem(str(path), f"history has {history_minutes}-minute intervals, which do not add up to the "
                               f"config's {want}-minute intervals", column="interval_start")]
