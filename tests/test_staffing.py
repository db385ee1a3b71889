"""Staffing: reference values (tests/data, computed independently in 50-digit arithmetic), edge cases, CLI."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import poisson

from wfm import staffing as S
from wfm.erlang import erlang_a_metrics, erlang_a_wait_answered

DATA = Path(__file__).parent / "data"
REF_C = pd.read_csv(DATA / "erlang_c_reference.csv")
REF_A = pd.read_csv(DATA / "erlang_a_reference.csv")


def _opt(v: float) -> float | None:
    return None if pd.isna(v) else float(v)


# ------------------------------------------------------------------------------------ reference rows


@pytest.mark.parametrize("i", range(len(REF_C)))
def test_erlang_c_reference_row(i):
    r = REF_C.iloc[i]
    n = S.required_agents(r.calls, r.aht_s, interval_s=r.interval_s, sl_target=r.sl_target,
                          answer_time_s=r.answer_time_s, max_occupancy=_opt(r.max_occupancy))
    assert int(n) == r.agents_required
    assert int(S.heads(int(n), r.shrinkage)) == r.agents_with_shrinkage
    kw = dict(interval_s=r.interval_s)
    assert float(S.service_level(r.calls, r.aht_s, n, answer_time_s=r.answer_time_s, **kw)) == \
        pytest.approx(r.sl_at_required, abs=1e-6)
    assert float(S.asa(r.calls, r.aht_s, n, **kw)) == pytest.approx(r.asa_at_required_s, abs=1e-6)
    assert float(S.occupancy(r.calls, r.aht_s, n, **kw)) == pytest.approx(r.occupancy_at_required, abs=1e-6)


@pytest.mark.parametrize("i", range(len(REF_A)))
def test_erlang_a_reference_row(i):
    r = REF_A.iloc[i]
    n = S.required_agents(r.calls, r.aht_s, interval_s=r.interval_s, sl_target=r.sl_target,
                          answer_time_s=r.answer_time_s, max_occupancy=_opt(r.max_occupancy),
                          patience_s=r.patience_s)
    assert int(n) == r.agents_required
    assert int(S.heads(int(n), r.shrinkage)) == r.agents_with_shrinkage
    kw = dict(interval_s=r.interval_s, patience_s=r.patience_s)
    assert float(S.service_level(r.calls, r.aht_s, n, answer_time_s=r.answer_time_s, **kw)) == \
        pytest.approx(r.sl_at_required, abs=1e-6)
    pab = float(S.abandon_probability(r.calls, r.aht_s, n, **kw))
    assert pab == pytest.approx(r.abandon_prob, abs=1e-6)
    assert pab * r.patience_s == pytest.approx(r.mean_wait_all_s, abs=1e-6)
    assert float(S.wait_probability(r.calls, r.aht_s, n, **kw)) == pytest.approx(r.wait_prob, abs=1e-6)
    assert float(S.asa(r.calls, r.aht_s, n, **kw)) == pytest.approx(r.asa_at_required_s, abs=1e-6)
    assert float(S.occupancy(r.calls, r.aht_s, n, **kw)) == pytest.approx(r.occupancy_at_required, abs=1e-6)


def test_reference_tables_vectorised_in_one_call():
    c = REF_C
    n = S.required_agents(c.calls, c.aht_s, interval_s=c.interval_s, sl_target=c.sl_target,
                          answer_time_s=c.answer_time_s, max_occupancy=c.max_occupancy)
    np.testing.assert_array_equal(n, c.agents_required)
    np.testing.assert_array_equal(S.heads(n, c.shrinkage.to_numpy()), c.agents_with_shrinkage)
    a = REF_A
    n = S.required_agents(a.calls, a.aht_s, interval_s=a.interval_s, sl_target=a.sl_target,
                          answer_time_s=a.answer_time_s, max_occupancy=a.max_occupancy, patience_s=a.patience_s)
    np.testing.assert_array_equal(n, a.agents_required)


def test_erlang_a_matches_a_brute_force_markov_chain():
    """Independent check of the closed form, including N < A: the stationary chain by direct products, and the
    tagged caller's own chain (callers ahead of him, his patience) solved by uniformisation."""
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(40):
        load, aht, pat, t = rng.uniform(0.3, 12), rng.uniform(60, 600), rng.uniform(20, 400), rng.uniform(0, 90)
        n = int(rng.integers(1, int(load * 1.4) + 3))
        lam, mu, th = load / aht, 1 / aht, 1 / pat
        k_max = n + 120
        logp = np.concatenate([[0.0], np.cumsum([np.log(lam / (min(k, n) * mu + max(k - n, 0) * th))
                                                  for k in range(1, k_max + 1)])])
        p = np.exp(logp - logp.max())
        p /= p.sum()
        if p[-20:].sum() > 1e-14:
            continue
        jm = k_max - n  # tagged caller's states: i = callers ahead (jm..0), then answered, abandoned
        q = np.zeros((jm + 3, jm + 3))
        for i in range(jm + 1):
            s, nxt = jm - i, (jm - i + 1 if i > 0 else jm + 1)
            rate = n * mu + i * th
            q[s, nxt] += rate
            q[s, jm + 2] += th
            q[s, s] -= rate + th
        # uniformisation (exact to 1e-15 with enough Poisson terms): P(answered by t) from every start state
        big = -q.diagonal().min()
        step = np.eye(jm + 3) + q / big
        k = np.arange(int(big * t + 12 * np.sqrt(big * t) + 40))
        weights = poisson.pmf(k, big * t)
        vec = np.zeros(jm + 3)
        vec[jm + 1] = 1.0
        within = np.zeros(jm + 3)
        for wk in weights:
            within += wk * vec
            vec = step @ vec
        ab_rate = np.linalg.solve(-q[: jm + 1, : jm + 1], q[: jm + 1, jm + 2])  # P(abandon) per start state
        start = jm - np.arange(jm + 1)  # caller who finds j ahead starts in state jm - j
        sl = p[:n].sum() + (p[n:] * within[start]).sum()
        pab = (p[n:] * ab_rate[start]).sum()
        _, sl2, pab2 = erlang_a_metrics(n, load, pat / aht, t / pat)
        assert sl2 == pytest.approx(sl, abs=1e-9)
        assert pab2 == pytest.approx(pab, abs=1e-9)
        checked += 1
    assert checked >= 30


