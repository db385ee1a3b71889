"""Values that pass a type check and crash later (issue 19): nan, inf, 1e30, seeds past int32, far-off dates.

Every one ends in an InputError naming the key and line (config) or the file, row and column (CSV), and the CLI
exits 2 without a traceback; `wfm validate` and `wfm roster` report the same config problems.
"""

from __future__ import annotations

import pytest

from wfm.config import load_config
from wfm.errors import InputError
from wfm.readers.forecast import read_forecast, read_requirements
from wfm.sample.config_template import config_text

# key path, the start of its line in the sample config, and the text to put after "="
FLOAT_KEYS = [
    ("queues.billing.sl_target", "sl_target = 0.8 "),
    ("queues.billing.answer_time_s", "answer_time_s = 20 "),
    ("queues.billing.max_occupancy", "max_occupancy = 0.88"),
    ("queues.billing.patience_s", "patience_s = 120"),
    ("shrinkage.absence", "absence = 0.05"),
    ("costs.hourly_wage", "hourly_wage = 32.0"),
    ("costs.overtime_multiplier", "overtime_multiplier = 1.5"),
    ("solver.time_limit_s", "time_limit_s = 60"),
    ("rules.hours_per_week", "hours_per_week = 40"),
    ("shifts[0].length_h", "length_h = 9 "),
]


def with_value(text: str, line_start: str, value: str) -> tuple[str, int]:
    """`text` with the first line starting `line_start` set to `key = value`; returns the text and that line."""
    lines = text.splitlines()
    i = next(i for i, ln in enumerate(lines) if ln.startswith(line_start))
    lines[i] = f"{line_start.split('=')[0].strip()} = {value}"
    return "\n".join(lines) + "\n", i + 1


def config_errors(tmp_path, text: str) -> list[str]:
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_config(p)
    return [str(e) for e in exc.value.errors]


@pytest.mark.parametrize("literal", ["nan", "inf", "-inf", "+inf", "-nan"])
@pytest.mark.parametrize(("key", "line_start"), FLOAT_KEYS, ids=[k for k, _ in FLOAT_KEYS])
def test_config_rejects_non_finite_floats_with_key_and_line(tmp_path, key, line_start, literal):
    text, line = with_value(config_text(), line_start, literal)
    errs = config_errors(tmp_path, text)
    assert any(f"row {line}" in e and f"column '{key}'" in e and "finite" in e for e in errs), errs


def test_config_all_non_finite_values_reported_at_once(tmp_path):
    text = config_text()
    lines = {}
    for (key, start), literal in zip(FLOAT_KEYS, ["nan", "inf", "-inf", "nan", "inf", "nan", "-inf", "inf", "nan",
                                                  "inf"]):
        text, lines[key] = with_value(text, start, literal)
    errs = "\n".join(config_errors(tmp_path, text))
    for key, line in lines.items():
        assert f"row {line}, column '{key}'" in errs


@pytest.mark.parametrize(("line_start", "value", "key", "words"), [
    ("seed = 0", "9223372036854775807", "solver.seed", "between 0 and 2147483647"),
    ("seed = 0", "2147483648", "solver.seed", "between 0 and 2147483647"),
    ("seed = 0", "-1", "solver.seed", "between 0 and 2147483647"),
    ("workers = 2", "100000", "solver.workers", "between 1 and 256"),
    ("time_limit_s = 60", "1e9", "solver.time_limit_s", "between 1.0 and 86400.0"),
    ("time_limit_s = 60", "0", "solver.time_limit_s", "between 1.0 and 86400.0"),
    ("hourly_wage = 32.0", "1e30", "costs.hourly_wage", "between"),
    ("lunch_window_h = [3, 5.5]", "[nan, 5]", "breaks.lunch_window_h", "[earliest, latest]"),
    ("lunch_window_h = [3, 5.5]", "[3, inf]", "breaks.lunch_window_h", "[earliest, latest]"),
    ("extra_holidays = []", "[0001-01-01]", "calendar.extra_holidays", "outside 1900-2199"),
    ("extra_holidays = []", '["9999-12-31"]', "calendar.extra_holidays", "outside 1900-2199"),
])
def test_config_range_checks_seeds_limits_and_dates(tmp_path, line_start, value, key, words):
    text, line = with_value(config_text(), line_start, value)
    errs = config_errors(tmp_path, text)
    assert any(f"row {line}" in e and f"column '{key}'" in e and words in e for e in errs), errs


