"""`wfm adherence`: planned vs actual agent states (an ACD agent-state export) per agent, team and day."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from wfm.cli.app import app, console, output_path, read_agents_noted, read_roster_book
from wfm.pipeline import default_output
from wfm.cli.intraday import frame_table
from wfm.errors import InputError, Problem

PERCENT = {"adherence": ".1%", "conformance": ".1%"}


@app.command(epilog="Example: wfm adherence rosters/roster_2026-12-07_7d.xlsx --states states.csv "
             "--config config.toml --agents agents.xlsx")
def adherence(
    roster: Path = typer.Argument(..., help="The roster workbook (XLSX) the agents worked to."),
    states: Path = typer.Option(..., "--states", help="Agent states (CSV or XLSX: agent_id, start, end, state)."),
    config: Path = typer.Option(Path("config.toml"), "--config", "-c",
                                help="Centre config (TOML): [adherence] states maps the ACD's states."),
    agents: Path = typer.Option(Path("agents.xlsx"), "--agents", "-a", help="Agents file (teams)."),
    worst: int = typer.Option(10, "--worst", min=0, max=1000, help="Out-of-adherence periods to print."),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="Output workbook (default rosters/adherence_<start>_<days>d.xlsx)."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output."),
) -> None:
    """Adherence (minutes in the planned activity / minutes rostered) and conformance (minutes working / minutes
    planned to work) per agent, team and day, and the longest out-of-adherence periods; writes them to a
    workbook (sheets Agents, Teams, Days, Shifts, Out of adherence)."""
    from wfm.adherence import adherence as measure
    from wfm.config import load_config
    from wfm.publish.workbook import write_tables_workbook
    from wfm.readers.states import read_states

    cfg = load_config(config)
    ags = read_agents_noted(agents, cfg)
    book = read_roster_book(roster, cfg, ags)
    log = read_states(states, cfg.adherence.states, {a.agent_id for a in ags})
    if log.empty:
        raise InputError([Problem(str(states), "the agent-state file has no rows")])
    first = min(book.roster["date"])
    days = book.days or (max(book.roster["date"]) - first).days + 1
    path = output_path(out, default_output("adherence", book.start or first, days), force)
    measured, left_out = covered_shifts(book.roster, log, cfg.centre.interval_minutes)
    if left_out:
        console.print(f"note: {left_out} shift(s) of the roster are outside the agent-state export (from "
                      f"{log['start'].min():%Y-%m-%d %H:%M} to {log['end'].max():%Y-%m-%d %H:%M}) and not measured",
                      markup=False, highlight=False)
    result = measure(measured, log, ags, cfg.centre.interval_minutes)
    console.print(frame_table("Adherence per team", result.teams, PERCENT))
    console.print(frame_table("Adherence per day", result.days.assign(date=result.days["date"].astype(str)), PERCENT))
    if worst and len(result.periods):
        top = result.periods.head(worst).assign(start=lambda f: f["start"].dt.strftime("%Y-%m-%d %H:%M"),
                                                end=lambda f: f["end"].dt.strftime("%H:%M"))
        console.print(frame_table("Longest out-of-adherence periods", top))
    periods = result.periods.assign(start=result.periods["start"].dt.strftime("%Y-%m-%dT%H:%M:%S"),
                                    end=result.periods["end"].dt.strftime("%Y-%m-%dT%H:%M:%S"))
    write_tables_workbook(path, [("Agents", result.agents), ("Teams", result.teams), ("Days", result.days),
                                 ("Shifts", result.shifts), ("Out of adherence", periods)], force=force)
    total = result.shifts[["scheduled_min", "adherent_min"]].sum()
    share = total["adherent_min"] / total["scheduled_min"] if total["scheduled_min"] else float("nan")
    console.print(f"Wrote {path}: {len(result.agents)} agents, adherence {share:.1%} overall", highlight=False)


def covered_shifts(roster: pd.DataFrame, states: pd.DataFrame, interval_minutes: int) -> tuple[pd.DataFrame, int]:
    """The roster's shifts the agent-state export covers, and how many were left out: from the day of its first
    record to the end of its last, so that a day's export does not count the rest of the period as absence and a
    shift still on when the export was taken is not half absent. None covered is an error (exit 2)."""
    times = pd.to_datetime(roster["interval_start"])
    by_shift = times.groupby([roster["agent_id"], roster["date"]])
    first, last = by_shift.transform("min"), by_shift.transform("max") + pd.Timedelta(minutes=interval_minutes)
    keep = (first >= states["start"].min().normalize()) & (last <= states["end"].max())
    shifts = roster[["agent_id", "date"]].drop_duplicates()
    kept = roster[keep.to_numpy()]
    if kept.empty:
        raise InputError([Problem("--states", f"the agent-state export (from {states['start'].min():%Y-%m-%d %H:%M}"
                                              f" to {states['end'].max():%Y-%m-%d %H:%M}) covers no shift of the "
                                              "roster")])
    return kept, len(shifts) - len(kept[["agent_id", "date"]].drop_duplicates())
