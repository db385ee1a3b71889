"""Adversarial cases, part 4: round trips of wfm's own files, odd paths and environments
(see benchmarks/adversarial.py)."""

from __future__ import annotations

import os

import openpyxl
import pandas as pd

from benchmarks.adversarial import DAYS, START, Ctx, case
from benchmarks.adversarial_cases import no_csv_formulas, no_formulas, roster
from benchmarks.adversarial_files import agents, set_config, write_agents_csv


@case("injection")
def history_queue_formula_round_trip(ctx: Ctx) -> None:
    """A queue '+bill' read without config: the forecast CSV quotes it and wfm reads it back as '+bill'."""
    ws = ctx.ws
    h = pd.read_csv(ws / "history.csv", dtype=str)
    h["queue"] = h["queue"].replace({"billing": "+bill"})
    h.to_csv(ws / "h.csv", index=False)
    r = ctx.wfm("forecast", "-H", ws / "h.csv", "--start", START, "--days", "2", "--accuracy-folds", "0", "-o",
                ws / "f.csv")
    if not ctx.expect_ok(r):
        return
    no_csv_formulas(ctx, ws / "f.csv")
    no_formulas(ctx, ws / "f.xlsx")
    r = ctx.wfm("staff", "-f", ws / "f.csv", "-c", ws / "config.toml", "-o", ws / "r.csv")
    ctx.expect_error(r, "f.csv")
    if "''+bill" in r.text or "+bill" not in r.text:
        ctx.fail(f"the queue is not read back as written: {r.text[-200:]}")


@case("injection")
def config_queue_label_hostile_round_trip(ctx: Ctx) -> None:
    """Queue labels '=HYPERLINK(..)' and '@x' through roster, simulate --update-roster, check, export."""
    ws = ctx.ws
    set_config(ws, "label", '"=HYPERLINK(\\"http://x\\")"', 0)
    set_config(ws, "label", '"@x"', 1)
    if not ctx.expect_ok(roster(ctx), (0, 1)):
        return
    no_formulas(ctx, ws / "out.xlsx")
    r = ctx.wfm("simulate", ws / "out.xlsx", "-f", ws / "forecast.csv", "-c", ws / "config.toml", "-n", "2",
                "-o", ws / "s.csv", "--update-roster", "--force")
    if ctx.expect_ok(r):
        no_csv_formulas(ctx, ws / "s.csv")
        no_formulas(ctx, ws / "out.xlsx")
    ctx.expect_ok(ctx.wfm("check", ws / "out.xlsx", "-a", ws / "agents.xlsx", "-c", ws / "config.toml"), (0, 1))


@case("lost-work")
def odd_output_names(ctx: Ctx) -> None:
    """Outputs named 中文.csv, with spaces, with a 300-character name: written or refused plainly."""
    ws = ctx.ws
    for name in ("需求 计划.csv", "a b;c'd.csv", "x" * 300 + ".csv"):
        r = ctx.wfm("staff", "-f", ws / "forecast.csv", "-c", ws / "config.toml", "-o", ws / name)
        if r.code == 0:
            if not (ws / name).exists():
                ctx.fail(f"{name[:20]} reported written but absent")
        else:
            ctx.expect_error(r, name[:20])


@case("limits")
def symlink_loop_input(ctx: Ctx) -> None:
    """An agents path that is a symbolic-link loop."""
    os.symlink(ctx.ws / "loop2.csv", ctx.ws / "loop1.csv")
    os.symlink(ctx.ws / "loop1.csv", ctx.ws / "loop2.csv")
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", ctx.ws / "loop1.csv"), "loop1.csv")


@case("limits")
def limit_environment_garbage(ctx: Ctx) -> None:
    """WFM_MAX_ROWS=abc, WFM_MAX_CELL_CHARS=-1, WFM_MAX_INPUT_MB=1e999: a clear error or the default."""
    for var, val in (("WFM_MAX_ROWS", "abc"), ("WFM_MAX_CELL_CHARS", "-1"), ("WFM_MAX_INPUT_MB", "1e999")):
        r = ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-H", ctx.ws / "history.csv", env={var: val})
        if r.code != 0:
            ctx.expect_error(r, var)


