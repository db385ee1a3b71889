"""`wfm forecast` and `wfm backtest`: both work from a history file alone (a config is optional)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from wfm.atomic import OutputError, csv_writer, write_csv, write_group
from wfm.parallel import check_scheduler_address
from wfm.cli.app import app, console, err_console, output_path, parse_date
from wfm.errors import InputError, OutputExistsError, Problem
from wfm.pipeline import default_output, iso_times

COUNTRY_HELP = "Holiday country (ISO code, or with its region: US-NM, DE-BY; default config or CN)."

MAX_GAP_DAYS = 3 * 366  # a forecast more than three years after its history is a typo, not a plan



@contextmanager
def _progress(label: str):
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _inputs(history: Path, config: Path | None, country: str | None, special: Path | None = None):
    """The history and the calendar settings: from the config when given, `--country` wins; special days from
    the config and from `--special-days` (both, the file's labels added to the config's)."""
    from wfm.config import acd_name_map
    from wfm.readers import read_history
    from wfm.readers.history import MIN_DAYS
    from wfm.readers.special_days import read_special_days

    cfg = None
    if config is not None:
        from wfm.config import load_config

        cfg = load_config(config)
    hist = read_history(history, queues=set(cfg.queues) if cfg else None,
                        interval_minutes=cfg.centre.interval_minutes if cfg else None,
                        timezone=cfg.centre.timezone if cfg else None, min_days=MIN_DAYS,
                        acd_names=acd_name_map(cfg))
    for w in hist.warnings:
        err_console.print(str(w), style="yellow", markup=False, highlight=False)
    from_file = read_special_days(special) if special is not None else {}
    if special is not None:
        _describe_special(from_file, hist.frame["interval_start"].max().date(), special)
    opts = dict(country=(country or (cfg.centre.country if cfg else "CN")).upper())
    if cfg is not None:
        opts.update(special_days=dict(cfg.calendar.special_days), extra_holidays=tuple(cfg.calendar.extra_holidays),
                    extra_workdays=tuple(cfg.calendar.extra_workdays))
    if special is not None:
        days = dict(opts.get("special_days") or {})
        for day, labels in from_file.items():
            days[day] = ";".join(dict.fromkeys([lab for lab in days.get(day, "").split(";") if lab]
                                               + labels.split(";")))
        opts["special_days"] = days
    from wfm.calendar import UnknownCountryError, country_holidays

    try:
        country_holidays(opts["country"], [2000])
    except UnknownCountryError as exc:
        raise InputError([Problem("--country", str(exc))]) from None
    return hist, cfg, opts


@app.command(epilog="Example: wfm forecast --history history.csv --country CN --start 2026-03-02 --days 28")
def forecast(
    history: Path = typer.Option(..., "--history", "-H", help="ACD history (CSV or XLSX)."),
    start: str = typer.Option(..., "--start", help="First day to forecast (YYYY-MM-DD): after the history's last "
                                                   "day, at most 3 years after it."),
    days: int = typer.Option(..., "--days", min=1, max=366, help="Days to forecast (1 to 8 weeks is typical)."),
    config: Path | None = typer.Option(None, "--config", "-c", help="Centre config (TOML): calendar, queue AHT."),
    country: str | None = typer.Option(None, "--country", help=COUNTRY_HELP),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="Output CSV (default forecasts/forecast_<start>_<days>d.csv)."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output."),
    scheduler: str | None = typer.Option(None, "--scheduler",
                                         help="Dask scheduler tcp://HOST:PORT (default: local cores)."),
    xlsx: bool = typer.Option(True, "--xlsx/--no-xlsx",
                              help="Also write an Excel version with a chart per queue (--no-xlsx: none; with "
                                   "--force an earlier one of the same name is removed)."),
    accuracy_folds: int = typer.Option(4, "--accuracy-folds", min=0, max=12,
                                       help="Backtest origins behind the model choice and the accuracy report "
                                            "(0: calendar model for every queue, no report)."),
    special_days: Path | None = typer.Option(None, "--special-days",
                                             help="Special days the centre knows (CSV/XLSX: start, end, label), "
                                                  "e.g. bill mailings, deadlines, campaigns, past and coming."),
) -> None:
    """Interval forecast of calls and AHT per queue, with an 80% prediction interval (calls_lo, calls_hi). Each
    queue's model is chosen by a rolling-origin backtest on the last weeks of the history, at the same
    horizon, among the calendar model, its variants and the naive baselines; the report says which and why."""
    from wfm.forecast import Forecaster

    first = parse_date(start, "--start")
    check_scheduler_address(scheduler)
    path = output_path(out, default_output("forecast", first, days), force)
    xlsx_path = _check_xlsx_path(path, xlsx, force)
    hist, cfg, opts = _inputs(history, config, country, special_days)
    frame = hist.frame
    _check_start(first, frame["interval_start"].max().date())
    if cfg is not None:
        aht = {q: c.default_aht_s for q, c in cfg.queues.items()}
    else:
        aht = 300.0
        if "aht_s" not in frame.columns or frame["aht_s"].isna().all():
            console.print("note: the history has no aht_s and no --config was given: AHT forecast is 300 s")
    horizon = min(days, 28)
    with _progress("fitting queues and choosing their models") as progress:
        fc = Forecaster(**opts, default_aht_s=aht, interval_minutes=hist.interval_minutes, scheduler=scheduler,
                        progress=progress, horizon_days=horizon, selection_folds=accuracy_folds,
                        forecast_start=first).fit(frame)
    result = fc.predict(first, days)
    for queue, notes in fc.notes.items():
        for note in notes:
            console.print(f"note: {queue}: {note}", markup=False, highlight=False)
    if country is None and cfg is None:
        _note_default_calendar(fc, opts["country"])
    accuracy, acc_title = fc.accuracy_, ""
    if accuracy is None and accuracy_folds > 0:
        console.print("note: the history is too short to backtest this horizon: calendar model, no accuracy report")
    elif accuracy is not None:
        acc_title = _accuracy_title(fc, horizon, hist.interval_minutes)
    stale = not xlsx and xlsx_path != path and xlsx_path.exists()
    written = _write_forecast(path, xlsx_path, xlsx, result, frame, accuracy, acc_title, force)
    _print_forecast(result, first, days, opts["country"], fc, acc_title)
    for p in written:
        console.print(f"wrote {p}")
    if stale:
        console.print(f"removed {xlsx_path}: an earlier run's workbook, which would disagree with the new CSV "
                      "(--no-xlsx)", markup=False, highlight=False)


def _note_default_calendar(fc, country: str) -> None:
    """The holidays of the default country were used (no --country, no config): say so when the history's week
    is not that country's (a Friday-Saturday bank read with China's calendar gets its holidays on wrong days)."""
    from collections import Counter

    from wfm.calendar import weekend_days
    from wfm.forecast.countries import describe_days, off_weekend

    odd = off_weekend(fc.models_, country)
    active = [q for q, m in fc.models_.items() if not m.stopped]
    if not odd or 2 * len(odd) <= len(active):  # the centre's week, not one queue's
        return
    rest = Counter(odd.values()).most_common(1)[0][0]
    console.print(f"note: {len(odd)} of {len(active)} queues rest on {describe_days(rest)}, not on the {country} "
                  f"weekend ({describe_days(weekend_days(country))}) whose holidays and make-up days this forecast "
                  f"applies (no --country or --config given: {country}); give the centre's --country",
                  markup=False, highlight=False)


def _check_xlsx_path(path: Path, xlsx: bool, force: bool) -> Path:
    """The workbook's path beside the CSV, checked also under --no-xlsx: an XLSX of an earlier run beside the
    new CSV would disagree with it, so it is refused without --force, and with it removed as the new CSV is
    placed (one group)."""
    xlsx_path = path.with_suffix(".xlsx")
    try:
        output_path(xlsx_path, xlsx_path, force)
    except OutputExistsError:
        if xlsx or xlsx_path == path:
            raise
        raise OutputError(f"{xlsx_path} exists: an earlier run's workbook, which would disagree with the new CSV; "
                          f"pass --force to remove it (or write the CSV elsewhere with -o)") from None
    return xlsx_path


def _check_start(first, last) -> None:
    """--start after the history's last day, and not years after it (a note beyond 8 weeks)."""
    if first <= last:
        raise InputError([Problem("--start", f"{first} is not after the end of the history ({last})")])
    gap = (first - last).days - 1
    if gap > MAX_GAP_DAYS:
        raise InputError([Problem("--start", f"{first} is {gap} days after the end of the history ({last}); "
                                             f"forecasts start at most {MAX_GAP_DAYS} days after it")])
    if gap > 56:
        console.print(f"note: the forecast starts {gap} days after the history ends ({last}): it carries the "
                      "history's last level over the gap", markup=False, highlight=False)


