"""Adversarial cases, part 3: values that pass one check and crash the next, usage, Chinese ACD exports
(see benchmarks/adversarial.py)."""

from __future__ import annotations

import pandas as pd

from benchmarks.adversarial import DAYS, START, Ctx, case
from benchmarks.adversarial_cases import roster
from benchmarks.adversarial_files import agents, set_config, write_agents_csv


def _config_rejected(ctx: Ctx, key: str, value: str, nth: int = 0) -> None:
    set_config(ctx.ws, key, value, nth)
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml"), key)
    ctx.expect_error(roster(ctx), key)


def _add_to_section(ctx: Ctx, section: str, line: str) -> None:
    path = ctx.ws / "config.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"[{section}]\n", f"[{section}]\n{line}\n", 1), encoding="utf-8")


for _key, _val in [("sl_target", "nan"), ("absence", "inf"), ("max_occupancy", "1e30"), ("length_h", "nan"),
                   ("time_limit_s", "inf"), ("answer_time_s", "-inf"), ("interval_minutes", "7"),
                   ("timezone", '"Mars/Olympus"'), ("country", '"XX"'), ("open", '"25:00"')]:
    def _make(key=_key, val=_val):
        def fn(ctx: Ctx) -> None:
            _config_rejected(ctx, key, val)
        fn.__name__ = f"config_{key}_{val.strip(chr(34)).replace('/', '_').replace(':', '')}"
        fn.__doc__ = f"config {key} = {val}: validate and roster exit 2 naming the key"
        return fn
    case("values")(_make())


@case("values")
def config_seed_2_63(ctx: Ctx) -> None:
    """solver.seed = 2^63-1."""
    _add_to_section(ctx, "solver", "seed = 9223372036854775807")
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml"), "seed")
    ctx.expect_error(roster(ctx), "seed")


@case("values")
def config_unknown_key_and_duplicate_key(ctx: Ctx) -> None:
    """An unknown key and a key given twice."""
    _add_to_section(ctx, "solver", "sed = 1")
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml"), "sed")
    set_config(ctx.ws, "sed", "1\nseed = 2\nseed = 3")
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml"), "config.toml")


@case("values")
def roster_start_2263(ctx: Ctx) -> None:
    """--start 2263-01-01, 0001-01-01, 2026-02-30, 'tomorrow'."""
    for s in ("2263-01-01", "0001-01-01", "2026-02-30", "tomorrow"):
        r = ctx.wfm("roster", "-r", ctx.ws / "req.csv", "-a", ctx.ws / "agents.xlsx", "-c", ctx.ws / "config.toml",
                    "--start", s, "--days", DAYS, "--time-limit", "2", "-o", ctx.ws / "o.xlsx")
        ctx.expect_error(r, "start")


@case("values")
def forecast_start_and_days_extremes(ctx: Ctx) -> None:
    """wfm forecast --start 2263-01-01, --days 0, -1, 100000."""
    base = ["forecast", "-H", ctx.ws / "history.csv", "--accuracy-folds", "0", "-o", ctx.ws / "f.csv"]
    for extra in (["--start", "2263-01-01", "--days", "3"], ["--start", START, "--days", "0"],
                  ["--start", START, "--days", "-1"], ["--start", START, "--days", "100000"]):
        ctx.expect_error(ctx.wfm(*base, *extra, timeout=60), extra[0] if "2263" in extra[1] else "days")


@case("values")
def scheduler_foo(ctx: Ctx) -> None:
    """--scheduler foo, --scheduler tcp://127.0.0.1:1 on forecast and whatif: exit 2 soon."""
    for sch in ("foo", "tcp://127.0.0.1:1"):
        r = ctx.wfm("forecast", "-H", ctx.ws / "history.csv", "--start", START, "--days", "2", "--scheduler", sch,
                    "-o", ctx.ws / "f.csv", timeout=90)
        ctx.expect_error(r, "scheduler")


@case("values")
def time_limit_extremes(ctx: Ctx) -> None:
    """wfm roster --time-limit inf, nan, 0, -1, 1e9."""
    for tl in ("inf", "nan", "0", "-1", "1e9"):
        ctx.expect_error(roster(ctx, "agents.xlsx", "o.xlsx", time_limit=tl), "time-limit")


