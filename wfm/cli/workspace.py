"""`wfm init`, `wfm validate` and `wfm demo`."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from wfm.cli.app import app, console, print_problems, parse_date


@app.command(epilog="Example: wfm init my-centre")
def init(
    directory: Path = typer.Argument(..., help="Folder to create the workspace in."),
    seed: int = typer.Option(0, min=0, max=2**31 - 1, help="Seed of the sample data."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
) -> None:
    """Write a workspace to start from: config.toml (every key commented), agents.xlsx, a small history.csv."""
    from wfm.sample import build_sample, next_monday
    from wfm.workspace import write_workspace

    sample = build_sample(next_monday(), seed=seed, small=True)
    paths = write_workspace(sample, directory, force=force)
    console.print(f"Workspace written to {directory}:")
    for p in paths.values():
        console.print(f"  {p}")
    console.print(f"Next: wfm validate --config {paths['config']} --agents {paths['agents']} "
                  f"--history {paths['history']}")


@app.command(epilog="Example: wfm validate --config config.toml --agents agents.xlsx --history history.csv")
def validate(
    config: Path = typer.Option(..., "--config", "-c", help="Centre config (TOML)."),
    agents: Path | None = typer.Option(None, "--agents", "-a", help="Agents table (XLSX or CSV)."),
    history: Path | None = typer.Option(None, "--history", "-H", help="ACD history (CSV or XLSX)."),
) -> None:
    """Check the inputs and report every problem found: errors (exit 2) and warnings (exit 0)."""
    from wfm.validate import validate_inputs

    problems, summary = validate_inputs(config, agents, history)
    print_problems(problems)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for line in summary:
        console.print(line)
    console.print(f"{len(errors)} error(s), {len(warnings)} warning(s)")
    if errors:
        raise typer.Exit(2)


@app.command(epilog="Example: wfm demo --out sample --days 7")
def demo(
    out: Path = typer.Option(Path("wfm-demo"), "--out", "-o", help="Folder for the sample workspace and outputs."),
    seed: int = typer.Option(0, min=0, max=2**31 - 1, help="Seed of the sample data."),
    days: int = typer.Option(7, min=1, max=42, help="Length of the roster period in days."),
    start: str | None = typer.Option(None, help="First day of the roster period (default: next Monday)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing demo in --out."),
) -> None:
    """Build the sample hotline in --out and run the whole pipeline on it."""
    from wfm.demo import run_demo
    from wfm.sample import next_monday

    first = parse_date(start, "--start") if start else next_monday()
    t0 = time.perf_counter()
    result = run_demo(out, start=first, days=days, seed=seed, force=force, console=console)
    console.print(f"\nDone in {time.perf_counter() - t0:.0f} s. Files written:")
    for label, path in result.paths.items():
        console.print(f"  {label:<13} {path}")
    if result.exit_code:
        raise typer.Exit(result.exit_code)