def _accuracy_title(fc, horizon: int, interval_minutes: int) -> str:
    from wfm.forecast import select

    folds = fc.selection_errors_.groupby("queue")["fold"].nunique().max()
    return (f"Model choice and accuracy: every candidate fitted at {folds} origin(s) "
            f"{select.step_days(horizon)} days apart in the last weeks of the history, {horizon} days ahead "
            f"each, scored per {max(30, interval_minutes)} minutes; a queue keeps the calendar "
            f"model unless another candidate is better over all origins (by {select.SWITCH_MARGIN:.0%}, "
            f"a naive baseline by any margin) and on most of them")


def _write_forecast(path: Path, xlsx_path: Path, xlsx: bool, result, frame, accuracy, acc_title: str,
                    force: bool) -> list[Path]:
    """The CSV and the XLSX are one output: both are written to temporaries first, then put in place CSV first,
    XLSX second; a failure before that leaves the previous pair, a kill in between is finished by the next run.
    Under --no-xlsx an earlier XLSX of the same name is removed first (--force), then the CSV is placed; a kill
    in between leaves the earlier CSV alone, and the next run finishes the group. Returns the files written."""
    from wfm.forecast.excel import write_forecast_xlsx

    out_frame = iso_times(result)
    if xlsx:
        pair = [(path, csv_writer(out_frame)),
                (xlsx_path, lambda p: write_forecast_xlsx(result, frame, p, accuracy=accuracy,
                                                          accuracy_title=acc_title))]
    elif xlsx_path != path:
        pair = [(xlsx_path, None), (path, csv_writer(out_frame))]
    else:
        pair = [(path, csv_writer(out_frame))]
    return [p for p in write_group(pair, force=force) if xlsx or p != xlsx_path]


