"""Intraday: re-forecast the rest of the day from what has arrived and re-plan what may still move."""

from wfm.intraday.reforecast import Reforecast, ReforecastSettings, credibility_ratio, reforecast
from wfm.intraday.replan import Replan, ReplanSettings, replan

__all__ = ["Reforecast", "ReforecastSettings", "Replan", "ReplanSettings", "credibility_ratio", "reforecast",
           "replan"]
