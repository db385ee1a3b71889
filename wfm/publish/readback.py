"""Reading a roster workbook back, including shift codes HR changed by hand on the Roster sheet."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from wfm.config import Config
from wfm.errors import InputError, Problems
from wfm.publish.codes import OFF, ROSTER_COLUMNS, TRAINING_DAY, parse_code, plan_from_code, shift_codes
from wfm.publish.i18n import TEXT
from wfm.readers.agents import Agent

ACTIVITIES = {"work", "break", "lunch", "training", "meeting", "coaching"}
ROSTER_SHEET_NAMES = set(TEXT["sheet_roster"])
AGENT_ID_HEADERS = set(TEXT["agent_id"]) | {"agent_id"}


@dataclass
class RosterWorkbook:
    """The long roster table as it stands after any hand edits, and the edits found."""

    roster: pd.DataFrame
    edits: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["agent_id", "date", "was", "now"]))
    start: dt.date | None = None
    days: int = 0


def read_roster_workbook(path: str | Path, agents: list[Agent], config: Config) -> RosterWorkbook:
    """Read the `Data` sheet and apply the Roster sheet's shift codes where HR changed them.

    A changed cell is rebuilt from its shift template (lunch and breaks placed by the rules, work on the
    agent's strongest skill); `OFF` removes the day. Raises `InputError` naming sheet, row and column.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("roster workbook not found", file=path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"not a readable Excel workbook: {exc}", file=path) from None
    try:
        if "Data" not in wb.sheetnames:
            raise InputError(f"the workbook has no 'Data' sheet (sheets: {', '.join(wb.sheetnames)})", file=path)
        problems = Problems()
        roster = _read_data(wb["Data"], path, problems)
        problems.raise_if_errors()
        sheet = next((wb[n] for n in wb.sheetnames if n in ROSTER_SHEET_NAMES), None)
        if sheet is None:
            return RosterWorkbook(roster)
        grid, days = _read_grid(sheet, path, problems)
        problems.raise_if_errors()
    finally:
        wb.close()
    known = {a.agent_id: a for a in agents}
    for aid in sorted(set(roster["agent_id"]) - set(known)):
        problems.error(path, f"agent '{aid}' is rostered but not in the agents file", column="agent_id")
    problems.raise_if_errors()
    roster, edits = _apply_edits(roster, grid, known, config, path, problems)
    problems.raise_if_errors()
    return RosterWorkbook(roster, edits, days[0] if days else None, len(days))


def _read_data(ws, path: Path, problems: Problems) -> pd.DataFrame:
    rows = ws.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    missing = [c for c in ROSTER_COLUMNS if c not in header]
    if missing:
        raise InputError(f"sheet 'Data' lacks column(s) {', '.join(missing)} in row 1", file=path)
    idx = [header.index(c) for c in ROSTER_COLUMNS]
    data = [[r[i] if i < len(r) else None for i in idx] for r in rows if r and any(v is not None for v in r)]
    frame = pd.DataFrame(data, columns=ROSTER_COLUMNS)
    where = f"{path} (sheet Data)"
    frame["agent_id"] = frame["agent_id"].map(lambda v: "" if v is None else str(v).removesuffix(".0").strip())
    for col in ("date", "interval_start"):
        parsed = pd.to_datetime(frame[col].astype("string"), errors="coerce", format="mixed")
        for i in frame.index[parsed.isna()][:20]:
            problems.error(where, f"not a date{'-time' if col == 'interval_start' else ''}: {frame.at[i, col]!r}",
                           row=int(i) + 2, column=col)
        frame[col] = parsed
    bad = ~frame["activity"].isin(sorted(ACTIVITIES))
    for i in frame.index[bad][:20]:
        problems.error(where, f"activity {frame.at[i, 'activity']!r} is not one of {', '.join(sorted(ACTIVITIES))}",
                       row=int(i) + 2, column="activity")
    no_queue = (frame["activity"] == "work") & frame["queue"].isna()
    for i in frame.index[no_queue][:20]:
        problems.error(where, "a work interval needs a queue", row=int(i) + 2, column="queue")
    for i in frame.index[frame["agent_id"] == ""][:20]:
        problems.error(where, "missing agent_id", row=int(i) + 2, column="agent_id")
    dup = frame.duplicated(["agent_id", "interval_start"]) & frame["interval_start"].notna()
    for i in frame.index[dup][:20]:
        problems.error(where, "the agent has two activities in the same interval", row=int(i) + 2,
                       column="interval_start")
    if problems.errors:
        return frame
    frame["date"] = frame["date"].dt.date
    frame["queue"] = frame["queue"].map(lambda q: q if isinstance(q, str) and q else None)
    return frame


def _read_grid(ws, path: Path, problems: Problems) -> tuple[dict[tuple[str, dt.date], tuple[str, str]], list[dt.date]]:
    """(agent_id, date) -> (code, cell reference) from the Roster sheet; and its days."""
    where = f"{path} (sheet {ws.title})"
    rows = list(ws.iter_rows(values_only=True))
    header_at = next((i for i, r in enumerate(rows) if r and str(r[0]).strip() in AGENT_ID_HEADERS), None)
    if header_at is None or header_at == 0:
        raise InputError(f"{where}: cannot find the header row (first cell 'Agent ID')", file=path)
    date_row = rows[header_at - 1]
    day_cols: dict[int, dt.date] = {}
    for j, v in enumerate(date_row):
        if v is None:
            continue
        try:
            day_cols[j] = v.date() if isinstance(v, dt.datetime) else dt.date.fromisoformat(str(v).strip())
        except ValueError:
            continue
    grid: dict[tuple[str, dt.date], tuple[str, str]] = {}
    for i in range(header_at + 1, len(rows)):
        r = rows[i]
        if not r or r[0] is None or str(r[0]).strip() == "":
            break  # the table ends at the first empty row; the legend follows
        aid = str(r[0]).removesuffix(".0").strip()
        for j, d in day_cols.items():
            v = r[j] if j < len(r) else None
            code = "" if v is None else str(v).strip().upper()
            grid[(aid, d)] = (code or OFF, f"{get_column_letter(j + 1)}{i + 1}")
    return grid, sorted(day_cols.values())


def _apply_edits(roster, grid, agents: dict[str, Agent], config: Config, path: Path, problems: Problems):
    current = shift_codes(roster, config).set_index(["agent_id", "date"])["code"].to_dict()
    edits, drop, add = [], set(), []
    for (aid, day), (code, cell) in grid.items():
        was = current.get((aid, day), OFF)
        if code == was or (code == TRAINING_DAY and was == TRAINING_DAY):
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
