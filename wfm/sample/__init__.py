"""The embedded sample hotline: a deterministic, realistic provincial telecom centre to try `wfm` on."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass

import pandas as pd

from wfm.calendar import next_week_start
from wfm.config import Config, parse_config
from wfm.readers.agents import Agent
from wfm.sample.agents import sample_agents
from wfm.sample.centres import CENTRE_KINDS, GeneratedCentre, generated_centre
from wfm.sample.config_template import QUEUES, config_text
from wfm.sample.history import sample_history

SMALL_QUEUES = ("billing", "faults", "vip")


@dataclass
class SampleHotline:
    """The sample centre's config (as TOML text and parsed), agents and history."""

    config_text: str
    config: Config
    agents: list[Agent]
    history: pd.DataFrame
    start: dt.date  # first day of the roster period (the history ends the day before)


def build_sample(start: dt.date, *, days: int = 7, seed: int = 0, small: bool = False,
                 time_limit_s: float = 60.0) -> SampleHotline:
    """The sample hotline for a roster period starting `start`: full size, or small (3 queues, 8 weeks)."""
    specs = tuple(q for q in QUEUES if q.name in SMALL_QUEUES) if small else QUEUES
    text = config_text(specs, time_limit_s=time_limit_s,
                       name="Small sample hotline" if small else "Sample provincial hotline 10086")
    config = parse_config(tomllib.loads(text), path="config.toml", text=text)
    history = sample_history(start - dt.timedelta(days=1), years=8 / 52 if small else 2.0, seed=seed,
                             queues=specs, scale=0.25 if small else 1.0)
    agents = sample_agents(history, config, start=start, days=days, seed=seed)
    return SampleHotline(text, config, agents, history, start)


def next_monday(today: dt.date | None = None) -> dt.date:
    """The Monday after `today` (a roster period usually starts on a Monday)."""
    return next_week_start(today or dt.date.today())


__all__ = ["CENTRE_KINDS", "GeneratedCentre", "SampleHotline", "build_sample", "generated_centre", "next_monday",
           "sample_history", "sample_agents"]
