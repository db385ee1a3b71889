"""Reading a roster workbook back, including shift codes HR changed by hand on the Roster sheet."""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
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
from wfm.readers.xlsx import EXCEL_ERRORS
from wfm.safe_text import clean_text

ROSTER_SHEET_NAMES = set(TEXT["sheet_roster"])
WRITTEN_SHEET_NAMES = {name for key in ("sheet_detail", "sheet_coverage", "sheet_summary")
                       for name in TEXT[key]} | {"Data"}
LEGEND_HEADINGS = set(TEXT["legend"])
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


def read_roster(path: str | Path, config: Config | None = None, agents: list[Agent] | None = None, *,
                earlier: bool = False) -> RosterWorkbook:
    """The one reader of a roster: a workbook written by `wfm roster` (or a CSV of its long table).

    With `agents` (and `config`), a workbook is read as it stands: HR's shift codes on the Roster sheet applied
    (`read_roster_workbook`; `earlier`: a previous period's roster, whose people no longer in `agents` are left
    out). Without them, the `Data` sheet (or CSV) as written; `config` then checks its queues and interval grid.
    Raises `InputError` naming file, sheet, row and column."""
    if agents is not None and config is not None:
        return read_roster_workbook(path, agents, config, earlier=earlier)
    roster = read_roster_data(path, queues=set(config.queues) if config else None,
                              interval_minutes=config.centre.interval_minutes if config else None)
    return RosterWorkbook(roster, roster)


def read_roster_workbook(path: str | Path, agents: list[Agent], config: Config, *,
                         earlier: bool = False) -> RosterWorkbook:
    """Read the `Data` sheet and apply the Roster sheet's shift codes where HR changed them.

    A changed cell is rebuilt from its shift template (lunch and breaks placed by the rules, work on the
    agent's strongest skill); `OFF` removes the day. Training, meetings and coaching the edited days held are
    re-seated in the agent's week (`wfm.roster.sessions.reseat_sessions`), each with a note. `earlier`: the
    roster of a previous period, whose people who are not in `agents` (they have left) are left out rather than
    errors. Raises `InputError` naming sheet, row and column.
    """
    path = Path(path)
    roster = normalise_roster(read_roster_data(path, queues=set(config.queues),
                                               interval_minutes=config.centre.interval_minutes))
    written_as = _written_ids(agents)
    if written_as:
        roster["agent_id"] = roster["agent_id"].map(lambda aid: written_as.get(aid, aid))
        roster = roster.sort_values(["agent_id", "interval_start"], kind="stable").reset_index(drop=True)
    if earlier:
        roster = roster[roster["agent_id"].isin({a.agent_id for a in agents})].reset_index(drop=True)
    problems = Problems()
    if not is_xlsx(path, what="roster"):
        return RosterWorkbook(roster, roster)  # a CSV long table: no Roster sheet
    found, notes = _find_grid(path, written_as, {a.agent_id for a in agents}, problems)
    problems.raise_if_errors()
    if found is None:
        return RosterWorkbook(roster, roster, notes=notes)
    grid, days = found
    if earlier:
        known_ids = {a.agent_id for a in agents}
        grid = {key: cell for key, cell in grid.items() if key[0] in known_ids}
    _check_days(roster, days, path, problems)
    known = {a.agent_id: a for a in agents}
    for aid in sorted(set(roster["agent_id"]) - set(known)):
        problems.error(path, f"agent '{aid}' is rostered but not in the agents file", column="agent_id")
    problems.raise_if_errors()
    edited, edits = _apply_edits(roster, grid, known, config, path, problems)
    problems.raise_if_errors()
    if len(edits) and days:  # sessions the edited days held go back into the agent's week
        edited, reseated = reseat_sessions(roster, edited, edits, known, config, days[0], len(days))
        notes += reseated
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


