"""The sample hotline's work force: teams with a leader, skill mixes, contracts, new hires and requests.

Head count is sized as a real centre would: from the weekly on-phone hours the recent demand needs per
queue (Erlang staffing of the last four weeks' average week), divided by the on-phone hours a full-time
agent gives after breaks and training, grossed up for shrinkage, plus a small margin.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from wfm.config import Config
from wfm.agents import Agent, on_phone_hours_per_fte  # on_phone_hours_per_fte: importable from here too

FIRST_NAMES = "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 丹 玲 萍 鹏 华 红 玉兰 飞".split()
GIVEN_FIRST = "志 建 国 晓 海 文 春 小 金 永 德 立 子 俊 嘉 思 雨 欣 宇 浩".split()
FAMILY_NAMES = "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗".split()
# Secondary skills that commonly go with a primary one in a telecom hotline.
SECONDARY = {
    "billing": ["data", "faults", "complaints"],
    "faults": ["data", "billing"],
    "complaints": ["billing", "vip"],
    "vip": ["billing", "complaints", "english"],
    "english": ["billing", "vip"],
    "data": ["billing", "faults"],
}
PT_SHARE = 0.18  # of the agents who are not new hires: reduced-hours contracts
EXTRA_SKILLS_P = (0.1, 0.6, 0.3)  # chance of 0, 1 or 2 skills beside the primary one (new hires: none)
TEAM_SIZE = 14
MIN_SUPERVISORS = 6
# Supervisors hold skills and the roster and the simulation put them on the phone like agents, so the agents'
# heads are sized on the need less the supervisors' share of it.
SUPERVISOR_PHONE_SHARE = 1.0
SUPERVISOR_SKILLS = ("billing", "complaints", "vip")
NEW_HIRE_QUEUE = "billing"  # the queue new hires are trained on first
NEW_HIRE_LEVEL = 0.7  # their proficiency there
MAX_NEW_HIRES = 10


def average_week(history: pd.DataFrame, config: Config, weeks: int = 4) -> pd.DataFrame:
    """Requirements of the last `weeks` weeks' average week (per-queue Erlang), dated in the week of 2001-01-01."""
    from wfm.staffing import staff  # the staffing stage sizes the sample work force

    end = history["interval_start"].max().normalize() + pd.Timedelta(days=1)
    recent = history[history["interval_start"] >= end - pd.Timedelta(weeks=weeks)].copy()
    ts = recent["interval_start"]
    recent["slot"] = pd.Timestamp("2001-01-01") + pd.to_timedelta(ts.dt.day_of_week, unit="D") + (
        ts - ts.dt.normalize())
    week = recent.groupby(["slot", "queue"]).agg(calls=("offered", "mean"), aht_s=("aht_s", "mean")).reset_index()
    default = week["queue"].map({q: c.default_aht_s for q, c in config.queues.items()})
    week["aht_s"] = week["aht_s"].fillna(default)
    week = week.rename(columns={"slot": "interval_start"})
    return staff(week, config.queues, interval_s=config.centre.interval_s, shrinkage=config.shrinkage.unplaced)


def weekly_agent_hours(history: pd.DataFrame, config: Config, weeks: int = 4) -> dict[str, float]:
    """On-phone agent-hours a week each queue needs alone: Erlang staffing of the last `weeks` weeks' average week."""
    req = average_week(history, config, weeks)
    h = config.centre.interval_s / 3600
    return {str(q): float(g["agents"].sum()) * h for q, g in req.groupby("queue", sort=False)}


def pooling_factor(requirements: pd.DataFrame, config: Config, skill_sets: list[list[str]]) -> float:
    """On-phone hours the floor needs with these skill sets (calls routed by skill) over the per-queue sum."""
    from wfm.multiskill import pool_name, pooled_requirements, queue_sets, skill_group_requirements

    queues = list(config.queues)
    sets = queue_sets(queues, skill_sets)
    pooled = pooled_requirements(requirements, config.queues, sets, interval_s=config.centre.interval_s,
                                 shrinkage=config.shrinkage.unplaced)
    groups = skill_group_requirements(pooled, [pool_name(q for q in queues if q in s) for s in skill_sets])
    total = float(requirements["agents"].sum())
    return float(groups["agents"].sum()) / total if total else 1.0


