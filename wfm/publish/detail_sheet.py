"""The Detail sheet: per day and team, who does what in each interval (a one-character mark and a colour per
queue or activity), laid out to print at 8 pt: a page per day, the interval columns as narrow as a mark needs."""

from __future__ import annotations

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from wfm.config import Config
from wfm.publish.figures import RosterFigures
from wfm.publish.i18n import ACTIVITIES, marks, queue_label, text, weekday
from wfm.publish.layout import (A3, A4, SMALL_PT, break_columns, break_rows, column_points, print_setup,
                                printable_width)
from wfm.publish.layout import display_width
from wfm.publish.style import HEADER_FILL, Styler
from wfm.readers.agents import Agent

QUEUE_COLOURS = ["9DC3E6", "F4B183", "FF9999", "FFD966", "A9D08E", "C9A3E0", "8FAADC", "C9C9C9", "7FB2B2"]
ACTIVITY_COLOURS = {"break": "E7E6E6", "lunch": "BFBFBF", "training": "66D9CC", "meeting": "5FC4C9",
                    "coaching": "B3E0DB"}
MIN_MARK_WIDTH = 1.2  # characters: 9.75 pt, room for one 8-pt character (a CJK one is 8 pt wide)
ROW_HEIGHT = 12.0  # points: 8-pt marks and 9-pt headings
LEGEND_STEP = 24  # interval columns between legend items


