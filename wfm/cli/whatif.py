"""`wfm whatif`: scenarios side by side: required and available FTE, expected service level, cost, per week."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from wfm.cli.app import app, console, err_console, output_path, parse_date, read_agents_noted
from wfm.pipeline import default_output, fit_forecaster
from wfm.errors import InputError, Problem, Problems
from wfm.scenario_keys import keys_help

EXAMPLE = ("Example: wfm whatif --config config.toml --history history.csv --agents agents.xlsx --weeks 13 "
           "--scenario base --scenario tariff:volume=1.15 --scenario selfservice:ivr=billing:0.2 "
           "--scenario central:pool=billing+data --scenario grow:volume=1.1,hire=20@2027-03-01,attrition=0.03 "
           "-o whatif.csv --xlsx whatif.xlsx.  Grid: --grid volume=0.9:1.3:0.05 --grid shrinkage=0.1,0.15,0.2")

KEYS_HELP = ("Scenario as NAME:KEY=VALUE,KEY=VALUE (repeat the option for more; 'base' alone is the current plan "
             "and is always included). Keys: " + keys_help() + ".")



def _scenarios(specs: list[str], files: list[Path], grids: list[str]):
    from wfm.scenarios.spec import check_names, expand_grid, load_scenario_file, parse_scenario, with_base

    problems = Problems()
    found = []
    for text in specs:
        sc = parse_scenario(text, problems=problems)
        if sc is not None:
            found.append(sc)
    grid_axes = list(grids)
    for f in files:
        scs, g = load_scenario_file(f, problems=problems)
        found.extend(scs)
        grid_axes.extend(g)
    problems.raise_if_errors()
    if grid_axes:
        found.extend(expand_grid(grid_axes))
    scenarios = with_base(found)
    check_names(scenarios)
    return scenarios


def _forecast_from_history(history: Path, cfg, start: dt.date | None, weeks: int):
    from wfm.cli.forecast import _check_start, _progress
    from wfm.config import acd_name_map
    from wfm.readers import read_history

    hist = read_history(history, queues=set(cfg.queues), interval_minutes=cfg.centre.interval_minutes,
                        timezone=cfg.centre.timezone, acd_names=acd_name_map(cfg))
    for w in hist.warnings:
        err_console.print(str(w), style="yellow", markup=False, highlight=False)
    from wfm.scenarios.evaluate import next_week_start

    last = hist.frame["interval_start"].max().date()
    start = start or next_week_start(last)  # whole weeks: a history ending on a Friday starts on the Monday
    _check_start(start, last)  # as `wfm forecast`: after the history, and not years after it
    with _progress("forecasting") as progress:
        fc = fit_forecaster(cfg, hist.frame, progress=progress)
    return fc.predict(start, 7 * weeks), start


def _fmt_date(d) -> str:
    return "" if d is None or (isinstance(d, float) and d != d) or pd.isna(d) else str(d)


def _summary_table(comp: pd.DataFrame, currency: str, limit: int = 40, width: int = 80) -> Table:
    """Columns in order of importance, as many as fit the terminal."""
    rows = comp.head(limit)

    def hire(r) -> str:
        text = _fmt_date(getattr(r, "hire_by", None))
        if text and getattr(r, "late", False) is True:
            text = "now, late"
        size = getattr(r, "class_size", None)
        return f"{text} ({int(size)})" if text and size is not None and not pd.isna(size) else text

    cols = [  # (title, width, cell)
        ("FTE req", 8, lambda r: f"{r.fte_required:,.1f}"),
        ("FTE avail", 9, lambda r: f"{r.fte_available:,.1f}"),
        ("exp. SL", 7, lambda r: "" if pd.isna(r.service_level) else f"{r.service_level:.1%}"),
        ("cost", 12, lambda r: f"{r.cost:,.0f}"),
        ("vs base", 11, lambda r: f"{r.cost_vs_base:+,.0f}"),
        ("hire by (class)", 16, hire),
        ("max gap", 7, lambda r: f"{r.max_gap_fte:,.1f}"),
        ("peak", 5, lambda r: f"{r.peak_agents:,}"),
        ("gap opens", 10, lambda r: _fmt_date(getattr(r, "gap_opens", None))),
        ("short from", 10, lambda r: _fmt_date(getattr(r, "first_short_week", None))),
        ("on books", 12, lambda r: "" if pd.isna(getattr(r, "cost_on_books", float("nan")))
         else f"{r.cost_on_books:,.0f}"),
    ]
    name_w = min(30, max([8] + [len(str(n)) for n in rows["scenario"]]))
    used, keep = name_w + 4, []
    for c in cols:
        if used + c[1] + 3 <= width:
            keep.append(c)
            used += c[1] + 3
    t = Table(title=f"Scenarios side by side (weekly means; cost of the required FTE over the horizon, {currency})",
              title_justify="left")
    t.add_column("scenario", overflow="fold", min_width=name_w)
    for title, _, _ in keep:
        left = title in ("hire by (class)", "short from", "gap opens")
        t.add_column(title, justify="left" if left else "right", no_wrap=True)
    for r in rows.itertuples(index=False):
        t.add_row(str(r.scenario), *(f(r) for _, _, f in keep), style="bold" if r.scenario == "base" else None)
    return t


def _weekly_table(results: pd.DataFrame, names: list[str]) -> Table:
    t = Table(title="Per week: FTE required/available (red: short), expected service level", title_justify="left")
    t.add_column("week", no_wrap=True)
    for n in names:
        t.add_column(f"{n} FTE", justify="right", no_wrap=True)
        t.add_column("SL", justify="right", no_wrap=True)
    by = {n: g.set_index("week_start") for n, g in results.groupby("scenario", sort=False)}
    for w in sorted(results["week_start"].unique()):
        cells = [str(w)]
        for n in names:
            g = by.get(n)
            if g is None or w not in g.index:
                cells += ["", ""]
                continue
            r = g.loc[w]
            style = "red" if r["fte_required"] > r["fte_available"] + 0.05 else ""
            txt = f"{r['fte_required']:,.1f}/{r['fte_available']:,.1f}"
            cells += [f"[{style}]{txt}[/]" if style else txt,
                      "" if pd.isna(r["service_level"]) else f"{r['service_level']:.1%}"]
        t.add_row(*cells)
    return t


@app.command(epilog=EXAMPLE)
def whatif(
    config: Path = typer.Option(..., "--config", "-c", help="Centre config (TOML): queues, shrinkage, rules, costs."),
    history: Path | None = typer.Option(None, "--history", "-H", help="ACD history: forecast from it first."),
    forecast: Path | None = typer.Option(None, "--forecast", "-f", help="A forecast CSV to use as it is."),
    scenario: list[str] = typer.Option([], "--scenario", "-s", help=KEYS_HELP),
    scenario_file: list[Path] = typer.Option([], "--scenario-file",
                                             help="TOML file of scenarios ([scenario.NAME] tables) and a [grid]."),
    grid: list[str] = typer.Option([], "--grid", help="A grid axis: KEY=START:STOP:STEP or KEY=V1,V2,... Every "
                                   "combination of the axes becomes a scenario varying the base plan."),
    agents: Path | None = typer.Option(None, "--agents", "-a", help="Agents table: the current staff (FTE "
                                       "available). Without it (and without --fte) the staff is what the base "
                                       "plan requires."),
    fte: float | None = typer.Option(None, "--fte", min=0, help="Current front-line FTE, instead of --agents."),
    start: str | None = typer.Option(None, "--start", help="First day (default: the first Monday after the "
                                     "history, or the forecast's first day). Weeks run Monday to Sunday; a partial "
                                     "week is weighted by its share of a week's workload, not scaled to 7 days."),
    weeks: int | None = typer.Option(None, "--weeks", min=1, max=53, help="Weeks to compare (26-52 for a long-"
                                     "range capacity view; default 13 with --history, the whole forecast with "
                                     "--forecast)."),
    depth: str = typer.Option("fast", "--depth", help="fast: forecast + staffing (weeks to a year); full: a roster "
                              "per scenario with the current agents (needs --agents; up to 62 days; slow: one "
                              "solver run per scenario)."),
    time_limit: float | None = typer.Option(None, "--time-limit", min=1, help="Full depth: roster solver time "
                                            "limit per scenario in seconds (default: the config's)."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler tcp://HOST:PORT (default: "
                                         "local processes)."),
    workers: int | None = typer.Option(None, "--workers", min=1, help="Local worker processes (default: cores)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="CSV, one row per scenario and week (default "
                                    "forecasts/whatif_<start>_<weeks>w.csv)."),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="Also write an Excel workbook with a comparison sheet "
                                     "and charts."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output."),
) -> None:
    """Compare what-if scenarios against the current plan: weekly required FTE, available FTE (with hiring,
    ramp-up and attrition), peak agents, expected service level with the available staff, and cost; and when
    to hire a class to close a gap. Scenarios run in parallel on local cores or a Dask cluster; one that fails
    is reported (exit 1) without losing the others."""
    from wfm.cli.forecast import _progress
    from wfm.config import load_config
    from wfm.parallel import check_scheduler_address
    from wfm.scenarios import capacity_summary, comparison, run_scenarios, validate_against

    _check_options(depth, history, forecast, agents, fte)
    scenarios = _scenarios(scenario, scenario_file, grid)
    check_scheduler_address(scheduler)
    if depth == "full" and agents is None:
        raise InputError([Problem("--depth", "full depth rosters the current agents: give --agents")])
    first = parse_date(start, "--start") if start else None
    if time_limit is not None:
        from wfm.cli.roster import check_roster_options

        check_roster_options(first or dt.date(2000, 1, 1), 1, time_limit)
    cfg = load_config(config)
    staff = read_agents_noted(agents, cfg) if agents is not None else None
    plan, source, n_weeks = _plan(cfg, history, forecast, staff, fte, first, weeks, depth, time_limit)
    problems = validate_against(scenarios, plan.queues)
    problems.raise_if_errors()

    path = output_path(out, default_output("whatif", plan.start, weeks=n_weeks), force)
    if xlsx is not None:
        output_path(xlsx, xlsx, force)
    with _progress(f"{len(scenarios)} scenarios") as progress:
        results, failures = run_scenarios(scenarios, plan, scheduler=scheduler, workers=workers,
                                          progress=progress)
    ran = [s for s in scenarios if s.name in set(results["scenario"])]
    summary = capacity_summary(results, ran, plan) if len(results) else None
    comp = comparison(results, summary)
    notes = _notes(cfg, plan, source, depth, no_staff=staff is None and fte is None)
    written = _write_outputs(path, xlsx, results, comp, failures, cfg.costs.currency, notes, force)
    _print_results(results, comp, notes, cfg.costs.currency)
    for p in written:
        console.print(f"wrote {p}", highlight=False)
    if not failures.empty:
        for r in failures.itertuples(index=False):
            err_console.print(f"scenario '{r.scenario}' failed: {r.error}", style="red", markup=False,
                              highlight=False)
        err_console.print(f"{len(failures)} of {len(scenarios)} scenarios failed; the others are in {path}.",
                          highlight=False)
        raise typer.Exit(1)


def _check_options(depth: str, history: Path | None, forecast: Path | None, agents: Path | None,
                   fte: float | None) -> None:
    if depth not in ("fast", "full"):
        raise InputError([Problem("--depth", f"must be fast or full, not {depth!r}")])
    if (history is None) == (forecast is None):
        raise InputError([Problem("--history/--forecast", "give exactly one of --history (forecast first) or "
                                                          "--forecast (use the file)")])
    if agents is not None and fte is not None:
        raise InputError([Problem("--fte", "give --agents or --fte, not both")])


def _plan(cfg, history: Path | None, forecast: Path | None, staff, fte: float | None, first: dt.date | None,
          weeks: int | None, depth: str, time_limit: float | None):
    """The base plan (forecast from the history, or the forecast file as it is), its source and its weeks."""
    from wfm.readers import read_forecast
    from wfm.scenarios import Plan

    if history is not None:
        n_weeks = weeks or 13
        fc, first = _forecast_from_history(history, cfg, first, n_weeks)
        source = str(history)
    else:
        fc = read_forecast(forecast, queues=set(cfg.queues),  # never empty: read_table refuses a table without rows
                           interval_s=cfg.centre.interval_minutes * 60)
        n_weeks = weeks
        source = str(forecast)
    plan = Plan.from_config(cfg, fc, agents=staff, fte=fte, start=first, weeks=n_weeks, source=source, depth=depth,
                            roster_time_limit_s=time_limit)
    if depth == "full" and plan.days > 62:
        raise InputError([Problem("--weeks", f"full depth builds one roster per scenario over the period: at most "
                                             f"62 days, not {plan.days}")])
    return plan, source, n_weeks or -(-plan.days // 7)


def _notes(cfg, plan, source: str, depth: str, *, no_staff: bool) -> list[str]:
    """How the figures are made: the workbook's notes; all but the first are printed too."""
    notes = [f"Forecast: {source}; {plan.days} days from {plan.start}; {len(plan.queues)} queues; "
             f"{depth} depth.",
             f"FTE = {cfg.rules.hours_per_week:g} paid hours a week giving {plan.on_phone_hours_per_fte:g} "
             f"on-phone hours after breaks and training, less shrinkage not placed by the roster "
             f"({plan.shrinkage:.0%} unless a scenario changes it).",
             ("Expected service level: Erlang at the agents each scenario's roster puts on the phones, less "
              "absence (see wfm.scenarios.full)." if depth == "full" else
              "Expected service level: with the available staff (no overtime), deployed in the shape of the "
              "requirement (see wfm.scenarios.evaluate)."),
             f"Cost: the required FTE's paid hours x {cfg.costs.hourly_wage:g} {cfg.costs.currency}, priced as the "
             f"roster's Summary prices them (night allowance, on-costs: wfm.pay.cost). Cost on books "
             f"(cost_on_books): the staff employed, paid hours x {cfg.costs.hourly_wage:g}, plus overtime x "
             f"{cfg.costs.overtime_multiplier:g} to close shortfalls within the monthly overtime cap.",
             "Weeks run Monday to Sunday; a partial week (days < 7) is weighted by its share of a whole week's "
             "workload, not scaled up to 7 days."]
    if no_staff:
        notes.append("No --agents or --fte: the staff available is what the base plan requires.")
    return notes