def sample_agents(history: pd.DataFrame, config: Config, *, start: dt.date, days: int = 7, seed: int = 0,
                  margin: float = 1.05) -> list[Agent]:
    """A work force sized to the demand in `history`, for a roster period starting `start`.

    Under skill routing the per-queue need is scaled by the pooling factor of the drawn skill mix
    (`pooling_factor`), so the floor is sized for what multi-skilled agents really need; supervisors, who take
    calls too, count toward it. `margin` 1.05: measured on the demo week (benchmarks/bench_multiskill.py), every
    queue meets its targets in simulation, the lowest 2 points over; at 1.03 all still do, at 1.02 four queues end
    1-4 points short."""
    req = average_week(history, config)
    h = config.centre.interval_s / 3600
    need = {str(q): float(g["agents"].sum()) * h for q, g in req.groupby("queue", sort=False)}
    # a small desk is rostered in whole heads per interval (its agents rarely get help at its busy hours)
    desk = {str(q): float(g["heads"].sum()) * h for q, g in req.groupby("queue", sort=False)}
    factor = 1.0
    if config.centre.queue_assignment == "routing":  # multi-skilled agents are shared: size on the pooled need
        trial = _agents(need, desk, 1.0, config, start=start, days=days, seed=seed, margin=margin)
        factor = pooling_factor(req, config, [list(a.skills) for a in trial if not a.is_supervisor])
    return _agents(need, desk, factor, config, start=start, days=days, seed=seed, margin=margin)


