"""Answer-rate (人工接通率) and abandonment targets: Erlang A staffing against a brute-force birth-death model,
the `abandon_rate` binding, the config keys and `wfm staff --explain`."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm import staffing as S
from wfm.config import QueueConfig, load_config
from wfm.errors import InputError
from wfm.sample.config_template import config_text

DATA = Path(__file__).parent / "data"
REF_A = pd.read_csv(DATA / "erlang_a_reference.csv")
# The reference rows small enough for the brute-force model below (one row per distinct case).
SMALL = (REF_A[(REF_A["erlangs"] <= 60) & (REF_A["shrinkage"] == 0)]
         .drop_duplicates(["calls", "interval_s", "aht_s", "patience_s", "sl_target", "answer_time_s",
                           "max_occupancy"])
         .reset_index(drop=True))


# ------------------------------------------------------------------------ an independent Erlang A model


def abandon_brute(calls: float, interval_s: float, aht_s: float, patience_s: float, n: int) -> float:
    """P(abandon) of M/M/n+M from its birth-death chain: states k = callers in the system, birth rate lam,
    death rate min(k, n) mu + max(k - n, 0) theta. Abandonments per second are theta E[(K - n)+]; divided
    by the arrival rate that is the share of callers who abandon."""
    lam, mu, theta = calls / interval_s, 1.0 / aht_s, 1.0 / patience_s
    logs = [0.0]  # log pi_k / pi_0
    k = 0
    while True:
        k += 1
        death = min(k, n) * mu + max(k - n, 0) * theta
        logs.append(logs[-1] + math.log(lam) - math.log(death))
        if k > n + 10 and logs[-1] < max(logs) - 60:  # the rest weighs less than e^-60 of the mode
            break
    top = max(logs)
    w = [math.exp(v - top) for v in logs]
    total = sum(w)
    queued = sum(wk * max(i - n, 0) for i, wk in enumerate(w)) / total
    return theta * queued / lam


def smallest_n_meeting_cap(calls, interval_s, aht_s, patience_s, cap) -> int:
    n = 0
    while abandon_brute(calls, interval_s, aht_s, patience_s, n) > cap:
        n += 1
    return n


def test_brute_force_model_matches_the_reference_abandonment():
    for r in SMALL.itertuples(index=False):
        got = abandon_brute(r.calls, r.interval_s, r.aht_s, r.patience_s, int(r.agents_required))
        assert got == pytest.approx(r.abandon_prob, rel=1e-8), r


# ------------------------------------------------------------------------------------------ staffing


@pytest.mark.parametrize("cap", [0.08, 0.05, 0.02, 0.005])
def test_required_agents_meet_the_abandonment_cap(cap):
    """Expected: the reference's agents for SL and occupancy, raised to the brute-force smallest N whose
    abandonment is within the cap."""
    r = SMALL
    n, b = S.required_agents_explained(
        r["calls"], r["aht_s"], interval_s=r["interval_s"], sl_target=r["sl_target"],
        answer_time_s=r["answer_time_s"], max_occupancy=r["max_occupancy"], patience_s=r["patience_s"],
        max_abandon_rate=cap)
    n_ab = np.array([smallest_n_meeting_cap(x.calls, x.interval_s, x.aht_s, x.patience_s, cap)
                     for x in r.itertuples(index=False)])
    expected = np.maximum(r["agents_required"].to_numpy(), n_ab)
    assert n.tolist() == expected.tolist()
    names = np.asarray(S.BINDINGS)[b]
    raised = n_ab > r["agents_required"].to_numpy()
    assert raised.any() or cap >= 0.08
    assert (names[raised] == "abandon_rate").all()
    assert (names[~raised] != "abandon_rate").all()


def test_without_a_cap_nothing_changes_and_nan_means_not_set():
    kw = dict(interval_s=1800, sl_target=0.8, answer_time_s=20, patience_s=120)
    calls = np.array([360.0, 100.0, 0.0, 20.0])
    base = S.required_agents(calls, 300, **kw)
    assert S.required_agents(calls, 300, max_abandon_rate=np.nan, **kw).tolist() == base.tolist()
    mixed = S.required_agents(calls, 300, max_abandon_rate=[0.02, np.nan, 0.02, np.nan], **kw)
    assert mixed[0] == smallest_n_meeting_cap(360, 1800, 300, 120, 0.02) > base[0]
    assert mixed[1:].tolist() == base[1:].tolist()  # not set, or no calls (0 agents)


def test_erlang_c_queues_ignore_the_cap():
    kw = dict(interval_s=1800, sl_target=0.8, answer_time_s=20)
    n, b = S.required_agents_explained([360, 100], 300, max_abandon_rate=0.001, **kw)
    assert n.tolist() == S.required_agents([360, 100], 300, **kw).tolist()
    assert "abandon_rate" not in np.asarray(S.BINDINGS)[b]


def test_the_cap_comes_after_other_targets_and_before_the_floor():
    kw = dict(interval_s=1800, sl_target=0.8, answer_time_s=20, patience_s=120)
    n_cap = int(S.required_agents(360, 300, max_abandon_rate=0.02, **kw))
    n, b = S.required_agents_explained(360, 300, max_abandon_rate=0.02, min_agents=n_cap + 5, **kw)
    assert int(n) == n_cap + 5 and S.BINDINGS[int(b)] == "min_agents"
    # a tie with the service level is credited to the service level
    n_sl = int(S.required_agents(360, 300, **kw))
    cap = abandon_brute(360, 1800, 300, 120, n_sl)
    n, b = S.required_agents_explained(360, 300, max_abandon_rate=cap * (1 + 1e-6), **kw)
    assert int(n) == n_sl and S.BINDINGS[int(b)] == "service_level"


def test_bindings_keep_their_codes_and_end_with_abandon_rate():
    assert S.BINDINGS[:5] == ("none", "service_level", "asa", "occupancy", "min_agents")
    assert S.BINDINGS[-1] == "abandon_rate" and len(set(S.BINDINGS)) == len(S.BINDINGS)


@pytest.mark.parametrize(("value", "cls", "words"), [
    (-0.1, S.StaffingError, "between 0 and 1"),
    (1.5, S.StaffingError, "between 0 and 1"),
    (0.0, S.ImpossibleTargetError, "cannot be met"),
    (np.inf, S.StaffingError, "infinite"),
])
def test_bad_caps_are_rejected(value, cls, words):
    with pytest.raises(cls, match=words):
        S.required_agents(100, 300, interval_s=1800, sl_target=0.8, answer_time_s=20, patience_s=120,
                          max_abandon_rate=value)


def test_abandon_cap_is_the_stricter_of_the_two_targets():
    q = QueueConfig("a", 0.8, 20.0, patience_s=120.0)
    assert S.abandon_cap(q) is None
    assert S.abandon_cap(QueueConfig("a", 0.8, 20.0, patience_s=120.0, answer_rate_target=0.95)) == \
        pytest.approx(0.05)
    assert S.abandon_cap(QueueConfig("a", 0.8, 20.0, patience_s=120.0, answer_rate_target=0.95,
                                     max_abandon_rate=0.03)) == 0.03
    assert S.abandon_cap(QueueConfig("a", 0.8, 20.0, patience_s=120.0, answer_rate_target=0.9,
                                     max_abandon_rate=0.2)) == pytest.approx(0.1)
    # a queue-like object without the new fields has no cap
    assert S.abandon_cap(S.PooledQueue("p", 0.8, 20.0, None, None, 120.0, 0)) is None


def test_pooled_queue_takes_the_strictest_member_targets():
    a = QueueConfig("a", 0.8, 20.0, patience_s=120.0, answer_rate_target=0.9)
    b = QueueConfig("b", 0.8, 20.0, patience_s=90.0, answer_rate_target=0.95, max_abandon_rate=0.04)
    c = QueueConfig("c", 0.8, 20.0, patience_s=150.0)
    p = S.pooled_queue([a, b, c])
    assert p.answer_rate_target == 0.95 and p.max_abandon_rate == 0.04 and p.patience_s == 90.0
    assert S.abandon_cap(p) == 0.04
    none = S.pooled_queue([c, c])
    assert none.answer_rate_target is None and none.max_abandon_rate is None


def test_staff_honours_the_answer_rate_target():
    starts = pd.date_range("2026-03-02 08:00", periods=6, freq="30min")
    fc = pd.DataFrame({"interval_start": starts, "queue": "billing",
                       "calls": [0, 20, 100, 360, 360, 50], "aht_s": 300.0})
    plain = QueueConfig("billing", 0.8, 20.0, patience_s=120.0)
    strict = QueueConfig("billing", 0.8, 20.0, patience_s=120.0, answer_rate_target=0.97)
    base = S.staff(fc, {"billing": plain}, interval_s=1800, shrinkage=0.0)
    req = S.staff(fc, {"billing": strict}, interval_s=1800, shrinkage=0.0)
    busy = req["calls"] > 0
    assert (req.loc[busy, "abandon_rate"] <= 0.03 + 1e-6).all()
    assert (req["agents"] >= base["agents"]).all() and (req["agents"] > base["agents"]).any()
    assert (req.loc[req["agents"] > base["agents"], "binding"] == "abandon_rate").all()
    expected = [smallest_n_meeting_cap(c, 1800, 300, 120, 1 - 0.97) if c else 0 for c in fc["calls"]]
    assert req["agents"].tolist() == np.maximum(base["agents"], expected).tolist()


# -------------------------------------------------------------------------------------------- config


def _errors(tmp_path, text: str) -> list[str]:
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_config(p)
    return [str(e) for e in exc.value.errors]


def _line_of(text: str, start: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith(start))


QUEUE = """[centre]
interval_minutes = 30

