"""`wfm export`: each agent's own schedule as CSV and iCalendar files."""

from __future__ import annotations

from pathlib import Path

import typer

from wfm.cli.app import app, console


@app.command(epilog="Example: wfm export rosters/roster_2026-12-07_7d.xlsx --agents agents.xlsx --config config.toml "
                    "--out rosters/agents")
def export(
    roster_file: Path = typer.Argument(..., help="Roster workbook (hand edits on its Roster sheet are applied)."),
    agents: Path = typer.Option(..., "--agents", "-a", help="Agents table (XLSX or CSV)."),
    config: Path = typer.Option(..., "--config", "-c", help="Centre config (TOML)."),
    out: Path = typer.Option(Path("rosters/agents"), "--out", "-o",
                             help="Folder for <agent_id>.csv and .ics (and manifest.tsv)."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
) -> None:
    """Write every rostered agent's schedule as <agent_id>.csv and <agent_id>.ics (calendar apps import it).

    An id that is not a plain ASCII file name (or differs from another only in case) gets a name with a short
    hash (slug~1a2b3c4d5e); manifest.tsv lists agent_id and file for every file written."""
    from wfm.config import load_config
    from wfm.publish.agent_export import MANIFEST, export_agent_schedules
    from wfm.publish.readback import read_roster_workbook
    from wfm.readers import read_agents

    cfg = load_config(config)
    people = read_agents(agents, cfg)
    book = read_roster_workbook(roster_file, people, cfg)
    paths = export_agent_schedules(book.roster, people, cfg, out, force=force)
    agents_written = len(paths) // 2  # two files per agent, names unique by construction
    console.print(f"Wrote {agents_written} agents' schedules ({len(paths)} files, CSV and .ics) and "
                  f"{MANIFEST} (agent_id, file) to {out}", markup=False, highlight=False)
