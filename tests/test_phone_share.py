"""Supervisors' floor support and new hires in nesting are counted the same way by the roster model, the
simulation and what-if (issue 15): one function, `wfm.phone_share.phone_share`, from the config's `[capacity]`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib

import pandas as pd
import pytest
from ortools.sat.python import cp_model

from test_roster import CONFIG, make_config
from wfm.config import parse_config
from wfm.errors import InputError
from wfm.phone_share import kept_intervals, on_calls, phone_share
from wfm.publish.codes import plan_from_code
from wfm.readers.agents import Agent
from wfm.roster.model import build_model
from wfm.roster.problem import build_instance
from wfm.simulation.roster_sim import build_scenario

DAY = dt.date(2026, 12, 7)


def shares_config(supervisor: float = 0.5, nesting: float = 0.6, **rules):
    cfg = make_config(**rules)
    return dataclasses.replace(cfg, capacity=dataclasses.replace(cfg.capacity, supervisor_phone_share=supervisor,
                                                                 nesting_share=nesting))


SUP = Agent("S1", "Sup", "T1", {"billing": 1.0}, 40.0, role="supervisor")
NEW = Agent("N1", "New", "T1", {"billing": 1.0}, 40.0, training_until=DAY)
PLAIN = Agent("A1", "Agent", "T1", {"billing": 1.0}, 40.0)


def test_shares_by_role_and_nesting_day():
    cfg = shares_config()
    assert phone_share(SUP, DAY, cfg) == 0.5
    assert (phone_share(NEW, DAY, cfg), phone_share(NEW, DAY + dt.timedelta(days=1), cfg)) == (0.6, 1.0)
    assert phone_share(dataclasses.replace(SUP, training_until=DAY), DAY, cfg) == pytest.approx(0.3)
    assert phone_share(PLAIN, DAY, cfg) == 1.0 and phone_share(SUP, DAY, make_config()) == 1.0
    assert [sum(kept_intervals(n, s)) for n, s in ((10, 0.6), (16, 0.5), (7, 1.0), (3, 0.25))] == [6, 8, 7, 0]


def test_config_reads_and_checks_the_shares():
    cfg = parse_config(tomllib.loads(CONFIG.format(iv=30) + "\n[capacity]\nsupervisor_phone_share = 0.7\n"))
    assert (cfg.capacity.supervisor_phone_share, cfg.capacity.nesting_share) == (0.7, 1.0)
    with pytest.raises(InputError) as exc:
        parse_config(tomllib.loads(CONFIG.format(iv=30) + "\n[capacity]\nnesting_share = 0\n"))
    assert "capacity.nesting_share" in str(exc.value)


def test_the_simulation_puts_each_on_the_phones_for_its_share():
    """An E0800 shift (18 intervals of 30 min less a 1 h lunch and two breaks: 14 work intervals) gives the
    simulation 14 on-call intervals for an agent, floor(14 x 0.5) = 7 for the supervisor, floor(14 x 0.6) = 8 for
    the new hire on the day of nesting."""
    cfg = shares_config()
    roster = pd.concat([plan_from_code(a, DAY, "E0800", cfg) for a in (SUP, NEW, PLAIN)], ignore_index=True)
    work = roster[roster["activity"] == "work"].groupby("agent_id").size()
    assert work.to_dict() == {"A1": 14, "N1": 14, "S1": 14}
    kept = roster[on_calls(roster, [SUP, NEW, PLAIN], cfg)].groupby("agent_id").size()
    assert kept.to_dict() == {"A1": 14, "N1": 8, "S1": 7}
    ts = pd.date_range(pd.Timestamp(DAY), periods=48, freq="30min")
    fc = pd.DataFrame({"interval_start": ts, "queue": "billing", "calls": 1.0, "aht_s": 300.0})
    sc, grid = build_scenario(roster, fc, cfg, [SUP, NEW, PLAIN])
    assert {a: int((sc.assign[i] >= 0).sum()) for i, a in enumerate(grid.agent_ids)} == {"A1": 14, "N1": 8, "S1": 7}


def _short_with_one_shift(cfg, agent) -> tuple[int, int]:
    """The model's shortfall (quarters of an agent-interval) with `agent` forced onto E0800 against one head
    required all day on billing, and the requirement in the same unit."""
    ts = pd.date_range(pd.Timestamp(DAY), periods=48, freq="30min")
    req = pd.DataFrame({"interval_start": ts, "queue": "billing", "agents": 1, "heads": 1})
    inst = build_instance(req, [agent], cfg, DAY, 1)
    built = build_model(inst)
    k = next(k for k in inst.allowed[0][0] if inst.options[k].code == "E0800")
    built.model.Add(built.ctx.x[0, 0, k] == 1)
    built.model.Minimize(built.short_total)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.Solve(built.model) == cp_model.OPTIMAL
    return int(solver.Value(built.short_total)), built.total_req


def test_the_roster_model_counts_a_supervisor_at_its_share():
    """Forced onto the same shift, a supervisor at 0.5 gives the model half the shift's on-phone capacity (to
    within one unit: the model counts quarters of an agent-interval)."""
    rules = {"supervisor_on_duty": False, "max_overtime_h_month": 200}  # one shift in a 1-day period is overtime
    full, need = _short_with_one_shift(shares_config(1.0, 1.0, **rules), SUP)
    half, _ = _short_with_one_shift(shares_config(0.5, 1.0, **rules), SUP)
    nesting, _ = _short_with_one_shift(shares_config(1.0, 0.5, **rules), NEW)
    cover = need - full
    assert cover > 0 and abs((need - half) - cover / 2) <= 1
    assert nesting == half  # a new hire nesting at 0.5 counts as a supervisor at 0.5


def test_the_checker_and_the_coverage_sheet_count_the_same_intervals_as_the_simulation():
    """The supervisor's 14 on-phone intervals count 7 in the checker's coverage at a 0.5 share, like the
    simulation; at the default share all 14."""
    from wfm.publish.figures import roster_figures
    from wfm.roster.checker import check

    roster = plan_from_code(SUP, DAY, "E0800", shares_config())
    ts = pd.date_range(pd.Timestamp(DAY), periods=48, freq="30min")
    req = pd.DataFrame({"interval_start": ts, "queue": "billing", "agents": 1, "heads": 1, "calls": 2.0,
                        "aht_s": 300.0})
    half = check(roster, [SUP], shares_config(), start=DAY, days=1, requirements=req)
    full = check(roster, [SUP], make_config(), start=DAY, days=1, requirements=req)
    assert (half.totals["scheduled"], full.totals["scheduled"]) == (7, 14)
    assert half.violations == full.violations
    sheet = roster_figures(roster, [SUP], shares_config(), DAY, 1, requirements=req).coverage
    assert int(sheet["scheduled"].sum()) == 7