def test_config_largest_valid_seed_and_limit_load(tmp_path):
    text, _ = with_value(config_text(), "seed = 0", "2147483647")
    text, _ = with_value(text, "time_limit_s = 60", "86400")
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    cfg = load_config(p)
    assert cfg.solver.seed == 2**31 - 1 and cfg.solver.time_limit_s == 86400


# ---------------------------------------------------------------------------------------------- the CLI


def _workspace(tmp_path, cli):
    ws = tmp_path / "ws"
    code, _, _ = cli("init", ws)
    assert code == 0
    return ws


def _error_lines(err: str) -> list[str]:
    return sorted(ln for ln in err.splitlines() if ln.startswith("error:"))


def test_validate_and_roster_report_the_same_non_finite_config_values(tmp_path, cli):
    ws = _workspace(tmp_path, cli)
    cfg = ws / "config.toml"
    text = cfg.read_text(encoding="utf-8")
    for start, literal in [("sl_target = 0.8 ", "nan"), ("absence = ", "inf"), ("length_h = ", "nan"),
                           ("time_limit_s = ", "inf"), ("hourly_wage = ", "-inf"), ("seed = ", "9223372036854775807")]:
        text, _ = with_value(text, start, literal)
    cfg.write_text(text, encoding="utf-8")
    code, _, err_validate = cli("validate", "--config", cfg)
    assert code == 2 and "Traceback" not in err_validate
    code, _, err_roster = cli("roster", "-r", ws / "requirements.csv", "-a", ws / "agents.xlsx", "-c", cfg,
                              "--start", "2026-12-07")
    assert code == 2 and "Traceback" not in err_roster
    lines = _error_lines(err_validate)
    assert len(lines) == 6 and lines == _error_lines(err_roster)
    for key in ("sl_target", "shrinkage.absence", "length_h", "solver.time_limit_s", "costs.hourly_wage",
                "solver.seed"):
        assert any(key in ln for ln in lines)


@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "0", "-5", "1e9"])
def test_roster_time_limit_out_of_range_exits_2(tmp_path, cli, value):
    code, _, err = cli("roster", "-r", tmp_path / "req.csv", "-a", tmp_path / "agents.xlsx", "-c",
                       tmp_path / "config.toml", "--start", "2026-12-07", "--time-limit", value)
    assert code == 2 and "Traceback" not in err
    assert "--time-limit" in err


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01"])
def test_roster_start_out_of_range_exits_2(tmp_path, cli, start):
    code, _, err = cli("roster", "-r", tmp_path / "req.csv", "-a", tmp_path / "agents.xlsx", "-c",
                       tmp_path / "config.toml", "--start", start, "--days", "7")
    assert code == 2 and "Traceback" not in err and "--start" in err


@pytest.mark.parametrize("seed", ["-1", str(2**31), str(2**63 - 1), str(2**64)])
def test_simulate_seed_out_of_range_exits_2(tmp_path, cli, seed):
    code, _, err = cli("simulate", tmp_path / "roster.xlsx", "-f", tmp_path / "fc.csv", "-c",
                       tmp_path / "config.toml", "--seed", seed)
    assert code == 2 and "Traceback" not in err and "--seed" in err


@pytest.mark.parametrize("cv", ["inf", "nan", "0", "-1"])
def test_simulate_cv_out_of_range_exits_2(tmp_path, cli, cv):
    code, _, err = cli("simulate", tmp_path / "roster.xlsx", "-f", tmp_path / "fc.csv", "-c",
                       tmp_path / "config.toml", "--handle", "lognormal", "--cv", cv)
    assert code == 2 and "Traceback" not in err and "--cv" in err


# ---------------------------------------------------------------------------------------------- CSV files

REQ_HEADER = "interval_start,queue,calls,aht_s,erlangs,agents,heads,service_level,asa_s,occupancy,binding\n"
REQ_ROW = "2026-12-07T{t},billing,12.5,240,3.33,6,7,0.85,6.1,0.55,service_level\n"
REQ_COLUMNS = REQ_HEADER.strip().split(",")


