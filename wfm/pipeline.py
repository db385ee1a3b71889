"""The stages wired once: a workspace's files -> forecast -> requirements -> roster -> workbook, and where each
output goes by default. `wfm demo` and the CLI commands call these; the stages themselves (`wfm.forecast`,
`wfm.staffing`, `wfm.roster`) know nothing of files or the terminal.

Frames are long, one row per interval (and queue): the forecast has `interval_start, queue, calls, aht_s` (and
the prediction interval), the requirements `wfm.staffing.staff`'s columns. Heavy modules are imported inside the
functions, so importing this module (as every CLI command does) stays cheap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from wfm.config import Config
    from wfm.forecast import Forecaster
    from wfm.readers.agents import Agent

# Where each kind of output goes and its file type: forecasts and tables in forecasts/, workbooks in rosters/.
OUTPUT_FOLDERS = {"forecast": "forecasts", "requirements": "forecasts", "simulation": "forecasts",
                  "whatif": "forecasts", "backtest": "forecasts", "roster": "rosters", "adherence": "rosters",
                  "intraday": "rosters"}
OUTPUT_SUFFIXES = {"roster": ".xlsx", "adherence": ".xlsx", "intraday": ".xlsx"}  # the others: .csv


def output_name(kind: str, start: dt.date | None = None, days: int | None = None, *, weeks: int | None = None,
                tag: str | None = None, suffix: str | None = None) -> str:
    """The contract's default file name of an output: `forecast_2026-12-07_7d.csv`, `whatif_2026-12-07_26w.csv`,
    `backtest_28d.csv`, `intraday_2026-12-07_0930.xlsx` (`tag`)."""
    parts = [kind] + ([start.isoformat()] if start is not None else [])
    parts += [f"{days}d"] if days is not None else [f"{weeks}w"] if weeks is not None else []
    parts += [tag] if tag is not None else []
    return "_".join(parts) + (suffix if suffix is not None else OUTPUT_SUFFIXES.get(kind, ".csv"))


def default_output(kind: str, start: dt.date | None = None, days: int | None = None, *,
                   weeks: int | None = None, tag: str | None = None) -> Path:
    """Where an output goes when no `--out` is given, relative to the workspace: `forecasts/forecast_...csv`."""
    return Path(OUTPUT_FOLDERS[kind]) / output_name(kind, start, days, weeks=weeks, tag=tag)


def iso_times(frame: "pd.DataFrame") -> "pd.DataFrame":
    """A copy with `interval_start` as ISO text (`2026-12-07T09:30:00`), as the CSV outputs hold it."""
    import pandas as pd

    return frame.assign(interval_start=pd.to_datetime(frame["interval_start"]).dt.strftime("%Y-%m-%dT%H:%M:%S"))


@dataclass
class Workspace:
    """A workspace's inputs read and checked against the config."""

    config: "Config"
    agents: "list[Agent]"
    history: Any  # `wfm.readers.history.History`: `.frame` and `.warnings`


def read_workspace(config: Path, agents: Path, history: Path) -> Workspace:
    """Read the config, then the agents and the history checked against it (raises `InputError`)."""
    from wfm.config import acd_name_map, load_config
    from wfm.readers import read_agents, read_history

    cfg = load_config(config)
    return Workspace(cfg, read_agents(agents, cfg), read_history(history, queues=set(cfg.queues),
                                                                 timezone=cfg.centre.timezone,
                                                                 acd_names=acd_name_map(cfg)))


def fit_forecaster(config: "Config", history: "pd.DataFrame", **options: Any) -> "Forecaster":
    """The forecaster the config describes (`Forecaster.from_config`, `options` as its constructor's), fitted."""
    from wfm.forecast import Forecaster

    return Forecaster.from_config(config, **options).fit(history)


def requirements(forecast: "pd.DataFrame", config: "Config", *, source: str | Path | None = None
                 ) -> "pd.DataFrame":
    """Required agents and heads per interval and queue (`wfm.staffing.staff`), none while the centre is closed
    (opening hours, closed weekdays and holidays: `binding` says `closed`). Rows in the forecast's order.
    A queue whose targets cannot be met raises `InputError` naming `source` (the config)."""
    from wfm.calendar import open_at
    from wfm.errors import InputError, Problem
    from wfm.staffing import StaffingError, staff

    try:
        req = staff(forecast, config.queues, interval_s=config.centre.interval_s,
                    shrinkage=config.shrinkage.unplaced, open_mask=open_at(forecast["interval_start"], config.centre))
    except StaffingError as exc:
        raise InputError([Problem(str(source or config.path), str(exc))]) from None
    return close_requirements(req, config)


def requirements_file_rows(req: "pd.DataFrame") -> "pd.DataFrame":
    """The requirements in the order and columns every command writes them: interval first, then queue; no
    `abandon_rate` column when no queue has one (Erlang C)."""
    req = req.sort_values(["interval_start", "queue"], kind="stable").reset_index(drop=True)
    if "abandon_rate" in req and not req["abandon_rate"].notna().any():
        req = req.drop(columns="abandon_rate")
    return req


