"""`wfm roster` and `wfm check`."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from wfm.cli.app import app, console, err_console, output_path, parse_date, read_agents_noted, read_roster_book

if TYPE_CHECKING:
    from wfm.roster.stats import RosterStats


@app.command(epilog="Example: wfm roster --requirements forecasts/requirements_2026-12-07_7d.csv "
                    "--agents agents.xlsx --config config.toml --start 2026-12-07 --days 7 --time-limit 60")
def roster(
    requirements: Path = typer.Option(..., "--requirements", "-r", help="Requirements CSV from `wfm staff`."),
    agents: Path = typer.Option(..., "--agents", "-a", help="Agents table (XLSX or CSV)."),
    config: Path = typer.Option(..., "--config", "-c", help="Centre config (TOML)."),
    start: str = typer.Option(..., "--start", help="First day of the roster period (YYYY-MM-DD)."),
    days: int = typer.Option(7, "--days", min=1, max=62, help="Length of the roster period in days."),
    time_limit: float | None = typer.Option(None, "--time-limit", min=1.0, max=86400.0,
                                            help="Search budget in seconds (default: config solver.time_limit_s). "
                                                 "Counted deterministically, so the same inputs give the same "
                                                 "roster; a busy machine stops at 1.25x it by the clock."),
    previous: Path | None = typer.Option(None, "--previous", help="The previous period's roster workbook, so rest "
                                                                   "and consecutive-day rules hold across the boundary "
                                                                   "and its last night shifts count in the first "
                                                                   "hours' cover."),
    leave: Path | None = typer.Option(None, "--leave", help="Approved leave as an HR system exports it (CSV or XLSX: "
                                                             "agent_id, start, end, type), added to the agents' "
                                                             "leave column."),
    repair: Path | None = typer.Option(None, "--repair", help="A published roster workbook to re-plan after leave "
                                       "or hand edits: shifts that still hold stay, only the people whose week no "
                                       "longer holds are re-planned."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output workbook "
                                                              "(default rosters/roster_<start>_<days>d.xlsx)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing output file."),
) -> None:
    """Build the roster (shifts, breaks, lunch, training, queue per interval) under the labour rules.

    Exit 0: a roster meeting every hard rule was written; 1: no roster meets the hard rules (explained);
    2: bad input.
    """
    from wfm.pipeline import default_output, read_roster_inputs, repair_workbook, write_workbook
    from wfm.roster import RosterInfeasible, build_roster

    t_start, cpu_start = _started()
    first = parse_date(start, "--start")
    check_roster_options(first, days, time_limit)
    inputs = read_roster_inputs(requirements, agents, config, first, days, leave=leave)
    cfg, people, req = inputs.config, inputs.agents, inputs.requirements
    path = output_path(out, default_output("roster", first, days), force)
    prev = read_roster_book(previous, cfg, people, earlier=True).roster if previous else None  # with HR's edits
    try:
        limit = time_limit if time_limit is not None else cfg.solver.time_limit_s
        if repair is not None:
            result, changed = repair_workbook(repair, req, people, cfg, first, days, time_limit_s=limit,
                                              previous=prev)
            for line in changed:
                console.print(f"changed: {line}", markup=False, highlight=False)
        else:
            wall_s = _wall_s(limit, t_start, cpu_start, len(people), days, req)
            result = build_roster(req, people, cfg, first, days, time_limit_s=time_limit, previous=prev,
                                  progress=_progress_printer(), wall_s=wall_s)
    except RosterInfeasible as exc:
        err_console.print("No roster meets the hard rules:", style="red")
        for line in exc.lines:
            err_console.print(line, markup=False, highlight=False)
        raise typer.Exit(1) from None
    rep = result.report
    if not rep.ok:
        for v in rep.violations[:30]:
            err_console.print(str(v), markup=False, highlight=False, style="red")
        err_console.print(f"{len(rep.violations)} hard-rule violation(s): the roster was not written.", style="red")
        raise typer.Exit(1)
    for note in result.notes:
        err_console.print(f"note: {note}", style="yellow", markup=False, highlight=False)
    write_workbook(path, result, cfg, first, days, req, previous=prev, force=force)
    print_summary(result.stats, rep)
    console.print(f"Roster written to {path}")


def _wall_s(limit: float, t_start: float, cpu_start: float, n_agents: int, days: int, requirements) -> float:
    """Wall seconds the search may take so that the whole command ends within `WALL_CAP` x the limit, leaving
    room for writing the workbook: its CPU-seconds (the sheets, and the Summary's simulation of every forecast
    call) at the pace the machine has given this command so far (`slowness`)."""
    from wfm.publish.figures import SIM_REPLICATIONS
    from wfm.roster.budget import WALL_CAP, slowness

    import pandas as pd

    calls = 0.0
    if "calls" in requirements.columns:
        calls = float(pd.to_numeric(requirements["calls"], errors="coerce").clip(lower=0).sum())
    write = WRITE_S_PER_AGENT_DAY * n_agents * days + SIM_S_PER_CALL * SIM_REPLICATIONS * calls
    return WALL_CAP * limit - (time.perf_counter() - t_start) - write * slowness(t_start, cpu_start)


def check_roster_options(first, days: int, time_limit: float | None) -> None:
    """Option values typer's ranges let through: nan (no comparison is true of it) and far-off dates."""
    import math

    from wfm.config import DATE_MAX, DATE_MIN, TIME_LIMIT_MAX_S
    from wfm.errors import InputError, Problem

    problems = []
    if time_limit is not None and not (math.isfinite(time_limit) and 1.0 <= time_limit <= TIME_LIMIT_MAX_S):
        problems.append(Problem("--time-limit", f"must be a number of seconds between 1 and {TIME_LIMIT_MAX_S:g}, "
                                                f"not {time_limit!r}"))
    if not DATE_MIN <= first <= DATE_MAX - dt.timedelta(days=days):
        problems.append(Problem("--start", f"{first} is outside {DATE_MIN.year}-{DATE_MAX.year}"))
    if problems:
        raise InputError(problems)