def write_requirements(tmp_path, column: str | None = None, value: str | None = None):
    rows = [REQ_ROW.format(t=t) for t in ("08:00:00", "08:15:00", "08:30:00")]
    if column is not None:
        cells = rows[1].rstrip("\n").split(",")
        cells[REQ_COLUMNS.index(column)] = value
        rows[1] = ",".join(cells) + "\n"
    p = tmp_path / "req.csv"
    p.write_text(REQ_HEADER + "".join(rows), encoding="utf-8")
    return p


def test_requirements_sample_row_reads(tmp_path):
    req = read_requirements(write_requirements(tmp_path))
    assert list(req["agents"]) == [6, 6, 6] and str(req["agents"].dtype) == "int64"


@pytest.mark.parametrize("column", ["calls", "aht_s", "erlangs", "agents", "heads", "service_level", "asa_s",
                                    "occupancy"])
@pytest.mark.parametrize("value", ["inf", "-inf", "1e30", "nan", "NaN", "1e400"])
def test_requirements_non_finite_or_huge_values_name_row_and_column(tmp_path, column, value):
    with pytest.raises(InputError) as exc:
        read_requirements(write_requirements(tmp_path, column, value))
    errs = [str(e) for e in exc.value.errors]
    assert any("row 3" in e and f"column '{column}'" in e for e in errs), errs


@pytest.mark.parametrize(("column", "value"), [("agents", "1000001"), ("calls", "10000001"), ("aht_s", "14401"),
                                               ("occupancy", "1.5"), ("service_level", "85")])
def test_requirements_upper_bounds(tmp_path, column, value):
    with pytest.raises(InputError) as exc:
        read_requirements(write_requirements(tmp_path, column, value))
    assert any("row 3" in str(e) and f"column '{column}'" in str(e) and "at most" in str(e)
               for e in exc.value.errors)


def test_requirements_roster_cli_exits_2_on_inf_agents(tmp_path, cli):
    ws = _workspace(tmp_path, cli)
    req = write_requirements(tmp_path, "agents", "1e30")
    code, _, err = cli("roster", "-r", req, "-a", ws / "agents.xlsx", "-c", ws / "config.toml",
                       "--start", "2026-12-07", "--days", "1")
    assert code == 2 and "Traceback" not in err
    assert "row 3, column 'agents'" in err


FC_HEADER = "interval_start,queue,calls,aht_s,calls_lo,calls_hi\n"


def write_forecast(tmp_path, column: str | None = None, value: str | None = None):
    cols = FC_HEADER.strip().split(",")
    rows = []
    for t in ("08:00:00", "08:15:00", "08:30:00"):
        cells = [f"2026-12-07T{t}", "billing", "12.5", "240", "9", "16"]
        if column is not None and t == "08:15:00":
            cells[cols.index(column)] = value
        rows.append(",".join(cells) + "\n")
    p = tmp_path / "fc.csv"
    p.write_text(FC_HEADER + "".join(rows), encoding="utf-8")
    return p


@pytest.mark.parametrize("column", ["calls", "aht_s", "calls_lo", "calls_hi"])
@pytest.mark.parametrize("value", ["inf", "-inf", "1e30", "nan"])
def test_forecast_non_finite_or_huge_values_name_row_and_column(tmp_path, column, value):
    with pytest.raises(InputError) as exc:
        read_forecast(write_forecast(tmp_path, column, value))
    assert any("row 3" in str(e) and f"column '{column}'" in str(e) for e in exc.value.errors)


def test_forecast_load_beyond_any_centre_is_an_error_when_the_interval_is_known(tmp_path):
    p = write_forecast(tmp_path, "calls", "5000000")  # x 240 s / 900 s = 1.3 million erlangs
    assert len(read_forecast(p)) == 3
    with pytest.raises(InputError) as exc:
        read_forecast(p, interval_s=900)
    assert any("row 3" in str(e) and "column 'calls'" in str(e) and "erlangs" in str(e) for e in exc.value.errors)


