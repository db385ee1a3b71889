"""The sample hotline's config, written fully commented so a scheduler can adapt it: every key, its default
and its comment come from the schema (`wfm.config.schema`); this module lays out the file and holds the
sample centre's own values (queues, shifts, training, shrinkage, ...)."""

from __future__ import annotations

from dataclasses import dataclass

from wfm.config.schema import (LEAVE_TYPES, AdherenceConfig, BreaksConfig, CalendarConfig, CapacityConfig,
                               CentreConfig, CostsConfig, LeaveConfig, QueueConfig, RotationConfig, RulesConfig,
                               ShiftTemplate, ShrinkageConfig, SolverConfig, TrainingActivity)
from wfm.config.template import Table, array_text


@dataclass(frozen=True)
class QueueSpec:
    """A sample queue: its target and the shape of its demand."""

    name: str
    label: str
    sl_target: float
    answer_time_s: int
    patience_s: int
    priority: int
    max_occupancy: float
    aht_s: float
    daily_calls: float  # a typical Wednesday outside holidays, before trend and season
    opens: int  # hour the queue takes calls (0 = 24/7)
    closes: int
    month_start_lift: float  # extra share of calls on the 1st of the month (bills issued)
    answer_rate_target: float | None = None  # share of offered calls answered by an agent (人工接通率)


# Answer-rate targets (人工接通率) as a provincial hotline sets them: 90-92% on the main desks, 95% for VIP.
QUEUES = (
    QueueSpec("billing", "话费咨询 Billing", 0.80, 20, 120, 3, 0.88, 230, 2800, 0, 24, 0.40, 0.92),
    QueueSpec("faults", "故障申报 Faults", 0.80, 20, 150, 3, 0.88, 340, 1100, 0, 24, 0.05, 0.92),
    QueueSpec("complaints", "投诉处理 Complaints", 0.85, 20, 180, 2, 0.85, 520, 220, 8, 22, 0.15, 0.92),
    QueueSpec("vip", "VIP/全球通 优先接入", 0.90, 15, 90, 5, 0.85, 300, 450, 8, 22, 0.20, 0.95),
    QueueSpec("english", "英语专席 English", 0.80, 30, 150, 2, 0.85, 400, 70, 8, 22, 0.05, 0.90),
    QueueSpec("data", "数据专席 Data services", 0.80, 20, 120, 2, 0.88, 310, 380, 8, 22, 0.15, 0.90),
)


def config_text(queues: tuple[QueueSpec, ...] = QUEUES, *, name: str = "Sample provincial hotline 10086",
                time_limit_s: float = 60.0) -> str:
    """The TOML text of a centre config with every key commented: the tables in the order a scheduler reads them."""
    return "".join((_centre(name), _CALENDAR.text() + "\n", _queues(queues), _SHRINKAGE.text() + "\n",
                    _SHIFTS + "\n", _BREAKS.text() + "\n", _RULES.text() + "\n", _TRAINING + "\n",
                    _ROTATION.text() + "\n", _solver(time_limit_s) + "\n", _COSTS.text() + "\n",
                    _LEAVE.text() + "\n", _CAPACITY.text() + "\n", _ADHERENCE.text()))


# The comment gaps below keep the file byte for byte as it was written before it was generated.
def _centre(name: str) -> str:
    return Table("[centre]", CentreConfig, values={"name": name}, gaps={"name": 14, "queue_assignment": 2},
                 above="wfm centre configuration. Every key is optional unless marked (required).\n"
                       "Times are the centre's local wall-clock time; durations in seconds (_s), minutes or hours "
                       "(_h) as named.\n\n").text() + "\n"


def _queues(queues: tuple[QueueSpec, ...]) -> str:
    tables = "\n".join(_queue_table(q) for q in queues)
    return f"""# One table per queue (skill). sl_target of calls answered within answer_time_s is the service target.
{tables}
"""


def _queue_table(q: QueueSpec) -> str:
    return Table(
        f"[queues.{q.name}]", QueueConfig,
        order=("label", "sl_target", "answer_time_s", "asa_target_s", "max_occupancy", "patience_s",
               "answer_rate_target", "max_abandon_rate", "priority", "min_agents", "default_aht_s", "acd_names"),
        left_out=("asa_target_s", "max_abandon_rate", "acd_names")
        + (("answer_rate_target",) if q.answer_rate_target is None else ()),
        values={"label": q.label, "sl_target": q.sl_target, "answer_time_s": q.answer_time_s,
                "max_occupancy": q.max_occupancy, "patience_s": q.patience_s, "priority": q.priority,
                "min_agents": 1, "default_aht_s": q.aht_s, "acd_names": [q.label],
                **({"answer_rate_target": q.answer_rate_target} if q.answer_rate_target is not None else {})},
        gaps={"label": 2, "sl_target": 12, "answer_time_s": 10, "max_occupancy": 8, "patience_s": 12,
              "acd_names": 3}).text()


