"""The declarative rule set (issue 18): every hard rule and soft term named once; each rule accepts or rejects a
tiny hand-made roster in the model (the rule's constraints alone, the shifts fixed) and in the independent checker
(the same roster as a long table, no solver), and each soft term prices it by the hand-computed points in both."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import re
from pathlib import Path

import pandas as pd
import pytest
from ortools.sat.python import cp_model

from test_roster import START, make_config, make_requirements
from wfm.publish.codes import plan_from_code
from wfm.readers.agents import Agent
from wfm.roster import checker
from wfm.roster.context import Context
from wfm.roster.objective import SOFT_TERMS
from wfm.roster.problem import build_instance
from wfm.roster.rules import RULE_WORDS, RULES
from wfm.roster.score import MEASURES

ROSTER = Path(checker.__file__).parent
FT = Agent("F1", "Full 1", "T1", {"billing": 1.0}, 40.0)
FLEX = dataclasses.replace(FT, agent_id="F2", name="Flex 2", max_hours_week=60.0)


def week(codes: dict[int, str], agent: Agent = FT) -> dict[tuple[str, int], str]:
    return {(agent.agent_id, d): c for d, c in codes.items()}


def days(first: int, last: int, code: str = "E0700") -> dict[int, str]:
    return {d: code for d in range(first, last + 1)}


# ------------------------------------------------------------------------------------------------ the registry


def test_every_rule_is_named_described_and_linked_to_the_checker():
    for rule in RULES:
        assert rule.words and type(rule).__doc__, rule.name
        assert rule.checks and set(rule.checks) <= set(checker.CHECKED), rule.name
        assert RULE_WORDS[rule.name] == rule.words
    # the rule names the checker's code reports, read off its source: each verifies a registered rule or the table
    reported = set()
    for path in ROSTER.glob("check*.py"):
        reported |= set(re.findall(r'Violation\(\s*"([a-z_]+)"', path.read_text()))
    reported |= set(re.findall(r'Violation\(\s*"([a-z_]+)"', (ROSTER / "violations.py").read_text()))
    warnings_only = {"annual_leave", "leave_team_cap"}  # leave over an entitlement or a team cap: HR's, not a rule
    assert reported - warnings_only == set(checker.CHECKED)
    structure = {"table", "overlap", "unknown_agent", "shift_code"}
    assert {c for rule in RULES for c in rule.checks} | structure == set(checker.CHECKED)


def test_soft_terms_are_named_once_with_weights_in_points():
    names = [t.name for t in SOFT_TERMS]
    assert len(names) == len(set(names)) and set(MEASURES) == set(names)
    assert {t.name: t.weight for t in SOFT_TERMS} == {"under_staffing": 10, "paid_time": 1, "overtime": 2,
                                                      "preferences": -8, "fairness": 30}
    for term in SOFT_TERMS:
        assert term.words and term.unit and type(term).__doc__, term.name


def test_the_heuristic_keeps_no_copies_of_the_weights():
    from wfm.roster import heuristic

    source = inspect.getsource(heuristic)
    assert "PREFERENCE.weight" in source and "UNDER_STAFFING.slopes" in source
    assert not re.search(r"\b(8|10|20|40)\b\s*\*|\+=\s*8\b", source)


# ------------------------------------------------------------------------------------ hard rules, model and checker


def _instance(cfg, agents, n_days: int = 7):
    return build_instance(make_requirements(cfg, n_days), agents, cfg, START, n_days)


def _fixed_model(cfg, agents, shifts: dict[tuple[str, int], str], rules: set[str]):
    inst = _instance(cfg, agents)
    model = cp_model.CpModel()
    ctx = Context(inst, model)
    ctx.choose_shifts()
    for rule in RULES:
        if rule.name in rules:
            rule.add(ctx)
    for (aid, d), code in shifts.items():
        ai = next(i for i, a in enumerate(inst.agents) if a.agent_id == aid)
        assert any(inst.options[k].code == code for k in inst.allowed[ai][d]), (aid, d, code)
    for (ai, d, k), v in ctx.x.items():
        model.Add(v == int(shifts.get((inst.agents[ai].agent_id, d)) == inst.options[k].code))
    return ctx


def model_accepts(cfg, agents, shifts, rule: str) -> bool:
    ctx = _fixed_model(cfg, agents, shifts, {rule})
    status = cp_model.CpSolver().Solve(ctx.model)
    assert status in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
    return status == cp_model.OPTIMAL


def hand_roster(cfg, agents, shifts) -> pd.DataFrame:
    by_id = {a.agent_id: a for a in agents}
    return pd.concat([plan_from_code(by_id[aid], START + dt.timedelta(days=d), code, cfg)
                      for (aid, d), code in sorted(shifts.items())], ignore_index=True)


def checker_flags(cfg, agents, shifts, rule: str) -> bool:
    rep = checker.check(hand_roster(cfg, agents, shifts), agents, cfg, start=START, days=7)
    return rule in rep.by_rule()


# rule name, accepted week, rejected week, config rules (one full-time agent, 40 h a week, 8 paid hours an E shift)
CASES = [
    ("max_consecutive_days", days(0, 4), days(0, 5), {}),  # at most 5 days in a row
    ("min_days_off_week", days(0, 4), {**days(0, 2), **days(4, 6)}, {}),  # 2 days off a week, runs of 3 only
    ("min_rest", {0: "L1300", 1: "L1300"}, {0: "L1400", 1: "E0700"}, {}),  # 12 h: 23:00 to 07:00 is 8 h
    ("max_nights", days(0, 2, "N2200"), days(0, 3, "N2200"), {}),  # 3 nights in the period
    ("max_nights", days(0, 1, "N2200"), days(0, 2, "N2200"), {"max_nights_week": 2}),
    # 4 full weekends off per 4 weeks: the week's one weekend
    ("weekends_off", days(0, 4), days(2, 6), {"min_weekends_off_period": 4}),
    ("contract_hours", days(0, 4), days(0, 3), {}),  # 40 h: 5 shifts, not 4
]


@pytest.mark.parametrize("rule,good,bad,rules", CASES, ids=[c[0] for c in CASES])
def test_rule_in_the_model_and_the_checker(rule, good, bad, rules):
    cfg = make_config(**rules)
    assert model_accepts(cfg, [FT], week(good), rule)
    assert not model_accepts(cfg, [FT], week(bad), rule)
    assert not checker_flags(cfg, [FT], week(good), rule)
    assert checker_flags(cfg, [FT], week(bad), rule)


def test_overtime_cap_in_the_model_and_the_checker():
    cfg = make_config()  # 36 h a month: 8.4 h over 7 days; 6 shifts of 8 h = 8 h over a 40 h contract, 7 = 16 h
    good, bad = week(days(0, 5), FLEX), week(days(0, 6), FLEX)
    assert model_accepts(cfg, [FLEX], good, "overtime") and not model_accepts(cfg, [FLEX], bad, "overtime")
    assert not checker_flags(cfg, [FLEX], good, "overtime") and checker_flags(cfg, [FLEX], bad, "overtime")


# ------------------------------------------------------------------------------------ soft terms, model and checker


def model_points(cfg, agents, shifts, term_name: str) -> float:
    ctx = _fixed_model(cfg, agents, shifts, {"overtime"})  # the overtime rule adds the overtime variables
    term = next(t for t in SOFT_TERMS if t.name == term_name)
    ctx.model.Minimize(term.add(ctx, None))
    solver = cp_model.CpSolver()
    assert solver.Solve(ctx.model) == cp_model.OPTIMAL
    return solver.ObjectiveValue()


def checker_points(cfg, agents, shifts, term_name: str, **kw) -> float:
    rep = checker.check(hand_roster(cfg, agents, shifts), agents, cfg, start=START, days=7, **kw)
    return rep.score.points(term_name)


PREFERS_E = dataclasses.replace(FT, shift_preference="E")
NIGHTS = dataclasses.replace(FT, agent_id="F3", name="Nights 3")
# term, agents, week, points by hand
TERM_CASES = [
    ("paid_time", [FT], week(days(0, 4)), 5 * 8 * 2 * 1),  # 5 shifts x 8 paid h x 2 half-hours, 1 point each
    ("overtime", [FLEX], week(days(0, 5), FLEX), 8 * 60 * 2),  # 48 h on a 40 h contract: 480 min at 2 points
    ("overtime", [FLEX], week(days(0, 4), FLEX), 0),
    ("preferences", [PREFERS_E], week({**days(0, 2), 3: "L1300", 4: "L1300"}, PREFERS_E), 3 * -8),
    # E: 5 against 2, N: 0 against 3, weekend: 0 against 0 -> 6 shifts of spread at 30 points
    ("fairness", [FT, NIGHTS], {**week(days(0, 4)), **week({0: "E0700", 1: "E0700", **days(2, 4, "N2200")}, NIGHTS)},
     6 * 30),
    # the same with F3's last night on Saturday: weekend 0 against 1 -> 7 shifts of spread
    ("fairness", [FT, NIGHTS], {**week(days(0, 4)), **week({0: "E0700", 1: "E0700", **days(3, 5, "N2200")}, NIGHTS)},
     7 * 30),
]


@pytest.mark.parametrize("term,agents,shifts,points", TERM_CASES, ids=[c[0] for c in TERM_CASES])
def test_soft_term_in_the_model_and_the_checker(term, agents, shifts, points):
    cfg = make_config()
    assert model_points(cfg, agents, shifts, term) == points
    assert checker_points(cfg, agents, shifts, term) == points


def test_fairness_counts_weekend_shifts():
    cfg = make_config()  # F1 works Sat and Sun, F3 neither: weekend spread 2; E 5 against 5
    shifts = {**week(days(2, 6)), **week(days(0, 4), NIGHTS)}
    assert model_points(cfg, [FT, NIGHTS], shifts, "fairness") == 2 * 30
    rep = checker.check(hand_roster(cfg, [FT, NIGHTS], shifts), [FT, NIGHTS], cfg, start=START, days=7)
    line = rep.score.line("fairness")
    assert line.points == 60 and line.detail == "weekend 2"


def _one_interval_short(cfg, heads: int, on_phone: bool):
    """A requirement of `heads` billing agents at 10:00 on the first day, F1 working E0700 (or nothing)."""
    req = pd.DataFrame({"interval_start": [pd.Timestamp(START) + pd.Timedelta(hours=10)], "queue": ["billing"],
                        "heads": [heads]})
    data = hand_roster(cfg, [FT], week({0: "E0700"})) if on_phone else \
        pd.DataFrame(columns=["agent_id", "date", "interval_start", "activity", "queue"])
    return checker.check(data, [FT], cfg, start=START, days=7, requirements=req).score


def test_under_staffing_points_by_depth_and_priority():
    cfg = make_config()  # billing has priority 3
    # 1 on the phone of 4 required: 3 short = 12 quarters of 16; 4 at 10, 4 at 20, 4 at 40 points = 280, x 3
    score = _one_interval_short(cfg, 4, True)
    line = score.line("under_staffing")
    assert line.amount == 3 and line.points == 280 * 3
    # nobody of 4: 16 quarters short, 4 at 10, 4 at 20, 8 at 40 = 440, x 3
    assert _one_interval_short(cfg, 4, False).points("under_staffing") == 440 * 3


def test_model_under_staffing_with_no_shift_at_all():
    """With every shift forbidden the model's objective is the under-staffing term alone: per queue and half-hour
    block fully short of r heads, 10 r + 20 r + 40 x 2 r = 110 r points (quarters: 4 r, breakpoints r and 2 r),
    times the queue's priority."""
    from wfm.roster.model import build_model

    cfg = dataclasses.replace(make_config(), centre=dataclasses.replace(make_config().centre,
                                                                        queue_assignment="by_hand"))
    inst = _instance(cfg, [dataclasses.replace(FT, min_hours_week=0.0)])  # no shift breaks no rule
    built = build_model(inst)
    for v in built.ctx.x.values():
        built.model.Add(v == 0)
    solver = cp_model.CpSolver()
    assert solver.Solve(built.model) == cp_model.OPTIMAL
    req = make_requirements(cfg)
    prio = req["queue"].map({q: cfg.queues[q].priority for q in cfg.queues})
    assert solver.ObjectiveValue() == 110 * float((req["heads"] * prio).sum())


