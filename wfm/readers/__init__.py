"""Readers and validators for the user's input files (history, agents, forecast, requirements)."""

from wfm.readers.agents import Agent, parse_skills, read_agents
from wfm.readers.forecast import read_forecast, read_requirements
from wfm.readers.history import History, read_history

__all__ = ["Agent", "History", "parse_skills", "read_agents", "read_forecast", "read_history", "read_requirements"]
