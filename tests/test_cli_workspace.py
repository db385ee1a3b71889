"""`wfm init`, `wfm validate`, `wfm demo`: exit codes, no tracebacks, every problem reported."""

from __future__ import annotations

import pandas as pd
import pytest


def test_every_command_has_help_with_an_example(cli):
    commands = ("init", "validate", "demo", "forecast", "backtest", "staff", "roster", "check", "export", "simulate",
                "whatif")
    code, out, _ = cli("--help")
    assert code == 0 and all(c in out for c in commands)
    for cmd in commands:
        code, out, _ = cli(cmd, "--help")
        assert code == 0 and "Example: wfm " + cmd in " ".join(out.split()), cmd


def test_init_writes_a_workspace_that_validates(tmp_path, cli):
    ws = tmp_path / "centre"
    code, out, _ = cli("init", ws)
    assert code == 0
    for name in ("config.toml", "agents.xlsx", "history.csv"):
        assert (ws / name).is_file()
    cfg = (ws / "config.toml").read_text(encoding="utf-8")
    keys = {ln.split("=")[0].strip() for ln in cfg.splitlines() if "=" in ln and not ln.lstrip().startswith("#")}
    commented = {ln.split("=")[0].strip() for ln in cfg.splitlines() if "=" in ln and "#" in ln.split("=", 1)[1]}
    assert keys - commented <= {"special_days"}, f"keys without a comment: {keys - commented}"
    history = pd.read_csv(ws / "history.csv")
    assert list(history.columns[:3]) == ["interval_start", "queue", "offered"]
    code, out, err = cli("validate", "--config", ws / "config.toml", "--agents", ws / "agents.xlsx",
                         "--history", ws / "history.csv")
    assert code == 0, err
    assert "0 error(s)" in out
    # not overwritten without --force
    code, _, err = cli("init", ws)
    assert code == 2 and "--force" in err and "Traceback" not in err


def test_validate_reports_problems_in_every_file(tmp_path, cli):
    ws = tmp_path / "w"
    cli("init", ws)
    cfg = ws / "config.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("max_consecutive_days = 6", "max_consecutive_dayz = 6"),
                   encoding="utf-8")
    hist = ws / "history.csv"
    lines = hist.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].rsplit(",", 4)[0] + ",-4,0,0,"
    hist.write_text("\n".join(lines) + "\n", encoding="utf-8")
    agents = tmp_path / "agents.csv"
    agents.write_text("agent_id,name,team,skills,contract_hours_week\nA1,x,T1,billing;roaming,40\nA1,y,T1,vip,40\n",
                      encoding="utf-8")
    code, out, err = cli("validate", "--config", cfg, "--agents", agents, "--history", hist)
    assert code == 2 and "Traceback" not in err
    assert "rules.max_consecutive_dayz" in err
    assert "agents.csv, row 2, column 'skills'" in err and "roaming" in err
    assert "agents.csv, row 3, column 'agent_id'" in err
    assert "history.csv, row 6, column 'offered': negative value" in err


def test_bad_usage_exits_2(cli, tmp_path):
    code, _, err = cli("validate")
    assert code == 2 and "--config" in err
    code, _, err = cli("validate", "--config", tmp_path / "missing.toml")
    assert code == 2 and "not found" in err and "Traceback" not in err
    code, _, err = cli("demo", "--start", "next week", "--out", tmp_path / "d")
    assert code == 2 and "not a date" in err


@pytest.mark.slow
def test_demo_runs_the_pipeline(tmp_path, cli):
    out = tmp_path / "demo"
    code, stdout, err = cli("demo", "--out", out, "--start", "2026-11-30", "--days", "7")
    assert code == 0, err
    roster = out / "rosters" / "roster_2026-11-30_7d.xlsx"
    code, check_out, err = cli("check", roster, "--agents", out / "agents.xlsx", "--config", out / "config.toml",
                               "--requirements", out / "forecasts" / "requirements_2026-11-30_7d.csv")
    assert code == 0, check_out + err
    assert "0 hard-rule violation(s)" in check_out
    forecast = pd.read_csv(out / "forecasts" / "forecast_2026-11-30_7d.csv")
    requirements = pd.read_csv(out / "forecasts" / "requirements_2026-11-30_7d.csv")
    assert set(forecast["queue"]) == {"billing", "faults", "complaints", "vip", "english", "data"}
    assert len(forecast) == 7 * 96 * 6 and len(requirements) == len(forecast)
    assert (requirements["agents"] >= 0).all()
    assert str(out / "forecasts" / "requirements_2026-11-30_7d.csv") in stdout.replace("\n", "")
