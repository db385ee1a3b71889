"""The roster workbook HR receives: Roster, Detail, Coverage, Summary and Data sheets (openpyxl, streamed).

Printing: Roster and Detail print at 100% on A4 (up to 7 days) or A3, a page per team on Roster and a page per day
on Detail, the columns split by week where a row is wider than the paper; Coverage prints its charts, Summary fits
the page width; the Data sheet is hidden (it is for machines: `wfm check`, `wfm simulate`, scripts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from wfm.atomic import write_atomic
from wfm.calendar import clock, day_calendar
from wfm.config import Config
from wfm.publish.codes import LEAVE, OFF, ROSTER_COLUMNS, TRAINING_DAY, normalise_roster
from wfm.publish.figures import RosterFigures, roster_figures
from wfm.publish.i18n import marks, queue_label, text, weekday
from wfm.publish.layout import (SMALL_PT, break_columns, break_rows, column_points, display_width, paper_and_breaks,
                                print_setup)
from wfm.publish.style import HEADER_FILL, HOLIDAY_FILL, WEEKEND_FILL, Styler
from wfm.readers.agents import Agent
from wfm.safe_text import safe_value
from wfm.xlsx_table import cell_value, write_table

if TYPE_CHECKING:
    from wfm.roster.stats import ShortQueue

SHIFT_COLOURS = ["FFE699", "C6E0B4", "BDD7EE", "B4A7D6", "F8CBAD", "FFD966", "A9D08E", "9BC2E6", "D9D2E9"]
SPECIAL_COLOURS = {OFF: "FFFFFF", LEAVE: "F2F2F2", TRAINING_DAY: "00B0A0"}


def write_roster_workbook(path: str | Path, roster: pd.DataFrame, agents: list[Agent], config: Config, *,
                          start: dt.date, days: int, requirements: pd.DataFrame | None = None,
                          violations: pd.DataFrame | None = None, simulated_sl: dict[str, float] | None = None,
                          extra_sheets: Sequence[tuple[str, pd.DataFrame]] = (), force: bool = False,
                          previous: pd.DataFrame | None = None, reproducible: bool = True,
                          score: object = None, short_queues: Sequence[ShortQueue] = ()) -> Path:
    """Write the workbook atomically. `roster` is the long table (`agent_id, date, interval_start, activity,
    queue`); `violations` (columns `rule, agent_id, date, message`) is the checker's result, if run;
    `extra_sheets` (title, table) are written after the Data sheet (e.g. the intraday change list); `previous`
    the previous roster's long table (its night shifts count in this period's first hours); `reproducible` False
    puts the roster search's "not reproducible on this run" on the Summary sheet; `score` (the checker's
    `wfm.roster.score.ScoreBreakdown`) adds the objective's terms to it; `short_queues` (the roster's
    `RosterStats.short_queue_facts`) a warning line per queue its simulation check left under target."""
    from wfm.publish.coverage_sheet import coverage_sheet
    from wfm.publish.detail_sheet import detail_sheet
    from wfm.publish.summary_sheet import summary_sheet

    roster = normalise_roster(roster)
    figures = roster_figures(roster, agents, config, start, days, requirements, previous=previous)

    def build(tmp: Path) -> None:
        lang = config.centre.language
        wb = Workbook(write_only=True)
        cal = day_calendar(start, start + dt.timedelta(days=days - 1), config.centre.country,
                           extra_holidays=config.calendar.extra_holidays,
                           extra_workdays=config.calendar.extra_workdays)
        ordered = team_order(agents)
        _roster_sheet(wb.create_sheet(text("sheet_roster", lang)), figures, ordered, config, cal, lang)
        detail_sheet(wb.create_sheet(text("sheet_detail", lang)), roster, ordered, config, figures, lang)
        coverage_sheet(wb.create_sheet(text("sheet_coverage", lang)), figures, config, lang)
        summary_sheet(wb.create_sheet(text("sheet_summary", lang)), figures, config, start, days, violations,
                      simulated_sl, lang, reproducible, score, short_queues)
        _data_sheet(wb.create_sheet("Data"), roster)
        for title, table in extra_sheets:
            _table_sheet(wb.create_sheet(title), table)
        wb.save(tmp)

    return write_atomic(path, build, force=force)


def write_tables_workbook(path: str | Path, sheets: Sequence[tuple[str, pd.DataFrame]], *,
                          force: bool = False) -> Path:
    """A workbook of plain tables, one sheet each (title, table), written atomically."""
    def build(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        for title, table in sheets:
            _table_sheet(wb.create_sheet(title), table)
        wb.save(tmp)

    return write_atomic(path, build, force=force)


def team_order(agents: list[Agent]) -> list[Agent]:
    """Agents grouped by team (teams in name order), supervisors first, otherwise in the agents file's order."""
    pos = {id(a): i for i, a in enumerate(agents)}
    return sorted(agents, key=lambda a: (a.team, not a.is_supervisor, pos[id(a)]))