def _print_forecast(result, first, days: int, country: str, fc, acc_title: str) -> None:
    """Per queue: calls, calls a day (over the days it takes calls: an office closed at weekends is not averaged
    with its closed days), peak, AHT (and the chosen model and its accuracy), then why each model."""
    from wfm.forecast import select

    accuracy = fc.accuracy_
    holidays_of = "no" if country == "NONE" else country
    table = Table(title=f"Forecast {first} + {days} days ({holidays_of} holidays)")
    columns = ["queue", "calls", "calls/day", "peak/interval", "aht_s"]
    if accuracy is not None:
        columns += ["model", "WAPE", "baseline"]
    for col in columns:
        table.add_column(col, justify="right" if col != "queue" else "left")
    for queue, g in result.groupby("queue", sort=True):
        w = (g["calls"] * g["aht_s"]).sum() / max(g["calls"].sum(), 1e-9)
        # a day forecast closed (under half a call) is not averaged in: "a day" is a day the queue takes calls
        daily = g.groupby(g["interval_start"].astype(str).str[:10])["calls"].sum()
        open_days = daily[daily >= 0.5]
        cells = [str(queue), f"{g['calls'].sum():,.0f}", f"{open_days.mean() if len(open_days) else 0:,.0f}",
                 f"{g['calls'].max():,.1f}", f"{w:,.0f}"]
        if accuracy is not None:
            cells += _accuracy_cells(accuracy, str(queue))
        table.add_row(*cells)
    console.print(table)
    if accuracy is not None:
        console.print(f"{acc_title}. WAPE = sum |actual - forecast| / sum actual; 'baseline' is the better of "
                      "seasonal-naive and the mean of the last 4 same weekdays. `wfm backtest` scores the whole "
                      "procedure out of sample.", markup=False, highlight=False)
        for row in fc.selection_.itertuples(index=False):
            group = "" if row.group == row.queue else f" (chosen for the {row.group} together)"
            console.print(f"model: {row.queue}: {select.LABELS[row.chosen]}{group}: {row.reason}",
                          markup=False, highlight=False)