@case("limits")
def previous_and_repair_hostile(ctx: Ctx) -> None:
    """roster --previous given the agents workbook, and /dev/zero."""
    ctx.expect_error(roster(ctx, "agents.xlsx", "o.xlsx", "--previous", ctx.ws / "agents.xlsx"), "agents.xlsx")
    ctx.expect_error(roster(ctx, "agents.xlsx", "o.xlsx", "--previous", "/dev/zero"), "/dev/zero")


@case("limits")
def roster_without_data_sheet(ctx: Ctx) -> None:
    """A roster workbook whose Data sheet HR deleted, and one whose Roster sheet is empty."""
    wb = openpyxl.load_workbook(ctx.ws / "roster.xlsx")
    del wb["Data"]
    wb.save(ctx.ws / "nodata.xlsx")
    r = ctx.wfm("check", ctx.ws / "nodata.xlsx", "-a", ctx.ws / "agents.xlsx", "-c", ctx.ws / "config.toml")
    ctx.expect_error(r, "Data")
    wb = openpyxl.load_workbook(ctx.ws / "roster.xlsx")
    first = wb.worksheets[0]
    first.delete_rows(1, first.max_row)
    wb.save(ctx.ws / "empty.xlsx")
    r = ctx.wfm("export", ctx.ws / "empty.xlsx", "-a", ctx.ws / "agents.xlsx", "-c", ctx.ws / "config.toml",
                "-o", ctx.ws / "e")
    if r.code == 0 and "roster sheet" not in r.text.lower():
        ctx.fail("an emptied Roster sheet exported without a word")


@case("values")
def export_options_out_of_range(ctx: Ctx) -> None:
    """export --from 2263-01-01, --team nosuchteam, --to before --from, -o a file."""
    ws = ctx.ws
    base = ["export", ws / "roster.xlsx", "-a", ws / "agents.xlsx", "-c", ws / "config.toml", "--allow-violations"]
    for extra, word in ((["--from", "2263-01-01"], "from"), (["--team", "nosuchteam"], "nosuchteam"),
                        (["--from", "2026-12-09", "--to", "2026-12-08"], "to"), (["-o", ws / "agents.xlsx"],
                                                                                  "agents.xlsx")):
        ctx.expect_error(ctx.wfm(*base, *extra, *([] if "-o" in extra else ["-o", ws / "e"])), word)


@case("values")
def adherence_hostile_states(ctx: Ctx) -> None:
    """States with an end before the start, a 30-hour record, an unknown agent '=1+1', year 9999."""
    ws = ctx.ws
    rows = ["agent_id,start,end,state",
            "A0001,2026-12-07T09:00,2026-12-07T08:00,Available",
            "A0002,2026-12-07T00:00,2026-12-08T06:00,Available",
            "=1+1,2026-12-07T09:00,2026-12-07T10:00,Available",
            "A0003,9999-12-07T09:00,9999-12-07T10:00,Available"]
    (ws / "st.csv").write_text("\n".join(rows) + "\n")
    r = ctx.wfm("adherence", ws / "roster.xlsx", "--states", ws / "st.csv", "-c", ws / "config.toml", "-a",
                ws / "agents.xlsx", "-o", ws / "ad.xlsx")
    ctx.expect_error(r, "st.csv")


@case("values")
def intraday_actuals_hostile(ctx: Ctx) -> None:
    """intraday with /dev/zero actuals, and actuals of a queue not in the config."""
    ws = ctx.ws
    args = ["--now", "10:00", "-c", ws / "config.toml", "-a", ws / "agents.xlsx", "-f", ws / "forecast.csv",
            "-o", ws / "i.xlsx"]
    ctx.expect_error(ctx.wfm("intraday", ws / "roster.xlsx", "--actuals", "/dev/zero", *args), "/dev/zero")
    (ws / "act.csv").write_text(f"interval_start,queue,offered\n{START}T09:00:00,nosuch,5\n")
    ctx.expect_error(ctx.wfm("intraday", ws / "roster.xlsx", "--actuals", ws / "act.csv", *args), "nosuch")


@case("values")
def requirements_of_another_period(ctx: Ctx) -> None:
    """roster --start a month after the requirements: a clear error, not an empty roster."""
    r = ctx.wfm("roster", "-r", ctx.ws / "req.csv", "-a", ctx.ws / "agents.xlsx", "-c", ctx.ws / "config.toml",
                "--start", "2027-01-04", "--days", DAYS, "--time-limit", "2", "-o", ctx.ws / "o.xlsx")
    ctx.expect_error(r, "req.csv")


