"""Reading a roster workbook back, including shift codes HR changed by hand on the Roster sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from wfm.config import Config
from wfm.errors import Problems
from wfm.publish.codes import LEAVE, OFF, TRAINING_DAY, normalise_roster, parse_code, plan_from_code, shift_codes
from wfm.publish.i18n import TEXT
from wfm.readers.agents import Agent
from wfm.readers.roster import read_roster_data
from wfm.roster.sessions import reseat_sessions
from wfm.readers.tables import is_xlsx, xlsx_rows, xlsx_sheet_names
from wfm.safe_text import clean_text

ROSTER_SHEET_NAMES = set(TEXT["sheet_roster"])
AGENT_ID_HEADERS = set(TEXT["agent_id"]) | {"agent_id"}


@dataclass
class RosterWorkbook:
    """The long roster table as it stands after any hand edits, the table as written, and the edits found."""

    roster: pd.DataFrame
    original: pd.DataFrame
    edits: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["agent_id", "date", "was", "now"]))
    codes: dict[tuple[str, dt.date], str] | None = None  # the Roster sheet's shift codes
    start: dt.date | None = None
    days: int | None = None
    notes: list[str] = field(default_factory=list)


def read_roster(path: str | Path, config: Config | None = None, agents: list[Agent] | None = None
                ) -> RosterWorkbook:
    """The one reader of a roster: a workbook written by `wfm roster` (or a CSV of its long table).

    With `agents` (and `config`), a workbook is read as it stands: HR's shift codes on the Roster sheet applied
    (`read_roster_workbook`). Without them, the `Data` sheet (or CSV) as written; `config` then checks its queues
    and interval grid. Raises `InputError` naming file, sheet, row and column."""
    if agents is not None and config is not None:
        return read_roster_workbook(path, agents, config)
    roster = read_roster_data(path, queues=set(config.queues) if config else None,
                              interval_minutes=config.centre.interval_minutes if config else None)
    return RosterWorkbook(roster, roster)


def read_roster_workbook(path: str | Path, agents: list[Agent], config: Config) -> RosterWorkbook:
    """Read the `Data` sheet and apply the Roster sheet's shift codes where HR changed them.

    A changed cell is rebuilt from its shift template (lunch and breaks placed by the rules, work on the
    agent's strongest skill); `OFF` removes the day. Training, meetings and coaching the edited days held are
    re-seated in the agent's week (`wfm.roster.sessions.reseat_sessions`), each with a note. Raises `InputError`
    naming sheet, row and column.
    """
    path = Path(path)
    roster = normalise_roster(read_roster_data(path, queues=set(config.queues),
                                               interval_minutes=config.centre.interval_minutes))
    written_as = _written_ids(agents)
    if written_as:
        roster["agent_id"] = roster["agent_id"].map(lambda aid: written_as.get(aid, aid))
        roster = roster.sort_values(["agent_id", "interval_start"], kind="stable").reset_index(drop=True)
    problems = Problems()
    if not is_xlsx(path, what="roster"):
        return RosterWorkbook(roster, roster)  # a CSV long table: no Roster sheet
    title = next((n for n in xlsx_sheet_names(path, what="roster") if n in ROSTER_SHEET_NAMES), None)
    if title is None:
        return RosterWorkbook(roster, roster)
    with closing(xlsx_rows(path, what="roster", sheet=title)) as rows:
        found = _read_grid(rows, written_as)
    if found is None:
        return RosterWorkbook(roster, roster, notes=[
            f"{path}: the {title} sheet has no row of ISO dates above an 'Agent ID' header (not a wfm "
            "roster layout), so shift codes changed on it are not read; the Data sheet is used as it is"])
    grid, days = found
    known = {a.agent_id: a for a in agents}
    for aid in sorted(set(roster["agent_id"]) - set(known)):
        problems.error(path, f"agent '{aid}' is rostered but not in the agents file", column="agent_id")
    problems.raise_if_errors()
    edited, edits = _apply_edits(roster, grid, known, config, path, problems)
    problems.raise_if_errors()
    notes: list[str] = []
    if len(edits) and days:  # sessions the edited days held go back into the agent's week
        edited, notes = reseat_sessions(roster, edited, edits, known, config, days[0], len(days))
    codes = {key: code for key, (code, _) in grid.items()}
    return RosterWorkbook(edited, roster, edits, codes, days[0] if days else None, len(days) or None, notes)


def _written_ids(agents: list[Agent]) -> dict[str, str]:
    """Agent ids the workbook holds without their control characters (an xlsx cannot hold them; the writer
    removes them): id as written -> id in the agents file, where that is unambiguous."""
    ids = {a.agent_id for a in agents}
    written: dict[str, set[str]] = {}
    for aid in ids:
        shown = clean_text(aid).strip()
        if shown != aid:
            written.setdefault(shown, set()).add(aid)
    return {shown: next(iter(orig)) for shown, orig in written.items() if len(orig) == 1 and shown not in ids}


def _read_grid(rows: Iterable[tuple[int, list[object]]], written_as: dict[str, str] | None = None
               ) -> tuple[dict[tuple[str, dt.date], tuple[str, str]], list[dt.date]] | None:
    """(agent_id, date) -> (code, cell reference) from the Roster sheet's non-empty rows (sheet row number,
    values), and its days; None if not our layout."""
    above: tuple[int, list[object]] | None = None
    header_at = None
    rows = iter(rows)
    for number, r in rows:
        if r and str(r[0]).strip() in AGENT_ID_HEADERS:
            header_at = number
            break
        above = (number, r)
    if header_at is None or above is None or above[0] != header_at - 1:
        return None
    day_cols: dict[int, dt.date] = {}
    for j, v in enumerate(above[1]):
        if v is None or v == "":
            continue
        try:
            day_cols[j] = v.date() if isinstance(v, dt.datetime) else dt.date.fromisoformat(str(v).strip())
        except ValueError:
            continue
    grid: dict[tuple[str, dt.date], tuple[str, str]] = {}
    expected = header_at + 1
    for number, r in rows:
        if number != expected or not r:
            break  # the table ends at the first empty row; the legend follows
        expected += 1
        if r[0] is None or str(r[0]).strip() == "":
            if any(v not in (None, "") for v in r[1:]) and all(j >= len(r) or r[j] in (None, "") for j in day_cols):
                continue  # a team's heading row (no agent id, no shift codes)
            break
        aid = str(r[0]).removesuffix(".0").strip()
        aid = (written_as or {}).get(aid, aid)
        for j, d in day_cols.items():
            v = r[j] if j < len(r) else None
            code = "" if v is None else str(v).strip().upper()
            grid[(aid, d)] = (code or OFF, f"{get_column_letter(j + 1)}{number}")
    return (grid, sorted(day_cols.values())) if day_cols else None


def _apply_edits(roster, grid, agents: dict[str, Agent], config: Config, path: Path, problems: Problems):
    current = shift_codes(roster, config).set_index(["agent_id", "date"])["code"].to_dict()
    edits, drop, add = [], set(), []
    for (aid, day), (code, cell) in grid.items():
        was = current.get((aid, day), OFF)
        if code == was or (code == TRAINING_DAY and was == TRAINING_DAY):
            continue
        if code == LEAVE and was == OFF:  # a day away with no shift either way: the roster is unchanged
            continue
        if aid not in agents:
            problems.error(path, f"Roster sheet cell {cell}: agent '{aid}' is not in the agents file", column=cell)
            continue
        try:
            parse_code(code, config)
        except ValueError as exc:
            problems.error(path, f"Roster sheet cell {cell}: {exc}", column=cell)
            continue
        edits.append((aid, day, was, code))
        drop.add((aid, day))
        add.append(plan_from_code(agents[aid], day, code, config))
    if not edits:
        return roster, pd.DataFrame(columns=["agent_id", "date", "was", "now"])
    keep = [(a, d) not in drop for a, d in zip(roster["agent_id"], roster["date"])]
    frames = [roster[keep]] + [f for f in add if not f.empty]
    out = pd.concat(frames, ignore_index=True).sort_values(["agent_id", "interval_start"], kind="stable")
    return out.reset_index(drop=True), pd.DataFrame(edits, columns=["agent_id", "date", "was", "now"])