def _agents(need: dict[str, float], desk: dict[str, float], factor: float, config: Config, *, start: dt.date,
            days: int, seed: int, margin: float) -> list[Agent]:
    rng = np.random.default_rng(seed)
    per_fte = on_phone_hours_per_fte(config) * (1 - config.shrinkage.unplaced)
    fte = {q: h * factor / per_fte * margin for q, h in need.items()}
    total_fte = sum(fte.values())
    # at least one supervisor on duty around the clock: 21 eight-hour slots a week, 5 per supervisor, plus cover
    n_teams = max(MIN_SUPERVISORS, round(total_fte / (TEAM_SIZE - 1)))
    agent_fte = max(total_fte - SUPERVISOR_PHONE_SHARE * n_teams, total_fte / 2)
    # a part-timer gives ~25 of 40 hours; solve heads so that FT + PT hours cover the agents' FTE
    heads = math.ceil(agent_fte / (1 - PT_SHARE + PT_SHARE * 25 / 40))
    n_new = min(MAX_NEW_HIRES, heads // 12)
    main = NEW_HIRE_QUEUE if NEW_HIRE_QUEUE in config.queues else max(fte, key=lambda q: fte[q])
    # supervisors answer the queues they hold, so the agents' primary skills are shared out over what is left of
    # each queue's need (else those queues get the supervisors' time twice and the others fall short); new hires
    # are primaries of the main queue at a lower proficiency, so it gets the heads to make up for it
    led = _less_supervised(fte, total_fte - agent_fte, [q for q in SUPERVISOR_SKILLS if q in config.queues])
    led[main] = led.get(main, 0.0) + n_new * (1 - NEW_HIRE_LEVEL)
    # a small queue keeps a desk of its own: at least the heads it needs alone have it as their primary skill
    alone = {q: h / on_phone_hours_per_fte(config) * margin for q, h in desk.items()}
    primary = _primary_queues(led, heads, rng, floor=alone)
    agents: list[Agent] = []
    names = _names(heads + n_teams, rng)
    for t in range(n_teams):
        agents.append(Agent(
            agent_id=f"S{t + 1:03d}", name=names.pop(), team=f"T{t + 1:02d}", role="supervisor",
            skills={q: 1.0 for q in SUPERVISOR_SKILLS if q in config.queues},
            contract_hours_week=40.0,
        ))
    shift_codes = [s.code for s in config.shifts if not s.night and s.code != "P"]
    # new hires learn the main queue first: they are drawn from its primaries, so no other desk loses heads
    pool = [i for i in range(heads) if primary[i] == main]
    new_hires = set(rng.choice(pool, size=min(n_new, len(pool)), replace=False).tolist())
    eligible = [i for i in range(heads) if i not in new_hires]
    part_timers = set(rng.choice(eligible, size=round(PT_SHARE * len(eligible)), replace=False).tolist())
    held = {q: float(sum(p == q for p in primary)) for q in config.queues}  # heads holding each queue so far
    for i in range(heads):
        queue = primary[i]
        part_time = i in part_timers
        skills = {queue: 1.0}
        if i in new_hires:
            skills = {main: NEW_HIRE_LEVEL}
        else:
            n_extra = int(rng.choice(len(EXTRA_SKILLS_P), p=EXTRA_SKILLS_P))
            for extra in _extra_skills(queue, n_extra, fte, held, rng):
                skills[extra] = float(rng.choice([1.0, 0.9, 0.8]))
                held[extra] += 1
        contract = float(rng.choice([20.0, 25.0, 30.0])) if part_time else 40.0
        requests = ()
        if rng.random() < 0.2:
            requests = (start + dt.timedelta(days=int(rng.integers(0, days))),)
        pref = ""
        if shift_codes and rng.random() < 0.3 and not part_time:
            pref = str(rng.choice(shift_codes))
        agents.append(Agent(
            agent_id=f"A{i + 1:04d}", name=names.pop(), team=f"T{i % n_teams + 1:02d}", role="agent",
            skills=skills, contract_hours_week=contract,
            min_hours_week=contract if not part_time else contract - 5,
            max_hours_week=contract if not part_time else contract + 5,
            available_from=(8 * 60 if part_time else None), available_to=(22 * 60 if part_time else None),
            days_off_requested=requests, shift_preference=pref,
            training_until=start + dt.timedelta(days=13) if i in new_hires else None,
        ))
    return agents


def _extra_skills(queue: str, n: int, fte: dict[str, float], held: dict[str, float],
                  rng: np.random.Generator) -> list[str]:
    """`n` skills to train an agent of `queue` on, among the skills that go with it (`SECONDARY`), drawn with
    more weight on the queues with the fewest heads holding them per FTE they need: cross-training spread by
    need, so that no queue is left with only its own desk to call on while another is held by everyone."""
    cands = [q for q in SECONDARY.get(queue, []) if q in held and q in fte]
    if n <= 0 or not cands:
        return []
    w = np.array([fte[q] / (held[q] + 1.0) for q in cands]) + 1e-9
    picks = rng.choice(len(cands), size=min(n, len(cands)), replace=False, p=w / w.sum())
    return [cands[int(k)] for k in picks]


def _less_supervised(fte: dict[str, float], supervised: float, held: list[str]) -> dict[str, float]:
    """Each queue's FTE less the `supervised` FTE that supervisors (holding the queues `held`) give, taken from
    those queues in proportion to their FTE and never below zero."""
    share = sum(fte.get(q, 0.0) for q in held)
    if share <= 0:
        return dict(fte)
    return {q: max(f - supervised * f / share, 0.0) if q in held else f for q, f in fte.items()}


SMALL_QUEUE_SHARE = 0.15  # a queue needing under this share of the heads alone is a small desk


def _primary_queues(fte: dict[str, float], heads: int, rng: np.random.Generator,
                    floor: dict[str, float] | None = None) -> list[str]:
    """Primary queue per agent, proportional to each queue's FTE (largest-remainder rounding), shuffled; a small
    queue gets at least `floor` primaries (taken from the largest queues)."""
    total = sum(fte.values())
    exact = {q: heads * f / total for q, f in fte.items()}
    counts = {q: max(1, int(v)) for q, v in exact.items()}
    for q in sorted(exact, key=lambda q: exact[q] - int(exact[q]), reverse=True):
        if sum(counts.values()) >= heads:
            break
        counts[q] += 1
    for q, f in (floor or {}).items():
        if q in counts and f < SMALL_QUEUE_SHARE * heads:
            counts[q] = max(counts[q], math.ceil(f))
    while sum(counts.values()) > heads:
        counts[max(counts, key=lambda q: (counts[q], q))] -= 1
    out = [q for q, n in counts.items() for _ in range(n)][:heads]
    return [str(q) for q in rng.permutation(out)]


def _names(n: int, rng: np.random.Generator) -> list[str]:
    """Distinct Chinese names: a family name and one or two given-name characters."""
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        given = str(rng.choice(FIRST_NAMES))
        if len(seen) > len(FAMILY_NAMES) * len(FIRST_NAMES) // 3 or rng.random() < 0.4:
            given = str(rng.choice(GIVEN_FIRST)) + given[-1]
        name = str(rng.choice(FAMILY_NAMES)) + given
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out