# ------------------------------------------------------------------------------------ edge cases


def _erlang_c_by_recursion(n: int, load: float) -> float:
    """P(wait) of M/M/n from the Erlang B recursion B(k) = A B(k-1) / (k + A B(k-1)), written here."""
    b = 1.0
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    return n * b / (n - load * (1 - b))


@pytest.mark.parametrize("n, load", [(53, 50.0), (1011, 1000.0), (3, 2.8)])
def test_erlang_a_with_endless_patience_is_erlang_c(n, load):
    """Patience of 1e12 and 1e15 handle times: Erlang C's values (the closed forms cancelled to SL 0.42 against
    0.55 at 1e12, and the wait series needed gigabytes at 1e15), in well under a second."""
    aht, t = 240.0, 20.0
    pw_c = _erlang_c_by_recursion(n, load)
    sl_c = 1 - pw_c * np.exp(-(n - load) * t / aht)
    asa_c = pw_c * aht / (n - load)
    for r in (1e12, 1e15):
        pw, sl, pab = erlang_a_metrics(n, load, r, t / (r * aht))
        assert float(pw) == pytest.approx(pw_c, abs=1e-5)
        assert float(sl) == pytest.approx(sl_c, abs=1e-5)
        assert float(pab) < 1e-5
        asa = float(erlang_a_wait_answered(n, load, r)) * r * aht
        assert asa == pytest.approx(asa_c, rel=1e-3)  # 1051.9 s against 1052.0 s at 93% load on 3 agents


def test_zero_calls_zero_agents_and_binding_none():
    n, b = S.required_agents_explained([0, 0, 5], 300, interval_s=900, sl_target=0.8, answer_time_s=20,
                                       min_agents=2)
    assert n.tolist()[:2] == [0, 0] and b.tolist()[:2] == [0, 0]
    assert S.required_agents(0, 300, interval_s=900, sl_target=0.8, answer_time_s=20, patience_s=60) == 0


