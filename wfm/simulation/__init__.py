"""Discrete-event simulation of the centre: the roster against the forecast (multi-skill routing, priorities,
abandonment), and a single-queue simulator to validate the Erlang formulas and answer quick questions."""

from wfm.simulation.engine import ROUTINGS, Scenario, run
from wfm.simulation.single import single_queue

__all__ = ["ROUTINGS", "Scenario", "run", "single_queue"]