@case("limits")
def agents_xlsx_chartsheet_first(ctx: Ctx) -> None:
    """An agents workbook whose first sheet is a chart sheet: the table is found or a clear error."""
    wb = openpyxl.load_workbook(ctx.ws / "agents.xlsx")
    wb.create_chartsheet("Chart", 0)
    wb.save(ctx.ws / "chart.xlsx")
    r = ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", ctx.ws / "chart.xlsx")
    if r.code != 0:
        ctx.expect_error(r, "chart.xlsx")


@case("values")
def agents_xlsx_formulas_without_values(ctx: Ctx) -> None:
    """contract_hours_week typed as formulas (=20*2) in a workbook never opened in Excel (no cached value)."""
    wb = openpyxl.load_workbook(ctx.ws / "agents.xlsx")
    sheet = wb.worksheets[0]
    col = [c.value for c in sheet[1]].index("contract_hours_week") + 1
    for row in range(2, 6):
        sheet.cell(row=row, column=col).value = "=20*2"
    wb.save(ctx.ws / "f.xlsx")
    r = ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", ctx.ws / "f.xlsx")
    ctx.expect_error(r, "f.xlsx", "contract_hours_week")


@case("acd")
def history_xlsx_with_datetime_cells(ctx: Ctx) -> None:
    """A history xlsx whose interval_start cells are Excel dates (as an ACD export saves them)."""
    h = pd.read_csv(ctx.ws / "history.csv")
    h["interval_start"] = pd.to_datetime(h["interval_start"])
    h.to_excel(ctx.ws / "h.xlsx", index=False)
    ctx.expect_ok(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-H", ctx.ws / "h.xlsx"))


@case("injection")
def queue_names_colliding_as_sheet_titles(ctx: Ctx) -> None:
    """Queues whose names collide once cut to 31 characters or stripped of []:*?/\\ (forecast workbook)."""
    h = pd.read_csv(ctx.ws / "history.csv", dtype=str)
    long = "q" * 40
    h["queue"] = h["queue"].replace({"billing": long + "1", "faults": long + "2", "vip": "bill?ing"})
    extra = h[h["queue"] == "bill?ing"].assign(queue="bill*ing")
    pd.concat([h, extra]).to_csv(ctx.ws / "h.csv", index=False)
    r = ctx.wfm("forecast", "-H", ctx.ws / "h.csv", "--start", START, "--days", "2", "--accuracy-folds", "2",
                "-o", ctx.ws / "f.csv")
    if ctx.expect_ok(r):
        qs = set(pd.read_csv(ctx.ws / "f.csv")["queue"])
        if len(qs) != 4:
            ctx.fail(f"queues merged or lost: {sorted(qs)}")
        titles = openpyxl.load_workbook(ctx.ws / "f.xlsx", read_only=True).sheetnames
        if len(set(titles)) != len(titles):
            ctx.fail(f"duplicate sheet titles: {titles}")


@case("values")
def queues_differing_in_case_and_ids_in_spaces(ctx: Ctx) -> None:
    """History queues 'billing' and 'Billing' without config; agent ids 'A1' and ' A1 '."""
    h = pd.read_csv(ctx.ws / "history.csv", dtype=str)
    extra = h[h["queue"] == "billing"].assign(queue="Billing")
    pd.concat([h, extra]).to_csv(ctx.ws / "h.csv", index=False)
    r = ctx.wfm("forecast", "-H", ctx.ws / "h.csv", "--start", START, "--days", "2", "--accuracy-folds", "0",
                "-o", ctx.ws / "f.csv")
    if r.code == 0:
        if len(set(pd.read_csv(ctx.ws / "f.csv")["queue"])) != 4:
            ctx.fail("queues differing in case were merged silently")
    else:
        ctx.expect_error(r, "Billing")
    a = agents(ctx.ws)
    a.loc[0, "agent_id"], a.loc[1, "agent_id"] = "A1", " A1 "
    p = write_agents_csv(ctx.ws, a, "a.csv")
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", p), "a.csv")


@case("lost-work")
def two_exports_same_folder(ctx: Ctx) -> None:
    """Two concurrent `wfm export` into one folder without --force: one export whole, the other refused."""
    from benchmarks.adversarial_lost import _concurrent

    ws = ctx.ws
    argv = ["export", ws / "roster.xlsx", "-a", ws / "agents.xlsx", "-c", ws / "config.toml", "-o", ws / "e",
            "--allow-violations"]
    rs = _concurrent(ctx, [argv, argv])
    if sorted(r.code for r in rs) != [0, 2]:
        ctx.fail(f"two exports exited {[r.code for r in rs]}")
    _manifest_matches_folder(ctx, ws / "e")


def _manifest_matches_folder(ctx: Ctx, folder) -> None:
    man = pd.read_csv(folder / "manifest.tsv", sep="\t", dtype=str, keep_default_na=False)
    listed = set(man["file"])
    on_disk = {p.name for p in folder.iterdir() if p.name != "manifest.tsv"}
    if listed != on_disk:
        ctx.fail(f"manifest and folder disagree: {sorted(listed ^ on_disk)[:4]}")


@case("lost-work")
def kill_during_export(ctx: Ctx) -> None:
    """SIGKILL at several moments of `wfm export --force`: after the next run the folder matches its manifest."""
    from benchmarks.adversarial import WFM, run_capped

    ws = ctx.ws
    argv = ["export", ws / "roster.xlsx", "-a", ws / "agents.xlsx", "-c", ws / "config.toml", "-o", ws / "e",
            "--allow-violations"]
    ctx.expect_ok(ctx.wfm(*argv))
    for at in (2.0, 2.5, 3.0, 3.5):
        run_capped([*WFM, *map(str, argv), "--force", "--team", "T01"], timeout=60, env=None, cwd=ws, kill_after=at)
        r = ctx.wfm(*argv, "--force")
        if ctx.expect_ok(r):
            _manifest_matches_folder(ctx, ws / "e")


@case("limits")
def agents_csv_9mb(ctx: Ctx) -> None:
    """A 9 MB agents CSV (about 90,000 agents): validated within memory and two minutes."""
    a = agents(ctx.ws)
    big = pd.concat([a] * (90_000 // len(a) + 1), ignore_index=True).iloc[:90_000]
    big["agent_id"] = [f"X{i:06d}" for i in range(len(big))]
    p = write_agents_csv(ctx.ws, big, "big.csv")
    r = ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", p, timeout=180)
    if r.code != 0:
        ctx.expect_error(r, "big.csv")
    elif r.seconds > 120:
        ctx.fail(f"took {r.seconds:.0f} s")


@case("limits")
def history_xlsx_8mb(ctx: Ctx) -> None:
    """An 8 MB history xlsx (about 400,000 rows): validated within memory and two minutes."""
    from benchmarks.adversarial_files import row_xml, write_xlsx

    h = pd.read_csv(ctx.ws / "history.csv", dtype=str).fillna("")
    qs = [f"q{k}" for k in range(25)]

    def rows():
        yield row_xml(1, list(h.columns))
        r = 2
        for q in qs:
            for rec in h.itertuples(index=False):
                yield row_xml(r, [rec[0], q + rec[1], int(rec[2])] + [v or None for v in rec[3:]])
                r += 1
    write_xlsx(ctx.ws / "h.xlsx", rows())
    cfg = ctx.ws / "config.toml"
    text = cfg.read_text(encoding="utf-8")
    for q in qs:
        for base in ("billing", "faults", "vip"):
            text += f"\n[queues.{q}{base}]\nsl_target = 0.8\nanswer_time_s = 20\n"
    cfg.write_text(text, encoding="utf-8")
    r = ctx.wfm("validate", "-c", cfg, "-H", ctx.ws / "h.xlsx", timeout=240)
    if r.code != 0:
        ctx.expect_error(r, "h.xlsx")
    elif r.seconds > 120:
        ctx.fail(f"took {r.seconds:.0f} s")


def _hostile_roster(ctx: Ctx):
    """A roster of agents whose ids, names and teams are formulas; returns the agents path."""
    a = agents(ctx.ws)
    teams = {t: f"=T{i}+1" for i, t in enumerate(sorted(a["team"].unique()))}
    a["team"] = a["team"].map(teams)
    a["agent_id"] = ["=" + x if i % 2 else "@" + x for i, x in enumerate(a["agent_id"])]
    a["name"] = "+" + a["name"]
    path = write_agents_csv(ctx.ws, a)
    if not ctx.expect_ok(roster(ctx, path.name), (0, 1)):
        return None
    return path


@case("injection")
def adherence_workbook_hostile_agents(ctx: Ctx) -> None:
    """Adherence of agents whose ids and teams are formulas: its workbook holds text only."""
    ws = ctx.ws
    path = _hostile_roster(ctx)
    if path is None:
        return
    data = pd.read_excel(ws / "out.xlsx", sheet_name="Data", dtype=str)
    first = data[data["date"] == data["date"].min()]
    spans = first.groupby("agent_id")["interval_start"].agg(["min", "max"]).reset_index()
    states = pd.DataFrame({"agent_id": spans["agent_id"], "start": spans["min"],
                           "end": (pd.to_datetime(spans["max"]) + pd.Timedelta(minutes=15)).astype(str),
                           "state": "Available"})
    states.to_csv(ws / "st.csv", index=False)
    r = ctx.wfm("adherence", ws / "out.xlsx", "--states", ws / "st.csv", "-c", ws / "config.toml", "-a", path,
                "-o", ws / "ad.xlsx")
    if ctx.expect_ok(r):
        no_formulas(ctx, ws / "ad.xlsx")


@case("injection")
def intraday_workbook_hostile_agents(ctx: Ctx) -> None:
    """An intraday re-plan of agents whose ids, names and teams are formulas: text only, readable by check."""
    ws = ctx.ws
    path = _hostile_roster(ctx)
    if path is None:
        return
    f = pd.read_csv(ws / "forecast.csv")
    day = f[f["interval_start"].str.startswith(START) & (f["interval_start"] < f"{START}T11:00")]
    act = pd.DataFrame({"interval_start": day["interval_start"], "queue": day["queue"],
                        "offered": (day["calls"] * 1.6).round().astype(int)})
    act.to_csv(ws / "act.csv", index=False)
    r = ctx.wfm("intraday", ws / "out.xlsx", "--actuals", ws / "act.csv", "--now", "11:00", "-c",
                ws / "config.toml", "-a", path, "-f", ws / "forecast.csv", "-o", ws / "i.xlsx")
    if ctx.expect_ok(r, (0, 1)):
        no_formulas(ctx, ws / "i.xlsx")
        ctx.expect_ok(ctx.wfm("check", ws / "i.xlsx", "-a", path, "-c", ws / "config.toml"), (0, 1))


@case("limits")
def roster_of_20000_agents(ctx: Ctx) -> None:
    """A 2 MB agents CSV of 20,000 agents into `wfm roster --time-limit 2`: bounded memory and time, or refused."""
    a = agents(ctx.ws)
    big = pd.concat([a] * (20_000 // len(a) + 1), ignore_index=True).iloc[:20_000]
    big["agent_id"] = [f"X{i:06d}" for i in range(len(big))]
    p = write_agents_csv(ctx.ws, big, "big.csv")
    r = roster(ctx, p.name, timeout=300)
    if r.code == 2:
        ctx.expect_error(r, "big.csv")
    elif r.seconds > 120:
        ctx.fail(f"a 2-second roster took {r.seconds:.0f} s")


@case("limits")
def history_of_16000_one_row_queues(ctx: Ctx) -> None:
    """A 0.6 MB history whose every row is its own queue: forecast refuses or finishes within two minutes."""
    h = pd.read_csv(ctx.ws / "history.csv", dtype=str)
    h["queue"] = [f"q{i}" for i in range(len(h))]
    h.to_csv(ctx.ws / "h.csv", index=False)
    r = ctx.wfm("forecast", "-H", ctx.ws / "h.csv", "--start", START, "--days", "2", "-o", ctx.ws / "f.csv",
                timeout=150)
    if r.code != 0:
        ctx.expect_error(r, "h.csv", "queue")
    elif r.seconds > 120:
        ctx.fail(f"took {r.seconds:.0f} s")
    r = ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-H", ctx.ws / "h.csv", timeout=150)
    ctx.expect_error(r, "h.csv", "queue")
    if len(r.text.splitlines()) > 200:
        ctx.fail(f"validate printed {len(r.text.splitlines()):,} lines")
