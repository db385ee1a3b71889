"""`wfm intraday`: re-forecast the rest of today from the actuals so far and re-plan what may still move."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from wfm.calendar import clock
from wfm.cli.app import app, console, err_console, output_path, read_agents_noted, read_roster_book
from wfm.pipeline import default_output
from wfm.errors import InputError, Problem

FORECAST_NAME = re.compile(r"forecast_(\d{4}-\d{2}-\d{2})_(\d+)d\.csv$")


def parse_now(text: str, interval_minutes: int) -> int:
    """`HH:MM` -> minutes after midnight, on the interval grid (exit 2 otherwise)."""
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not m or int(m.group(1)) > 24 or int(m.group(2)) > 59 or (int(m.group(1)) == 24 and int(m.group(2))):
        raise InputError([Problem("--now", f"{text!r} is not a time of day (HH:MM)")])
    minute = int(m.group(1)) * 60 + int(m.group(2))
    if minute % interval_minutes:
        raise InputError([Problem("--now", f"{text} is not on the {interval_minutes}-minute interval grid: give the "
                                           "start of the first interval not yet seen")])
    return minute


def default_forecast(day: dt.date, folder: Path = Path("forecasts")) -> Path:
    """The forecast `wfm forecast` wrote by default that covers `day` (the latest-starting one)."""
    found = []
    for p in sorted(folder.glob("forecast_*.csv")) if folder.is_dir() else []:
        m = FORECAST_NAME.search(p.name)
        if m:
            start = dt.date.fromisoformat(m.group(1))
            if start <= day < start + dt.timedelta(days=int(m.group(2))):
                found.append((start, p))
    if not found:
        raise InputError([Problem("--forecast", f"no forecast for {day} in {folder}/ (forecast_<start>_<days>d.csv); "
                                                "give one with --forecast")])
    return max(found)[1]


def frame_table(title: str, frame: pd.DataFrame, formats: dict[str, str] | None = None) -> Table:
    """A rich table of `frame` (numbers right-aligned, floats by `formats` per column, NaN blank)."""
    t = Table(title=title, title_justify="left")
    for c in frame.columns:
        t.add_column(str(c), justify="right" if pd.api.types.is_numeric_dtype(frame[c]) else "left")
    for rec in frame.itertuples(index=False):
        t.add_row(*["" if (isinstance(v, float) and pd.isna(v)) else
                    format(v, (formats or {}).get(c, ".3g")) if isinstance(v, float) else str(v)
                    for c, v in zip(frame.columns, rec)])
    return t


@app.command(epilog="Example: wfm intraday rosters/roster_2026-12-07_7d.xlsx --actuals today.csv --now 10:30 "
             "--config config.toml --agents agents.xlsx --forecast forecasts/forecast_2026-12-07_7d.csv")
def intraday(
    roster: Path = typer.Argument(..., help="The published roster workbook (XLSX) that holds today."),
    actuals: Path = typer.Option(..., "--actuals", help="Today's intervals so far, in the history format "
                                                        "(interval_start, queue, offered, ...)."),
    now: str = typer.Option(..., "--now", help="HH:MM: the start of the first interval not yet seen; nothing "
                                               "before it changes."),
    config: Path = typer.Option(Path("config.toml"), "--config", "-c", help="Centre config (TOML)."),
    agents: Path = typer.Option(Path("agents.xlsx"), "--agents", "-a", help="Agents file (skills, teams)."),
    forecast: Path | None = typer.Option(None, "--forecast", "-f",
                                         help="Forecast CSV with today (default: the one under forecasts/ that "
                                              "covers today)."),
    day: str | None = typer.Option(None, "--date", help="Today (YYYY-MM-DD); default the day of the last "
                                                        "interval in the actuals."),
    prior_cv: float = typer.Option(0.15, "--prior-cv", min=0.01, max=2.0,
                                   help="How far a day's volume strays from its forecast (coefficient of "
                                        "variation): lower trusts the forecast more against early arrivals."),
    overtime: bool = typer.Option(True, "--overtime/--no-overtime",
                                  help="Offer overtime (start earlier or stay later, within the daily and monthly "
                                       "caps) where an agent more is worth it; the Detail includes the offers."),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="Output workbook (default rosters/intraday_<date>_<HHMM>.xlsx)."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output."),
) -> None:
    """Re-forecast the rest of today per queue from the intervals seen so far (the forecast's profile scaled by
    arrived/expected with a credibility weight; a surge is projected to decay), then move breaks, lunch and
    individual training out of the new peak (within the break rules), give multi-skilled agents the queue that
    needs them first, and offer overtime where an agent more is worth it. Writes the updated roster workbook with
    a Changes sheet, checked by the roster checker, and prints the change list and the expected service level per
    queue before and after."""
    from wfm.cli.app import parse_date
    from wfm.config import load_config
    from wfm.intraday import ReforecastSettings, ReplanSettings, reforecast, replan
    from wfm.publish.codes import shift_codes
    from wfm.roster.checker import check
    from wfm.roster.workbook import write_roster

    cfg = load_config(config)
    minute = parse_now(now, cfg.centre.interval_minutes)
    ags = read_agents_noted(agents, cfg)
    # a one-day export written 01/12/2026 cannot say on its own whether it is day or month first: --date, else
    # the roster's first day, says which
    book = None if day is not None else read_roster_book(roster, cfg, ags)
    seen = read_actuals(actuals, cfg, near=parse_date(day, "--date") if book is None else book.start)
    today, cutoff = _today(seen, day, actuals, now, minute)
    book = book or read_roster_book(roster, cfg, ags)
    data = book.roster
    start = book.start or min(data["date"])
    days = book.days or (max(data["date"]) - start).days + 1
    if not start <= today < start + dt.timedelta(days=days):
        raise InputError([Problem(str(roster), f"the roster covers {start} to {start + dt.timedelta(days=days - 1)}, "
                                               f"not {today}")])
    fc = _forecast(forecast, today, cfg)
    path = output_path(out, default_output("intraday", today, tag=clock(minute, "")), force)

    before = check(data, ags, cfg, start=start, days=days, codes=book.codes)
    rf = reforecast(fc, seen, cutoff, settings=ReforecastSettings(prior_cv=prior_cv))
    for q in rf.queues[rf.queues["outage_intervals"] > 0].itertuples(index=False):
        err_console.print(f"warning: {actuals}: queue '{q.queue}': {q.outage_intervals} interval(s) of zero calls "
                          "where the forecast expected many: read as a feed outage (left out, the forecast stands "
                          "for them), not as a quiet day", style="yellow", markup=False, highlight=False)
    settings = ReplanSettings() if overtime else ReplanSettings(overtime=None)
    plan = replan(data, rf.intervals, ags, cfg, cutoff, period=(start, days), settings=settings)
    codes = None
    if book.codes is not None:  # the Roster sheet as it will be written: overtime shows in the codes (E0700+1)
        codes = dict(book.codes)
        codes.update({(r.agent_id, r.date): r.code for r in shift_codes(plan.roster, cfg).itertuples(index=False)})
    after = check(plan.roster, ags, cfg, start=start, days=days, codes=codes)
    new = sorted({str(v) for v in after.violations} - {str(v) for v in before.violations})

    _print_plan(rf, plan, cutoff)
    write_roster(path, plan.roster, ags, cfg, start=start, days=days, requirements=None, report=after,
                 extra_sheets=[("Changes", plan.changes), ("Service", plan.service),
                               ("Re-forecast", rf.queues), ("Forecast today", rf.intervals)], force=force)
    console.print(f"Wrote {path}: {len(plan.changes)} change(s); checker: {len(after.violations)} hard-rule "
                  f"violation(s), {len(new)} new", highlight=False)
    for v in new:
        err_console.print(v, style="red", markup=False, highlight=False)
    if new:
        raise typer.Exit(1)


def read_actuals(path: Path, cfg, near: dt.date | None = None) -> pd.DataFrame:
    """Today's intervals so far, read as the history is (the ACD's queue names by the config's `acd_names`; dates
    whose numbers cannot tell day from month first read nearer `near`); the reader's warnings are printed (an
    implausible aht_s left out, dates read day first)."""
    from wfm.config.schema import acd_name_map
    from wfm.errors import EmptyTableError
    from wfm.readers import read_history

    try:
        history = read_history(path, queues=set(cfg.queues), interval_minutes=cfg.centre.interval_minutes,
                               timezone=cfg.centre.timezone, acd_names=acd_name_map(cfg), near=near)
    except EmptyTableError:  # at opening, before the first interval is over: nothing seen yet (needs --date)
        return pd.DataFrame({"interval_start": pd.Series(dtype="datetime64[ns]"),
                             "queue": pd.Series(dtype="object"), "offered": pd.Series(dtype="int64")})
    for w in history.warnings:
        err_console.print(str(w), style="yellow", markup=False, highlight=False)
    return history.frame


def _today(seen: pd.DataFrame, day: str | None, actuals: Path, now: str, minute: int
           ) -> tuple[dt.date, pd.Timestamp]:
    """Today (from --date or the actuals) and the cutoff; actuals at or after it are an error."""
    from wfm.cli.app import parse_date

    if day is not None:
        today = parse_date(day, "--date")
    elif len(seen):
        today = seen["interval_start"].max().date()
    else:
        raise InputError([Problem(str(actuals), "the actuals have no rows; give today with --date")])
    cutoff = pd.Timestamp(today) + pd.Timedelta(minutes=minute)
    other = seen[seen["interval_start"].dt.normalize() != pd.Timestamp(today)]
    if len(other) == len(seen) and len(seen):  # e.g. --date for tomorrow with today's file: not a quiet morning
        days = sorted({f"{t:%Y-%m-%d}" for t in other["interval_start"]})
        raise InputError([Problem(str(actuals), f"the actuals have no rows on {today} (they are of "
                                                f"{', '.join(days[:3])}{' ...' if len(days) > 3 else ''}): they are "
                                                "today's intervals so far", column="interval_start")])
    if len(other):
        first = other["interval_start"].min()
        err_console.print(f"warning: {actuals}: {len(other)} row(s) not on {today} (first {first:%Y-%m-%d %H:%M}) "
                          "left out: the re-forecast reads today's intervals only", style="yellow", markup=False,
                          highlight=False)
    late = seen[seen["interval_start"] >= cutoff]
    if len(late):
        raise InputError([Problem(str(actuals), f"{len(late)} row(s) at or after --now {now} (first "
                                                f"{late['interval_start'].min():%Y-%m-%d %H:%M}): the actuals are "
                                                "the intervals already seen", column="interval_start")])
    return today, cutoff


def _forecast(given: Path | None, today: dt.date, cfg) -> pd.DataFrame:
    """The forecast (given, or the default one covering today); one without today is an error."""
    from wfm.readers import read_forecast

    path = given if given is not None else default_forecast(today)
    fc = read_forecast(path, queues=set(cfg.queues), interval_s=cfg.centre.interval_s)
    day0 = pd.Timestamp(today)
    if not ((fc["interval_start"] >= day0) & (fc["interval_start"] < day0 + pd.Timedelta(days=1))).any():
        raise InputError([Problem(str(path), f"the forecast has no intervals on {today}")])
    return fc


def _print_plan(rf, plan, cutoff: pd.Timestamp) -> None:
    console.print(frame_table(f"Re-forecast at {cutoff:%Y-%m-%d %H:%M}", rf.queues.assign(
        surge_since=rf.queues["surge_since"].map(lambda t: "" if pd.isna(t) else f"{t:%H:%M}")),
        {"expected_so_far": ".0f", "arrived_so_far": ".0f", "ratio": ".3f", "surge_level": ".2f",
         "half_life_min": ".0f"}))
    console.print(frame_table("Changes", plan.changes) if len(plan.changes) else "No change is worth making.")
    console.print(frame_table(f"Expected service level from {cutoff:%H:%M} (Erlang on the agents answering each queue "
                         "first, with help from other queues' agents under skill routing)", plan.service,
                         {"calls": ".0f", "target": ".0%", "before": ".1%", "after": ".1%"}))