def sheet_header(config: Config, sheet_key: str, days: list[dt.date], lang: str) -> str:
    """The printed page header: centre, sheet, period (`&` doubled: it is a header control character)."""
    return text("header", lang, centre=config.centre.name, sheet=text(sheet_key, lang), first=days[0],
                last=days[-1]).replace("&", "&&")


def shift_colour(code: str, config: Config) -> str:
    """Fill colour of a shift code: one per template letter."""
    if code in SPECIAL_COLOURS:
        return SPECIAL_COLOURS[code]
    letters = [t.code for t in config.shifts]
    i = letters.index(code[0]) if code[:1] in letters else len(letters)
    return SHIFT_COLOURS[i % len(SHIFT_COLOURS)]


def role_of(agent: Agent, start: dt.date, lang: str) -> str:
    """Supervisor, trainee (in training during the period) or nothing."""
    if agent.is_supervisor:
        return text("role_supervisor", lang)
    if agent.training_until is not None and agent.training_until >= start:
        return text("role_trainee", lang)
    return ""


def _roster_sheet(ws: Worksheet, f: RosterFigures, agents: list[Agent], config: Config, cal: pd.DataFrame,
                  lang: str) -> None:
    s = Styler(ws)
    n_weeks = (len(f.days) + 6) // 7
    mark = marks(config, lang)
    skills = {a.agent_id: " ".join(mark.get(q, q) for q in a.skills) for a in agents}
    fixed = [text(k, lang) for k in ("agent_id", "name", "team", "role", "skills", "contract")]
    day_heads = [f"{weekday(d, lang)}\n{d:%m-%d}" for d in f.days]
    week_cols = n_weeks if n_weeks > 1 else 0  # a one-week roster's week total is its total
    tail = [text("week_hours", lang, n=w + 1) for w in range(week_cols)] + [text("total_hours", lang),
                                                                           text("vs_contract", lang)]
    widest = lambda values, lo, hi: min(max([lo] + [display_width(v) + 1 for v in values]), hi)  # noqa: E731
    widths = [widest([a.agent_id for a in agents], 8, 16), widest([a.name for a in agents], 8, 18),
              widest([a.team for a in agents], 6, 14), widest([role_of(a, f.days[0], lang) for a in agents], 5, 12),
              widest(skills.values(), 6, 20), 8] + [7] * len(f.days) + [6] * (len(tail) - 1) + [7]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "G4"  # write-only sheets need view and print settings before the first row
    paper = _week_breaks(ws, widths, len(fixed), len(f.days))
    print_setup(ws, paper=paper, title_rows="3:3", title_cols="A:B",
                header=sheet_header(config, "sheet_roster", f.days, lang), footer=text("footer", lang))
    ws.page_setup.pageOrder = "overThenDown"  # a team's weeks on consecutive pages
    shade = {r.date: HOLIDAY_FILL if r.holiday_period else (WEEKEND_FILL if not r.is_workday else None)
             for r in cal.itertuples(index=False)}
    ws.append([s.cell(f"{text('title', lang)} — {config.centre.name} — {f.days[0]} … {f.days[-1]}", bold=True,
                      size=12)])
    # ISO dates above the day columns: what `wfm check` reads back, whatever the header language
    ws.append([None] * len(fixed) + [s.cell(d.isoformat(), center=True, font_colour="808080", size=SMALL_PT)
                                     for d in f.days])
    ws.append([s.cell(h, bold=True, fill=(shade.get(f.days[i - len(fixed)]) or HEADER_FILL)
                      if len(fixed) <= i < len(fixed) + len(f.days) else HEADER_FILL, center=True, border=True,
                      wrap=True) for i, h in enumerate(fixed + day_heads + tail)])
    hours = f.hours.set_index("agent_id")
    row_no, breaks = 3, []
    for team, members in _teams(agents):
        if row_no > 3:
            breaks.append(row_no)
        ws.append([None, s.cell(text("team_heading", lang, team=team, n=len(members)), bold=True, size=11)])
        row_no += 1
        for a in members:
            ws.append(_agent_row(s, a, f, hours, shade, skills[a.agent_id], week_cols, config, lang))
            row_no += 1
    break_rows(ws, breaks)
    ws.auto_filter.ref = f"A3:{get_column_letter(len(widths))}{row_no}"
    first_day = get_column_letter(len(fixed) + 1)
    _code_dropdown(ws, config, f"{first_day}4:{get_column_letter(len(fixed) + len(f.days))}{row_no}", lang)
    ws.append([])
    _legend(ws, s, config, mark, lang)