def test_scalars_and_broadcasting():
    n = S.required_agents(100, 180, interval_s=1800, sl_target=0.8, answer_time_s=20)
    assert np.ndim(n) == 0 and int(n) == 14
    grid = S.required_agents(np.array([[100], [360]]), np.array([180, 240]), interval_s=1800, sl_target=0.8,
                             answer_time_s=20)
    assert grid.shape == (2, 2) and grid.dtype.kind == "i"


@pytest.mark.parametrize("kw", [
    dict(sl_target=1.0, answer_time_s=0),
    dict(sl_target=1.0, answer_time_s=20),
    dict(sl_target=0.8, answer_time_s=20, asa_target_s=0),
])
def test_impossible_targets_raise_a_clear_error(kw):
    with pytest.raises(S.ImpossibleTargetError, match="cannot be met"):
        S.required_agents(100, 180, interval_s=1800, **kw)


@pytest.mark.parametrize("args", [
    dict(calls=-1), dict(calls=np.nan), dict(aht_s=-5), dict(aht_s=np.nan), dict(sl_target=-0.1),
    dict(answer_time_s=-1), dict(max_occupancy=0.0), dict(max_occupancy=1.2), dict(patience_s=0.0),
])
def test_bad_inputs_raise_value_errors(args):
    kw = dict(calls=100, aht_s=180, interval_s=1800, sl_target=0.8, answer_time_s=20) | args
    calls, aht = kw.pop("calls"), kw.pop("aht_s")
    with pytest.raises(ValueError):
        S.required_agents(calls, aht, **kw)


def test_missing_aht_is_fine_where_no_calls():
    assert S.required_agents([0.0], [np.nan], interval_s=900, sl_target=0.8, answer_time_s=20).tolist() == [0]


def test_huge_load_20000_erlangs_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            calls = np.array([120_000.0, 120_000.0, 1.0])
            n = S.required_agents(calls, 300, interval_s=1800, sl_target=np.array([0.8, 0.99, 0.8]),
                                  answer_time_s=np.array([20, 0, 20]))
            assert 20_000 < n[0] < 20_100 and n[1] > n[0]
            sl = S.service_level(calls[0], 300, n[0] + np.arange(-1, 2), interval_s=1800, answer_time_s=20)
            assert sl[0] < 0.8 <= sl[1] < sl[2] <= 1
            na = S.required_agents(calls, 300, interval_s=1800, sl_target=0.8, answer_time_s=20, patience_s=180)
            # efficiency-driven regime: fewer agents than Erlangs (checked against direct quadrature: 18,103)
            assert na[0] == 18_103
            sla = S.service_level(calls[0], 300, na[0] + np.array([-1, 0]), interval_s=1800, answer_time_s=20,
                                  patience_s=180)
            assert sla[0] < 0.8 <= sla[1]
            # far more agents than needed, and far fewer: probabilities stay finite and in [0, 1]
            s = S.service_level(calls[0], 300, [1, 100, 30_000, 10**6], interval_s=1800, answer_time_s=20,
                                patience_s=180)
            assert np.all((s >= 0) & (s <= 1)) and s[-1] == pytest.approx(1.0)
            assert S.asa(calls[0], 300, 10**6, interval_s=1800) == pytest.approx(0.0)


def test_answer_time_longer_than_interval_and_tiny_loads():
    n = S.required_agents([6, 0.001, 1e-9], 360, interval_s=3600, sl_target=0.8, answer_time_s=7200)
    assert n.tolist() == [1, 1, 1]


def test_occupancy_cap_exact_boundary():
    # 357 calls x 90 s / 1800 s = 17.85 Erlangs; 17.85 / 0.85 = 21 exactly (floating point says 21.000...04)
    n, b = S.required_agents_explained(357, 90, interval_s=1800, sl_target=0.5, answer_time_s=20,
                                       max_occupancy=0.85)
    assert int(n) == 21 and S.BINDINGS[int(b)] == "occupancy"