@case("values")
def requirements_inf_and_huge(ctx: Ctx) -> None:
    """Requirements with inf, nan and 1e30 agents/heads: exit 2 naming the row and column."""
    req = pd.read_csv(ctx.ws / "req.csv", dtype=str)
    for col, val in (("agents", "inf"), ("heads", "1e30"), ("calls", "nan"), ("agents", "-5")):
        r = req.copy()
        r.loc[10, col] = val
        r.to_csv(ctx.ws / "bad.csv", index=False)
        ctx.expect_error(roster(ctx, "agents.xlsx", "o.xlsx", req="bad.csv"), col)


@case("values")
def forecast_file_values(ctx: Ctx) -> None:
    """A forecast with calls=inf, aht_s=nan, calls=-1 for staff and simulate."""
    f = pd.read_csv(ctx.ws / "forecast.csv", dtype=str)
    for col, val in (("calls", "inf"), ("aht_s", "nan"), ("calls", "-1"), ("aht_s", "1e30")):
        g = f.copy()
        g.loc[5, col] = val
        g.to_csv(ctx.ws / "bad.csv", index=False)
        ctx.expect_error(ctx.wfm("staff", "-f", ctx.ws / "bad.csv", "-c", ctx.ws / "config.toml", "-o",
                                 ctx.ws / "r.csv"), col)
        ctx.expect_error(ctx.wfm("simulate", ctx.ws / "roster.xlsx", "-f", ctx.ws / "bad.csv", "-c",
                                 ctx.ws / "config.toml", "-o", ctx.ws / "s.csv"), col)


@case("values")
def agents_numbers(ctx: Ctx) -> None:
    """contract_hours_week nan, inf, -5, 1e30; duplicate ids; empty id; unknown skill."""
    base = agents(ctx.ws)
    for col, val in (("contract_hours_week", "inf"), ("contract_hours_week", "-5"),
                     ("contract_hours_week", "1e30"), ("agent_id", ""), ("skills", "nosuchqueue"),
                     ("agent_id", base.loc[1, "agent_id"]), ("min_hours_week", "nan")):
        a = base.copy()
        a.loc[0, col] = val
        p = write_agents_csv(ctx.ws, a, "a.csv")
        ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-a", p), "a.csv")


@case("values")
def history_values(ctx: Ctx) -> None:
    """History offered inf / 1e30 / 1e400, a timestamp in 9999 and 1677."""
    h = pd.read_csv(ctx.ws / "history.csv", dtype=str)
    for col, val in (("offered", "inf"), ("offered", "1e30"), ("offered", "1e400"),
                     ("interval_start", "9999-01-01T00:00:00"), ("interval_start", "1677-01-01T00:00:00")):
        g = h.copy()
        g.loc[3, col] = val
        g.to_csv(ctx.ws / "h.csv", index=False)
        r = ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-H", ctx.ws / "h.csv")
        ctx.expect_error(r, "h.csv")


@case("values")
def simulate_options(ctx: Ctx) -> None:
    """simulate --replications 0, --absence 1.5/nan, --seed -1/2^63, --routing foo, --handle foo."""
    ws = ctx.ws
    for extra in (["-n", "0"], ["--absence", "1.5"], ["--absence", "nan"], ["--seed", "9223372036854775807"],
                  ["--routing", "foo"], ["--handle", "foo"], ["--cv", "inf"]):
        r = ctx.wfm("simulate", ws / "roster.xlsx", "-f", ws / "forecast.csv", "-c", ws / "config.toml", "-o",
                    ws / "s.csv", *extra)
        ctx.expect_error(r, extra[0].lstrip("-")[:5] if extra[0] != "-n" else "replications")


@case("values")
def whatif_scenario_values(ctx: Ctx) -> None:
    """what-if volume=nan/inf/-1, hire=1e20@..., sl=2/15, shrinkage=1, pool=x+y, weeks 100000."""
    ws = ctx.ws
    for sc in ("a:volume=nan", "a:volume=inf", "a:volume=-1", "a:hire=100000000000000000000@2027-03-01",
               "a:sl=2/15", "a:shrinkage=1", "a:pool=nope+billing", "a:attrition=nan", "a:b=c", "a:volume"):
        r = ctx.wfm("whatif", "-c", ws / "config.toml", "-f", ws / "forecast.csv", "--fte", "30", "-s", sc,
                    "-o", ws / "w.csv")
        ctx.expect_error(r)
    r = ctx.wfm("whatif", "-c", ws / "config.toml", "-H", ws / "history.csv", "--fte", "30", "-s", "a:volume=1.1",
                "--weeks", "100000", "-o", ws / "w.csv")
    ctx.expect_error(r, "weeks")


