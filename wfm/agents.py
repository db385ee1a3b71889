"""The people a centre rosters: an `Agent` (skills, contract, requests, leave), the contract limits of part-time
work, and what one full-time equivalent gives on the phones. Readers fill these in (`wfm.readers.agents`); the
roster, the simulation, what-if and the sample centre use them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wfm.config import Config

PART_TIME_DAY_H = 4.0  # 非全日制用工 (Labour Contract Law art. 68): at most 4 h a day on average ...
PART_TIME_WEEK_H = 24.0  # ... and 24 h a week
ROLES = ("agent", "supervisor")


@dataclass(frozen=True)
class Agent:
    """One agent, validated. `skills` maps queue -> proficiency in (0, 1]."""

    agent_id: str
    name: str
    team: str
    skills: dict[str, float]
    contract_hours_week: float
    role: str = "agent"
    min_hours_week: float | None = None
    max_hours_week: float | None = None
    available_from: int | None = None  # minutes after midnight
    available_to: int | None = None
    days_off_requested: tuple[dt.date, ...] = ()
    shift_preference: str = ""  # shift template codes the agent prefers, e.g. "E" or "E;L"
    training_until: dt.date | None = None  # a new hire: only trained queues until then
    leave: tuple[tuple[dt.date, str], ...] = ()  # approved absence: (date, type), e.g. (2026-12-01, "annual")
    contract_type: str = "full_time"  # or "part_time" (非全日制: at most 4 h a day on average, 24 h a week)
    service_years: float | None = None  # cumulative years of work (累计工作年限): sets the annual-leave entitlement
    annual_leave_taken: float = 0.0  # days of annual leave taken this year that the `leave` column does not list

    @property
    def is_part_time(self) -> bool:
        return self.contract_type == "part_time"

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"

    def leave_on(self, date: dt.date) -> str | None:
        """The leave type of `date`, or None when the agent is not on leave that day."""
        return next((kind for d, kind in self.leave if d == date), None)

    @property
    def paid_day_minutes(self) -> int:
        """Paid minutes a day of paid leave counts for: a fifth of the weekly contract."""
        return round(self.contract_hours_week * 60 / 5)


def on_phone_hours_per_fte(config: "Config") -> float:
    """On-phone hours a full-time agent gives in a week once breaks and training placed by the roster are out."""
    shifts_per_week = config.rules.hours_per_week / config.rules.max_hours_day
    breaks_h = shifts_per_week * config.breaks.breaks_per_shift * config.breaks.break_minutes / 60
    if config.breaks.lunch_paid:
        breaks_h += shifts_per_week * config.breaks.lunch_minutes / 60
    training_h = 0.0
    for t in config.training:
        if t.who == "all":
            training_h += t.minutes / 60 * (shifts_per_week if t.frequency == "daily" else 1.0)
    return config.rules.hours_per_week - breaks_h - training_h
