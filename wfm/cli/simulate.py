"""`wfm simulate`: the roster against the forecast in a discrete-event simulation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from wfm.cli.app import app, console, err_console, output_path, read_agents_noted, read_roster_book
from wfm.pipeline import default_output, iso_times
from wfm.errors import InputError, Problem

if TYPE_CHECKING:
    from wfm.config import Config
    from wfm.readers.agents import Agent


def _pct(v: float) -> str:
    return "" if pd.isna(v) else f"{100 * v:.1f}%"


def _hw(v: float) -> str:
    return "" if pd.isna(v) else f"±{100 * v:.1f}"


def below_target_lines(period: pd.DataFrame, cfg: Config, agents: list[Agent] | None) -> list[str]:
    """One plain sentence per queue the simulation leaves under target (the roster's own rule,
    `wfm.roster.verify.queue_misses`); with the agents, also how many hold its skill and what else they answer."""
    from wfm.roster.verify import short_queue_warnings

    return short_queue_warnings(period, cfg, agents or [])


def _period_table(period: pd.DataFrame, reps: int, cfg: Config) -> Table:
    from wfm.roster.verify import queue_margins

    margins = queue_margins(period[period["queue"] != "all"], cfg)
    t = Table(title=f"Simulated period ({reps} replication{'s' if reps != 1 else ''}, 95% half-widths)",
              title_justify="left")
    for c in ("queue", "calls", "service level", "±", "ASA s", "abandoned", "occupancy"):
        t.add_column(c, justify="left" if c == "queue" else "right")
    t.add_column("target", min_width=len("BELOW 80%"), no_wrap=True)
    for r in period.itertuples(index=False):
        mark = "" if r.queue not in margins else \
            ("BELOW" if margins[r.queue] < 0 else "met") + f" {cfg.queues[r.queue].sl_target:.0%}"
        t.add_row(r.queue, f"{r.calls:,.0f}", _pct(r.service_level), _hw(r.service_level_hw),
                  "" if pd.isna(r.asa_s) else f"{r.asa_s:.1f}", _pct(r.abandon_rate), _pct(r.occupancy), mark,
                  style="bold" if r.queue == "all" else "red" if margins.get(r.queue, 0.0) < 0 else None)
    return t


def _compare_table(summary: pd.DataFrame) -> Table:
    t = Table(title="Per-queue Erlang plan (rostered on-phone agents) vs simulation", title_justify="left")
    own = "sim_own_sl" in summary
    cols = ["queue", "intervals", "Erlang SL"] + (["sim, own queue only"] if own else []) + [
        "simulated SL", "diff", "sim better", "sim worse"]
    for c in cols:
        t.add_column(c, justify="left" if c == "queue" else "right")
    for r in summary.itertuples(index=False):
        t.add_row(r.queue, str(r.intervals), _pct(r.erlang_sl), *([_pct(r.sim_own_sl)] if own else []),
                  _pct(r.sim_sl), f"{100 * r.diff:+.1f} pts", str(r.sim_better), str(r.sim_worse))
    return t


def _worst_table(cmp: pd.DataFrame, n: int = 10) -> Table | None:
    diff = cmp[cmp["verdict"].isin(["sim better", "sim worse"])]
    if diff.empty:
        return None
    top = diff.reindex((diff["diff"] * diff["forecast_calls"]).abs().sort_values(ascending=False).index).head(n)
    t = Table(title="Where plan and simulation differ most (by calls affected)", title_justify="left")
    for c in ("interval", "queue", "calls", "agents", "Erlang SL", "simulated SL", "±", "verdict"):
        t.add_column(c, justify="left" if c in ("interval", "queue", "verdict") else "right")
    for r in top.itertuples(index=False):
        t.add_row(pd.Timestamp(r.interval_start).strftime("%Y-%m-%d %H:%M"), r.queue, f"{r.forecast_calls:.1f}",
                  str(r.agents), _pct(r.erlang_sl), _pct(r.sim_sl), _hw(r.sim_sl_hw), r.verdict)
    return t


@app.command(epilog="Example: wfm simulate rosters/roster_2026-03-02_7d.xlsx --forecast "
             "forecasts/forecast_2026-03-02_7d.csv --config config.toml --agents agents.xlsx --replications 10")
def simulate(
    roster: Path = typer.Argument(..., help="Roster workbook (XLSX with a 'Data' sheet) or its long table as CSV."),
    forecast: Path = typer.Option(..., "--forecast", "-f", help="Forecast CSV (interval_start, queue, calls, aht_s)."),
    config: Path = typer.Option(..., "--config", "-c", help="Centre config (TOML): queue targets, patience, priority."),
    agents: Path | None = typer.Option(None, "--agents", "-a",
                                       help="Agents file: skills for serving other queues when idle (without it "
                                            "agents serve only the queues the roster puts them on)."),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="Output CSV (default forecasts/simulation_<start>_<days>d.csv)."),
    replications: int = typer.Option(10, "--replications", "-n", min=1, max=1000,
                                     help="Independent replications (confidence intervals need at least 2)."),
    seed: int | None = typer.Option(None, "--seed", min=0, max=2**31 - 1,
                                    help="Random seed (default the config's solver.seed, as in the workbook's "
                                         "Summary): same inputs and seed give the same output."),
    routing: str | None = typer.Option(None, "--routing",
                                       help="assigned_first (own queue, then other skills by priority), priority "
                                            "(all skills by priority) or assigned_only (no cross-skill help). "
                                            "Default assigned_first, as in the workbook's Summary."),
    absence: float | None = typer.Option(None, "--absence",
                                         help="Chance an agent misses a rostered day, drawn per agent and day "
                                              "(default: the config's unplaced shrinkage, as in the workbook's "
                                              "Summary; 0 = everyone turns up)."),
    handle: str = typer.Option("exponential", "--handle", help="Handle-time distribution: exponential or lognormal."),
    cv: float = typer.Option(1.0, "--cv", help="Coefficient of variation of log-normal handle times."),
    own_only: bool = typer.Option(True, "--own-only/--no-own-only",
                                  help="Also simulate agents serving only their rostered queue, to separate the "
                                       "effect of cross-skill help from that of the interval dynamics."),
    proficiency: bool = typer.Option(False, "--proficiency",
                                     help="Skill levels below 1 in the agents file (english:0.7) lengthen that "
                                          "agent's calls on that queue (AHT / level)."),
    uncertainty: bool = typer.Option(False, "--uncertainty",
                                     help="Draw each day's volume level from the forecast's calls_lo/calls_hi."),
    update_roster: bool = typer.Option(False, "--update-roster",
                                       help="Also add the period results to the roster workbook's Summary sheet."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output."),
) -> None:
    """Simulate the roster against the forecast: calls arrive per queue (Poisson), agents follow the roster
    (breaks, lunch, training), serve their rostered queue first and other skills when idle (VIP first),
    callers hang up after their patience. Writes service level, ASA, abandonment and occupancy per interval
    and queue with 95% half-widths (and a <name>_summary.csv per day and for the period), prints the period
    per queue and where the per-queue Erlang plan and the simulation differ."""
    from wfm.config import load_config
    from wfm.readers import read_forecast
    from wfm.simulation.roster_sim import default_routing

    _check_handle(handle, cv)
    cfg = load_config(config)
    routing = routing or default_routing(cfg)
    seed = cfg.solver.seed if seed is None else seed
    absence = cfg.shrinkage.unplaced if absence is None else absence
    _check_absence_routing(absence, routing)
    ags = read_agents_noted(agents, cfg) if agents is not None else None
    if ags is None and cfg.centre.queue_assignment == "routing":
        err_console.print("note: without --agents the agents' other skills are unknown: each serves only the queue "
                          "the roster gives it, so the figures differ from the workbook's Summary (which routes by "
                          "skill); pass --agents for those", style="yellow", markup=False, highlight=False)
    if ags is None and roster.suffix.lower() == ".xlsx":  # the Roster sheet's codes are rebuilt with the agents
        err_console.print("note: without --agents the workbook's Data sheet is simulated as written: shift codes "
                          "changed by hand on its Roster sheet are not; pass --agents to simulate them",
                          style="yellow", markup=False, highlight=False)
    long = _read_roster(roster, ags, cfg)
    fc = read_forecast(forecast, queues=set(cfg.queues), interval_s=cfg.centre.interval_minutes * 60)
    first = pd.to_datetime(long["date"]).min().date()
    days = (pd.to_datetime(long["date"]).max().date() - first).days + 1
    path = output_path(out, default_output("simulation", first, days), force)
    summary_path = output_path(path.with_name(f"{path.stem}_summary.csv"), path, force)

    baseline = own_only and routing != "assigned_only"
    opts = dict(replications=replications, seed=seed, handle=handle, cv=cv, uncertainty=uncertainty,
                proficiency=proficiency, absence=absence, source=str(roster), forecast_source=str(forecast))
    sim, own = _run(long, fc, ags, cfg, routing, baseline, opts)
    for note in sim.grid.notes:
        err_console.print(f"note: {note}", style="yellow", markup=False, highlight=False)
    n_rows = _write(sim, path, summary_path, force)
    summary = _print_comparison(sim, own, cfg, replications, routing, baseline)
    for line in below_target_lines(sim.period, cfg, ags):
        err_console.print(f"warning: below target: {line}", style="yellow", markup=False, highlight=False)
    if update_roster:
        _add_to_roster(roster, sim, summary, f"{replications} replications, seed {seed}, routing {routing}, "
                                             f"absence {absence:g}")
    console.print(f"Wrote {n_rows:,} rows to {path} and the per-day and period summary to {summary_path}",
                  highlight=False)


def _add_to_roster(roster: Path, sim, summary: pd.DataFrame, note: str) -> None:
    if str(roster).lower().endswith((".xlsx", ".xlsm")):
        from wfm.simulation.workbook import add_to_workbook

        sheet = add_to_workbook(roster, sim.period, summary, note=note)
        console.print(f"Added the results to sheet '{sheet}' of {roster}", highlight=False)
    else:
        err_console.print("note: --update-roster needs an XLSX roster; nothing added", style="yellow")


def _check_handle(handle: str, cv: float) -> None:
    from wfm.simulation.engine import HANDLE_DISTRIBUTIONS

    if handle not in HANDLE_DISTRIBUTIONS:
        raise InputError([Problem("--handle", f"must be one of {', '.join(HANDLE_DISTRIBUTIONS)}, not {handle!r}")])
    if not 0 < cv <= 10:  # also false for nan; inf would give infinite handle times
        raise InputError([Problem("--cv", f"must be a positive number of at most 10, not {cv!r}")])


def _check_absence_routing(absence: float, routing: str) -> None:
    from wfm.simulation.engine import ROUTINGS

    if not 0 <= absence < 1:  # also false for nan
        raise InputError([Problem("--absence", f"must be at least 0 and below 1, not {absence!r}")])
    if routing not in ROUTINGS:
        raise InputError([Problem("--routing", f"must be one of {', '.join(ROUTINGS)}, not {routing!r}")])


def _read_roster(roster: Path, ags, cfg) -> pd.DataFrame:
    """The roster long table: with the agents, the workbook as it stands (HR's hand edits on the Roster sheet
    applied); otherwise its Data sheet or CSV as written."""
    return read_roster_book(roster, cfg, ags if roster.suffix.lower() == ".xlsx" else None).roster


def _run(long: pd.DataFrame, fc: pd.DataFrame, ags, cfg, routing: str, baseline: bool, opts: dict):
    """The simulation with `routing`, and (`baseline`) with agents serving only their rostered queue."""
    from wfm.simulation.roster_sim import simulate_roster

    replications = opts["replications"]
    with Progress(TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True) as bar:
        total = replications * (2 if baseline else 1)
        task = bar.add_task("simulating", total=total)
        sim = simulate_roster(long, fc, ags, cfg, routing=routing,
                              progress=lambda done: bar.update(task, completed=done), **opts)
        own = simulate_roster(long, fc, ags, cfg, routing="assigned_only",
                              progress=lambda done: bar.update(task, completed=replications + done),
                              **opts) if baseline else None
    return sim, own


def _write(sim, path: Path, summary_path: Path, force: bool) -> int:
    """The per-interval CSV and the per-day and period summary; returns the rows written to the first."""
    from wfm.atomic import write_csv

    write_csv(iso_times(sim.intervals), path, force=force)
    period = sim.period.drop(columns=["start", "days"]).assign(date="period")
    both = pd.concat([sim.daily.assign(date=sim.daily["date"].astype(str)), period], ignore_index=True)
    write_csv(both[["date", *[c for c in both.columns if c != "date"]]], summary_path, force=force)
    return len(sim.intervals)


def _print_comparison(sim, own, cfg, replications: int, routing: str, baseline: bool) -> pd.DataFrame:
    """The period table, the Erlang plan against the simulation per queue and where they differ most."""
    from wfm.simulation.roster_sim import compare_summary, compare_with_erlang

    console.print(_period_table(sim.period, replications, cfg))
    cmp = compare_with_erlang(sim, cfg, own_only=own)
    summary = compare_summary(cmp)
    console.print(_compare_table(summary))
    worst = _worst_table(cmp)
    if worst is not None:
        console.print(worst)
    console.print("Erlang SL: the per-queue formula per interval with the agents the roster puts on that queue, "
                  "in steady state, as if they served nothing else. "
                  + ("Sim, own queue only: the same agents serving only that queue (differences from Erlang come "
                     "from queues carried across intervals and agents starting shifts idle). " if baseline else "")
                  + ("Simulated SL: " + ("agents serving only their rostered queue (--routing assigned_only)."
                                         if routing == "assigned_only" else
                                         "the same agents also helping other queues they are skilled for when "
                                         "idle.")) + " 'sim better/worse': intervals where the simulated SL is "
                  "beyond the 95% half-width + 2 points from Erlang.", highlight=False)
    return summary
