"""Random garbage thrown at the readers: the only failure allowed is an InputError naming the file."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wfm.config import load_config
from wfm.errors import InputError
from wfm.readers import read_agents, read_forecast, read_history

cells = st.one_of(
    st.text(max_size=12),
    st.integers(-10**9, 10**9).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["2026-11-02T08:00:00", "2026-11-02 08:15", "billing", "faults", "", "NaN", "1e400", "-0"]),
)
HEADERS = {
    "history": ["interval_start", "queue", "offered", "aht_s"],
    "agents": ["agent_id", "name", "team", "skills", "contract_hours_week"],
    "forecast": ["interval_start", "queue", "calls", "aht_s"],
}
READERS = {"history": read_history, "agents": read_agents, "forecast": read_forecast}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(kind: str, data: bytes, suffix: str = ".csv") -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"input{suffix}"
        path.write_bytes(data)
        try:
            READERS[kind](path)
        except InputError as exc:
            assert exc.problems and all(str(path) in str(p) for p in exc.problems)


@SETTINGS
@given(kind=st.sampled_from(sorted(READERS)), data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes(kind, data, suffix):
    check(kind, data, suffix)


@SETTINGS
@given(kind=st.sampled_from(sorted(READERS)), rows=st.lists(st.lists(cells, min_size=0, max_size=6), max_size=8),
       sep=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_random_tables_with_the_right_header(kind, rows, sep, encoding):
    lines = [sep.join(HEADERS[kind])] + [sep.join(r) for r in rows]
    check(kind, "\n".join(lines).encode(encoding, errors="replace"))


@SETTINGS
@given(text=st.text(max_size=300))
def test_random_config_text(text):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "config.toml"
        path.write_text(text, encoding="utf-8")
        try:
            load_config(path)
        except InputError as exc:
            assert all(str(path) in str(p) for p in exc.problems)