def test_supervisor_on_duty_in_the_model_and_the_checker():
    cfg = make_config()  # open all day: E 07-16, L 14-23 and N 22-07 every day leave no open hour without one
    sups = [dataclasses.replace(FT, agent_id=f"S{i}", name=f"Sup {i}", role="supervisor") for i in range(3)]
    good = {**week(days(0, 6), sups[0]), **week(days(0, 6, "L1400"), sups[1]), **week(days(0, 6, "N2200"), sups[2])}
    bad = {k: v for k, v in good.items() if k != ("S2", 3)}  # no night supervisor from Thursday 22:00
    assert model_accepts(cfg, sups, good, "supervisor_on_duty")
    assert not model_accepts(cfg, sups, bad, "supervisor_on_duty")
    assert not checker_flags(cfg, sups, good, "supervisor_on_duty")
    assert checker_flags(cfg, sups, bad, "supervisor_on_duty")


def test_part_time_in_the_model_and_the_checker():
    base = make_config()  # P shifts of 4 h: 5 of them are 20 h at 4 h a day; 6 are 24 h; 4 h P + 3 E is 28 h
    cfg = dataclasses.replace(base, shifts=tuple(dataclasses.replace(s, length_minutes=240) if s.code == "P" else s
                                                 for s in base.shifts))
    pt = dataclasses.replace(FT, agent_id="P1", contract_hours_week=20.0, min_hours_week=16.0, max_hours_week=24.0,
                             contract_type="part_time")
    good, bad = week(days(0, 4, "P1000"), pt), week({0: "P1000", **days(1, 3)}, pt)
    assert model_accepts(cfg, [pt], good, "part_time") and not model_accepts(cfg, [pt], bad, "part_time")
    assert not checker_flags(cfg, [pt], good, "part_time") and checker_flags(cfg, [pt], bad, "part_time")


