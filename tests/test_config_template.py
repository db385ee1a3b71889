"""The commented config `wfm init` and the demo write: its tables in a scheduler's reading order, one blank line
between them, every config key shown, and the arguments landing on their lines."""

from __future__ import annotations

import dataclasses
import re
import tomllib

import pytest

from wfm import config as schema
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
