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


def check(kind: str, data: bytes, suffix: str = ".csv", rows: int | None = None) -> None:
    """Either an InputError naming the file, or a result that keeps the reader's promises (at most `rows` rows,
    when the table had that many below its header)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"input{suffix}"
        path.write_bytes(data)
        try:
            result = READERS[kind](path)
        except InputError as exc:
            assert exc.problems and all(str(path) in str(p) for p in exc.problems)
            return
        PROMISES[kind](result, rows)


def _history_kept(history, rows: int | None) -> None:
    frame = history.frame
    assert len(frame) >= 1 and (rows is None or len(frame) <= rows)
    assert frame["interval_start"].notna().all() and frame["interval_start"].dt.year.between(1970, 2200).all()
    assert frame["queue"].map(lambda q: isinstance(q, str) and q.strip() == q and q != "").all()
    assert str(frame["offered"].dtype) == "int64" and (frame["offered"] >= 0).all()
    if "handled" in frame:
        assert (frame["handled"] <= frame["offered"]).all()
    assert not frame.duplicated(["queue", "interval_start"]).any()
    assert 1440 % history.interval_minutes == 0
    starts = frame["interval_start"]
    assert ((starts.dt.hour * 60 + starts.dt.minute) % history.interval_minutes == 0).all()


def _agents_kept(agents, rows: int | None) -> None:
    assert len(agents) >= 1 and (rows is None or len(agents) <= rows)
    ids = [a.agent_id for a in agents]
    assert len(set(ids)) == len(ids) and all(i.strip() for i in ids)
    for a in agents:
        assert all(0 < level <= 1 for level in a.skills.values())
        assert 0 <= a.contract_hours_week < float("inf")


def _forecast_kept(fc, rows: int | None) -> None:
    assert len(fc) >= 1 and (rows is None or len(fc) <= rows)
    assert fc["interval_start"].notna().all() and fc["queue"].map(lambda q: isinstance(q, str) and q != "").all()
    for col in ("calls", "aht_s"):
        values = fc[col].astype(float)
        assert (values.isna() | ((values >= 0) & (values < float("inf")))).all()
    assert fc["calls"].notna().all()
    assert not fc.duplicated(["interval_start", "queue"]).any()


PROMISES = {"history": _history_kept, "agents": _agents_kept, "forecast": _forecast_kept}


@SETTINGS
@given(kind=st.sampled_from(sorted(READERS)), data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes(kind, data, suffix):
    check(kind, data, suffix)


@SETTINGS
@given(kind=st.sampled_from(sorted(READERS)), rows=st.lists(st.lists(cells, min_size=0, max_size=6), max_size=8),
       sep=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_random_tables_with_the_right_header(kind, rows, sep, encoding):
    lines = [sep.join(HEADERS[kind])] + [sep.join(r) for r in rows]
    check(kind, "\n".join(lines).encode(encoding, errors="replace"), rows=len(rows))


@SETTINGS
@given(text=st.text(max_size=300))
def test_random_config_text(text):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "config.toml"
        path.write_text(text, encoding="utf-8")
        try:
            cfg = load_config(path)
        except InputError as exc:
            assert all(str(path) in str(p) for p in exc.problems)
            return
        # a text that reads is a usable centre: at least one queue, targets and grid in range
        assert cfg.queues and 1440 % cfg.centre.interval_minutes == 0
        for q in cfg.queues.values():
            assert 0 < q.sl_target <= 1 and q.answer_time_s >= 0 and q.default_aht_s > 0
        assert 0 <= cfg.shrinkage.unplaced < 1


@SETTINGS
@given(cells=st.dictionaries(st.tuples(st.integers(0, 95), st.sampled_from(["billing", "faults"])),
                             st.tuples(st.integers(0, 500), st.integers(1, 900)), min_size=1, max_size=40),
       sep=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_well_formed_history_reads_back_exactly(cells, sep, encoding):
    """A well-formed history (15-minute slots of one day, whole counts) always reads, row for row."""
    lines = [sep.join(HEADERS["history"])]
    for (slot, queue), (offered, aht) in cells.items():
        lines.append(sep.join([f"2026-11-02T{slot // 4:02d}:{slot % 4 * 15:02d}:00", queue, str(offered), str(aht)]))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "history.csv"
        path.write_bytes("\n".join(lines).encode(encoding))
        history = read_history(path, interval_minutes=15)
    _history_kept(history, len(cells))
    frame = history.frame
    assert len(frame) == len(cells)
    got = {(int((t.hour * 60 + t.minute) // 15), q): (o, a)
           for t, q, o, a in zip(frame["interval_start"], frame["queue"], frame["offered"], frame["aht_s"])}
    assert got == {k: (o, float(a)) for k, (o, a) in cells.items()}