@pytest.mark.parametrize("n_days,worked,overtime_min", [
    (3, 3, 0),  # 40 h x 3/7 = 17.1 h pro rata; three 8-hour shifts are within a day's hours above it
    (1, 1, 0),  # a one-day roster: one shift, no overtime (pro rata alone would call 2.3 h of it overtime)
    (6, 6, 8 * 60),  # 34.3 h pro rata + 8 h is above the week's 40 h: 48 h is 8 h over the week's contract
    (7, 6, 8 * 60),  # a whole week: pro rata only
])
def test_a_week_the_period_cuts_may_run_a_days_hours_above_pro_rata(n_days, worked, overtime_min):
    """The rest of a week the period's edge cuts belongs to another roster: its overtime starts a day's hours
    (8) above pro rata, never above the full week's contract, in the model and in the checker alike."""
    cfg = make_config(max_overtime_h_month=72)  # a cap the 6-day case's 8 h stays under (pro rata 14.4 h)
    assert START.weekday() == 0 and cfg.rules.first_weekday == 0  # the period starts a calendar week
    shifts = week(days(0, worked - 1), FLEX)
    inst = _instance(cfg, [FLEX], n_days)
    model = cp_model.CpModel()
    ctx = Context(inst, model)
    ctx.choose_shifts()
    next(r for r in RULES if r.name == "overtime").add(ctx)
    for (_, d, k), v in ctx.x.items():
        model.Add(v == int(shifts.get((FLEX.agent_id, d)) == inst.options[k].code))
    model.Minimize(sum(ctx.overtime) if ctx.overtime else 0)
    solver = cp_model.CpSolver()
    assert solver.Solve(model) == cp_model.OPTIMAL
    assert solver.ObjectiveValue() == overtime_min
    rep = checker.check(hand_roster(cfg, [FLEX], shifts), [FLEX], cfg, start=START, days=n_days)
    assert rep.score.points("overtime") == 2 * overtime_min