def _started() -> tuple[float, float]:
    """When this command started, as (wall, process CPU) clocks: the CLI's import time (`wfm.cli.main.STARTED`,
    `STARTED_CPU`), else now."""
    main = sys.modules.get("wfm.cli.main")
    return (float(getattr(main, "STARTED", time.perf_counter())),
            float(getattr(main, "STARTED_CPU", time.process_time())))


# CPU-seconds kept for the workbook: its sheets per agent-day, and its Summary's simulation per forecast call and
# replication (the demo week, 111 agents x 7 days, 36,722 calls x 10 replications: 2.6 CPU-s of sheets, 0.6-2.9
# of simulation, 3.2-5.5 in all; 600 agents x 28 days of sheets: 26 s)
WRITE_S_PER_AGENT_DAY = 0.003
SIM_S_PER_CALL = 0.6e-5


def _progress_printer():
    last = {"t": -10.0}

    def show(info: dict) -> None:
        if not info.get("stage") and info["elapsed_s"] - last["t"] < 2.0:
            return  # at most one line every 2 s
        last["t"] = info["elapsed_s"]
        if info.get("stage"):
            err_console.print(f"[{info['elapsed_s']:6.1f} s] {info['stage']} done", highlight=False)
            return
        err_console.print(f"[{info['elapsed_s']:6.1f} s] roster #{info['solution']}: under-staffed "
                          f"{100 * info['under_share']:.1f}% (solver's view), objective {info['objective']:.0f}, "
                          f"bound {info['bound']:.0f}", highlight=False)
    return show


