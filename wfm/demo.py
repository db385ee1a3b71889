"""`wfm demo`: the sample hotline as a workspace, then every pipeline stage on it, as a scheduler would run them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from wfm.atomic import check_writable, write_csv
from wfm.errors import OutputExistsError


@dataclass
class DemoResult:
    paths: dict[str, Path] = field(default_factory=dict)
    exit_code: int = 0


def default_name(kind: str, start: dt.date, days: int, suffix: str) -> str:
    """The contract's default output names, e.g. `forecast_2026-12-07_7d.csv`."""
    return f"{kind}_{start.isoformat()}_{days}d{suffix}"


def run_demo(out: str | Path, *, start: dt.date, days: int = 7, seed: int = 0, force: bool = False,
             console: Console | None = None) -> DemoResult:
    """Write the sample workspace into `out` and run forecast and staffing (and later stages) on it."""
    from wfm.config import load_config
    from wfm.forecast import Forecaster
    from wfm.readers import read_agents, read_history
    from wfm.sample import build_sample
    from wfm.staffing import staff, summarise
    from wfm.workspace import write_workspace

    console = console or Console()
    out = Path(out)
    result = DemoResult()
    forecast_path = out / "forecasts" / default_name("forecast", start, days, ".csv")
    requirements_path = out / "forecasts" / default_name("requirements", start, days, ".csv")
    if not force:
        for p in (out / "config.toml", forecast_path, requirements_path,
                  out / "rosters" / default_name("roster", start, days, ".xlsx")):
            if p.exists():
                raise OutputExistsError(p)
    check_writable(out / "config.toml", force=True)  # a file named like the folder, or no room: before the work

    with console.status("Building the sample hotline (2 years of 15-minute history, 6 queues)..."):
        sample = build_sample(start, days=days, seed=seed, time_limit_s=30.0)
        result.paths.update(write_workspace(sample, out, force=True))
    console.print(f"Sample hotline: {len(sample.config.queues)} queues, {len(sample.agents)} agents, "
                  f"{len(sample.history):,} history rows up to {start - dt.timedelta(days=1)}")

    # From here on, every stage reads the files back, exactly as `wfm forecast` / `wfm staff` would.
    config = load_config(result.paths["config"])
    agents = read_agents(result.paths["agents"], config)
    history = read_history(result.paths["history"], queues=set(config.queues), timezone=config.centre.timezone)

    with console.status("Forecasting calls and handle time per queue..."):
        forecaster = Forecaster.from_config(config).fit(history.frame)
        forecast = forecaster.predict(start, days)
    result.paths["forecast"] = write_csv(_iso(forecast), forecast_path, force=True)
    console.print(f"Forecast: {forecast['calls'].sum():,.0f} calls over {days} days")

    requirements = staff(forecast, config.queues, interval_s=config.centre.interval_s,
                         shrinkage=config.shrinkage.unplaced)
    result.paths["requirements"] = write_csv(_iso(requirements), requirements_path, force=True)
    _, weekly = summarise(requirements, interval_s=config.centre.interval_s,
                          hours_per_fte=config.rules.hours_per_week)
    console.print(f"Staffing: peak {int(requirements.groupby('interval_start')['agents'].sum().max())} agents "
                  f"on the phone; {len(agents)} agents on the books")
    console.print(weekly.to_string(index=False, float_format=lambda v: f"{v:,.1f}"), markup=False, highlight=False)
    if config.centre.queue_assignment == "routing":
        _pooled_hours(requirements, agents, config, console)
    _roster_stage(result, out, requirements, agents, config, start, days, console)
    return result


def _pooled_hours(requirements, agents, config, console: Console) -> None:
    """On-phone hours each queue alone, with the floor's skill sets routed by skill, and as one pool."""
    from wfm.multiskill import agent_hours, pool_name, pooled_requirements, queue_sets, skill_group_requirements

    queues = list(config.queues)
    held = [[q for q in queues if q in a.skills] for a in agents]
    sets = queue_sets(queues, held)
    pooled = pooled_requirements(requirements, config.queues, sets, interval_s=config.centre.interval_s,
                                 shrinkage=config.shrinkage.unplaced)
    groups = skill_group_requirements(pooled, [pool_name(h) for h in held if h])
    h = agent_hours(requirements, pooled, groups, config.queues, interval_s=config.centre.interval_s)
    base = h["per_queue"] or 1.0
    console.print(f"On-phone agent-hours: {h['per_queue']:,.0f} with each queue alone, {h['skill_mix']:,.0f} "
                  f"({100 * (h['skill_mix'] / base - 1):+.0f}%) with your skill sets and calls routed by skill, "
                  f"{h['single_pool']:,.0f} as one pool", markup=False, highlight=False)


def _roster_stage(result: DemoResult, out: Path, requirements, agents, config, start: dt.date, days: int,
                  console: Console) -> None:
    """Roster the period, write the workbook, and check it with the independent checker."""
    from wfm.roster import RosterInfeasible, build_roster, check_workbook
    from wfm.roster.workbook import write_roster

    limit = 45.0 if days <= 7 else 75.0  # the demo's 2-minute budget
    path = out / "rosters" / default_name("roster", start, days, ".xlsx")
    try:
        with console.status(f"Rostering {len(agents)} agents over {days} days (CP-SAT, up to {limit:.0f} s)..."):
            roster = build_roster(requirements, agents, config, start, days, time_limit_s=limit)
    except RosterInfeasible as exc:
        console.print("Roster: no roster meets the hard rules:\n" + "\n".join(exc.lines), markup=False)
        result.exit_code = 1
        return
    for note in roster.notes:
        console.print(f"note: {note}", markup=False, highlight=False)
    result.paths["roster"] = write_roster(path, roster.data, roster.agents, config, start=start, days=days,
                                          requirements=requirements, report=roster.report, force=True,
                                          reproducible=bool(roster.stats.get("reproducible", True)))
    report = check_workbook(path, agents, config, requirements=requirements)
    t = report.totals
    console.print(f"Roster: {roster.stats['shifts']} shifts; checker: {len(report.violations)} hard-rule "
                  f"violation(s); under-staffed {t['under_pct']:.1f}% and over-staffed {t['over_pct']:.1f}% of "
                  f"required agent-intervals (lower bound {roster.stats['under_lower_bound_pct']:.1f}%)")
    from wfm.roster import reproducibility_note

    if reproducibility_note(roster.stats):
        console.print(f"note: {reproducibility_note(roster.stats)}", markup=False, highlight=False)
    if report.violations:
        result.exit_code = 1


def _iso(frame):
    out = frame.copy()
    out["interval_start"] = out["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    return out