def test_a_long_day_in_a_cut_week_is_still_overtime_in_the_checker():
    """A one-day roster: pro rata 5.7 h plus a day's 8 h lets an 8-hour shift pass, but a shift lengthened by
    2 h (E0700+2: 10 paid hours) has 2 h past the day's 8, overtime under the 8 h/day rule."""
    cfg = make_config(max_overtime_h_month=72)
    rep = checker.check(hand_roster(cfg, [FLEX], {(FLEX.agent_id, 0): "E0700+2"}), [FLEX], cfg, start=START,
                        days=1)
    assert rep.score.points("overtime") == 2 * 120


def test_training_needs_room_in_the_weeks_shifts():
    """A new hire owes a 240-min class and the 60-min meeting in a week worked (8 + 2 half-hours). A 5-hour shift
    holds 8 after its break and the daily session (10 - 1 - 1), a 9-hour one 13 (18 - 2 lunch - 2 breaks - 1): one
    short shift is too small, one long shift or two short ones hold them."""
    import tomllib

    from test_roster import CONFIG
    from wfm.config import parse_config

    cfg = parse_config(tomllib.loads(CONFIG.format(iv=30).replace("minutes = 120", "minutes = 240")))
    new = dataclasses.replace(FT, agent_id="N1", name="New 1", min_hours_week=0.0,
                              training_until=START + dt.timedelta(days=6))
    assert model_accepts(cfg, [new], week({0: "E0700"}, new), "training")
    assert model_accepts(cfg, [new], week({0: "P1000", 2: "P1000"}, new), "training")
    assert not model_accepts(cfg, [new], week({0: "P1000"}, new), "training")
    assert model_accepts(cfg, [new], {}, "training")  # no shift, nothing owed
    old = dataclasses.replace(new, agent_id="O1", training_until=None)  # owes the meeting only: 2 of 8
    assert model_accepts(cfg, [old], week({0: "P1000"}, old), "training")