def close_requirements(req: "pd.DataFrame", cfg: "Config") -> "pd.DataFrame":
    """No agents while the centre is closed (`[centre] closed_weekdays`, `closed_on_holidays`, opening hours):
    calls forecast then cannot be answered by a roster; `binding` says `closed`."""
    import pandas as pd

    from wfm.calendar import closed_days, open_at

    ts = pd.to_datetime(req["interval_start"])
    if ts.empty:
        return req
    first = ts.min().date()
    shut, _ = closed_days(cfg.centre, cfg.calendar, first, (ts.max().date() - first).days + 1)
    closed = ts.dt.date.isin(shut).to_numpy() | ~open_at(ts, cfg.centre)
    if not closed.any():
        return req
    out = req.copy()
    out.loc[closed, ["agents", "heads"]] = 0
    out.loc[closed, "binding"] = "closed"
    return out


@dataclass
class RosterInputs:
    """What a roster is planned from: the config, the agents (HR leave added) and the requirements."""

    config: "Config"
    agents: "list[Agent]"
    requirements: "pd.DataFrame"


def read_roster_inputs(requirements: Path, agents: Path, config: Path, start: dt.date, days: int, *,
                       leave: Path | None = None) -> RosterInputs:
    """Read the config, the agents (at most `WFM_MAX_AGENT_DAYS` agent-days; the HR leave export `leave` added to
    their leave) and the requirements, which must cover part of the period (raises `InputError`)."""
    from wfm.config import load_config
    from wfm.readers import read_agents
    from wfm.readers.forecast import check_covers_period, read_requirements
    from wfm.roster import check_roster_size

    cfg = load_config(config)
    people = read_agents(agents, cfg)
    check_roster_size(len(people), days, agents)
    if leave is not None:
        from wfm.readers.leave import read_leave

        people = read_leave(leave, people)
    req = read_requirements(requirements, queues=set(cfg.queues))
    check_covers_period(req, requirements, start, days)
    return RosterInputs(cfg, people, req)


def repair_workbook(path: Path, requirements: "pd.DataFrame", agents: "list[Agent]", config: "Config",
                    start: dt.date, days: int, *, time_limit_s: float,
                    previous: "pd.DataFrame | None" = None) -> tuple[Any, list[str]]:
    """The published roster workbook at `path` re-planned where it no longer holds (`wfm.roster.repair`): the
    `wfm.roster.RosterResult` (its notes: the workbook's reading notes) and one line per changed day. The
    workbook must roster this period (`InputError`)."""
    from wfm.errors import InputError, Problem
    from wfm.roster.repair import repair_roster
    from wfm.roster.workbook import read_roster_workbook

    book = read_roster_workbook(path, agents, config)
    if book.start is not None and (book.start != start or book.days != days):
        raise InputError([Problem(str(path), f"the workbook rosters {book.start} for {book.days} days, not "
                                             f"--start {start} --days {days}")])
    result = repair_roster(requirements, agents, config, book, start, days, time_limit_s=time_limit_s,
                           previous=previous)
    changed, result.notes = list(result.notes), list(book.notes)
    return result, changed


def write_workbook(path: Path, roster: Any, config: "Config", start: dt.date, days: int,
                   requirements: "pd.DataFrame", *, previous: "pd.DataFrame | None" = None,
                   force: bool = False) -> Path:
    """Write a built roster (`wfm.roster.RosterResult`) as the HR workbook, atomically (`force`: overwrite);
    `previous` is the last period's long table, whose night shifts count in the first hours."""
    from wfm.roster.workbook import write_roster

    return write_roster(path, roster.data, roster.agents, config, start=start, days=days, requirements=requirements,
                        report=roster.report, force=force, previous=previous,
                        reproducible=bool(roster.stats.get("reproducible", True)),
                        short_queues=roster.stats.get("short_queue_facts") or ())


@dataclass
class RosterRun:
    """A roster built, written as the HR workbook and checked by the independent checker."""

    roster: Any  # `wfm.roster.RosterResult`
    path: Path
    report: Any  # `wfm.roster.CheckReport` of the written workbook


def roster_workbook(requirements: "pd.DataFrame", agents: "list[Agent]", config: "Config", start: dt.date,
                    days: int, path: Path, *, time_limit_s: float | None = None, force: bool = False) -> RosterRun:
    """Roster the period (raises `wfm.roster.RosterInfeasible` when no roster meets the hard rules), write the
    workbook to `path` (`write_workbook`) and check the written file."""
    from wfm.roster import build_roster, check_workbook

    roster = build_roster(requirements, agents, config, start, days, time_limit_s=time_limit_s)
    written = write_workbook(path, roster, config, start, days, requirements, force=force)
    return RosterRun(roster, written, check_workbook(written, agents, config, requirements=requirements))