def _solver(time_limit_s: float) -> str:
    return Table("[solver]", SolverConfig, values={"time_limit_s": time_limit_s}, gaps={"time_limit_s": 10}).text()


_CALENDAR = Table("[calendar]", CalendarConfig)

_SHRINKAGE = Table(
    "[shrinkage]", ShrinkageConfig, values={"absence": 0.05, "leave": 0.05, "meetings": 0.02}, decimals=True,
    below="Shares of paid time lost to what the roster does NOT place itself. Breaks, lunch and training are "
          "placed by\nthe roster and are not counted here again. heads = ceil(agents / (1 - sum of these)).")

_SHIFTS = array_text("[[shifts]]", ShiftTemplate, [
    {"code": code, "name": name, "start_minutes": starts, "length_minutes": hours, "night": night}
    for code, name, starts, hours, night in (
        ("E", "Early", ["07:00", "07:30", "08:00"], 9, False),
        ("D", "Day", ["09:00", "09:30", "10:00"], 9, False),
        ("L", "Late", ["13:00", "13:30", "14:00"], 9, False),
        ("N", "Night", ["22:00"], 9, True),
        ("P", "Part-time", ["10:00", "11:00", "17:00", "18:00"], 5, False))],
    above="Shift templates: a one-letter code (used in shift codes such as E0700), allowed start times, and the\n"
          "elapsed length in hours including an unpaid lunch. Night shifts are followed by the rest_after_night_h "
          "rule.")

_BREAKS = Table("[breaks]", BreaksConfig, decimals=("min_work_between_breaks_h",))

_RULES = Table(
    "[rules]", RulesConfig,
    order=("hours_per_week", "max_hours_day", "max_overtime_h_day", "max_overtime_h_month", "hours_averaging",
           "max_shift_h_averaged", "week_start", "max_consecutive_days", "min_days_off_week", "min_rest_h",
           "max_nights_week", "max_nights_month", "max_nights_period", "rest_after_night_h",
           "min_weekends_off_period", "supervisor_on_duty"),
    left_out=("max_shift_h_averaged", "week_start", "max_nights_month", "max_nights_period"),
    values={"min_days_off_week": 2, "max_nights_week": 4})

_TRAINING = array_text("[[training]]", TrainingActivity, [
    {"name": name, "minutes": minutes, "frequency": frequency, "who": who, "group": group, "activity": activity}
    for name, minutes, frequency, who, group, activity in (
        ("daily learning (每日一学)", 15, "daily", "all", False, "training"),
        ("weekly case review (每周一案)", 60, "weekly", "all", True, "meeting"),
        ("new-hire product training", 240, "weekly", "new_hires", True, "training"))],
    above="Off-phone activities the roster places in low-volume intervals.")

_ROTATION = Table("[rotation]", RotationConfig)

_COSTS = Table("[costs]", CostsConfig, values={"hourly_wage": 32.0}, decimals=True,
               order=("hourly_wage", "overtime_multiplier", "rest_day_multiplier", "holiday_multiplier",
                      "night_allowance_per_h", "on_cost_share", "currency"))

_LEAVE = Table("[leave]", LeaveConfig,
               below="approved leave comes from the agents table's leave column (2026-12-01..2026-12-03:annual); "
                     "every type is paid\n(counts in the paid hours) unless listed in unpaid; types: "
                     + ", ".join(LEAVE_TYPES))

_CAPACITY = Table("[capacity]", CapacityConfig, decimals=True,
                  below="how much of an on-phone interval goes to calls (roster, simulation and what-if count them "
                        "the same way)")

_ADHERENCE = Table(
    "[adherence]", AdherenceConfig, values={"states": {}},  # the defaults are known already; a centre adds its own
    below="ACD agent states (wfm adherence --states) -> roster activity: work, break, lunch, training, meeting, "
          "coaching,\nother (an off-phone state nobody planned) or off (logged out). Common states are known "
          "already (Available,\nTalking, ACW, Break, Lunch, Not Ready, Logged Out, 示闲, 通话, 小休, 示忙, 签出, "
          "...); add your ACD's own here.")
