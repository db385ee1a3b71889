"""The roster instance: time grid, shift options per agent and day, demand matrix, duties of a shift.

Everything both phases of the solver need, derived once from config, agents and requirements.
(The checker in `wfm.roster.checker` derives its own view independently and shares none of this.)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from wfm.calendar import clock, closed_days, week_blocks
from wfm.config import Config, ShiftTemplate
from wfm.errors import InputError, Problem
from wfm.readers.agents import Agent
from wfm.roster.earlier import EarlierPeriod, earlier_period


@dataclass(frozen=True)
class ShiftOption:
    """A shift template at one start time; offsets are in intervals from the start of its day."""

    template: ShiftTemplate
    start_min: int
    length_min: int
    paid_min: int
    night: bool

    @property
    def code(self) -> str:
        return self.template.code + clock(self.start_min, "")

    @property
    def end_min(self) -> int:
        return self.start_min + self.length_min


@dataclass(frozen=True)
class Duties:
    """Off-phone items a shift of a given length carries, in intervals."""

    lunch: int  # 0 = no lunch
    lunch_window: tuple[int, int]  # earliest and latest lunch start offset (intervals from shift start)
    breaks: int  # number of short breaks
    break_len: int
    min_gap: int  # work intervals between breaks/lunch and from the shift's start and end


@dataclass(frozen=True)
class PrevShift:
    """A shift of the previous roster (continuity): its date, start and length in minutes, night or not."""

    date: dt.date
    start_min: int
    length_min: int
    night: bool


@dataclass
class Instance:
    config: Config
    agents: list[Agent]
    start: dt.date
    days: int
    interval: int  # minutes
    per_day: int  # intervals per day
    queues: list[str]
    req: np.ndarray  # (queues, days * per_day) required on-phone heads
    options: list[ShiftOption]
    allowed: list[list[list[int]]]  # [agent][day] -> option indices allowed
    previous: dict[str, list[PrevShift]] = field(default_factory=dict)
    # Coverage rows: sets of queue indices (the single queues first, then pools) and their required heads. With
    # skill routing (`pooled`) an on-phone agent counts fully in every row holding one of its skills; by hand
    # (not pooled) the rows are the single queues and an agent covers one queue at a time.
    on_leave: np.ndarray | None = None  # (agents, days) bool: approved leave, no shift
    closed: np.ndarray | None = None  # (days,) bool: the centre is closed (no shift, no supervisor, no requirement)
    credit: np.ndarray | None = None  # (agents, days) contract minutes a day of leave is excused (a fifth of a week)
    rows: list[tuple[int, ...]] = field(default_factory=list)
    row_req: np.ndarray | None = None
    pooled: bool = False
    workload: np.ndarray | None = None  # (queues, days * per_day) offered Erlangs, when the requirements give them
    primary_weight: np.ndarray | None = None  # (queues,) weight of each queue's first-call target (simulation)
    # (rows, intervals) required heads right after the period, in the hours its last night shifts run into: the
    # next period's first night, taken to need what this period's first hours need (see `tail_requirement`)
    tail: np.ndarray | None = None
    earlier: EarlierPeriod | None = None  # the previous roster's last days the period rules are joined to

    def coverage_req(self) -> np.ndarray:
        """Required heads per coverage row over the period and the tail after it, each shortfall in one row
        only (see `implied_rows_dropped`)."""
        base = self.row_req if self.row_req is not None else self.req
        need = base if self.tail is None else np.hstack([base, self.tail[:len(base)]])
        return implied_rows_dropped(self, need) if self.pooled and len(self.rows) > len(self.queues) else need

    @property
    def horizon(self) -> int:
        return self.days * self.per_day

    def date(self, d: int) -> dt.date:
        return self.start + dt.timedelta(days=d)

    def weeks(self) -> list[list[int]]:
        """Period weeks: blocks of 7 days from the start (the last may be shorter), or calendar weeks from the
        config's `rules.week_start` (the first and last may be shorter)."""
        return week_blocks(self.start, self.days, self.config.rules.first_weekday)

    def duties(self, opt: ShiftOption) -> Duties:
        return shift_duties(self.config, opt.length_min)

    def new_hire_on(self, agent: Agent, d: int) -> bool:
        return agent.training_until is not None and self.date(d) <= agent.training_until


