"""What-if scenarios (`wfm whatif`): change the plan (volume, AHT, targets, shrinkage, IVR, pooling, queues,
opening hours, hiring, attrition) and compare required FTE, available FTE, expected service level and cost
week by week, in parallel on local processes or a Dask cluster.

>>> from wfm.scenarios import Plan, parse_scenario, run_scenarios           # doctest: +SKIP
>>> plan = Plan.from_config(config, forecast, agents=agents, weeks=8)       # doctest: +SKIP
>>> weekly, failures = run_scenarios([parse_scenario("base"), parse_scenario("tariff:volume=1.15")], plan)
"""

from wfm.scenarios.apply import ScenarioError, Workforce, apply_scenario
from wfm.scenarios.capacity import capacity_summary, capacity_view
from wfm.scenarios.evaluate import COLUMNS, EXTRA, Plan, evaluate
from wfm.scenarios.run import comparison, run_scenarios
from wfm.scenarios.spec import (BASE, Scenario, expand_grid, load_scenario_file, parse_grid_axis, parse_scenario,
                                validate_against, with_base)




__all__ = ["BASE", "COLUMNS", "EXTRA", "Plan", "Scenario", "ScenarioError", "Workforce", "apply_scenario",
           "capacity_summary", "capacity_view", "comparison", "evaluate", "expand_grid", "load_scenario_file",
           "parse_grid_axis", "parse_scenario", "run_scenarios", "validate_against", "with_base"]
