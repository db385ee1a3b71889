"""The centre config: the sample parses, and every kind of mistake is reported with its line and key."""

from __future__ import annotations

import pytest

from wfm.config import load_config, parse_clock
from wfm.errors import InputError
from wfm.sample.config_template import config_text


def write(tmp_path, text: str):
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return p


def errors_of(path) -> list[str]:
    with pytest.raises(InputError) as exc:
        load_config(path)
    return [str(p) for p in exc.value.errors]


def test_sample_config_parses_into_typed_objects(tmp_path):
    cfg = load_config(write(tmp_path, config_text()))
    assert list(cfg.queues) == ["billing", "faults", "complaints", "vip", "english", "data"]
    assert cfg.queues["vip"].sl_target == 0.9 and cfg.queues["vip"].answer_time_s == 15
    assert cfg.centre.interval_minutes == 15 and cfg.centre.always_open
    assert cfg.shrinkage.unplaced == pytest.approx(0.12)
    assert [s.code for s in cfg.shifts] == ["E", "D", "L", "N", "P"]
    assert cfg.shifts[0].start_minutes == (420, 450, 480) and cfg.shifts[0].length_minutes == 540
    assert cfg.shifts[3].night
    assert cfg.rules.max_overtime_h_month == 36
    assert [t.frequency for t in cfg.training] == ["daily", "weekly", "weekly"]


def test_unknown_keys_are_errors_with_their_line(tmp_path):
    text = config_text().replace("max_occupancy = 0.88", "max_ocupancy = 0.88", 1)
    errs = errors_of(write(tmp_path, text))
    line = text.splitlines().index(next(ln for ln in text.splitlines() if ln.startswith("max_ocupancy"))) + 1
    assert any("queues.billing.max_ocupancy" in e and "unknown key" in e and f"row {line}" in e for e in errs)


def test_all_problems_reported_not_just_the_first(tmp_path):
    text = (config_text()
            .replace('interval_minutes = 15', 'interval_minutes = 7')
            .replace('sl_target = 0.9 ', 'sl_target = 1.5 ')
            .replace('timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"')
            .replace('start_times = ["22:00"]', 'start_times = ["25:00"]'))
    errs = "\n".join(errors_of(write(tmp_path, text)))
    assert "centre.interval_minutes" in errs
    assert "queues.vip.sl_target" in errs and "between 0.0 and 1.0" in errs
    assert "Mars/Olympus" in errs
    assert "'25:00' is not a time" in errs


def test_wrong_types_and_missing_required(tmp_path):
    text = """
[centre]
interval_minutes = "fifteen"
[queues.billing]
answer_time_s = 20
priority = 1.5
"""
    errs = "\n".join(errors_of(write(tmp_path, text)))
    assert "centre.interval_minutes: must be a whole number" in errs
    assert "queues.billing.sl_target: is required" in errs
    assert "queues.billing.priority: must be a whole number" in errs


def test_impossible_target_is_rejected(tmp_path):
    text = config_text().replace("sl_target = 0.8 ", "sl_target = 1.0 ", 1).replace(
        "answer_time_s = 20 ", "answer_time_s = 0 ", 1)
    assert any("can never be met" in e for e in errors_of(write(tmp_path, text)))


def test_toml_syntax_error_names_line(tmp_path):
    errs = errors_of(write(tmp_path, "[centre]\ninterval_minutes = 15\nname = \n"))
    assert len(errs) == 1 and "row 3" in errs[0] and "not valid TOML" in errs[0]


def test_empty_missing_and_binary_files(tmp_path):
    assert "empty" in errors_of(write(tmp_path, "  \n"))[0]
    assert "not found" in errors_of(tmp_path / "nope.toml")[0]
    p = tmp_path / "bin.toml"
    p.write_bytes(b"\xff\xfe\x00\x01garbage")
    assert "not UTF-8" in errors_of(p)[0]


@pytest.mark.parametrize("text,minutes", [("07:30", 450), ("0:00", 0), ("23:45", 1425)])
def test_parse_clock(text, minutes):
    assert parse_clock(text) == minutes


def test_parse_clock_rejects():
    assert parse_clock("24:00") is None and parse_clock("24:00", allow_24=True) == 1440
    assert parse_clock("7h30") is None and parse_clock("12:60") is None
