"""The roster workbook HR receives: Roster, Detail, Coverage, Summary and Data sheets (openpyxl, streamed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from wfm.atomic import write_atomic
from wfm.calendar import day_calendar
from wfm.config import Config
from wfm.publish.codes import LEAVE, OFF, ROSTER_COLUMNS, TRAINING_DAY, normalise_roster
from wfm.publish.figures import RosterFigures, roster_figures
from wfm.publish.i18n import text, weekday
from wfm.readers.agents import Agent
from wfm.safe_text import safe_value, set_cell

SHIFT_COLOURS = ["FFE699", "C6E0B4", "BDD7EE", "B4A7D6", "F8CBAD", "FFD966", "A9D08E", "9BC2E6", "D9D2E9"]
QUEUE_COLOURS = ["5B9BD5", "ED7D31", "C00000", "BF9000", "70AD47", "7030A0", "4472C4", "A5A5A5", "264478"]
ACTIVITY_COLOURS = {"break": "D9D9D9", "lunch": "BFBFBF", "training": "00B0A0", "meeting": "00808A",
                    "coaching": "66C2B8"}
SPECIAL_COLOURS = {OFF: "FFFFFF", LEAVE: "F2F2F2", TRAINING_DAY: "00B0A0"}
WEEKEND_FILL = "EDEDED"
HOLIDAY_FILL = "FCE4D6"
HEADER_FILL = "DDEBF7"
BOLD = Font(bold=True)
THIN = Side(style="thin", color="BFBFBF")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center")


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)


class _Styler:
    """Cells for a write-only sheet, with fills cached (openpyxl styles are expensive to create)."""

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.fills: dict[str, PatternFill] = {}

    def cell(self, value, *, fill: str | None = None, bold: bool = False, center: bool = False,
             border: bool = False, number_format: str | None = None, font_colour: str | None = None
             ) -> WriteOnlyCell:
        c = set_cell(WriteOnlyCell(self.ws), value)  # input text (names, teams, ids) is text, never a formula
        if font_colour:
            c.font = Font(color=font_colour, size=8)
        if fill:
            c.fill = self.fills.setdefault(fill, _fill(fill))
        if bold:
            c.font = BOLD
        if center:
            c.alignment = CENTER
        if border:
            c.border = GRID
        if number_format:
            c.number_format = number_format
        return c


def write_roster_workbook(path: str | Path, roster: pd.DataFrame, agents: list[Agent], config: Config, *,
                          start: dt.date, days: int, requirements: pd.DataFrame | None = None,
                          violations: pd.DataFrame | None = None, simulated_sl: dict[str, float] | None = None,
                          extra_sheets: Sequence[tuple[str, pd.DataFrame]] = (), force: bool = False,
                          previous: pd.DataFrame | None = None) -> Path:
    """Write the workbook atomically. `roster` is the long table (`agent_id, date, interval_start, activity,
    queue`); `violations` (columns `rule, agent_id, date, message`) is the checker's result, if run;
    `extra_sheets` (title, table) are written after the Data sheet (e.g. the intraday change list); `previous`
    the previous roster's long table (its night shifts count in this period's first hours)."""
    roster = normalise_roster(roster)
    figures = roster_figures(roster, agents, config, start, days, requirements, previous=previous)

    def build(tmp: Path) -> None:
        lang = config.centre.language
        wb = Workbook(write_only=True)
        cal = day_calendar(start, start + dt.timedelta(days=days - 1), config.centre.country,
                           extra_holidays=config.calendar.extra_holidays,
                           extra_workdays=config.calendar.extra_workdays)
        _roster_sheet(wb.create_sheet(text("sheet_roster", lang)), figures, agents, config, cal, lang)
        _detail_sheet(wb.create_sheet(text("sheet_detail", lang)), roster, agents, config, figures, lang)
        _coverage_sheet(wb.create_sheet(text("sheet_coverage", lang)), figures, config, lang)
        _summary_sheet(wb.create_sheet(text("sheet_summary", lang)), figures, config, start, days, violations,
                       simulated_sl, lang)
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


def shift_colour(code: str, config: Config) -> str:
    """Fill colour of a shift code: one per template letter."""
    if code in SPECIAL_COLOURS:
        return SPECIAL_COLOURS[code]
    letters = [t.code for t in config.shifts]
    i = letters.index(code[0]) if code[:1] in letters else len(letters)
    return SHIFT_COLOURS[i % len(SHIFT_COLOURS)]


def _roster_sheet(ws: Worksheet, f: RosterFigures, agents: list[Agent], config: Config, cal: pd.DataFrame,
                  lang: str) -> None:
    s = _Styler(ws)
    n_weeks = (len(f.days) + 6) // 7
    fixed = [text(k, lang) for k in ("agent_id", "name", "team", "skills", "contract")]
    headers = fixed + [f"{weekday(d, lang)} {d:%m-%d}" for d in f.days] + \
        [text("week_hours", lang, n=w + 1) for w in range(n_weeks)] + [text("total_hours", lang), text("vs_contract", lang)]
    widths = [10, 12, 7, 26, 16] + [10] * len(f.days) + [11] * n_weeks + [9, 14]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "F4"  # write-only sheets need view and print settings before the first row
    _print_setup(ws, len(f.days), rows="3:3", cols="A:B")
    shade = {}
    for r in cal.itertuples(index=False):
        shade[r.date] = HOLIDAY_FILL if r.holiday_period else (WEEKEND_FILL if not r.is_workday else None)
    ws.append([s.cell(f"{text('title', lang)} — {config.centre.name} — {f.days[0]} … {f.days[-1]}", bold=True)])
    # ISO dates above the day columns: what `wfm check` reads back, whatever the header language
    ws.append([None] * len(fixed) + [s.cell(d.isoformat(), center=True, font_colour="808080") for d in f.days])
    ws.append([s.cell(h, bold=True, fill=shade.get(f.days[i - len(fixed)]) if len(fixed) <= i < len(fixed) + len(f.days)
                      else HEADER_FILL, center=True, border=True) for i, h in enumerate(headers)])
    hours = f.hours.set_index("agent_id")
    for a in agents:
        row = [s.cell(a.agent_id, border=True), s.cell(a.name, border=True), s.cell(a.team, border=True),
               s.cell(";".join(a.skills), border=True), s.cell(a.contract_hours_week, border=True)]
        for d in f.days:
            code = f.grid.loc[a.agent_id, d]
            fill = shade.get(d) if code == OFF else shift_colour(code, config)
            row.append(s.cell(code, fill=fill, center=True, border=True))
        h = hours.loc[a.agent_id]
        row += [s.cell(round(float(h[f"week_{w + 1}"]), 2), border=True, number_format="0.0") for w in range(n_weeks)]
        row += [s.cell(round(float(h["total"]), 2), border=True, number_format="0.0"),
                s.cell(round(float(h["vs_contract"]), 2), border=True, number_format="+0.0;-0.0;0")]
        ws.append(row)
    last_row = 3 + len(agents)
    ws.auto_filter.ref = f"A3:{get_column_letter(len(headers))}{last_row}"
    ws.append([])
    ws.append([s.cell(text("legend", lang), bold=True)])
    for t in config.shifts:
        times = ", ".join(f"{m // 60:02d}:{m % 60:02d}" for m in t.start_minutes)
        ws.append([s.cell(f"{t.code}hhmm", fill=shift_colour(t.code, config), center=True),
                   s.cell(f"{t.name}: {t.length_minutes / 60:g} h from {times}" + (" (night)" if t.night else ""))])
    for code, key in ((OFF, "off"), (LEAVE, "leave"), (TRAINING_DAY, "training_day")):
        ws.append([s.cell(code, fill=SPECIAL_COLOURS[code], center=True, border=True), s.cell(text(key, lang))])
    ws.append([s.cell("", fill=WEEKEND_FILL, border=True), s.cell(text("weekend", lang))])
    ws.append([s.cell("", fill=HOLIDAY_FILL, border=True), s.cell(text("holiday", lang))])


def _print_setup(ws: Worksheet, days: int, *, rows: str | None = None, cols: str | None = None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 8 if days > 14 else 9  # A3 or A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if rows:
        ws.print_title_rows = rows
    if cols:
        ws.print_title_cols = cols


def _detail_sheet(ws: Worksheet, roster: pd.DataFrame, agents: list[Agent], config: Config, f: RosterFigures,
                  lang: str) -> None:
    """A Gantt-style grid per day: agents down, intervals across, one colour per queue or activity."""
    s = _Styler(ws)
    iv = config.centre.interval_minutes
    queue_colour = {q: QUEUE_COLOURS[i % len(QUEUE_COLOURS)] for i, q in enumerate(config.queues)}
    names = {a.agent_id: a.name for a in agents}
    order = {a.agent_id: i for i, a in enumerate(agents)}
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 7
    for i in range(4, 4 + 2 * 1440 // iv):
        ws.column_dimensions[get_column_letter(i)].width = 4.2
    ws.freeze_panes = "D4"
    _print_setup(ws, 28)
    ws.append([s.cell(text("detail_title", lang), bold=True)])
    legend = [s.cell(text("legend", lang), bold=True), s.cell(""), s.cell("")]
    legend += [s.cell(q[:3], fill=queue_colour[q], center=True) for q in config.queues]
    legend += [s.cell(text(k, lang)[:3], fill=ACTIVITY_COLOURS[k], center=True) for k in ACTIVITY_COLOURS]
    ws.append(legend)
    ws.append([s.cell("  ".join(f"{q[:3]} = {q}" for q in config.queues) + "   " +
                      "  ".join(f"{text(k, lang)[:3]} = {text(k, lang)}" for k in ACTIVITY_COLOURS))])
    codes = f.codes.set_index(["agent_id", "date"])["code"]
    for day, g in roster.groupby("date", sort=True):
        first = g["interval_start"].min()
        last = g["interval_start"].max()
        n = int((last - first).total_seconds() // 60 // iv) + 1
        ws.append([])
        day_ts = pd.Timestamp(day)
        ws.append([s.cell(f"{weekday(day_ts, lang)} {day_ts:%Y-%m-%d}", bold=True, fill=HEADER_FILL)]
                  + [s.cell(None, fill=HEADER_FILL)] * 2
                  + [s.cell(_clock(first + pd.Timedelta(minutes=iv * k), day_ts), fill=HEADER_FILL, center=True)
                     for k in range(n)])
        slot = ((g["interval_start"] - first).dt.total_seconds() // 60 // iv).astype(int).to_numpy()
        for aid, rows in sorted(g.assign(_slot=slot).groupby("agent_id"), key=lambda kv: order.get(kv[0], 1 << 30)):
            cells = [None] * n
            for k, act, q in zip(rows["_slot"], rows["activity"], rows["queue"]):
                if act == "work":
                    cells[k] = s.cell(str(q)[:3], fill=queue_colour.get(q, "A5A5A5"), center=True)
                else:
                    cells[k] = s.cell(text(act, lang)[:3], fill=ACTIVITY_COLOURS.get(act, "D9D9D9"), center=True)
            ws.append([s.cell(aid), s.cell(names.get(aid, "")), s.cell(codes.get((aid, day), ""), center=True)]
                      + cells)


def _clock(ts: pd.Timestamp, day: pd.Timestamp) -> str:
    label = f"{ts:%H:%M}"
    return label if ts.normalize() == day else f"+1 {label}"


def _coverage_sheet(ws: Worksheet, f: RosterFigures, config: Config, lang: str) -> None:
    """Required vs scheduled per interval and queue, gaps highlighted, and a line chart per day."""
    s = _Styler(ws)
    queues = list(config.queues)
    cov = f.coverage
    wide = cov.pivot_table(index="interval_start", columns="queue", values=["required", "scheduled"],
                           aggfunc="sum", fill_value=0)
    stamps = sorted(cov["interval_start"].unique())
    header = [text("interval", lang), text("date", lang), text("time", lang),
              f"{text('all_queues', lang)} {text('required', lang)}",
              f"{text('all_queues', lang)} {text('scheduled', lang)}", f"{text('all_queues', lang)} {text('gap', lang)}"]
    for q in queues:
        header += [f"{q} {text('required', lang)}", f"{q} {text('scheduled', lang)}", f"{q} {text('gap', lang)}"]
    ws.column_dimensions["A"].width = 18
    for i in range(2, len(header) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 11
    ws.freeze_panes = "D2"
    _print_setup(ws, 28, rows="1:1")
    ws.append([s.cell(h, bold=True, fill=HEADER_FILL, center=True) for h in header])

    def col(kind: str, q: str):
        key = (kind, q)
        return wide[key] if key in wide.columns else pd.Series(0, index=wide.index)

    req_total = sum(col("required", q) for q in queues)
    sch_total = sum(col("scheduled", q) for q in queues)
    for ts in stamps:
        ts = pd.Timestamp(ts)
        row = [s.cell(ts.to_pydatetime(), number_format="yyyy-mm-dd hh:mm"), s.cell(ts.date(), number_format="yyyy-mm-dd"),
               s.cell(f"{ts:%H:%M}")]
        r, c = float(req_total.get(ts, 0)), float(sch_total.get(ts, 0))
        row += [s.cell(r), s.cell(c), s.cell(c - r)]
        for q in queues:
            r, c = float(col("required", q).get(ts, 0)), float(col("scheduled", q).get(ts, 0))
            row += [s.cell(r), s.cell(c), s.cell(c - r)]
        ws.append(row)
    last = len(stamps) + 1
    red, blue = _fill("F8CBAD"), _fill("DDEBF7")
    for k in range(len(queues) + 1):
        letter = get_column_letter(6 + 3 * k)
        ws.conditional_formatting.add(f"{letter}2:{letter}{last}",
                                      CellIsRule(operator="lessThan", formula=["0"], fill=red))
        ws.conditional_formatting.add(f"{letter}2:{letter}{last}",
                                      CellIsRule(operator="greaterThan", formula=["0"], fill=blue))
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last}"
    # one chart per day: total required vs scheduled
    day_rows: dict[dt.date, list[int]] = {}
    for i, ts in enumerate(stamps, start=2):
        day_rows.setdefault(pd.Timestamp(ts).date(), []).append(i)
    anchor_col = get_column_letter(len(header) + 2)
    for k, (day, rows) in enumerate(sorted(day_rows.items())):
        chart = LineChart()
        chart.title = text("coverage_chart", lang, day=f"{weekday(day, lang)} {day:%m-%d}")
        chart.y_axis.title = "agents"
        chart.height, chart.width = 7, 16
        for col_idx in (4, 5):
            series_ref = Reference(ws, min_col=col_idx, min_row=rows[0], max_row=rows[-1])
            chart.add_data(series_ref, titles_from_data=False)
        chart.series[0].tx = SeriesLabel(v=text("required", lang))
        chart.series[1].tx = SeriesLabel(v=text("scheduled", lang))
        chart.set_categories(Reference(ws, min_col=3, min_row=rows[0], max_row=rows[-1]))
        ws.add_chart(chart, f"{anchor_col}{2 + 15 * k}")


def _summary_sheet(ws: Worksheet, f: RosterFigures, config: Config, start: dt.date, days: int,
                   violations: pd.DataFrame | None, simulated_sl: dict[str, float] | None, lang: str) -> None:
    s = _Styler(ws)
    ws.column_dimensions["A"].width = 34
    for c in "BCDEFGH":
        ws.column_dimensions[c].width = 22
    _print_setup(ws, 7)
    t = f.totals
    cur = config.costs.currency
    end = start + dt.timedelta(days=days - 1)
    rows = [
        (text("centre", lang), config.centre.name),
        (text("period", lang), f"{start} … {end} ({days} d)"),
        (text("agents_rostered", lang), t["agents"]),
        (text("paid_hours", lang), round(t["paid_hours"], 1)),
        (text("contract_hours", lang), round(t["contract_hours"], 1)),
        (text("overtime_hours", lang), round(t["overtime_hours"], 1)),
        (text("fte", lang), round(t["fte"], 1)),
        (f"{text('cost', lang)} ({cur})", round(t["cost"], 0)),
        (text("pay_bands", lang), text("pay_bands_value", lang, **{k: round(t.get("pay_bands", {}).get(k, 0.0), 1)
                                                                  for k in ("normal", "overtime_workday",
                                                                            "overtime_rest_day",
                                                                            "statutory_holiday")})),
        (text("preferences", lang), f"{f.preferences[0]} / {f.preferences[1]}"),
        (text("requests", lang), f"{f.requests[0]} / {f.requests[1]}"),
    ]
    for k, v in rows:
        ws.append([s.cell(k, bold=True), s.cell(v)])
    ws.append([])
    head = [text(k, lang) for k in ("queue", "target", "required_intervals", "scheduled_intervals", "under", "over",
                                    "expected_sl")]
    simulated = bool(f.per_queue["sl_hw"].notna().any()) if "sl_hw" in f.per_queue else False
    if simulated:
        head += [text("sl_hw", lang), text("abandon_rate", lang)]
    if simulated_sl:
        head.append(text("simulated_sl", lang))
    ws.append([s.cell(h, bold=True, fill=HEADER_FILL) for h in head])

    def pct(v: float) -> object:
        return s.cell(None if pd.isna(v) else round(float(v), 4), number_format="0.0%")

    for r in f.per_queue.itertuples(index=False):
        row = [s.cell(r.queue), s.cell(r.target), s.cell(r.required), s.cell(r.scheduled), s.cell(r.under),
               s.cell(r.over), pct(r.expected_sl)]
        if simulated:
            row += [pct(r.sl_hw), pct(r.abandon_rate)]
        if simulated_sl:
            row.append(s.cell(simulated_sl.get(r.queue), number_format="0.0%"))
        ws.append(row)
    from wfm.publish.figures import SIM_REPLICATIONS

    if not simulated:
        note = text("sl_source", lang)
    elif config.centre.queue_assignment == "routing":
        note = text("sl_source_sim", lang, n=SIM_REPLICATIONS, seed=config.solver.seed)
    else:
        note = text("sl_source_sim_by_hand", lang, n=SIM_REPLICATIONS, seed=config.solver.seed)
    ws.append([s.cell(note)])
    ws.append([])
    if f.fairness is not None and not f.fairness.empty:
        ws.append([s.cell(text("fairness", lang), bold=True)])
        ws.append([s.cell(text("team", lang), bold=True, fill=HEADER_FILL),
                   s.cell(text("nights_spread", lang), bold=True, fill=HEADER_FILL),
                   s.cell(text("weekend_spread", lang), bold=True, fill=HEADER_FILL)])
        for r in f.fairness.itertuples(index=False):
            ws.append([s.cell(r.team), s.cell(int(r.nights_spread)), s.cell(int(r.weekend_spread))])
        ws.append([])
    ws.append([s.cell(text("rule_check", lang), bold=True)])
    if violations is None:
        ws.append([s.cell(text("not_checked", lang))])
    elif violations.empty:
        ws.append([s.cell(text("rules_ok", lang), fill="C6EFCE")])
    else:
        ws.append([s.cell(text("violations", lang, n=len(violations)), fill="FFC7CE")])
        ws.append([s.cell(h, bold=True, fill=HEADER_FILL) for h in
                   (text("rule", lang), text("agent_id", lang), text("date", lang), text("message", lang))])
        for v in violations.itertuples(index=False):
            ws.append([s.cell(str(v.rule)), s.cell(str(v.agent_id)), s.cell(str(v.date)), s.cell(str(v.message))])


def _table_sheet(ws: Worksheet, table: pd.DataFrame) -> None:
    """A plain table with a bold header; text from input files is written as text, never as a formula."""
    s = _Styler(ws)
    ws.append([s.cell(str(c), bold=True, fill=HEADER_FILL) for c in table.columns])
    for rec in table.itertuples(index=False):
        ws.append([s.cell(None if (isinstance(v, float) and pd.isna(v)) else
                          v.isoformat() if hasattr(v, "isoformat") else v) for v in rec])


def _data_sheet(ws: Worksheet, roster: pd.DataFrame) -> None:
    """The machine-readable long table that `wfm check` and `wfm simulate` read back."""
    ws.append(ROSTER_COLUMNS)
    data = roster[ROSTER_COLUMNS]
    # agent ids and queue names came from input files: written as text (safe_value), never as formulas
    dates = [d.isoformat() for d in pd.to_datetime(data["date"]).dt.date]
    stamps = data["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S").tolist()
    for aid, d, ts, act, q in zip(data["agent_id"].astype(str), dates, stamps, data["activity"], data["queue"]):
        ws.append([safe_value(ws, aid), d, ts, act, safe_value(ws, q) if isinstance(q, str) and q else None])
