"""Adversarial cases, part 2: memory and format bombs, devices, pipes and odd files as inputs
(see benchmarks/adversarial.py)."""

from __future__ import annotations

import os
import zipfile

import pandas as pd

from benchmarks.adversarial import START, Ctx, case
from benchmarks.adversarial_cases import roster
from benchmarks.adversarial_files import agents, row_xml, table_rows, write_xlsx


# -------------------------------------------------------------------------------------------------- limits


def _agents_xlsx_rows(ctx: Ctx):
    return list(table_rows(agents(ctx.ws)))


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
