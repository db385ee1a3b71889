"""Adversarial cases, part 6: files as other tools write them (UTF-16 exports, workbooks written by scripts with
formulas never calculated, decimal commas) and what-if hours across midnight (see benchmarks/adversarial.py)."""

from __future__ import annotations

from openpyxl import load_workbook

from benchmarks.adversarial import START, Ctx, case
from benchmarks.adversarial_cases import roster
from benchmarks.adversarial_files import agents, write_agents_csv


def _forecast(ctx: Ctx, history: str, out: str):
    return ctx.wfm("forecast", "-H", ctx.ws / history, "-c", ctx.ws / "config.toml", "--start", START, "--days", "2",
                   "--accuracy-folds", "0", "-o", ctx.ws / out, timeout=300)


@case("inputs")
def history_utf16_unicode_text(ctx: Ctx) -> None:
    """history.csv saved as Excel's Unicode text (UTF-16 LE, BOM, tabs): the same forecast as from UTF-8."""
    text = (ctx.ws / "history.csv").read_text(encoding="utf-8").replace(",", "\t").replace("\n", "\r\n")
    (ctx.ws / "history16.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    if ctx.expect_ok(_forecast(ctx, "history.csv", "f8.csv")) and ctx.expect_ok(_forecast(ctx, "history16.txt",
                                                                                          "f16.csv")):
        if (ctx.ws / "f8.csv").read_bytes() != (ctx.ws / "f16.csv").read_bytes():
            ctx.fail("the UTF-16 history gave another forecast than the same history in UTF-8")
    (ctx.ws / "history16.csv").write_bytes(text.encode("utf-16-le"))  # no byte-order mark
    ctx.expect_error(_forecast(ctx, "history16.csv", "f0.csv"), "history16.csv", "UTF-16", "byte-order mark")


@case("inputs")
def agents_formula_never_calculated(ctx: Ctx) -> None:
    """agents.xlsx whose contract hours a script wrote as a formula (no stored value): exit 2 naming the cell."""
    wb = load_workbook(ctx.ws / "agents.xlsx")
    ws = wb.worksheets[0]
    col = next(c.column_letter for c in ws[1] if c.value == "contract_hours_week")
    ws[f"{col}3"] = "=38+2"
    wb.save(ctx.ws / "agents.xlsx")
    for run in (roster(ctx), ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", ctx.ws / "agents.xlsx")):
        ctx.expect_error(run, "agents.xlsx", f"cell {col}3", "=38+2", "contract_hours_week", "open the workbook")


@case("inputs")
def roster_formula_never_calculated(ctx: Ctx) -> None:
    """A script copies a shift code on the Roster sheet with a formula: wfm check exits 2 naming the cell, never
    reads the day as OFF."""
    wb = load_workbook(ctx.ws / "roster.xlsx")
    ws = wb["Roster"]
    target = next(c for row in ws.iter_rows(min_row=4) for c in row[3:] if isinstance(c.value, str)
                  and c.value[:1] in "EDLNP" and c.value[1:5].isdigit())
    target.value = f"={target.offset(column=-1).coordinate}"
    wb.save(ctx.ws / "edited.xlsx")
    run = ctx.wfm("check", ctx.ws / "edited.xlsx", "--agents", ctx.ws / "agents.xlsx", "--config",
                  ctx.ws / "config.toml")
    ctx.expect_error(run, "edited.xlsx", "sheet 'roster'", f"cell {target.coordinate}", "no stored value")


@case("inputs")
def agents_decimal_comma(ctx: Ctx) -> None:
    """contract_hours_week "40,0" (a European Excel locale) is read with a warning; "1,234,5" names row and
    column."""
    frame = agents(ctx.ws)
    frame["contract_hours_week"] = frame["contract_hours_week"].astype(str).str.replace(".", ",", regex=False)
    frame.loc[0, "contract_hours_week"] = "40,0"
    path = write_agents_csv(ctx.ws, frame)
    run = ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", path)
    if ctx.expect_ok(run) and "decimal comma" not in run.text:
        ctx.fail(f"validate does not report the decimal commas: {run.text[-300:]}")
    frame.loc[2, "contract_hours_week"] = "1,234,5"
    path = write_agents_csv(ctx.ws, frame, "agents_bad.csv")
    ctx.expect_error(roster(ctx, "agents_bad.csv"), "agents_bad.csv", "row 4", "contract_hours_week", "1,234,5")


@case("inputs")
def history_count_with_a_decimal_comma(ctx: Ctx) -> None:
    """An offered count written "1,5" is an error naming the row, never read as 15."""
    path = ctx.ws / "history.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[5].split(",")
    cells[header.index("offered")] = '"1,5"'
    lines[5] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ctx.expect_error(_forecast(ctx, "history.csv", "f.csv"), "history.csv", "row 6", "offered")


@case("inputs")
def whatif_hours_across_midnight(ctx: Ctx) -> None:
    """hours=22:00-06:00 (a night-only centre) and 22:00-22:00: the first runs and keeps the calls, the second is
    refused."""
    base = ["whatif", "-c", ctx.ws / "config.toml", "--forecast", ctx.ws / "forecast.csv"]
    run = ctx.wfm(*base, "--scenario", "base", "--scenario", "night:hours=22:00-06:00", "-o", ctx.ws / "w.csv",
                  timeout=300)
    ctx.expect_ok(run)
    ctx.expect_error(ctx.wfm(*base, "--scenario", "x:hours=22:00-22:00", "-o", ctx.ws / "w2.csv"), "hours")
