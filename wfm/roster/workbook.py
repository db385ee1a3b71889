"""The roster workbook as the roster stage writes and reads it: the publish stage's workbook.

Writing adds the checker's result to the Summary sheet; reading applies HR's hand edits on the Roster sheet
(see `wfm.publish.readback`), so `wfm check` verifies the roster as it now stands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from wfm.config import Config
from wfm.publish import write_roster_workbook
from wfm.publish.readback import RosterWorkbook, read_roster_workbook
from wfm.readers.agents import Agent
from wfm.roster.checker import CheckReport
from wfm.roster.stats import ShortQueue

__all__ = ["RosterWorkbook", "read_roster_workbook", "violations_frame", "write_roster"]


def violations_frame(report: CheckReport) -> pd.DataFrame:
    """The checker's violations as a table (`rule, agent_id, date, message`)."""
    return pd.DataFrame([(v.rule, v.agent_id, v.date.isoformat() if v.date else "", v.message)
                         for v in report.violations], columns=["rule", "agent_id", "date", "message"])


def write_roster(path: str | Path, data: pd.DataFrame, agents: list[Agent], config: Config, *, start: dt.date,
                 days: int, requirements: pd.DataFrame | None, report: CheckReport | None,
                 extra_sheets: Sequence[tuple[str, pd.DataFrame]] = (), force: bool = False,
                 previous: pd.DataFrame | None = None, reproducible: bool = True,
                 short_queues: Sequence[ShortQueue] = ()) -> Path:
    """Write the full roster workbook (Roster, Detail, Coverage, Summary, Data, then any `extra_sheets`)
    atomically; `previous` is the previous roster's long table, whose night shifts count in this period's first
    hours. The Summary sheet ends with the report's score breakdown (the objective's terms) and says which
    `short_queues` the roster's simulation check left under target (`RosterStats.short_queue_facts`)."""
    return write_roster_workbook(path, data, agents, config, start=start, days=days, requirements=requirements,
                                 violations=violations_frame(report) if report is not None else None,
                                 extra_sheets=extra_sheets, force=force, previous=previous,
                                 reproducible=reproducible, score=report.score if report is not None else None,
                                 short_queues=short_queues)
