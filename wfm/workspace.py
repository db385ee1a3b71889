"""Writing a workspace (config, agents workbook, history) to disk: the file edge of `wfm init` / `wfm demo`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from wfm.atomic import OutputError, csv_writer, text_writer, write_atomic, write_group
from wfm.readers.agents import agents_frame
from wfm.sample import SampleHotline
from wfm.xlsx_table import write_table

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
    ("contract_type", "optional", "full_time (default) or part_time (非全日制: at most 4 h a day on average, "
                                  "24 h a week)."),
    ("service_years", "optional", "Cumulative years of work (累计工作年限): the annual-leave entitlement by the "
                                  "config's [leave] annual_days (5/10/15 days at 1/10/20 years)."),
    ("annual_leave_taken", "optional", "Days of annual leave already taken this year and not listed in leave."),
]


def write_agents_xlsx(agents_table, path: Path, *, force: bool) -> Path:
    """The agents workbook: the table on the first sheet (header in row 1), column help on the second."""
    return write_atomic(path, agents_xlsx_writer(agents_table), force=force)


def agents_xlsx_writer(agents_table) -> Callable[[Path], None]:
    """A writer of the agents workbook (for `wfm.atomic`)."""

    def build(tmp: Path) -> None:
        wb = Workbook()
        ws = wb.active
        ws.title = "Agents"
        write_table(ws, agents_table.columns, agents_table.itertuples(index=False), freeze="B2", autofilter=True,
                    widths=lambda col: max(12, len(col) + 2))
        write_table(wb.create_sheet("Columns"), ["column", "required?", "meaning"], AGENT_COLUMNS_HELP,
                    widths={"A": 22, "C": 90})
        wb.save(tmp)

    return build


def write_workspace(sample: SampleHotline, out_dir: str | Path, *, force: bool = False) -> dict[str, Path]:
    """Write `config.toml`, `agents.xlsx` and `history.csv` into `out_dir` as one group (none is put in place
    unless all are written; without `force` none may exist); returns the paths."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"cannot write the workspace in {out}: it is a file, not a folder")
    paths = {"config": out / "config.toml", "agents": out / "agents.xlsx", "history": out / "history.csv"}
    history = sample.history.copy()
    history["interval_start"] = history["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    write_group([(paths["config"], text_writer(sample.config_text)),
                 (paths["agents"], agents_xlsx_writer(agents_frame(sample.agents))),
                 (paths["history"], csv_writer(history))], force=force)
    return paths