def _teams(agents: list[Agent]) -> list[tuple[str, list[Agent]]]:
    out: dict[str, list[Agent]] = {}
    for a in agents:
        out.setdefault(a.team, []).append(a)
    return list(out.items())


def _agent_row(s: Styler, a: Agent, f: RosterFigures, hours: pd.DataFrame, shade: dict, skills: str, weeks: int,
               config: Config, lang: str) -> list:
    row = [s.cell(a.agent_id, border=True), s.cell(a.name, border=True), s.cell(a.team, border=True),
           s.cell(role_of(a, f.days[0], lang), border=True, bold=a.is_supervisor), s.cell(skills, border=True),
           s.cell(a.contract_hours_week, border=True)]
    for d in f.days:
        code = f.grid.loc[a.agent_id, d]
        fill = shade.get(d) if code == OFF else shift_colour(code, config)
        row.append(s.cell(code, fill=fill, center=True, border=True))
    h = hours.loc[a.agent_id]
    row += [s.cell(round(float(h[f"week_{w + 1}"]), 2), border=True, number_format="0.0") for w in range(weeks)]
    row += [s.cell(round(float(h["total"]), 2), border=True, number_format="0.0"),
            s.cell(round(float(h["vs_contract"]), 2), border=True, number_format="+0.0;-0.0;0")]
    return row


def _week_breaks(ws: Worksheet, widths: list[float], n_fixed: int, n_days: int) -> int:
    """Column page breaks between weeks where a row is wider than the paper (title columns A:B repeat on each
    page); returns the paper."""
    pts = [column_points(w) for w in widths]
    groups = [sum(pts[n_fixed + w:min(n_fixed + w + 7, n_fixed + n_days)]) for w in range(0, n_days, 7)]
    groups[-1] += sum(pts[n_fixed + n_days:])  # the hour totals stay with the last week
    paper, starts = paper_and_breaks(groups, sum(pts[:n_fixed]), sum(pts[:2]))
    break_columns(ws, [n_fixed + 7 * g for g in starts])
    return paper


