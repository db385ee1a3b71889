"""The commented config `wfm init` and the demo write: its tables in a scheduler's reading order, one blank line
between them, every config key shown, and the arguments landing on their lines."""

from __future__ import annotations

import dataclasses
import re
import tomllib

import pytest

from wfm import config as schema
from wfm.errors import InputError
from wfm.sample.config_template import QUEUES, config_text

QUEUE_NAMES = ["billing", "faults", "complaints", "vip", "english", "data"]
TABLES = (["centre", "calendar"] + [f"queues.{q}" for q in QUEUE_NAMES] + ["shrinkage"] + ["[shifts]"] * 5
          + ["breaks", "rules"] + ["[training]"] * 3
          + ["rotation", "solver", "costs", "leave", "capacity", "adherence"])


def tables_of(text: str) -> list[str]:
    return re.findall(r"^\[(.+)\]$", text, flags=re.M)


def test_tables_in_reading_order():
    assert tables_of(config_text()) == TABLES


def test_one_blank_line_between_tables_and_one_newline_at_the_end():
    text = config_text()
    assert text.endswith('" }\n') and not text.endswith("\n\n")
    assert "\n\n\n" not in text
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("[")]
    for i in starts[1:]:
        above = i - 1
        while lines[above].startswith("#"):  # a table's own comment block sits right above it
            above -= 1
        assert lines[above] == "", f"no blank line above {lines[i]!r}"


@pytest.mark.parametrize("section", [schema.CentreConfig, schema.QueueConfig, schema.ShrinkageConfig,
                                     schema.BreaksConfig, schema.RulesConfig, schema.TrainingActivity,
                                     schema.RotationConfig, schema.SolverConfig, schema.CostsConfig,
                                     schema.LeaveConfig, schema.CapacityConfig, schema.AdherenceConfig,
                                     schema.CalendarConfig])
def test_every_key_of_the_schema_is_shown(section):
    shown = set(re.findall(r"^(?:# )?([a-z_]+) = ", config_text(), flags=re.M))
    toml_key = {"open_minute": "open", "close_minute": "close"}  # minutes in the schema, HH:MM in the file
    assert {toml_key.get(f.name, f.name) for f in dataclasses.fields(section)} - {"name"} <= shown


def test_arguments_land_on_their_lines():
    text = config_text(QUEUES[3:5], name="Hotline 12345", time_limit_s=12.5)
    assert tables_of(text)[2:4] == ["queues.vip", "queues.english"] and "queues.billing" not in tables_of(text)
    assert 'name = "Hotline 12345"              # shown on reports' in text.splitlines()
    assert "time_limit_s = 12.5          # roster search time limit; the best roster found so far is kept" in text
    cfg = schema.parse_config(tomllib.loads(text))
    assert cfg.centre.name == "Hotline 12345" and cfg.solver.time_limit_s == 12.5
    assert list(cfg.queues) == ["vip", "english"] and cfg.queues["vip"].answer_rate_target == 0.95


# The sample centre's own values in the template; every other key is written at its declared default.
SAMPLE_VALUES = {("shrinkage", "absence"): 0.05, ("shrinkage", "leave"): 0.05, ("shrinkage", "meetings"): 0.02,
                 ("rules", "min_days_off_week"): 2, ("rules", "max_nights_week"): 4, ("costs", "hourly_wage"): 32.0,
                 ("solver", "time_limit_s"): 60.0}


@pytest.mark.parametrize("table", ["centre", "calendar", "shrinkage", "breaks", "rules", "rotation", "solver",
                                   "costs", "leave", "adherence", "capacity"])
def test_the_template_reads_back_to_the_declared_defaults(table):
    read = getattr(schema.parse_config(tomllib.loads(config_text())), table)
    defaults = type(read)()
    for f in dataclasses.fields(read):
        expected = SAMPLE_VALUES.get((table, f.name), getattr(defaults, f.name))
        if (table, f.name) == ("centre", "name"):
            expected = "Sample provincial hotline 10086"
        elif (table, f.name) == ("rules", "max_nights_period"):
            expected = schema.NO_NIGHTS_CAP  # only a weekly cap is set: no period cap
        assert getattr(read, f.name) == expected, f"{table}.{f.name}"


def test_defaults_as_documented():
    """The defaults the README and labour rules state (hand-written, not read from the schema)."""
    rules, costs, breaks, centre = schema.RulesConfig(), schema.CostsConfig(), schema.BreaksConfig(), \
        schema.CentreConfig()
    assert (rules.hours_per_week, rules.max_hours_day, rules.max_overtime_h_month) == (40.0, 8.0, 36.0)
    assert rules.max_overtime_h_week == pytest.approx(8.3077, abs=1e-4)  # 36 h x 12 months / 52 weeks
    assert (costs.hourly_wage, costs.overtime_multiplier, costs.currency) == (30.0, 1.5, "CNY")
    assert (breaks.lunch_window_h, breaks.break_minutes) == ((3.0, 5.5), 15)
    assert (centre.interval_minutes, centre.open_minute, centre.close_minute) == (15, 0, 1440)


def test_what_if_plan_defaults_are_the_config_defaults():
    import datetime as dt

    import pandas as pd

    from wfm.scenarios.evaluate import Plan

    plan = Plan(forecast=pd.DataFrame(), queues={}, interval_s=900, start=dt.date(2026, 12, 7), days=7)
    assert (plan.hours_per_week, plan.hourly_wage, plan.overtime_multiplier, plan.currency) == (40.0, 30.0, 1.5,
                                                                                               "CNY")
    assert plan.max_overtime_h_week == pytest.approx(36 * 12 / 52)
    assert (plan.open_minute, plan.close_minute) == (0, 1440)


def test_a_key_missing_from_a_table_layout_is_still_written():
    from wfm.config.template import Table

    text = Table("[costs]", schema.CostsConfig, order=("currency",)).text()
    assert text.splitlines()[:3] == ["[costs]", 'currency = "CNY"             # shown with costs',
                                     "hourly_wage = 30             # paid cost per agent hour"]
    assert len(text.splitlines()) == 1 + len(dataclasses.fields(schema.CostsConfig))


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_not_finite_numbers_are_rejected_for_every_number_key(value):
    text = config_text()
    keys = sorted(set(re.findall(r"^([a-z_]+) = [0-9][0-9.]* ", text, flags=re.M)))
    assert len(keys) >= 40  # every number key of the template, queues' included
    for key in keys:
        bad = re.sub(rf"^{key} = [0-9.]+", f"{key} = {value}", text, count=1, flags=re.M)
        with pytest.raises(InputError) as exc:
            schema.parse_config(tomllib.loads(bad), text=bad)
        assert "must be a finite number" in str(exc.value) or "must be a whole number" in str(exc.value), key


def test_the_readme_key_reference_is_generated_from_the_schema():
    from pathlib import Path

    from wfm.config.schema import TABLES
    from wfm.config.template import REFERENCE_END, REFERENCE_START, reference_markdown

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split(REFERENCE_START)[1].split(REFERENCE_END)[0]
    assert section == "\n" + reference_markdown(TABLES), "run: python -m wfm.config.template"
    assert "| `rules.hours_per_week` | `40` | 1 to 84 | standard hours" in section
    assert "| `queues.NAME.sl_target` | (required) | 0 to 1 |" in section
    assert section.count("\n| `") == sum(len(dataclasses.fields(c)) for c in TABLES.values()) - 1  # not queue name
