"""Reading a centre config file: size, encoding and TOML checks, then every table validated into a `Config`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from wfm.config.schema import TABLES, Config
from wfm.config.sections_centre import read_calendar, read_centre, read_queues
from wfm.config.sections_work import (read_adherence, read_breaks, read_capacity, read_costs, read_leave,
                                      read_rotation, read_rules, read_shifts, read_shrinkage, read_solver,
                                      read_training)
from wfm.config.values import Reader, Table
from wfm.errors import Problems

MAX_CONFIG_BYTES = 4 * 2**20  # a commented config of a large centre is under 100 KB


def load_config(path: str | Path) -> Config:
    """Read and validate a centre config; raises `InputError` listing every problem."""
    config, problems = load_config_lenient(path)
    problems.raise_if_errors()
    assert config is not None
    return config


def load_config_lenient(path: str | Path) -> tuple[Config | None, Problems]:
    """The config as far as it can be read (defaults where a value is bad) and every problem found.

    For `wfm validate`, which checks other files against the config even when the config has errors.
    """
    path = Path(path)
    problems = Problems()
    if not path.is_file():
        problems.error(path, "config file not found")
        return None, problems
    if path.stat().st_size > MAX_CONFIG_BYTES:
        problems.error(path, f"the config file is {path.stat().st_size / 2**20:,.0f} MB; a centre's config is a few "
                             f"KB (at most {MAX_CONFIG_BYTES // 2**20} MB is read): is it the right file?")
        return None, problems
    raw_bytes = path.read_bytes()
    if not raw_bytes.strip():
        problems.error(path, "the config file is empty")
        return None, problems
    try:
        text = raw_bytes.decode("utf-8-sig")  # Windows Notepad writes a byte-order mark
    except UnicodeDecodeError:
        problems.error(path, "the config file is not UTF-8 text (is it a TOML file?)")
        return None, problems
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        problems.error(path, f"not valid TOML: {exc}", row=int(m.group(1)) if m else None)
        return None, problems
    except RecursionError:
        problems.error(path, "not valid TOML: arrays or tables nested too deep")
        return None, problems
    except ValueError as exc:  # tomllib's int() of a number over 4300 digits
        problems.error(path, "not valid TOML: a number has thousands of digits" if "digits" in str(exc)
                       else f"not valid TOML: {str(exc)[:120]}")
        return None, problems
    return parse_config(raw, path=path, text=text, problems=problems), problems


def parse_config(raw: Table, *, path: str | Path = "config.toml", text: str = "",
                 problems: Problems | None = None) -> Config:
    """Validate an already-parsed TOML mapping; problems go to `problems` (raised if not given)."""
    own = problems is None
    problems = problems if problems is not None else Problems()
    r = Reader(Path(path), text, problems)
    top = r.section(raw, "", {name.split(".")[0] for name in TABLES})
    if "centre" not in top:
        r.error("centre", "the [centre] table is required")
    centre = read_centre(r, top.get("centre", {}))
    queues = read_queues(r, top.get("queues", {}))
    config = Config(
        path=str(path),
        centre=centre,
        queues=queues,
        calendar=read_calendar(r, top.get("calendar", {})),
        shrinkage=read_shrinkage(r, top.get("shrinkage", {})),
        shifts=read_shifts(r, top.get("shifts", []), centre.interval_minutes),
        breaks=read_breaks(r, top.get("breaks", {})),
        rules=read_rules(r, top.get("rules", {})),
        training=read_training(r, top.get("training", [])),
        rotation=read_rotation(r, top.get("rotation", {})),
        solver=read_solver(r, top.get("solver", {})),
        costs=read_costs(r, top.get("costs", {})),
        leave=read_leave(r, top.get("leave", {})),
        adherence=read_adherence(r, top.get("adherence", {})),
        capacity=read_capacity(r, top.get("capacity", {})),
    )
    if own:
        problems.raise_if_errors()
    return config