def test_binding_targets():
    kw = dict(interval_s=1800, sl_target=0.8, answer_time_s=20)
    _, b = S.required_agents_explained(100, 180, **kw)
    assert S.BINDINGS[int(b)] == "service_level"
    n_asa, b = S.required_agents_explained(100, 180, asa_target_s=2, **kw)
    assert S.BINDINGS[int(b)] == "asa" and float(S.asa(100, 180, n_asa, interval_s=1800)) <= 2
    assert float(S.asa(100, 180, n_asa - 1, interval_s=1800)) > 2
    n_a, b = S.required_agents_explained(100, 180, asa_target_s=2, patience_s=120, **kw)
    assert S.BINDINGS[int(b)] == "asa"
    assert float(S.asa(100, 180, n_a, interval_s=1800, patience_s=120)) <= 2
    assert float(S.asa(100, 180, n_a - 1, interval_s=1800, patience_s=120)) > 2
    n, b = S.required_agents_explained(100, 180, min_agents=40, **kw)
    assert int(n) == 40 and S.BINDINGS[int(b)] == "min_agents"


def test_heads_exact():
    assert S.heads(7, 0.3) == 10
    assert S.heads(14, 0.3) == 20
    assert S.heads(np.array([7, 0, 1]), np.array([0.3, 0.3, 0.0])).tolist() == [10, 0, 1]
    assert S.heads(10, 0.0) == 10
    assert S.heads(11, 0.12) == 13  # 12.5 -> 13
    with pytest.raises(ValueError):
        S.heads(5, 1.0)


# ------------------------------------------------------------------------------------ frames


class Q:
    def __init__(self, name, sl=0.8, t=20.0, asa=None, occ=None, pat=None, floor=0):
        self.name, self.sl_target, self.answer_time_s = name, sl, t
        self.asa_target_s, self.max_occupancy, self.patience_s, self.min_agents = asa, occ, pat, floor
        self.priority = 1


