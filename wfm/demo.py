"""`wfm demo`: the sample hotline as a workspace, then every pipeline stage on it, as a scheduler would run them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from wfm.atomic import check_writable, write_csv
from wfm.errors import OutputExistsError
from wfm.pipeline import (default_output, fit_forecaster, iso_times, output_name, read_workspace, requirements,
                          requirements_file_rows, roster_workbook)


@dataclass
class DemoResult:
    paths: dict[str, Path] = field(default_factory=dict)
    exit_code: int = 0


def default_name(kind: str, start: dt.date, days: int, suffix: str) -> str:
    """The contract's default output names, e.g. `forecast_2026-12-07_7d.csv` (`wfm.pipeline.output_name`)."""
    return output_name(kind, start, days, suffix=suffix)


def run_demo(out: str | Path, *, start: dt.date, days: int = 7, seed: int = 0, force: bool = False,
             console: Console | None = None) -> DemoResult:
    """Write the sample workspace into `out` and run forecast and staffing (and later stages) on it."""
    from wfm.sample import build_sample
    from wfm.staffing import summarise
    from wfm.workspace import write_workspace

    console = console or Console()
    out = Path(out)
    result = DemoResult()
    forecast_path = out / default_output("forecast", start, days)
    requirements_path = out / default_output("requirements", start, days)
    if not force:
        for p in (out / "config.toml", forecast_path, requirements_path, out / default_output("roster", start, days)):
            if p.exists():
                raise OutputExistsError(p)
    check_writable(out / "config.toml", force=True)  # a file named like the folder, or no room: before the work

    with console.status("Building the sample hotline (2 years of 15-minute history, 6 queues)..."):
        sample = build_sample(start, days=days, seed=seed, time_limit_s=30.0)
        result.paths.update(write_workspace(sample, out, force=True))
    console.print(f"Sample hotline: {len(sample.config.queues)} queues, {len(sample.agents)} agents, "
                  f"{len(sample.history):,} history rows up to {start - dt.timedelta(days=1)}")

    # From here on, every stage reads the files back, exactly as `wfm forecast` / `wfm staff` would.
    ws = read_workspace(result.paths["config"], result.paths["agents"], result.paths["history"])
    config, agents = ws.config, ws.agents

    with console.status("Forecasting calls and handle time per queue..."):
        forecast = fit_forecaster(config, ws.history.frame).predict(start, days)
    result.paths["forecast"] = write_csv(iso_times(forecast), forecast_path, force=True)
    console.print(f"Forecast: {forecast['calls'].sum():,.0f} calls over {days} days")

    req = requirements(forecast, config)
    result.paths["requirements"] = write_csv(iso_times(requirements_file_rows(req)), requirements_path, force=True)
    _, weekly = summarise(req, interval_s=config.centre.interval_s, hours_per_fte=config.rules.hours_per_week)
    console.print(f"Staffing: peak {int(req.groupby('interval_start')['agents'].sum().max())} agents "
                  f"on the phone; {len(agents)} agents on the books")
    console.print(weekly.to_string(index=False, float_format=lambda v: f"{v:,.1f}"), markup=False, highlight=False)
    if config.centre.queue_assignment == "routing":
        _pooled_hours(req, agents, config, console)
    _roster_stage(result, out, req, agents, config, start, days, console)
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
    from wfm.roster import RosterInfeasible

    limit = 45.0 if days <= 7 else 75.0  # the demo's 2-minute budget
    path = out / default_output("roster", start, days)
    try:
        with console.status(f"Rostering {len(agents)} agents over {days} days (CP-SAT, up to {limit:.0f} s)..."):
            run = roster_workbook(requirements, agents, config, start, days, path, time_limit_s=limit, force=True)
    except RosterInfeasible as exc:
        console.print("Roster: no roster meets the hard rules:\n" + "\n".join(exc.lines), markup=False)
        result.exit_code = 1
        return
    roster, report = run.roster, run.report
    for note in roster.notes:
        console.print(f"note: {note}", markup=False, highlight=False)
    result.paths["roster"] = run.path
    t = report.totals
    console.print(f"Roster: {roster.stats['shifts']} shifts; checker: {len(report.violations)} hard-rule "
                  f"violation(s); under-staffed {t['under_pct']:.1f}% and over-staffed {t['over_pct']:.1f}% of "
                  f"required agent-intervals{t.get('over_basis', '')} (lower bound "
                  f"{roster.stats['under_lower_bound_pct']:.1f}%)")
    from wfm.roster import reproducibility_note

    if reproducibility_note(roster.stats):
        console.print(f"note: {reproducibility_note(roster.stats)}", markup=False, highlight=False)
    if report.violations:
        result.exit_code = 1
