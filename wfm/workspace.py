"""Writing a workspace (config, agents workbook, history) to disk: the file edge of `wfm init` / `wfm demo`."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from wfm.atomic import write_atomic, write_csv, write_text
from wfm.readers.agents import agents_frame
from wfm.safe_text import append_row
from wfm.sample import SampleHotline

AGENT_COLUMNS_HELP = [
    ("agent_id", "required", "Unique id of the agent (工号)."),
    ("name", "required", "Name as printed on the roster."),
    ("team", "required", "Team; each team has a leader (role supervisor)."),
    ("skills", "required", "Queues the agent may serve, separated by ';', optionally with a proficiency: "
                           "billing;english:0.7"),
    ("contract_hours_week", "required", "Contract hours per week (40 full time, 20-30 part time)."),
    ("role", "optional", "agent (default) or supervisor."),
    ("min_hours_week", "optional", "Fewest hours per week the agent may be rostered."),
    ("max_hours_week", "optional", "Most hours per week, overtime included."),
    ("available_from", "optional", "Earliest shift start, HH:MM."),
    ("available_to", "optional", "Latest shift end, HH:MM."),
    ("days_off_requested", "optional", "Requested days off, YYYY-MM-DD separated by ';'."),
    ("shift_preference", "optional", "Preferred shift template codes, e.g. E or E;D."),
    ("training_until", "optional", "New hire in training until this date (YYYY-MM-DD): only trained queues."),
    ("leave", "optional", "Approved leave: dates or ranges with a type, separated by ';', e.g. "
                          "2026-12-01..2026-12-03:annual;2026-12-10:sick (types annual, sick, personal, marriage, "
                          "maternity, compensatory; annual when omitted). No shift that day, shown as LEAVE; a day "
                          "excuses a fifth of the weekly contract and is not a rest day."),
]


def write_agents_xlsx(agents_table, path: Path, *, force: bool) -> Path:
    """The agents workbook: the table on the first sheet (header in row 1), column help on the second."""

    def build(tmp: Path) -> None:
        wb = Workbook()
        ws = wb.active
        ws.title = "Agents"
        ws.append(list(agents_table.columns))
        for row in agents_table.itertuples(index=False):
            append_row(ws, [None if v is None or v != v else v for v in row])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        for i, col in enumerate(agents_table.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(12, len(col) + 2)
        ws.freeze_panes = "B2"
        ws.auto_filter.ref = ws.dimensions
        help_ws = wb.create_sheet("Columns")
        help_ws.append(["column", "required?", "meaning"])
        for row in AGENT_COLUMNS_HELP:
            help_ws.append(list(row))
        for cell in help_ws[1]:
            cell.font = Font(bold=True)
        help_ws.column_dimensions["A"].width = 22
        help_ws.column_dimensions["C"].width = 90
        wb.save(tmp)

    return write_atomic(path, build, force=force)


def write_workspace(sample: SampleHotline, out_dir: str | Path, *, force: bool = False) -> dict[str, Path]:
    """Write `config.toml`, `agents.xlsx` and `history.csv` into `out_dir`; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"config": out / "config.toml", "agents": out / "agents.xlsx", "history": out / "history.csv"}
    existing = [p for p in paths.values() if p.exists()]
    if existing and not force:
        from wfm.errors import OutputExistsError

        raise OutputExistsError(existing[0])
    write_text(sample.config_text, paths["config"], force=True)
    write_agents_xlsx(agents_frame(sample.agents), paths["agents"], force=True)
    history = sample.history.copy()
    history["interval_start"] = history["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    write_csv(history, paths["history"], force=True)
    return paths
