"""The frozen what-if `Scenario` and the changes it is made of (parsed by `wfm.scenarios.spec`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+\-]{0,59}")
QUEUE_RE = r"[a-z][a-z0-9_]*"
DEFAULT_TRAINING_WEEKS = 4.0
DEFAULT_RAMP_WEEKS = 4.0
BASE = "base"


# ------------------------------------------------------------------------------------------ changes


@dataclass(frozen=True)
class Scale:
    """Multiply calls (volume) or handle time (aht) by `factor`, in one queue or all, between two dates."""

    factor: float
    queue: str | None = None
    start: dt.date | None = None  # inclusive; None = open
    end: dt.date | None = None  # inclusive; None = open


@dataclass(frozen=True)
class Target:
    """A new service target: `sl_target` of calls answered within `answer_time_s`."""

    sl_target: float
    answer_time_s: float
    queue: str | None = None


@dataclass(frozen=True)
class Diversion:
    """A share of a queue's calls handled by IVR / self-service instead of agents."""

    queue: str
    share: float
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class NewQueue:
    """A queue added: the targets of `like` and `factor` x its calls, interval by interval."""

    name: str
    like: str
    factor: float = 1.0


@dataclass(frozen=True)
class Removal:
    """A queue closed: its calls vanish, or move into queue `into` (call-weighted AHT)."""

    queue: str
    into: str | None = None


@dataclass(frozen=True)
class Hours:
    """Opening hours (minutes after midnight; close may be 1440; open > close wraps past midnight)."""

    open_minute: int
    close_minute: int
    queue: str | None = None
    mode: str = "shift"  # "shift": calls outside move into the day's open intervals; "drop": they are lost


@dataclass(frozen=True)
class Hire:
    """A class of `count` full-time agents starting on `date`; None weeks = the scenario's defaults."""

    count: int
    date: dt.date
    training_weeks: float | None = None
    ramp_weeks: float | None = None


@dataclass(frozen=True)
class Scenario:
    """One what-if scenario: changes applied to the current plan. `Scenario("base")` is the plan itself."""

    name: str
    volume: tuple[Scale, ...] = ()
    aht: tuple[Scale, ...] = ()
    sl: tuple[Target, ...] = ()
    shrinkage: float | None = None
    ivr: tuple[Diversion, ...] = ()
    pool: tuple[tuple[str, ...], ...] = ()
    add: tuple[NewQueue, ...] = ()
    remove: tuple[Removal, ...] = ()
    hours: tuple[Hours, ...] = ()
    hire: tuple[Hire, ...] = ()
    attrition: float = 0.0
    training_weeks: float = DEFAULT_TRAINING_WEEKS
    ramp_weeks: float = DEFAULT_RAMP_WEEKS
    spec: str = field(default="", compare=False)  # the text it was parsed from, for messages

    @property
    def is_base(self) -> bool:
        """True when nothing is changed."""
        return self == Scenario(self.name)

    def hire_weeks(self, hire: Hire) -> tuple[float, float]:
        """(training weeks, ramp weeks) of a hire class, with the scenario's defaults."""
        t = self.training_weeks if hire.training_weeks is None else hire.training_weeks
        r = self.ramp_weeks if hire.ramp_weeks is None else hire.ramp_weeks
        return t, r