def _find_grid(path: Path, written_as: dict[str, str], known: set[str], problems: Problems
               ) -> tuple[tuple[dict, list[dt.date]] | None, list[str]]:
    """The Roster sheet's codes: the sheet named Roster (排班表), or else the first other sheet in its layout
    (HR renamed it), with a note; (None, notes) when no sheet has the layout."""
    names = xlsx_sheet_names(path, what="roster")
    named = [n for n in names if n in ROSTER_SHEET_NAMES]
    others = [n for n in names if n not in ROSTER_SHEET_NAMES and n not in WRITTEN_SHEET_NAMES]
    for title in named + others:
        with closing(xlsx_rows(path, what="roster", sheet=title)) as rows:
            notes: list[str] = []
            found = _read_grid(rows, written_as, path, problems, known, notes)
        if found is not None:
            if title not in named:
                notes.insert(0, f"{path}: no sheet is named {' or '.join(TEXT['sheet_roster'])}; shift codes read "
                                f"from sheet '{title}', which has the Roster sheet's layout")
            return found, notes
    where = f"the {named[0]} sheet has no" if named else "no sheet has a"
    return None, [f"{path}: {where} row of ISO dates above an 'Agent ID' header (not a wfm roster "
                  "layout), so shift codes changed on it are not read; the Data sheet is used as it is"]


def _read_grid(rows: Iterable[tuple[int, list[object]]], written_as: dict[str, str] | None = None,
               path: Path | str = "roster", problems: Problems | None = None, known: set[str] | None = None,
               notes: list[str] | None = None
               ) -> tuple[dict[tuple[str, dt.date], tuple[str, str]], list[dt.date]] | None:
    """(agent_id, date) -> (code, cell reference) from the Roster sheet's non-empty rows (sheet row number,
    values), and its days; None if not our layout.

    The table runs from the header to the legend: blank rows HR inserted and team heading rows (no agent id, no
    codes) are passed over, and so are rows without codes whose id is not one of the `known` agents (notes HR
    typed below the table); a row with codes but no agent id, and an agent on two rows, are errors in
    `problems` (a row read as the end of the table would drop every edit below it unseen). Below a blank row, a
    row with codes that is not a `known` agent's (a totals row HR added) is left out with a note in `notes`."""
    problems = problems if problems is not None else Problems()
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
    day_cols = _day_columns(above[1])
    if not day_cols:
        return None
    grid: dict[tuple[str, dt.date], tuple[str, str]] = {}
    seen: dict[str, int] = {}
    previous, gap = header_at, False
    for number, r in rows:
        gap, previous = gap or number != previous + 1, number
        first = "" if not r or r[0] is None else str(r[0]).strip()
        if first in LEGEND_HEADINGS:
            break
        has_codes = any(j < len(r) and r[j] not in (None, "") for j in day_cols)
        if gap and has_codes and known is not None and (written_as or {}).get(first, first) not in known:
            label = first or next((str(v) for v in r[1:] if v not in (None, "")), "")
            if notes is not None:
                notes.append(f"{path}: Roster sheet row {number} ('{label}') below a blank row is not an agent's "
                             "row (no agent of the agents file): not read")
            continue
        if first == "":
            if has_codes:
                problems.error(path, f"Roster sheet row {number} has shift codes but no agent id in column A",
                               row=number, column="A")
            continue  # a blank row or a team's heading row
        aid = (written_as or {}).get(first.removesuffix(".0"), first.removesuffix(".0"))
        codes = {d: _code(r[j] if j < len(r) else None) for j, d in day_cols.items()}
        if not has_codes and known is not None and aid not in known:
            continue
        if aid in seen:  # a row copied as it is changes nothing; one with other codes is ambiguous
            if any(grid[(aid, d)][0] != code for d, code in codes.items()):
                problems.error(path, f"Roster sheet row {number}: agent '{aid}' is already on row {seen[aid]} "
                                     "with other shift codes; an agent has one row", row=number, column="A")
            continue
        seen[aid] = number
        for j, d in day_cols.items():
            grid[(aid, d)] = (codes[d], f"{get_column_letter(j + 1)}{number}")
    return grid, sorted(day_cols.values())


