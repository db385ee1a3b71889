"""Discrete-event simulation of the centre: the roster against the forecast (multi-skill routing, priorities,
abandonment), and a single-queue simulator to validate the Erlang formulas and answer quick questions.

- `single_queue(calls, aht_s, agents, *, interval_s, intervals, answer_time_s, patience_s=None, seed=0)`
- `simulate_roster(roster_long, forecast, agents, config, *, replications=5, seed=0, routing=...)`
- `compare_with_erlang(sim, config)`: per interval and queue, the per-queue Erlang plan vs the simulation
- `read_roster_data(path)`: the roster workbook's `Data` sheet
"""

from wfm.simulation.engine import HANDLE_DISTRIBUTIONS, ROUTINGS, SimulationInput, run
from wfm.readers.roster import read_roster_data
from wfm.simulation.roster_sim import RosterSimulation, compare_summary, compare_with_erlang, simulate_roster
from wfm.simulation.single import single_queue

__all__ = ["HANDLE_DISTRIBUTIONS", "ROUTINGS", "RosterSimulation", "SimulationInput", "compare_summary",
           "compare_with_erlang", "read_roster_data", "run", "simulate_roster", "single_queue"]