[queues.billing]
sl_target = 0.8
answer_time_s = 20
{extra}
"""


def test_sample_config_has_realistic_answer_rate_targets(tmp_path):
    p = tmp_path / "config.toml"
    p.write_text(config_text(), encoding="utf-8")
    cfg = load_config(p)
    for q in cfg.queues.values():
        assert q.patience_s is not None and 0.9 <= q.answer_rate_target <= 0.95 and q.max_abandon_rate is None
    assert cfg.queues["vip"].answer_rate_target == max(q.answer_rate_target for q in cfg.queues.values())
    assert "# max_abandon_rate" in config_text()


def test_config_reads_both_keys(tmp_path):
    text = QUEUE.format(extra="patience_s = 120\nanswer_rate_target = 0.93\nmax_abandon_rate = 0.04")
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    q = load_config(p).queues["billing"]
    assert q.answer_rate_target == 0.93 and q.max_abandon_rate == 0.04 and S.abandon_cap(q) == 0.04


@pytest.mark.parametrize("key", ["answer_rate_target", "max_abandon_rate"])
def test_targets_without_patience_are_errors_naming_key_and_line(tmp_path, key):
    text = QUEUE.format(extra=f"{key} = 0.05")
    errs = _errors(tmp_path, text)
    line = _line_of(text, key)
    assert any(f"row {line}" in e and f"column 'queues.billing.{key}'" in e and "patience_s" in e
               for e in errs), errs


@pytest.mark.parametrize(("key", "value", "words"), [
    ("answer_rate_target", "0", "above 0 and below 1"),
    ("answer_rate_target", "1", "can never be met"),
    ("answer_rate_target", "1.2", "between 0.0 and 1.0"),
    ("answer_rate_target", "-0.5", "between 0.0 and 1.0"),
    ("answer_rate_target", '"95%"', "must be a number"),
    ("answer_rate_target", "nan", "finite"),
    ("max_abandon_rate", "0", "can never be met"),
    ("max_abandon_rate", "1", "above 0 and below 1"),
    ("max_abandon_rate", "-0.01", "between 0.0 and 1.0"),
    ("max_abandon_rate", "inf", "finite"),
])
def test_out_of_range_targets_are_errors_naming_key_and_line(tmp_path, key, value, words):
    text = QUEUE.format(extra=f"patience_s = 120\n{key} = {value}")
    errs = _errors(tmp_path, text)
    line = _line_of(text, key)
    assert any(f"row {line}" in e and f"column 'queues.billing.{key}'" in e and words in e for e in errs), errs


# ----------------------------------------------------------------------------------------------- CLI


def test_cli_staff_explain_shows_the_abandon_rate_binding(tmp_path, cli):
    cfg = tmp_path / "config.toml"
    cfg.write_text(QUEUE.format(extra="patience_s = 120\nanswer_rate_target = 0.97"), encoding="utf-8")
    starts = pd.date_range("2026-03-02 08:00", periods=4, freq="30min").strftime("%Y-%m-%dT%H:%M:%S")
    pd.DataFrame({"interval_start": starts, "queue": "billing", "calls": [360, 360, 100, 0],
                  "aht_s": 300.0}).to_csv(tmp_path / "fc.csv", index=False)
    out = tmp_path / "req.csv"
    code, stdout, err = cli("staff", "--forecast", tmp_path / "fc.csv", "--config", cfg, "-o", out, "--explain")
    assert code == 0, err
    req = pd.read_csv(out)
    assert "abandon_rate" in set(req["binding"])
    assert "abandon rate" in stdout  # a column of the binding counts table