def _check_days(roster: pd.DataFrame, days: list[dt.date], path: Path, problems: Problems) -> None:
    """Every day the Data sheet has shifts on has its column on the Roster sheet; a date HR removed or retyped
    in the row of dates would otherwise read every shift of that day as outside the period."""
    shown = set(days)
    missing = sorted({d for d in pd.to_datetime(roster["date"]).dt.date if d not in shown
                      and days[0] - dt.timedelta(days=1) <= d <= days[-1] + dt.timedelta(days=1)}
                     | {days[0] + dt.timedelta(days=i) for i in range((days[-1] - days[0]).days)
                        if days[0] + dt.timedelta(days=i) not in shown})
    if missing:
        problems.error(path, f"the Roster sheet has no column dated {', '.join(map(str, missing[:3]))} in its row "
                             "of dates above the 'Agent ID' header, and the roster holds that day: write the date "
                             "back (YYYY-MM-DD) above its column")


def _day_columns(cells: list[object]) -> dict[int, dt.date]:
    """Column index -> roster day from the row of ISO dates (or Excel dates) above the header."""
    day_cols: dict[int, dt.date] = {}
    for j, v in enumerate(cells):
        if v is None or v == "":
            continue
        try:
            day_cols[j] = v.date() if isinstance(v, dt.datetime) else dt.date.fromisoformat(str(v).strip())
        except ValueError:
            continue
    return day_cols


def _code(value: object) -> str:
    """A cell's shift code as HR typed it: full-width characters of a Chinese input method made plain
    (`Ｅ０７００` -> `E0700`), spaces dropped, upper case; empty is OFF."""
    code = "".join(unicodedata.normalize("NFKC", "" if value is None else str(value)).split()).upper()
    return code or OFF


def _apply_edits(roster, grid, agents: dict[str, Agent], config: Config, path: Path, problems: Problems):
    current = shift_codes(roster, config).set_index(["agent_id", "date"])["code"].to_dict()
    edits, drop, add = [], set(), []
    unknown: dict[str, str] = {}  # agent id not in the agents file -> its first cell with a shift code
    for (aid, day), (code, cell) in grid.items():
        was = current.get((aid, day), OFF)
        if code == was or (code == TRAINING_DAY and was == TRAINING_DAY):
            continue
        if code == LEAVE and was == OFF:  # a day away with no shift either way: the roster is unchanged
            continue
        if aid not in agents:
            unknown.setdefault(aid, cell)
            continue
        if code in EXCEL_ERRORS:
            problems.error(path, f"Roster sheet cell {cell}: {code} is an Excel error value (a formula that failed), "
                                 f"not a shift code", column=cell)
            continue
        try:
            parse_code(code, config, cap_overtime=False)
        except ValueError as exc:
            problems.error(path, f"Roster sheet cell {cell}: {exc}", column=cell)
            continue
        edits.append((aid, day, was, code))
        drop.add((aid, day))
        add.append(plan_from_code(agents[aid], day, code, config, cap_overtime=False))
    for aid, cell in unknown.items():  # one error a row: a mistyped id, or someone missing from the agents file
        row = cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        like = difflib.get_close_matches(aid, [a for a in agents if a not in {k[0] for k in grid}], n=1)
        hint = f" (did you mean '{like[0]}'?)" if like else ""
        problems.error(path, f"Roster sheet row {row}: agent '{aid}' is not in the agents file{hint}",
                       row=int(row), column="A")
    if not edits:
        return roster, pd.DataFrame(columns=["agent_id", "date", "was", "now"])
    keep = [(a, d) not in drop for a, d in zip(roster["agent_id"], roster["date"])]
    frames = [roster[keep]] + [f for f in add if not f.empty]
    out = pd.concat(frames, ignore_index=True).sort_values(["agent_id", "interval_start"], kind="stable")
    return out.reset_index(drop=True), pd.DataFrame(edits, columns=["agent_id", "date", "was", "now"])
