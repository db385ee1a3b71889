"""`wfm export`: each agent's own schedule as CSV and iCalendar files, and a payroll CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from wfm.cli.app import app, console, err_console, read_agents_noted, read_roster_book


@app.command(epilog="Example: wfm export rosters/roster_2026-12-07_7d.xlsx --agents agents.xlsx --config config.toml "
                    "--out rosters/agents --team T01 --from 2026-12-07 --to 2026-12-09")
def export(
    roster_file: Path = typer.Argument(..., help="Roster workbook (hand edits on its Roster sheet are applied)."),
    agents: Path = typer.Option(..., "--agents", "-a", help="Agents table (XLSX or CSV)."),
    config: Path = typer.Option(..., "--config", "-c", help="Centre config (TOML)."),
    out: Path = typer.Option(Path("rosters/agents"), "--out", "-o",
                             help="Folder for <agent_id>.csv and .ics (and manifest.tsv)."),
    team: list[str] = typer.Option([], "--team", "-t", help="Only this team (repeat for several)."),
    date_from: str | None = typer.Option(None, "--from", help="First day to export (YYYY-MM-DD; default the "
                                                              "roster's first)."),
    date_to: str | None = typer.Option(None, "--to", help="Last day to export (default the roster's last)."),
    payroll: Path | None = typer.Option(None, "--payroll", help="Payroll CSV (default <out>_payroll.csv beside "
                                                                "the folder)."),
    allow_violations: bool = typer.Option(False, "--allow-violations",
                                          help="Export even when the roster breaks a hard rule."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
) -> None:
    """Write every agent on the Roster sheet's schedule as <agent_id>.csv and <agent_id>.ics (calendar apps
    import it), and a payroll CSV: agent_id, date and paid hours by pay band.

    The roster is checked first: one that breaks a hard rule is not exported (exit 1, the violations listed)
    unless --allow-violations. An id that is not a plain ASCII file name (or differs from another only in case)
    gets a name with a short hash (slug~1a2b3c4d5e); manifest.tsv lists agent_id and file for every file written."""
    from wfm.atomic import csv_writer, write_atomic
    from wfm.config import load_config
    from wfm.errors import InputError, OutputExistsError
    from wfm.publish.agent_export import MANIFEST, export_agent_schedules
    from wfm.publish.figures import payroll as payroll_table
    from wfm.roster.checker import check as check_roster

    cfg = load_config(config)
    people = read_agents_noted(agents, cfg)
    book = read_roster_book(roster_file, cfg, people)
    rep = check_roster(book.roster, people, cfg, start=book.start, days=book.days, codes=book.codes)
    if rep.violations and not allow_violations:
        for v in rep.violations[:20]:
            err_console.print(str(v), markup=False, highlight=False, style="red")
        more = " (the first 20 listed; `wfm check` lists all)" if len(rep.violations) > 20 else ""
        err_console.print(f"error: {roster_file} breaks {len(rep.violations)} hard rule(s){more}; nothing was "
                          "exported. Fix the roster or export anyway with --allow-violations.",
                          markup=False, highlight=False)
        raise typer.Exit(1)
    start, days = rep.start, rep.days
    first = _day(date_from, "--from", start) if date_from else start
    last = _day(date_to, "--to", start) if date_to else start + dt.timedelta(days=days - 1)
    if not start <= first <= last <= start + dt.timedelta(days=days - 1):
        raise InputError(f"--from/--to {first}..{last} is not within the roster period {start}.."
                         f"{start + dt.timedelta(days=days - 1)}")
    chosen = [a for a in people if (book.codes is None or a.agent_id in {aid for aid, _ in book.codes})
              and (not team or a.team in team)]  # exactly the agents on the Roster sheet
    if team and (unknown := sorted(set(team) - {a.team for a in people})):
        raise InputError(f"--team {', '.join(unknown)}: no agent is in that team "
                         f"(teams: {', '.join(sorted({a.team for a in people}))})")
    ids = {a.agent_id for a in chosen}
    dates = book.roster["date"]
    roster = book.roster[book.roster["agent_id"].isin(ids) & (dates >= first) & (dates <= last)]
    pay = payroll_table(book.roster[book.roster["agent_id"].isin(ids)], chosen, cfg, start, days)
    pay = pay[(pay["date"] >= first) & (pay["date"] <= last)]
    pay_path = payroll or out.parent / f"{out.name}_payroll.csv"
    if pay_path.exists() and not force:  # refused before any schedule is written
        raise OutputExistsError(pay_path)
    paths = export_agent_schedules(roster, chosen, cfg, out, force=force)
    write_atomic(pay_path, csv_writer(pay), force=force)
    console.print(f"Wrote {len(paths) // 2} agents' schedules from {first} to {last} ({len(paths)} files, CSV and "
                  f".ics) and {MANIFEST} (agent_id, file) to {out}; paid hours by pay band of "
                  f"{pay['agent_id'].nunique()} agents to {pay_path}"
                  + (f"; exported despite {len(rep.violations)} hard-rule violation(s)" if rep.violations else ""),
                  markup=False, highlight=False)


def _day(value: str, option: str, start: dt.date) -> dt.date:
    from wfm.errors import InputError

    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{option} {value!r} is not a date (YYYY-MM-DD; the roster starts {start})") from None
