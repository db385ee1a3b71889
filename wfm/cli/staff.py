"""`wfm staff`: required agents and heads per interval and queue from a forecast."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from wfm.cli.app import app, console, err_console, output_path, read_agents_noted
from wfm.pipeline import close_requirements, default_output, iso_times, requirements, requirements_file_rows

__all__ = ["close_requirements", "staff"]  # close_requirements: moved to wfm.pipeline, importable from here too


def _summary_table(title: str, df: pd.DataFrame, key: str) -> Table:
    table = Table(title=title, title_justify="left")
    for col in [key, "queue", "peak_agents", "agent_hours", "head_hours", "fte"]:
        table.add_column(col.replace("_", " "), justify="left" if col in (key, "queue") else "right")
    for row in df.itertuples(index=False):
        table.add_row(str(getattr(row, key)), str(row.queue), f"{row.peak_agents:,}", f"{row.agent_hours:,.1f}",
                      f"{row.head_hours:,.1f}", f"{row.fte:,.1f}",
                      style="bold" if row.queue == "all" else None)
    return table


def _explain(req: pd.DataFrame) -> None:
    counts = req.groupby(["queue", "binding"], sort=False).size().unstack(fill_value=0)
    cols = [c for c in ("service_level", "asa", "occupancy", "abandon_rate", "min_agents", "none")
            if c in counts.columns]
    table = Table(title="Which target sets the number of agents (intervals per queue)", title_justify="left")
    table.add_column("queue")
    for c in cols:
        table.add_column(c.replace("_", " "), justify="right")
    for q, row in counts[cols].iterrows():
        table.add_row(str(q), *(f"{int(v):,}" for v in row))
    console.print(table)
    console.print("service level: the smallest staffing meeting the SL target (Erlang C also needs agents > load); "
                  "asa: the ASA target needs more; occupancy: the occupancy cap needs more; abandon rate: the "
                  "answer-rate target or abandonment cap needs more (Erlang A); min agents: the queue's floor; "
                  "none: no calls expected.", highlight=False)
    busy = req[req["binding"] != "none"]
    sample = busy.loc[busy.groupby(["queue", "binding"], sort=False)["agents"].idxmax()].head(10)
    if not sample.empty:
        t = Table(title="Busiest interval per queue and binding target", title_justify="left")
        abandon = "abandon_rate" in sample.columns
        for c in ["interval_start", "queue", "calls", "erlangs", "agents", "service_level", "occupancy",
                  *(["abandon_rate"] if abandon else []), "binding"]:
            t.add_column(c.replace("_", " "), justify="left" if c in ("interval_start", "queue", "binding")
                         else "right")
        for r in sample.itertuples(index=False):
            extra = ([f"{r.abandon_rate:.3f}" if pd.notna(r.abandon_rate) else ""] if abandon else [])
            t.add_row(pd.Timestamp(r.interval_start).strftime("%Y-%m-%d %H:%M"), r.queue, f"{r.calls:g}",
                      f"{r.erlangs:.2f}", str(r.agents), f"{r.service_level:.3f}", f"{r.occupancy:.3f}", *extra,
                      r.binding)
        console.print(t)


@app.command(epilog="Example: wfm staff --forecast forecasts/forecast_2026-03-02_28d.csv --config config.toml "
             "--explain")
def staff(
    forecast: Path = typer.Option(..., "--forecast", "-f", help="Forecast CSV (interval_start, queue, calls, aht_s)."),
    config: Path = typer.Option(..., "--config", "-c", help="Centre config (TOML): queue targets, shrinkage."),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="Output CSV (default forecasts/requirements_<start>_<days>d.csv)."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output."),
    explain: bool = typer.Option(False, "--explain", help="Show which target sets each queue's numbers."),
    agents: Path | None = typer.Option(None, "--agents", "-a",
                                       help="Agents file: also staff the floor's skill sets (calls routed by "
                                            "skill) and write <output>_skills.csv beside the requirements."),
) -> None:
    """Required on-phone agents and rostered heads per interval and queue (Erlang C, or Erlang A for queues
    with a patience), with a per-day and per-week summary: peak agents, agent-hours, FTE."""
    from wfm.atomic import write_csv
    from wfm.config import load_config
    from wfm.readers import read_forecast
    from wfm.staffing import summarise

    cfg = load_config(config)
    fc = read_forecast(forecast, queues=set(cfg.queues), interval_s=cfg.centre.interval_minutes * 60)  # not empty
    interval_s = cfg.centre.interval_minutes * 60
    starts = pd.to_datetime(fc["interval_start"])
    first, last = starts.min().date(), starts.max().date()
    days = (last - first).days + 1
    path = output_path(out, default_output("requirements", first, days), force)
    skills_path = output_path(path.with_name(f"{path.stem}_skills.csv"), path, force) if agents else None
    req = requirements_file_rows(requirements(fc, cfg, source=config))
    write_csv(iso_times(req), path, force=force)

    daily, weekly = summarise(req, interval_s=interval_s, hours_per_fte=cfg.rules.hours_per_week)
    if daily["date"].nunique() > 7:
        daily = daily[daily["queue"] == "all"]
    console.print(_summary_table("Per day" + (" (all queues)" if daily["queue"].eq("all").all() else ""), daily,
                                 "date"))
    console.print(_summary_table(f"Per week (FTE = head-hours / {cfg.rules.hours_per_week:g} h)", weekly,
                                 "week_start"))
    console.print(f"Shrinkage not placed by the roster: {cfg.shrinkage.unplaced:.0%} (heads = ceil(agents / "
                  f"(1 - shrinkage))).", highlight=False)
    if explain:
        _explain(req)
    console.print(f"Wrote {len(req):,} rows to {path}", highlight=False)
    if agents is not None and skills_path is not None:
        _skill_groups(req, agents, cfg, skills_path, force=force)


def _skill_groups(req: pd.DataFrame, agents_path: Path, cfg, path: Path, *, force: bool) -> None:
    """Agents per skill set the floor needs, and on-phone hours three ways (alone, this mix, one pool)."""
    from wfm.atomic import write_csv
    from wfm.multiskill import agent_hours, pool_name, pooled_requirements, queue_sets, skill_group_requirements

    ags = read_agents_noted(agents_path, cfg)
    queues = list(cfg.queues)
    held = [[q for q in queues if q in a.skills] for a in ags]
    sets = queue_sets(queues, held)
    pooled = pooled_requirements(req, cfg.queues, sets, interval_s=cfg.centre.interval_s,
                                 shrinkage=cfg.shrinkage.unplaced)
    calls = req.groupby("queue")["calls"].sum()
    nobody = [q for q in queues if calls.get(q, 0) > 0 and not any(q in h for h in held)]
    if nobody:
        err_console.print(f"warning: no agent holds {', '.join(nobody)}: their calls cannot be answered and are "
                          "left out of the skill-set figures", style="yellow", markup=False, highlight=False)
    groups = skill_group_requirements(pooled, [pool_name(h) for h in held if h])
    hours = agent_hours(req, pooled, groups, cfg.queues, interval_s=cfg.centre.interval_s)
    out = iso_times(groups)
    write_csv(out, path, force=force)
    base = hours["per_queue"] or 1.0
    table = Table(title="On-phone agent-hours of the period")
    for col in ("staffed as", "agent-hours", "vs each queue alone"):
        table.add_column(col, justify="right" if col != "staffed as" else "left")
    for key, label in (("per_queue", "each queue alone (per-queue Erlang summed)"),
                       ("skill_mix", f"your {len(set(map(tuple, held)))} skill sets, calls routed by skill"),
                       ("single_pool", "one pool with every skill (full flexibility)")):
        table.add_row(label, f"{hours[key]:,.0f}", f"{100 * (hours[key] / base - 1):+.1f}%")
    console.print(table)
    console.print(f"{len(sets)} sets of queues checked (each single queue and every pool of queues your agents "
                  f"share); wrote {len(out):,} rows (agents per skill set and interval, and the set of queues that "
                  f"binds) to {path}", highlight=False)