@case("values")
def intraday_now_values(ctx: Ctx) -> None:
    """intraday --now 25:00, 10:07 (off the grid), 'noon'."""
    ws = ctx.ws
    h = pd.read_csv(ws / "forecast.csv")
    day = h[h["interval_start"].str.startswith(START)]
    act = day[day["interval_start"] < f"{START}T10:00"].rename(columns={"calls": "offered"})
    act["offered"] = act["offered"].round().astype(int)
    act[["interval_start", "queue", "offered"]].to_csv(ws / "act.csv", index=False)
    for now in ("25:00", "10:07", "noon", "09:00"):
        r = ctx.wfm("intraday", ws / "roster.xlsx", "--actuals", ws / "act.csv", "--now", now, "-c",
                    ws / "config.toml", "-a", ws / "agents.xlsx", "-f", ws / "forecast.csv", "-o", ws / "i.xlsx")
        ctx.expect_error(r, "now")
    r = ctx.wfm("intraday", ws / "roster.xlsx", "--actuals", ws / "act.csv", "--now", "10:00", "-c",
                ws / "config.toml", "-a", ws / "agents.xlsx", "-f", ws / "forecast.csv", "-o", ws / "i.xlsx")
    ctx.expect_ok(r, (0, 1))


@case("values")
def demo_and_init_usage(ctx: Ctx) -> None:
    """demo --days 0/100000, --start 2263-01-01; init into an existing non-empty folder and onto a file."""
    ws = ctx.ws
    for extra in (["--days", "0"], ["--days", "100000"], ["--start", "2263-01-01"]):
        ctx.expect_error(ctx.wfm("demo", "--out", ws / "d", *extra, timeout=60), extra[0].lstrip("-"))
    r = ctx.wfm("init", ws)
    ctx.expect_error(r, "exists")
    ctx.expect_error(ctx.wfm("init", ws / "agents.xlsx"), "agents.xlsx")


@case("values")
def queue_with_slash_and_colon(ctx: Ctx) -> None:
    """Queues 'a/b' and 'c:d' in a history read without config: forecast writes CSV and XLSX, or refuses first."""
    h = pd.read_csv(ctx.ws / "history.csv", dtype=str)
    h["queue"] = h["queue"].replace({"billing": "bill/ing", "faults": "fa:ults", "vip": "v[i]p*?"})
    h.to_csv(ctx.ws / "h.csv", index=False)
    r = ctx.wfm("forecast", "-H", ctx.ws / "h.csv", "--start", START, "--days", "2", "-o", ctx.ws / "f.csv")
    if r.code == 2:
        if (ctx.ws / "f.csv").exists():
            ctx.fail("refused after the CSV was written")
        return
    if ctx.expect_ok(r):
        qs = set(pd.read_csv(ctx.ws / "f.csv")["queue"])
        if qs != {"bill/ing", "fa:ults", "v[i]p*?"}:
            ctx.fail(f"queues changed in the CSV: {qs}")
        if not (ctx.ws / "f.xlsx").exists():
            ctx.fail("the workbook was not written")


@case("values")
def check_hand_edit_hostile_code(ctx: Ctx) -> None:
    """HR types '=1+1', 'E9999' and a 500-char code into Roster day cells: check reports, no crash."""
    import openpyxl
    wb = openpyxl.load_workbook(ctx.ws / "roster.xlsx")
    ws_ = wb.worksheets[0]
    cells = [c for row in ws_.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "EDLNP"
             and c.value[1:5].isdigit()]
    for c, v in zip(cells[:3], ("=1+1", "E9999", "X" * 500)):
        c.value = v
    wb.save(ctx.ws / "edited.xlsx")
    r = ctx.wfm("check", ctx.ws / "edited.xlsx", "-a", ctx.ws / "agents.xlsx", "-c", ctx.ws / "config.toml")
    if r.code not in (1, 2):
        ctx.fail(f"hostile codes gave exit {r.code}")


# ------------------------------------------------------------------------------------------------ ACD exports

