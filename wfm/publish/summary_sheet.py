"""The Summary sheet: the period's figures with a line each saying what they count, service per queue,
fairness per team and the rule check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from wfm.config import Config
from wfm.publish.figures import SIM_REPLICATIONS, RosterFigures
from wfm.publish.i18n import queue_label, text
from wfm.publish.layout import A4, print_setup, wrap_text
from wfm.publish.style import Styler
from wfm.roster.stats import ShortQueue, short_queue_text

NOTE_WIDTH = 130  # display characters of a 9-pt note line across columns A to I
EXPLAIN_WIDTH = 95  # of an explanation beside a figure, columns C to I
WARNING_FILL = "FFC7CE"  # the rule check's red
BANDS = ("normal", "overtime_workday", "overtime_rest_day", "statutory_holiday")


def summary_sheet(ws: Worksheet, f: RosterFigures, config: Config, start: dt.date, days: int,
                  violations: pd.DataFrame | None, simulated_sl: dict[str, float] | None, lang: str,
                  reproducible: bool = True, score=None, short_queues: Sequence[ShortQueue] = ()) -> None:
    """Write the Summary sheet (printed fitted to the width of an A4 landscape page); `reproducible` False
    (the wall clock, not the budget, ended the roster search) adds a line saying so; `score` (the checker's
    `wfm.roster.score.ScoreBreakdown`) adds the objective's terms after the rule check; each of `short_queues`
    (queues the roster's own simulation check left under target) a highlighted line above the figures."""
    from wfm.publish.workbook import sheet_header

    s = Styler(ws)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 16
    for c in "CDEFGHIJ":
        ws.column_dimensions[c].width = 11
    print_setup(ws, paper=A4, header=sheet_header(config, "sheet_summary", f.days, lang),
                footer=text("footer", lang), fit_width=True)
    t = f.totals
    end = start + dt.timedelta(days=days - 1)
    bands = {k: round(t.get("pay_bands", {}).get(k, 0.0), 1) for k in BANDS}
    rows = [
        ("centre", config.centre.name, None),
        ("period", text("period_value", lang, first=start, last=end, n=days), None),
        ("agents_rostered", t["agents"], "explain_agents"),
        ("paid_hours", round(t["paid_hours"], 1), "explain_paid_hours"),
        ("contract_hours", round(t["contract_hours"], 1), "explain_contract_hours"),
        ("overtime_hours", round(t["overtime_hours"], 1), "explain_overtime_hours"),
        ("fte", round(t["fte"], 1), "explain_fte"),
        ("cost", f"{round(t['cost']):,} {config.costs.currency}", "explain_cost"),
        ("preferences", f"{f.preferences[0]} / {f.preferences[1]}", "explain_preferences"),
        ("requests", f"{f.requests[0]} / {f.requests[1]}", "explain_requests"),
        ("pay_bands", None, "explain_pay_bands"),
    ] + [(f"band_{k}", bands[k], None) for k in BANDS]
    if not reproducible:
        for line in wrap_text(text("not_reproducible", lang), EXPLAIN_WIDTH + 30):
            ws.append([s.cell(line, bold=True)])
        ws.append([])
    if short_queues:
        ws.append([s.cell(text("short_heading", lang), bold=True, fill=WARNING_FILL)])
        for q in short_queues:
            for line in wrap_text(short_queue_text(q, lang, lambda k: queue_label(config, k)), NOTE_WIDTH):
                ws.append([s.cell(line, fill=WARNING_FILL)])
        ws.append([])
    ws.append([None, None, s.header(text("what_it_means", lang))])
    for key, value, why in rows:
        lines = wrap_text(text(why, lang, h=config.rules.hours_per_week), EXPLAIN_WIDTH) if why else [None]
        ws.append([s.cell(text(key, lang), bold=True), s.cell(value), s.cell(lines[0], size=9)])
        for line in lines[1:]:
            ws.append([None, None, s.cell(line, size=9)])
    ws.append([])
    _service(ws, s, f, config, simulated_sl, lang)
    ws.append([])
    if f.fairness is not None and not f.fairness.empty:
        ws.append([s.cell(text("fairness", lang), bold=True)])
        _note(ws, s, text("explain_spread", lang))
        ws.append([s.header(text(k, lang))
                   for k in ("team", "nights_spread", "weekend_spread")])
        for r in f.fairness.itertuples(index=False):
            ws.append([s.cell(r.team), s.cell(int(r.nights_spread)), s.cell(int(r.weekend_spread))])
        ws.append([])
    _rule_check(ws, s, violations, lang)
    if score is not None and score.lines:
        ws.append([])
        _score(ws, s, score, lang)


def _score(ws: Worksheet, s: Styler, score, lang: str) -> None:
    """The objective's soft terms on the roster: term, points, amount (with the term's detail)."""
    ws.append([s.cell(text("score", lang), bold=True)])
    _note(ws, s, text("explain_score", lang))
    ws.append([s.header(text(k, lang)) for k in ("score_term", "score_points", "score_amount")])
    for line in score.lines:
        amount = text(f"amount_{line.name}", lang, amount=_number(line.amount),
                      of=_number(line.of) if line.of is not None else "")
        if line.parts:  # fairness: the spread of each kind of shift
            amount += (" (" if lang != "zh" else "（") + ", ".join(
                f"{text(kind, lang) if kind == 'weekend' else kind} {n}" for kind, n in line.parts) + \
                (")" if lang != "zh" else "）")
        ws.append([s.cell(text(f"term_{line.name}", lang)), s.cell(round(line.points), number_format="#,##0"),
                   s.cell(amount)])
    ws.append([s.cell(text("score_total", lang), bold=True),
               s.cell(round(score.total), bold=True, number_format="#,##0")])


def _service(ws: Worksheet, s: Styler, f: RosterFigures, config: Config, simulated_sl: dict[str, float] | None,
             lang: str) -> None:
    """Coverage and service level per queue, and where the service level comes from."""
    head = [text(k, lang) for k in ("queue", "target", "required_intervals", "scheduled_intervals", "under", "over",
                                    "expected_sl")]
    simulated = bool(f.per_queue["sl_hw"].notna().any()) if "sl_hw" in f.per_queue else False
    if simulated:
        head += [text("sl_hw", lang), text("abandon_rate", lang)]
    if simulated_sl:
        head.append(text("simulated_sl", lang))
    _note(ws, s, text("explain_coverage", lang, iv=config.centre.interval_minutes))
    ws.append([s.header(h, wrap=True) for h in head])

    def pct(v: float) -> object:
        return s.cell(None if pd.isna(v) else round(float(v), 4), number_format="0.0%")

    for r in f.per_queue.itertuples(index=False):
        row = [s.cell(queue_label(config, r.queue)), s.cell(r.target), s.cell(r.required, number_format="0"),
               s.cell(r.scheduled), s.cell(r.under, number_format="0"), s.cell(r.over, number_format="0"),
               pct(r.expected_sl)]
        if simulated:
            row += [pct(r.sl_hw), pct(r.abandon_rate)]
        if simulated_sl:
            row.append(s.cell(simulated_sl.get(r.queue), number_format="0.0%"))
        ws.append(row)
    if not simulated:
        note = text("sl_source", lang)
    elif config.centre.queue_assignment == "routing":
        note = text("sl_source_sim", lang, n=SIM_REPLICATIONS, seed=config.solver.seed)
    else:
        note = text("sl_source_sim_by_hand", lang, n=SIM_REPLICATIONS, seed=config.solver.seed)
    _note(ws, s, note)


def _number(value: float) -> str:
    """1,234 or 1,234.5: thousands separated, no trailing zeros."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _note(ws: Worksheet, s: Styler, note: str) -> None:
    """A note in lines that fit the printed width (a long line would widen the printed sheet)."""
    for line in wrap_text(note, NOTE_WIDTH):
        ws.append([s.cell(line, size=9)])


def _rule_check(ws: Worksheet, s: Styler, violations: pd.DataFrame | None, lang: str) -> None:
    ws.append([s.cell(text("rule_check", lang), bold=True)])
    if violations is None:
        ws.append([s.cell(text("not_checked", lang))])
    elif violations.empty:
        ws.append([s.cell(text("rules_ok", lang), fill="C6EFCE")])
    else:
        ws.append([s.cell(text("violations", lang, n=len(violations)), fill="FFC7CE")])
        ws.append([s.header(h) for h in
                   (text("rule", lang), text("agent_id", lang), text("date", lang), text("message", lang))])
        for v in violations.itertuples(index=False):
            ws.append([s.cell(str(v.rule)), s.cell(str(v.agent_id)), s.cell(str(v.date)), s.cell(str(v.message))])