def print_summary(stats: RosterStats, rep) -> None:
    """The terminal summary of a roster build: size, coverage against the bound, the objective's terms (the
    independent checker's score breakdown), the search."""
    t = rep.totals
    console.print(f"Roster: {stats.agents} agents, {stats.shifts} shifts; hard-rule violations: "
                  f"{len(rep.violations)}")
    console.print(f"Coverage: under-staffed {t['under_pct']:.1f}% of required agent-intervals "
                  f"(lower bound {stats.under_lower_bound_pct:.1f}%, gap {stats.under_gap_pct:.1f} points), "
                  f"over-staffed {t['over_pct']:.1f}%{t.get('over_basis', '')}")
    console.print(f"Preferences met: {stats.preferences_met} of {stats.preferences_total} shifts; "
                  f"largest spread within a team: " + ", ".join(f"{k} {v}" for k, v in
                                                                stats.max_spread_in_team.items()))
    if rep.score is not None and rep.score.lines:
        console.print(f"Score by term (points; 1 point = one paid interval of one agent): "
                      f"{rep.score.total:,.0f} in all", highlight=False)
        for line in rep.score.lines:
            console.print(f"  {line}", markup=False, highlight=False)
    console.print(f"Solver: {stats.phase1_status} in {stats.phase1_s:.1f} s, {stats.solutions} "
                  f"improving solution(s)")
    from wfm.roster import reproducibility_note

    note = reproducibility_note(stats)
    if note:
        err_console.print(f"note: {note}", style="yellow", markup=False, highlight=False)
    if stats.corrected_queues:
        console.print("Simulated before writing: " + ", ".join(stats.corrected_queues) + " missed target; "
                      "searched again with more heads in the hours they fell short (the Summary sheet has the "
                      "simulated service level of the roster written)", highlight=False)
    for line in stats.short_queues:
        err_console.print(f"warning: still short after the search: {line}", style="yellow", markup=False,
                          highlight=False)


@app.command(epilog="Example: wfm check rosters/roster_2026-12-07_7d.xlsx --agents agents.xlsx --config config.toml "
                    "--requirements forecasts/requirements_2026-12-07_7d.csv")
def check(
    roster_file: Path = typer.Argument(..., help="Roster workbook (its Data sheet; the Roster sheet's codes too)."),
    agents: Path = typer.Option(..., "--agents", "-a", help="Agents table (XLSX or CSV)."),
    config: Path = typer.Option(..., "--config", "-c", help="Centre config (TOML)."),
    requirements: Path | None = typer.Option(None, "--requirements", "-r", help="Requirements CSV for coverage."),
    previous: Path | None = typer.Option(None, "--previous", help="The previous period's roster workbook."),
) -> None:
    """Verify a roster (also one edited by hand) against every hard rule and report coverage.

    Exit 0 when every hard rule holds (coverage shortfalls are reported, not failures), 1 when one is broken.
    """
    from wfm.config import load_config
    from wfm.readers.forecast import read_requirements
    from wfm.roster.checker import check as check_roster

    cfg = load_config(config)
    people = read_agents_noted(agents, cfg)
    req = read_requirements(requirements, queues=set(cfg.queues)) if requirements else None
    prev = read_roster_book(previous, cfg, people, earlier=True).roster if previous else None  # with HR's edits
    book = read_roster_book(roster_file, cfg, people)

    def run(table):
        return check_roster(table, people, cfg, start=book.start, days=book.days, codes=book.codes,
                            requirements=req, previous=prev)

    rep = run(book.roster)
    if not book.edits.empty:
        console.print(f"{len(book.edits)} shift(s) changed by hand on the Roster sheet, rebuilt from the shift "
                      f"templates (lunch and breaks placed by the rules):")
        for e in book.edits.itertuples(index=False):
            console.print(f"  {e.agent_id} {e.date}: {e.was} -> {e.now}", highlight=False)
    for v in rep.violations:
        console.print(str(v), markup=False, highlight=False, style="red")
    for w in rep.warnings:  # leave over an entitlement or a team's daily cap: HR's to settle, not a rule broken
        err_console.print(f"warning: {w}", style="yellow", markup=False, highlight=False)
    console.print(f"{rep.totals.get('shifts', 0)} shifts from {rep.start} over {rep.days} days; "
                  f"{len(rep.violations)} hard-rule violation(s)"
                  + (": " + ", ".join(f"{k} {n}" for k, n in sorted(rep.by_rule().items())) if rep.violations else ""))
    if req is not None:
        t = rep.totals
        console.print(f"Coverage: required {t['required']} agent-intervals, under-staffed {t['under']} "
                      f"({t['under_pct']:.1f}%), over-staffed {t['over']} ({t['over_pct']:.1f}%)"
                      f"{t.get('over_basis', '')}")
        if not book.edits.empty:
            before = run(book.original).totals
            console.print(f"Coverage change from the hand edits: under-staffed {before['under']} -> {t['under']}, "
                          f"over-staffed {before['over']} -> {t['over']} agent-intervals")
    if rep.score is not None and rep.score.lines:
        console.print("Objective by term (points): " + rep.score.summary(), markup=False, highlight=False)
    if rep.violations:
        raise typer.Exit(1)