def _forecast(days: int = 2, queues=("billing", "vip"), interval_s: int = 1800) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    idx = pd.date_range("2026-12-07", periods=days * 86400 // interval_s, freq=f"{interval_s}s")
    rows = []
    for q in queues:
        calls = np.round(rng.uniform(0, 300, idx.size))
        calls[:6] = 0
        rows.append(pd.DataFrame({"interval_start": idx, "queue": q, "calls": calls,
                                  "aht_s": rng.uniform(150, 400, idx.size)}))
    return pd.concat(rows, ignore_index=True)


def test_staff_frame_columns_and_values():
    fc = _forecast()
    queues = {"billing": Q("billing", pat=120.0, occ=0.85), "vip": Q("vip", sl=0.9, t=15, floor=3)}
    req = S.staff(fc, queues, interval_s=1800, shrinkage=0.3)
    assert list(req.columns) == ["interval_start", "queue", "calls", "aht_s", "erlangs", "agents", "heads",
                                 "service_level", "asa_s", "occupancy", "abandon_rate", "binding"]
    assert len(req) == len(fc)
    busy = req["calls"] > 0
    assert (req.loc[~busy, "agents"] == 0).all() and (req.loc[~busy, "binding"] == "none").all()
    vip = req[(req["queue"] == "vip") & busy]
    assert (vip["agents"] >= 3).all() and (vip["service_level"] >= 0.9 - 1e-6).all()
    assert req.loc[req["queue"] == "vip", "abandon_rate"].isna().all()
    assert req.loc[(req["queue"] == "billing") & busy, "abandon_rate"].between(0, 1).all()
    np.testing.assert_array_equal(req["heads"], S.heads(req["agents"].to_numpy(), 0.3))
    one = req.iloc[100]
    q = queues[one["queue"]]
    assert one["agents"] == S.required_agents(one["calls"], one["aht_s"], interval_s=1800, sl_target=q.sl_target,
                                              answer_time_s=q.answer_time_s, max_occupancy=q.max_occupancy,
                                              patience_s=q.patience_s)
    closed = np.zeros(len(fc), dtype=bool)
    req2 = S.staff(fc, queues, interval_s=1800, shrinkage=0.3, open_mask=closed)
    assert (req2["binding"] != "min_agents").all()


def test_staff_unknown_queue():
    with pytest.raises(ValueError, match="not in the config"):
        S.staff(_forecast(queues=("nope",)), {"billing": Q("billing")}, interval_s=1800, shrinkage=0.0)


def test_summarise_day_and_week():
    fc = _forecast(days=9)
    req = S.staff(fc, {"billing": Q("billing"), "vip": Q("vip")}, interval_s=1800, shrinkage=0.2)
    daily, weekly = S.summarise(req, interval_s=1800)
    assert set(daily["queue"]) == {"billing", "vip", "all"}
    d0 = daily[(daily["date"] == pd.Timestamp("2026-12-07").date()) & (daily["queue"] == "billing")].iloc[0]
    day = req[(req["queue"] == "billing") & (pd.to_datetime(req["interval_start"]).dt.date
                                             == pd.Timestamp("2026-12-07").date())]
    assert d0["peak_agents"] == day["agents"].max()
    assert d0["agent_hours"] == pytest.approx(day["agents"].sum() * 0.5)
    assert d0["fte"] == pytest.approx(day["heads"].sum() * 0.5 / 8)
    assert weekly["days"].tolist()[:3] == [7, 7, 7] and weekly["days"].tolist()[-1] == 2
    all_w = weekly[weekly["queue"] == "all"].iloc[0]
    per_interval = req.groupby("interval_start")["agents"].sum()
    assert all_w["peak_agents"] == per_interval.iloc[: 7 * 48].max()
    same_week = weekly[(weekly["queue"] != "all") & (weekly["week_start"] == all_w["week_start"])]
    assert all_w["fte"] == pytest.approx(same_week["fte"].sum())


def test_pooling_never_needs_more_agents_than_separate():
    fc = _forecast(queues=("billing", "data", "faults"))
    queues = {n: Q(n) for n in ("billing", "data", "faults")}
    eff = S.pooling_effect(fc, queues, [["billing", "data"], ["billing", "data", "faults"]], interval_s=1800)
    assert set(eff["pool"]) == {"billing+data", "billing+data+faults"}
    assert (eff["agents_pooled"] <= eff["agents_separate"]).all()
    assert eff["saving"].sum() > 0
    tot = S.pooling_totals(eff, interval_s=1800)
    assert (tot["saving_pct"] > 0).all()


# ------------------------------------------------------------------------------------ CLI


def test_cli_staff(tmp_path, cli):
    code, _, _ = cli("init", tmp_path / "ws")
    assert code == 0
    from wfm.config import load_config

    cfg = load_config(tmp_path / "ws" / "config.toml")
    names = list(cfg.queues)
    fc = _forecast(days=3, queues=names, interval_s=cfg.centre.interval_minutes * 60)
    fc["interval_start"] = fc["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    fc.to_csv(tmp_path / "fc.csv", index=False)
    out = tmp_path / "req.csv"
    code, stdout, err = cli("staff", "--forecast", tmp_path / "fc.csv", "--config", tmp_path / "ws" / "config.toml",
                            "-o", out, "--explain")
    assert code == 0, err
    assert "Per week" in stdout and "service level" in stdout
    req = pd.read_csv(out)
    assert {"agents", "heads", "binding", "service_level"} <= set(req.columns) and len(req) == len(fc)
    code, _, err = cli("staff", "--forecast", tmp_path / "fc.csv", "--config", tmp_path / "ws" / "config.toml",
                       "-o", out)
    assert code == 2 and "exists" in err
    code, stdout, _ = cli("staff", "--help")
    assert code == 0 and "Example: wfm staff" in stdout


def test_cli_staff_bad_forecast(tmp_path, cli):
    cli("init", tmp_path / "ws")
    (tmp_path / "fc.csv").write_text("interval_start,queue,calls,aht_s\n2026-12-07T00:00:00,billing,-3,200\n")
    code, _, err = cli("staff", "--forecast", tmp_path / "fc.csv", "--config", tmp_path / "ws" / "config.toml",
                       "-o", tmp_path / "r.csv")
    assert code == 2 and "negative" in err
    assert not (tmp_path / "r.csv").exists()


def test_vanishing_loads_give_no_float_warnings():
    """Vanishing loads (a scenario scaling volume by 5e-324) once made log() see -1e-17 or inf - inf."""
    import warnings

    calls = np.array([5e-324, 1e-310, 1e-200, 1e-30, 1e-12])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for patience in (60.0, None):
            sl = S.service_level(calls, 300.0, 3, interval_s=900, answer_time_s=20, patience_s=patience)
            assert np.allclose(sl, 1.0, atol=1e-9)
            n = S.required_agents(calls, 300.0, interval_s=900, sl_target=0.8, answer_time_s=20, patience_s=patience)
            # loads under 1e-250 Erlangs count as none; any other load needs one agent
            assert n.tolist() == [0, 0, 1, 1, 1]