def _code_dropdown(ws: Worksheet, config: Config, cells: str, lang: str) -> None:
    """A list of the valid shift codes on the day cells (Excel and LibreOffice show it as a dropdown)."""
    codes = [OFF, LEAVE, TRAINING_DAY] + [t.code + clock(m, "") for t in config.shifts
                                           for m in sorted(t.start_minutes)]
    formula = '"' + ",".join(codes) + '"'
    if len(formula) > 255:  # Excel's limit for an inline list: accept any text, `wfm check` still checks it
        return
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                        errorTitle=text("invalid_code", lang), error=text("invalid_code_hint", lang))
    dv.add(cells)
    ws.data_validations.append(dv)


def _clock(minutes: int) -> str:
    return clock(minutes, wrap=True)


def _legend(ws: Worksheet, s: Styler, config: Config, mark: dict[str, str], lang: str) -> None:
    """Shift templates with start and end times, paid hours and lunch; day codes; colours; queue letters."""
    from wfm.publish.codes import plan_lunch_minutes

    ws.append([s.cell(text("legend", lang), bold=True)])
    for t in config.shifts:
        lunch = plan_lunch_minutes(t, config)
        paid = (t.length_minutes - (0 if config.breaks.lunch_paid else lunch)) / 60
        note = text("lunch_paid" if config.breaks.lunch_paid else "lunch_unpaid", lang, m=lunch) if lunch else ""
        lines = []
        for m in sorted(t.start_minutes):
            end = m + t.length_minutes
            lines.append(text("legend_shift", lang, name=f"{t.code}{_clock(m).replace(':', '')} {t.name}",
                              start=_clock(m), end=_clock(end), paid=round(paid, 2), lunch=note,
                              next_day=text("next_day", lang) if end > 1440 else ""))
        ws.append([s.cell(text("code_pattern", lang, letter=t.code), fill=shift_colour(t.code, config), center=True,
                          border=True), None, s.cell(lines[0])])
        for line in lines[1:]:
            ws.append([None, None, s.cell(line)])
    for code, key in ((OFF, "off"), (LEAVE, "leave"), (TRAINING_DAY, "training_day")):
        ws.append([s.cell(code, fill=SPECIAL_COLOURS[code], center=True, border=True), None, s.cell(text(key, lang))])
    ws.append([s.cell("", fill=WEEKEND_FILL, border=True), None, s.cell(text("weekend", lang))])
    ws.append([s.cell("", fill=HOLIDAY_FILL, border=True), None, s.cell(text("holiday", lang))])
    ws.append([s.cell(text("legend_queues", lang), bold=True)])
    for q in config.queues:
        ws.append([s.cell(mark[q], center=True, border=True), None, s.cell(queue_label(config, q))])


def _table_sheet(ws: Worksheet, table: pd.DataFrame) -> None:
    """A plain table in the house style; dates as ISO text, a missing one (NaT) an empty cell; text from input
    files is written as text."""
    def iso(v: object) -> object:
        v = cell_value(v)
        return v.isoformat() if hasattr(v, "isoformat") else v
    write_table(ws, table.columns, ([iso(v) for v in rec] for rec in table.itertuples(index=False)))


def _data_sheet(ws: Worksheet, roster: pd.DataFrame) -> None:
    """The machine-readable long table that `wfm check` and `wfm simulate` read back; hidden, so it is not
    printed (openpyxl, pandas and `wfm` read a hidden sheet as any other)."""
    ws.sheet_state = "hidden"
    ws.append(ROSTER_COLUMNS)
    data = roster[ROSTER_COLUMNS]
    # agent ids and queue names came from input files: written as text (safe_value), never as formulas
    dates = [d.isoformat() for d in pd.to_datetime(data["date"]).dt.date]
    stamps = data["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S").tolist()
    for aid, d, ts, act, q in zip(data["agent_id"].astype(str), dates, stamps, data["activity"], data["queue"]):
        ws.append([safe_value(ws, aid), d, ts, act, safe_value(ws, q) if isinstance(q, str) and q else None])