def _describe_special(days: dict, history_end, path: Path) -> None:
    """Say what the special-days file holds and which labels the history cannot teach anything."""
    from wfm.calendar import special_labels

    labels = special_labels(days)
    past = special_labels({d: v for d, v in days.items() if d <= history_end})
    console.print(f"special days: {len(days)} day(s) with {len(labels)} label(s) from {path}: {', '.join(labels)}",
                  markup=False, highlight=False)
    unseen = [lab for lab in labels if lab not in past]
    if unseen:
        console.print(f"note: no past occurrence in the history, so no effect can be learned for: "
                      f"{', '.join(unseen)}", markup=False, highlight=False)


def _accuracy_cells(summary, queue: str) -> list[str]:
    from wfm.forecast import select

    rows = summary[summary["queue"] == queue].set_index("method")
    if "wfm" not in rows.index or rows.loc["wfm", "wape"] != rows.loc["wfm", "wape"]:
        return ["", "", ""]
    base = rows["wape"].reindex(list(select.BASELINES)).min()
    return [str(rows.loc["wfm", "chosen"]), f"{rows.loc['wfm', 'wape']:.1%}", "" if base != base else f"{base:.1%}"]


@app.command(epilog="Example: wfm backtest --history history.csv --country CN --days 28 --folds 4")
def backtest(
    history: Path = typer.Option(..., "--history", "-H", help="ACD history (CSV or XLSX)."),
    config: Path | None = typer.Option(None, "--config", "-c", help="Centre config (TOML): calendar."),
    country: str | None = typer.Option(None, "--country", help=COUNTRY_HELP),
    days: int = typer.Option(28, "--days", min=1, max=366, help="Horizon of each fold in days."),
    folds: int = typer.Option(4, "--folds", min=1, max=52, help="Number of forecast origins, a week apart."),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="CSV of the results (default forecasts/backtest_<days>d.csv)."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output."),
    scheduler: str | None = typer.Option(None, "--scheduler",
                                         help="Dask scheduler tcp://HOST:PORT (default: local cores)."),
    special_days: Path | None = typer.Option(None, "--special-days",
                                             help="Special days the centre knows (CSV/XLSX: start, end, label)."),
) -> None:
    """Rolling-origin accuracy per queue and overall (WAPE, MASE, bias, interval coverage) against
    seasonal-naive (same interval last week) and the mean of the last 4 same weekdays."""
    from wfm.forecast import backtest as run_backtest
    from wfm.forecast import summarise

    check_scheduler_address(scheduler)
    path = output_path(out, default_output("backtest", days=days), force)
    hist, _, opts = _inputs(history, config, country, special_days)
    try:
        with _progress("backtesting") as progress:
            results = run_backtest(hist.frame, horizon_days=days, folds=folds, scheduler=scheduler,
                                   progress=progress, **opts)
    except ValueError as exc:
        raise InputError([Problem(str(history), str(exc))]) from None
    summary = summarise(results)
    table = Table(title=f"Backtest: {folds} origins x {days} days, scored per 30 minutes ({opts['country']} holidays)")
    with_aht = summary["aht_wape"].notna().any()
    columns = ["queue", "method", "WAPE", "MASE", "bias", "80% coverage"] + (["AHT WAPE"] if with_aht else [])
    for col in columns:
        table.add_column(col, justify="left" if col in ("queue", "method") else "right")
    for row in summary.itertuples(index=False):
        cov = "" if row.coverage != row.coverage else f"{row.coverage:.0%}"
        cells = [row.queue, row.method, f"{row.wape:.1%}", f"{row.mase:.2f}", f"{row.bias:+.1%}", cov]
        if with_aht:
            cells.append("" if row.aht_wape != row.aht_wape else f"{row.aht_wape:.1%}")
        table.add_row(*cells)
    console.print(table)
    if with_aht:
        console.print("AHT WAPE: calls x |AHT error| over calls x AHT, per 30 minutes (the workload the AHT "
                      "forecast misses).")
    keep = ["fold", "queue", "method", "wape", "mase", "bias", "coverage", "aht_wape"]
    out_frame = summary.assign(fold="all").reindex(columns=keep)
    detail = results.reindex(columns=keep)
    import pandas as pd

    write_csv(pd.concat([detail.astype({"fold": str}), out_frame], ignore_index=True).round(5), path, force=force)
    console.print(f"wrote {path}")