def _zh_history(ctx: Ctx, sep: str = "-", totals: bool = True, percent: bool = True) -> None:
    h = pd.read_csv(ctx.ws / "history.csv")
    t = pd.to_datetime(h["interval_start"])
    end = t + pd.Timedelta(minutes=15)
    zh = pd.DataFrame({"日期": t.dt.strftime("%Y-%m-%d"),
                       "时间段": t.dt.strftime("%H:%M") + sep + end.dt.strftime("%H:%M"),
                       "技能组": h["queue"].map({"billing": "话费查询", "faults": "故障", "vip": "VIP专席"}),
                       "呼入量": h["offered"]})
    if percent:
        zh["服务水平"] = ["85.3%"] * len(zh)
    if totals:
        zh = pd.concat([zh, pd.DataFrame({"日期": ["合计"], "呼入量": [int(zh["呼入量"].sum())]})])
    zh.to_csv(ctx.ws / "zh.csv", index=False, encoding="gbk")
    for q, names in (("billing", '["话费查询", "账单"]'), ("faults", '["故障"]'), ("vip", '["VIP专席"]')):
        path = ctx.ws / "config.toml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"[queues.{q}]\n", f"[queues.{q}]\nacd_names = {names}\n", 1),
                        encoding="utf-8")


@case("acd")
def gbk_export_ranges_percent_totals(ctx: Ctx) -> None:
    """GBK export: 日期 + 时间段 01:15-01:30, Chinese queue names mapped, % column, 合计 row: forecasts."""
    _zh_history(ctx)
    r = ctx.wfm("forecast", "-H", ctx.ws / "zh.csv", "-c", ctx.ws / "config.toml", "--start", START, "--days", "2",
                "--accuracy-folds", "0", "-o", ctx.ws / "f.csv")
    if ctx.expect_ok(r):
        if set(pd.read_csv(ctx.ws / "f.csv")["queue"]) != {"billing", "faults", "vip"}:
            ctx.fail("queues not mapped")
        if "合计" not in r.text and "total" not in r.text.lower():
            ctx.fail("no warning about the totals row")


@case("acd")
def tilde_ranges_validate(ctx: Ctx) -> None:
    """时间段 01:15~01:30 without % or totals: validate passes."""
    _zh_history(ctx, sep="~", totals=False, percent=False)
    ctx.expect_ok(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-H", ctx.ws / "zh.csv"))


@case("acd")
def unmapped_chinese_queue(ctx: Ctx) -> None:
    """A Chinese queue name not in acd_names: exit 2 naming it."""
    _zh_history(ctx, totals=False)
    text = (ctx.ws / "zh.csv").read_bytes().decode("gbk").replace("故障", "宽带故障")
    (ctx.ws / "zh.csv").write_bytes(text.encode("gbk"))
    ctx.expect_error(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-H", ctx.ws / "zh.csv"), "宽带故障")


@case("acd")
def one_row_and_one_day_history(ctx: Ctx) -> None:
    """A one-row and a one-day history: forecast with a warning, or a clear refusal."""
    h = pd.read_csv(ctx.ws / "history.csv")
    h.iloc[:1].to_csv(ctx.ws / "one.csv", index=False)
    h[h["interval_start"].str.startswith("2026-11-29")].to_csv(ctx.ws / "day.csv", index=False)
    for name in ("one.csv", "day.csv"):
        r = ctx.wfm("forecast", "-H", ctx.ws / name, "--start", START, "--days", "2", "-o", ctx.ws / f"f_{name}")
        if r.code == 0:
            if "warning" not in r.text.lower():
                ctx.fail(f"{name}: forecast without a warning")
        else:
            ctx.expect_error(r, name)


@case("acd")
def history_utf8_bom_semicolons_crlf(ctx: Ctx) -> None:
    """A history with a UTF-8 BOM, ';' separators and CRLF line ends."""
    text = (ctx.ws / "history.csv").read_text().replace(",", ";").replace("\n", "\r\n")
    (ctx.ws / "h.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())
    ctx.expect_ok(ctx.wfm("validate", "-c", ctx.ws / "config.toml", "-H", ctx.ws / "h.csv"))


@case("acd")
def backtest_too_many_folds(ctx: Ctx) -> None:
    """backtest --folds 1000 on 8 weeks of history."""
    r = ctx.wfm("backtest", "-H", ctx.ws / "history.csv", "--days", "28", "--folds", "1000", "-o", ctx.ws / "b.csv")
    ctx.expect_error(r, "folds")