def detail_sheet(ws: Worksheet, roster: pd.DataFrame, agents: list[Agent], config: Config, f: RosterFigures,
                 lang: str) -> None:
    """Write the Detail sheet: `agents` in print order (grouped by team), `roster` the long table."""
    from wfm.publish.workbook import sheet_header

    s = Styler(ws, size=SMALL_PT)
    iv = config.centre.interval_minutes
    mark = marks(config, lang)
    colour = {q: QUEUE_COLOURS[i % len(QUEUE_COLOURS)] for i, q in enumerate(config.queues)} | ACTIVITY_COLOURS
    by_day = {pd.Timestamp(d).date(): g for d, g in roster.groupby("date", sort=True)}
    spans = [_span(g, d, iv) for d, g in by_day.items()] or [(0, 1440 // iv)]
    begin = min(a for a, _ in spans)  # every day's columns start at the same clock time
    n_cols = max(a + n for a, n in spans) - begin
    fixed = [min(max([6] + [display_width(a.agent_id) + 1 for a in agents]), 14),
             min(max([6] + [display_width(a.name) + 1 for a in agents]), 14), 6]
    fixed_pt = sum(column_points(w) for w in fixed)
    paper, width = _paper(n_cols, fixed_pt)
    for i, w in enumerate(fixed, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for k in range(n_cols):
        ws.column_dimensions[get_column_letter(4 + k)].width = width
    ws.sheet_format.defaultRowHeight = ROW_HEIGHT
    ws.sheet_format.customHeight = True
    ws.freeze_panes = "D1"
    print_setup(ws, paper=paper, title_cols="A:C", header=sheet_header(config, "sheet_detail", f.days, lang),
                footer=text("footer", lang))
    per_page = int((printable_width(paper, True) - fixed_pt) // column_points(width))
    if per_page < n_cols:  # even at the narrowest, a day is wider than the paper: split it at whole hours
        step = max(per_page // (60 // iv or 1) * (60 // iv or 1), 1)
        break_columns(ws, [3 + k for k in range(step, n_cols, step)])
    ws.append([s.cell(text("detail_title", lang), bold=True, size=9)])
    _legend(ws, s, config, mark, colour, lang)
    top = row_no = 1 + _legend_rows(config)
    breaks: list[int] = []
    hours_per_label = 1 if column_points(width) * 60 / iv >= 28 else 2  # room for "07:00" at 8 pt
    names = {a.agent_id: a.name for a in agents}
    codes = f.codes.set_index(["agent_id", "date"])["code"]
    for day, g in by_day.items():
        if row_no > top:
            breaks.append(row_no)  # a page per day
        first = pd.Timestamp(day) + pd.Timedelta(minutes=begin * iv)
        slot = ((g["interval_start"] - first).dt.total_seconds() // 60 // iv).astype(int)
        g = g.assign(_slot=slot)
        ws.append([s.cell(f"{weekday(day, lang)} {day:%Y-%m-%d}", bold=True, size=9)])
        row_no += 1
        working = {aid: rows for aid, rows in g.groupby("agent_id")}
        labels = _clock_labels(first, n_cols, iv, pd.Timestamp(day), hours_per_label)
        for team in dict.fromkeys(a.team for a in agents):
            members = [a for a in agents if a.team == team and a.agent_id in working]
            if not members:
                continue
            ws.append(_time_row(s, text("detail_block", lang, day=f"{weekday(day, lang)} {day:%m-%d}", team=team),
                                labels))
            row_no += 1
            for a in members:
                rows = working[a.agent_id]
                cells = [None] * n_cols
                for k, act, q in zip(rows["_slot"], rows["activity"], rows["queue"]):
                    key = q if act == "work" else act
                    if 0 <= k < n_cols:
                        cells[k] = s.cell(mark.get(key, "?"), fill=colour.get(key, "A5A5A5"), center=True)
                ws.append([s.cell(a.agent_id), s.cell(names[a.agent_id]),
                           s.cell(codes.get((a.agent_id, day), ""), center=True)] + cells)
                row_no += 1
    break_rows(ws, breaks)


def _span(g: pd.DataFrame, day, iv: int) -> tuple[int, int]:
    """First interval of the day's work (from midnight) and how many intervals its shifts span."""
    base = pd.Timestamp(day)
    first = int((g["interval_start"].min() - base).total_seconds() // 60 // iv)
    last = int((g["interval_start"].max() - base).total_seconds() // 60 // iv)
    return first, last - first + 1


def _paper(n_cols: int, fixed_pt: float) -> tuple[int, float]:
    """A4 when a day fits it with marks legible, else A3; and the interval column width in characters."""
    for paper in (A4, A3):
        room = (printable_width(paper, True) - fixed_pt) / n_cols
        width = min(int(((room / 0.75 - 5) / 7) * 10) / 10, 5.0)
        if width >= MIN_MARK_WIDTH and column_points(width) * n_cols + fixed_pt <= printable_width(paper, True):
            return paper, width
    return A3, MIN_MARK_WIDTH


def _clock_labels(first: pd.Timestamp, n: int, iv: int, day: pd.Timestamp, every: int) -> list[str | None]:
    """A clock label at each `every` whole hours (the next day's midnight as its date), None elsewhere."""
    out: list[str | None] = []
    for k in range(n):
        ts = first + pd.Timedelta(minutes=iv * k)
        label = None
        if ts.minute == 0 and ts.hour % every == 0:
            label = f"{ts:%m-%d}" if ts.normalize() > day and ts.hour == 0 else f"{ts:%H:%M}"
        out.append(label)
    return out


def _time_row(s: Styler, heading: str, labels: list[str | None]) -> list:
    """The block heading and the clock labels (a label runs over the hour's empty cells after it)."""
    return [s.header(heading, size=9), s.cell(None, fill=HEADER_FILL),
            s.cell(None, fill=HEADER_FILL)] + [s.cell(label, fill=HEADER_FILL) for label in labels]


def _legend_rows(config: Config) -> int:
    items = len(config.queues) + len(ACTIVITIES)
    return (items + 3) // 4


def _legend(ws: Worksheet, s: Styler, config: Config, mark: dict[str, str], colour: dict[str, str],
            lang: str) -> None:
    """Four items a row: the mark in its colour, then what it means (running over the empty cells after it)."""
    items = [(q, queue_label(config, q)) for q in config.queues] + [(a, text(a, lang)) for a in ACTIVITIES]
    for i in range(0, len(items), 4):
        row: list = [s.cell(text("legend", lang), bold=True) if i == 0 else None, None, None]
        for key, label in items[i:i + 4]:
            row += [s.cell(mark[key], fill=colour[key], center=True), s.cell(label)] + [None] * (LEGEND_STEP - 2)
        ws.append(row)