def _write_outputs(path: Path, xlsx: Path | None, results: pd.DataFrame, comp: pd.DataFrame,
                   failures: pd.DataFrame, currency: str, notes: list[str], force: bool) -> list[Path]:
    """The CSV (and the workbook): without --force no existing file is replaced, even one created while the
    scenarios ran (exclusive placement); the two are put in place together when they share a folder."""
    from wfm.atomic import csv_writer, write_atomic, write_group
    from wfm.scenarios.excel import write_whatif_xlsx

    out_df = results.copy()
    out_df["week_start"] = out_df["week_start"].astype(str)
    written = [path]
    outputs = [(path, csv_writer(out_df))]
    if xlsx is not None:
        outputs.append((xlsx, lambda p: write_whatif_xlsx(results, comp, failures, p, currency=currency,
                                                          notes=notes)))
        written.append(xlsx)
    if len({Path(p).parent for p, _ in outputs}) == 1:
        write_group(outputs, force=force)
    else:
        for p, writer in outputs:
            write_atomic(p, writer, force=force)
    return written


def _print_results(results: pd.DataFrame, comp: pd.DataFrame, notes: list[str], currency: str) -> None:
    if not comp.empty:
        console.print(_summary_table(comp, currency, width=console.width))
        if len(comp) > 40:
            console.print(f"... and {len(comp) - 40} more scenarios in the CSV.", highlight=False)
        names = list(comp["scenario"])
        if 12 + 20 * len(names) <= console.width and results["week_start"].nunique() <= 26:
            console.print(_weekly_table(results, names))
        for r in comp.itertuples(index=False):
            note = getattr(r, "note", None)
            if isinstance(note, str) and note and (len(comp) <= 10 or r.scenario == "base"):
                console.print(f"{r.scenario}: {note}", markup=False, highlight=False)
    for n in notes[1:]:
        console.print(n, style="dim", highlight=False)