def test_forecast_with_calls_and_an_aht_of_zero_is_an_error_not_zero_agents(tmp_path, cli):
    # 12.5 calls at 0 s need no agent by Erlang: `wfm staff` wrote 0 agents for 12.5 calls (a blank AHT cell of
    # another tool's forecast saved as 0); an interval with no calls may have any AHT
    p = write_forecast(tmp_path, "aht_s", "0")
    with pytest.raises(InputError) as exc:
        read_forecast(p)
    assert any("row 3" in str(e) and "column 'aht_s'" in str(e) for e in exc.value.errors), exc.value.errors
    quiet = tmp_path / "quiet.csv"
    quiet.write_text(FC_HEADER + "2026-12-07T08:00:00,billing,0,0,0,0\n", encoding="utf-8")
    assert read_forecast(quiet)["aht_s"].tolist() == [0.0]
    ws = _workspace(tmp_path, cli)
    code, _, err = cli("staff", "--forecast", p, "--config", ws / "config.toml", "-o", tmp_path / "req.csv")
    assert code == 2 and "Traceback" not in err and "row 3, column 'aht_s'" in err
    assert not (tmp_path / "req.csv").exists()


def test_a_forecast_at_another_interval_length_than_the_config_is_an_error(tmp_path, cli):
    # a 30-minute forecast (made without --config from a 30-minute history) staffed with wfm init's 15-minute config:
    # wfm staff put 176 calls of half an hour into a quarter hour (47 agents at 10:00, twice the need) and nobody at
    # 10:15; a 15-minute forecast with a 30-minute config gave half the agents (13 where 24 are needed)
    half_hours = tmp_path / "fc30.csv"
    half_hours.write_text(FC_HEADER + "".join(f"2026-12-07T{h:02d}:{m:02d}:00,billing,20,240,15,25\n"
                                              for h in range(8, 12) for m in (0, 30)), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_forecast(half_hours, interval_s=900)
    assert any("30-minute intervals" in str(e) and "15-minute" in str(e) for e in exc.value.errors), exc.value.errors
    assert len(read_forecast(half_hours, interval_s=1800)) == 8
    quarters = write_forecast(tmp_path)  # 08:00, 08:15, 08:30
    with pytest.raises(InputError) as exc:
        read_forecast(quarters, interval_s=1800)
    assert any("row 3" in str(e) and "30-minute" in str(e) for e in exc.value.errors), exc.value.errors
    ws = _workspace(tmp_path, cli)  # 15-minute intervals
    code, _, err = cli("staff", "--forecast", half_hours, "--config", ws / "config.toml", "-o", tmp_path / "r.csv")
    assert code == 2 and "Traceback" not in err and "30-minute intervals" in err
    assert not (tmp_path / "r.csv").exists()


def test_config_integer_too_large_for_a_float_is_an_error_not_an_overflow(tmp_path):
    big = "1" + "0" * 400  # TOML integers are unbounded to tomllib; float() of this raises OverflowError
    text, line = with_value(config_text(), "hourly_wage = 32.0", big)
    text, line2 = with_value(text, "seed = 0", big)
    errs = config_errors(tmp_path, text)
    assert any(f"row {line}, column 'costs.hourly_wage'" in e and "finite" in e for e in errs), errs
    assert any(f"row {line2}, column 'solver.seed'" in e for e in errs), errs


@pytest.mark.parametrize("digits", [4000, 5000])
def test_config_integer_with_thousands_of_digits(tmp_path, cli, digits):
    text, line = with_value(config_text(), "seed = 0", "1" + "0" * digits)
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    code, _, err = cli("validate", "--config", p)
    assert code == 2 and "Traceback" not in err
    assert len(max(err.splitlines(), key=len)) < 400  # the number is not echoed back in full


def test_whatif_time_limit_and_sample_seed_out_of_range_exit_2(cli, tmp_path):
    code, _, err = cli("demo", "--out", tmp_path / "d", "--seed", "-1")
    assert code == 2 and "--seed" in err
    code, _, err = cli("init", tmp_path / "w", "--seed", str(2**31))
    assert code == 2 and "--seed" in err
    code, _, _ = cli("init", tmp_path / "w2")
    assert code == 0
    code, _, err = cli("whatif", "--config", tmp_path / "w2" / "config.toml",
                       "--history", tmp_path / "w2" / "history.csv",
                       "--scenario", "base", "--time-limit", "inf", "-o", tmp_path / "w.csv")
    assert code == 2 and "--time-limit" in err and "Traceback" not in err
