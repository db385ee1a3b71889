"""Shared test helpers: running the CLI in-process, finding ../shared/data, the small roster built once."""

from __future__ import annotations

import os

# Numerical libraries' thread pools oversubscribe a 2-core machine when tests run beside other work.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests on a fixed sequence of examples (reproducible); developers get fresh ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    """Run `wfm ARGS` in-process; returns (exit code, stdout, stderr)."""
    from wfm.cli.main import main

    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


@pytest.fixture
def cli(capsys):
    return lambda *args: run_cli(list(args), capsys)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent (it sits beside the repository in CI)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def small_roster():
    """The small centre of `test_roster` (its config, agents and requirements) rostered for one week, built once
    per session: `(config, agents, requirements, RosterResult)`. Tests copy what they change."""
    from test_roster import START, make_agents, make_config, make_requirements
    from wfm.roster import build_roster

    cfg = make_config()
    agents = make_agents()
    req = make_requirements(cfg)
    return cfg, agents, req, build_roster(req, agents, cfg, START, 7, time_limit_s=4)


CURTOIS_SCORER = Path(__file__).resolve().parents[2] / "shared" / "tools" / "curtois_eval.py"


@pytest.fixture(scope="session")
def curtois():
    """`benchmarks/curtois.py` (the Curtois & Qu reader, adapter and solve), imported from the repo root."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import curtois as mod

    return mod


@pytest.fixture(scope="session")
def curtois_scorer():
    """The independent scorer ../shared/tools/curtois_eval.py as a module (tests using it skip when absent)."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("curtois_eval_for_tests", CURTOIS_SCORER)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["curtois_eval_for_tests"] = mod
    spec.loader.exec_module(mod)
    return mod