def shift_duties(config: Config, length_min: int) -> Duties:
    b = config.breaks
    iv = config.centre.interval_minutes
    long_shift = length_min > b.lunch_if_shift_over_h * 60
    lunch = math.ceil(b.lunch_minutes / iv) if long_shift and b.lunch_minutes > 0 else 0
    n_breaks = b.breaks_per_shift if long_shift else min(1, b.breaks_per_shift)
    if b.break_minutes == 0:
        n_breaks = 0
    return Duties(
        lunch=lunch,
        lunch_window=(math.ceil(b.lunch_window_h[0] * 60 / iv), math.floor(b.lunch_window_h[1] * 60 / iv)),
        breaks=n_breaks,
        break_len=math.ceil(b.break_minutes / iv) if b.break_minutes else 0,
        min_gap=math.ceil(b.min_work_between_breaks_h * 60 / iv),
    )


def paid_minutes(config: Config, length_min: int) -> int:
    d = shift_duties(config, length_min)
    if d.lunch and not config.breaks.lunch_paid:
        return length_min - d.lunch * config.centre.interval_minutes
    return length_min


def requirement_matrix(requirements: pd.DataFrame | None, queues: list[str], start: dt.date, days: int, iv: int,
                       column: str = "heads", *, exact: bool = False) -> np.ndarray:
    """(queues, days x intervals) required heads from the requirements table (`column`, else `agents`; whole
    heads unless `exact`); errors name rows off the grid, unknown queues, or a table that misses the period."""
    per_day = 1440 // iv
    req = np.zeros((len(queues), days * per_day), dtype=np.float64 if exact else np.int64)
    if requirements is not None and len(requirements):
        if column not in requirements.columns:
            column = "agents"
        r = requirements
        ts = pd.to_datetime(r["interval_start"])
        base = pd.Timestamp(start)
        mins = ((ts - base).dt.total_seconds() // 60).astype("int64").to_numpy()
        off_grid = (mins % iv) != 0
        if off_grid.any():
            raise InputError([Problem("requirements", f"{int(off_grid.sum())} interval_start values are not on the "
                                                      f"{iv}-minute grid of the config")])
        idx = mins // iv
        inside = (idx >= 0) & (idx < days * per_day)
        qpos = {q: i for i, q in enumerate(queues)}
        qs = r["queue"].astype(str).to_numpy()
        unknown = sorted({q for q in qs if q not in qpos})
        if unknown:
            raise InputError([Problem("requirements", f"queue(s) {', '.join(unknown)} are not in the config")])
        vals = pd.to_numeric(r[column]).fillna(0).to_numpy()
        for i, q, v in zip(idx[inside], qs[inside], vals[inside]):
            req[qpos[q], i] = max(req[qpos[q], i], v if exact else int(round(v)))
        if not inside.any():
            raise InputError([Problem("requirements", f"no requirement falls in the roster period {start} to "
                                                      f"{start + dt.timedelta(days=days - 1)}")])
    return req


def shift_options(config: Config) -> list[ShiftOption]:
    """Every (template, start time) the config offers, less those longer than the daily maximum with overtime."""
    options = []
    max_paid = config.rules.max_shift_paid_h * 60  # 12 h under a 综合计算工时 cycle
    for tpl in config.shifts:
        for s in tpl.start_minutes:
            paid = paid_minutes(config, tpl.length_minutes)
            if paid > max_paid + 1e-9:
                continue  # max shift length rule: never offered
            options.append(ShiftOption(tpl, s, tpl.length_minutes, paid, tpl.night))
    if not options:
        raise InputError([Problem(config.path, "every shift template is longer than max_hours_day + "
                                               "max_overtime_h_day (max_shift_h_averaged under a month, quarter "
                                               "or year cycle) allows")])
    return options


def build_instance(requirements: pd.DataFrame, agents: list[Agent], config: Config, start: dt.date, days: int,
                   *, previous: dict[str, list[PrevShift]] | None = None, column: str = "heads",
                   carried: pd.DataFrame | None = None) -> Instance:
    """Prepare the instance; raises `InputError` for inputs no roster can be built from.

    `carried` is the previous roster's long table: its on-phone intervals that fall inside this period (the
    last night shift running past midnight) are taken off the requirements."""
    problems: list[Problem] = []
    if not 1 <= days <= 62:
        problems.append(Problem("--days", f"the roster period must be 1 to 62 days, not {days}"))
    if not config.shifts:
        problems.append(Problem(config.path, "the config has no [[shifts]] templates to build a roster from"))
    if not agents:
        problems.append(Problem("agents", "there are no agents to roster"))
    ids = [a.agent_id for a in agents]
    if len(set(ids)) != len(ids):
        problems.append(Problem("agents", "agent_id values are not unique"))
    if problems:
        raise InputError(problems)
    iv = config.centre.interval_minutes
    per_day = 1440 // iv
    queues = list(config.queues)
    req = requirement_matrix(requirements, queues, start, days, iv, column)
    options = shift_options(config)
    allowed = []
    c = config.centre
    on_leave = np.zeros((len(agents), days), dtype=bool)
    credit = np.zeros((len(agents), days), dtype=np.int64)
    shut, shut_holidays = closed_days(c, config.calendar, start, days)
    closed = np.array([start + dt.timedelta(days=d) in shut for d in range(days)], dtype=bool)
    for ai, a in enumerate(agents):
        for d in range(days):
            date = start + dt.timedelta(days=d)
            kind = a.leave_on(date)
            if kind is not None:
                on_leave[ai, d] = True
                credit[ai, d] = a.paid_day_minutes  # paid or not, a day of leave is not owed
            elif date in shut_holidays:
                credit[ai, d] = a.paid_day_minutes  # a holiday the centre closes for is not owed either
    for ai, a in enumerate(agents):
        rows = []
        off = set(a.days_off_requested) | {start + dt.timedelta(days=int(d)) for d in np.flatnonzero(on_leave[ai])}
        off |= shut
        for d in range(days):
            date = start + dt.timedelta(days=d)
            opening, closing = c.hours_on(date)
            opts = []
            if date not in off:
                for k, o in enumerate(options):
                    lo = a.available_from if a.available_from is not None else 0
                    hi = a.available_to if a.available_to is not None else 10 ** 6
                    if o.start_min < lo or o.end_min > hi:
                        continue
                    if not (opening == 0 and closing >= 1440) and (o.start_min < opening or o.end_min > closing):
                        continue
                    opts.append(k)
            rows.append(opts)
        allowed.append(rows)
    _cap_credit(credit, agents, week_blocks(start, days, config.rules.first_weekday))
    req[:, np.repeat(closed, per_day)] = 0  # nothing is required on a closed day
    inst = Instance(config, agents, start, days, iv, per_day, queues, req, options, allowed, previous or {},
                    on_leave=on_leave, credit=credit, closed=closed)
    add_rows(inst, requirements)
    if requirements is not None and "erlangs" in requirements.columns:  # closed days' calls go unanswered
        erl = requirement_matrix(requirements, queues, start, days, iv, "erlangs", exact=True)
        inst.workload = erl * ~closed.repeat(per_day)
    inst.tail = tail_requirement(inst)
    inst.earlier = earlier_period(inst.previous, agents, config, start, days, paid_minutes)
    if carried is not None and len(carried):
        cover = carry_in(inst, carried)
        inst.row_req = np.maximum(inst.row_req - cover, 0)
        inst.req = inst.row_req[:len(queues)].copy()
    return inst


def tail_requirement(inst: Instance) -> np.ndarray | None:
    """The hours after the period that its last shifts run into (a night shift ending next morning), required
    as the period's own first hours are: a roster is planned as one of a series, so its last night covers the
    next period's first (`--previous` then counts it there). None when no shift runs past midnight."""
    over = max((o.start_min + o.length_min - 1440) // inst.interval for o in inst.options)
    if over <= 0 or inst.row_req is None:
        return None
    return inst.row_req[:, :min(over, inst.row_req.shape[1])].copy()


def sub_instance(inst: Instance, ais: list[int]) -> Instance:
    """The instance restricted to agents `ais` (every per-agent field sliced alike)."""
    return replace(inst, agents=[inst.agents[a] for a in ais], allowed=[inst.allowed[a] for a in ais],
                   on_leave=None if inst.on_leave is None else inst.on_leave[ais],
                   credit=None if inst.credit is None else inst.credit[ais])


def carry_in(inst: Instance, carried: pd.DataFrame) -> np.ndarray:
    """(rows, horizon): on-phone agents of the previous roster inside this period, counted per coverage row as
    the checker counts them (every row holding one of the agent's skills under routing, else its Data queue)."""
    out = np.zeros((len(inst.rows), inst.horizon), dtype=np.int64)
    dates = pd.to_datetime(carried["date"].astype(str)).dt.date
    work = carried[(carried["activity"].astype(str) == "work") & (dates < inst.start)]
    if work.empty:
        return out
    begin = pd.Timestamp(inst.start)
    ts = pd.to_datetime(work["interval_start"].astype(str), format="mixed")
    idx = ((ts - begin).dt.total_seconds() // (inst.interval * 60)).astype("int64").to_numpy()
    inside = (idx >= 0) & (idx < inst.horizon)
    qpos = {q: i for i, q in enumerate(inst.queues)}
    skills = {a.agent_id: {qpos[q] for q in a.skills if q in qpos} for a in inst.agents}
    for aid, queue, t in zip(work["agent_id"].astype(str)[inside], work["queue"].astype(str)[inside], idx[inside]):
        held = skills.get(aid) if inst.pooled else None
        held = held if held else ({qpos[queue]} if queue in qpos else set())
        for r, row in enumerate(inst.rows):
            if held & set(row):
                out[r, t] += 1
    return out


def _cap_credit(credit: np.ndarray, agents: list[Agent], weeks: list[list[int]]) -> None:
    """A week of leave excuses at most the week's contract: leave on the days that would have been rest days
    excuses nothing more (the weeks the weekly rules count)."""
    for ai, a in enumerate(agents):
        for block in weeks:
            left = round(a.contract_hours_week * 60 * len(block) / 7)
            for d in block:
                credit[ai, d] = min(int(credit[ai, d]), left)
                left -= int(credit[ai, d])


def add_rows(inst: Instance, requirements: pd.DataFrame | None) -> None:
    """The coverage rows: single queues, plus the pools of `wfm.multiskill` when calls are routed by skill."""
    from wfm.multiskill import pooled_requirements, queue_sets

    Q = len(inst.queues)
    inst.rows = [(q,) for q in range(Q)]
    inst.row_req = inst.req.copy()
    inst.pooled = inst.config.centre.queue_assignment == "routing"
    if not inst.pooled or requirements is None or not len(requirements) \
            or not {"calls", "aht_s", "agents"} <= set(requirements.columns):
        return
    skill_sets = [[q for q in inst.queues if q in a.skills] for a in inst.agents]
    sets = [s for s in queue_sets(inst.queues, skill_sets) if len(s) > 1]
    if not sets:
        return
    begin = pd.Timestamp(inst.start)
    r = requirements.assign(interval_start=pd.to_datetime(requirements["interval_start"]))
    r = r[(r["interval_start"] >= begin) & (r["interval_start"] < begin + pd.Timedelta(days=inst.days))]
    pooled = pooled_requirements(r, inst.config.queues, sets, interval_s=inst.interval * 60,
                                 shrinkage=inst.config.shrinkage.unplaced)
    qpos = {q: i for i, q in enumerate(inst.queues)}
    extra = np.zeros((len(sets), inst.horizon), dtype=np.int64)
    idx = ((pooled["interval_start"] - begin).dt.total_seconds() // (inst.interval * 60)).astype("int64").to_numpy()
    pos = {"+".join(s): i for i, s in enumerate(sets)}
    rows = pooled["queues"].map(pos).to_numpy()
    extra[rows, idx] = pooled["heads"].to_numpy()
    # at least its largest member (its floor can exceed the pool's figure); nobody where no member needs anyone
    for i, s in enumerate(sets):
        largest = inst.req[[qpos[q] for q in s]].max(axis=0)
        extra[i] = np.where(largest > 0, np.maximum(extra[i], largest), 0)
    inst.rows += [tuple(qpos[q] for q in s) for s in sets]
    inst.row_req = np.vstack([inst.req, extra])


def implied_rows_dropped(inst: Instance, need: np.ndarray) -> np.ndarray:
    """`need` (rows, intervals) with the requirement of a row zeroed where another row implies it.

    Row A implies row B in an interval when every agent who counts in A also counts in B and A needs at least as
    many heads there: meeting A meets B, and B's shortfall is never larger than A's. Penalising both would count
    one missing agent several times, most of all at night, where every pool holding the one open queue needs
    that queue's heads; the roster then piles agents into those hours. Of two rows with the same agents and the
    same need, the first is kept.
    """
    mask = row_mask(inst)  # (agents, rows)
    # within[a, b]: the agents of row a are all agents of row b
    within = ~((mask[:, :, None] & ~mask[:, None, :]).any(axis=0))
    out = need.copy()
    dropped = np.zeros(need.shape, dtype=bool)
    held = mask.any(axis=0)
    for a, b in zip(*np.nonzero(within)):
        if a == b or not held[a]:  # a row nobody can serve implies nothing
            continue
        tie_ok = not within[b, a] or a < b  # equal rows: the first one stands
        implied = (need[a] >= need[b]) if tie_ok else (need[a] > need[b])
        dropped[b] |= implied & (need[b] > 0)
    out[dropped] = 0
    return out


def row_mask(inst: Instance) -> np.ndarray:
    """(agents, rows): the agent holds a skill of the row's queues."""
    skills = np.array([[q in a.skills for q in inst.queues] for a in inst.agents], dtype=bool).reshape(
        len(inst.agents), len(inst.queues))
    return np.stack([skills[:, list(r)].any(axis=1) for r in inst.rows], axis=1)


def coverable_mask(inst: Instance) -> np.ndarray:
    """Intervals of the horizon some shift starting in the period (or a previous one) can cover."""
    m = np.zeros(inst.horizon, dtype=bool)
    for d in range(inst.days):
        for o in inst.options:
            s = d * inst.per_day + o.start_min // inst.interval
            m[s:min(inst.horizon, s + o.length_min // inst.interval)] = True
    return m


def open_mask(inst: Instance) -> np.ndarray:
    """Intervals of the horizon inside the opening hours of their day (`CentreConfig.hours_on`)."""
    c = inst.config.centre
    minute = (np.arange(inst.horizon) % inst.per_day) * inst.interval
    day = np.arange(inst.horizon) // inst.per_day
    hours = np.array([c.hours_on(inst.date(d)) for d in range(inst.days)]).reshape(-1, 2)
    return (minute >= hours[day, 0]) & (minute < hours[day, 1])
